/**
 * One key, two different images, against the real S3 server: within one uploader the first
 * image keeps the key and the second is refused naming both; a different file already in the
 * bucket is only replaced when the profile allows it; the same bytes are linked without a PUT.
 * Every upload keeps its SHA-256 as `x-amz-meta-sha256`, and a content-addressed template
 * still goes straight to PUT.
 */
import { createHash } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { UploadError } from "../../../src/core/errors";
import type { Asset, Profile } from "../../../src/core/types";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { createUploader } from "../../../src/storage/uploader";
import { rules, startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, storedObject, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let bucket: string;
let admin: S3Client;
let proxy: FaultProxy;
beforeAll(async () => {
  bucket = await createTestBucket("t-collide");
  admin = adminClient();
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});
afterAll(async () => {
  await proxy.close();
  admin.destroy();
  await removeTestBucket(bucket);
});

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("hex");

let folder = 0;
/** A key template of names in a folder of this test's own, so tests never meet each other's keys. */
function namedProfile(over: Partial<Profile> = {}): Profile {
  return testProfile({ bucket, keyTemplate: `f${++folder}/{name}.{ext}`, ...over });
}
const keyOf = (profile: Profile, name: string): string => profile.keyTemplate.replace("{name}.{ext}", name);

function uploaderFor(profile: Profile, index = new MemoryUploadIndex()) {
  const transport = new RequestRecorder();
  const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: transport.handler, index });
  return { uploader, transport, index };
}

const fromVault = (bytes: Uint8Array, sourcePath: string): Asset => ({
  bytes,
  name: sourcePath.slice(sourcePath.lastIndexOf("/") + 1),
  notePath: "Note.md",
  sourcePath,
});

async function rejection(p: Promise<unknown>): Promise<UploadError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(UploadError);
  return outcome as UploadError;
}

async function putDirectly(key: string, bytes: Uint8Array, metadata?: Record<string, string>): Promise<void> {
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: "image/png", Metadata: metadata }));
}

async function expectHolds(key: string, bytes: Uint8Array): Promise<void> {
  expect(Buffer.compare((await storedObject(bucket, key)).bytes, Buffer.from(bytes))).toBe(0);
}

describe("within one uploader", () => {
  test("a different image with an image's key is refused naming both files; the first keeps the key", async () => {
    const profile = namedProfile();
    const { uploader, transport } = uploaderFor(profile);
    const first = uniquePng();
    const second = uniquePng();
    try {
      const stored = await uploader.upload(fromVault(first, "a/shot.png"));
      expect(stored).toMatchObject({ key: keyOf(profile, "shot.png"), reused: false });
      const e = await rejection(uploader.upload(fromVault(second, "b/shot.png")));
      expect(e.code).toBe("KeyCollision");
      expect(e.message).toBe(
        `"b/shot.png" was not uploaded: the key template gives it the key ${stored.key}, which a different image, "a/shot.png", already has.`,
      );
      expect(e.hint).toContain("{hash}");
      expect(e.hint).toContain("rename one of the two files");
      expect(transport.count("PUT")).toBe(1);
      await expectHolds(stored.key, first);
    } finally {
      uploader.destroy();
    }
  });

  test("names that clean up to the same key collide: spaces against hyphens, a blank name against a hyphen", async () => {
    const profile = namedProfile();
    const { uploader } = uploaderFor(profile);
    try {
      for (const [a, b] of [
        ["my shot.png", "my-shot.png"],
        [" .png", "-.png"],
      ]) {
        const kept = await uploader.upload(fromVault(uniquePng(), a));
        const e = await rejection(uploader.upload(fromVault(uniquePng(), b)));
        expect(e.code).toBe("KeyCollision");
        expect(e.message).toContain(`"${b}" was not uploaded`);
        expect(e.message).toContain(`key ${kept.key}, which a different image, "${a}"`);
      }
    } finally {
      uploader.destroy();
    }
  });

  test("two different images with one key started together: one PUT, the other refused", async () => {
    const profile = namedProfile();
    const { uploader, transport } = uploaderFor(profile);
    const [a, b] = [uniquePng(), uniquePng()];
    try {
      const outcomes = await Promise.allSettled([uploader.upload(fromVault(a, "a/pic.png")), uploader.upload(fromVault(b, "b/pic.png"))]);
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: "KeyCollision" });
      expect(transport.count("PUT")).toBe(1);
      await expectHolds(keyOf(profile, "pic.png"), a);
    } finally {
      uploader.destroy();
    }
  });

  test("a short hash prefix is not trusted to keep images apart: {hash:1} looks at the key before writing", async () => {
    const { uploader, transport } = uploaderFor(testProfile({ bucket, keyTemplate: `f${++folder}/{hash:1}.{ext}` }));
    try {
      await uploader.upload(fromVault(uniquePng(), "x.png"));
      expect(transport.calls.map((c) => c.method)).toEqual(["HEAD", "PUT"]);
    } finally {
      uploader.destroy();
    }
  });

  test("a failed upload gives the key back, so a later image can have it", async () => {
    proxy.setPlan(rules.firstN(1, "PUT", { status: 403, code: "AccessDenied", message: "Access Denied" }));
    const profile = namedProfile({ endpoint: proxy.url });
    const { uploader } = uploaderFor(profile);
    try {
      expect((await rejection(uploader.upload(fromVault(uniquePng(), "a/retry.png")))).code).toBe("AccessDenied");
      const b = uniquePng();
      await expect(uploader.upload(fromVault(b, "b/retry.png"))).resolves.toMatchObject({ reused: false });
      await expectHolds(keyOf(profile, "retry.png"), b);
    } finally {
      uploader.destroy();
    }
  });
});

describe("a file already in the bucket", () => {
  test("with other bytes is never replaced by default, and the message says how to allow it", async () => {
    const profile = namedProfile({ name: "Blog" });
    const key = keyOf(profile, "logo.png");
    const earlier = uniquePng();
    const first = uploaderFor(profile);
    await first.uploader.upload(fromVault(earlier, "old/logo.png"));
    first.uploader.destroy();

    const { uploader, transport } = uploaderFor(profile);
    try {
      const e = await rejection(uploader.upload(fromVault(uniquePng(), "new/logo.png")));
      expect(e.code).toBe("KeyCollision");
      expect(e.message).toBe(
        `"new/logo.png" was not uploaded: the bucket already holds a different file at ${key}. Files in the bucket are only replaced when you allow it.`,
      );
      expect(e.hint).toContain('turn on "Replace existing files" in the settings of the profile "Blog"');
      expect(transport.calls.map((c) => c.method)).toEqual(["HEAD"]);
      await expectHolds(key, earlier);
    } finally {
      uploader.destroy();
    }
  });

  test("with other bytes is replaced when the profile allows it", async () => {
    const profile = namedProfile();
    const key = keyOf(profile, "logo.png");
    await putDirectly(key, uniquePng(), { sha256: "0".repeat(64) });
    const { uploader, transport } = uploaderFor({ ...profile, overwrite: true });
    const fresh = uniquePng();
    try {
      await expect(uploader.upload(fromVault(fresh, "new/logo.png"))).resolves.toMatchObject({ key, reused: false });
      expect(transport.calls.map((c) => c.method)).toEqual(["PUT"]);
      await expectHolds(key, fresh);
    } finally {
      uploader.destroy();
    }
  });

  test("with the same bytes is linked with one HEAD and no PUT, even when another tool put it there without our metadata", async () => {
    const profile = namedProfile();
    const png = uniquePng();
    await putDirectly(keyOf(profile, "same.png"), png);
    const { uploader, transport } = uploaderFor(profile);
    try {
      await expect(uploader.upload(fromVault(png, "x/same.png"))).resolves.toMatchObject({ key: keyOf(profile, "same.png"), reused: true });
      expect(transport.calls.map((c) => c.method)).toEqual(["HEAD"]);
    } finally {
      uploader.destroy();
    }
  });

  test("put there by another tool with the same size but other bytes is not replaced", async () => {
    const profile = namedProfile();
    const key = keyOf(profile, "twin.png");
    const ours = uniquePng();
    const theirs = Uint8Array.from(ours);
    theirs[theirs.length - 20] ^= 1;
    await putDirectly(key, theirs);
    const { uploader } = uploaderFor(profile);
    try {
      const e = await rejection(uploader.upload(fromVault(ours, "x/twin.png")));
      expect(e.code).toBe("KeyCollision");
      expect(e.message).toContain(`the bucket already holds a file at ${key}, and nothing shows it is this same image`);
      await expectHolds(key, theirs);
    } finally {
      uploader.destroy();
    }
  });

  test("a remembered upload whose object was replaced since is not linked again", async () => {
    const profile = namedProfile();
    const key = keyOf(profile, "chart.png");
    const original = uniquePng();
    const index = new MemoryUploadIndex();
    const first = uploaderFor(profile, index);
    await first.uploader.upload(fromVault(original, "a/chart.png"));
    first.uploader.destroy();
    const replacer = uploaderFor({ ...profile, overwrite: true });
    await replacer.uploader.upload(fromVault(uniquePng(), "b/chart.png"));
    replacer.uploader.destroy();

    const again = uploaderFor(profile, index);
    try {
      const e = await rejection(again.uploader.upload(fromVault(original, "a/chart.png")));
      expect(e.code).toBe("KeyCollision");
      expect(e.message).toContain(`the bucket already holds a different file at ${key}`);
    } finally {
      again.uploader.destroy();
    }
  });

  test("that cannot be looked at (no read permission) stops the upload with an explanation instead of risking it", async () => {
    proxy.setPlan(rules.always("HEAD", { status: 403 }));
    const { uploader } = uploaderFor(namedProfile({ endpoint: proxy.url }));
    try {
      const e = await rejection(uploader.upload(fromVault(uniquePng(), "a/locked.png")));
      expect(e.code).toBe("AccessDenied");
      expect(e.message).toMatch(/^Could not check whether the bucket already holds a file at f\d+\/locked\.png: /);
      expect(e.hint).toContain("add {hash} to the key template");
      expect(proxy.count("PUT")).toBe(0);
    } finally {
      uploader.destroy();
    }
  });
});

describe("what every upload stores and sends", () => {
  test("the default template goes straight to PUT, with the SHA-256 kept as x-amz-meta-sha256", async () => {
    const { uploader, transport } = uploaderFor(testProfile({ bucket }));
    const png = uniquePng();
    try {
      const stored = await uploader.upload(fromVault(png, "a/shot.png"));
      expect(transport.calls.map((c) => c.method)).toEqual(["PUT"]);
      expect(transport.calls[0].headers["x-amz-meta-sha256"]).toBe(sha256(png));
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: stored.key }));
      expect(head.Metadata).toEqual({ sha256: sha256(png) });
      expect(head.ETag).toBe(`"${md5(png)}"`);
    } finally {
      uploader.destroy();
    }
  });

  test("a provider without documented conditional writes gets a plain PUT after the HEAD", async () => {
    proxy.setPlan(() => undefined);
    const { uploader } = uploaderFor(namedProfile({ endpoint: proxy.url, provider: "b2" }));
    try {
      await uploader.upload(fromVault(uniquePng(), "a/plain.png"));
      expect(proxy.log.map((e) => `${e.method} ${e.status} ${e.headers["if-none-match"] ?? "-"}`)).toEqual(["HEAD 404 -", "PUT 200 -"]);
    } finally {
      uploader.destroy();
    }
  });

  test("where the provider has conditional writes, a file that appears between the HEAD and the PUT is not replaced", async () => {
    const profile = namedProfile({ endpoint: proxy.url, provider: "minio" });
    const key = keyOf(profile, "race.png");
    const theirs = uniquePng();
    await putDirectly(key, theirs, { sha256: sha256(theirs) });
    // The first HEAD answers as if the key were free: another writer stores it right after.
    proxy.setPlan(rules.firstN(1, "HEAD", "status:404"));
    const { uploader } = uploaderFor(profile);
    try {
      const e = await rejection(uploader.upload(fromVault(uniquePng(), "a/race.png")));
      expect(e.code).toBe("KeyCollision");
      expect(proxy.log.map((l) => `${l.method} ${l.status} ${l.headers["if-none-match"] ?? "-"}`)).toEqual(["HEAD 404 -", "PUT 412 *", "HEAD 200 -"]);
      await expectHolds(key, theirs);
    } finally {
      uploader.destroy();
    }
  });

  test("a server that answers 501 to the condition gets plain PUTs from then on", async () => {
    proxy.setPlan((req) =>
      req.method === "PUT" && req.headers["if-none-match"]
        ? {
            status: 501,
            code: "NotImplemented",
            message: "A header you provided implies functionality that is not implemented.",
            fields: { Header: "If-None-Match" },
          }
        : undefined,
    );
    const profile = namedProfile({ endpoint: proxy.url, provider: "minio" });
    const { uploader } = uploaderFor(profile);
    const png = uniquePng();
    try {
      await expect(uploader.upload(fromVault(png, "a/one.png"))).resolves.toMatchObject({ reused: false });
      await expect(uploader.upload(fromVault(uniquePng(), "a/two.png"))).resolves.toMatchObject({ reused: false });
      expect(proxy.log.map((l) => `${l.method} ${l.status} ${l.headers["if-none-match"] ?? "-"}`)).toEqual([
        "HEAD 404 -",
        "PUT 501 *",
        "PUT 200 -",
        "HEAD 404 -",
        "PUT 200 -",
      ]);
      await expectHolds(keyOf(profile, "one.png"), png);
    } finally {
      uploader.destroy();
    }
  });
});

import { createHash } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { isUploadError } from "../../../src/core/errors";
import type { Profile } from "../../../src/core/types";
import { DirectPuts } from "../../../src/storage/directPut";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { S3ObjectStore } from "../../../src/storage/objectStore";
import { createUploader } from "../../../src/storage/uploader";
import { createS3Client } from "../../../src/storage/s3Client";
import { startFaultProxy, type FaultProxy, type LoggedRequest } from "../../support/faultProxy";
import { adminClient, storedObject, testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

jest.setTimeout(30_000);

let bucket: string;
useTestBucket("t-direct", (b) => (bucket = b));
let admin: S3Client;
// Forwards every request unchanged to the test server (or answers for it, where a test says so),
// and shows what each request carried.
let proxy: FaultProxy;
beforeAll(async () => {
  admin = adminClient();
  proxy = await startFaultProxy({ upstream: process.env.S3_TEST_ENDPOINT! });
});
afterAll(async () => {
  admin.destroy();
  await proxy.close();
});

/** A request the SDK's pipeline sent: it always adds its invocation id; the direct path never does. */
const bySdkHeaders = (headers: LoggedRequest["headers"]) => headers["amz-sdk-invocation-id"] !== undefined;
const bySdk = (r: LoggedRequest) => bySdkHeaders(r.headers);
const puts = () => proxy.log.filter((r) => r.method === "PUT");

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function rig(overrides: Partial<Profile> = {}, before?: (client: S3Client) => void) {
  const profile = testProfile({ bucket, endpoint: proxy.url, ...overrides });
  // The command-line tool's client: the SDK's own Node transport.
  const client = createS3Client(profile, testCredentials());
  before?.(client);
  const direct = new DirectPuts(client);
  return { client, direct, store: new S3ObjectStore(client, profile, "cli", direct) };
}

async function put(store: S3ObjectStore, key: string, extra: { createOnly?: boolean } = {}): Promise<Uint8Array> {
  const body = uniquePng();
  await store.put({ key, body, contentType: "image/png", cacheControl: "public, max-age=31536000, immutable", sha256: sha256(body), ...extra });
  return body;
}

async function expectStored(key: string, body: Uint8Array): Promise<void> {
  const got = await storedObject(bucket, key);
  expect(Buffer.compare(got.bytes, Buffer.from(body))).toBe(0);
  const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  expect(head.ContentType).toBe("image/png");
  expect(head.CacheControl).toBe("public, max-age=31536000, immutable");
  expect(head.Metadata?.sha256).toBe(sha256(body));
}

describe("PutObject past the SDK's per-request pipeline", () => {
  test("after one upload through the SDK, the others go out directly, with the same bytes and headers, whatever their keys", async () => {
    proxy.setPlan(() => undefined);
    const { client, direct, store } = rig();
    try {
      const keys = [
        "direct/first.png",
        "direct/中文 图片.png",
        "direct/a+b=c&d;e,f.png",
        "direct/sub dir/ü~*'()!$@.png",
        "direct/percent%25 and %.png",
        "direct//double slash.png",
        "direct/日本語の画像 #1?.png",
      ];
      const bodies: Uint8Array[] = [];
      for (const key of keys) bodies.push(await put(store, key));
      expect(direct.state).toBe("ready");
      expect(direct.sent).toBe(keys.length - 1);
      expect(puts().map(bySdk)).toEqual([true, ...keys.slice(1).map(() => false)]);
      for (let i = 0; i < keys.length; i++) await expectStored(keys[i], bodies[i]);
      // Server logs still name the SDK.
      expect(puts().every((r) => String(r.headers["user-agent"]).startsWith("aws-sdk-js/"))).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test("an upload with an ACL goes out directly once one with an ACL was seen", async () => {
    proxy.setPlan(() => undefined);
    const { client, direct, store } = rig({ acl: "public-read" });
    try {
      await put(store, "acl/one.png");
      const body = await put(store, "acl/two.png");
      expect(direct.sent).toBe(1);
      expect(puts().map((r) => r.headers["x-amz-acl"])).toEqual(["public-read", "public-read"]);
      await expectStored("acl/two.png", body);
    } finally {
      client.destroy();
    }
  });

  test("a client whose request it cannot rebuild stays with the SDK, and says why", async () => {
    proxy.setPlan(() => undefined);
    // Something the rebuilt request would not carry: another header on every request.
    const { client, direct, store } = rig({}, (c) =>
      c.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers["x-amz-meta-origin"] = "elsewhere";
          return next(args);
        },
        { step: "build", name: "extraHeader" },
      ),
    );
    try {
      await put(store, "other/one.png");
      const body = await put(store, "other/two.png");
      expect(direct.state).toBe("off");
      expect(direct.offReason).toBe("the x-amz-meta-origin header differs");
      expect(direct.sent).toBe(0);
      expect(puts().every(bySdk)).toBe(true);
      await expectStored("other/two.png", body);
    } finally {
      client.destroy();
    }
  });

  test("a write that must not replace anything, or to another bucket, goes through the SDK", async () => {
    proxy.setPlan(() => undefined);
    const { client, direct, store } = rig();
    try {
      await put(store, "cond/one.png");
      await put(store, "cond/two.png", { createOnly: true });
      expect(await direct.put({ Bucket: `${bucket}-other`, Key: "x.png", Body: uniquePng(), ContentType: "image/png" })).toBe(false);
      expect(direct.sent).toBe(0);
      expect(direct.state).toBe("ready");
      expect(puts().every(bySdk)).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test.each([
    ["an error answer", "status:503" as const, ["direct 503", "sdk 200", "sdk 200"], "the service answered 503"],
    ["a dropped connection", "reset" as const, ["direct undefined", "sdk 200", "sdk 200"], undefined],
  ])("a direct upload that meets %s is sent again through the SDK, which stores it; later ones stay with the SDK", async (_what, fault, log, reason) => {
    const { client, direct, store } = rig();
    try {
      proxy.setPlan(() => undefined);
      await put(store, `${fault}/one.png`);
      proxy.setPlan((r) => (r.method === "PUT" && !bySdkHeaders(r.headers) ? fault : undefined));
      const body = await put(store, `${fault}/two.png`);
      await put(store, `${fault}/three.png`);
      expect(puts().map((r) => `${bySdk(r) ? "sdk" : "direct"} ${r.status}`)).toEqual(log);
      expect(direct.state).toBe("off");
      if (reason !== undefined) expect(direct.offReason).toBe(reason);
      else expect(direct.offReason).toEqual(expect.any(String));
      await expectStored(`${fault}/two.png`, body);
    } finally {
      client.destroy();
    }
  });

  test("a refusal is explained as the SDK's path explains it", async () => {
    const { client, store } = rig();
    try {
      proxy.setPlan(() => undefined);
      await put(store, "denied/one.png");
      proxy.setPlan((r) => (r.method === "PUT" ? { status: 403, code: "AccessDenied", message: "Access Denied" } : undefined));
      const err = await put(store, "denied/two.png").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUploadError(err) && err.code).toBe("AccessDenied");
      expect(puts()[0].headers["amz-sdk-invocation-id"]).toBeUndefined();
      expect(puts().slice(1).every(bySdk)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});

test("an uploader makes one only for a client it creates itself", () => {
  const made: S3Client[] = [];
  const directPuts = (c: S3Client) => {
    made.push(c);
    return new DirectPuts(c);
  };
  const profile = testProfile({ bucket });
  const own = createUploader({ profile, credentials: testCredentials(), index: new MemoryUploadIndex(), directPuts });
  const client = createS3Client(profile, testCredentials());
  const given = createUploader({ profile, credentials: testCredentials(), index: new MemoryUploadIndex(), client, directPuts });
  try {
    expect(made).toHaveLength(1);
    expect(made[0]).not.toBe(client);
  } finally {
    own.destroy();
    given.destroy();
    client.destroy();
  }
});

const skewedEndpoint = process.env.S3_TEST_SKEWED_ENDPOINT;
(skewedEndpoint ? describe : describe.skip)("PutObject past the pipeline, to a server whose clock is 20 minutes ahead", () => {
  let skewed: FaultProxy;
  beforeAll(async () => {
    skewed = await startFaultProxy({ upstream: skewedEndpoint! });
  });
  afterAll(async () => {
    await skewed.close();
  });

  test("the direct uploads are signed with the clock the SDK corrected", async () => {
    const profile = testProfile({ bucket, endpoint: skewed.url });
    const client = createS3Client(profile, testCredentials());
    const direct = new DirectPuts(client);
    const store = new S3ObjectStore(client, profile, "cli", direct);
    try {
      skewed.setPlan(() => undefined);
      const first = uniquePng();
      await store.put({ key: "skew/one.png", body: first, contentType: "image/png", sha256: sha256(first) });
      const second = uniquePng();
      await store.put({ key: "skew/two.png", body: second, contentType: "image/png", sha256: sha256(second) });
      const log = skewed.log.filter((r) => r.method === "PUT").map((r) => `${bySdk(r) ? "sdk" : "direct"} ${r.status}`);
      expect(log).toEqual(["sdk 403", "sdk 200", "direct 200"]);
      expect(Buffer.compare((await storedObject(bucket, "skew/two.png")).bytes, Buffer.from(second))).toBe(0);
    } finally {
      client.destroy();
    }
  });
});

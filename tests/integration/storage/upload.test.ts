import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_CACHE_CONTROL } from "../../../src/core/settings/settingsModel";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { bucketScope } from "../../../src/core/link/publicUrl";
import type { Profile } from "../../../src/core/types";
import { createUploader } from "../../../src/storage/uploader";
import type { SdkHttpHandler } from "../../../src/storage/s3Client";
import { adminClient, anonymousGet, createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";
import { paddedPng } from "../../support/badInput";

jest.setTimeout(30_000);

let bucket: string;
let admin: S3Client;
beforeAll(async () => {
  bucket = await createTestBucket("t-upload");
  admin = adminClient();
});
afterAll(async () => {
  admin.destroy();
  await removeTestBucket(bucket);
});

const asset = (bytes: Uint8Array, name = "Pasted image 20260101.png") => ({ bytes, name, notePath: "Blog/Post.md" });

describe.each<[string, () => SdkHttpHandler | undefined]>([
  ["Obsidian's requestUrl", () => new RequestRecorder().handler],
  ["the SDK's Node handler", () => undefined],
])("an upload through %s", (_label, makeHandler) => {
  test("stores the exact bytes with their Content-Type and Cache-Control, readable through the SDK and anonymously from the link", async () => {
    const profile = testProfile({ bucket, acl: "public-read" });
    const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: makeHandler(), index: new MemoryUploadIndex() });
    const png = uniquePng();
    try {
      const stored = await uploader.upload(asset(png));
      expect(stored.reused).toBe(false);
      expect(stored.key).toMatch(/^img\/[0-9a-f]{32}\.png$/);
      expect(stored.url).toBe(`${s3TestEnv().endpoint}/${bucket}/${stored.key}`);

      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: stored.key }));
      expect(head.ContentType).toBe("image/png");
      expect(head.CacheControl).toBe(DEFAULT_CACHE_CONTROL);
      expect(head.ContentLength).toBe(png.byteLength);

      const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: stored.key }));
      expect(got.ContentType).toBe("image/png");
      expect(got.CacheControl).toBe(DEFAULT_CACHE_CONTROL);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(png))).toBe(true);

      const anon = await anonymousGet(stored.url);
      expect(anon.status).toBe(200);
      expect(anon.headers["content-type"]).toBe("image/png");
      expect(anon.headers["cache-control"]).toBe(DEFAULT_CACHE_CONTROL);
      expect(anon.body.equals(Buffer.from(png))).toBe(true);
    } finally {
      uploader.destroy();
    }
  });
});

describe("public and private objects", () => {
  test("a public-read object opens from its link without credentials, a private one is refused with 403", async () => {
    const index = new MemoryUploadIndex();
    const pub = createUploader({
      profile: testProfile({ bucket, acl: "public-read" }),
      credentials: testCredentials(),
      requestHandler: new RequestRecorder().handler,
      index,
    });
    const priv = createUploader({
      profile: testProfile({ bucket, acl: "private" }),
      credentials: testCredentials(),
      requestHandler: new RequestRecorder().handler,
      index,
    });
    try {
      const a = await pub.upload(asset(uniquePng()));
      const b = await priv.upload(asset(uniquePng()));
      expect((await anonymousGet(a.url)).status).toBe(200);
      expect((await anonymousGet(b.url)).status).toBe(403);
    } finally {
      pub.destroy();
      priv.destroy();
    }
  });

  test("a key with spaces, punctuation and non-Latin letters gives a working link", async () => {
    const profile = testProfile({ bucket, acl: "public-read", keyTemplate: "img/{name}-{hash:8}.{ext}" });
    const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: new RequestRecorder().handler, index: new MemoryUploadIndex() });
    try {
      const png = uniquePng();
      const stored = await uploader.upload(asset(png, "Café (1)+&ü 日本 50%.png"));
      // Characters a URL must encode survive into the key; the link has to carry them.
      for (const part of ["Café", "(1)", "&", "日本"]) expect(stored.key).toContain(part);
      expect(stored.url).not.toMatch(/[ ()&é日本]/u);
      const anon = await anonymousGet(stored.url);
      expect(anon.status).toBe(200);
      expect(anon.body.equals(Buffer.from(png))).toBe(true);
    } finally {
      uploader.destroy();
    }
  });

  test("the profile's own Cache-Control is sent instead of the default", async () => {
    const profile = testProfile({ bucket, cacheControl: "public, max-age=600" });
    const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: new RequestRecorder().handler, index: new MemoryUploadIndex() });
    try {
      const stored = await uploader.upload(asset(uniquePng()));
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: stored.key }));
      expect(head.CacheControl).toBe("public, max-age=600");
    } finally {
      uploader.destroy();
    }
  });
});

describe("the same image is uploaded once", () => {
  function setup(profile: Profile, index = new MemoryUploadIndex(), now?: () => Date) {
    const transport = new RequestRecorder();
    const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: transport.handler, index, now });
    return { transport, uploader, index };
  }

  test("uploading the same image twice makes one PUT, and the second result is reused with the same link", async () => {
    const { transport, uploader } = setup(testProfile({ bucket }));
    try {
      const png = uniquePng();
      const first = await uploader.upload(asset(png));
      const second = await uploader.upload(asset(png, "another name.png"));
      expect(first.reused).toBe(false);
      expect(second).toEqual({ ...first, reused: true });
      expect(transport.count("PUT")).toBe(1);
      // The second upload only confirmed the object is still there.
      expect(transport.count("HEAD")).toBe(1);
    } finally {
      uploader.destroy();
    }
  });

  test("after the key template's date moved on, the same image links to its first key instead of uploading again", async () => {
    const profile = testProfile({ bucket, keyTemplate: "img/{year}/{month}/{hash:16}.{ext}" });
    let now = new Date(2025, 0, 15, 12);
    const { transport, uploader } = setup(profile, new MemoryUploadIndex(), () => now);
    try {
      const png = uniquePng();
      const first = await uploader.upload(asset(png));
      expect(first.key).toMatch(/^img\/2025\/01\//);
      now = new Date(2026, 5, 15, 12);
      const prepared = await uploader.prepare(asset(png));
      expect(prepared.key).toMatch(/^img\/2026\/06\//);
      const second = await uploader.store(prepared);
      expect(second.reused).toBe(true);
      expect(second.key).toBe(first.key);
      expect(second.url).toBe(first.url);
      expect(transport.count("PUT")).toBe(1);
      await expect(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: prepared.key }))).rejects.toMatchObject({ name: "NotFound" });
    } finally {
      uploader.destroy();
    }
  });

  test("an object deleted from the bucket behind our back is uploaded again and the index points at it", async () => {
    const profile = testProfile({ bucket });
    const { transport, uploader, index } = setup(profile);
    try {
      const png = uniquePng();
      const first = await uploader.upload(asset(png));
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: first.key }));
      const again = await uploader.upload(asset(png));
      expect(again.reused).toBe(false);
      expect(transport.count("PUT")).toBe(2);
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: again.key }));
      expect(head.ContentLength).toBe(png.byteLength);
      expect(index.get(bucketScope(profile), again.sha256)?.key).toBe(again.key);
    } finally {
      uploader.destroy();
    }
  });

  test("the same image dropped twice at once is uploaded once", async () => {
    const { transport, uploader } = setup(testProfile({ bucket }));
    try {
      const png = uniquePng();
      const [a, b] = await Promise.all([uploader.upload(asset(png)), uploader.upload(asset(png))]);
      expect(transport.count("PUT")).toBe(1);
      expect(a.key).toBe(b.key);
      expect([a.reused, b.reused].sort()).toEqual([false, true]);
    } finally {
      uploader.destroy();
    }
  });

  test("an index saved by one uploader spares the upload in the next one (a restart of the app)", async () => {
    const profile = testProfile({ bucket });
    const first = setup(profile);
    const png = uniquePng();
    const stored = await first.uploader.upload(asset(png));
    first.uploader.destroy();

    const saved = JSON.parse(JSON.stringify(first.index.toJSON())) as ConstructorParameters<typeof MemoryUploadIndex>[0];
    const second = setup(profile, new MemoryUploadIndex(saved));
    try {
      const again = await second.uploader.upload(asset(png));
      expect(again).toEqual({ ...stored, reused: true });
      expect(second.transport.count("PUT")).toBe(0);
    } finally {
      second.uploader.destroy();
    }
  });
});

test("each image is hashed once: the signer is handed the SHA-256 that named the image", async () => {
  // Every Node hash object shares this prototype, however the SDK got hold of createHash.
  const hashPrototype = Object.getPrototypeOf(createHash("sha256")) as { update: (...args: unknown[]) => unknown };
  const realUpdate = hashPrototype.update;
  let bodyHashes = 0;
  hashPrototype.update = function (this: unknown, ...args: unknown[]) {
    // Signing also hashes the canonical request, a short string; image bodies are bytes.
    if (args[0] instanceof Uint8Array && args[0].byteLength >= 1000) bodyHashes++;
    return realUpdate.apply(this, args);
  };
  const uploader = createUploader({ profile: testProfile({ bucket }), credentials: testCredentials(), index: new MemoryUploadIndex() });
  // A PNG padded by a chunk no decoder reads, to stand apart from the short strings signing hashes.
  const image = (): Uint8Array => paddedPng(uniquePng(), uniquePng().byteLength + 5000);
  try {
    const first = await uploader.upload(asset(image()));
    expect(first.reused).toBe(false);
    expect(bodyHashes).toBe(1);
    // The second request runs through the middleware stack the first one put together.
    const second = await uploader.upload(asset(image()));
    expect(second.reused).toBe(false);
    expect(bodyHashes).toBe(2);
    const stored = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: second.key }));
    expect(stored.ContentLength).toBe(5000 + uniquePng().byteLength);
  } finally {
    hashPrototype.update = realUpdate;
    uploader.destroy();
  }
});

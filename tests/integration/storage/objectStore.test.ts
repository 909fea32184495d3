import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { buildPublicUrl } from "../../../src/core/link/publicUrl";
import { S3ObjectStore } from "../../../src/storage/objectStore";
import { createS3Client } from "../../../src/storage/s3Client";
import { adminClient, anonymousGet, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let bucket: string;
let admin: S3Client;
beforeAll(async () => {
  bucket = await createTestBucket("t-store");
  admin = adminClient();
});
afterAll(async () => {
  admin.destroy();
  await removeTestBucket(bucket);
});

function storeFor(overrides: Parameters<typeof testProfile>[0] = {}) {
  const profile = testProfile({ bucket, ...overrides });
  const transport = new RequestRecorder();
  const client = createS3Client(profile, testCredentials(), transport.handler);
  return { profile, transport, client, store: new S3ObjectStore(client, profile) };
}

describe("S3ObjectStore over Obsidian's requestUrl", () => {
  test("put, exists and delete round-trip an object; deleting a missing key succeeds", async () => {
    const { store, client } = storeFor();
    try {
      const key = `obj/${Date.now()}-round trip.png`;
      expect(await store.exists(key)).toBe(false);
      await store.put({ key, body: uniquePng(), contentType: "image/png", cacheControl: "no-cache" });
      expect(await store.exists(key)).toBe(true);
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ContentType).toBe("image/png");
      expect(head.CacheControl).toBe("no-cache");
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
      await expect(store.delete(key)).resolves.toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  test("a PUT carries no checksum headers and no chunked body, only the plain signed bytes", async () => {
    const { store, client, transport } = storeFor();
    try {
      await store.put({ key: "obj/plain.png", body: uniquePng(), contentType: "image/png" });
      const put = transport.calls.find((c) => c.method === "PUT");
      expect(put).toBeDefined();
      const names = Object.keys(put!.headers);
      expect(names.filter((n) => n.startsWith("x-amz-checksum") || n === "x-amz-sdk-checksum-algorithm" || n === "x-amz-trailer")).toEqual([]);
      expect(put!.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
      expect(put!.headers["content-encoding"]).toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  test("the ACL header is sent only when the profile asks for one, and it decides anonymous access", async () => {
    for (const acl of ["none", "public-read", "private"] as const) {
      const { store, client, transport, profile } = storeFor({ acl });
      try {
        const key = `acl/${acl}.png`;
        await store.put({ key, body: uniquePng(), contentType: "image/png" });
        const put = transport.calls.find((c) => c.method === "PUT")!;
        expect(put.headers["x-amz-acl"]).toBe(acl === "none" ? undefined : acl);
        expect((await anonymousGet(buildPublicUrl(profile, key))).status).toBe(acl === "public-read" ? 200 : 403);
      } finally {
        client.destroy();
      }
    }
  });

  test("a device clock 20 minutes fast still uploads: the SDK learns the server's time from the rejection and the store tries once more", async () => {
    const { store, client, transport } = storeFor();
    try {
      client.config.systemClockOffset = 20 * 60 * 1000;
      await store.put({ key: "obj/skewed.png", body: uniquePng(), contentType: "image/png" });
      expect(transport.count("PUT")).toBe(2);
      expect(Math.abs(client.config.systemClockOffset)).toBeLessThan(60_000);
      expect(await store.exists("obj/skewed.png")).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test("GetObject bodies come back whole through requestUrl", async () => {
    const { store, client } = storeFor();
    try {
      const png = uniquePng();
      await store.put({ key: "obj/get.png", body: png, contentType: "image/png" });
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "obj/get.png" }));
      expect(got.ContentLength).toBe(png.byteLength);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(png))).toBe(true);
      const text = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "obj/get.png" }));
      expect((await text.Body!.transformToString("latin1")).slice(1, 4)).toBe("PNG");
    } finally {
      client.destroy();
    }
  });

  test("a PUT to a missing bucket is an UploadError NoSuchBucket, while a HEAD there reads as a missing object", async () => {
    const { store, client } = storeFor({ bucket: `${bucket}-absent` });
    try {
      await expect(store.put({ key: "obj/x.png", body: uniquePng(), contentType: "image/png" })).rejects.toMatchObject({
        name: "UploadError",
        code: "NoSuchBucket",
      });
      // A HEAD has no body to name the missing bucket: it reads as a missing object.
      expect(await store.exists("obj/x.png")).toBe(false);
    } finally {
      client.destroy();
    }
  });
});

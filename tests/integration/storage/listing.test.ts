/**
 * A bulk run of a content-addressed template against the real S3 server: one listing of the
 * template's folder answers "is it there?" instead of a PUT or a HEAD per file, every request
 * counted at the transport. A listing refused by a bucket policy falls back to the per-file
 * checks without failing anything, and a listed key holding other bytes is never linked.
 */
import { createHash, randomInt } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Asset, Profile } from "../../../src/core/types";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { bucketScope } from "../../../src/core/link/publicUrl";
import { createUploader } from "../../../src/storage/uploader";
import { createS3Client } from "../../../src/storage/s3Client";
import { S3ObjectStore } from "../../../src/storage/objectStore";
import { BucketListing } from "../../../src/storage/bucketListing";
import { adminClient, createTestBucket, removeTestBucket, storedObject, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";
import { photoJpeg } from "../../support/images";
import * as jpegMetadata from "../../../src/core/prepare/processing/jpegMetadata";

jest.setTimeout(60_000);

let bucket: string;
let admin: S3Client;
beforeAll(async () => {
  bucket = await createTestBucket("t-listing");
  admin = adminClient();
});
afterAll(async () => {
  admin.destroy();
  await removeTestBucket(bucket);
});

let folder = 0;
/** A content-addressed template in a folder of this test's own. */
const hashedProfile = (over: Partial<Profile> = {}): Profile => testProfile({ bucket, keyTemplate: `l${++folder}/{hash:32}.{ext}`, ...over });

function uploaderFor(profile: Profile, index = new MemoryUploadIndex()) {
  const transport = new RequestRecorder();
  const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: transport.handler, index });
  return { uploader, transport, index };
}

const asset = (bytes: Uint8Array, i: number): Asset => ({ bytes, name: `pic${i}.png`, notePath: "Note.md", sourcePath: `img/pic${i}.png` });
const isList = (c: { method: string; url: string }): boolean => c.method === "GET" && c.url.includes("list-type=2");
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Uploads every image through one bulk run of `profile`'s uploader and returns the transport's record. */
async function bulkRun(profile: Profile, images: Uint8Array[], index = new MemoryUploadIndex(), toAsset = asset) {
  const { uploader, transport } = uploaderFor(profile, index);
  const run = uploader.forRun?.(images.length);
  if (!run) throw new Error("the uploader offers no bulk run");
  try {
    const stored = await Promise.all(images.map((b, i) => run.upload(toAsset(b, i))));
    return { stored, transport, index };
  } finally {
    run.end();
    uploader.destroy();
  }
}

describe("a bulk run of a content-addressed template", () => {
  test("a fresh machine (empty index) finds every image already stored with one LIST and no PUT or HEAD", async () => {
    const profile = hashedProfile();
    const images = Array.from({ length: 12 }, () => uniquePng());
    const first = await bulkRun(profile, images);
    expect(first.stored.every((s) => !s.reused)).toBe(true);
    expect(first.transport.count("PUT")).toBe(12);

    const again = await bulkRun(profile, images);
    expect(again.stored.map((s) => s.key)).toEqual(first.stored.map((s) => s.key));
    expect(again.stored.every((s) => s.reused)).toBe(true);
    expect(again.transport.calls.map((c) => (isList(c) ? "LIST" : c.method))).toEqual(["LIST"]);
    // The index learnt where each image is, for the next run.
    for (const [i, b] of images.entries()) expect(again.index.get(bucketScope(profile), sha256(b))?.key).toBe(first.stored[i].key);
  });

  test("a rerun with the index makes one LIST in all, not a HEAD per remembered image", async () => {
    const profile = hashedProfile();
    const images = Array.from({ length: 12 }, () => uniquePng());
    const { index } = await bulkRun(profile, images);
    const rerun = await bulkRun(profile, images, index);
    expect(rerun.stored.every((s) => s.reused)).toBe(true);
    expect(rerun.transport.count()).toBe(1);
    expect(rerun.transport.calls.filter(isList)).toHaveLength(1);
  });

  test("new images are put, ones already there are linked; the listing is taken once for the run", async () => {
    const profile = hashedProfile();
    const old = Array.from({ length: 3 }, () => uniquePng());
    await bulkRun(profile, old);
    const fresh = Array.from({ length: 4 }, () => uniquePng());
    const { stored, transport } = await bulkRun(profile, [...old, ...fresh]);
    expect(stored.map((s) => s.reused)).toEqual([true, true, true, false, false, false, false]);
    expect(transport.calls.filter(isList)).toHaveLength(1);
    expect(transport.count("PUT")).toBe(4);
    expect(transport.count("HEAD")).toBe(0);
    for (const [i, b] of fresh.entries()) expect((await storedObject(bucket, stored[3 + i].key)).bytes.equals(Buffer.from(b))).toBe(true);
  });

  test("the same image twice in one run is put once: the run remembers what it wrote after the listing", async () => {
    const profile = hashedProfile();
    const image = uniquePng();
    const { uploader, transport } = uploaderFor(profile);
    const run = uploader.forRun?.(2);
    try {
      const a = await run!.upload(asset(image, 1));
      const b = await run!.upload(asset(image, 2));
      expect([a.reused, b.reused]).toEqual([false, true]);
      expect(transport.count("PUT")).toBe(1);
      expect(transport.count("HEAD")).toBe(0);
    } finally {
      run?.end();
      uploader.destroy();
    }
  });

  test("a listed key holding other bytes of the same size is not linked: the image is put there again", async () => {
    const profile = hashedProfile();
    const [image, other] = [uniquePng(), uniquePng()];
    expect(other.byteLength).toBe(image.byteLength);
    const key = `${profile.keyTemplate.split("/")[0]}/${sha256(image).slice(0, 32)}.png`;
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: other, ContentType: "image/png" }));
    const { stored, transport } = await bulkRun(profile, [image, uniquePng()]);
    expect(stored[0]).toMatchObject({ key, reused: false });
    expect(transport.count("PUT")).toBe(2);
    expect((await storedObject(bucket, key)).bytes.equals(Buffer.from(image))).toBe(true);
  });

  test("a listed key of another size is not linked either, even with the upload's own SHA-256 claimed in its metadata", async () => {
    const profile = hashedProfile();
    const image = uniquePng();
    const key = `${profile.keyTemplate.split("/")[0]}/${sha256(image).slice(0, 32)}.png`;
    await admin.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from("short"), ContentType: "image/png", Metadata: { sha256: sha256(image) } }),
    );
    const { stored, transport } = await bulkRun(profile, [image, uniquePng()]);
    expect(stored[0]).toMatchObject({ key, reused: false });
    expect(transport.count("PUT")).toBe(2);
    expect((await storedObject(bucket, key)).bytes.equals(Buffer.from(image))).toBe(true);
  });

  test("a remembered key the listing does not show is gone: the image is put again without a HEAD", async () => {
    const profile = hashedProfile();
    const image = uniquePng();
    const index = new MemoryUploadIndex();
    index.set(bucketScope(profile), sha256(image), { key: `${profile.keyTemplate.split("/")[0]}/deleted.png`, at: 1 });
    const { stored, transport } = await bulkRun(profile, [image, uniquePng()], index);
    expect(stored[0].reused).toBe(false);
    expect(transport.count("HEAD")).toBe(0);
    expect(transport.count("PUT")).toBe(2);
    expect(index.get(bucketScope(profile), sha256(image))?.key).toBe(stored[0].key);
  });

  test("a remembered key outside the listed folder (the template changed since) is looked at with a HEAD", async () => {
    const before = hashedProfile();
    const image = uniquePng();
    const { index, stored: first } = await bulkRun(before, [image, uniquePng()]);
    const after = hashedProfile();
    const { stored, transport } = await bulkRun(after, [image, uniquePng()], index);
    expect(stored[0]).toMatchObject({ key: first[0].key, reused: true });
    expect(transport.count("HEAD")).toBe(1);
    expect(transport.count("PUT")).toBe(1);
  });

  test("a single upload (a paste) lists nothing: it goes straight to PUT as before", async () => {
    const { uploader, transport } = uploaderFor(hashedProfile());
    try {
      await uploader.upload(asset(uniquePng(), 0));
      const run = uploader.forRun?.(1);
      await run!.upload(asset(uniquePng(), 1));
      run!.end();
      expect(transport.calls.map((c) => c.method)).toEqual(["PUT", "PUT"]);
    } finally {
      uploader.destroy();
    }
  });

  test("a run told early that it has many files lists before its first upload asks, once, and then puts only what is missing", async () => {
    const profile = hashedProfile();
    const there = uniquePng();
    await bulkRun(profile, [there]);
    const { uploader, transport } = uploaderFor(profile);
    let found = 2;
    const run = uploader.forRun?.(() => found);
    try {
      run!.foundMany!();
      // The listing is under way before any upload has been asked for.
      for (let waited = 0; transport.calls.length === 0 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(transport.calls.filter(isList)).toHaveLength(1);
      found = 3;
      const stored = await Promise.all([there, uniquePng(), uniquePng()].map((b, i) => run!.upload(asset(b, i))));
      expect(stored.map((s) => s.reused)).toEqual([true, false, false]);
      expect(transport.calls.filter(isList)).toHaveLength(1);
      expect(transport.count("PUT")).toBe(2);
      expect(transport.count("HEAD")).toBe(0);
    } finally {
      run?.end();
      uploader.destroy();
    }
  });

  test("a run told it has many files after it ended lists nothing", async () => {
    const { uploader, transport } = uploaderFor(hashedProfile());
    const run = uploader.forRun?.(5);
    run!.end();
    run!.foundMany!();
    // What the uploader would send goes out within a few turns; give it far more.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(transport.calls).toHaveLength(0);
    uploader.destroy();
  });

  test("a template that is not content-addressed never lists: each key is looked at with a HEAD", async () => {
    const profile = testProfile({ bucket, keyTemplate: `l${++folder}/{name}.{ext}` });
    const images = [uniquePng(), uniquePng(), uniquePng()];
    const { transport } = await bulkRun(profile, images);
    expect(transport.calls.filter(isList)).toHaveLength(0);
    expect(transport.count("HEAD")).toBe(3);
  });

  test("a listing refused by a bucket policy falls back to the per-file checks and the run succeeds", async () => {
    const denied = await createTestBucket("t-listing-denied");
    await admin.send(
      new PutBucketPolicyCommand({
        Bucket: denied,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Principal: "*", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${denied}`] }],
        }),
      }),
    );
    try {
      const profile = testProfile({ bucket: denied, keyTemplate: "img/{hash:32}.{ext}" });
      const images = [uniquePng(), uniquePng(), uniquePng()];
      const first = await bulkRun(profile, images);
      expect(first.stored.every((s) => !s.reused)).toBe(true);
      // The listing was asked for and refused (403), and the uploads went on as without one.
      const lists = first.transport.calls.filter(isList);
      expect(lists).toHaveLength(1);
      expect(first.transport.count("PUT")).toBe(3);
      // With the index, each remembered key is looked at with a HEAD, as without a listing.
      const rerun = await bulkRun(profile, images, first.index);
      expect(rerun.stored.every((s) => s.reused)).toBe(true);
      expect(rerun.transport.count("HEAD")).toBe(3);
      expect(rerun.transport.count("PUT")).toBe(0);
    } finally {
      await admin.send(new DeleteBucketPolicyCommand({ Bucket: denied }));
      await removeTestBucket(denied);
    }
  });
});

describe("a bulk run over photos whose metadata is removed before upload", () => {
  const photo = (): Uint8Array => new Uint8Array(photoJpeg(6, randomInt(1, 2 ** 24)));
  const photoAsset = (bytes: Uint8Array, i: number): Asset => ({ bytes, name: `IMG_${i}.jpg`, notePath: "Trip.md", sourcePath: `Att/IMG_${i}.jpg` });
  const kinds = (transport: RequestRecorder): string[] => transport.calls.map((c) => (isList(c) ? "LIST" : c.method));
  /** The record an original is remembered by (its hash and the processing), found by the key it names. */
  const sourceRecord = (index: MemoryUploadIndex, profile: Profile, key: string) =>
    Object.values(index.toJSON()[bucketScope(profile)] ?? {}).find((r) => r.key === key && r.sha256 !== undefined);

  test("a rerun with the index makes one LIST in all: no HEAD, no PUT, nothing processed", async () => {
    const profile = hashedProfile();
    const photos = Array.from({ length: 6 }, photo);
    const first = await bulkRun(profile, photos, undefined, photoAsset);
    expect(first.transport.count("PUT")).toBe(6);
    for (const [i, s] of first.stored.entries()) {
      const object = (await storedObject(bucket, s.key)).bytes;
      // The bucket holds other bytes than the file, and the record says which.
      expect(s.sha256).not.toBe(sha256(photos[i]));
      expect(sourceRecord(first.index, profile, s.key)).toMatchObject({
        sha256: s.sha256,
        size: object.byteLength,
        md5: createHash("md5").update(object).digest("hex"),
      });
    }

    const strip = jest.spyOn(jpegMetadata, "stripJpegMetadata");
    try {
      const rerun = await bulkRun(profile, photos, first.index, photoAsset);
      expect(rerun.stored).toEqual(first.stored.map((s) => ({ ...s, reused: true })));
      expect(kinds(rerun.transport)).toEqual(["LIST"]);
      expect(strip).not.toHaveBeenCalled();
    } finally {
      strip.mockRestore();
    }
  });

  test("a remembered object replaced behind the run's back (same size, another ETag) is not linked: the photo is put again", async () => {
    const profile = hashedProfile();
    const photos = Array.from({ length: 3 }, photo);
    const first = await bulkRun(profile, photos, undefined, photoAsset);
    const key = first.stored[0].key;
    const stored = (await storedObject(bucket, key)).bytes;
    const other = Buffer.from(stored);
    other[other.length - 3] ^= 0xff;
    // Even claiming the stored bytes' SHA-256 in its metadata.
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: other, ContentType: "image/jpeg", Metadata: { sha256: first.stored[0].sha256 } }));

    const rerun = await bulkRun(profile, photos, first.index, photoAsset);
    expect(rerun.stored.map((s) => s.reused)).toEqual([false, true, true]);
    expect(rerun.stored[0].key).toBe(key);
    expect(rerun.transport.count("PUT")).toBe(1);
    expect(rerun.transport.count("HEAD")).toBe(0);
    expect((await storedObject(bucket, key)).bytes.equals(stored)).toBe(true);
  });

  test("an object put there in parts (an ETag that is no MD5) is looked at with one HEAD, and linked when it holds the bytes", async () => {
    const profile = hashedProfile();
    const photos = Array.from({ length: 3 }, photo);
    const first = await bulkRun(profile, photos, undefined, photoAsset);
    const { key, sha256: storedSha256 } = first.stored[1];
    const bytes = (await storedObject(bucket, key)).bytes;
    const { UploadId } = await admin.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "image/jpeg", Metadata: { sha256: storedSha256 } }),
    );
    const { ETag } = await admin.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: bytes }));
    await admin.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }));
    expect((await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag).toMatch(/-1"?$/);

    const rerun = await bulkRun(profile, photos, first.index, photoAsset);
    expect(rerun.stored.every((s) => s.reused)).toBe(true);
    expect(kinds(rerun.transport).sort()).toEqual(["HEAD", "LIST"]);
  });

  test("records without the stored size and MD5 (an older version's) are checked as before: a HEAD each, nothing listed or put", async () => {
    const profile = hashedProfile();
    const photos = Array.from({ length: 3 }, photo);
    const first = await bulkRun(profile, photos, undefined, photoAsset);
    const data = structuredClone(first.index.toJSON());
    for (const records of Object.values(data))
      for (const record of Object.values(records)) {
        delete record.size;
        delete record.md5;
      }
    const older = new MemoryUploadIndex(data);
    expect(sourceRecord(older, profile, first.stored[0].key)).toEqual({
      key: first.stored[0].key,
      at: expect.any(Number),
      sha256: first.stored[0].sha256,
      path: "Att/IMG_0.jpg",
    });
    const rerun = await bulkRun(profile, photos, older, photoAsset);
    expect(rerun.stored.every((s) => s.reused)).toBe(true);
    expect(kinds(rerun.transport)).toEqual(["HEAD", "HEAD", "HEAD"]);
  });
});

describe("the listing itself", () => {
  test("lists every key under the folder across pages, and gives up (null) past the page limit", async () => {
    const prefix = `pages${++folder}/`;
    for (let i = 0; i < 5; i++) await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}k${i}`, Body: Buffer.from(`object ${i}`) }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `other${folder}/k`, Body: Buffer.from("x") }));
    const client = createS3Client(testProfile({ bucket }), testCredentials());
    try {
      const store = new S3ObjectStore(client, testProfile({ bucket }));
      const all = await store.list(prefix, 3, 2);
      expect([...(all?.keys() ?? [])].sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}k${i}`));
      expect(all?.get(`${prefix}k0`)).toEqual({ size: 8, etag: `"${createHash("md5").update("object 0").digest("hex")}"` });
      expect(await store.list(prefix, 2, 2)).toBeNull();

      // A page limit given as a function is asked before each page: a run that finds more
      // files while the listing goes on may list further.
      let allowed = 1;
      const asked: number[] = [];
      const growing = await store.list(
        prefix,
        () => {
          asked.push(allowed);
          return allowed++;
        },
        2,
      );
      expect(growing?.size).toBe(5);
      expect(asked).toEqual([1, 2, 3]);
      expect(await store.list(prefix, () => 2, 2)).toBeNull();

      const listing = new BucketListing({ list: (p, pages) => store.list(p, pages, 2) }, prefix, 2);
      expect(await listing.at(`${prefix}k0`)).toBeUndefined();
      const whole = new BucketListing(store, prefix, 1);
      expect(await whole.at(`${prefix}k0`)).toMatchObject({ size: 8 });
      expect(await whole.at(`${prefix}missing`)).toBeNull();
      expect(await whole.at(`other${folder}/k`)).toBeUndefined();
      whole.end();
      expect(await whole.at(`${prefix}k0`)).toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});

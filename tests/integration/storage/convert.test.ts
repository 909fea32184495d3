/**
 * The uploader with a real codec (sharp) against the real S3 server: an image converted once
 * is found again by its original, without converting it, as long as the settings are the
 * same and the bucket still holds what was uploaded.
 */
import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import type { ImageCodec } from "../../../src/core/prepare/imageCodec";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import type { Profile } from "../../../src/core/types";
import { sharpCodec } from "../../../src/cli/sharpCodec";
import { createUploader } from "../../../src/storage/uploader";
import { photoJpeg } from "../../support/sharpImages";
import { adminClient, createTestBucket, removeTestBucket, storedObject, testCredentials, testProfile } from "../../support/s3";

jest.setTimeout(30_000);

let bucket: string;
let admin: S3Client;
beforeAll(async () => {
  bucket = await createTestBucket("t-convert");
  admin = adminClient();
});
afterAll(async () => {
  admin.destroy();
  await removeTestBucket(bucket);
});

/** sharp's codec, counting the images it decodes. */
function countingCodec(): { codec: ImageCodec; decoded: () => number } {
  const real = sharpCodec(sharp);
  let decoded = 0;
  return {
    codec: { ...real, decode: (bytes, type) => ((decoded += 1), real.decode(bytes, type)) },
    decoded: () => decoded,
  };
}

const asset = (bytes: Uint8Array) => ({ bytes, name: "photo.jpg", notePath: "Post.md" });

describe("an uploader that converts", () => {
  test("links an image converted in an earlier session without decoding it again; other settings convert anew", async () => {
    const photo = await photoJpeg(800, 600);
    const index = new MemoryUploadIndex();
    const profile: Profile = testProfile({ bucket, convert: "webp", maxWidth: "400" });
    const session = (p: Profile, c: ImageCodec) => createUploader({ profile: p, credentials: testCredentials(), index, codec: c });

    const first = countingCodec();
    const one = session(profile, first.codec);
    const stored = await one.upload(asset(photo)).finally(() => one.destroy());
    expect([stored.reused, first.decoded()]).toEqual([false, 1]);
    expect(stored.key).toMatch(/\.webp$/);

    const second = countingCodec();
    const two = session(profile, second.codec);
    const again = await two.upload(asset(photo)).finally(() => two.destroy());
    expect(again).toEqual({ ...stored, reused: true });
    expect(second.decoded()).toBe(0);

    const third = countingCodec();
    const three = session({ ...profile, quality: "50" }, third.codec);
    const other = await three.upload(asset(photo)).finally(() => three.destroy());
    expect(third.decoded()).toBe(1);
    expect(other.key).not.toBe(stored.key);
  });

  test("converts and uploads again when the object remembered for the original is gone from the bucket", async () => {
    const photo = await photoJpeg(640, 480);
    const index = new MemoryUploadIndex();
    const profile = testProfile({ bucket, convert: "webp" });
    const first = createUploader({ profile, credentials: testCredentials(), index, codec: countingCodec().codec });
    const stored = await first.upload(asset(photo)).finally(() => first.destroy());
    await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: stored.key }));

    const counting = countingCodec();
    const second = createUploader({ profile, credentials: testCredentials(), index, codec: counting.codec });
    const again = await second.upload(asset(photo)).finally(() => second.destroy());

    expect([again.key, again.reused, counting.decoded()]).toEqual([stored.key, false, 1]);
    expect((await storedObject(bucket, stored.key)).contentType).toBe("image/webp");
  });
});

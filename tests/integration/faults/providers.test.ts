/**
 * Provider quirks, emulated by the fault proxy in front of the real S3 server: Cloudflare R2
 * answers 501 NotImplemented to any x-amz-acl header, and Backblaze B2 (like OVH before it)
 * answers 400 to x-amz-checksum-* headers. With the provider's preset the upload works; with
 * an ACL the provider refuses, the person is told to set ACL to none.
 */
import { UploadError } from "../../../src/core/errors";
import type { Profile } from "../../../src/core/types";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { applyPreset } from "../../../src/core/providers";
import { createUploader } from "../../../src/storage/uploader";
import { rules, startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile, uniquePng, storedObject } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let bucket: string;
let proxy: FaultProxy;
beforeAll(async () => {
  bucket = await createTestBucket("t-quirks");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});
afterAll(async () => {
  await proxy.close();
  await removeTestBucket(bucket);
});

async function upload(profile: Profile): Promise<{ key?: string; error?: UploadError; bytes: Uint8Array }> {
  const uploader = createUploader({ profile, credentials: testCredentials(), requestHandler: new RequestRecorder().handler, index: new MemoryUploadIndex() });
  const bytes = uniquePng();
  try {
    const stored = await uploader.upload({ bytes, name: "diagram.png", notePath: "Note.md" });
    return { key: stored.key, bytes };
  } catch (e) {
    expect(e).toBeInstanceOf(UploadError);
    return { error: e as UploadError, bytes };
  } finally {
    uploader.destroy();
  }
}

async function expectStored(key: string, bytes: Uint8Array): Promise<void> {
  const got = await storedObject(bucket, key);
  expect(got.contentType).toBe("image/png");
  expect(Buffer.compare(got.bytes, Buffer.from(bytes))).toBe(0);
}

describe("an R2-like server that answers 501 to any x-amz-acl header", () => {
  beforeEach(() => proxy.setPlan(rules.r2RejectsAcl));

  test("with ACL public-read the upload fails once, saying to set ACL to none", async () => {
    const r = await upload(testProfile({ bucket, endpoint: proxy.url, acl: "public-read" }));
    expect(r.error?.code).toBe("AclNotSupported");
    expect(r.error?.message).toBe('The service does not accept per-object ACLs, and this profile sends "public-read": set ACL to none in the profile.');
    // Not retried: the same request would get the same answer.
    expect(proxy.log.map((e) => `${e.method} ${e.status}`)).toEqual(["PUT 501"]);
  });

  test("with the R2 preset no ACL header is sent and the image is stored", async () => {
    const profile = applyPreset(testProfile({ bucket, endpoint: proxy.url, acl: "public-read" }), "r2");
    expect(profile.acl).toBe("none");
    const r = await upload(profile);
    expect(r.error).toBeUndefined();
    expect(proxy.log.map((e) => `${e.method} ${e.status} acl=${String(e.headers["x-amz-acl"] ?? "-")}`)).toEqual(["PUT 200 acl=-"]);
    await expectStored(r.key!, r.bytes);
  });
});

describe("a B2-like server that answers 400 to x-amz-checksum-* headers", () => {
  beforeEach(() => proxy.setPlan(rules.rejectsChecksumHeaders));

  test("with the B2 preset no checksum header is sent and the image is stored", async () => {
    // Loopback has no virtual-hosted bucket names, so path style stays on; everything else is the preset's.
    const profile = { ...applyPreset(testProfile({ bucket, endpoint: proxy.url, acl: "public-read" }), "b2"), forcePathStyle: true };
    expect(profile.acl).toBe("none");
    const r = await upload(profile);
    expect(r.error).toBeUndefined();
    const [put] = proxy.log;
    expect(Object.keys(put.headers).filter((h) => h.includes("checksum"))).toEqual([]);
    expect(proxy.log.map((e) => `${e.method} ${e.status}`)).toEqual(["PUT 200"]);
    await expectStored(r.key!, r.bytes);
  });

  test("with a generic profile the upload also works: checksums are only sent where S3 requires them", async () => {
    const r = await upload(testProfile({ bucket, endpoint: proxy.url }));
    expect(r.error).toBeUndefined();
    expect(proxy.count("PUT")).toBe(1);
    await expectStored(r.key!, r.bytes);
  });
});

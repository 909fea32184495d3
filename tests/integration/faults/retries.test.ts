/**
 * Transient failures between the plugin and the bucket are retried with backoff, and a
 * persistent one ends in plain words. A fault-injecting proxy sits in front of the real S3
 * server; its log shows how many attempts each upload took. Both transports are covered:
 * Obsidian's (RequestUrlHttpHandler over the requestUrl double) and the SDK's own Node
 * transport that the command-line tool uses.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { UploadError } from "../../../src/core/errors";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import type { StoredAsset } from "../../../src/core/types";
import { RequestUrlHttpHandler } from "../../../src/storage/requestUrlHandler";
import { createS3Client } from "../../../src/storage/s3Client";
import { createUploader } from "../../../src/storage/uploader";
import { requestUrl } from "../../fakes/requestUrl";
import { rules, startFaultProxy, type FaultProxy, type FaultPlan } from "../../support/faultProxy";
import { createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile, uniquePng, storedObject } from "../../support/s3";

jest.setTimeout(30_000);

/** Short enough to keep the tests quick, long enough for any loopback request to the server. */
const REQUEST_TIMEOUT_MS = 400;
const SLOWER_THAN_TIMEOUT = `delay:${REQUEST_TIMEOUT_MS * 4}` as const;

let bucket: string;
let proxy: FaultProxy;
beforeAll(async () => {
  bucket = await createTestBucket("t-faults");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});
afterAll(async () => {
  await proxy.close();
  await removeTestBucket(bucket);
});

type TransportName = "requestUrl (Obsidian)" | "Node (command line)";
const TRANSPORTS: TransportName[] = ["requestUrl (Obsidian)", "Node (command line)"];

function clientFor(transport: TransportName): S3Client {
  const profile = testProfile({ bucket, endpoint: proxy.url });
  if (transport === "requestUrl (Obsidian)") {
    const handler = new RequestUrlHttpHandler(requestUrl, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    return createS3Client(profile, testCredentials(), handler);
  }
  return createS3Client(profile, testCredentials(), undefined, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
}

/** Uploads one fresh image through the proxy under `plan`; resolves with the outcome and the PUTs the proxy saw. */
async function uploadThrough(
  transport: TransportName,
  plan: FaultPlan,
): Promise<{ stored?: StoredAsset; error?: UploadError; puts: number; bytes: Uint8Array; ms: number }> {
  proxy.setPlan(plan);
  const client = clientFor(transport);
  const uploader = createUploader({
    profile: testProfile({ bucket, endpoint: proxy.url }),
    credentials: testCredentials(),
    client,
    index: new MemoryUploadIndex(),
  });
  const bytes = uniquePng();
  const started = Date.now();
  try {
    const stored = await uploader.upload({ bytes, name: "shot.png", notePath: "Note.md" });
    return { stored, puts: proxy.count("PUT"), bytes, ms: Date.now() - started };
  } catch (e) {
    expect(e).toBeInstanceOf(UploadError);
    return { error: e as UploadError, puts: proxy.count("PUT"), bytes, ms: Date.now() - started };
  } finally {
    uploader.destroy();
    client.destroy();
  }
}

async function expectInBucket(key: string, bytes: Uint8Array): Promise<void> {
  const got = await storedObject(bucket, key);
  expect(got.contentType).toBe("image/png");
  expect(Buffer.compare(got.bytes, Buffer.from(bytes))).toBe(0);
}

describe.each(TRANSPORTS)("over the %s transport", (transport) => {
  test("one 503 SlowDown is retried and the second attempt stores the image", async () => {
    const r = await uploadThrough(transport, rules.firstN(1, "PUT", "status:503"));
    expect(r.error).toBeUndefined();
    expect(r.puts).toBe(2);
    expect(proxy.log.map((e) => e.action)).toEqual(["status:503", "ok"]);
    await expectInBucket(r.stored!.key, r.bytes);
  });

  test("two 500s in a row are retried and the third attempt stores the image", async () => {
    const r = await uploadThrough(transport, rules.firstN(2, "PUT", "status:500"));
    expect(r.error).toBeUndefined();
    expect(r.puts).toBe(3);
    await expectInBucket(r.stored!.key, r.bytes);
  });

  test("a connection dropped before any answer is retried and the second attempt stores the image", async () => {
    const r = await uploadThrough(transport, rules.firstN(1, "PUT", "reset"));
    expect(r.error).toBeUndefined();
    expect(r.puts).toBe(2);
    await expectInBucket(r.stored!.key, r.bytes);
  });

  test("an answer slower than the request timeout is given up on and retried, and the retry stores the image", async () => {
    const r = await uploadThrough(transport, rules.firstN(1, "PUT", SLOWER_THAN_TIMEOUT));
    expect(r.error).toBeUndefined();
    expect(r.puts).toBe(2);
    // The retry went out when the timeout fired, not when the slow answer would have come.
    expect(r.ms).toBeLessThan(REQUEST_TIMEOUT_MS * 4);
    await expectInBucket(r.stored!.key, r.bytes);
  });

  test("a connection dropped after the response headers is retried and the image is stored", async () => {
    const r = await uploadThrough(transport, rules.firstN(1, "PUT", "reset-after-headers"));
    expect(r.error).toBeUndefined();
    expect(r.puts).toBe(2);
    await expectInBucket(r.stored!.key, r.bytes);
  });

  test("a service that keeps answering 503 fails after three attempts with a plain-words ServerError", async () => {
    const r = await uploadThrough(transport, rules.always("PUT", "status:503"));
    expect(r.puts).toBe(3);
    expect(r.error?.code).toBe("ServerError");
    expect(r.error?.message).toMatch(
      /^The storage service failed with HTTP 503 \(SlowDown\) on all 3 attempts \(while trying to upload img\/[0-9a-f]{32}\.png\)\./,
    );
    expect(r.error?.hint).toBe("The service is busy or limiting requests; wait a minute and try again (fewer uploads at once helps).");
  });

  test("a connection that keeps dropping fails after three attempts with a NetworkError", async () => {
    const r = await uploadThrough(transport, rules.always("PUT", "reset"));
    expect(r.puts).toBe(3);
    expect(r.error?.code).toBe("NetworkError");
    expect(r.error?.message).toContain(`The connection to ${new URL(proxy.url).host} failed on all 3 attempts`);
  });

  test("a service that never answers in time fails after three attempts with a Timeout", async () => {
    const r = await uploadThrough(transport, rules.always("PUT", SLOWER_THAN_TIMEOUT));
    expect(r.puts).toBe(3);
    expect(r.error?.code).toBe("Timeout");
    expect(r.error?.message).toMatch(/^The storage service at 127\.0\.0\.1:\d+ did not answer in time on any of 3 attempts \(while trying to upload img\//);
    expect(r.ms).toBeLessThan(REQUEST_TIMEOUT_MS * 3 + 2_000);
  });
});

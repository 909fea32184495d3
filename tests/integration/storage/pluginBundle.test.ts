/**
 * The storage layer as main.js carries it. Jest runs the SDK's Node build; the plugin runs
 * its browser build (fetch-era stream helpers, Web Crypto hashing), minified and without
 * the parts esbuild.config.mjs leaves out of main.js (event streams, the package.json, the
 * endpoint rule set, whose place src/storage/s3Endpoint.ts takes).
 * This builds the storage layer with main.js's build options and drives every S3 operation
 * the plugin and its lifecycle commands send, over the requestUrl stand-in, against the
 * real server. Its XML is read with DOMParser and Node's constants, which Obsidian has
 * (Chromium) and Node.js has not: jsdom's stand in.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { requestUrl } from "../../fakes/requestUrl";
import { storedObject, testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

type Entry = typeof import("../../support/pluginStorageEntry");

jest.setTimeout(60_000);

const dir = mkdtempSync(path.join(tmpdir(), "plugin-storage-"));
const file = path.join(dir, "storage.cjs");
let bundle: Entry;
let bundleText: string;
beforeAll(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- jsdom ships no types here; only two constructors are used
  const { JSDOM } = require("jsdom") as { JSDOM: new (html: string) => { window: { DOMParser: unknown; Node: unknown } } };
  const { window } = new JSDOM("");
  Object.assign(globalThis, { DOMParser: window.DOMParser, Node: window.Node });
  execFileSync(process.execPath, [path.resolve(__dirname, "../../support/buildPluginStorage.mjs"), file], { stdio: "pipe" });
  bundleText = readFileSync(file, "utf8");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file built at run time, so import cannot name it
  bundle = require(file) as Entry;
});
afterAll(() => {
  delete (globalThis as { DOMParser?: unknown }).DOMParser;
  delete (globalThis as { Node?: unknown }).Node;
  rmSync(dir, { recursive: true, force: true });
});

let bucket = "";
useTestBucket("t-bundle", (b) => (bucket = b));

function stores() {
  const profile = testProfile({ bucket });
  const client = bundle.createS3Client(profile, testCredentials(), new bundle.RequestUrlHttpHandler(requestUrl));
  return { profile, client, store: new bundle.S3TransferStore(client, profile) };
}

test("the bundle is the browser build without event streams or S3's endpoint rule set", () => {
  expect(bundleText).toContain("S3 event streams are not supported by this plugin.");
  expect(bundleText).not.toMatch(/s3-object-lambda|s3-outposts/);
  // AWS's partition table, and the multi-region signer's SigV4a messages.
  expect(bundleText).not.toContain("Asia Pacific (Hong Kong)");
  expect(bundleText).not.toContain("signature-v4-crt");
  expect(bundleText).not.toMatch(/require\(["']node:/);
});

test("put, head, list, get, copy, delete many and delete work with the SDK as main.js carries it", async () => {
  const { client, store } = stores();
  try {
    const body = uniquePng();
    const sha = createHash("sha256").update(body).digest("hex");
    const key = `bundle/${sha.slice(0, 16)} 图.png`;
    expect(await store.put({ key, body, contentType: "image/png", sha256: sha, createOnly: true })).toBe("stored");
    expect((await storedObject(bucket, key)).bytes.equals(Buffer.from(body))).toBe(true);

    const head = await store.head(key);
    expect(head?.size).toBe(body.byteLength);

    const listed = await store.listAll("bundle/");
    expect(listed.map((o) => o.key)).toEqual([key]);

    const got = await store.get(key);
    expect(Buffer.from(got.bytes).equals(Buffer.from(body))).toBe(true);
    expect(got.contentType).toBe("image/png");

    const copyKey = `bundle/copy ${sha.slice(0, 8)}.png`;
    expect(await store.copyFrom(bucket, key, { key: copyKey, contentType: "image/png", sha256: sha })).toBe("stored");
    expect((await storedObject(bucket, copyKey)).bytes.equals(Buffer.from(body))).toBe(true);

    expect(await store.deleteMany([copyKey])).toEqual([]);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    expect(await store.listAll("bundle/")).toEqual([]);
  } finally {
    client.destroy();
  }
});

test("a service error still reads as the service's answer", async () => {
  const profile = testProfile({ bucket: `${bucket}-missing` });
  const client = bundle.createS3Client(profile, testCredentials(), new bundle.RequestUrlHttpHandler(requestUrl));
  try {
    const store = new bundle.S3TransferStore(client, profile);
    const err = await store.put({ key: "x.png", body: uniquePng(), contentType: "image/png" }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(err?.code).toBe("NoSuchBucket");
  } finally {
    client.destroy();
  }
});

const skewedEndpoint = process.env.S3_TEST_SKEWED_ENDPOINT;
(skewedEndpoint ? test : test.skip)("a server whose clock is 20 minutes ahead: the standard retry corrects the clock and the upload lands", async () => {
  const profile = testProfile({ bucket, endpoint: skewedEndpoint });
  const client = bundle.createS3Client(profile, testCredentials(), new bundle.RequestUrlHttpHandler(requestUrl));
  try {
    const body = uniquePng();
    const key = `bundle/skewed-${Date.now()}.png`;
    expect(await new bundle.S3TransferStore(client, profile).put({ key, body, contentType: "image/png" })).toBe("stored");
    expect((await storedObject(bucket, key)).bytes.equals(Buffer.from(body))).toBe(true);
  } finally {
    client.destroy();
  }
});

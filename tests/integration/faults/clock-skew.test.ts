/**
 * A server whose clock is 20 minutes off (a second gateway to the same test cluster, run
 * under faketime) rejects requests signed with this machine's time as RequestTimeTooSkewed.
 * Uploads must still succeed with nothing for the user to do, from the very first request of
 * a freshly created client: the SDK reads the server's time from the error's Date header and
 * signs the retry with it.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { App as ObsidianApp } from "obsidian";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { sdkUploaderFactory } from "../../../src/obsidian/sdkUploader";
import { UploaderCache } from "../../../src/obsidian/uploaderCache";
import { runDiagnostics } from "../../../src/storage/diagnostics";
import { RequestUrlHttpHandler } from "../../../src/storage/requestUrlHandler";
import { createS3Client } from "../../../src/storage/s3Client";
import { createUploader } from "../../../src/storage/uploader";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { pasteVault, placeholdersIn } from "../../support/pasteVault";
import { requestUrl } from "../../fakes/requestUrl";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { anonymousGet, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng, storedObject } from "../../support/s3";

const skewedEndpoint = process.env.S3_TEST_SKEWED_ENDPOINT;
if (!skewedEndpoint) {
  console.warn(
    "Clock-skew tests skipped: S3_TEST_ENDPOINT was given without S3_TEST_SKEWED_ENDPOINT. Start a gateway to the same cluster with its clock off " +
      "(scripts/s3-server.sh skew <state dir> <port>) and set S3_TEST_SKEWED_ENDPOINT to run them; without S3_TEST_ENDPOINT the global setup does both.",
  );
}
const describeWithSkewedServer = skewedEndpoint ? describe : describe.skip;

jest.setTimeout(30_000);

describeWithSkewedServer("uploads to a server whose clock is 20 minutes ahead", () => {
  let bucket: string;
  // The proxy only counts: it forwards every request unchanged to the skewed server.
  let counter: FaultProxy;
  beforeAll(async () => {
    bucket = await createTestBucket("t-skew");
    counter = await startFaultProxy({ upstream: skewedEndpoint! });
  });
  afterAll(async () => {
    await counter.close();
    await removeTestBucket(bucket);
  });

  async function expectStored(key: string, bytes: Uint8Array): Promise<void> {
    // Read back through the gateway with the right clock: both serve the same cluster.
    const got = await storedObject(bucket, key);
    expect(Buffer.compare(got.bytes, Buffer.from(bytes))).toBe(0);
  }

  test("the server really is 20 minutes ahead of this machine", async () => {
    const res = await anonymousGet(`${skewedEndpoint}/`);
    const offset = Date.parse(String(res.headers.date)) - Date.now();
    expect(Math.abs(offset - 20 * 60_000)).toBeLessThan(5_000);
  });

  const transports: Array<[string, () => S3Client]> = [
    ["requestUrl (Obsidian)", () => createS3Client(testProfile({ bucket, endpoint: counter.url }), testCredentials(), new RequestUrlHttpHandler(requestUrl))],
    ["Node (command line)", () => createS3Client(testProfile({ bucket, endpoint: counter.url }), testCredentials())],
  ];

  test.each(transports)("over %s, the first upload of a brand-new client succeeds after one corrected retry", async (_name, makeClient) => {
    counter.setPlan(() => undefined);
    const client = makeClient();
    const uploader = createUploader({
      profile: testProfile({ bucket, endpoint: counter.url }),
      credentials: testCredentials(),
      client,
      index: new MemoryUploadIndex(),
    });
    try {
      const bytes = uniquePng();
      const stored = await uploader.upload({ bytes, name: "first.png", notePath: "Note.md" });
      // The first PUT was signed with this machine's time and refused; the second carried the server's.
      expect(counter.log.map((e) => `${e.method} ${e.status}`)).toEqual(["PUT 403", "PUT 200"]);
      await expectStored(stored.key, bytes);

      // The client keeps the correction: the next upload needs one request.
      counter.setPlan(() => undefined);
      const second = uniquePng();
      const again = await uploader.upload({ bytes: second, name: "second.png", notePath: "Note.md" });
      expect(counter.log.map((e) => `${e.method} ${e.status}`)).toEqual(["PUT 200"]);
      await expectStored(again.key, second);
    } finally {
      uploader.destroy();
      client.destroy();
    }
  });

  test("the first paste after start-up becomes a link to the image, with no notice", async () => {
    const v = await pasteVault({
      text: "Intro\n",
      profile: testProfile({ bucket, endpoint: skewedEndpoint!, acl: "public-read" }),
      credentials: testCredentials(),
    });
    try {
      v.view.editor.setCursor({ line: 1, ch: 0 });
      Notice.reset();
      const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: requestUrl, index: new MemoryUploadIndex() }));
      const handler = new PasteDropHandler({
        app: v.app as unknown as ObsidianApp,
        settings: () => v.settings,
        getUploader: async (c) => uploaders.uploaderFor(c),
      });
      v.app.workspace.on("editor-paste", handler.onPaste);
      const png = uniquePng();
      expect(await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(png, "image.png", "image/png")] }), v.view)).toBe("handled-by-plugin");
      await handler.idle();
      const text = v.view.editor.getValue();
      expect(placeholdersIn(text)).toEqual([]);
      const url = /!\[[^\]]*\]\((http:[^)]+)\)/.exec(text)?.[1];
      expect(url).toBeDefined();
      const served = await anonymousGet(url!);
      expect({ status: served.status, same: served.body.equals(Buffer.from(png)) }).toEqual({ status: 200, same: true });
      expect(Notice.messages).toEqual([]);
    } finally {
      v.cleanup();
    }
  });

  test("with no retries left to the SDK, the store's own retry with the corrected clock still uploads", async () => {
    counter.setPlan(() => undefined);
    const client = createS3Client(testProfile({ bucket, endpoint: counter.url }), testCredentials(), new RequestUrlHttpHandler(requestUrl), { maxAttempts: 1 });
    const uploader = createUploader({
      profile: testProfile({ bucket, endpoint: counter.url }),
      credentials: testCredentials(),
      client,
      index: new MemoryUploadIndex(),
    });
    try {
      const bytes = uniquePng();
      const stored = await uploader.upload({ bytes, name: "single.png", notePath: "Note.md" });
      expect(counter.log.map((e) => `${e.method} ${e.status}`)).toEqual(["PUT 403", "PUT 200"]);
      await expectStored(stored.key, bytes);
    } finally {
      uploader.destroy();
      client.destroy();
    }
  });

  test("Test connection passes against it, and says this device's clock is off", async () => {
    const steps = await runDiagnostics({
      profile: testProfile({ bucket, endpoint: skewedEndpoint!, acl: "public-read" }),
      credentials: testCredentials(),
      requestHandler: new RequestUrlHttpHandler(requestUrl),
      fetchPublic: async (url) => {
        const res = await anonymousGet(url);
        return { status: res.status, headers: res.headers as Record<string, string>, body: res.body };
      },
    });
    expect(steps.map((s) => `${s.id}:${s.status}`)).toEqual(["settings:pass", "credentials:pass", "upload:pass", "public:pass", "cleanup:pass"]);
    expect(steps.find((s) => s.id === "upload")?.message).toMatch(/This device's clock is 20 minutes behind the server's/);
  });
});

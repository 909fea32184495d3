/**
 * The plugin exactly as Obsidian loads it (src/main.ts: settings from data.json, secrets from
 * secret storage, the SDK loaded on first use, Obsidian's requestUrl as transport) against
 * the real S3 server.
 */
import * as fs from "node:fs";
import { parseIndexFile } from "../../../src/core/settings/uploadIndexFile";
import * as path from "node:path";
import type { App as ObsidianApp, PluginManifest } from "obsidian";
import S3ImageHostingPlugin from "../../../src/main";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice, PluginSwitch, routeRequestUrl, type Plugin as FakePlugin, type PluginClass } from "../../fakes/obsidian";
import { type RequestUrlRoute } from "../../fakes/requestUrl";
import { pasteVault, placeholdersIn, SECRET_NAMES, type PasteVault } from "../../support/pasteVault";
import { anonymousGet, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../manifest.json"), "utf8")) as PluginManifest;

let buckets: string[];
beforeAll(async () => {
  buckets = [await createTestBucket("t-plugin-a"), await createTestBucket("t-plugin-b")];
});
afterAll(async () => {
  for (const b of buckets) await removeTestBucket(b);
});

let v: PasteVault;
let plugin: S3ImageHostingPlugin & FakePlugin;

beforeEach(async () => {
  v = await pasteVault({ credentials: testCredentials() });
  const profile = {
    ...testProfile({ bucket: buckets[0], acl: "public-read" }),
    accessKeyIdSecret: SECRET_NAMES.accessKeyId,
    secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
  };
  const dataFile = path.join(v.dir, ".obsidian/plugins/s3-image-hosting/data.json");
  fs.mkdirSync(path.dirname(dataFile), { recursive: true });
  fs.writeFileSync(dataFile, JSON.stringify({ profiles: [profile], activeProfileId: profile.id }));
  Notice.reset();
  plugin = new S3ImageHostingPlugin(v.app as unknown as ObsidianApp, manifest) as S3ImageHostingPlugin & FakePlugin;
  // The fake returns onload's promise, as Obsidian awaits a plugin's onload before it counts as enabled.
  await (plugin as FakePlugin).load();
});
afterEach(async () => {
  plugin.unload();
  await plugin.flushSave();
  v.cleanup();
});

async function pasteAndWait(bytes: Uint8Array): Promise<string> {
  const before = v.view.editor.getValue();
  await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(bytes, "image.png", "image/png")] }), v.view);
  const start = Date.now();
  while (placeholdersIn(v.view.editor.getValue()).length > 0 || v.view.editor.getValue() === before) {
    if (Date.now() - start > 20_000) throw new Error("the upload did not finish");
    await new Promise((r) => setTimeout(r, 10));
  }
  const links = [...v.view.editor.getValue().matchAll(/\]\((http[^)]+)\)/g)].map((m) => m[1]);
  return links[links.length - 1];
}

test("a pasted image ends up in the bucket and its link in the note", async () => {
  const png = uniquePng();
  const url = await pasteAndWait(png);
  expect(url).toContain(`/${buckets[0]}/img/`);
  const stamp = /^!\[Pasted image (\d{14})\]\(/.exec(v.view.editor.getValue())?.[1];
  expect(v.view.editor.getValue()).toBe(`![Pasted image ${stamp}](${url})`);
  const got = await anonymousGet(url);
  expect(got.status).toBe(200);
  expect(Buffer.compare(got.body, Buffer.from(png))).toBe(0);
  expect(Notice.messages).toEqual([]);
});

test("a bucket changed in the settings is used by the next paste", async () => {
  const first = await pasteAndWait(uniquePng());
  plugin.settings.profiles[0].bucket = buckets[1];
  v.view.editor.replaceSelection("\n");
  const png = uniquePng();
  const second = await pasteAndWait(png);
  expect(first).toContain(`/${buckets[0]}/`);
  expect(second).toContain(`/${buckets[1]}/`);
  expect(Buffer.compare((await anonymousGet(second)).body, Buffer.from(png))).toBe(0);
});

test("the record of uploads is saved to the index file beside data.json, and neither holds a secret", async () => {
  await pasteAndWait(uniquePng());
  await plugin.flushSave();
  plugin.requestSave();
  await plugin.flushSave();
  const folder = path.join(v.dir, ".obsidian/plugins/s3-image-hosting");
  const saved = fs.readFileSync(path.join(folder, "data.json"), "utf8");
  expect(JSON.parse(saved)).not.toHaveProperty("uploadIndex");
  const indexText = fs.readFileSync(path.join(folder, "upload-index.txt"), "utf8");
  expect(parseIndexFile(indexText).records.map((r) => r.key)).toEqual([expect.stringMatching(/^img\/[0-9a-f]{32}\.png$/)]);
  for (const text of [saved, indexText]) {
    expect(text).not.toContain(testCredentials().secretAccessKey);
    expect(text).not.toContain(testCredentials().accessKeyId);
  }
});

test("disabled during an upload, enabled again and changed: the old instance's upload lands, its data.json writes do not", async () => {
  type P = S3ImageHostingPlugin & FakePlugin;
  // The beforeEach instance is not this test's; this one is switched the way Obsidian does it.
  plugin.unload();
  await plugin.flushSave();
  const sw = new PluginSwitch(v.app, S3ImageHostingPlugin as unknown as PluginClass<P>, manifest);
  const net = new RequestRecorder();
  routeRequestUrl(net.requestUrl as unknown as RequestUrlRoute);
  try {
    const old = await sw.enable();
    net.hold();
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(uniquePng(), "image.png", "image/png")] }), v.view);
    await net.waitForHeld();

    sw.disable();
    const fresh = await sw.enable();
    fresh.settings.uploadOnDrop = false;
    fresh.requestSave();
    net.releaseAll();

    const start = Date.now();
    while (placeholdersIn(v.view.editor.getValue()).length > 0) {
      if (Date.now() - start > 20_000) throw new Error("the upload did not finish");
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(v.view.editor.getValue()).toMatch(/^!\[Pasted image \d{14}\]\(http[^)]+\)$/);
    // Past the save delay of both instances, then every write either made has finished.
    await new Promise((r) => setTimeout(r, 1500));
    await fresh.flushSave();
    await old.flushSave();

    const saved = JSON.parse(fs.readFileSync(path.join(v.dir, ".obsidian/plugins/s3-image-hosting/data.json"), "utf8")) as Record<string, unknown>;
    expect(saved.uploadOnDrop).toBe(false);
    expect(old.saveDataCalls.filter((c) => c.afterUnload)).toEqual([]);
  } finally {
    sw.disable();
    routeRequestUrl(null);
  }
});

test("undo after the link landed takes the paste back entirely, and redo brings the link back", async () => {
  const png = uniquePng();
  v.view.editor.setValue("Intro\n");
  v.view.editor.setCursor({ line: 1, ch: 0 });
  await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(png, "image.png", "image/png")] }), v.view);
  // The person clicks elsewhere while the image uploads, so the link arrives as an undo step of its own.
  v.view.editor.setCursor({ line: 0, ch: 0 });
  const start = Date.now();
  while (placeholdersIn(v.view.editor.getValue()).length > 0) {
    if (Date.now() - start > 20_000) throw new Error("the upload did not finish");
    await new Promise((r) => setTimeout(r, 10));
  }
  const linked = v.view.editor.getValue();
  const url = /^Intro\n!\[Pasted image \d{14}\]\((http[^)]+)\)$/.exec(linked)?.[1];
  expect(Buffer.compare((await anonymousGet(url ?? "")).body, Buffer.from(png))).toBe(0);

  v.view.editor.undo();
  expect(v.view.editor.getValue()).toBe("Intro\n");
  v.view.editor.redo();
  expect(v.view.editor.getValue()).toBe(linked);
});

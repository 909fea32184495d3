/**
 * Attached images through the plugin exactly as Obsidian loads it (src/main.ts), against the
 * real S3 server: the setting's default follows the device, and the "create" events Obsidian
 * fires for every file while it starts are not taken for attachments. An image pasted on a
 * canvas, with the canvas view's own save delay, becomes a card holding its link.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { App as ObsidianApp, PluginManifest } from "obsidian";
import S3ImageHostingPlugin from "../../../src/main";
import { attachOnDevice, CanvasView, canvasText, Notice, Platform, routeRequestUrl, type Plugin as FakePlugin } from "../../fakes/obsidian";
import { type RequestUrlRoute } from "../../fakes/requestUrl";
import { pasteVault, SECRET_NAMES, type PasteVault } from "../../support/pasteVault";
import { RequestRecorder } from "../../support/requestRecorder";
import { testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

jest.setTimeout(30_000);

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../manifest.json"), "utf8")) as PluginManifest;

let bucket = "";
useTestBucket("t-arrivals-plugin", (b) => (bucket = b));

let v: PasteVault;
let net: RequestRecorder;
let plugin: (S3ImageHostingPlugin & FakePlugin) | null;
const wasMobile = Platform.isMobile;

beforeEach(async () => {
  v = await pasteVault({ text: "Intro\n", credentials: testCredentials() });
  v.view.editor.setCursor({ line: 1, ch: 0 });
  const profile = {
    ...testProfile({ bucket, acl: "public-read" }),
    accessKeyIdSecret: SECRET_NAMES.accessKeyId,
    secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
  };
  const dataFile = path.join(v.dir, ".obsidian/plugins/s3-image-hosting/data.json");
  fs.mkdirSync(path.dirname(dataFile), { recursive: true });
  fs.writeFileSync(dataFile, JSON.stringify({ profiles: [profile], activeProfileId: profile.id }));
  net = new RequestRecorder();
  routeRequestUrl(net.requestUrl as unknown as RequestUrlRoute);
  Notice.reset();
  plugin = null;
});
afterEach(async () => {
  Platform.isMobile = wasMobile;
  routeRequestUrl(null);
  if (plugin) {
    plugin.unload();
    await plugin.flushSave();
  }
  v.cleanup();
});

function newPlugin(): S3ImageHostingPlugin & FakePlugin {
  plugin = new S3ImageHostingPlugin(v.app as unknown as ObsidianApp, manifest) as S3ImageHostingPlugin & FakePlugin;
  return plugin;
}

async function attach(name: string): Promise<void> {
  await attachOnDevice(v.app, v.view, [{ name, bytes: uniquePng() }]);
  v.view.editor.replaceSelection("\n");
}

/**
 * Waits until the note links `count` uploaded images, and a while longer, so that an upload
 * that should not have happened would have landed too; their URLs.
 */
async function linked(count: number): Promise<string[]> {
  const start = Date.now();
  const urlsNow = () => [...v.view.editor.getValue().matchAll(/\]\((http[^)]+)\)/g)].map((m) => m[1]);
  for (;;) {
    if (urlsNow().length >= count) {
      await new Promise((r) => setTimeout(r, 500));
      return urlsNow();
    }
    const urls = urlsNow();
    if (Date.now() - start > 20_000) throw new Error(`the note links ${urls.length} uploaded images, not ${count}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("on a phone, by default, an attached photo is uploaded and its embed becomes the link", async () => {
  Platform.isMobile = true;
  await (newPlugin() as FakePlugin).load();
  expect(plugin?.settings.uploadAttachments).toBe("auto");
  await attach("IMG_2001.png");
  const [url] = await linked(1);
  expect(url).toContain(`/${bucket}/`);
  expect(v.view.editor.getValue()).toBe(`Intro\n![IMG_2001](${url})\n`);
  expect(net.count("PUT")).toBe(1);
  expect(Notice.messages).toEqual([]);
});

test("on desktop, by default, an attached image stays local; turned on, the next one is uploaded", async () => {
  Platform.isMobile = false;
  const p = newPlugin();
  await (p as FakePlugin).load();
  await attach("desk-a.png");
  p.settings.uploadAttachments = true;
  await attach("desk-b.png");
  const [url] = await linked(1);
  expect(v.view.editor.getValue()).toBe(`Intro\n![[desk-a.png]]\n![desk-b](${url})\n`);
  expect(net.count("PUT")).toBe(1);
});

test("the files Obsidian announces while it starts are not taken for attachments", async () => {
  Platform.isMobile = true;
  await v.app.vault.createBinary("old.png", uniquePng().slice().buffer);
  const p = newPlugin();
  await v.app.workspace.startUp(() => p.load());
  // Within seconds of start-up the user links an image that was already in the vault.
  v.view.editor.replaceSelection("![[old.png]]\n");
  await attach("new.png");
  const [url] = await linked(1);
  expect(v.view.editor.getValue()).toBe(`Intro\n![[old.png]]\n![new](${url})\n`);
  expect(net.count("PUT")).toBe(1);
});

test("an image pasted on a canvas becomes a text card with its link, with the view's own two-second save", async () => {
  Platform.isMobile = false;
  await (newPlugin() as FakePlugin).load();
  const file = await v.app.vault.create("Plan.canvas", canvasText());
  const view = await new CanvasView(v.app, { reloadsOnModify: true }).open(file);
  const { node } = await view.pasteImage("Pasted image 20261130121500.png", uniquePng(), { x: 10, y: 20 });
  const start = Date.now();
  let card: { type: string; text?: string; x: number } | undefined;
  while (Date.now() - start < 20_000) {
    card = (JSON.parse(await v.app.vault.read(file)) as { nodes: (typeof card & { id: string })[] }).nodes.find((n) => n?.id === node);
    if (card?.type === "text") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(card).toMatchObject({ type: "text", x: 10 });
  expect(card?.text).toMatch(new RegExp(`^!\\[Pasted image 20261130121500\\]\\(http\\S+/${bucket}/\\S+\\)$`));
  expect(net.count("PUT")).toBe(1);
  expect(Notice.messages).toEqual([]);
});

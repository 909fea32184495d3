/**
 * main.js itself, built as the release build makes it (minified, the SDK trimmed, top-level
 * arrows rewritten by scripts/build/lazyArrows.cjs) and evaluated the way Obsidian evaluates
 * a plugin: its text inside `(function anonymous(require,module,exports){…})`, with a
 * `require` that serves only the modules Obsidian provides. A pasted image goes through it
 * to the real S3 server.
 *
 * The other plugin tests run src/main.ts through ts-jest; this one covers what only the
 * shipped file can get wrong: the build steps that change its code.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, PluginManifest } from "obsidian";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice, type Plugin as FakePlugin } from "../../fakes/obsidian";
import { pasteVault, placeholdersIn, SECRET_NAMES, type PasteVault } from "../../support/pasteVault";
import { evaluatePluginSource, OBSIDIAN_MODULES } from "../../support/pluginLoader";
import { anonymousGet, testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build helper esbuild.config.mjs runs
const { lazyArrows } = require("../../../scripts/build/lazyArrows.cjs") as { lazyArrows: (code: string) => { rewritten: number } };

jest.setTimeout(60_000);

const manifest = JSON.parse(readFileSync(path.join(__dirname, "../../../manifest.json"), "utf8")) as PluginManifest;
const dir = mkdtempSync(path.join(tmpdir(), "shipped-main-"));
const mainJs = path.join(dir, "main.js");
const required: string[] = [];

type LoadedPlugin = FakePlugin & { flushSave(): Promise<void> };
let PluginClass: new (app: ObsidianApp, manifest: PluginManifest) => LoadedPlugin;
let bucket: string;
useTestBucket("t-shipped", (b) => (bucket = b));

beforeAll(() => {
  // The S3 client reads error bodies with DOMParser, which Obsidian (Chromium) has and Node has not.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- jsdom ships no types here; only two constructors are used
  const { JSDOM } = require("jsdom") as { JSDOM: new (html: string) => { window: { DOMParser: unknown; Node: unknown } } };
  const { window } = new JSDOM("");
  Object.assign(globalThis, { DOMParser: window.DOMParser, Node: window.Node });
  execFileSync(process.execPath, [path.resolve(__dirname, "../../support/buildPlugin.mjs"), mainJs], { stdio: "pipe" });
  const exports = evaluatePluginSource(readFileSync(mainJs, "utf8"), manifest.id, OBSIDIAN_MODULES, required);
  PluginClass = (exports.default ?? exports) as typeof PluginClass;
});
afterAll(() => {
  delete (globalThis as { DOMParser?: unknown }).DOMParser;
  delete (globalThis as { Node?: unknown }).Node;
  rmSync(dir, { recursive: true, force: true });
});

let v: PasteVault;
let plugin: LoadedPlugin;
beforeEach(async () => {
  v = await pasteVault({ credentials: testCredentials() });
  const profile = {
    ...testProfile({ bucket, acl: "public-read" }),
    accessKeyIdSecret: SECRET_NAMES.accessKeyId,
    secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
  };
  const dataFile = path.join(v.dir, `.obsidian/plugins/${manifest.id}/data.json`);
  mkdirSync(path.dirname(dataFile), { recursive: true });
  writeFileSync(dataFile, JSON.stringify({ profiles: [profile], activeProfileId: profile.id }));
  Notice.reset();
  plugin = new PluginClass(v.app as unknown as ObsidianApp, manifest);
  await plugin.load();
});
afterEach(async () => {
  plugin.unload();
  await plugin.flushSave();
  v.cleanup();
});

test("the release build has no top-level arrow left for V8 to parse in full, and asks Obsidian only for what it provides", () => {
  expect(lazyArrows(readFileSync(mainJs, "utf8")).rewritten).toBe(0);
  expect(required).toContain("obsidian");
  expect(required.filter((id) => !(id in OBSIDIAN_MODULES))).toEqual([]);
});

test("a pasted image goes through the shipped main.js to the bucket, and its link into the note", async () => {
  const png = uniquePng();
  await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(png, "image.png", "image/png")] }), v.view);
  const start = Date.now();
  while (placeholdersIn(v.view.editor.getValue()).length > 0 || !v.view.editor.getValue().includes("](")) {
    if (Date.now() - start > 20_000) throw new Error(`the upload did not finish: ${v.view.editor.getValue()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const text = v.view.editor.getValue();
  const match = /^!\[Pasted image \d{14}\]\((http[^)]+)\)$/.exec(text);
  expect(match).not.toBeNull();
  const url = match![1];
  expect(url).toContain(`/${bucket}/img/`);
  const got = await anonymousGet(url);
  expect(got.status).toBe(200);
  expect(Buffer.compare(got.body, Buffer.from(png))).toBe(0);
  expect(Notice.messages).toEqual([]);
});

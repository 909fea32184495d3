/**
 * The plugin class as Obsidian drives it: load, paste, unload. The storage layer is replaced
 * by a module mock here only to observe WHEN it is loaded and what it is built from; real
 * uploads through this same wiring are in tests/integration/paste/plugin.test.ts.
 */
import * as fs from "node:fs";
import { parseIndexFile } from "../../../src/core/settings/uploadIndexFile";
import * as path from "node:path";
import type { App as ObsidianApp, PluginManifest } from "obsidian";
import type { UploaderOptions } from "../../../src/storage/uploader";
import S3ImageHostingPlugin from "../../../src/main";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice, PluginSwitch, type Plugin as FakePlugin, type PluginClass } from "../../fakes/obsidian";
import { pasteVault, SECRET_NAMES, type PasteVault } from "../../support/pasteVault";

const mockStorage = {
  evaluated: false,
  built: [] as UploaderOptions[],
  destroyed: 0,
  /** When set, uploads wait for it before they finish. */
  gate: null as Promise<void> | null,
  waiting: 0,
};

jest.mock("../../../src/storage/uploader", () => {
  mockStorage.evaluated = true;
  return {
    createUploader: (opts: UploaderOptions) => {
      mockStorage.built.push(opts);
      return {
        async upload(asset: { name: string }) {
          if (mockStorage.gate) {
            mockStorage.waiting++;
            await mockStorage.gate;
          }
          opts.index.set("scope", "f".repeat(64), { key: `img/${asset.name}`, at: 1 });
          return { key: `img/${asset.name}`, url: `https://cdn.example.com/img/${asset.name}`, reused: false, sha256: "f".repeat(64) };
        },
        destroy: () => {
          mockStorage.destroyed++;
        },
      };
    },
  };
});

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../manifest.json"), "utf8")) as PluginManifest;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9]);

let v: PasteVault;
const dataPath = () => path.join(v.dir, ".obsidian/plugins/s3-image-hosting/data.json");
const writeData = (data: unknown) => {
  fs.mkdirSync(path.dirname(dataPath()), { recursive: true });
  fs.writeFileSync(dataPath(), JSON.stringify(data));
};
const readData = () => JSON.parse(fs.readFileSync(dataPath(), "utf8")) as Record<string, any>;
const indexPath = () => path.join(v.dir, ".obsidian/plugins/s3-image-hosting/upload-index.txt");
const readIndex = () => (fs.existsSync(indexPath()) ? fs.readFileSync(indexPath(), "utf8") : "");

/** Unloads as Obsidian does, then waits for the writes unloading starts. */
async function unload(plugin: S3ImageHostingPlugin & FakePlugin): Promise<void> {
  plugin.unload();
  await plugin.flushSave();
  await new Promise((r) => setImmediate(r));
}

async function loadPlugin(): Promise<S3ImageHostingPlugin & FakePlugin> {
  const plugin = new S3ImageHostingPlugin(v.app as unknown as ObsidianApp, manifest) as S3ImageHostingPlugin & FakePlugin;
  // The fake returns onload's promise, as Obsidian awaits a plugin's onload before it counts as enabled.
  await (plugin as FakePlugin).load();
  return plugin;
}

/** data.json for a usable profile that points at the harness's stored secrets. */
function readyData() {
  return {
    profiles: [
      {
        id: "main",
        name: "Main",
        endpoint: "https://s3.example.com",
        region: "us-east-1",
        bucket: "images",
        accessKeyIdSecret: SECRET_NAMES.accessKeyId,
        secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
      },
    ],
    activeProfileId: "main",
  };
}

beforeEach(async () => {
  v = await pasteVault({ text: "" });
  Notice.reset();
  mockStorage.built.length = 0;
  mockStorage.destroyed = 0;
  mockStorage.gate = null;
  mockStorage.waiting = 0;
});
afterEach(() => v.cleanup());

test("settings come from data.json through the migration: an old flat bucket object becomes one profile", async () => {
  writeData({ endpoint: "s3.example.com", bucket: "old-bucket", region: "eu-west-1", uploadOnDrop: false });
  const plugin = await loadPlugin();
  expect(plugin.settings.profiles).toHaveLength(1);
  expect(plugin.settings.profiles[0]).toMatchObject({ endpoint: "https://s3.example.com", bucket: "old-bucket", region: "eu-west-1" });
  expect(plugin.settings.activeProfileId).toBe(plugin.settings.profiles[0].id);
  expect(plugin.settings.uploadOnDrop).toBe(false);
  await unload(plugin);
});

test("plain-text keys in data.json move into secret storage, and data.json is rewritten without them", async () => {
  writeData({ bucket: "b", endpoint: "https://s3.example.com", accessKeyId: "AKIAPLAINTEXT", secretAccessKey: "plain/secret+value" });
  const plugin = await loadPlugin();
  const profile = plugin.settings.profiles[0];
  expect(v.app.secretStorage.getSecret(profile.accessKeyIdSecret)).toBe("AKIAPLAINTEXT");
  expect(v.app.secretStorage.getSecret(profile.secretAccessKeySecret)).toBe("plain/secret+value");
  const saved = fs.readFileSync(dataPath(), "utf8");
  expect(saved).not.toContain("AKIAPLAINTEXT");
  expect(saved).not.toContain("plain/secret+value");
  expect(readData().profiles[0].accessKeyIdSecret).toBe(profile.accessKeyIdSecret);
  expect(Notice.messages).toEqual([expect.stringContaining("moved the access keys of 1 profile(s)")]);
  await unload(plugin);
});

describe("plain-text keys next to named secrets", () => {
  const KEY_ID = "AKIAOLDPLAINTEXT";
  const SECRET = "old/plain+secret+value";
  /** What saveData received, as one string, and that it holds neither key. */
  const expectNoKeyIn = (plugin: FakePlugin) => {
    expect(plugin.saveDataCalls.length).toBeGreaterThan(0);
    for (const { json } of plugin.saveDataCalls) {
      expect(json).not.toContain(KEY_ID);
      expect(json).not.toContain(SECRET);
    }
    const onDisk = fs.readFileSync(dataPath(), "utf8");
    expect(onDisk).not.toContain(KEY_ID);
    expect(onDisk).not.toContain(SECRET);
  };

  test("are dropped from data.json on load, and the named secrets keep their values", async () => {
    const stored = { id: v.app.secretStorage.getSecret(SECRET_NAMES.accessKeyId), secret: v.app.secretStorage.getSecret(SECRET_NAMES.secretAccessKey) };
    const data = readyData();
    writeData({ ...data, profiles: [{ ...data.profiles[0], accessKeyId: KEY_ID, secretAccessKey: SECRET }] });
    const plugin = await loadPlugin();
    expectNoKeyIn(plugin);
    expect(plugin.settings.profiles[0]).toMatchObject({ accessKeyIdSecret: SECRET_NAMES.accessKeyId, secretAccessKeySecret: SECRET_NAMES.secretAccessKey });
    expect(v.app.secretStorage.getSecret(SECRET_NAMES.accessKeyId)).toBe(stored.id);
    expect(v.app.secretStorage.getSecret(SECRET_NAMES.secretAccessKey)).toBe(stored.secret);
    expect(Notice.messages).toEqual([]);
    await unload(plugin);
  });

  test("fill a named secret that this device does not have, under its name", async () => {
    const data = readyData();
    writeData({
      ...data,
      profiles: [
        { ...data.profiles[0], accessKeyIdSecret: "old-key-id", secretAccessKeySecret: "old-secret-key", accessKeyId: KEY_ID, secretAccessKey: SECRET },
      ],
    });
    v.app.secretStorage.setSecret("old-secret-key", "");
    const plugin = await loadPlugin();
    expectNoKeyIn(plugin);
    expect(plugin.settings.profiles[0]).toMatchObject({ accessKeyIdSecret: "old-key-id", secretAccessKeySecret: "old-secret-key" });
    expect(v.app.secretStorage.getSecret("old-key-id")).toBe(KEY_ID);
    expect(v.app.secretStorage.getSecret("old-secret-key")).toBe(SECRET);
    expect(Notice.messages).toEqual([expect.stringContaining("moved the access keys of 1 profile(s)")]);
    await unload(plugin);
  });

  test("half a pair, a key beside the profiles and another PicGo uploader's keys all leave data.json too", async () => {
    const data = readyData();
    writeData({
      ...data,
      secretAccessKey: SECRET,
      profiles: [{ ...data.profiles[0], accessKeyIdSecret: "", accessKeyId: KEY_ID }],
      picBed: { tcyun: { secretId: KEY_ID, secretKey: SECRET } },
    });
    const plugin = await loadPlugin();
    expectNoKeyIn(plugin);
    const profile = plugin.settings.profiles[0];
    expect(profile.accessKeyIdSecret).toBe("s3-image-hosting-main-access-key-id");
    expect(v.app.secretStorage.getSecret(profile.accessKeyIdSecret)).toBe(KEY_ID);
    expect(profile.secretAccessKeySecret).toBe(SECRET_NAMES.secretAccessKey);
    await unload(plugin);
  });
});

test("paste and drop handlers, the upload-all, unused-images, relink, copy and download commands, the menus and the settings tab are registered on load; unload removes them", async () => {
  const plugin = await loadPlugin();
  expect(v.app.workspace.listenerCount("editor-paste")).toBe(1);
  expect(v.app.workspace.listenerCount("editor-drop")).toBe(1);
  // Upload and link everywhere, and Delete from bucket.
  expect(v.app.workspace.listenerCount("editor-menu")).toBe(2);
  expect(plugin.settingTabs).toHaveLength(1);
  expect(plugin.commands.map((c) => c.id)).toEqual([
    "s3-image-hosting:paste-image-without-processing",
    "s3-image-hosting:upload-all-local-images",
    "s3-image-hosting:find-unused-images",
    "s3-image-hosting:rewrite-links-base-url",
    "s3-image-hosting:copy-images-to-profile",
    "s3-image-hosting:download-images-back",
  ]);
  await unload(plugin);
  expect(v.app.workspace.listenerCount("editor-paste")).toBe(0);
  expect(v.app.workspace.listenerCount("editor-drop")).toBe(0);
  expect(v.app.workspace.listenerCount("editor-menu")).toBe(0);
  expect(plugin.commands).toEqual([]);
});

test("a plain-text paste through the loaded plugin is left to Obsidian", async () => {
  writeData(readyData());
  const plugin = await loadPlugin();
  const evt = pasteEvent({ text: "just text" });
  expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("default");
  expect(evt.defaultPrevented).toBe(false);
  expect(v.view.editor.getValue()).toBe("just text");
  await unload(plugin);
});

test("the storage code is loaded by the first upload, not at startup, and built from the active profile and its secrets", async () => {
  writeData(readyData());
  const plugin = await loadPlugin();
  // The tests above load the plugin too and never upload, so nothing has evaluated it yet.
  expect(mockStorage.evaluated).toBe(false);

  await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
  await waitFor(() => v.view.editor.getValue().includes("https://"));
  expect(mockStorage.evaluated).toBe(true);
  expect(v.view.editor.getValue()).toBe("![a](https://cdn.example.com/img/a.png)");
  expect(mockStorage.built).toHaveLength(1);
  expect(mockStorage.built[0].profile.bucket).toBe("images");
  expect(mockStorage.built[0].credentials).toEqual({
    accessKeyId: v.app.secretStorage.getSecret(SECRET_NAMES.accessKeyId),
    secretAccessKey: v.app.secretStorage.getSecret(SECRET_NAMES.secretAccessKey),
  });
  expect(mockStorage.built[0].maxBytes).toBe(20 * 1024 * 1024);
  await unload(plugin);
});

test("one uploader serves every upload until the profile changes; then a new one is built and the old destroyed", async () => {
  writeData(readyData());
  const plugin = await loadPlugin();
  const paste = async (name: string) => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, name, "image/png")] }), v.view);
    await waitFor(() => v.view.editor.getValue().includes(`img/${name})`));
  };
  await paste("a.png");
  await paste("b.png");
  expect(mockStorage.built).toHaveLength(1);
  plugin.settings.profiles[0].bucket = "other-bucket";
  await paste("c.png");
  expect(mockStorage.built.map((o) => o.profile.bucket)).toEqual(["images", "other-bucket"]);
  expect(mockStorage.destroyed).toBe(1);
  await unload(plugin);
  expect(mockStorage.destroyed).toBe(2);
});

test("the upload index is kept in its own file beside data.json, one line a record; data.json holds no index and no secret value", async () => {
  writeData(readyData());
  const plugin = await loadPlugin();
  await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
  await waitFor(() => v.view.editor.getValue().includes("https://"));
  plugin.requestSave();
  await unload(plugin);
  expect(parseIndexFile(readIndex()).records).toEqual([{ scope: "scope", sha256: "f".repeat(64), key: "img/a.png", at: 1 }]);
  const saved = fs.readFileSync(dataPath(), "utf8");
  expect(JSON.parse(saved)).not.toHaveProperty("uploadIndex");
  for (const name of Object.values(SECRET_NAMES)) expect(saved).not.toContain(v.app.secretStorage.getSecret(name)!);
});

test("an index kept in data.json by an older version stays there until the first upload, which moves it into the index file", async () => {
  const old = { scope: { ["e".repeat(64)]: { key: "img/old.png", at: 5 } } };
  writeData({ ...readyData(), uploadIndex: old });
  const plugin = await loadPlugin();
  // Start-up reads neither the index nor its file, and leaves data.json's index where it is.
  expect(fs.existsSync(indexPath())).toBe(false);
  plugin.requestSave();
  await plugin.flushSave();
  expect(readData().uploadIndex).toEqual(old);

  await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
  await waitFor(() => v.view.editor.getValue().includes("https://"));
  await plugin.flushSave();
  const records = parseIndexFile(readIndex()).records;
  expect(records).toContainEqual({ scope: "scope", sha256: "e".repeat(64), key: "img/old.png", at: 5 });
  expect(records).toContainEqual({ scope: "scope", sha256: "f".repeat(64), key: "img/a.png", at: 1 });
  expect(readData()).not.toHaveProperty("uploadIndex");
  await unload(plugin);
});

test("an index file that cannot be written leaves data.json's index in place", async () => {
  const old = { scope: { ["e".repeat(64)]: { key: "img/old.png", at: 5 } } };
  writeData({ ...readyData(), uploadIndex: old });
  // A folder where the file should be: writing it fails.
  fs.mkdirSync(indexPath(), { recursive: true });
  const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const plugin = await loadPlugin();
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
    await waitFor(() => v.view.editor.getValue().includes("https://"));
    plugin.requestSave();
    await unload(plugin);
    expect(readData().uploadIndex).toEqual(old);
    expect(errors).toHaveBeenCalled();
  } finally {
    errors.mockRestore();
  }
});

describe("disable and enable again, as Obsidian does it", () => {
  type P = S3ImageHostingPlugin & FakePlugin;
  const pluginSwitch = () => new PluginSwitch(v.app, S3ImageHostingPlugin as unknown as PluginClass<P>, manifest);
  /** Lets pending promise chains run without moving the (fake) clock. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  /** Lets I/O and promise chains run until `cond` holds, without moving the (fake) clock. */
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
    if (!cond()) throw new Error("condition not met");
  };

  beforeEach(() => jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick", "queueMicrotask"] }));
  afterEach(() => jest.useRealTimers());

  test("an upload that finishes after disable places its link, but the old instance never writes data.json again", async () => {
    writeData(readyData());
    const sw = pluginSwitch();
    const old = await sw.enable();
    let release!: () => void;
    mockStorage.gate = new Promise<void>((r) => (release = r));
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
    await until(() => mockStorage.waiting === 1);

    sw.disable();
    const fresh = await sw.enable();
    expect(fresh).not.toBe(old);
    fresh.settings.uploadOnDrop = false;
    fresh.requestSave();

    release();
    // The old instance's upload still puts its link where its placeholder is.
    await until(() => v.view.editor.getValue().includes("https://"));
    expect(v.view.editor.getValue()).toBe("![a](https://cdn.example.com/img/a.png)");
    await settle();
    // Past every debounce: the new instance's save is made, and the old instance's would be.
    await jest.advanceTimersByTimeAsync(5000);
    // Both instances' writes (if any) have finished.
    await fresh.flushSave();
    await old.flushSave();

    expect(readData().uploadOnDrop).toBe(false);
    expect(old.saveDataCalls.filter((c) => c.afterUnload)).toEqual([]);
    // The old instance's index record was dropped with it, not written after its unload.
    expect(readData()).not.toHaveProperty("uploadIndex");
    expect(readIndex()).not.toContain("img/a.png");
    sw.disable();
    await settle();
  });

  test("changes not yet saved when the plugin is disabled are written during unload, and the next instance reads them", async () => {
    writeData(readyData());
    const sw = pluginSwitch();
    const old = await sw.enable();
    old.settings.imagesOnly = false;
    old.requestSave();
    sw.disable();
    expect(old.saveDataCalls.map((c) => c.afterUnload)).toEqual([false]);
    await old.flushSave();
    const fresh = await sw.enable();
    expect(fresh.settings.imagesOnly).toBe(false);
    // The old debounce never fires, and flushing the old instance (its settings tab closing) writes nothing.
    await old.flushSave();
    await jest.advanceTimersByTimeAsync(5000);
    expect(old.saveDataCalls).toHaveLength(1);
    sw.disable();
    await settle();
  });

  test("a save queued behind a write in flight at unload is not made after unload; unload writes the latest settings itself", async () => {
    writeData(readyData());
    const sw = pluginSwitch();
    const old = await sw.enable();
    old.settings.imagesOnly = false;
    const first = old.saveSettings();
    old.settings.uploadOnPaste = false;
    void old.saveSettings();
    sw.disable();
    await first;
    await old.flushSave();
    expect(old.saveDataCalls.filter((c) => c.afterUnload)).toEqual([]);
    expect(readData()).toMatchObject({ imagesOnly: false, uploadOnPaste: false });
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

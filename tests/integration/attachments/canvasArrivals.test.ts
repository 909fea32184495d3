/**
 * Images pasted or dropped on a canvas, against the real S3 server: the fake canvas view
 * (BEHAVIOURS.md CV1–CV5) saves the image, adds a file node and saves the canvas after its
 * save delay; the watcher sees the file created and its node arrive in the active canvas,
 * uploads the image through the real SDK over the requestUrl double, and once the canvas has
 * been quiet turns that node into a text card holding the link.
 */
import type { App as ObsidianApp } from "obsidian";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { CanvasArrivals } from "../../../src/obsidian/canvasArrivals";
import { sdkUploaderFactory } from "../../../src/obsidian/sdkUploader";
import { UploaderCache } from "../../../src/obsidian/uploaderCache";
import { CanvasView, canvasText, type TFile } from "../../fakes/obsidian";
import { pasteVault, type PasteVault } from "../../support/pasteVault";
import { RequestRecorder } from "../../support/requestRecorder";
import { anonymousGet, testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

jest.setTimeout(30_000);

let bucket = "";
useTestBucket("t-canvas-arrivals", (b) => (bucket = b));

// Shortened, in the same proportions as Obsidian's: the view saves SAVE_MS after a change, the
// watcher waits WINDOW_MS for the node and QUIET_MS of quiet before it writes.
const SAVE_MS = 150;
const WINDOW_MS = 1_000;
const QUIET_MS = 300;
const VERIFY_MS = 600;

/** A card Obsidian had on the canvas before the paste, with a field this code does not know. */
const NOTE_CARD = { id: "aaaa000000000001", type: "text", text: "Plan", x: -400, y: 0, width: 250, height: 60, color: "4", styleAttributes: {} };

interface Rig {
  v: PasteVault;
  net: RequestRecorder;
  arrivals: CanvasArrivals;
  canvas: TFile;
  view: CanvasView;
  messages: string[];
}

let rig: Rig;

async function startRig(opts: { reloadsOnModify?: boolean } = {}): Promise<Rig> {
  const v = await pasteVault({ profile: testProfile({ bucket, acl: "public-read" }), credentials: testCredentials() });
  await v.app.vault.createFolder("Boards");
  const canvas = await v.app.vault.create("Boards/Plan.canvas", canvasText([NOTE_CARD]));
  const view = await new CanvasView(v.app, { reloadsOnModify: opts.reloadsOnModify ?? true, saveMs: SAVE_MS }).open(canvas);
  const net = new RequestRecorder();
  const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: net.requestUrl, index: new MemoryUploadIndex() }));
  const messages: string[] = [];
  const arrivals = new CanvasArrivals({
    app: v.app as unknown as ObsidianApp,
    settings: () => v.settings,
    getUploader: async (config) => uploaders.uploaderFor(config),
    notify: (m) => messages.push(m),
    windowMs: WINDOW_MS,
    quietMs: QUIET_MS,
    verifyMs: VERIFY_MS,
  });
  v.app.vault.on("create", arrivals.onCreate);
  v.app.vault.on("modify", arrivals.onModify);
  return { v, net, arrivals, canvas, view, messages };
}

afterEach(() => {
  rig?.arrivals.stop();
  rig?.v.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every upload the watcher started has ended, and past the window nothing waits. */
async function settled(): Promise<void> {
  await rig.view.settled();
  await sleep(WINDOW_MS + 100);
  await rig.arrivals.idle();
  await rig.view.settled();
  expect(rig.arrivals.waiting).toBe(0);
}

const read = () => rig.v.app.vault.read(rig.canvas);

test("an image pasted on a canvas is uploaded and its node becomes a text card with the link; every other byte stays", async () => {
  rig = await startRig();
  const png = uniquePng();
  const { file, node } = await rig.view.pasteImage("Pasted image 20261130120000.png", png, { x: 40, y: 80 });
  await rig.view.settled();
  const saved = await read();
  expect(saved).toContain(`"file":"${file.path}"`);

  await settled();
  const after = await read();
  const url = /\]\((http[^)]+)\)/.exec(after)?.[1] ?? "";
  expect(url).toContain(`/${bucket}/`);
  // Only the node's type and its file member changed; its id, position, size, the other card and the layout stay.
  expect(after).toBe(saved.replace(`"type":"file","file":"${file.path}"`, `"type":"text","text":"![Pasted image 20261130120000](${url})"`));
  expect(JSON.parse(after).nodes.find((n: { id: string }) => n.id === node)).toMatchObject({ type: "text", x: 40, y: 80, width: 400, height: 300 });
  expect(Buffer.compare((await anonymousGet(url)).body, Buffer.from(png))).toBe(0);
  expect(rig.net.count("PUT")).toBe(1);
  // The local image is never trashed on this path.
  expect(rig.v.app.vault.getFileByPath(file.path)).toBe(file);
  expect(rig.messages).toEqual([]);
  // The view took the card in, so its next save keeps it.
  rig.view.moveNode(NOTE_CARD.id, { x: -500 });
  await rig.view.settled();
  expect(await read()).toContain(url);
});

test("an image created while a canvas is active but never added to it is left alone", async () => {
  rig = await startRig();
  const before = await read();
  // A file arriving through sync or from another plugin: created, no node added.
  const file = await rig.v.app.vault.createBinary("synced.png", uniquePng().slice().buffer);
  // The canvas is saved meanwhile, for another change.
  rig.view.moveNode(NOTE_CARD.id, { x: -300 });
  await settled();
  // Added later, past the window (a drag from the file explorer): still not this plugin's.
  rig.view.addFileNode(file.path);
  await settled();
  expect(rig.net.count()).toBe(0);
  expect((await read()).startsWith(before.slice(0, before.indexOf("\n\t]")).replace('"x":-400', '"x":-300'))).toBe(true);
  expect(JSON.parse(await read()).nodes[1]).toMatchObject({ type: "file", file: "synced.png" });
  expect(rig.messages).toEqual([]);
});

test("a node added to a different canvas than the active one is left alone", async () => {
  rig = await startRig();
  const otherFile = await rig.v.app.vault.create("Boards/Other.canvas", canvasText());
  const other = await new CanvasView(rig.v.app, { reloadsOnModify: true, saveMs: SAVE_MS }).open(otherFile, false);
  // Plan.canvas is active when the image is saved, but its node lands in Other.canvas.
  const file = await rig.v.app.vault.createBinary("Boards/elsewhere.png", uniquePng().slice().buffer);
  other.addFileNode(file.path);
  await other.settled();
  await settled();
  expect(rig.net.count()).toBe(0);
  expect(JSON.parse(await rig.v.app.vault.read(otherFile)).nodes[0]).toMatchObject({ type: "file", file: file.path });
  expect(rig.messages).toEqual([]);
});

test("with upload on paste or upload on drop off, an image pasted on a canvas is left alone", async () => {
  for (const off of ["uploadOnPaste", "uploadOnDrop"] as const) {
    rig = await startRig();
    rig.v.settings[off] = false;
    const { file } = await rig.view.pasteImage("photo.png", uniquePng());
    await settled();
    expect(rig.net.count()).toBe(0);
    expect(JSON.parse(await read()).nodes[1]).toMatchObject({ type: "file", file: file.path });
    expect(rig.messages).toEqual([]);
    rig.arrivals.stop();
    rig.v.cleanup();
  }
  rig = await startRig();
});

test("a canvas changed again before the quiet time keeps the user's new position and size, even when the view does not take in changes on disk", async () => {
  // The card is written only once the view has saved the user's last move, so no save of the view's older copy follows it.
  rig = await startRig({ reloadsOnModify: false });
  const { node } = await rig.view.pasteImage("moved.png", uniquePng(), { x: 0, y: 0 });
  await rig.view.settled();
  // The user keeps moving the new card while it uploads; each move is saved after the view's
  // delay, and the next comes sooner than the quiet time after that save.
  for (let i = 1; i <= 3; i++) {
    rig.view.moveNode(node, { x: 100 * i, y: 10 * i, width: 500 });
    await rig.view.settled();
    await sleep((QUIET_MS - SAVE_MS) / 3);
  }
  await settled();
  const n = JSON.parse(await read()).nodes.find((x: { id: string }) => x.id === node);
  expect(n).toMatchObject({ type: "text", x: 300, y: 30, width: 500, height: 300 });
  expect(n.text).toMatch(/^!\[moved\]\(http/);
  expect(rig.messages).toEqual([]);
});

test("when the open canvas writes its own copy back over the card, a notice says the image is uploaded and how to link it", async () => {
  rig = await startRig({ reloadsOnModify: false });
  const { file, node } = await rig.view.pasteImage("kept.png", uniquePng());
  await rig.view.settled();
  // Right after the rewrite, the user moves another card: the view saves what it holds.
  const rewritten = new Promise<void>((resolve) => {
    const check = async () => ((await read()).includes('"type":"text","text":"![kept]') ? resolve() : setTimeout(() => void check(), 20));
    void check();
  });
  await rewritten;
  rig.view.moveNode(NOTE_CARD.id, { x: -450 });
  await settled();
  expect(JSON.parse(await read()).nodes.find((x: { id: string }) => x.id === node)).toMatchObject({ type: "file", file: file.path });
  expect(rig.net.count("PUT")).toBe(1);
  expect(rig.messages).toHaveLength(1);
  expect(rig.messages[0]).toMatch(
    /^kept\.png was uploaded to http\S+, but the open canvas Plan saved its own copy over the new link, so it still shows the local image\. Run "Upload all local images" on Plan to link it\.$/,
  );
  expect(rig.v.app.vault.getFileByPath(file.path)).toBe(file);
});

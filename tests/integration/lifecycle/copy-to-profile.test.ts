/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 *
 * "Copy images to another profile" inside (a fake of) Obsidian, against the real S3 server:
 * two buckets on it stand for two profiles with the same keys, so the service copies each
 * object itself (CopyObject over the plugin's requestUrl transport). Nothing is copied or
 * written before the confirmation; afterwards the destination holds the same bytes and only
 * the links of the copied images point at it. A different file at a destination key is never
 * replaced, and its links stay.
 */
// The fake goes first: it gives jsdom the TextEncoder the SDK needs when it loads.
import { createFakeApp, Menu, Modal, Notice, Plugin, type App, type TFile } from "../../fakes/obsidian";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plugin as ObsidianPlugin } from "obsidian";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { registerLifecycleCommands } from "../../../src/obsidian/lifecycleCommands";
import { RequestRecorder } from "../../support/requestRecorder";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile, uniquePng } from "../../support/s3";

jest.setTimeout(60_000);

const COPY = "Copy images to another profile";
let work: string;
let from: string;
let to: string;
let admin: S3Client;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-copy-profile-"));
  from = await createTestBucket("copy-from");
  to = await createTestBucket("copy-to");
  admin = adminClient();
});

afterAll(async () => {
  admin.destroy();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(from);
  await removeTestBucket(to);
});

beforeEach(() => {
  Notice.reset();
  // A test that failed half-way leaves its dialog open; the next starts with none.
  for (const m of [...Modal.openModals]) m.close();
});

class TestPlugin extends Plugin {}

const urlOf = (bucket: string, key: string): string => `${s3TestEnv().endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

let n = 0;
/** A fresh image at `key` (default: a new one) in `bucket`, stored with its SHA-256 as uploads store it. */
async function put(bucket: string, key = `t/img ${++n}.png`, bytes: Uint8Array = uniquePng()): Promise<{ key: string; url: string; bytes: Uint8Array }> {
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: "image/png", Metadata: { sha256: sha256(bytes) } }));
  return { key, url: urlOf(bucket, key), bytes };
}

async function bytesAt(bucket: string, key: string): Promise<Buffer | null> {
  try {
    await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch {
    return null;
  }
  const out = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${JSON.stringify(Notice.messages)}`);
}

interface Rig {
  app: App;
  transport: RequestRecorder;
  settings: PluginSettings;
}

/** A vault with `files`, and two profiles (the first active) on the test server with the same keys. */
function setUp(files: Record<string, string>, profiles = 2): Rig {
  const dir = mkdtempSync(path.join(work, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  const app = createFakeApp(dir);
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket: from, name: "Old bucket" });
  const settings: PluginSettings = readySettings(profile);
  if (profiles > 1) settings.profiles.push({ ...settings.profiles[0], id: "second", name: "New bucket", bucket: to, cacheControl: "public, max-age=60" });
  const plugin = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
  const transport = new RequestRecorder();
  registerLifecycleCommands(plugin as unknown as ObsidianPlugin, { settings: () => settings, requestUrl: transport.requestUrl });
  return { app, transport, settings };
}

const read = (app: App, p: string): Promise<string> => app.vault.read(app.vault.getFileByPath(p) as TFile);
const button = (modal: Modal, start: string): HTMLButtonElement => {
  const b = [...modal.contentEl.querySelectorAll("button")].find((x) => x.textContent?.startsWith(start));
  if (!b) throw new Error(`no button "${start}" in ${modal.contentEl.textContent}`);
  return b;
};

/** Chooses the copy item of a file's (or folder's) menu. */
function chooseFromMenu(app: App, file: string): void {
  const menu = new Menu();
  app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(file), "file-explorer");
  const item = menu.items.find((i) => i.title.startsWith(COPY));
  if (!item) throw new Error(`no menu item among ${menu.items.map((i) => i.title).join(", ")}`);
  item.callback?.({} as MouseEvent);
}

/** Picks the profiles (the defaults: active → the other) and waits for the confirmation. */
async function previewed(app: App, file: string): Promise<Modal> {
  chooseFromMenu(app, file);
  await until(() => Modal.openModals.length === 1, "the profile dialog");
  const pick = Modal.openModals[0];
  const selects = [...pick.contentEl.querySelectorAll("select")];
  expect(selects.map((s) => s.value)).toEqual([expect.any(String), "second"]);
  button(pick, "Preview").click();
  await until(() => Modal.openModals.length === 1 && Modal.openModals[0] !== pick, "the confirmation");
  return Modal.openModals[0];
}

/** The CopyObject requests sent: PUTs naming a copy source. */
const copyRequests = (t: RequestRecorder): string[] =>
  t.calls.filter((c) => c.method === "PUT" && c.headers["x-amz-copy-source"] !== undefined).map((c) => c.url);

it("copies inside the service, verifies the bytes, and moves only the copied images' links in the folder", async () => {
  const a = await put(from);
  const b = await put(from);
  const missing = `t/never-uploaded-${++n}.png`;
  const post = `# Post\n\n![a](${a.url} "A title") and ![|200](${b.url}).\n![gone](${urlOf(from, missing)})\n![web](https://example.com/x.png)\n`;
  const outside = `![a](${a.url})\n`;
  const rig = setUp({ "Blog/Post.md": post, "Blog/Deep/Again.md": `<img src="${a.url}" width="50">\n`, "Other.md": outside });

  const confirm = await previewed(rig.app, "Blog");
  const text = confirm.contentEl.textContent ?? "";
  expect(text).toContain(`2 images will be copied from the bucket "${from}" ("Old bucket") to "${to}" ("New bucket"), inside the service; 0 are already there`);
  expect(text).toContain(`Then 3 links in 2 notes will move from`);
  expect(text).toContain(`1 image will not be copied, and its links stay as they are:`);
  expect(text).toContain(`${missing}: not in the source bucket`);
  // The preview only looked.
  expect(copyRequests(rig.transport)).toEqual([]);
  expect(rig.transport.count("PUT")).toBe(0);
  expect(await bytesAt(to, a.key)).toBeNull();
  expect(await read(rig.app, "Blog/Post.md")).toBe(post);

  rig.transport.calls.length = 0;
  button(confirm, "Copy 2 images and move 3 links").click();
  await until(() => Notice.messages.some((m) => m.startsWith(`${COPY} (the folder Blog)`)), "the summary");
  expect(Notice.messages.at(-1)).toBe(
    [
      `${COPY} (the folder Blog): copied 2 images from "Old bucket" to "New bucket" (0 already there); moved 3 links in 2 notes.`,
      "Not copied, links kept:",
      `• ${missing} — the bucket "${from}" holds no file at ${missing}`,
    ].join("\n"),
  );
  // One CopyObject per image, and neither a download from the source nor an upload of the
  // bytes: the service copied them (each copy is read back from the destination).
  expect(copyRequests(rig.transport)).toHaveLength(2);
  expect(rig.transport.count("PUT")).toBe(2);
  expect(rig.transport.calls.filter((c) => c.method === "GET" && c.url.includes(`/${from}/`))).toEqual([]);
  for (const img of [a, b]) {
    const copy = await bytesAt(to, img.key);
    expect(copy && sha256(copy)).toBe(sha256(img.bytes));
  }
  expect(await read(rig.app, "Blog/Post.md")).toBe(
    `# Post\n\n![a](${urlOf(to, a.key)} "A title") and ![|200](${urlOf(to, b.key)}).\n![gone](${urlOf(from, missing)})\n![web](https://example.com/x.png)\n`,
  );
  expect(await read(rig.app, "Blog/Deep/Again.md")).toBe(`<img src="${urlOf(to, a.key)}" width="50">\n`);
  expect(await read(rig.app, "Other.md")).toBe(outside);
  // The source keeps its images.
  expect(await bytesAt(from, a.key)).not.toBeNull();
});

it("never replaces a different file at a destination key: that image is refused and keeps its link; the same bytes count as there", async () => {
  const taken = await put(from);
  const other = await put(to, taken.key, uniquePng());
  const same = await put(from);
  await put(to, same.key, same.bytes);
  const fresh = await put(from);
  const note = `![taken](${taken.url})\n![same](${same.url})\n![fresh](${fresh.url})\n`;
  const rig = setUp({ "Post.md": note });

  const confirm = await previewed(rig.app, "Post.md");
  const text = confirm.contentEl.textContent ?? "";
  expect(text).toContain(
    `1 image will be copied from the bucket "${from}" ("Old bucket") to "${to}" ("New bucket"), inside the service; 1 is already there with the same bytes.`,
  );
  expect(text).toContain("Then 2 links in 1 note will move");
  expect(text).toContain(`${taken.key}: refused — the bucket "${to}" already holds a different file at ${taken.key}, which is never replaced`);
  button(confirm, "Copy 1 image and move 2 links").click();
  await until(() => Notice.messages.some((m) => m.startsWith(`${COPY} (Post.md)`)), "the summary");
  expect(Notice.messages.at(-1)).toBe(
    [
      `${COPY} (Post.md): copied 1 image from "Old bucket" to "New bucket" (1 already there); moved 2 links in 1 note.`,
      "Not copied, links kept:",
      `• ${taken.key} — the bucket "${to}" already holds a different file at ${taken.key}, which is never replaced`,
    ].join("\n"),
  );
  expect(sha256((await bytesAt(to, taken.key)) as Buffer)).toBe(sha256(other.bytes));
  expect(sha256((await bytesAt(to, fresh.key)) as Buffer)).toBe(sha256(fresh.bytes));
  expect(await read(rig.app, "Post.md")).toBe(`![taken](${taken.url})\n![same](${urlOf(to, same.key)})\n![fresh](${urlOf(to, fresh.key)})\n`);
});

it("Cancel copies and changes nothing; with one profile it says a second is needed", async () => {
  const a = await put(from);
  const note = `![a](${a.url})\n`;
  const rig = setUp({ "Post.md": note });
  const confirm = await previewed(rig.app, "Post.md");
  button(confirm, "Cancel").click();
  await new Promise((r) => setTimeout(r, 100));
  expect(rig.transport.count("PUT")).toBe(0);
  expect(await bytesAt(to, a.key)).toBeNull();
  expect(await read(rig.app, "Post.md")).toBe(note);

  const single = setUp({ "Post.md": note }, 1);
  chooseFromMenu(single.app, "Post.md");
  await until(() => Notice.messages.some((m) => m.includes("needs two profiles")), "the notice");
  expect(Notice.messages.at(-1)).toBe(`${COPY}: this needs two profiles, one to copy from and one to copy to; add the second in the plugin settings.`);
  expect(Modal.openModals).toHaveLength(0);
});

/** A canvas as Obsidian writes it: tab-indented, one node or edge a line. */
function canvas(nodes: object[], edges: object[] = []): string {
  const list = (items: object[]): string => items.map((n) => `\t\t${JSON.stringify(n)}`).join(",\n");
  return `{\n\t"nodes":[\n${list(nodes)}\n\t],\n\t"edges":[\n${list(edges)}\n\t]\n}`;
}

it("from a canvas's file menu: copies the images its text cards and web-page cards show and moves them; a second run has nothing to do", async () => {
  const a = await put(from);
  const b = await put(from);
  const board = canvas(
    [
      { id: "t", type: "text", text: `![Gipfel](${a.url})`, x: 0, y: 0, width: 400, height: 300, color: "3" },
      { id: "l", type: "link", url: b.url, x: 0, y: 320, width: 400, height: 300 },
      { id: "n", type: "file", file: "Post.md", x: 420, y: 0, width: 300, height: 300 },
    ],
    [{ id: "e", fromNode: "t", toNode: "l" }],
  );
  const rig = setUp({ "Boards/Board.canvas": board, "Post.md": "text\n" });
  const confirm = await previewed(rig.app, "Boards/Board.canvas");
  expect(confirm.contentEl.textContent).toContain("Then 2 links in 1 note will move");
  button(confirm, "Copy 2 images and move 2 links").click();
  await until(() => Notice.messages.some((m) => m.startsWith(`${COPY} (Boards/Board.canvas)`)), "the summary");
  expect(Notice.messages.at(-1)).toBe(
    `${COPY} (Boards/Board.canvas): copied 2 images from "Old bucket" to "New bucket" (0 already there); moved 2 links in 1 note.`,
  );
  for (const img of [a, b]) {
    const copy = await bytesAt(to, img.key);
    expect(copy && sha256(copy)).toBe(sha256(img.bytes));
  }
  const after = await read(rig.app, "Boards/Board.canvas");
  expect(after).toBe(board.replace(`](${a.url})`, `](${urlOf(to, a.key)})`).replace(`"url":"${b.url}"`, `"url":"${urlOf(to, b.key)}"`));

  const puts = rig.transport.count("PUT");
  chooseFromMenu(rig.app, "Boards/Board.canvas");
  await until(() => Modal.openModals.length === 1, "the profile dialog");
  button(Modal.openModals[0], "Preview").click();
  await until(() => Notice.messages.some((m) => m.includes("no image link in Boards/Board.canvas starts with")), "the notice");
  expect(rig.transport.count("PUT")).toBe(puts);
  expect(await read(rig.app, "Boards/Board.canvas")).toBe(after);
});

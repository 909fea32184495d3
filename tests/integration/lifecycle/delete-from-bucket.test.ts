/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 *
 * "Delete from bucket" from the editor menu inside (a fake of) Obsidian, against the real S3
 * server: offered only on a link to an object of a profile, refused (naming the notes) while
 * another note links it, and, confirmed, deleting the object and changing only the link's
 * span: to nothing, or to a local copy whose bytes were checked against the key's hash.
 */
// The fake goes first: it gives jsdom the TextEncoder the SDK needs when it loads.
import { createFakeApp, Menu, Modal, Notice, Plugin, type App, type MarkdownView, type TFile } from "../../fakes/obsidian";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plugin as ObsidianPlugin } from "obsidian";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { registerLifecycleCommands } from "../../../src/obsidian/lifecycleCommands";
import { RequestRecorder } from "../../support/requestRecorder";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { refreshResolvedLinks } from "../../fakes/uploadAllFakes";

jest.setTimeout(60_000);

let work: string;
let bucket: string;
let admin: S3Client;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-delete-"));
  bucket = await createTestBucket("delete");
  admin = adminClient();
});

afterAll(async () => {
  admin.destroy();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

class TestPlugin extends Plugin {}

/** A new image in the bucket under `img/<sha256>.png`, readable by anyone; its bytes and URL. */
async function putImage(): Promise<{ bytes: Uint8Array; key: string; url: string }> {
  const bytes = uniquePng();
  const key = `img/${createHash("sha256").update(bytes).digest("hex")}.png`;
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ACL: "public-read", ContentType: "image/png" }));
  return { bytes, key, url: `${s3TestEnv().endpoint}/${bucket}/${key}` };
}

async function exists(key: string): Promise<boolean> {
  return admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${JSON.stringify(Notice.messages)}`);
}

interface Rig {
  app: App;
  dir: string;
  view: MarkdownView;
  transport: RequestRecorder;
  /** The editor menu opened with the cursor at `offset` of the open note. */
  menuAt(offset: number): Menu;
}

async function setUp(files: Record<string, string>, open: string): Promise<Rig> {
  const dir = mkdtempSync(path.join(work, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  const app = createFakeApp(dir, { attachmentFolderPath: "Attachments" });
  await refreshResolvedLinks(app);
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, keyTemplate: "img/{hash}.{ext}" });
  const settings: PluginSettings = readySettings(profile);
  const plugin = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
  const transport = new RequestRecorder();
  registerLifecycleCommands(plugin as unknown as ObsidianPlugin, { settings: () => settings, requestUrl: transport.requestUrl });
  const view = await app.workspace.openFile(app.vault.getFileByPath(open) as TFile);
  return {
    app,
    dir,
    view,
    transport,
    menuAt(offset) {
      view.editor.setCursor(view.editor.offsetToPos(offset));
      const menu = new Menu();
      app.workspace.trigger("editor-menu", menu, view.editor, view);
      return menu;
    },
  };
}

const button = (modal: Modal, text: string): HTMLButtonElement => {
  const b = [...modal.contentEl.querySelectorAll("button")].find((x) => x.textContent === text);
  if (!b) throw new Error(`no button "${text}"`);
  return b;
};

async function chooseDelete(rig: Rig, offset: number): Promise<Modal> {
  const menu = rig.menuAt(offset);
  expect(menu.items.map((i) => i.title)).toEqual(["Delete from bucket"]);
  menu.items[0].callback?.({} as MouseEvent);
  await until(() => Modal.openModals.length === 1, "the dialog");
  return Modal.openModals[0];
}

it("is offered only on a link to an object of a profile", async () => {
  const img = await putImage();
  const text = `Plain words ![far](https://elsewhere.example/x.png) ![mine](${img.url})\n`;
  const rig = await setUp({ "A.md": text }, "A.md");
  expect(rig.menuAt(2).items).toHaveLength(0);
  expect(rig.menuAt(text.indexOf("far")).items).toHaveLength(0);
  expect(rig.menuAt(text.indexOf("mine")).items.map((i) => i.title)).toEqual(["Delete from bucket"]);
});

it("confirmed, deletes the object and removes only the link; Cancel first deletes nothing", async () => {
  const img = await putImage();
  const text = `Before ![shot](${img.url}) after.\nNext line.\n`;
  const rig = await setUp({ "A.md": text, "B.md": "no link\n" }, "A.md");
  let modal = await chooseDelete(rig, text.indexOf("shot"));
  expect(modal.contentEl.textContent).toContain(`${img.key} in the bucket ${bucket} (Test server) will be deleted. No other note links it.`);
  button(modal, "Cancel").click();
  await new Promise((r) => setTimeout(r, 100));
  expect(await exists(img.key)).toBe(true);
  expect(rig.view.editor.getValue()).toBe(text);

  modal = await chooseDelete(rig, text.indexOf("shot"));
  button(modal, "Delete and remove the link").click();
  await until(() => Notice.messages.some((m) => m.startsWith("Delete from bucket: deleted")), "the summary");
  expect(Notice.messages.at(-1)).toBe(`Delete from bucket: deleted ${img.key}; removed its link from A.md.`);
  expect(await exists(img.key)).toBe(false);
  expect(rig.view.editor.getValue()).toBe("Before  after.\nNext line.\n");
});

it("with a local copy: downloads and checks the bytes, saves them as an attachment, links it, then deletes the object", async () => {
  const img = await putImage();
  const text = `Before ![shot](${img.url}) after.\n`;
  const rig = await setUp({ "Notes/A.md": text }, "Notes/A.md");
  const modal = await chooseDelete(rig, text.indexOf("shot"));
  button(modal, "Keep a local copy, then delete").click();
  await until(() => Notice.messages.some((m) => m.startsWith("Delete from bucket: deleted")), "the summary");
  const name = img.key.slice("img/".length);
  expect(Notice.messages.at(-1)).toBe(`Delete from bucket: deleted ${img.key}; the link in Notes/A.md now shows the local copy Attachments/${name}.`);
  expect(readFileSync(path.join(rig.dir, "Attachments", name)).equals(Buffer.from(img.bytes))).toBe(true);
  expect(rig.view.editor.getValue()).toBe(`Before ![[${name}|shot]] after.\n`);
  expect(await exists(img.key)).toBe(false);
});

it("refuses while another note links the image, naming it, and deletes nothing", async () => {
  const img = await putImage();
  const text = `![shot](${img.url})\n`;
  const rig = await setUp({ "A.md": text, "Deep/B.md": `See <img src="${img.url}">\n`, "C.md": "none\n" }, "A.md");
  const modal = await chooseDelete(rig, 3);
  expect(modal.contentEl.textContent).toContain("is not deleted: it is still needed.");
  expect(modal.contentEl.textContent).toContain("1 other note links it: Deep/B.md.");
  expect([...modal.contentEl.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Cancel"]);
  button(modal, "Cancel").click();
  expect(rig.transport.count()).toBe(0);
  expect(await exists(img.key)).toBe(true);
  expect(rig.view.editor.getValue()).toBe(text);
});

/**
 * Attached images (the attach button, the camera, the share sheet on a phone) against the real
 * S3 server: Obsidian saves the file and inserts its embed (`attachOnDevice`, BEHAVIOURS.md
 * A2), the watcher sees the file created and its embed arrive in the active editor, uploads
 * it through the real SDK over the requestUrl double, and replaces that embed only.
 */
import type { App as ObsidianApp } from "obsidian";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { AttachmentArrivals } from "../../../src/obsidian/attachmentArrivals";
import { saveAsAttachment } from "../../../src/obsidian/attachmentFallback";
import { downloadImagesBack } from "../../../src/obsidian/downloadBack";
import { bucketScope, buildPublicUrl } from "../../../src/core/link/publicUrl";
import { sha256Hex } from "../../../src/core/prepare/hash";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { sdkUploaderFactory } from "../../../src/obsidian/sdkUploader";
import { UploaderCache } from "../../../src/obsidian/uploaderCache";
import { attachOnDevice, Notice, type MarkdownView, type TFile } from "../../fakes/obsidian";
import { refreshResolvedLinks } from "../../fakes/uploadAllFakes";
import { pasteVault, type PasteVault } from "../../support/pasteVault";
import { RequestRecorder } from "../../support/requestRecorder";
import { adminClient, anonymousGet, testCredentials, testProfile, uniquePng, useTestBucket } from "../../support/s3";

jest.setTimeout(30_000);

let bucket = "";
useTestBucket("t-arrivals", (b) => (bucket = b));

/** Short, so that tests of what is left alone need not wait five seconds. */
const WINDOW_MS = 400;

interface Rig {
  v: PasteVault;
  net: RequestRecorder;
  arrivals: AttachmentArrivals;
  messages: string[];
}

let rig: Rig;

async function startRig(opts: { text?: string; uploadAttachments?: boolean; secretAccessKey?: string } = {}): Promise<Rig> {
  const creds = testCredentials();
  const v = await pasteVault({
    text: opts.text ?? "Intro\n",
    profile: testProfile({ bucket, acl: "public-read" }),
    credentials: { ...creds, secretAccessKey: opts.secretAccessKey ?? creds.secretAccessKey },
  });
  v.settings.uploadAttachments = opts.uploadAttachments ?? true;
  v.view.editor.setCursor(v.view.editor.offsetToPos(v.view.editor.getValue().length));
  const net = new RequestRecorder();
  const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: net.requestUrl, index: new MemoryUploadIndex() }));
  const messages: string[] = [];
  const arrivals = new AttachmentArrivals({
    app: v.app as unknown as ObsidianApp,
    settings: () => v.settings,
    getUploader: async (config) => uploaders.uploaderFor(config),
    notify: (m) => messages.push(m),
    windowMs: WINDOW_MS,
  });
  v.app.vault.on("create", arrivals.onCreate);
  v.app.workspace.on("editor-change", arrivals.onEditorChange);
  Notice.reset();
  return { v, net, arrivals, messages };
}

afterEach(() => {
  rig.arrivals.stop();
  rig.v.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Past the window, and every look or upload it started has ended. */
async function pastWindow(): Promise<void> {
  await sleep(WINDOW_MS + 100);
  await rig.arrivals.idle();
  expect(rig.arrivals.waiting).toBe(0);
}

async function attach(name: string, bytes: Uint8Array, opts: { insertAfterMs?: number; into?: MarkdownView } = {}): Promise<TFile> {
  const [file] = await attachOnDevice(rig.v.app, rig.v.view, [{ name, bytes }], opts);
  return file;
}

/** Waits for the uploads the watcher started; the bucket URL in the note, if any. */
async function settled(): Promise<string | undefined> {
  await rig.arrivals.idle();
  return /\]\((http[^)]+)\)/.exec(rig.v.view.editor.getValue())?.[1];
}

test("an attached photo is uploaded and its embed, only that span, becomes the link", async () => {
  rig = await startRig({ text: "Intro ![[old.png]] and text\n" });
  rig.v.view.editor.setCursor({ line: 0, ch: 6 });
  const png = uniquePng();
  const file = await attach("IMG_0001.png", png);
  expect(rig.v.view.editor.getValue()).toBe("Intro ![[IMG_0001.png]]![[old.png]] and text\n");

  const url = await settled();
  expect(url).toContain(`/${bucket}/`);
  expect(rig.v.view.editor.getValue()).toBe(`Intro ![IMG_0001](${url})![[old.png]] and text\n`);
  // Only the embed's span was changed by the plugin: one change after Obsidian's insertion.
  expect(rig.v.view.editor.changes.slice(-1)).toEqual([{ from: 6, to: 6 + "![[IMG_0001.png]]".length, text: `![IMG_0001](${url})` }]);
  expect(Buffer.compare((await anonymousGet(url ?? "")).body, Buffer.from(png))).toBe(0);
  expect(rig.net.count("PUT")).toBe(1);
  // Without "trash after upload" the local file stays.
  expect(rig.v.app.vault.getFileByPath(file.path)).toBe(file);
  expect(rig.messages).toEqual([]);
});

test("a markdown-style embed gets the file's name as alt text, as a paste does, and with trash after upload the unlinked file goes to the trash", async () => {
  rig = await startRig();
  rig.v.app.vault.setConfig("useMarkdownLinks", true);
  rig.v.settings.trashAfterUpload = true;
  await refreshResolvedLinks(rig.v.app);
  const file = await attach("My photo.png", uniquePng());
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![](My%20photo.png)");
  const url = await settled();
  expect(rig.v.view.editor.getValue()).toBe(`Intro\n![My photo](${url})`);
  expect(rig.v.app.vault.getFileByPath(file.path)).toBeNull();
});

test("with trash after upload, a file another note also links stays", async () => {
  rig = await startRig();
  rig.v.settings.trashAfterUpload = true;
  const png = uniquePng();
  const held = rig.net.holdUpload(png);
  const file = await attach("shared.png", png);
  await held.reached;
  // Another note links it before the upload ends.
  await rig.v.app.vault.create("Other.md", "See ![[shared.png]]");
  await refreshResolvedLinks(rig.v.app);
  held.release();
  const url = await settled();
  expect(rig.v.view.editor.getValue()).toBe(`Intro\n![shared](${url})`);
  expect(rig.v.app.vault.getFileByPath(file.path)).toBe(file);
});

test("the embed inserted a moment after the file is saved (the share sheet asks first) is still picked up", async () => {
  rig = await startRig();
  await attach("shared-in.png", uniquePng(), { insertAfterMs: WINDOW_MS / 2 });
  const url = await settled();
  expect(rig.v.view.editor.getValue()).toBe(`Intro\n![shared-in](${url})`);
});

test("a file created with no embed in the active editor within the window is left alone, even if embedded later", async () => {
  rig = await startRig();
  const bytes = uniquePng();
  // A file arriving through sync: created, nothing inserted.
  const file = await rig.v.app.vault.createBinary("synced.png", bytes.slice().buffer);
  await pastWindow();
  rig.v.view.editor.replaceSelection("![[synced.png]]");
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[synced.png]]");
  expect(rig.net.count()).toBe(0);
  expect(rig.v.app.vault.getFileByPath(file.path)).toBe(file);
  expect(rig.messages).toEqual([]);
});

test("an embed inserted into a different note than the active editor is left alone", async () => {
  rig = await startRig();
  const other = await rig.v.app.vault.create("Other.md", "Other\n");
  const otherLeaf = rig.v.app.workspace.getLeaf(true);
  await otherLeaf.openFile(other);
  // The user is in Blog/Post.md when the photo is saved, but the embed lands in Other.md.
  rig.v.app.workspace.setActiveLeaf(rig.v.view.leaf);
  otherLeaf.view.editor.setCursor({ line: 1, ch: 0 });
  await attach("elsewhere.png", uniquePng(), { into: otherLeaf.view });
  expect(otherLeaf.view.editor.getValue()).toBe("Other\n![[elsewhere.png]]");
  await pastWindow();
  expect(otherLeaf.view.editor.getValue()).toBe("Other\n![[elsewhere.png]]");
  expect(rig.v.view.editor.getValue()).toBe("Intro\n");
  expect(rig.net.count()).toBe(0);
});

test("a file created while no markdown editor is active is left alone", async () => {
  rig = await startRig();
  // The user is in a view that is not a markdown editor (the file explorer, a graph) when the file is created.
  rig.v.app.workspace.activeLeaf = null;
  await rig.v.app.vault.createBinary("no-editor.png", uniquePng().slice().buffer);
  expect(rig.arrivals.waiting).toBe(0);
  rig.v.app.workspace.setActiveLeaf(rig.v.view.leaf);
  rig.v.view.editor.replaceSelection("![[no-editor.png]]");
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[no-editor.png]]");
  expect(rig.net.count()).toBe(0);
});

test("files that are not images are left alone", async () => {
  rig = await startRig();
  await attach("minutes.pdf", new TextEncoder().encode("%PDF-1.4 not an image"));
  expect(rig.arrivals.waiting).toBe(0);
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[minutes.pdf]]");
  expect(rig.net.count()).toBe(0);
  expect(rig.messages).toEqual([]);
});

test("an image this plugin saves itself (the local fallback of a failed paste) is not uploaded by this path", async () => {
  rig = await startRig();
  const saved = await saveAsAttachment(rig.v.app as unknown as ObsidianApp, uniquePng(), "Pasted image 20261122183000.png", rig.v.note.path);
  rig.v.view.editor.replaceSelection(saved.embed);
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[Pasted image 20261122183000.png]]");
  expect(rig.net.count()).toBe(0);
});

test("images Download images back saves into the open note, at a new path or where they were uploaded from, are not uploaded again", async () => {
  rig = await startRig();
  const profile = rig.v.settings.profiles[0];
  const fresh = uniquePng();
  const remembered = uniquePng();
  const admin = adminClient();
  const keys: string[] = [];
  try {
    for (const bytes of [fresh, remembered]) {
      const key = `back/${await sha256Hex(bytes)}.png`;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: "image/png", ACL: "public-read" }));
      keys.push(key);
    }
  } finally {
    admin.destroy();
  }
  const uploads = new MemoryUploadIndex();
  uploads.set(bucketScope(profile), await sha256Hex(remembered), { key: keys[1], at: Date.now(), path: "Restored/remembered.png" });
  rig.v.view.editor.setValue(`Intro\n![](${buildPublicUrl(profile, keys[0])})\n![](${buildPublicUrl(profile, keys[1])})\n`);

  const report = await downloadImagesBack(rig.v.app as unknown as ObsidianApp, [rig.v.note.path], rig.v.settings, { uploads });
  expect(report.downloaded).toBe(2);
  expect(rig.v.app.vault.getAbstractFileByPath("Restored/remembered.png")).not.toBeNull();
  await pastWindow();
  expect(rig.net.count()).toBe(0);
  expect(rig.v.view.editor.getValue()).not.toContain(profile.endpoint);
});

test("a note whose front matter keeps its images local keeps an attached photo local, as Obsidian saved it", async () => {
  rig = await startRig({ text: "---\nimage-upload: local\n---\nDiary\n" });
  await attach("private.png", uniquePng());
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("---\nimage-upload: local\n---\nDiary\n![[private.png]]");
  expect(rig.net.count()).toBe(0);
  expect(rig.messages).toEqual([]);
});

test("a note that names a profile that does not exist keeps the photo, and a notice names the problem", async () => {
  rig = await startRig({ text: "---\nimage-upload: Nowhere\n---\n" });
  await attach("kept.png", uniquePng());
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("---\nimage-upload: Nowhere\n---\n![[kept.png]]");
  expect(rig.net.count()).toBe(0);
  expect(rig.messages).toEqual([expect.stringMatching(/did not upload kept\.png: .*Nowhere/)]);
});

test("the attached photo's link is written in the chosen link format", async () => {
  rig = await startRig();
  rig.v.settings.linkFormat = "html";
  await attach("shot.png", uniquePng());
  await rig.arrivals.idle();
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toMatch(/^Intro\n<img src="http[^"]+\/img\/[0-9a-f]+\.png" alt="shot">$/);
  expect(rig.net.count("PUT")).toBe(1);
});

test("with the setting off, an attached photo stays local", async () => {
  rig = await startRig({ uploadAttachments: false });
  await attach("off.png", uniquePng());
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[off.png]]");
  expect(rig.net.count()).toBe(0);
});

test("a failed upload leaves the embed and the file, and a notice says why", async () => {
  rig = await startRig({ secretAccessKey: "not-the-right-secret-key-0000000000000000" });
  const file = await attach("refused.png", uniquePng());
  expect(await settled()).toBeUndefined();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[refused.png]]");
  expect(rig.v.app.vault.getFileByPath(file.path)).toBe(file);
  expect(rig.net.count("PUT")).toBeGreaterThan(0);
  expect(rig.messages).toHaveLength(1);
  expect(rig.messages[0]).toMatch(/secret/i);
  expect(rig.messages[0]).toContain("refused.png stays in your vault and the note still embeds it.");
});

test("an embed the user edited while it uploaded is not overwritten, and a notice says so", async () => {
  rig = await startRig();
  const png = uniquePng();
  const held = rig.net.holdUpload(png);
  await attach("edited.png", png);
  await held.reached;
  // The user adds a size to the embed while the photo uploads.
  const text = rig.v.view.editor.getValue();
  const at = text.indexOf("]]");
  rig.v.view.editor.replaceRange("|300", rig.v.view.editor.offsetToPos(at));
  held.release();
  expect(await settled()).toBeUndefined();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[edited.png|300]]");
  expect(rig.messages).toEqual([expect.stringMatching(/^edited\.png was uploaded to http\S+, but its embed in Post was changed meanwhile/)]);
});

test("text typed before the embed while it uploads moves it, and the link still lands on it", async () => {
  rig = await startRig();
  const png = uniquePng();
  const held = rig.net.holdUpload(png);
  await attach("moved.png", png);
  await held.reached;
  rig.v.view.editor.replaceRange("Typed meanwhile. ", { line: 0, ch: 0 });
  held.release();
  const url = await settled();
  expect(rig.v.view.editor.getValue()).toBe(`Typed meanwhile. Intro\n![moved](${url})`);
});

test("an image whose embed appears twice at once is not uploaded, since the new embed cannot be told, and a notice says so", async () => {
  rig = await startRig();
  await rig.v.app.vault.createBinary("twice.png", uniquePng().slice().buffer);
  rig.v.view.editor.replaceSelection("![[twice.png]]\n![[twice.png]]");
  await pastWindow();
  expect(rig.v.view.editor.getValue()).toBe("Intro\n![[twice.png]]\n![[twice.png]]");
  expect(rig.net.count()).toBe(0);
  expect(rig.messages).toEqual(["twice.png is embedded more than once in Post, so S3 Image Hosting did not upload it. It stays in your vault."]);
});

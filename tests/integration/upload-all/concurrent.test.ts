/**
 * "Upload all local images" while the person keeps working on the note, uploading for real to
 * the S3 test server: a paste into the same note mid-run, closing the note, switching away and
 * back, an edit to a link that is undone (the fake editor has no undo history: an undo puts the
 * editor's previous text back with `setValue`), a deleted link, and the command started twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, Plugin as ObsidianPlugin, TFile as ObsidianTFile } from "obsidian";
import { scanEmbeds } from "../../../src/core/markdown";
import type { ImageUploader } from "../../../src/core/ports";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { uploadAllLocalImages, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { registerUploadAll } from "../../../src/obsidian/uploadAllCommand";
import { RequestUrlHttpHandler } from "../../../src/storage/requestUrlHandler";
import { createUploader } from "../../../src/storage/uploader";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice, Plugin, type App, type TFile } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import "../../fakes/uploadAllFakes";
import { expectPlainWords, expectServes, oneImageIn } from "../../support/badInput";
import { createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { vaultIn } from "../../support/uploadAllRig";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-concurrent-uploadall-"));
  bucket = await createTestBucket("concurrent-uploadall");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

const vaultWith = (files: Record<string, string | Uint8Array>): App => vaultIn(work, files);

/** The settings, uploader and transport a run and a paste share, with the test bucket's keys stored. */
function deps(app: App, transport: RequestRecorder): UploadAllDeps & { uploader: () => ImageUploader } {
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, acl: "public-read" });
  const settings = { ...readySettings(profile), concurrency: 4 };
  const index = new MemoryUploadIndex();
  let made: ImageUploader | undefined;
  const uploader = (): ImageUploader =>
    (made ??= createUploader({
      profile: settings.profiles[0],
      credentials: creds,
      requestHandler: new RequestUrlHttpHandler(transport.requestUrl),
      index,
      maxBytes: 20 * 1024 * 1024,
      imagesOnly: true,
    }));
  return { settings: () => settings, getUploader: async () => uploader(), uploader };
}

const asApp = (app: App): ObsidianApp => app as unknown as ObsidianApp;
const asFile = (file: TFile | null): ObsidianTFile => file as unknown as ObsidianTFile;
const fileAt = (app: App, p: string): TFile => app.vault.getFileByPath(p) as TFile;

/** The remote images of `text`, in order, each checked to be one image. */
function imageUrls(text: string): string[] {
  return scanEmbeds(text)
    .filter((e) => e.isRemote)
    .map((e) => oneImageIn(e.raw).url);
}

class TestPlugin extends Plugin {}

describe("upload all while the note is in use", () => {
  it("a paste into the note during the run: the migrated links and the pasted link all land", async () => {
    const [a, b, pasted] = [uniquePng(), uniquePng(), uniquePng()];
    const app = vaultWith({ "N.md": "![[a.png]]\n\n![[b.png]]\n", "a.png": a, "b.png": b });
    const view = await app.workspace.openFile(fileAt(app, "N.md"));
    const transport = new RequestRecorder();
    const d = deps(app, transport);
    const paste = new PasteDropHandler({ app: asApp(app), settings: d.settings, getUploader: d.getUploader });
    app.workspace.on("editor-paste", paste.onPaste);
    const heldB = transport.holdUpload(b);
    const heldPaste = transport.holdUpload(pasted);

    const run = uploadAllLocalImages(asApp(app), [asFile(view.file)], d);
    await heldB.reached;
    view.editor.setCursor({ line: 1, ch: 0 });
    expect(await dispatchEditorInput(app, "paste", pasteEvent({ files: [fileOf(pasted, "pasted.png", "image/png")] }), view)).toBe("handled-by-plugin");
    await heldPaste.reached;
    heldB.release();
    const { report } = await run;
    heldPaste.release();
    await paste.idle();

    expect(report).toMatchObject({ uploaded: 2, rewritten: 2, skipped: 0, failed: 0 });
    const lines = view.editor.getValue().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("");
    const urls = lines.slice(0, 3).map((l) => oneImageIn(l).url);
    await expectServes(urls[0], a);
    await expectServes(urls[1], pasted);
    await expectServes(urls[2], b);
    expect(Notice.messages).toEqual([]);
  });

  it("closing the note during the run: what was typed is saved, and the links are written into the file", async () => {
    const [a, b] = [uniquePng(), uniquePng()];
    const app = vaultWith({ "N.md": "top\n![[a.png]]\n![[b.png]]\n", "a.png": a, "b.png": b });
    const view = await app.workspace.openFile(fileAt(app, "N.md"));
    const transport = new RequestRecorder();
    const held = transport.holdUpload(b);

    const run = uploadAllLocalImages(asApp(app), [asFile(view.file)], deps(app, transport));
    await held.reached;
    view.editor.replaceRange("typed before closing\n", { line: 0, ch: 0 });
    view.leaf.detach();
    await new Promise((r) => setTimeout(r, 0));
    expect(app.workspace.getLeavesOfType("markdown")).toEqual([]);
    held.release();
    const { report } = await run;

    expect(report).toMatchObject({ uploaded: 2, rewritten: 2, skipped: 0, failed: 0 });
    const text = await app.vault.read(fileAt(app, "N.md"));
    expect(text).toMatch(/^typed before closing\ntop\n!\[a\]\(http[^)]+\)\n!\[b\]\(http[^)]+\)\n$/);
    const urls = imageUrls(text);
    await expectServes(urls[0], a);
    await expectServes(urls[1], b);
  });

  it("switching to another note and back during the run: the editor shows the note with every link rewritten", async () => {
    const [a, b] = [uniquePng(), uniquePng()];
    const app = vaultWith({ "N.md": "![[a.png]]\n![[b.png]]\n", "Other.md": "other", "a.png": a, "b.png": b });
    const view = await app.workspace.openFile(fileAt(app, "N.md"));
    const transport = new RequestRecorder();
    const held = transport.holdUpload(b);

    const run = uploadAllLocalImages(asApp(app), [asFile(view.file)], deps(app, transport));
    await held.reached;
    await view.leaf.openFile(fileAt(app, "Other.md"));
    view.editor.replaceRange("typed in the other note, ", { line: 0, ch: 0 });
    held.release();
    const { report } = await run;
    await view.leaf.openFile(fileAt(app, "N.md"));

    expect(report).toMatchObject({ rewritten: 2, skipped: 0, failed: 0 });
    expect(view.editor.getValue()).toMatch(/^!\[a\]\(http[^)]+\)\n!\[b\]\(http[^)]+\)\n$/);
    expect(await app.vault.read(fileAt(app, "Other.md"))).toBe("typed in the other note, other");
    const urls = imageUrls(view.editor.getValue());
    await expectServes(urls[0], a);
    await expectServes(urls[1], b);
  });

  it("an edit to a link that is undone before its upload finishes: the link is rewritten", async () => {
    const b = uniquePng();
    const app = vaultWith({ "N.md": "![[a.png]]\n\n![[b.png]]\n", "a.png": uniquePng(), "b.png": b });
    const view = await app.workspace.openFile(fileAt(app, "N.md"));
    const transport = new RequestRecorder();
    const held = transport.holdUpload(b);

    const run = uploadAllLocalImages(asApp(app), [asFile(view.file)], deps(app, transport));
    await held.reached;
    const before = view.editor.getValue();
    const at = before.indexOf("![[b.png]]");
    view.editor.replaceRange("![[b.png|200]]", view.editor.offsetToPos(at), view.editor.offsetToPos(at + "![[b.png]]".length));
    view.editor.setValue(before);
    held.release();
    const { report } = await run;

    expect(report).toMatchObject({ rewritten: 2, skipped: 0, failed: 0, skippedEdits: [] });
    const urls = imageUrls(view.editor.getValue());
    expect(view.editor.getValue()).toMatch(/^!\[a\]\(http[^)]+\)\n\n!\[b\]\(http[^)]+\)\n$/);
    await expectServes(urls[1], b);
  });

  it("a link deleted while its image uploads is not put back, and is reported as skipped", async () => {
    const b = uniquePng();
    const app = vaultWith({ "N.md": "![[a.png]]\nkeep ![[b.png]] this\n", "a.png": uniquePng(), "b.png": b });
    const view = await app.workspace.openFile(fileAt(app, "N.md"));
    const transport = new RequestRecorder();
    const held = transport.holdUpload(b);

    const run = uploadAllLocalImages(asApp(app), [asFile(view.file)], deps(app, transport));
    await held.reached;
    const at = view.editor.getValue().indexOf("![[b.png]] ");
    view.editor.replaceRange("", view.editor.offsetToPos(at), view.editor.offsetToPos(at + "![[b.png]] ".length));
    held.release();
    const { report } = await run;

    expect(report).toMatchObject({ uploaded: 2, rewritten: 1, skipped: 1, failed: 0, skippedEdits: [{ note: "N.md", link: "![[b.png]]" }] });
    expect(view.editor.getValue()).toMatch(/^!\[a\]\(http[^)]+\)\nkeep this\n$/);
  });

  it("deleting the note during the run: it is not brought back, and its links are reported in plain words", async () => {
    const a = uniquePng();
    const app = vaultWith({ "N.md": "![[a.png]]\n", "Other.md": "![[a.png]]\n", "a.png": a });
    const transport = new RequestRecorder();
    const held = transport.holdUpload(a);

    const run = uploadAllLocalImages(asApp(app), [asFile(fileAt(app, "N.md")), asFile(fileAt(app, "Other.md"))], deps(app, transport));
    await held.reached;
    await app.vault.delete(fileAt(app, "N.md"));
    held.release();
    const { report } = await run;

    expect(app.vault.getFileByPath("N.md")).toBeNull();
    expect(report).toMatchObject({ uploaded: 1, rewritten: 1, failed: 1 });
    expect(report.failures).toEqual([
      {
        note: "N.md",
        link: "![[a.png]]",
        code: "Unknown",
        message: 'The note "N.md" could not be saved ("N.md" is no longer in the vault); the link was left as it was.',
      },
    ]);
    expectPlainWords(report.failures.map((f) => f.message));
    await expectServes(imageUrls(await app.vault.read(fileAt(app, "Other.md")))[0], a);
  });

  it("starting the command again during a run says so and starts no second run; afterwards it can run again", async () => {
    const a = uniquePng();
    const app = vaultWith({ "N.md": "![[a.png]]\n", "a.png": a });
    const view = await app.workspace.openFile(fileAt(app, "N.md"));
    const transport = new RequestRecorder();
    const held = transport.holdUpload(a);
    const plugin = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
    registerUploadAll(plugin as unknown as ObsidianPlugin, deps(app, transport));
    const command = plugin.commands.find((c) => c.id === "s3-image-hosting:upload-all-local-images");
    const summaries = (): string[] => Notice.messages.filter((m) => m.startsWith("Upload all local images"));
    const until = async (check: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(check()).toBe(true);
    };

    command?.editorCheckCallback?.(false, view.editor, view);
    await held.reached;
    command?.editorCheckCallback?.(false, view.editor, view);
    expect(Notice.messages).toContain("Local images are already being uploaded; wait for that run to finish.");
    held.release();
    await until(() => summaries().length === 1);
    expect(summaries()[0]).toBe("Upload all local images (N.md): 1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 0 failed.");

    command?.editorCheckCallback?.(false, view.editor, view);
    await until(() => summaries().length === 2);
    expect(summaries()[1]).toBe("Upload all local images: no local images in N.md.");
    await expectServes(imageUrls(view.editor.getValue())[0], a);
    expectPlainWords(Notice.messages);
  });
});

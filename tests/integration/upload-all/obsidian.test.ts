/**
 * "Upload all local images" inside (a faithful fake of) Obsidian, uploading for real to the
 * S3 test server through the requestUrl transport: the note open in an editor is rewritten in
 * place while the person types, an edit at a link's place is never overwritten, the notices
 * count and explain, and the optional trash step keeps every file something still links to.
 */
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, Plugin as ObsidianPlugin, TFile as ObsidianTFile } from "obsidian";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { uploadAllLocalImages, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { registerUploadAll } from "../../../src/obsidian/uploadAllCommand";
import { createFakeApp, Menu, Notice, Plugin, type App, type MarkdownView, type TFile } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { refreshResolvedLinks } from "../../fakes/uploadAllFakes";
import { anonymousGet, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { UNICODE_FORM_CASES, unicodeFormVault } from "../../support/badInput";
import { vaultIn, sdkUploaders } from "../../support/uploadAllRig";
import { RequestRecorder } from "../../support/requestRecorder";

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-uploadall-"));
  bucket = await createTestBucket("uploadall");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

const vaultWith = (files: Record<string, string | Uint8Array>): App => vaultIn(work, files);

/** Settings whose active profile is the test bucket, with its keys in the vault's secret storage. */
function deps(app: App, transport: RequestRecorder, settings: Partial<PluginSettings> = {}): UploadAllDeps {
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, acl: "public-read" });
  const current = { ...readySettings(profile), concurrency: 4, ...settings };
  const index = new MemoryUploadIndex();
  return {
    settings: () => current,
    getUploader: sdkUploaders(transport, index),
  };
}

const URL_LINK = /!\[[^\]]*\]\((http[^)\s]+)\)/g;

class TestPlugin extends Plugin {}

const asApp = (app: App): ObsidianApp => app as unknown as ObsidianApp;
const asFile = (file: TFile | null): ObsidianTFile => {
  if (!file) throw new Error("no such file");
  return file as unknown as ObsidianTFile;
};

function plugin(app: App): TestPlugin {
  return new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("upload all local images in Obsidian", () => {
  it("rewrites the note open in the editor in place, and the text typed meanwhile survives", async () => {
    const [a, b] = [uniquePng(), uniquePng()];
    const app = vaultWith({ "Trip.md": "# Trip\n\n![[a.png]]\n\nSome words.\n\n![Bee](pics/b.png)\n", "a.png": a, "pics/b.png": b });
    const view: MarkdownView = await app.workspace.openFile(app.vault.getFileByPath("Trip.md") as TFile);
    const transport = new RequestRecorder();
    const held = transport.holdUpload(b);
    const run = uploadAllLocalImages(asApp(app), [asFile(view.file)], deps(app, transport));

    await held.reached;
    // The person types at the end of the first line and at the end of the note, unsaved.
    view.editor.replaceRange(" in May", { line: 0, ch: 6 });
    view.editor.replaceRange("Typed while uploading.\n", view.editor.offsetToPos(view.editor.getValue().length));
    view.editor.setCursor({ line: 4, ch: 4 });
    held.release();
    const { report } = await run;

    expect(report).toMatchObject({ uploaded: 2, rewritten: 2, skipped: 0, failed: 0 });
    const text = view.editor.getValue();
    expect(text).toMatch(/^# Trip in May\n\n!\[a\]\(http[^)]+\)\n\nSome words\.\n\n!\[Bee\]\(http[^)]+\)\nTyped while uploading\.\n$/);
    // The cursor stayed in "Some words." although text before it changed length.
    expect(view.editor.getCursor()).toEqual({ line: 4, ch: 4 });
    const urls = [...text.matchAll(URL_LINK)].map((m) => m[1]);
    for (const [url, bytes] of [
      [urls[0], a],
      [urls[1], b],
    ] as const) {
      const res = await anonymousGet(url);
      expect({ status: res.status, type: res.headers["content-type"], same: res.body.equals(Buffer.from(bytes)) }).toEqual({
        status: 200,
        type: "image/png",
        same: true,
      });
    }
    await view.save();
    expect(await app.vault.read(view.file as TFile)).toBe(text);
  });

  it("rewrites a note that is not open through vault.process, keeping an edit made to the file meanwhile", async () => {
    const [a, b] = [uniquePng(), uniquePng()];
    const app = vaultWith({ "N.md": "top\n![[a.png]]\nmiddle\n![[b.png]]\n", "a.png": a, "b.png": b });
    const file = app.vault.getFileByPath("N.md") as TFile;
    const transport = new RequestRecorder();
    const held = transport.holdUpload(a);
    const run = uploadAllLocalImages(asApp(app), [asFile(file)], deps(app, transport));
    await held.reached;
    await app.vault.process(file, (t) => t.replace("middle", "middle, edited elsewhere"));
    held.release();
    const { report } = await run;
    expect(report).toMatchObject({ rewritten: 2, skipped: 0 });
    expect(await app.vault.read(file)).toMatch(/^top\n!\[a\]\(http[^)]+\)\nmiddle, edited elsewhere\n!\[b\]\(http[^)]+\)\n$/);
  });

  it("skips and reports a link the person changed while its image was uploading, and never overwrites it", async () => {
    const [a, b] = [uniquePng(), uniquePng()];
    const app = vaultWith({ "N.md": "![[a.png]]\n\n![[b.png]]\n", "a.png": a, "b.png": b });
    const view = await app.workspace.openFile(app.vault.getFileByPath("N.md") as TFile);
    const transport = new RequestRecorder();
    const held = transport.holdUpload(b);
    const p = plugin(app);
    registerUploadAll(p as unknown as ObsidianPlugin, deps(app, transport));
    const command = p.commands.find((c) => c.name === "S3 Image Hosting: Upload all local images");
    expect(command?.editorCheckCallback?.(false, view.editor, view)).toBe(true);

    await held.reached;
    const at = view.editor.getValue().indexOf("![[b.png]]");
    view.editor.replaceRange("![[b.png|200]]", view.editor.offsetToPos(at), view.editor.offsetToPos(at + "![[b.png]]".length));
    held.release();

    await until(() => Notice.messages.some((m) => m.startsWith("Upload all local images (N.md)")), "the summary notice");
    expect(view.editor.getValue()).toMatch(/^!\[a\]\(http[^)]+\)\n\n!\[\[b\.png\|200\]\]\n$/);
    const summary = Notice.messages.find((m) => m.startsWith("Upload all local images (N.md)")) as string;
    expect(summary).toContain("2 uploaded, 0 already in the bucket; 1 link rewritten, 1 skipped, 0 failed.");
    expect(summary).toContain("Not rewritten because the note changed there meanwhile:\n• N.md: ![[b.png]]");
    expect(Notice.messages).toContain("Uploading 0 of 2…");
    expect(Notice.messages).toContain("Uploading 2 of 2…");
    // A summary that lists problems stays until the person dismisses it.
    expect(Notice.shown.find((n) => n.message === summary)?.duration).toBe(0);
  });

  it("offers the command only for a markdown note, and names each failure in the summary", async () => {
    const app = vaultWith({ "N.md": "![[here.png]] ![[gone.png]]", "here.png": uniquePng(), "Board.canvas": "{}" });
    const p = plugin(app);
    registerUploadAll(p as unknown as ObsidianPlugin, deps(app, new RequestRecorder()));
    const command = p.commands.find((c) => c.id === "s3-image-hosting:upload-all-local-images");
    const canvas = app.vault.getFileByPath("Board.canvas");
    expect(command?.editorCheckCallback?.(true, null, { file: canvas })).toBe(false);
    expect(command?.editorCheckCallback?.(true, null, { file: null })).toBe(false);
    const view = await app.workspace.openFile(app.vault.getFileByPath("N.md") as TFile);
    expect(command?.editorCheckCallback?.(true, view.editor, view)).toBe(true);
    expect(Notice.messages).toEqual([]);

    command?.editorCheckCallback?.(false, view.editor, view);
    await until(() => Notice.messages.some((m) => m.includes("failed.")), "the summary notice");
    const summary = Notice.messages.find((m) => m.includes("failed.")) as string;
    expect(summary).toContain("1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 1 failed.");
    expect(summary).toContain('Failed:\n• N.md: ![[gone.png]] — The image "gone.png" linked in "N.md" is not in the vault');
    expect(view.editor.getValue()).toMatch(/^!\[here\]\(http[^)]+\) !\[\[gone\.png\]\]$/);
  });

  it("adds a file-menu item for a note and for a folder (all its notes), none for other files", async () => {
    const app = vaultWith({ "Blog/One.md": "![[x.png]]", "Blog/Sub/Two.md": "![](../x.png)", "Else.md": "![[x.png]]", "Blog/x.png": uniquePng() });
    const p = plugin(app);
    registerUploadAll(p as unknown as ObsidianPlugin, deps(app, new RequestRecorder()));
    const menuFor = (filePath: string): Menu => {
      const menu = new Menu();
      app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(filePath), "file-explorer");
      return menu;
    };
    expect(menuFor("Blog/x.png").items).toHaveLength(0);
    expect(menuFor("Else.md").items.map((i) => i.title)).toEqual(["Upload all local images"]);
    const folderItem = menuFor("Blog").items[0];
    expect(folderItem.title).toBe("Upload all local images in this folder");

    folderItem.callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Upload all local images (2 notes)")), "the summary notice");
    expect(await app.vault.read(app.vault.getFileByPath("Blog/One.md") as TFile)).toMatch(/^!\[x\]\(http/);
    expect(await app.vault.read(app.vault.getFileByPath("Blog/Sub/Two.md") as TFile)).toMatch(/^!\[x\]\(http/);
    expect(await app.vault.read(app.vault.getFileByPath("Else.md") as TFile)).toBe("![[x.png]]");
  });

  it("with trash after upload, trashes only the files nothing links to any more", async () => {
    const app = vaultWith({
      "N.md": "![[only.png]] ![[shared.png]] ![[mentioned.png]] see [[mentioned.png]]",
      "Other.md": "![[shared.png]]",
      "only.png": uniquePng(),
      "shared.png": uniquePng(),
      "mentioned.png": uniquePng(),
    });
    await refreshResolvedLinks(app);
    const file = app.vault.getFileByPath("N.md") as TFile;
    const { report, trashed } = await uploadAllLocalImages(asApp(app), [asFile(file)], deps(app, new RequestRecorder(), { trashAfterUpload: true }));
    expect(report).toMatchObject({ uploaded: 3, rewritten: 3 });
    expect(trashed).toEqual(["only.png"]);
    const dir = (app.vault as unknown as { baseDir: string }).baseDir;
    expect(existsSync(path.join(dir, ".trash", "only.png"))).toBe(true);
    expect(app.vault.getFileByPath("only.png")).toBeNull();
    expect(app.vault.getFileByPath("shared.png")).not.toBeNull();
    expect(app.vault.getFileByPath("mentioned.png")).not.toBeNull();
  });

  it("keeps every local file when trash after upload is off", async () => {
    const app = vaultWith({ "N.md": "![[only.png]]", "only.png": uniquePng() });
    await refreshResolvedLinks(app);
    const { report, trashed } = await uploadAllLocalImages(asApp(app), [asFile(app.vault.getFileByPath("N.md"))], deps(app, new RequestRecorder()));
    expect(report.rewritten).toBe(1);
    expect(trashed).toEqual([]);
    expect(app.vault.getFileByPath("only.png")).not.toBeNull();
  });

  it("explains in a notice what to set when the bucket is not set up, and changes nothing", async () => {
    const app = vaultWith({ "N.md": "![[a.png]]", "a.png": uniquePng() });
    const p = plugin(app);
    const ready = deps(app, new RequestRecorder());
    app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, "");
    registerUploadAll(p as unknown as ObsidianPlugin, ready);
    const view = await app.workspace.openFile(app.vault.getFileByPath("N.md") as TFile);
    p.commands[0].editorCheckCallback?.(false, view.editor, view);
    await until(() => Notice.messages.some((m) => m.includes("cannot upload yet")), "the error notice");
    expect(Notice.messages.find((m) => m.includes("cannot upload yet"))).toMatch(/^Upload all local images: cannot upload yet: .*access key/i);
    expect(view.editor.getValue()).toBe("![[a.png]]");
  });
});

describe("what upload all reads in Obsidian", () => {
  it("refuses an image over the size limit by the vault's recorded size, naming the setting, without reading it", async () => {
    const dir = mkdtempSync(path.join(work, "vault-"));
    writeFileSync(path.join(dir, "N.md"), "![[huge.png]] ![[ok.png]]\n");
    writeFileSync(path.join(dir, "ok.png"), uniquePng());
    // A PNG header stretched to 5 GiB by a sparse tail: the size is real, the disk holds nearly nothing.
    writeFileSync(path.join(dir, "huge.png"), uniquePng());
    truncateSync(path.join(dir, "huge.png"), 5 * 1024 ** 3);
    const app = createFakeApp(dir);
    const vault = app.vault;
    expect(vault.getFileByPath("huge.png")?.stat.size).toBe(5 * 1024 ** 3);
    const reads = jest.spyOn(vault, "readBinary");

    const { report } = await uploadAllLocalImages(asApp(app), [asFile(vault.getFileByPath("N.md"))], deps(app, new RequestRecorder(), { maxFileSizeMB: 20 }));

    expect(report.failures).toEqual([
      {
        note: "N.md",
        link: "![[huge.png]]",
        code: "TooLarge",
        message: 'huge.png: "huge.png" is 5120 MB, larger than the 20 MB limit. Raise "Largest upload (MB)" in the settings, or make the image smaller.',
      },
    ]);
    expect(reads.mock.calls.map(([f]) => f.path)).toEqual(["ok.png"]);
    expect(report).toMatchObject({ uploaded: 1, rewritten: 1, failed: 1 });
    expect(await vault.read(vault.getFileByPath("N.md") as TFile)).toMatch(/^!\[\[huge\.png\]\] !\[ok\]\(http[^)]+\)\n$/);
  });

  it.each(UNICODE_FORM_CASES)("uploads %s and rewrites only the link, keeping every other byte of the note", async (_, fileForm, linkForm) => {
    const [photo, menu] = [uniquePng(), uniquePng()];
    const app = vaultWith(unicodeFormVault(fileForm, linkForm, photo, menu).files);

    const { report } = await uploadAllLocalImages(asApp(app), [asFile(app.vault.getFileByPath("N.md"))], deps(app, new RequestRecorder()));

    expect(report).toMatchObject({ uploaded: 2, rewritten: 2, failed: 0, failures: [] });
    const after = await app.vault.read(app.vault.getFileByPath("N.md") as TFile);
    const urls = [...after.matchAll(URL_LINK)].map((m) => m[1]);
    expect(after).toBe(`# ${linkForm} au lait\n\n![${linkForm}|300](${urls[0]})\n![${linkForm}](${urls[1]})\n`);
    for (const [url, bytes] of [
      [urls[0], photo],
      [urls[1], menu],
    ] as const) {
      const res = await anonymousGet(url);
      expect({ status: res.status, same: res.body.equals(Buffer.from(bytes)) }).toEqual({ status: 200, same: true });
    }
  });

  it("reports a link that matches two look-alike names only once normalized, and uploads neither", async () => {
    const composed = "R\u00e9sum\u00e9";
    const decomposed = "Re\u0301sume\u0301";
    const mixed = "R\u00e9sume\u0301";
    const note = `![[${mixed}.png]]\n`;
    const app = vaultWith({ "N.md": note, [`${composed}.png`]: uniquePng(), [`${decomposed}.png`]: uniquePng() });

    const { report } = await uploadAllLocalImages(asApp(app), [asFile(app.vault.getFileByPath("N.md"))], deps(app, new RequestRecorder()));

    expect(report).toMatchObject({ uploaded: 0, rewritten: 0, failed: 1 });
    expect(report.failures).toEqual([
      {
        note: "N.md",
        link: `![[${mixed}.png]]`,
        code: "AmbiguousLink",
        message:
          `The image "${mixed}.png" linked in "N.md" matches 2 files whose names look the same but spell their accented letters differently: ` +
          `"${decomposed}.png" (decomposed letters, as macOS writes them) and "${composed}.png" (composed letters); the link was left as it was. ` +
          "Rename or remove all but one of them, then run again.",
      },
    ]);
    expect(await app.vault.read(app.vault.getFileByPath("N.md") as TFile)).toBe(note);
  });
});

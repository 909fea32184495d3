/**
 * Paste and drop handling with the fake editor and vault. The uploader here is an in-test
 * one whose uploads the test settles by hand; real uploads are in tests/integration/paste/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { App as ObsidianApp } from "obsidian";
import { UploadError } from "../../../src/core/errors";
import type { ImageUploader } from "../../../src/core/ports";
import type { Asset, StoredAsset } from "../../../src/core/types";
import { PasteDropHandler, type PasteDropDeps } from "../../../src/obsidian/pasteDrop";
import { dropEvent, fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { pasteVault, placeholdersIn, SECRET_NAMES, type PasteVault } from "../../support/pasteVault";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

interface Call {
  asset: Asset;
  resolve(url: string): void;
  reject(e: unknown): void;
}

/** An uploader whose uploads wait until the test settles them. */
function manualUploader(): { uploader: ImageUploader; calls: Call[]; started: Promise<void> } {
  const calls: Call[] = [];
  let announce: () => void = () => undefined;
  const started = new Promise<void>((r) => (announce = r));
  const uploader: ImageUploader = {
    upload: (asset) =>
      new Promise<StoredAsset>((resolve, reject) => {
        calls.push({
          asset,
          resolve: (url) => resolve({ key: url.split("/").pop()!, url, reused: false, sha256: "0".repeat(64) }),
          reject,
        });
        announce();
      }),
  };
  return { uploader, calls, started };
}

let v: PasteVault;
let up: ReturnType<typeof manualUploader>;
let handler: PasteDropHandler;
let notices: string[];

function makeHandler(extra: Partial<PasteDropDeps> = {}): PasteDropHandler {
  const h = new PasteDropHandler({
    app: v.app as unknown as ObsidianApp,
    settings: () => v.settings,
    getUploader: async () => up.uploader,
    notify: (m) => notices.push(m),
    now: () => new Date(2026, 10, 22, 18, 30, 0),
    ...extra,
  });
  return h;
}

beforeEach(async () => {
  v = await pasteVault({ text: "Intro\n" });
  v.view.editor.setCursor({ line: 1, ch: 0 });
  up = manualUploader();
  notices = [];
  Notice.reset();
  handler = makeHandler();
  v.app.workspace.on("editor-paste", handler.onPaste);
  v.app.workspace.on("editor-drop", handler.onDrop);
});
afterEach(() => v.cleanup());

describe("what the handler leaves to Obsidian", () => {
  test("a plain-text paste: no preventDefault, and Obsidian pastes the text unchanged", async () => {
    const evt = pasteEvent({ text: "hello ![x](y)" });
    expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("default");
    expect(evt.defaultPrevented).toBe(false);
    expect(v.view.editor.getValue()).toBe("Intro\nhello ![x](y)");
    expect(up.calls).toHaveLength(0);
    expect(notices).toEqual([]);
  });

  test("an event another handler already took is not touched", async () => {
    const evt = pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] });
    evt.preventDefault();
    handler.onPaste(evt, v.view.editor as never, v.view as never);
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Intro\n");
    expect(up.calls).toHaveLength(0);
  });

  test("a pasted PDF is saved by Obsidian as before", async () => {
    const evt = pasteEvent({ files: [fileOf("%PDF-1.7", "paper.pdf", "application/pdf")] });
    expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("default");
    expect(v.view.editor.getValue()).toBe("Intro\n![[paper.pdf]]");
    expect(up.calls).toHaveLength(0);
  });

  test("a drop of an image together with a PDF is left to Obsidian as a whole", async () => {
    const evt = dropEvent({ files: [fileOf(PNG, "a.png", "image/png"), fileOf("%PDF", "b.pdf", "application/pdf")] });
    expect(await dispatchEditorInput(v.app, "drop", evt, v.view)).toBe("default");
    expect(v.view.editor.getValue()).toBe("Intro\n![[a.png]]\n![[b.pdf]]");
    expect(up.calls).toHaveLength(0);
  });

  test("images, when upload on paste is turned off, silently", async () => {
    v.settings.uploadOnPaste = false;
    const evt = pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] });
    expect(await dispatchEditorInput(v.app, "paste", evt, v.view, new Date(2026, 10, 22, 18, 30, 0))).toBe("default");
    expect(v.view.editor.getValue()).toBe("Intro\n![[Pasted image 20261122183000.png]]");
    expect(notices).toEqual([]);
  });

  test("images, when no bucket is set up: Obsidian saves them, and one notice per session says what to set", async () => {
    const p = v.settings.profiles[0];
    Object.assign(p, { endpoint: "", bucket: "", accessKeyIdSecret: "", secretAccessKeySecret: "" });
    for (const name of ["a.png", "b.png"]) {
      const evt = pasteEvent({ files: [fileOf(PNG, name, "image/png")] });
      expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("default");
    }
    expect(v.view.editor.getValue()).toBe("Intro\n![[a.png]]![[b.png]]");
    expect(fs.existsSync(path.join(v.dir, "a.png"))).toBe(true);
    expect(notices).toEqual([expect.stringMatching(/^Set up a bucket in S3 Image Hosting settings/)]);
  });

  test("images, when a secret the profile names is missing on this device: the notice names it", async () => {
    v.settings.profiles[0].secretAccessKeySecret = "not-stored-here";
    const evt = pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] });
    expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("default");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('The secret "not-stored-here" for the secret access key is not in this device\'s secret storage');
    expect(notices[0]).toContain("saved in your vault as usual");
    expect(placeholdersIn(v.view.editor.getValue())).toEqual([]);
  });
});

describe("taking over an image paste or drop", () => {
  test("calls preventDefault during the event and puts one placeholder per image at the cursor", async () => {
    const evt = dropEvent({ files: [fileOf(PNG, "one.png", "image/png"), fileOf(PNG, "two.jpg", "")] });
    expect(await dispatchEditorInput(v.app, "drop", evt, v.view)).toBe("handled-by-plugin");
    const text = v.view.editor.getValue();
    const placeholders = placeholdersIn(text);
    expect(placeholders).toHaveLength(2);
    expect(text).toBe(`Intro\n${placeholders[0]}\n${placeholders[1]}`);
    expect(placeholders[0]).toMatch(/^!\[Uploading one…\]/);
    expect(new Set(placeholders).size).toBe(2);
    await up.started;
    expect(up.calls.map((c) => [c.asset.name, c.asset.notePath])).toEqual([
      ["one.png", "Blog/Post.md"],
      ["two.jpg", "Blog/Post.md"],
    ]);
    expect([...up.calls[0].asset.bytes]).toEqual([...PNG]);
  });

  test("a clipboard image named image.png uploads as Obsidian would name it", async () => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] }), v.view);
    await up.started;
    expect(up.calls[0].asset.name).toBe("Pasted image 20261122183000.png");
    expect(up.calls[0].asset.reportedType).toBe("image/png");
  });

  test("the link replaces the placeholder where it is when the upload finishes", async () => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "shot.png", "image/png")] }), v.view);
    await up.started;
    v.view.editor.replaceRange("Typed meanwhile\n", { line: 0, ch: 0 });
    up.calls[0].resolve("https://cdn.example.com/img/abc.png");
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Typed meanwhile\nIntro\n![shot](https://cdn.example.com/img/abc.png)");
  });

  test("images dropped together land together, in one edit, once the last of them has finished", async () => {
    const evt = dropEvent({ files: [fileOf(PNG, "one.png", "image/png"), fileOf(PNG, "two.png", "image/png")] });
    await dispatchEditorInput(v.app, "drop", evt, v.view);
    const edits: string[] = [];
    v.view.editor.onChange((e) => edits.push(e.getValue()));
    while (up.calls.length < 2) await new Promise((r) => setTimeout(r, 0));
    up.calls[0].resolve("https://cdn.example.com/one.png");
    await new Promise((r) => setTimeout(r, 10));
    expect(placeholdersIn(v.view.editor.getValue())).toHaveLength(2);
    up.calls[1].resolve("https://cdn.example.com/two.png");
    await handler.idle();
    expect(edits).toEqual(["Intro\n![one](https://cdn.example.com/one.png)\n![two](https://cdn.example.com/two.png)"]);
  });

  test("while an editor shows the note its text decides: a placeholder deleted there is gone, even if the file still has it", async () => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
    await v.view.save();
    const [placeholder] = placeholdersIn(v.view.editor.getValue());
    v.view.editor.setValue("Intro\n");
    await up.started;
    up.calls[0].resolve("https://cdn.example.com/a.png");
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Intro\n");
    expect(fs.readFileSync(path.join(v.dir, "Blog/Post.md"), "utf8")).toBe(`Intro\n${placeholder}`);
  });

  test("the link reaches the note in another pane after the pane that received the paste moved on", async () => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
    const other = await v.app.vault.create("Other.md", "other");
    await v.view.leaf.openFile(other);
    const second = await v.app.workspace.openFile(v.note, true);
    expect(placeholdersIn(second.editor.getValue())).toHaveLength(1);
    await up.started;
    up.calls[0].resolve("https://cdn.example.com/a.png");
    await handler.idle();
    expect(second.editor.getValue()).toBe("Intro\n![a](https://cdn.example.com/a.png)");
    expect(v.view.editor.getValue()).toBe("other");
  });

  test("a failed upload becomes a local attachment at the placeholder, with the reason in a notice", async () => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] }), v.view);
    await up.started;
    up.calls[0].reject(new UploadError("NoSuchBucket", 'The bucket "images" does not exist.', "Check the bucket name."));
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Intro\n![[Pasted image 20261122183000.png]]");
    expect([...fs.readFileSync(path.join(v.dir, "Pasted image 20261122183000.png"))]).toEqual([...PNG]);
    expect(notices).toEqual([
      'The bucket "images" does not exist. Check the bucket name. The image was saved in your vault as Pasted image 20261122183000.png.',
    ]);
  });

  test.each([
    ["wikilinks", {}, "![[Pasted image 20261122183000.png]]"],
    ["markdown links", { useMarkdownLinks: true }, "![](Pasted%20image%2020261122183000.png)"],
    [
      "markdown links, relative paths, attachments in a subfolder",
      { useMarkdownLinks: true, newLinkFormat: "relative" as const, attachmentFolderPath: "./assets" },
      "![](assets/Pasted%20image%2020261122183000.png)",
    ],
    ["wikilinks, absolute paths", { newLinkFormat: "absolute" as const, attachmentFolderPath: "Files" }, "![[Files/Pasted image 20261122183000.png]]"],
  ])("a failed upload leaves exactly one embed in the note with %s", async (_style, fileManager, embed) => {
    v.cleanup();
    v = await pasteVault({ text: "Intro\n", fileManager });
    v.view.editor.setCursor({ line: 1, ch: 0 });
    handler = makeHandler();
    v.app.workspace.on("editor-paste", handler.onPaste);
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] }), v.view);
    await up.started;
    up.calls[0].reject(new UploadError("NoSuchBucket", 'The bucket "images" does not exist.'));
    await handler.idle();
    expect(v.view.editor.getValue()).toBe(`Intro\n${embed}`);
    expect(v.view.editor.getValue()).not.toContain("!!");
  });

  test("a note renamed and closed during the upload gets the embed, and the attachment goes beside its new path", async () => {
    v.cleanup();
    v = await pasteVault({ text: "Intro\n", fileManager: { attachmentFolderPath: "./" } });
    v.view.editor.setCursor({ line: 1, ch: 0 });
    handler = makeHandler();
    v.app.workspace.on("editor-paste", handler.onPaste);
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "image.png", "image/png")] }), v.view);
    await up.started;
    await v.app.vault.createFolder("Archive");
    await v.app.fileManager.renameFile(v.note, "Archive/Old post.md");
    v.view.leaf.detach();
    await new Promise((r) => setImmediate(r));
    up.calls[0].reject(new UploadError("NoSuchBucket", 'The bucket "images" does not exist.'));
    await handler.idle();
    expect(fs.readFileSync(path.join(v.dir, "Archive/Old post.md"), "utf8")).toBe("Intro\n![[Pasted image 20261122183000.png]]");
    expect([...fs.readFileSync(path.join(v.dir, "Archive/Pasted image 20261122183000.png"))]).toEqual([...PNG]);
  });

  test("a notice about an unexpected error never shows the credentials", async () => {
    await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(PNG, "a.png", "image/png")] }), v.view);
    await up.started;
    const secret = v.app.secretStorage.getSecret(SECRET_NAMES.secretAccessKey)!;
    const keyId = v.app.secretStorage.getSecret(SECRET_NAMES.accessKeyId)!;
    up.calls[0].reject(new Error(`signing with ${keyId}:${secret} failed`));
    await handler.idle();
    expect(notices).toHaveLength(1);
    expect(notices[0]).not.toContain(secret);
    expect(notices[0]).not.toContain(keyId);
    expect(notices[0]).toBe("Uploading a.png failed: signing with [redacted]:[redacted] failed The image was saved in your vault as a.png.");
  });

  test("an uploader that cannot be created sends every image to the vault instead", async () => {
    handler = makeHandler({ getUploader: () => Promise.reject(new UploadError("InvalidSettings", "The endpoint is not a valid URL.")) });
    const evt = dropEvent({ files: [fileOf(PNG, "x.png", "image/png")] });
    handler.onDrop(evt, v.view.editor as never, v.view as never);
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Intro\n![[x.png]]");
    expect(notices[0]).toBe("The endpoint is not a valid URL. The image was saved in your vault as x.png.");
  });
});

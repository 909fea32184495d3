/**
 * Paste while the person keeps working, end to end against the real S3 server: the upload is
 * held in flight while the test undoes, redoes, closes the note or switches notes back and
 * forth. Undo and redo are CodeMirror's, as the Undo and Redo keys run them; what they do after
 * the upload ended is in paste-undo.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice, type MarkdownView } from "../../fakes/obsidian";
import { placeholdersIn, type PasteVault } from "../../support/pasteVault";
import { expectPlainWords, expectServes, oneImageIn } from "../../support/badInput";
import { uniquePng, useTestBucket } from "../../support/s3";
import { startPasteRig } from "../../support/pasteRig";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let bucket: string;
useTestBucket("t-concurrent-paste", (name) => (bucket = name));

let v: PasteVault;
let net: RequestRecorder;
let handler: PasteDropHandler;

async function setUp(opts: { bucket?: string } = {}): Promise<void> {
  ({ v, net, handler } = await startPasteRig(opts.bucket ?? bucket));
}
afterEach(() => v.cleanup());

/** Pastes `bytes` into `view` and waits until its upload is held in flight. */
async function pasteHeld(bytes: Uint8Array, view: MarkdownView = v.view, name = "shot.png", held = 1): Promise<void> {
  net.hold();
  const evt = pasteEvent({ files: [fileOf(bytes, name, "image/png")] });
  expect(await dispatchEditorInput(v.app, "paste", evt, view)).toBe("handled-by-plugin");
  await net.waitForHeld(held);
}

const noteOnDisk = (rel = "Blog/Post.md"): string => fs.readFileSync(path.join(v.dir, rel), "utf8");
const vaultImages = (): string[] =>
  fs
    .readdirSync(v.dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".png"));

describe("undo while an image uploads", () => {
  test("undoing the paste removes the placeholder; the finished upload puts nothing back and says where the image went", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld(png);
    expect(placeholdersIn(v.view.editor.getValue())).toHaveLength(1);
    v.view.editor.undo();
    net.releaseAll();
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Intro\n");
    expect(net.count("PUT")).toBe(1);
    expect(vaultImages()).toEqual([]);
    expect(Notice.messages).toHaveLength(1);
    const m = /^shot\.png was uploaded to (\S+), but its placeholder is no longer in the note, so no link was inserted\.$/.exec(Notice.messages[0]);
    expect(m).not.toBeNull();
    await expectServes((m as RegExpExecArray)[1], png);
    expectPlainWords(Notice.messages);
  });

  test("undo then redo of the paste: the link lands where the placeholder came back", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld(png);
    const pasted = v.view.editor.getValue();
    v.view.editor.undo();
    expect(v.view.editor.getValue()).toBe("Intro\n");
    v.view.editor.redo();
    expect(v.view.editor.getValue()).toBe(pasted);
    net.releaseAll();
    await handler.idle();
    const text = v.view.editor.getValue();
    expect(text.startsWith("Intro\n")).toBe(true);
    await expectServes(oneImageIn(text.slice("Intro\n".length)).url, png);
  });

  test("undoing text typed during the upload keeps the placeholder, and the link replaces it", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld(png);
    const editor = v.view.editor;
    const pasted = editor.getValue();
    editor.replaceRange("Typed, then undone\n", { line: 0, ch: 0 });
    editor.replaceSelection(" and more");
    editor.undo();
    editor.undo();
    expect(editor.getValue()).toBe(pasted);
    net.releaseAll();
    await handler.idle();
    const text = editor.getValue();
    expect(placeholdersIn(text)).toEqual([]);
    expect(text.startsWith("Intro\n")).toBe(true);
    await expectServes(oneImageIn(text.slice("Intro\n".length)).url, png);
  });

  test("undoing the paste when the upload failed saves no attachment, and the notice says the image was not kept", async () => {
    await setUp({ bucket: `${bucket}-missing` });
    await pasteHeld(uniquePng());
    v.view.editor.undo();
    net.releaseAll();
    await handler.idle();
    expect(v.view.editor.getValue()).toBe("Intro\n");
    expect(vaultImages()).toEqual([]);
    expect(Notice.messages).toHaveLength(1);
    expect(Notice.messages[0]).toContain("does not exist");
    expect(Notice.messages[0]).toMatch(/The image shot\.png was not saved, because its placeholder was removed from the note\.$/);
    expectPlainWords(Notice.messages);
  });
});

describe("closing the note while an image uploads", () => {
  test("the note is saved as typed on close, and the link is written into the file with vault.process", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld(png);
    v.view.editor.replaceRange("Typed before closing\n", { line: 0, ch: 0 });
    const processed: string[] = [];
    const process = v.app.vault.process.bind(v.app.vault);
    v.app.vault.process = async (file, fn) => {
      processed.push(file.path);
      return process(file, fn);
    };
    v.view.leaf.detach();
    await new Promise((r) => setTimeout(r, 0));
    expect(v.app.workspace.getLeavesOfType("markdown")).toEqual([]);
    expect(placeholdersIn(noteOnDisk())).toHaveLength(1);

    net.releaseAll();
    await handler.idle();
    expect(processed).toEqual(["Blog/Post.md"]);
    const text = noteOnDisk();
    expect(text.startsWith("Typed before closing\nIntro\n")).toBe(true);
    await expectServes(oneImageIn(text.slice("Typed before closing\nIntro\n".length)).url, png);
    expect(Notice.messages).toEqual([]);
  });

  test("when the upload fails after the note was closed, the image is saved in the vault and embedded in the file", async () => {
    await setUp({ bucket: `${bucket}-missing` });
    const png = uniquePng();
    await pasteHeld(png);
    v.view.leaf.detach();
    await new Promise((r) => setTimeout(r, 0));
    net.releaseAll();
    await handler.idle();
    expect(noteOnDisk()).toBe("Intro\n![[shot.png]]");
    expect(Buffer.compare(fs.readFileSync(path.join(v.dir, "shot.png")), Buffer.from(png))).toBe(0);
    expect(Notice.messages).toEqual([expect.stringMatching(/does not exist.*The image was saved in your vault as shot\.png\.$/)]);
    expectPlainWords(Notice.messages);
  });
});

describe("switching notes while images upload", () => {
  test("switching away and back: the link lands in the editor showing the note again, after what was typed meanwhile", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld(png);
    const other = await v.app.vault.create("Other.md", "other note");
    await v.view.leaf.openFile(other);
    v.view.editor.replaceRange("typed in the other note\n", { line: 0, ch: 0 });
    await v.view.leaf.openFile(v.note);
    v.view.editor.replaceRange("# Back\n", { line: 0, ch: 0 });

    net.releaseAll();
    await handler.idle();
    const text = v.view.editor.getValue();
    expect(text.startsWith("# Back\nIntro\n")).toBe(true);
    await expectServes(oneImageIn(text.slice("# Back\nIntro\n".length)).url, png);
    expect(noteOnDisk("Other.md")).toBe("typed in the other note\nother note");
    await v.view.save();
    expect(noteOnDisk()).toBe(text);
  });

  test("a paste in each of two notes, switching back and forth: each link lands in its own note", async () => {
    await setUp();
    const [first, second] = [uniquePng(), uniquePng()];
    await pasteHeld(first, v.view, "first.png", 1);
    const other = await v.app.vault.create("Other.md", "Other\n");
    await v.view.leaf.openFile(other);
    v.view.editor.setCursor({ line: 1, ch: 0 });
    await pasteHeld(second, v.view, "second.png", 2);
    await v.view.leaf.openFile(v.note);
    await v.view.leaf.openFile(other);
    await v.view.leaf.openFile(v.note);

    net.releaseAll();
    await handler.idle();
    // Post is in the editor now; Other is only on disk.
    const post = v.view.editor.getValue();
    const otherText = noteOnDisk("Other.md");
    expect(oneImageIn(post.slice("Intro\n".length)).embed.alt).toBe("first");
    expect(oneImageIn(otherText.slice("Other\n".length)).embed.alt).toBe("second");
    await expectServes(oneImageIn(post.slice("Intro\n".length)).url, first);
    await expectServes(oneImageIn(otherText.slice("Other\n".length)).url, second);
    expect(Notice.messages).toEqual([]);
  });
});

/**
 * The fake Obsidian API behaves like Obsidian where the plugin depends on it; if these fail,
 * tests built on the fake prove nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Transaction, type Extension } from "@codemirror/state";
import { EditorView, type ViewUpdate } from "@codemirror/view";
import { attachOnDevice, createFakeApp, debounce, Editor, MarkdownView, normalizePath, Plugin, TFile } from "../../fakes/obsidian";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-fake-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the fake editor", () => {
  test("converts between offsets and positions like CodeMirror, clipping out-of-range values", () => {
    const e = new Editor("ab\ncde\n\nf");
    expect(e.offsetToPos(0)).toEqual({ line: 0, ch: 0 });
    expect(e.offsetToPos(3)).toEqual({ line: 1, ch: 0 });
    expect(e.offsetToPos(7)).toEqual({ line: 2, ch: 0 });
    expect(e.offsetToPos(99)).toEqual({ line: 3, ch: 1 });
    expect(e.posToOffset({ line: 1, ch: 2 })).toBe(5);
    expect(e.posToOffset({ line: 1, ch: 50 })).toBe(6);
    expect(e.lineCount()).toBe(4);
    expect(e.lastLine()).toBe(3);
    expect(e.getLine(1)).toBe("cde");
    expect(e.getRange({ line: 0, ch: 1 }, { line: 1, ch: 1 })).toBe("b\nc");
  });

  test("replaceSelection replaces the selection and leaves the cursor after the new text", () => {
    const e = new Editor("hello world");
    e.setSelection({ line: 0, ch: 6 }, { line: 0, ch: 11 });
    expect(e.somethingSelected()).toBe(true);
    expect(e.getSelection()).toBe("world");
    e.replaceSelection("there");
    expect(e.getValue()).toBe("hello there");
    expect(e.getCursor()).toEqual({ line: 0, ch: 11 });
    expect(e.somethingSelected()).toBe(false);
  });

  test("replaceRange keeps the cursor on its text: shifted by edits before it, in place for inserts at it", () => {
    const e = new Editor("line one\nline two");
    e.setCursor({ line: 1, ch: 4 });
    e.replaceRange("new first\n", { line: 0, ch: 0 });
    expect(e.getCursor()).toEqual({ line: 2, ch: 4 });
    e.replaceRange("XY", { line: 2, ch: 4 });
    expect(e.getValue()).toBe("new first\nline one\nlineXY two");
    expect(e.getCursor()).toEqual({ line: 2, ch: 4 });
    e.replaceRange("", { line: 0, ch: 0 }, { line: 1, ch: 0 });
    expect(e.getCursor()).toEqual({ line: 1, ch: 4 });
  });

  test("a transaction reads every change's position in the document as it was before", () => {
    const e = new Editor("one two three");
    e.transaction({
      changes: [
        { from: { line: 0, ch: 0 }, to: { line: 0, ch: 3 }, text: "1" },
        { from: { line: 0, ch: 8 }, to: { line: 0, ch: 13 }, text: "3" },
      ],
    });
    expect(e.getValue()).toBe("1 two 3");
  });

  test("a cursor at the end of a replaced range ends up after the replacement, as in CodeMirror", () => {
    const e = new Editor("a PLACEHOLDER");
    e.setCursor({ line: 0, ch: 13 });
    e.replaceRange("![x](https://l)", { line: 0, ch: 2 }, { line: 0, ch: 13 });
    expect(e.getCursor()).toEqual({ line: 0, ch: 17 });
    e.setCursor({ line: 0, ch: 5 });
    e.replaceRange("Y", { line: 0, ch: 2 }, { line: 0, ch: 17 });
    expect(e.getCursor()).toEqual({ line: 0, ch: 2 });
  });
});

describe("the fake editor's undo history and editor extensions", () => {
  /** Runs `edit` as if at `ms` on the clock CodeMirror stamps transactions with. */
  function at(ms: number, edit: () => void): void {
    const now = jest.spyOn(Date, "now").mockReturnValue(ms);
    try {
      edit();
    } finally {
      now.mockRestore();
    }
  }

  test("undo and redo are CodeMirror's: adjacent edits within 500 ms are one step, a later edit another", () => {
    const e = new Editor("");
    at(1_000, () => e.replaceSelection("a"));
    at(1_100, () => e.replaceSelection("b"));
    at(2_000, () => e.replaceSelection("c"));
    e.undo();
    expect(e.getValue()).toBe("ab");
    e.undo();
    expect(e.getValue()).toBe("");
    e.undo();
    expect(e.getValue()).toBe("");
    e.redo();
    expect(e.getValue()).toBe("ab");
    e.redo();
    expect(e.getValue()).toBe("abc");
  });

  test("a transaction of several changes is one undo step", () => {
    const e = new Editor("one two three");
    e.transaction({
      changes: [
        { from: { line: 0, ch: 0 }, to: { line: 0, ch: 3 }, text: "1" },
        { from: { line: 0, ch: 8 }, to: { line: 0, ch: 13 }, text: "3" },
      ],
    });
    e.undo();
    expect(e.getValue()).toBe("one two three");
  });

  test("an edit kept out of the history is mapped through it: the step whose text it replaced has nothing left to undo", () => {
    const e = new Editor("Intro\n");
    at(1_000, () => e.replaceRange("PLACEHOLDER", { line: 1, ch: 0 }));
    at(2_000, () => e.view.dispatch({ changes: { from: 6, to: 17, insert: "LINK" }, annotations: Transaction.addToHistory.of(false) }));
    e.undo();
    expect(e.getValue()).toBe("Intro\nLINK");
  });

  test("a plugin's editor extension reaches open and later editors, and leaves them when the plugin unloads", async () => {
    const app = createFakeApp(dir);
    const seen: string[] = [];
    const open = await app.workspace.openFile(await app.vault.create("A.md", "a"));
    class TestPlugin extends Plugin {}
    const plugin = new TestPlugin(app, { id: "test", name: "Test", version: "1", minAppVersion: "1", author: "", description: "" });
    await plugin.load();
    plugin.registerEditorExtension(EditorView.updateListener.of((u) => u.docChanged && seen.push(u.state.doc.toString())));
    open.editor.replaceSelection("1");
    const later = await app.workspace.openFile(await app.vault.create("B.md", "b"), true);
    later.editor.replaceSelection("2");
    plugin.unload();
    open.editor.replaceSelection("3");
    later.editor.replaceSelection("4");
    expect(seen).toEqual(["1a", "2b"]);
  });

  test("an update listener runs once the editor holds the new state, and what it dispatches is in place when the edit returns", () => {
    const states: string[] = [];
    const stripX: Extension = EditorView.updateListener.of((u: ViewUpdate) => {
      states.push(`${u.startState.doc.toString()} -> ${u.state.doc.toString()} (editor: ${u.view.state.doc.toString()})`);
      const at = u.state.doc.toString().indexOf("x");
      if (at >= 0) u.view.dispatch({ changes: { from: at, to: at + 1 } });
    });
    const e = new Editor("ab", stripX);
    e.replaceRange("x", { line: 0, ch: 1 });
    expect(e.getValue()).toBe("ab");
    expect(states).toEqual(["ab -> axb (editor: axb)", "axb -> ab (editor: ab)"]);
  });

  test("a view that loads another file starts that file with an empty undo history", async () => {
    const app = createFakeApp(dir);
    const view = await app.workspace.openFile(await app.vault.create("A.md", "a"));
    view.editor.replaceSelection("typed ");
    await view.leaf.openFile(await app.vault.create("B.md", "b"));
    view.editor.undo();
    expect(view.editor.getValue()).toBe("b");
  });
});

describe("the fake vault", () => {
  test("indexes the real directory, skipping hidden folders, and exposes Obsidian's file objects", async () => {
    fs.mkdirSync(path.join(dir, "Blog"));
    fs.mkdirSync(path.join(dir, ".obsidian"));
    fs.writeFileSync(path.join(dir, "Blog", "Post.md"), "hi");
    fs.writeFileSync(path.join(dir, ".obsidian", "app.json"), "{}");
    const { vault } = createFakeApp(dir);
    const post = vault.getFileByPath("Blog/Post.md")!;
    expect(post).toBeInstanceOf(TFile);
    expect([post.name, post.basename, post.extension, post.parent?.path]).toEqual(["Post.md", "Post", "md", "Blog"]);
    expect(vault.getFiles().map((f) => f.path)).toEqual(["Blog/Post.md"]);
    expect(await vault.read(post)).toBe("hi");
    expect(vault.configDir).toBe(".obsidian");
    expect(await vault.adapter.exists(".obsidian/app.json")).toBe(true);
  });

  test("create refuses an existing path (case-insensitively) and a missing folder; createFolder makes parents", async () => {
    const { vault } = createFakeApp(dir);
    await vault.create("Note.md", "x");
    await expect(vault.create("note.md", "y")).rejects.toThrow("already exists");
    await expect(vault.create("Missing/Note.md", "y")).rejects.toThrow("does not exist");
    await vault.createFolder("a/b/c");
    expect(vault.getFolderByPath("a/b")?.children.map((c) => c.path)).toEqual(["a/b/c"]);
  });

  test("process reads, runs the callback synchronously and writes, with nothing in between", async () => {
    const { vault } = createFakeApp(dir);
    const note = await vault.create("Note.md", "one");
    const writes = [vault.process(note, (s) => `${s} two`), vault.process(note, (s) => `${s} three`)];
    await Promise.all(writes);
    expect(fs.readFileSync(path.join(dir, "Note.md"), "utf8")).toBe("one two three");
  });

  test("rename moves the file and keeps its TFile, updated in place, and fires 'rename' with the old path", async () => {
    const { vault } = createFakeApp(dir);
    await vault.createFolder("A");
    await vault.createFolder("B");
    const note = await vault.create("A/Note.md", "text");
    const events: [string, string][] = [];
    vault.on("rename", (f: TFile, old: string) => events.push([f.path, old]));
    await vault.rename(note, "B/Renamed.md");
    expect(vault.getFileByPath("B/Renamed.md")).toBe(note);
    expect(vault.getFileByPath("A/Note.md")).toBeNull();
    expect([note.path, note.name, note.basename, note.parent?.path]).toEqual(["B/Renamed.md", "Renamed.md", "Renamed", "B"]);
    expect(await vault.read(note)).toBe("text");
    expect(events).toEqual([["B/Renamed.md", "A/Note.md"]]);
    await vault.rename(vault.getFolderByPath("B")!, "C");
    expect(note.path).toBe("C/Renamed.md");
    expect(vault.getFileByPath("C/Renamed.md")).toBe(note);
    await vault.create("C/Other.md", "");
    await expect(vault.rename(note, "C/other.md")).rejects.toThrow("already exists");
  });

  test("trash keeps both files when a name is already in the trash, as Obsidian does (' 2', ' 3')", async () => {
    const { vault } = createFakeApp(dir);
    await vault.trash(await vault.createBinary("a.png", new Uint8Array([1]).buffer));
    await vault.trash(await vault.createBinary("a.png", new Uint8Array([2]).buffer));
    expect(fs.readdirSync(path.join(dir, ".trash")).sort()).toEqual(["a 2.png", "a.png"]);
  });

  test("normalizePath follows Obsidian's rules", () => {
    expect(normalizePath("//a\\b//c/")).toBe("a/b/c");
    expect(normalizePath("")).toBe("/");
    expect(normalizePath("a\u00A0b")).toBe("a b");
  });
});

describe("the fake file manager and metadata cache", () => {
  test("puts attachments in the vault root by default, adding ' 1', ' 2' to taken names", async () => {
    const app = createFakeApp(dir);
    await app.vault.createFolder("Blog");
    await app.vault.create("Blog/Post.md", "");
    expect(await app.fileManager.getAvailablePathForAttachment("Pasted image 1.png", "Blog/Post.md")).toBe("Pasted image 1.png");
    await app.vault.createBinary("shot.png", new ArrayBuffer(1));
    expect(await app.fileManager.getAvailablePathForAttachment("shot.png", "Blog/Post.md")).toBe("shot 1.png");
    await app.vault.createBinary("shot 1.png", new ArrayBuffer(1));
    expect(await app.fileManager.getAvailablePathForAttachment("shot.png", "Blog/Post.md")).toBe("shot 2.png");
  });

  test("honours 'same folder as the note' and 'subfolder' attachment settings, creating the folder", async () => {
    const same = createFakeApp(path.join(dir, "v1"), { attachmentFolderPath: "./" });
    await same.vault.createFolder("Blog");
    await same.vault.create("Blog/Post.md", "");
    expect(await same.fileManager.getAvailablePathForAttachment("a.png", "Blog/Post.md")).toBe("Blog/a.png");
    const sub = createFakeApp(path.join(dir, "v2"), { attachmentFolderPath: "./assets" });
    await sub.vault.createFolder("Blog");
    await sub.vault.create("Blog/Post.md", "");
    expect(await sub.fileManager.getAvailablePathForAttachment("a.png", "Blog/Post.md")).toBe("Blog/assets/a.png");
    expect(sub.vault.getFolderByPath("Blog/assets")).not.toBeNull();
  });

  test("like Obsidian, places a './' attachment by the note's file: with no such note, relative to the vault root", async () => {
    const app = createFakeApp(dir, { attachmentFolderPath: "./assets" });
    expect(await app.fileManager.getAvailablePathForAttachment("a.png", "Gone/Post.md")).toBe("assets/a.png");
  });

  test("generateMarkdownLink embeds every file that is not a note, '!' included, in both link styles", async () => {
    const app = createFakeApp(path.join(dir, "w"));
    await app.vault.createFolder("x");
    await app.vault.createFolder("y");
    const unique = await app.vault.createBinary("x/Pasted image 1.png", new ArrayBuffer(1));
    const twin = await app.vault.createBinary("x/dup.png", new ArrayBuffer(1));
    await app.vault.createBinary("y/dup.png", new ArrayBuffer(1));
    const note = await app.vault.create("x/My note.md", "");
    expect(app.fileManager.generateMarkdownLink(unique, "Note.md")).toBe("![[Pasted image 1.png]]");
    expect(app.fileManager.generateMarkdownLink(twin, "Note.md")).toBe("![[x/dup.png]]");
    expect(app.fileManager.generateMarkdownLink(note, "Note.md")).toBe("[[My note]]");
    expect(app.fileManager.generateMarkdownLink(note, "Note.md", "#Part", "see")).toBe("[[My note#Part|see]]");
    expect(app.fileManager.generateMarkdownLink(unique, "Note.md", "", "shot")).toBe("![[Pasted image 1.png|shot]]");
    // Obsidian's own way to get a plain link to an attachment.
    expect(app.fileManager.generateMarkdownLink(unique, "Note.md").slice(1)).toBe("[[Pasted image 1.png]]");

    app.vault.setConfig("useMarkdownLinks", true);
    expect(app.fileManager.generateMarkdownLink(unique, "Note.md")).toBe("![](Pasted%20image%201.png)");
    expect(app.fileManager.generateMarkdownLink(unique, "Note.md", "", "shot")).toBe("![shot](Pasted%20image%201.png)");
    expect(app.fileManager.generateMarkdownLink(note, "Note.md")).toBe("[My note](My%20note.md)");
  });

  test("generateMarkdownLink follows 'New link format': shortest, relative to the note, absolute", async () => {
    const app = createFakeApp(dir, { newLinkFormat: "relative" });
    await app.vault.createFolder("Blog/2026");
    await app.vault.createFolder("Files");
    const pic = await app.vault.createBinary("Files/a.png", new ArrayBuffer(1));
    const near = await app.vault.createBinary("Blog/2026/b.png", new ArrayBuffer(1));
    expect(app.fileManager.generateMarkdownLink(pic, "Blog/2026/Post.md")).toBe("![[../../Files/a.png]]");
    expect(app.fileManager.generateMarkdownLink(near, "Blog/2026/Post.md")).toBe("![[b.png]]");
    expect(app.fileManager.generateMarkdownLink(near, "Blog/Post.md")).toBe("![[2026/b.png]]");
    expect(app.fileManager.generateMarkdownLink(pic, "Top.md")).toBe("![[Files/a.png]]");
    app.vault.setConfig("newLinkFormat", "absolute");
    expect(app.fileManager.generateMarkdownLink(pic, "Blog/2026/Post.md")).toBe("![[Files/a.png]]");
    app.vault.setConfig("newLinkFormat", "shortest");
    expect(app.fileManager.generateMarkdownLink(pic, "Blog/2026/Post.md")).toBe("![[a.png]]");
  });

  test("getFirstLinkpathDest prefers an exact path, then the source note's folder, then the shortest path", async () => {
    const app = createFakeApp(dir);
    await app.vault.createFolder("a/deep");
    await app.vault.createFolder("b");
    const inA = await app.vault.createBinary("a/deep/pic.png", new ArrayBuffer(1));
    const inB = await app.vault.createBinary("b/pic.png", new ArrayBuffer(1));
    const note = await app.vault.create("b/Note.md", "");
    expect(app.metadataCache.getFirstLinkpathDest("pic.png", "a/deep/N.md")).toBe(inA);
    expect(app.metadataCache.getFirstLinkpathDest("pic.png", "Other.md")).toBe(inB);
    expect(app.metadataCache.getFirstLinkpathDest("deep/pic.png", "Other.md")).toBe(inA);
    expect(app.metadataCache.getFirstLinkpathDest("Note", "x.md")).toBe(note);
    expect(app.metadataCache.getFirstLinkpathDest("nothing.png", "x.md")).toBeNull();
  });
});

describe("the fake workspace", () => {
  test("a view saves its note when it switches to another, and reloads when the file changes on disk", async () => {
    const app = createFakeApp(dir);
    const a = await app.vault.create("A.md", "a");
    const b = await app.vault.create("B.md", "b");
    const view = await app.workspace.openFile(a);
    view.editor.setValue("a edited");
    await view.leaf.openFile(b);
    expect(await app.vault.read(a)).toBe("a edited");
    expect(view.file).toBe(b);
    await app.vault.process(b, () => "b from disk");
    await new Promise((r) => setImmediate(r));
    expect(view.editor.getValue()).toBe("b from disk");
  });
});

describe("the fake secret storage", () => {
  test("accepts lowercase ids with dashes and rejects others", () => {
    const { secretStorage } = createFakeApp(dir);
    secretStorage.setSecret("r2-key-1", "v");
    expect(secretStorage.getSecret("r2-key-1")).toBe("v");
    expect(secretStorage.getSecret("missing")).toBeNull();
    expect(() => secretStorage.setSecret("Has Space", "v")).toThrow();
    expect(secretStorage.listSecrets()).toEqual(["r2-key-1"]);
  });
});

test("debounce calls once with the last arguments after the wait, and run() calls at once", async () => {
  const calls: number[] = [];
  const d = debounce((n: number) => calls.push(n), 20, true);
  d(1);
  d(2);
  expect(calls).toEqual([]);
  await new Promise((r) => setTimeout(r, 40));
  expect(calls).toEqual([2]);
  d(3);
  d.run();
  expect(calls).toEqual([2, 3]);
});

describe("attachments Obsidian saves by itself (BEHAVIOURS.md A1, A2, E8, E9)", () => {
  test("every change to a view's editor fires editor-change with the editor and its view", async () => {
    const app = createFakeApp(dir);
    const view = await app.workspace.openFile(await app.vault.create("Note.md", "a"));
    const seen: unknown[][] = [];
    app.workspace.on("editor-change", (...args: unknown[]) => seen.push(args));
    view.editor.replaceSelection("b");
    view.editor.setCursor({ line: 0, ch: 0 });
    expect(seen).toEqual([[view.editor, view]]);
  });

  test("getActiveViewOfType gives the active markdown view, or null when no leaf is active", async () => {
    const app = createFakeApp(dir);
    const view = await app.workspace.openFile(await app.vault.create("Note.md", ""));
    expect(app.workspace.getActiveViewOfType(MarkdownView)).toBe(view);
    app.workspace.activeLeaf = null;
    expect(app.workspace.getActiveViewOfType(MarkdownView)).toBeNull();
  });

  test("a cold start announces every file with create before the layout is ready; onLayoutReady runs after, or at once when ready", async () => {
    const app = createFakeApp(dir);
    await app.vault.create("Note.md", "");
    const order: string[] = [];
    app.vault.on("create", (f: TFile) => order.push(`create ${f.path}`));
    await app.workspace.startUp(() => {
      app.workspace.onLayoutReady(() => order.push("layout ready"));
      order.push("plugins loaded");
    });
    app.workspace.onLayoutReady(() => order.push("at once"));
    expect(order).toEqual(["plugins loaded", "create Note.md", "layout ready", "at once"]);
  });

  test("attaching on a device saves the file as an attachment first, then inserts its embed at the cursor, with no paste or drop", async () => {
    const app = createFakeApp(dir, { attachmentFolderPath: "Attachments" });
    await app.vault.createFolder("Attachments");
    const view = await app.workspace.openFile(await app.vault.create("Note.md", "Text"));
    view.editor.setCursor({ line: 0, ch: 4 });
    const order: string[] = [];
    app.vault.on("create", (f: TFile) => order.push(`create ${f.path} with the note still "${view.editor.getValue()}"`));
    app.workspace.on("editor-change", () => order.push(`editor "${view.editor.getValue()}"`));
    app.workspace.on("editor-paste", () => order.push("paste"));
    app.workspace.on("editor-drop", () => order.push("drop"));
    const [file] = await attachOnDevice(app, view, [{ name: "IMG_1.jpg", bytes: new Uint8Array([1, 2, 3]) }]);
    expect(file.path).toBe("Attachments/IMG_1.jpg");
    expect(order).toEqual(['create Attachments/IMG_1.jpg with the note still "Text"', 'editor "Text![[IMG_1.jpg]]"']);
  });
});

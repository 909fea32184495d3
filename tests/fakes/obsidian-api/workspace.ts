/**
 * Obsidian's workspace reduced to what note editing needs: leaves showing markdown views,
 * the active one, and the `editor-paste` / `editor-drop` events. A view keeps its editor
 * and the file on disk in step the way Obsidian does: it saves when it leaves a file or is
 * closed (and on `save()`), and reloads when the file changes on disk; every change to its
 * editor fires `editor-change`. The layout becomes ready once, and the vault's "create" events
 * of a start-up come before that. Behaviours and their evidence: tests/fakes/BEHAVIOURS.md
 * E5–E9, A1–A2.
 */
import type { Extension } from "@codemirror/state";
import { Editor } from "./editor";
import { Events } from "./events";
import type { FileManager } from "./links";
import { TAbstractFile, TFile, Vault } from "./vault";

/** A view showing one file: Markdown views and canvas views are both (obsidian.d.ts `FileView`). */
export abstract class FileView {
  file: TFile | null = null;
  abstract getViewType(): string;
}

export class MarkdownView extends FileView {
  readonly editor: Editor;
  /** What the editor held when it was last loaded from or saved to disk. */
  private synced = "";

  constructor(
    readonly leaf: WorkspaceLeaf,
    private readonly vault: Vault,
    editorExtensions: Extension = [],
  ) {
    super();
    this.editor = new Editor("", editorExtensions);
    // Programmatic changes and typing alike (BEHAVIOURS.md E8).
    this.editor.onChange(() => leaf.workspace.trigger("editor-change", this.editor, this));
    vault.on("modify", (f: TAbstractFile, data?: string) => {
      if (f !== this.file || typeof data !== "string" || data === this.editor.getValue()) return;
      this.synced = data;
      this.editor.setValue(data);
    });
  }

  getViewType(): string {
    return "markdown";
  }

  /**
   * Shows `data`. With `clear` (a different file is being loaded) the editor starts over with
   * an empty undo history, as `MarkdownView.clear()` says ("clear any editor states like
   * undo-redo history", obsidian.d.ts); without it the text is replaced as one edit.
   */
  setViewData(data: string, clear: boolean): void {
    if (clear) this.editor.load(data);
    else this.editor.setValue(data);
  }

  /** Writes the editor's text to the file, as Obsidian's autosave does. */
  async save(): Promise<void> {
    const file = this.file;
    if (!file || this.vault.getFileByPath(file.path) !== file) return;
    const data = this.editor.getValue();
    if (data === this.synced) return;
    this.synced = data;
    await this.vault.modify(file, data);
  }

  async load(file: TFile | null): Promise<void> {
    await this.save();
    this.file = file;
    const data = file ? await this.vault.read(file) : "";
    this.synced = data;
    this.setViewData(data, true);
  }
}

export class WorkspaceLeaf {
  view: MarkdownView;
  private detached = false;

  constructor(
    readonly workspace: Workspace,
    vault: Vault,
  ) {
    this.view = new MarkdownView(this, vault, workspace.editorExtensions());
  }

  async openFile(file: TFile): Promise<void> {
    await this.view.load(file);
    this.workspace.setActiveLeaf(this);
  }

  /** Closes the leaf: the view saves, forgets its file, and leaves the workspace. */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    const view = this.view;
    void view.save().then(() => {
      view.file = null;
    });
    this.workspace.removeLeaf(this);
  }
}

/** What `workspace.activeEditor` holds: an editor and the file it shows. */
export interface MarkdownFileInfo {
  editor: Editor;
  file: TFile | null;
}

export class Workspace extends Events {
  private leaves: WorkspaceLeaf[] = [];
  activeLeaf: WorkspaceLeaf | null = null;
  /**
   * True once Obsidian has laid out the workspace after start-up. A fake app starts ready, as
   * when a plugin is enabled in a running Obsidian; `startUp` models a cold start.
   */
  layoutReady = true;
  private readonly layoutCallbacks: (() => unknown)[] = [];
  /** What plugins registered with `registerEditorExtension`, each as it was passed. */
  private readonly registeredExtensions: Extension[] = [];

  constructor(private readonly vault: Vault) {
    super();
  }

  /**
   * Test helper, not in Obsidian's API: what `Plugin.registerEditorExtension` does. The
   * extension goes into every editor, open or opened later (plugins register theirs in
   * `onload`, and they work in the notes Obsidian restored before loading plugins); the
   * returned function takes it out again, as unloading the plugin does.
   */
  installEditorExtension(extension: Extension): () => void {
    this.registeredExtensions.push(extension);
    this.updateOptions();
    return () => {
      const i = this.registeredExtensions.indexOf(extension);
      if (i >= 0) this.registeredExtensions.splice(i, 1);
      this.updateOptions();
    };
  }

  /** Test helper, not in Obsidian's API: the registered extensions, as editors get them. */
  editorExtensions(): Extension {
    // Each extension as the plugin passed it, not a copy: "an array should be passed in, and
    // modified dynamically. Once this array is modified, calling updateOptions will apply the
    // changes" (obsidian.d.ts on registerEditorExtension).
    return [...this.registeredExtensions];
  }

  /** Applies the registered editor extensions, as they are now, to every open editor. */
  updateOptions(): void {
    for (const leaf of this.leaves) leaf.view.editor.reconfigure(this.editorExtensions());
  }

  /** The active leaf, or a new one when there is none or `newLeaf` is set. */
  getLeaf(newLeaf?: boolean): WorkspaceLeaf {
    if (this.activeLeaf && !newLeaf) return this.activeLeaf;
    const leaf = new WorkspaceLeaf(this, this.vault);
    this.leaves.push(leaf);
    this.activeLeaf = leaf;
    return leaf;
  }

  setActiveLeaf(leaf: WorkspaceLeaf): void {
    if (this.leaves.includes(leaf)) {
      this.activeLeaf = leaf;
      this.activeCanvas = null;
    }
  }

  /**
   * Test helper, not in Obsidian's API: a canvas view that is the active view while set (see
   * `canvas.ts`); making a leaf active again clears it.
   */
  activeCanvas: FileView | null = null;

  removeLeaf(leaf: WorkspaceLeaf): void {
    this.leaves = this.leaves.filter((l) => l !== leaf);
    if (this.activeLeaf === leaf) this.activeLeaf = this.leaves[this.leaves.length - 1] ?? null;
  }

  /** Runs `callback` now if the layout is ready, or else once it is (BEHAVIOURS.md A1). */
  onLayoutReady(callback: () => unknown): void {
    if (this.layoutReady) callback();
    else this.layoutCallbacks.push(callback);
  }

  /**
   * Test helper, not in Obsidian's API: a cold start of Obsidian with the plugin enabled. The
   * layout is not ready while `loadPlugins` runs and the vault then announces every file it
   * finds with "create" (BEHAVIOURS.md A1); then the layout becomes ready.
   */
  async startUp(loadPlugins: () => unknown): Promise<void> {
    this.layoutReady = false;
    await loadPlugins();
    for (const file of this.vault.getFiles()) this.vault.trigger("create", file);
    this.layoutReady = true;
    for (const callback of this.layoutCallbacks.splice(0)) callback();
  }

  /** The active view if it is a `type` (a `MarkdownView`, a canvas view, or `FileView` for either). */
  getActiveViewOfType<T>(type: abstract new (...args: any[]) => T): T | null {
    const view = this.activeCanvas ?? this.activeLeaf?.view;
    return view instanceof type ? view : null;
  }

  getLeavesOfType(type: string): WorkspaceLeaf[] {
    return this.leaves.filter((l) => l.view.getViewType() === type);
  }

  getActiveFile(): TFile | null {
    return (this.activeCanvas ?? this.activeLeaf?.view)?.file ?? null;
  }

  /** Convenience for tests: open `file` in the active leaf (or a new one) and return its view. */
  async openFile(file: TFile, newLeaf = false): Promise<MarkdownView> {
    const leaf = this.getLeaf(newLeaf);
    await leaf.openFile(file);
    return leaf.view;
  }
}

/** `Pasted image 20261122183000.png`: the name Obsidian gives a clipboard image. */
export function pastedImageName(now: Date, ext: string): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `Pasted image ${stamp}.${ext}`;
}

/**
 * Test helper, not in Obsidian's API: fire `editor-paste` or `editor-drop` the way the editor
 * does, then — unless a handler called `preventDefault()` — do what Obsidian does by default:
 * insert the text, or save each file as an attachment and embed it at the cursor.
 * Resolves once the default handling has finished.
 */
export async function dispatchEditorInput(
  app: { workspace: Workspace; vault: Vault; fileManager: FileManager },
  kind: "paste" | "drop",
  evt: ClipboardEvent | DragEvent,
  view: MarkdownView,
  now = new Date(),
): Promise<"handled-by-plugin" | "default"> {
  app.workspace.trigger(kind === "paste" ? "editor-paste" : "editor-drop", evt, view.editor, view);
  const data = "clipboardData" in evt ? evt.clipboardData : evt.dataTransfer;
  // What the default handling needs is read while the event is still being dispatched.
  const files = data && !evt.defaultPrevented ? Array.from(data.files) : [];
  const text = data && !evt.defaultPrevented ? data.getData("text/plain") : "";
  (data as { endDispatch?: () => void } | null)?.endDispatch?.();
  if (evt.defaultPrevented) return "handled-by-plugin";
  if (files.length === 0) {
    view.editor.replaceSelection(text);
    return "default";
  }
  const sourcePath = view.file?.path ?? "";
  const embeds: string[] = [];
  for (const f of files) {
    const ext = f.name.includes(".") ? f.name.slice(f.name.lastIndexOf(".") + 1) : "png";
    const name = kind === "paste" && f.name === `image.${ext}` ? pastedImageName(now, ext) : f.name;
    const path = await app.fileManager.getAvailablePathForAttachment(name, sourcePath);
    const file = await app.vault.createBinary(path, await f.arrayBuffer());
    // generateMarkdownLink already gives an embed (with its `!`) for a file that is not a note.
    embeds.push(app.fileManager.generateMarkdownLink(file, sourcePath));
  }
  view.editor.replaceSelection(embeds.join("\n"));
  return "default";
}

/**
 * Test helper, not in Obsidian's API: what Obsidian does when an image is attached on a phone
 * (the attach button, the camera) or shared to it (BEHAVIOURS.md A2): each image is saved as an
 * attachment of the note in `view` (`getAvailablePathForAttachment`, `createBinary`, which
 * fires the vault's "create"), and then, `insertAfterMs` later (0: as soon as it is saved; the
 * share sheet asks first), its embed goes in at the cursor. No editor-paste or editor-drop
 * event is fired. `into` is the view that receives the embeds, `view` unless given.
 */
export async function attachOnDevice(
  app: { vault: Vault; fileManager: FileManager },
  view: MarkdownView,
  images: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  opts: { insertAfterMs?: number; into?: MarkdownView } = {},
): Promise<TFile[]> {
  const sourcePath = view.file?.path ?? "";
  const files: TFile[] = [];
  for (const image of images) {
    const path = await app.fileManager.getAvailablePathForAttachment(image.name, sourcePath);
    const copy = new Uint8Array(image.bytes.byteLength);
    copy.set(image.bytes);
    files.push(await app.vault.createBinary(path, copy.buffer));
  }
  if (opts.insertAfterMs) await new Promise((r) => setTimeout(r, opts.insertAfterMs));
  const into = opts.into ?? view;
  const target = into.file?.path ?? "";
  into.editor.replaceSelection(files.map((f) => app.fileManager.generateMarkdownLink(f, target)).join("\n"));
  return files;
}

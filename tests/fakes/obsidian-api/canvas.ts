/**
 * Obsidian's canvas view reduced to what images arriving on a canvas need: a `FileView` of
 * type "canvas" that keeps the canvas in memory and writes all of it to the file with a
 * debounced save after each change made in it; pasting or dropping an image saves the file
 * (the vault's "create") and adds a file node. Whether the view takes in a change made to its
 * file on disk is not documented, so a test chooses (`reloadsOnModify`). Behaviours and their
 * evidence: tests/fakes/BEHAVIOURS.md CV1–CV5.
 */
import type { FileManager } from "./links";
import type { TFile, TAbstractFile, Vault } from "./vault";
import { FileView, type Workspace } from "./workspace";

/** A node as the view holds it: JSON Canvas 1.0 fields and any others. */
export interface CanvasNodeData {
  id: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  [key: string]: unknown;
}

interface CanvasData {
  nodes: CanvasNodeData[];
  edges: unknown[];
}

/** The debounce of `TextFileView.requestSave` (BEHAVIOURS.md CV2). */
export const CANVAS_VIEW_SAVE_MS = 2_000;

/** The layout of a canvas file the view writes: one node or edge per line (BEHAVIOURS.md CV5). */
function serialize(doc: CanvasData): string {
  const list = (items: unknown[]) => (items.length === 0 ? "[]" : `[\n${items.map((i) => `\t\t${JSON.stringify(i)}`).join(",\n")}\n\t]`);
  return `{\n\t"nodes":${list(doc.nodes)},\n\t"edges":${list(doc.edges)}\n}`;
}

export class CanvasView extends FileView {
  /** The canvas as last loaded or saved (TextFileView `data`, BEHAVIOURS.md CV2). */
  data = "";
  private doc: CanvasData = { nodes: [], edges: [] };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly saveMs: number;

  constructor(
    private readonly app: { vault: Vault; fileManager: FileManager; workspace: Workspace },
    readonly opts: { reloadsOnModify: boolean; saveMs?: number },
  ) {
    super();
    this.saveMs = opts.saveMs ?? CANVAS_VIEW_SAVE_MS;
    app.vault.on("modify", (f: TAbstractFile, data?: string) => {
      // BEHAVIOURS.md CV4: not documented either way; the test chooses.
      if (!this.opts.reloadsOnModify || f !== this.file || typeof data !== "string" || data === this.data) return;
      this.setViewData(data);
    });
  }

  getViewType(): string {
    return "canvas";
  }

  setViewData(data: string): void {
    this.data = data;
    this.doc = data.trim() === "" ? { nodes: [], edges: [] } : (JSON.parse(data) as CanvasData);
    this.doc.nodes ??= [];
    this.doc.edges ??= [];
  }

  /** Test helper: opens `file` in this view, which becomes the active view unless `active` is false. */
  async open(file: TFile, active = true): Promise<this> {
    this.file = file;
    this.setViewData(await this.app.vault.read(file));
    if (active) this.app.workspace.activeCanvas = this;
    return this;
  }

  /** Debounced save: the whole in-memory canvas is written `saveMs` after the last change (CV2). */
  requestSave(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.saving = this.saving.then(() => this.save());
    }, this.saveMs);
  }

  /** Writes the in-memory canvas to the file when it differs from what was last loaded or saved. */
  async save(): Promise<void> {
    const file = this.file;
    if (!file || this.app.vault.getFileByPath(file.path) !== file) return;
    const data = serialize(this.doc);
    if (data === this.data) return;
    this.data = data;
    await this.app.vault.modify(file, data);
  }

  /** Test helper: resolves once no save is scheduled or under way. */
  async settled(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, 20));
    await this.saving;
  }

  /** The node with `id` as the view holds it. */
  node(id: string): CanvasNodeData | undefined {
    return this.doc.nodes.find((n) => n.id === id);
  }

  /** Test helper: what a user's edit does — a node moved or resized in the view, saved later (CV2). */
  moveNode(id: string, to: Partial<Pick<CanvasNodeData, "x" | "y" | "width" | "height">>): void {
    const n = this.node(id);
    if (!n) throw new Error(`no node ${id}`);
    Object.assign(n, to);
    this.requestSave();
  }

  /** Test helper: a file node of vault path `path` added in the view (a drag from the file explorer, CV3). */
  addFileNode(path: string, at: { x: number; y: number } = { x: 0, y: 0 }): string {
    const id = `${(this.nextId++).toString(16).padStart(4, "0")}c0ffee00d00d`;
    this.doc.nodes.push({ id, type: "file", file: path, x: at.x, y: at.y, width: 400, height: 300 });
    this.requestSave();
    return id;
  }

  /**
   * Test helper: what pasting or dropping an image on the canvas does (CV3): the image is saved
   * as an attachment of the canvas (`createBinary`, so "create" fires), then a file node of it
   * is added and saved with the debounced save.
   */
  async pasteImage(name: string, bytes: Uint8Array, at?: { x: number; y: number }): Promise<{ file: TFile; node: string }> {
    if (!this.file) throw new Error("no canvas open");
    const path = await this.app.fileManager.getAvailablePathForAttachment(name, this.file.path);
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const file = await this.app.vault.createBinary(path, copy.buffer);
    return { file, node: this.addFileNode(file.path, at) };
  }
}

/** Test helper: a canvas file holding `nodes`, laid out as the view writes it. */
export function canvasText(nodes: CanvasNodeData[] = []): string {
  return serialize({ nodes, edges: [] });
}

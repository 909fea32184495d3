/**
 * Images pasted or dropped on a canvas: the capture face for images that reach a canvas.
 *
 * The canvas view fires no paste or drop event a plugin can take. Obsidian saves the image in
 * the vault itself (the vault's "create" event) and adds a file node for it to the canvas,
 * which the view writes to the .canvas file with its debounced save (a "modify" of the
 * canvas). So an image file created while a canvas is the active view is remembered for a
 * few seconds, and if a save of that canvas adds exactly one file node of exactly that path,
 * the image is uploaded and, once the canvas has been quiet for longer than the view's save
 * delay, that node becomes a text card holding the image's link (`canvasArrivalUpload.ts`,
 * loaded on first use).
 *
 * Everything else is left alone: files that arrive through sync or from other plugins (no
 * node for them is added to the active canvas), files the plugin writes itself
 * (`ownFiles.ts`), files dragged onto a canvas from the vault (no file is created), and every
 * file while either "Upload on paste" or "Upload on drop" is off, since nothing tells a pasted
 * image from a dropped one. Listening starts once the layout is ready.
 */
import { FileView, TFile } from "obsidian";
import type { TAbstractFile } from "obsidian";
import { isCanvasPath, readCanvas } from "../core/canvas/canvasDocument";
import { hasImageExtension } from "../core/imageExtensions";
import { ArrivalWatcher, type ArrivalDeps } from "./attachmentArrivals";
import { isOwnFile } from "./ownFiles";
import { PLUGIN_NAME } from "./pasteDrop";

/** The canvas view's save delay: "Debounced save in 2 seconds from now" (obsidian.d.ts, TextFileView.requestSave). */
export const CANVAS_SAVE_DELAY_MS = 2_000;

/** What the canvas watcher needs beyond the attachment watcher's dependencies; each part can be replaced in tests. */
export interface CanvasArrivalDeps extends ArrivalDeps {
  /** How long the canvas must go without a change before the node is rewritten; a second more than the view's save delay unless replaced. */
  quietMs?: number;
  /** How long after the rewrite the canvas is watched for the view writing its older copy back. */
  verifyMs?: number;
}

/** An image file just created while `canvas` was the active view, waiting for its node. */
export interface CanvasArrival {
  file: TFile;
  canvas: TFile;
}

interface Pending extends CanvasArrival {
  timer: number;
  /** The ids of file nodes that already showed this path when the file was created (read once). */
  before: Promise<Set<string> | null>;
  checking: boolean;
  /** The canvas changed again while it was being read: read it once more. */
  again: boolean;
}

type CanvasWork = typeof import("./canvasArrivalUpload");

/** The ids of file nodes of `path` in a canvas's text; null when the text is not a canvas. */
export function fileNodeIds(text: string, canvasPath: string, path: string): Set<string> | null {
  try {
    return new Set(
      readCanvas(text, canvasPath)
        .nodes.filter((n) => n.file === path)
        .map((n) => n.id),
    );
  } catch {
    return null;
  }
}

/**
 * Watches for images arriving on a canvas: `onCreate` for the vault's "create" event and
 * `onModify` for its "modify" event, both registered once the layout is ready. With nothing
 * pending or under way, a modify costs one comparison.
 */
export class CanvasArrivals extends ArrivalWatcher<Pending> {
  /** Canvases an upload is working on → when each last changed on disk. */
  private readonly changed = new Map<TFile, number>();
  /** Callbacks of uploads waiting on a canvas, called at each change of it. */
  private readonly listeners = new Set<(canvas: TFile) => void>();
  private work: Promise<CanvasWork> | null = null;

  constructor(protected readonly deps: CanvasArrivalDeps) {
    super(deps);
  }

  /** The vault's "create" handler; pass it to `vault.on` as is. */
  readonly onCreate = (file: TAbstractFile): void => {
    if (this.stopped || !(file instanceof TFile) || !hasImageExtension(file.path)) return;
    const settings = this.deps.settings();
    if (!settings.uploadOnPaste || !settings.uploadOnDrop) return;
    if (isOwnFile(this.deps.app.vault, file.path)) return;
    const canvas = this.activeCanvas();
    if (!canvas) return;
    const p: Pending = {
      file,
      canvas,
      checking: false,
      again: false,
      before: this.deps.app.vault.cachedRead(canvas).then(
        (text) => fileNodeIds(text, canvas.path, file.path),
        () => null,
      ),
      timer: window.setTimeout(() => this.pending.delete(p), this.deps.windowMs ?? 5_000),
    };
    this.pending.add(p);
  };

  /** The vault's "modify" handler; pass it to `vault.on` as is. */
  readonly onModify = (file: TAbstractFile): void => {
    if (this.pending.size === 0 && this.changed.size === 0) return;
    if (!(file instanceof TFile)) return;
    if (this.changed.has(file)) {
      this.changed.set(file, Date.now());
      for (const l of this.listeners) l(file);
    }
    for (const p of this.pending) if (p.canvas === file) this.look(p);
  };

  /** The file of the active view when that view is a canvas. */
  private activeCanvas(): TFile | null {
    const view = this.deps.app.workspace.getActiveViewOfType(FileView);
    const file = view?.getViewType() === "canvas" ? view.file : null;
    return file && isCanvasPath(file.path) ? file : null;
  }

  /** Reads the canvas just saved for a node of the pending file that was not there before. */
  private look(p: Pending): void {
    if (p.checking) {
      p.again = true;
      return;
    }
    p.checking = true;
    p.again = false;
    this.changed.set(p.canvas, Date.now());
    const job = (async () => {
      const before = await p.before;
      const now = fileNodeIds(await this.deps.app.vault.read(p.canvas), p.canvas.path, p.file.path);
      if (!this.pending.has(p) || !before || !now) return;
      // A canvas that already showed this path (a canvas synced before its image) holds a node
      // no one can tell from a new one: the file is not this plugin's to upload.
      const added = before.size > 0 ? null : [...now].filter((id) => !before.has(id));
      if (added?.length === 0) return;
      this.pending.delete(p);
      window.clearTimeout(p.timer);
      if (!added) return;
      if (added.length > 1) {
        this.notify(`${p.file.name} is on the canvas ${p.canvas.basename} more than once, so ${PLUGIN_NAME} did not upload it. It stays in your vault.`);
        return;
      }
      this.work ??= import("./canvasArrivalUpload");
      const work = await this.work;
      await work.uploadCanvasArrival(
        {
          ...this.deps,
          notify: (m) => this.notify(m),
          firstUnconfigured: () => this.tellUnconfiguredOnce(),
          lastChange: () => this.changed.get(p.canvas) ?? 0,
          onChange: (l) => {
            const each = (c: TFile) => c === p.canvas && l();
            this.listeners.add(each);
            return () => this.listeners.delete(each);
          },
        },
        p,
        added[0],
      );
    })()
      .catch((e: unknown) => console.error(`${PLUGIN_NAME}: handling an image added to a canvas failed`, e))
      .finally(() => {
        p.checking = false;
        this.jobs.delete(job);
        if (p.again && this.pending.has(p)) this.look(p);
        else if (this.pending.size === 0 && this.jobs.size === 0) this.changed.clear();
      });
    this.jobs.add(job);
  }
}

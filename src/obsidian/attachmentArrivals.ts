/**
 * Attached images: the capture face for images that reach a note without a paste or a drop.
 *
 * On a phone, the attach button, the camera and the share sheet make Obsidian save the image
 * into the vault itself (the vault's "create" event) and then put its embed into the note
 * being edited (an editor change); no editor-paste or editor-drop event is fired. So an image
 * file that is created while a markdown editor is active is remembered for a few seconds,
 * and if its embed turns up in that same editor meanwhile, the image is uploaded and that
 * embed alone becomes its link (`arrivalUpload.ts`, loaded on first use).
 *
 * Everything else that creates files is left alone: files arriving through sync or from other
 * plugins get no embed in the active editor within the window; files created while no
 * markdown editor is active, files that are not images, and the files this plugin writes
 * itself (`ownFiles.ts`) are never watched. Obsidian also fires "create" for every file when
 * the vault is first loaded; the plugin listens only once the layout is ready.
 */
import { MarkdownView, Notice, Platform, TFile } from "obsidian";
import type { App, Editor, MarkdownFileInfo, TAbstractFile } from "obsidian";
import { hasImageExtension } from "../core/imageExtensions";
import type { ImageUploader } from "../core/ports";
import { uploadsAttachments, type PluginSettings } from "../core/settings/settingsModel";
import { isOwnFile } from "./ownFiles";
import { PLUGIN_NAME } from "./pasteDrop";
import type { UploaderConfig } from "./uploaderCache";

/** How long after its file is created an embed still counts as the attachment's own. */
export const ARRIVAL_WINDOW_MS = 5_000;

/** What the watcher needs from the plugin; each part can be replaced in tests. */
export interface ArrivalDeps {
  app: App;
  /** The current settings, read at every event. */
  settings: () => PluginSettings;
  /** The uploader for a ready configuration; builds it (and loads the S3 SDK) on first use. */
  getUploader: (config: UploaderConfig) => Promise<ImageUploader>;
  /** Shows a message to the user; a `Notice` unless replaced. */
  notify?: (message: string) => void;
  /** How long a created file waits for its embed; `ARRIVAL_WINDOW_MS` unless replaced. */
  windowMs?: number;
}

/** An image file just created, waiting for its embed in the editor that was active then. */
export interface Arrival {
  file: TFile;
  /** The note the active editor showed when the file was created. */
  note: TFile;
  editor: Editor;
}

interface Pending extends Arrival {
  timer: number;
  /** The embed is being looked for in the editor's text (the scanner may still be loading). */
  checking: boolean;
}

/**
 * What both watchers of files that arrive without a paste or a drop share: the files waiting
 * for their link, the uploads under way, and how they stop and tell the user things.
 */
export abstract class ArrivalWatcher<P extends { timer: number }> {
  protected readonly pending = new Set<P>();
  protected readonly jobs = new Set<Promise<void>>();
  protected stopped = false;
  private toldUnconfigured = false;

  constructor(protected readonly deps: ArrivalDeps) {}

  /** Forgets every pending file; called when the plugin unloads. Uploads under way still finish. */
  stop(): void {
    this.stopped = true;
    for (const p of this.pending) window.clearTimeout(p.timer);
    this.pending.clear();
  }

  /** Resolves when every upload started so far has ended (its link in place, or its notice shown). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  /** Test helper: how many created files are still waiting for their link. */
  get waiting(): number {
    return this.pending.size;
  }

  protected notify(message: string): void {
    if (this.deps.notify) this.deps.notify(message);
    else new Notice(message, 10_000);
  }

  /** True the first time in a session: someone who has not set up a bucket hears of it once. */
  protected tellUnconfiguredOnce(): boolean {
    if (this.toldUnconfigured) return false;
    this.toldUnconfigured = true;
    return true;
  }
}

type ArrivalWork = typeof import("./arrivalUpload");

/**
 * Watches for attached images: `onCreate` for the vault's "create" event (registered once the
 * layout is ready), `onEditorChange` for the workspace's "editor-change" event. With nothing
 * pending, an editor change costs one comparison.
 */
export class AttachmentArrivals extends ArrivalWatcher<Pending> {
  private work: Promise<ArrivalWork> | null = null;

  /** The vault's "create" handler; pass it to `vault.on` as is. */
  readonly onCreate = (file: TAbstractFile): void => {
    if (this.stopped || !(file instanceof TFile) || !hasImageExtension(file.path)) return;
    if (!uploadsAttachments(this.deps.settings(), Platform.isMobile)) return;
    if (isOwnFile(this.deps.app.vault, file.path)) return;
    const view = this.deps.app.workspace.getActiveViewOfType(MarkdownView);
    if (!view?.file) return;
    // A note that already names the file may hold an older link that now finds it (a note
    // synced before its image): no embed could then be told for the one just inserted.
    if (mentionsName(view.editor.getValue(), file.name)) return;
    const p: Pending = {
      file,
      note: view.file,
      editor: view.editor,
      checking: false,
      timer: window.setTimeout(() => this.pending.delete(p), this.deps.windowMs ?? ARRIVAL_WINDOW_MS),
    };
    this.pending.add(p);
  };

  /** The workspace's "editor-change" handler; pass it to `workspace.on` as is. */
  readonly onEditorChange = (editor: Editor, info: MarkdownView | MarkdownFileInfo): void => {
    if (this.pending.size === 0) return;
    for (const p of this.pending) if (editor === p.editor || info.file === p.note) this.look(p);
  };

  /** Looks for the pending file's embed in the active editor, once the name shows up there. */
  private look(p: Pending): void {
    // A look under way reads the editor's text only once the scanner has loaded, so it sees this change too.
    if (p.checking) return;
    const active = this.activeEditorOf(p);
    if (!active || !mentionsName(active.getValue(), p.file.name)) return;
    p.checking = true;
    this.work ??= import("./arrivalUpload");
    const job = this.work
      .then(async (work) => {
        if (!this.pending.has(p)) return;
        const editor = this.activeEditorOf(p);
        if (!editor) return;
        const found = work.findArrivalEmbed(this.deps.app, editor.getValue(), p);
        if (found.kind === "none") return;
        this.pending.delete(p);
        window.clearTimeout(p.timer);
        if (found.kind === "several") {
          this.notify(`${p.file.name} is embedded more than once in ${p.note.basename}, so ${PLUGIN_NAME} did not upload it. It stays in your vault.`);
          return;
        }
        await work.uploadArrival({ ...this.deps, notify: (m) => this.notify(m), firstUnconfigured: () => this.tellUnconfiguredOnce() }, p, found.embed);
      })
      .catch((e: unknown) => console.error(`${PLUGIN_NAME}: handling an attached image failed`, e))
      .finally(() => {
        p.checking = false;
        this.jobs.delete(job);
      });
    this.jobs.add(job);
  }

  /**
   * The active editor, if it shows the note that was active when the file was created. Only
   * that counts: an embed that lands in another note, or in this one once the user has moved
   * to another, is not this attachment's.
   */
  private activeEditorOf(p: Pending): Editor | null {
    const active = this.deps.app.workspace.getActiveViewOfType(MarkdownView);
    return active?.file === p.note ? active.editor : null;
  }
}

/**
 * Whether `text` holds `name` as a link to it would spell it: as is (wiki embeds, `<…>`
 * destinations) or percent-encoded (markdown destinations). A cheap test, made before the
 * note is scanned.
 */
export function mentionsName(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  const spellings = new Set([name, encodeURI(name), encodeURIComponent(name), name.replace(/[%\s()<>#^[\]]/g, hex), name.replace(/\s/g, hex)]);
  for (const s of spellings) if (lower.includes(s.toLowerCase())) return true;
  return false;
}

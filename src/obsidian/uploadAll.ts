/**
 * "Upload all local images": the migration engine driven from Obsidian — a command for the
 * active note, an item in the file menu of a note or a folder, a notice that counts up, and
 * a summary that names every failure.
 */
import { MarkdownView, Notice, TFile, TFolder, type App, type Editor, type Menu, type Plugin, type TAbstractFile } from "obsidian";
import { errorText, UploadError } from "../core/errors";
import { ambiguousLinkError } from "../core/migrate/vaultPathIndex";
import { baseName } from "../core/paths";
import { migrateNotes, type MigrationPorts, type MigrationReport } from "../core/migrate/engine";
import { migrationCounts, migrationDetails } from "../core/migrate/summary";
import type { ImageUploader } from "../core/ports";
import { tooLargeError } from "../core/prepare/prepareAsset";
import type { PluginSettings } from "../core/settings/settings";
import { applyTextChanges, type TextChange } from "../core/apply/textChanges";
import { checkReadiness } from "./readiness";
import type { UploaderConfig } from "./uploaderCache";

/** What the command needs from the plugin (the same shape paste and drop get). */
export interface UploadAllDeps {
  /** The current settings, read when a run starts, so a changed setting applies to the next run. */
  settings: () => PluginSettings;
  /** The uploader for a ready configuration; a function so the S3 SDK is only loaded when a run starts. */
  getUploader: (config: UploaderConfig) => Promise<ImageUploader>;
}

/** What a run did, for the summary and for tests. */
export interface UploadAllResult {
  report: MigrationReport;
  /** Local files moved to the trash (only with `trashAfterUpload`). */
  trashed: string[];
}

const TITLE = "Upload all local images";

/**
 * Registers the command (for the note in the active editor) and the file-menu item (for a
 * note or every note in a folder). One run at a time; unloading the plugin stops a run after
 * the uploads in flight, with their links written.
 */
export function registerUploadAll(plugin: Plugin, deps: UploadAllDeps): void {
  const app = plugin.app;
  let running: AbortController | null = null;
  plugin.register(() => running?.abort());

  const start = (notes: TFile[]): void => {
    if (running) {
      new Notice("Local images are already being uploaded; wait for that run to finish.");
      return;
    }
    const controller = new AbortController();
    running = controller;
    void runWithNotices(app, notes, deps, controller.signal).finally(() => {
      running = null;
    });
  };

  plugin.addCommand({
    id: "upload-all-local-images",
    name: TITLE,
    editorCheckCallback: (checking: boolean, _editor: Editor, ctx: { file: TFile | null }) => {
      const file = ctx.file;
      if (!file || file.extension !== "md") return false;
      if (!checking) start([file]);
      return true;
    },
  });

  plugin.registerEvent(
    app.workspace.on("file-menu", (menu: Menu, file: TAbstractFile) => {
      const notes = notesUnder(app, file);
      if (notes === null) return;
      menu.addItem((item) =>
        item
          .setTitle(file instanceof TFolder ? "Upload all local images in this folder" : TITLE)
          .setIcon("upload-cloud")
          .onClick(() => start(notesUnder(app, file) ?? [])),
      );
    }),
  );
}

/** The notes a file-menu item acts on: the note itself, or every note in a folder; null for other files. */
function notesUnder(app: App, file: TAbstractFile): TFile[] | null {
  if (file instanceof TFile) return file.extension === "md" ? [file] : null;
  if (!(file instanceof TFolder)) return null;
  const prefix = file.isRoot() ? "" : `${file.path}/`;
  return app.vault.getMarkdownFiles().filter((f) => f.path.startsWith(prefix));
}

/** Runs one migration with a counting notice and a summary notice at the end. */
async function runWithNotices(app: App, notes: TFile[], deps: UploadAllDeps, signal: AbortSignal): Promise<void> {
  const progress = new Notice("Looking for local images…", 0);
  try {
    const result = await uploadAllLocalImages(app, notes, deps, {
      signal,
      onProgress: (done, total) => progress.setMessage(`Uploading ${done} of ${total}…`),
    });
    progress.hide();
    const failed = result.report.failed > 0 || result.report.skippedEdits.length > 0;
    // A summary with failures stays until clicked: the reasons are what the person must act on.
    new Notice(summaryText(result, notes), failed ? 0 : 8000);
  } catch (e) {
    progress.hide();
    new Notice(`${TITLE}: ${errorText(e)}`, 0);
  }
}

/**
 * Uploads the local images of `notes` and rewrites their links; with `trashAfterUpload`,
 * then moves each uploaded local file that nothing links to any more to the trash.
 * Rejects only when no upload can be made (the active profile is not ready); everything
 * else is in the report.
 */
export async function uploadAllLocalImages(
  app: App,
  notes: TFile[],
  deps: UploadAllDeps,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<UploadAllResult> {
  const settings = deps.settings();
  const ready = checkReadiness(settings, app.secretStorage);
  if (!ready.ok) {
    const more = ready.problems.length > 1 ? ` (${ready.problems.length - 1} more in the settings)` : "";
    throw new Error(`cannot upload yet: ${ready.problems[0]}${more}`);
  }
  const uploader = await deps.getUploader(ready.config);
  const report = await migrateNotes(
    notes.map((n) => n.path),
    obsidianPorts(app, uploader, { maxBytes: ready.config.maxBytes }),
    {
      concurrency: settings.concurrency,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.(p.done, p.total),
      setTimer: (fn, ms) => {
        const id = window.setTimeout(fn, ms);
        return () => window.clearTimeout(id);
      },
    },
  );
  const trashed = settings.trashAfterUpload ? await trashUnlinked(app, report) : [];
  return { report, trashed };
}

/**
 * The engine's ports over the Obsidian API. With `maxBytes`, an image larger than that is
 * refused by its size in the vault's records (`TFile.stat.size`) without reading it.
 */
export function obsidianPorts(app: App, uploader: ImageUploader, limits: { maxBytes?: number } = {}): MigrationPorts {
  const fileAt = (path: string): TFile => {
    const file = app.vault.getFileByPath(path);
    if (!file) throw new Error(`"${path}" is no longer in the vault`);
    return file;
  };
  // The files links were resolved to, so that each image is read as the file found rather
  // than looked up again by its path, which a lookup may bring to another Unicode form.
  const resolved = new Map<string, TFile>();
  return {
    async readNote(path) {
      return openEditor(app, path)?.getValue() ?? app.vault.cachedRead(fileAt(path));
    },
    async rewriteNote(path, edit) {
      // A note open in an editor is changed there: the editor may hold typing not saved to
      // disk yet, which a write to the file would throw away, and an in-place change keeps
      // the cursor and selection. getValue → edit → transaction runs without a pause, so
      // nothing can be typed in between.
      const editor = openEditor(app, path);
      if (editor) {
        const changes = edit(editor.getValue());
        if (changes.length > 0) editor.transaction({ changes: changes.map((c) => toEditorChange(editor, c)) });
        return;
      }
      await app.vault.process(fileAt(path), (text) => applyTextChanges(text, edit(text)));
    },
    resolve(linkpath, notePath) {
      const file = resolveLink(app, linkpath, notePath);
      if (file) resolved.set(file.path, file);
      return file?.path ?? null;
    },
    async readFile(path) {
      const file = resolved.get(path) ?? app.vault.getFileByPath(path);
      if (!file) throw new UploadError("MissingFile", `"${path}" is no longer in the vault; the link was left as it was.`);
      if (limits.maxBytes !== undefined && file.stat.size > limits.maxBytes) throw tooLargeError(file.name, file.stat.size, limits.maxBytes);
      return new Uint8Array(await app.vault.readBinary(file));
    },
    uploader,
  };
}

/**
 * The file a link points to, as Obsidian resolves it; failing that, as it resolves the link
 * with its accented letters composed (NFC) or decomposed (NFD). macOS writes file names
 * decomposed while notes typed elsewhere hold them composed, and the API does not promise
 * that link resolution sets that difference aside. Only public API is used: the lookup as
 * written, then the same lookup with the link in each form. A match as written always wins;
 * two different files matched only through the other forms are reported, never one picked.
 * @throws UploadError `AmbiguousLink`
 */
function resolveLink(app: App, linkpath: string, notePath: string): TFile | null {
  const asWritten = app.metadataCache.getFirstLinkpathDest(linkpath, notePath);
  if (asWritten) return asWritten;
  const found = new Map<string, TFile>();
  for (const form of ["NFC", "NFD"] as const) {
    const spelled = linkpath.normalize(form);
    if (spelled === linkpath) continue;
    const file = app.metadataCache.getFirstLinkpathDest(spelled, notePath);
    if (file) found.set(file.path, file);
  }
  if (found.size > 1) throw ambiguousLinkError(linkpath, notePath, [...found.keys()].sort());
  return found.values().next().value ?? null;
}

function openEditor(app: App, path: string): Editor | null {
  for (const leaf of app.workspace.getLeavesOfType("markdown")) {
    const view = leaf.view;
    if (view instanceof MarkdownView && view.file?.path === path) return view.editor;
  }
  return null;
}

function toEditorChange(editor: Editor, c: TextChange): { from: ReturnType<Editor["offsetToPos"]>; to: ReturnType<Editor["offsetToPos"]>; text: string } {
  return { from: editor.offsetToPos(c.from), to: editor.offsetToPos(c.to), text: c.insert };
}

/**
 * Moves uploaded local files to the trash — only those whose every link was rewritten, that
 * no other note links to (by the metadata cache), and whose name no longer appears in the
 * rewritten notes outside the new URLs. The last check reads the notes themselves because
 * the metadata cache catches up with a rewrite only a moment later, and because a plain
 * `[[photo.png]]` link, which the run does not rewrite, still needs the file.
 */
async function trashUnlinked(app: App, report: MigrationReport): Promise<string[]> {
  const urls = report.files.flatMap((f) => (f.url ? [f.url] : []));
  const texts = new Map<string, string>();
  const textOf = async (note: string): Promise<string> => {
    let text = texts.get(note);
    if (text === undefined) {
      const file = app.vault.getFileByPath(note);
      text = openEditor(app, note)?.getValue() ?? (file ? await app.vault.read(file) : "");
      for (const url of urls) text = text.split(url).join(" ");
      text = text.toLowerCase();
      texts.set(note, text);
    }
    return text;
  };

  const trashed: string[] = [];
  for (const f of report.files) {
    if (!f.url || f.links === 0 || f.rewritten !== f.links) continue;
    const linkedElsewhere = Object.entries(app.metadataCache.resolvedLinks ?? {}).some(
      ([source, targets]) => !f.notes.includes(source) && (targets[f.path] ?? 0) > 0,
    );
    if (linkedElsewhere) continue;
    const name = baseName(f.path).toLowerCase();
    const spellings = [name, encodeURI(name), encodeURIComponent(name)];
    let mentioned = false;
    for (const note of f.notes) {
      const text = await textOf(note);
      if (spellings.some((s) => text.includes(s))) mentioned = true;
    }
    const file = app.vault.getFileByPath(f.path);
    if (mentioned || !file) continue;
    try {
      await app.fileManager.trashFile(file);
      trashed.push(f.path);
    } catch {
      // Keeping a local copy is harmless; the summary only counts what was moved.
    }
  }
  return trashed;
}

const MAX_LISTED = 10;

/** The end-of-run notice: counts, then each skipped link and each failure with its reason. */
export function summaryText({ report: r, trashed }: UploadAllResult, notes: TFile[]): string {
  const scope = notes.length === 1 ? notes[0].path : `${notes.length} notes`;
  if (r.files.length === 0 && r.failures.length === 0) return `${TITLE}: no local images in ${scope}.`;
  const lines = [`${TITLE} (${scope}): ${migrationCounts(r)}`];
  for (const { heading, items } of migrationDetails(r)) {
    lines.push(heading, ...items.slice(0, MAX_LISTED).map((s) => `• ${s}`));
    if (items.length > MAX_LISTED) lines.push(`…and ${items.length - MAX_LISTED} more.`);
  }
  if (trashed.length > 0) lines.push(`Moved ${trashed.length} local ${trashed.length === 1 ? "copy" : "copies"} to the trash.`);
  return lines.join("\n");
}

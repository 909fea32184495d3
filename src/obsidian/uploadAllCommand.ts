/**
 * Where "Upload all local images" is started: a command for the active note and an item in
 * the file menu of a note, a canvas or a folder (its notes and canvases); and how it reports: a notice that counts up, and a
 * summary that names every failure.
 */
import { Notice, TFile, TFolder, type App, type Menu, type Plugin, type TAbstractFile } from "obsidian";
import { addActiveNoteCommand, notesUnder } from "./noteScope";
import { errorText } from "../core/errors";
import { bulletList, migrationCounts, migrationDetails, progressCount } from "../core/migrate/summary";
import type { UploadAllDeps, UploadAllResult } from "./uploadAll";

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

  addActiveNoteCommand(plugin, "upload-all-local-images", TITLE, (file) => start([file]));

  plugin.registerEvent(
    app.workspace.on("file-menu", (menu: Menu, file: TAbstractFile) => {
      const notes = notesUnder(app, file, { canvases: true });
      if (notes === null) return;
      menu.addItem((item) =>
        item
          .setTitle(file instanceof TFolder ? "Upload all local images in this folder" : TITLE)
          .setIcon("upload-cloud")
          .onClick(() => start(notesUnder(app, file, { canvases: true }) ?? [])),
      );
    }),
  );
}

/** Runs one migration with a counting notice and a summary notice at the end. */
async function runWithNotices(app: App, notes: TFile[], deps: UploadAllDeps, signal: AbortSignal): Promise<void> {
  const progress = new Notice("Looking for local images…", 0);
  try {
    // The engine, the scanner and the prepare step are evaluated on the first run, not at start-up.
    const { uploadAllLocalImages } = await import("./uploadAll");
    const result = await uploadAllLocalImages(app, notes, deps, {
      signal,
      onProgress: (p) => progress.setMessage(`Uploading ${progressCount(p)}…`),
    });
    progress.hide();
    const failed = result.report.failed > 0 || result.report.skippedEdits.length > 0 || result.report.skippedNotes.length > 0;
    // A summary with failures stays until clicked: the reasons are what the person must act on.
    new Notice(summaryText(result, notes), failed ? 0 : 8000);
  } catch (e) {
    progress.hide();
    new Notice(`${TITLE}: ${errorText(e)}`, 0);
  }
}

/**
 * The end-of-run notice: counts (and each profile's, when the rules sent notes to more than
 * the active one), then the notes the rules kept local or could not follow, each skipped link
 * and each failure with its reason.
 */
export function summaryText({ report: r, runs, trashed }: UploadAllResult, notes: TFile[]): string {
  const scope = notes.length === 1 ? notes[0].path : `${notes.length} notes`;
  const ruled = r.keptLocal.length + r.skippedNotes.length > 0;
  if (r.files.length === 0 && r.failures.length === 0 && !ruled) return `${TITLE}: no local images in ${scope}.`;
  const lines = [`${TITLE} (${scope}): ${migrationCounts(r)}`];
  if (runs.length > 1 || runs.some((run) => !run.active)) {
    for (const run of runs) lines.push(`To "${run.profile}": ${migrationCounts({ ...run.report, keptLocal: [] })}`);
  }
  for (const { heading, items } of migrationDetails(r)) lines.push(...bulletList(heading, items));
  if (trashed.length > 0) lines.push(`Moved ${trashed.length} local ${trashed.length === 1 ? "copy" : "copies"} to the trash.`);
  return lines.join("\n");
}

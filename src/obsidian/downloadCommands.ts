/**
 * Where "Download images back" and "Upload and link everywhere" are started, and how they
 * report. Download: a command for the active note and file-menu items for a note, a canvas,
 * a folder and the vault (its notes and canvases). Upload and link everywhere: the file menu of an image file and the editor
 * menu of a local image embed. The work itself is loaded when first asked for.
 */
import { Notice, TFile, TFolder, type App, type Editor, type MarkdownFileInfo, type MarkdownView, type Menu, type Plugin, type TAbstractFile } from "obsidian";
import { addActiveNoteCommand, notesUnder } from "./noteScope";
import { errorText } from "../core/errors";
import type { DownloadReport } from "../core/download/downloadEngine";
import { hasImageExtension } from "../core/imageExtensions";
import { isLocalImageEmbed, scanEmbeds } from "../core/markdown";
import { bulletList, migrationCounts, migrationDetails } from "../core/migrate/summary";
import type { UploadIndex } from "../core/ports";
import type { UploadAllDeps } from "./uploadAll";

/** What the download and upload commands need: Upload all's, and the upload index, read when a download starts. */
export interface DownloadDeps extends UploadAllDeps {
  /** The upload index, loaded: where an image was uploaded from. */
  uploads?: () => Promise<UploadIndex>;
}

const DOWNLOAD = "Download images back";
const EVERYWHERE = "Upload and link everywhere";

/** Registers the download command and menu items, and the "Upload and link everywhere" menu items. */
export function registerDownloadCommands(plugin: Plugin, deps: DownloadDeps): void {
  const app = plugin.app;
  let running: AbortController | null = null;
  plugin.register(() => running?.abort());

  /** One run at a time, stopped (after what is in flight) when the plugin unloads. */
  const exclusive = (work: (signal: AbortSignal) => Promise<void>): void => {
    if (running) {
      new Notice("Images are already being moved; wait for that run to finish.");
      return;
    }
    const controller = new AbortController();
    running = controller;
    void work(controller.signal).finally(() => {
      running = null;
    });
  };

  const download = (notes: TFile[], scope: string): void => exclusive((signal) => runDownload(app, notes, scope, deps, signal));
  const upload = (file: TFile): void => exclusive((signal) => runEverywhere(app, file, deps, signal));
  /** When the settings move uploaded files to the trash, the person confirms first: the local file goes. */
  const everywhere = (file: TFile): void => {
    if (!deps.settings().trashAfterUpload) return upload(file);
    if (running) {
      new Notice("Images are already being moved; wait for that run to finish.");
      return;
    }
    void Promise.all([import("./uploadEverywhere"), import("./confirmModal")])
      .then(async ([{ notesLinking }, { ConfirmModal }]) => {
        const n = (await notesLinking(app, file)).length;
        // With no note linking it, the run uploads nothing and says so.
        if (n === 0) return upload(file);
        const notes = `${n} ${n === 1 ? "note" : "notes"}`;
        new ConfirmModal(
          app,
          EVERYWHERE,
          [
            `${file.path} will be uploaded, and every link to it in ${notes} will become its public URL.`,
            `Then, as your settings ask, ${file.path} will be moved to the trash once no note needs it any more.`,
          ],
          [{ text: `Upload, change ${notes} and trash the file`, warning: true, run: () => upload(file) }],
        ).open();
      })
      .catch((e: unknown) => new Notice(`${EVERYWHERE}: ${errorText(e)}`, 0));
  };

  addActiveNoteCommand(plugin, "download-images-back", DOWNLOAD, (file) => download([file], file.path));

  plugin.registerEvent(
    app.workspace.on("file-menu", (menu: Menu, file: TAbstractFile) => {
      if (file instanceof TFile && file.extension !== "md" && hasImageExtension(file.path)) {
        menu.addItem((item) =>
          item
            .setTitle(EVERYWHERE)
            .setIcon("upload-cloud")
            .onClick(() => everywhere(file)),
        );
        return;
      }
      const notes = notesUnder(app, file, { canvases: true });
      if (notes === null) return;
      const title = file instanceof TFolder ? (file.isRoot() ? `${DOWNLOAD} in the whole vault` : `${DOWNLOAD} in this folder`) : DOWNLOAD;
      menu.addItem((item) =>
        item
          .setTitle(title)
          .setIcon("download")
          .onClick(() => {
            const now = notesUnder(app, file, { canvases: true }) ?? [];
            download(now, file instanceof TFolder ? (file.isRoot() ? "the vault" : file.path) : file.path);
          }),
      );
    }),
  );

  plugin.registerEvent(
    app.workspace.on("editor-menu", (menu: Menu, editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
      const note = info.file;
      if (!note) return;
      const file = imageAtCursor(app, editor, note.path);
      if (!file) return;
      menu.addItem((item) =>
        item
          .setTitle(EVERYWHERE)
          .setIcon("upload-cloud")
          .onClick(() => everywhere(file)),
      );
    }),
  );
}

/** The vault image file of the local embed under the cursor, if there is one. */
function imageAtCursor(app: App, editor: Editor, notePath: string): TFile | null {
  const at = editor.posToOffset(editor.getCursor());
  const embed = scanEmbeds(editor.getValue()).find((e) => e.start <= at && at <= e.end && isLocalImageEmbed(e));
  if (!embed) return null;
  const file = app.metadataCache.getFirstLinkpathDest(embed.target, notePath);
  return file && file.extension !== "md" ? file : null;
}

async function runDownload(app: App, notes: TFile[], scope: string, deps: DownloadDeps, signal: AbortSignal): Promise<void> {
  const progress = new Notice("Looking for images to download…", 0);
  try {
    const { downloadImagesBack } = await import("./downloadBack");
    const report = await downloadImagesBack(
      app,
      notes.map((n) => n.path),
      deps.settings(),
      { signal, onProgress: (done, total) => progress.setMessage(`Downloading ${done} of ${total}…`), uploads: await deps.uploads?.() },
    );
    progress.hide();
    new Notice(downloadSummary(report, scope), report.failed > 0 ? 0 : 8000);
  } catch (e) {
    progress.hide();
    new Notice(`${DOWNLOAD}: ${errorText(e)}`, 0);
  }
}

async function runEverywhere(app: App, file: TFile, deps: UploadAllDeps, signal: AbortSignal): Promise<void> {
  const progress = new Notice(`Uploading ${file.name}…`, 0);
  try {
    const { uploadAndLinkEverywhere } = await import("./uploadEverywhere");
    const result = await uploadAndLinkEverywhere(app, file, deps, { signal });
    progress.hide();
    const r = result.report;
    const lines = [
      result.notes.length === 0
        ? `${EVERYWHERE}: no note links ${file.path}; nothing was uploaded.`
        : `${EVERYWHERE} (${file.path}, linked from ${result.notes.length} ${result.notes.length === 1 ? "note" : "notes"}): ${migrationCounts(r)}`,
    ];
    for (const { heading, items } of migrationDetails(r)) lines.push(...bulletList(heading, items));
    if (result.trashed.length > 0) lines.push(`Moved the local copy to the trash.`);
    new Notice(lines.join("\n"), r.failed > 0 ? 0 : 8000);
  } catch (e) {
    progress.hide();
    new Notice(`${EVERYWHERE}: ${errorText(e)}`, 0);
  }
}

/** The end-of-run notice of a download: counts, then what was skipped and what failed. */
export function downloadSummary(r: DownloadReport, scope: string): string {
  if (r.files.length === 0 && r.failures.length === 0 && r.skippedLinks.length === 0) return `${DOWNLOAD}: no image served from your profiles in ${scope}.`;
  const lines = [
    `${DOWNLOAD} (${scope}): ${r.downloaded} downloaded; ${r.rewritten} ${r.rewritten === 1 ? "link" : "links"} rewritten, ${r.skipped} skipped, ${r.failed} failed.`,
  ];
  lines.push(
    ...bulletList(
      "Skipped:",
      r.skippedLinks.map((s) => `${s.note}: ${s.link} — ${s.reason}`),
    ),
    ...bulletList(
      "Failed:",
      r.failures.map((f) => `${f.note}${f.link ? `: ${f.link}` : ""} — ${f.message}`),
    ),
  );
  return lines.join("\n");
}

/**
 * What the commands that act on notes (Upload all, Download back, Rewrite links, Copy to
 * another profile) act on: the active note from the command palette, or a note, a canvas, a
 * folder or the vault (its notes and canvases) from the file menu.
 */
import { TFile, TFolder, type App, type Editor, type Plugin, type TAbstractFile } from "obsidian";

/**
 * The notes a file-menu item acts on: the note itself, or every note in a folder; null for
 * other files. With `canvases`, canvases count as notes too (a canvas, or those in a folder).
 */
export function notesUnder(app: App, file: TAbstractFile, opts: { canvases?: boolean } = {}): TFile[] | null {
  const wanted = (f: TFile): boolean => f.extension === "md" || (opts.canvases === true && f.extension === "canvas");
  if (file instanceof TFile) return wanted(file) ? [file] : null;
  if (!(file instanceof TFolder)) return null;
  const prefix = file.isRoot() ? "" : `${file.path}/`;
  return (opts.canvases ? app.vault.getFiles() : app.vault.getMarkdownFiles()).filter((f) => wanted(f) && f.path.startsWith(prefix));
}

/** Every note and canvas of the vault: what a search for the links to an image must read. */
export function notesAndCanvases(app: App): TFile[] {
  return app.vault.getFiles().filter((f) => f.extension === "md" || f.extension === "canvas");
}

/** A command offered while a markdown note is open in an editor, run on that note. */
export function addActiveNoteCommand(plugin: Plugin, id: string, name: string, run: (note: TFile) => void): void {
  plugin.addCommand({
    id,
    name,
    editorCheckCallback: (checking: boolean, _editor: Editor, ctx: { file: TFile | null }) => {
      const file = ctx.file;
      if (!file || file.extension !== "md") return false;
      if (!checking) run(file);
      return true;
    },
  });
}

/**
 * After "Upload all", or once an attached image is uploaded, the local copies of uploaded
 * images go to the trash when the settings ask for it, but only those nothing needs any more.
 */
import type { App } from "obsidian";
import type { MigrationReport } from "../core/migrate/engine";
import { baseName } from "../core/paths";
import { canvasStrings, isCanvasPath } from "../core/canvas/canvasDocument";
import { openEditor } from "./vaultPorts";

/**
 * Moves uploaded local files to the trash — only those whose every link was rewritten, that
 * no other note links to (by the metadata cache), that no canvas outside the run names, and
 * whose name no longer appears in the rewritten notes outside the new URLs. The last check
 * reads the notes themselves because the metadata cache catches up with a rewrite only a
 * moment later, and because a plain `[[photo.png]]` link, which the run does not rewrite,
 * still needs the file. Canvases are read because the metadata cache is not documented to
 * hold their links; their strings are decoded first, so a JSON escape cannot hide a name.
 */
export async function trashUnlinked(app: App, report: Pick<MigrationReport, "files">): Promise<string[]> {
  const urls = report.files.flatMap((f) => (f.url ? [f.url] : []));
  const texts = new Map<string, string>();
  const canvases = app.vault.getFiles().filter((f) => f.extension === "canvas");
  const textOf = async (note: string): Promise<string> => {
    let text = texts.get(note);
    if (text === undefined) {
      const file = app.vault.getFileByPath(note);
      text = openEditor(app, note)?.getValue() ?? (file ? await app.vault.read(file) : "");
      if (isCanvasPath(note)) text = canvasStrings(text);
      for (const url of urls) text = text.split(url).join(" ");
      text = text.toLowerCase();
      texts.set(note, text);
    }
    return text;
  };

  const trashed: string[] = [];
  for (const f of report.files) {
    if (!f.url || f.remote || f.links === 0 || f.rewritten !== f.links) continue;
    const linkedElsewhere = Object.entries(app.metadataCache.resolvedLinks ?? {}).some(
      ([source, targets]) => !f.notes.includes(source) && (targets[f.path] ?? 0) > 0,
    );
    if (linkedElsewhere) continue;
    const name = baseName(f.path).toLowerCase();
    const spellings = [name, encodeURI(name), encodeURIComponent(name)];
    let mentioned = false;
    for (const note of [...f.notes, ...canvases.filter((c) => !f.notes.includes(c.path)).map((c) => c.path)]) {
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

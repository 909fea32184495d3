/**
 * "Upload and link everywhere": one image file of the vault is uploaded and every link to it,
 * in every note and canvas, becomes its public URL; then the local file follows the trash
 * setting as after "Upload all". The notes that link it come from `metadataCache.resolvedLinks`,
 * which holds notes only; canvases are read for it.
 */
import type { App, TFile } from "obsidian";
import { canvasImages, readCanvas, type CanvasImage } from "../core/canvas/canvasDocument";
import { isLocalImageEmbed } from "../core/markdown";
import { uploadAllLocalImages, type UploadAllDeps, type UploadAllResult } from "./uploadAll";
import { resolveLink } from "./vaultPorts";

/**
 * The notes (by the metadata cache) and canvases that link `file`. A canvas that cannot be
 * read, or whose link could be to either of two files, is among them when it names the file,
 * so that the run reports it rather than pass it over.
 */
export async function notesLinking(app: App, file: TFile): Promise<string[]> {
  const notes = Object.entries(app.metadataCache.resolvedLinks ?? {})
    .filter(([source, targets]) => source.toLowerCase().endsWith(".md") && (targets[file.path] ?? 0) > 0)
    .map(([source]) => source);
  for (const canvas of app.vault.getFiles()) {
    if (canvas.extension !== "canvas") continue;
    const text = await app.vault.cachedRead(canvas);
    const shows = (i: CanvasImage): boolean =>
      i.kind === "file" ? i.path === file.path : isLocalImageEmbed(i.embed) && resolveLink(app, i.embed.target, canvas.path)?.path === file.path;
    try {
      if (canvasImages(readCanvas(text, canvas.path)).some(shows)) notes.push(canvas.path);
    } catch {
      if (text.includes(file.name)) notes.push(canvas.path);
    }
  }
  return notes.sort();
}

/** Uploads `file` and rewrites every link to it; see the module comment. */
export async function uploadAndLinkEverywhere(
  app: App,
  file: TFile,
  deps: UploadAllDeps,
  opts: { signal?: AbortSignal } = {},
): Promise<UploadAllResult & { notes: string[] }> {
  const notes = (await notesLinking(app, file)).map((p) => app.vault.getFileByPath(p)).filter((f): f is TFile => f !== null);
  const result = await uploadAllLocalImages(app, notes, deps, { signal: opts.signal, onlyFiles: new Set([file.path]) });
  return { ...result, notes: notes.map((n) => n.path) };
}

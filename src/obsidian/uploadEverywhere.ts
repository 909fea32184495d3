/**
 * "Upload and link everywhere": one image file of the vault is uploaded and every link to it,
 * in every note, becomes its public URL; then the local file follows the trash setting as
 * after "Upload all". The notes that link it come from `metadataCache.resolvedLinks`.
 */
import type { App, TFile } from "obsidian";
import { uploadAllLocalImages, type UploadAllDeps, type UploadAllResult } from "./uploadAll";

/** The Markdown notes that link `file`, by the metadata cache. */
export function notesLinking(app: App, file: TFile): string[] {
  return Object.entries(app.metadataCache.resolvedLinks ?? {})
    .filter(([source, targets]) => source.toLowerCase().endsWith(".md") && (targets[file.path] ?? 0) > 0)
    .map(([source]) => source)
    .sort();
}

/** Uploads `file` and rewrites every link to it; see the module comment. */
export async function uploadAndLinkEverywhere(
  app: App,
  file: TFile,
  deps: UploadAllDeps,
  opts: { signal?: AbortSignal } = {},
): Promise<UploadAllResult & { notes: string[] }> {
  const notes = notesLinking(app, file)
    .map((p) => app.vault.getFileByPath(p))
    .filter((f): f is TFile => f !== null);
  const result = await uploadAllLocalImages(app, notes, deps, { signal: opts.signal, onlyFiles: new Set([file.path]) });
  return { ...result, notes: notes.map((n) => n.path) };
}

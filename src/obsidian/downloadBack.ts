/**
 * "Download images back" in Obsidian: the download engine (core/download) over the vault.
 * An image goes back to the vault path it was uploaded from when the upload index remembers it
 * and that path is free; otherwise it is saved where Obsidian puts new attachments
 * (`getAvailablePathForAttachment`, which also picks a free name). Links are made with
 * `generateMarkdownLink`, in the vault's style.
 */
import { TFile, type App } from "obsidian";
import { downloadNotes, type DownloadReport } from "../core/download/downloadEngine";
import { titledEmbed } from "../core/download/vaultLinks";
import { folderOf } from "../core/paths";
import type { UploadIndex } from "../core/ports";
import type { PluginSettings } from "../core/settings/settingsModel";
import { asEmbed } from "./attachmentFallback";
import { obsidianPorts } from "./vaultPorts";
import { profileSources, requestUrlFetch } from "./webImages";
import { createOwnBinary } from "./ownFiles";

/** Downloads the images `notes` link from the profiles (every web image with the setting) and relinks them. */
export async function downloadImagesBack(
  app: App,
  notes: string[],
  settings: PluginSettings,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; uploads?: UploadIndex } = {},
): Promise<DownloadReport> {
  const notePorts = obsidianPorts(app, { upload: () => Promise.reject(new Error("a download uploads nothing")) });
  return downloadNotes(
    notes,
    {
      readNote: (note) => notePorts.readNote(note),
      rewriteNote: (note, edit) => notePorts.rewriteNote(note, edit),
      fetch: requestUrlFetch,
      async save(bytes, name, note, uploadedFrom) {
        const copy = new Uint8Array(bytes.byteLength);
        copy.set(bytes);
        if (uploadedFrom !== undefined) {
          const back = await saveBack(app, uploadedFrom, copy);
          if (back !== undefined) return back;
        }
        const path = await app.fileManager.getAvailablePathForAttachment(name, note);
        // createBinary fails rather than replace a file that is there.
        const file = await createOwnBinary(app.vault, path, copy.buffer);
        return file.path;
      },
      embedFor(path, note, alias, title) {
        const file = app.vault.getAbstractFileByPath(path);
        if (!(file instanceof TFile)) throw new Error(`"${path}" is no longer in the vault`);
        if (title !== undefined && title !== "") return titledEmbed(app.metadataCache.fileToLinktext(file, note, false), alias, title);
        return asEmbed(app.fileManager.generateMarkdownLink(file, note, undefined, alias === "" ? undefined : alias));
      },
    },
    {
      sources: profileSources(settings),
      allRemote: settings.downloadAllWebImages,
      concurrency: settings.concurrency,
      signal: opts.signal,
      onProgress: opts.onProgress,
      uploads: opts.uploads,
    },
  );
}

/**
 * Puts `bytes` at `path`, the vault path they were uploaded from: a new file when the path is
 * free (its folders made as needed), or the file there when it holds these same bytes. Undefined
 * when a file with other bytes, or a folder, has the path, or it cannot be created there (a file
 * whose name differs only in case on a case-insensitive disk): the image then goes where new
 * attachments go. Nothing is ever replaced.
 */
async function saveBack(app: App, path: string, bytes: Uint8Array<ArrayBuffer>): Promise<string | undefined> {
  const there = app.vault.getAbstractFileByPath(path);
  if (there instanceof TFile) return sameBytes(new Uint8Array(await app.vault.readBinary(there)), bytes) ? there.path : undefined;
  if (there !== null) return undefined;
  try {
    const folder = folderOf(path);
    if (folder !== "" && app.vault.getAbstractFileByPath(folder) === null) await app.vault.createFolder(folder);
    return (await createOwnBinary(app.vault, path, bytes.buffer)).path;
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

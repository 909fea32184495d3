/**
 * "Download images back" in Obsidian: the download engine (core/download) over the vault.
 * Images are saved where Obsidian puts new attachments (`getAvailablePathForAttachment`,
 * which also picks a free name) and linked with `generateMarkdownLink`, in the vault's style.
 */
import { TFile, type App } from "obsidian";
import { downloadNotes, type DownloadReport } from "../core/download/downloadEngine";
import { titledEmbed } from "../core/download/vaultLinks";
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
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<DownloadReport> {
  const notePorts = obsidianPorts(app, { upload: () => Promise.reject(new Error("a download uploads nothing")) });
  return downloadNotes(
    notes,
    {
      readNote: (note) => notePorts.readNote(note),
      rewriteNote: (note, edit) => notePorts.rewriteNote(note, edit),
      fetch: requestUrlFetch,
      async save(bytes, name, note) {
        const path = await app.fileManager.getAvailablePathForAttachment(name, note);
        const copy = new Uint8Array(bytes.byteLength);
        copy.set(bytes);
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
    },
  );
}

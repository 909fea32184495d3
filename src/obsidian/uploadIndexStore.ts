/**
 * Where the plugin keeps its upload index: a line file of its own in the plugin's folder
 * (`upload-index.txt` beside data.json), read and written through the vault adapter, which
 * reaches the config folder on desktop and mobile alike.
 */
import type { DataAdapter } from "obsidian";
import type { IndexFilePort } from "../core/settings/uploadIndexFile";

/** The index file's name in the plugin's folder. */
export const UPLOAD_INDEX_FILE = "upload-index.txt";

/** The index file at `path` over the vault adapter. */
export function adapterIndexFile(adapter: Pick<DataAdapter, "exists" | "read" | "write" | "append">, path: string): IndexFilePort {
  return {
    read: async () => ((await adapter.exists(path)) ? adapter.read(path) : null),
    write: (text) => adapter.write(path, text),
    // The API does not say that `append` creates a missing file (BEHAVIOURS.md A2): the first
    // record of a new file is written instead.
    append: async (text) => ((await adapter.exists(path)) ? adapter.append(path, text) : adapter.write(path, text)),
  };
}

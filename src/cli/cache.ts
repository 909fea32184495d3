import { promises as fs } from "node:fs";
import * as path from "node:path";
import { MemoryUploadIndex } from "../core/uploadIndex";
import { writeFileAtomic } from "./fsPorts";

/** The upload index of the command-line tool, kept in a JSON file between runs. */
export interface UploadCache {
  index: MemoryUploadIndex;
  /** Writes the index if it changed since it was read; creates the folder if needed. */
  save(): Promise<void>;
}

/**
 * Opens the cache file. A missing or unreadable file starts an empty index: the cache only
 * saves requests (the uploader still checks that a remembered object exists before
 * linking to it), so losing it must never stop a run.
 */
export async function openUploadCache(file: string): Promise<UploadCache> {
  let data: unknown;
  try {
    data = JSON.parse(await fs.readFile(file, "utf8"));
  } catch {
    data = undefined;
  }
  let dirty = false;
  let index: MemoryUploadIndex;
  try {
    index = new MemoryUploadIndex(data as never, { onChange: () => (dirty = true) });
  } catch {
    index = new MemoryUploadIndex(undefined, { onChange: () => (dirty = true) });
  }
  return {
    index,
    async save() {
      if (!dirty) return;
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Not flushed to disk first: a cache lost to a power cut only costs the next run some checks.
      await writeFileAtomic(file, `${JSON.stringify(index.toJSON())}\n`, { durable: false });
      dirty = false;
    },
  };
}

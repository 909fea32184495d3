import { closeSync, mkdirSync, openSync, promises as fs, writeSync } from "node:fs";
import { Buffer } from "node:buffer";
import * as path from "node:path";
import type { UploadIndex } from "../core/ports";
import { MemoryUploadIndex, storedSizeAndMd5, type UploadIndexData } from "../core/settings/uploadIndex";
import { writeFileAtomic } from "./fsPorts";

/** The upload index of the command-line tool, kept in a JSON file between runs. */
export interface UploadCache {
  index: UploadIndex;
  /** Folds the run's records into the JSON file and empties the journal; creates the folder if needed. */
  save(): Promise<void>;
}

/**
 * Opens the cache file. A missing or unreadable file starts an empty index: the cache only
 * saves requests (the uploader still checks that a remembered object exists before
 * linking to it), so losing it must never stop a run.
 *
 * Each upload is recorded the moment it is made, as one line appended to a journal next to
 * the file (`<file>.journal`), so a run that is killed loses none of them: the next run
 * reads the journal after the file and finds every image already in the bucket instead of
 * uploading it again. `save` folds the journal into the file at the end of a run.
 */
export async function openUploadCache(file: string): Promise<UploadCache> {
  const journal = `${file}.journal`;
  const memory = new MemoryUploadIndex(await readJson(file));
  const journalText = await readText(journal);
  const unfolded = replay(journalText, memory);
  // A line cut short (a disk that filled up, a power cut) must not swallow the next record.
  let lineBreak = journalText === "" || journalText.endsWith("\n") ? "" : "\n";
  let changed = false;
  let journaling = true;
  // Open from the first record to the save, rather than opened and closed for each line.
  let journalFd: number | undefined;

  const index: UploadIndex = {
    get: (scope, sha256) => memory.get(scope, sha256),
    set(scope, sha256, record) {
      memory.set(scope, sha256, record);
      changed = true;
      if (!journaling) return;
      try {
        if (journalFd === undefined) {
          mkdirSync(path.dirname(file), { recursive: true });
          journalFd = openSync(journal, "a");
        }
        // Synchronous and unbuffered: the line is in the kernel's hands before the upload is
        // reported done, so even SIGKILL cannot lose it.
        // [scope, sha256, key, at, stored sha256 or null, vault path or null, stored size, stored MD5]:
        // the fields at the end left out when empty. A version that knows six fields skips a
        // line of eight (it uploads nothing twice: the stored bytes have a record of their own).
        const entry: unknown[] = [scope, sha256, record.key, record.at];
        const stats = storedSizeAndMd5(record);
        if (record.sha256 !== undefined || record.path || stats.md5 !== undefined) entry.push(record.sha256 ?? null);
        if (record.path || stats.md5 !== undefined) entry.push(record.path || null);
        if (stats.md5 !== undefined) entry.push(stats.size, stats.md5);
        const line = Buffer.from(`${lineBreak}${JSON.stringify(entry)}\n`);
        for (let n = 0; n < line.length;) n += writeSync(journalFd, line, n);
        lineBreak = "";
      } catch {
        // The file is still written at the end of the run; only a crash would lose records.
        journaling = false;
      }
    },
  };

  return {
    index,
    async save() {
      if (journalFd !== undefined) {
        closeSync(journalFd);
        journalFd = undefined;
      }
      if (!changed && !unfolded) return;
      // Another run sharing this cache may have saved or journaled since this one started:
      // its records are kept, and where both know a hash the newer record wins.
      const merged = new MemoryUploadIndex(await readJson(file));
      replay(await readText(journal), merged);
      for (const [scope, records] of Object.entries(memory.toJSON())) {
        for (const [sha256, record] of Object.entries(records)) {
          const known = merged.get(scope, sha256);
          if (known === undefined || known.at <= record.at) merged.set(scope, sha256, record);
        }
      }
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Not flushed to disk first: a cache lost to a power cut only costs the next run some checks.
      await writeFileAtomic(file, `${JSON.stringify(merged.toJSON())}\n`, { durable: false });
      // A record another run appends between the read above and this removal is lost; that
      // only costs an upload of bytes the bucket already has.
      await fs.rm(journal, { force: true });
      changed = false;
    },
  };
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch {
    return "";
  }
}

/** The file's JSON, unchecked: `MemoryUploadIndex` keeps only well-formed records of it. */
async function readJson(file: string): Promise<UploadIndexData | undefined> {
  try {
    return JSON.parse(await readText(file)) as UploadIndexData;
  } catch {
    return undefined;
  }
}

/**
 * Applies the journal's records to `index`; returns whether it held any. A line that is not
 * a whole record (the last one of a run killed mid-write, a hand edit) is skipped.
 */
function replay(text: string, index: MemoryUploadIndex): boolean {
  let any = false;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    any = true;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    // Fields after the eighth are a later version's, and ignored.
    if (!Array.isArray(entry) || entry.length < 4) continue;
    const [scope, sha256, key, at, stored, from, size, md5] = entry as unknown[];
    if (typeof scope !== "string" || typeof sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(sha256)) continue;
    if (typeof key !== "string" || key === "" || typeof at !== "number" || !Number.isFinite(at)) continue;
    index.set(scope, sha256, {
      key,
      at,
      ...(typeof stored === "string" && { sha256: stored, ...storedSizeAndMd5({ sha256: stored, size, md5 }) }),
      ...(typeof from === "string" && from !== "" && { path: from }),
    });
  }
  return any;
}

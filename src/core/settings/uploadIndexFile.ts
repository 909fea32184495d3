/**
 * The plugin's upload index in a file of its own, one line per record, so that remembering an
 * upload appends a line instead of rewriting data.json with every record in it.
 *
 * The format, one entry a line:
 *
 *     @<scope id> <scope as a JSON string>
 *     <scope id> <SHA-256, 64 hex digits> <epoch ms, base 36>[:<SHA-256 stored>[:<size, base 36>:<MD5>]] [<path as a JSON string> ]<key>
 *
 * The second SHA-256, when present, is of the bytes stored at the key where they differ from
 * the bytes the record is filed under (an image converted before upload is filed under its
 * original and the conversion's settings). The size and MD5 (32 hex digits) after it are of
 * the same stored bytes, so that a bucket listing can vouch for the object; further `:` fields
 * after the MD5 are ignored, for a later version to add more. A version that knows only the
 * second SHA-256 skips a line with size and MD5, as any line it cannot read: it does not know
 * that record (it prepares that image again and finds the bytes stored by their own record),
 * and drops the line when it rewrites the file. The path, when present, is the vault path of the
 * file uploaded; a record without one (a pasted image, a line of an older version) reads as
 * before. A version that does not know the path skips such a line, as any line it cannot read.
 * The scope id is a hash of the scope (the bucket), the same on every device, so a line means
 * the same wherever it is read. A key is written as it is unless it holds a line break or
 * starts with `"`; then it is a JSON string. Lines are independent: two devices that each
 * appended records to their copy merge by keeping the lines of both, in any order (where both
 * know a hash, the newer record wins). A line that cannot be read (cut short, edited by hand,
 * a record whose scope line is missing) is skipped and costs only that record.
 *
 * The file is read when the index is first needed, never at start-up. When most of its lines
 * are stale (records replaced by newer ones, unreadable lines), it is rewritten with the live
 * records only.
 */
import type { UploadIndex, UploadRecord } from "../ports";
import { storedSizeAndMd5, type UploadIndexData } from "./uploadIndex";

/** The file, as the index needs it (the vault adapter in Obsidian, memory in tests). */
export interface IndexFilePort {
  /** The file's text; null when there is no file. */
  read(): Promise<string | null>;
  /** Replaces the whole file. */
  write(text: string): Promise<void>;
  /** Adds text at the end, creating the file if needed. */
  append(text: string): Promise<void>;
}

export interface FileUploadIndexOptions {
  /**
   * Records kept elsewhere by an older version (data.json's `uploadIndex`), folded into the file
   * on first load. `done` is called once the file holding them is written, and only then.
   */
  migrateFrom?: () => { data: UploadIndexData; done: () => Promise<void> | void } | undefined;
  /** Called when the file could not be read or written; the index keeps working from memory. */
  onError?: (e: unknown) => void;
  /**
   * Lets other work run while a large file is read (Obsidian's editor, on the first upload):
   * awaited between slices of about `READ_SLICE_CHARS` of text and `READ_SLICE_RECORDS`
   * records. Without it the file is read in one go.
   */
  pause?: () => Promise<void>;
}

/** How much of the file is read between two pauses: about 2,000 records of the default template. */
const READ_SLICE_CHARS = 256 * 1024;
const READ_SLICE_RECORDS = 2000;

/** Stale lines beyond this many, and beyond the live records, get the file rewritten. */
const COMPACT_MIN_STALE = 64;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** An `UploadIndex` kept in an append-only line file (see the module comment). */
export class FileUploadIndex implements UploadIndex {
  private readonly scopes = new Map<string, Map<string, UploadRecord>>();
  /** Scope ids whose `@` line the file holds (or will, once the queued appends are written). */
  private readonly defined = new Set<string>();
  private loading: Promise<void> | undefined;
  private ready = false;
  /** Lines to append once loaded; a write chain keeps appends in order. */
  private queued = "";
  private writing: Promise<void> = Promise.resolve();
  /** The file ended without a line break: the next append starts a new line first. */
  private openLine = false;
  /** The last append failed (cleared by the next one that succeeds). */
  private appendFailed = false;

  constructor(
    private readonly file: IndexFilePort,
    private readonly options: FileUploadIndexOptions = {},
  ) {}

  /** Reads the file (once; later calls wait for the same read). Never rejects. */
  load(): Promise<void> {
    // A file that cannot be read leaves the index to work from memory, and records still go
    // to the end of the file; a failed migration keeps the old records where they were.
    this.loading ??= this.readFile()
      .catch((e: unknown) => this.options.onError?.(e))
      .then(() => {
        this.ready = true;
        if (this.queued !== "") this.writeQueued();
      });
    return this.loading;
  }

  /** The file has been read (or could not be). */
  get loaded(): boolean {
    return this.ready;
  }

  get(scope: string, sha256: string): UploadRecord | undefined {
    const record = this.scopes.get(scope)?.get(sha256.toLowerCase());
    return record ? { ...record } : undefined;
  }

  set(scope: string, sha256: string, record: UploadRecord): void {
    const hash = sha256.toLowerCase();
    if (!SHA256_HEX.test(hash) || record.key === "" || !Number.isFinite(record.at)) return;
    this.remember(scope, hash, kept(hash, record));
    const id = scopeId(scope);
    if (!this.defined.has(id)) {
      this.defined.add(id);
      this.queued += scopeLine(id, scope);
    }
    this.queued += recordLine(id, hash, record);
    if (this.ready) this.writeQueued();
  }

  /** Number of records. */
  get size(): number {
    let n = 0;
    for (const records of this.scopes.values()) n += records.size;
    return n;
  }

  /** Resolves once every record set so far is in the file (or failed to be written). */
  async flush(): Promise<void> {
    await this.load();
    await this.writing;
  }

  private remember(scope: string, hash: string, record: UploadRecord): boolean {
    let records = this.scopes.get(scope);
    if (!records) this.scopes.set(scope, (records = new Map<string, UploadRecord>()));
    const known = records.get(hash);
    if (known && known.at > record.at) return false;
    records.set(hash, record);
    return true;
  }

  private async readFile(): Promise<void> {
    const text = (await this.file.read()) ?? "";
    const { pause } = this.options;
    const reader = new IndexLines();
    if (pause === undefined) reader.read(text, 0, text.length);
    else {
      for (let from = 0; from < text.length;) {
        const lineEnd = text.indexOf("\n", Math.min(text.length, from + READ_SLICE_CHARS));
        const to = lineEnd < 0 ? text.length : lineEnd + 1;
        reader.read(text, from, to);
        from = to;
        if (from < text.length) await pause();
      }
    }
    const parsed = reader.result();
    for (const id of parsed.scopes.keys()) this.defined.add(id);
    for (let i = 0; i < parsed.records.length; i++) {
      // A record set while the file is read is newer than the file's: remember keeps it.
      if (pause !== undefined && i > 0 && i % READ_SLICE_RECORDS === 0) await pause();
      const r = parsed.records[i];
      this.remember(r.scope, r.sha256, {
        key: r.key,
        at: r.at,
        ...(r.stored !== undefined && { sha256: r.stored }),
        ...(r.size !== undefined && r.md5 !== undefined && { size: r.size, md5: r.md5 }),
        ...(r.path !== undefined && { path: r.path }),
      });
    }
    this.openLine = text !== "" && !text.endsWith("\n");
    const stale = parsed.lines - this.size - this.defined.size;

    const migration = this.options.migrateFrom?.();
    let migrated = false;
    if (migration) {
      for (const [scope, records] of Object.entries(migration.data)) {
        for (const [hash, record] of Object.entries(records)) if (this.remember(scope, hash, record)) migrated = true;
      }
    }
    if (migrated || (stale >= COMPACT_MIN_STALE && stale > this.size)) {
      // Queued records are in memory too, so the rewrite holds them.
      this.queued = "";
      this.openLine = false;
      await this.file.write(this.serialize());
    }
    if (migration) await migration.done();
  }

  /**
   * Folds records kept elsewhere into the file after it was loaded (data.json synced from a
   * device with an older version); resolves once they are written, rejects if they were not.
   */
  async absorb(data: UploadIndexData): Promise<void> {
    await this.load();
    for (const [scope, records] of Object.entries(data)) {
      for (const [hash, record] of Object.entries(records)) {
        const known = this.get(scope, hash);
        if (!known || known.at < record.at) this.set(scope, hash, record);
      }
    }
    await this.writing;
    if (this.appendFailed) throw new Error("the upload index file could not be written");
  }

  /** Every live record, with the scope lines they need. */
  private serialize(): string {
    this.defined.clear();
    let out = "";
    for (const [scope, records] of this.scopes) {
      if (records.size === 0) continue;
      const id = scopeId(scope);
      this.defined.add(id);
      out += scopeLine(id, scope);
      for (const [hash, record] of records) out += recordLine(id, hash, record);
    }
    return out;
  }

  private writeQueued(): void {
    const text = (this.openLine ? "\n" : "") + this.queued;
    this.queued = "";
    this.openLine = false;
    this.writing = this.writing
      .then(() => this.file.append(text))
      .then(
        () => {
          this.appendFailed = false;
        },
        (e: unknown) => {
          this.appendFailed = true;
          this.options.onError?.(e);
        },
      );
  }
}

/** What a file holds: scope lines, records (scope resolved) and its number of non-empty lines. */
export function parseIndexFile(text: string): {
  scopes: Map<string, string>;
  records: ParsedRecord[];
  lines: number;
} {
  const reader = new IndexLines();
  reader.read(text, 0, text.length);
  return reader.result();
}

/** Reads an index file's lines a part at a time (`read`), then resolves each record's scope (`result`). */
class IndexLines {
  private readonly scopes = new Map<string, string>();
  private readonly raw: (Omit<ParsedRecord, "scope"> & { id: string })[] = [];
  private lines = 0;

  /** Reads the lines of `text` from `from` up to `to`, a line's start or the end of the text. */
  read(text: string, from: number, to: number): void {
    const { scopes, raw } = this;
    let start = from;
    // Fields are found by position in the text, not by splitting it: a file of 50,000 records is
    // read on the first upload, which should not wait for it.
    while (start < to) {
      let end = text.indexOf("\n", start);
      if (end < 0 || end > to) end = to;
      const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      const lineStart = start;
      start = end + 1;
      if (lineEnd === lineStart) continue;
      this.lines++;
      const a = text.indexOf(" ", lineStart);
      if (a <= lineStart || a >= lineEnd) continue;
      if (text.charCodeAt(lineStart) === 64 /* @ */) {
        const id = text.slice(lineStart + 1, a);
        const scope = parseKey(text.slice(a + 1, lineEnd));
        // A scope line is trusted only when its id is the scope's own.
        if (scope !== undefined && !scopes.has(id) && scopeId(scope) === id) scopes.set(id, scope);
        continue;
      }
      const b = a + 65;
      if (b >= lineEnd || text.charCodeAt(b) !== 32 || !isLowerHex(text, a + 1, b)) continue;
      const c = text.indexOf(" ", b + 1);
      if (c < 0 || c >= lineEnd) continue;
      // The time ends at a colon within its 11 digits, or at the space. Looked for only there:
      // searching the text for the next colon would cross every later line that has none.
      let atEnd = c;
      for (let i = b + 1; i < c && i <= b + 12; i++) {
        if (text.charCodeAt(i) === 58 /* : */) {
          atEnd = i;
          break;
        }
      }
      if (atEnd - b - 1 > 11 || !isBase36(text, b + 1, atEnd)) continue;
      let stored: string | undefined;
      let sizeAndMd5: { size: number; md5: string } | undefined;
      if (atEnd !== c) {
        const s = atEnd + 1;
        if (c - s < 64 || !isLowerHex(text, s, s + 64) || (c > s + 64 && text.charCodeAt(s + 64) !== 58)) continue;
        stored = text.slice(s, s + 64);
        if (c > s + 64) {
          sizeAndMd5 = parseSizeAndMd5(text.slice(s + 65, c));
          if (sizeAndMd5 === undefined) continue;
        }
      }
      const rest = pathAndKey(text.slice(c + 1, lineEnd));
      if (rest === undefined) continue;
      const { key, path } = rest;
      raw.push({ id: text.slice(lineStart, a), sha256: text.slice(a + 1, b), key, at: parseInt(text.slice(b + 1, atEnd), 36), stored, ...sizeAndMd5, path });
    }
  }

  /** Scope lines, the records whose scope line was read (wherever it was), and the number of non-empty lines. */
  result(): { scopes: Map<string, string>; records: ParsedRecord[]; lines: number } {
    const { scopes } = this;
    const records: ParsedRecord[] = [];
    // A record is kept only with its scope line, wherever that line is (a merge may put it after).
    for (const r of this.raw) {
      const scope = scopes.get(r.id);
      if (scope !== undefined)
        records.push({
          scope,
          sha256: r.sha256,
          key: r.key,
          at: r.at,
          ...(r.stored !== undefined && { stored: r.stored }),
          ...(r.size !== undefined && r.md5 !== undefined && { size: r.size, md5: r.md5 }),
          ...(r.path !== undefined && { path: r.path }),
        });
    }
    return { scopes, records, lines: this.lines };
  }
}

/** One record line as read: `stored`, `size` and `md5` are of the bytes at the key. */
interface ParsedRecord {
  scope: string;
  sha256: string;
  key: string;
  at: number;
  stored?: string;
  size?: number;
  md5?: string;
  path?: string;
}

/** `<size, base 36>:<MD5>[:<fields of a later version>]`; undefined when not so. */
function parseSizeAndMd5(text: string): { size: number; md5: string } | undefined {
  const [size, md5] = text.split(":", 2);
  if (size === undefined || md5 === undefined || size.length > 11 || !isBase36(size, 0, size.length)) return undefined;
  if (md5.length !== 32 || !isLowerHex(md5, 0, 32)) return undefined;
  return { size: parseInt(size, 36), md5 };
}

function isLowerHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isBase36(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

function scopeLine(id: string, scope: string): string {
  return `@${id} ${JSON.stringify(scope)}\n`;
}

function recordLine(id: string, hash: string, record: UploadRecord): string {
  const known = kept(hash, record);
  const stored = known.sha256 === undefined ? "" : known.size === undefined ? `:${known.sha256}` : `:${known.sha256}:${known.size.toString(36)}:${known.md5}`;
  const path = record.path ? `${JSON.stringify(record.path)} ` : "";
  return `${id} ${hash} ${Math.max(0, Math.round(record.at)).toString(36)}${stored} ${path}${keyText(record.key)}\n`;
}

/** What a record line keeps of `record` filed under `hash`: what `recordLine` writes, so memory and file agree. */
function kept(hash: string, record: UploadRecord): UploadRecord {
  return {
    key: record.key,
    at: record.at,
    ...(record.sha256 !== undefined && SHA256_HEX.test(record.sha256) && record.sha256 !== hash && { sha256: record.sha256, ...storedSizeAndMd5(record) }),
    ...(record.path && { path: record.path }),
  };
}

/**
 * The key, and the path before it when there is one, of the text after the time. A path is
 * always a JSON string followed by a space; a key is itself, or a JSON string ending the line.
 */
function pathAndKey(text: string): { key: string; path?: string } | undefined {
  if (!text.startsWith('"')) return text === "" ? undefined : { key: text };
  const end = jsonStringEnd(text);
  if (end < 0) return undefined;
  const first = parseKey(text.slice(0, end));
  if (first === undefined || first === "") return undefined;
  if (end === text.length) return { key: first };
  if (text.charCodeAt(end) !== 32) return undefined;
  const key = parseKey(text.slice(end + 1));
  return key === undefined || key === "" ? undefined : { key, path: first };
}

/** Where the JSON string that `text` starts with ends (just after its closing quote), or -1. */
function jsonStringEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* backslash */) i++;
    else if (c === 34 /* " */) return i + 1;
  }
  return -1;
}

/** A key as written: itself, unless it could not be read back so (a line break, a leading quote). */
function keyText(key: string): string {
  return /[\r\n]/.test(key) || key.startsWith('"') ? JSON.stringify(key) : key;
}

function parseKey(text: string): string | undefined {
  if (!text.startsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

const scopeIds = new Map<string, string>();

/** A short id for a scope, the same on every device (cyrb53, base 36). */
export function scopeId(scope: string): string {
  let id = scopeIds.get(scope);
  if (id === undefined) {
    id = cyrb53(scope);
    // A vault uses a handful of buckets; the bound only guards against a file full of them.
    if (scopeIds.size >= 256) scopeIds.clear();
    scopeIds.set(scope, id);
  }
  return id;
}

function cyrb53(scope: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < scope.length; i++) {
    const ch = scope.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The upload index as plain data, so it can live in data.json or in the tool's cache file. */
import type { UploadIndex, UploadRecord } from "../ports";

/** scope → SHA-256 → record, exactly as stored in `PluginSettings.uploadIndex`. */
export type UploadIndexData = Record<string, Record<string, UploadRecord>>;

export interface MemoryUploadIndexOptions {
  /** Called after every change, so the owner can persist the data. */
  onChange?: () => void;
}

/**
 * An `UploadIndex` over a plain object. The data it is given is copied and cleaned
 * (it may come from a hand-edited or older file), and `toJSON()` returns the live data,
 * so `settings.uploadIndex = index.toJSON()` once keeps both in step.
 */
export class MemoryUploadIndex implements UploadIndex {
  private readonly data: UploadIndexData;
  private readonly onChange?: () => void;

  constructor(data?: UploadIndexData, options: MemoryUploadIndexOptions = {}) {
    this.data = cleanUploadIndexData(data);
    this.onChange = options.onChange;
  }

  get(scope: string, sha256: string): UploadRecord | undefined {
    const records = own(this.data, scope);
    const record = records && own(records, sha256.toLowerCase());
    return record ? { ...record } : undefined;
  }

  set(scope: string, sha256: string, record: UploadRecord): void {
    const records = own(this.data, scope) ?? (this.data[scope] = {});
    records[sha256.toLowerCase()] = cleanRecord(record) ?? { key: record.key, at: record.at };
    this.onChange?.();
  }

  /** Forgets one upload, e.g. when the object turned out to be gone from the bucket. */
  delete(scope: string, sha256: string): boolean {
    const records = own(this.data, scope);
    const hash = sha256.toLowerCase();
    if (!records || !own(records, hash)) return false;
    delete records[hash];
    if (Object.keys(records).length === 0) delete this.data[scope];
    this.onChange?.();
    return true;
  }

  /** Number of remembered uploads across all buckets. */
  get size(): number {
    return Object.values(this.data).reduce((n, records) => n + Object.keys(records).length, 0);
  }

  /** The live data, ready for `JSON.stringify`. */
  toJSON(): UploadIndexData {
    return this.data;
  }
}

/**
 * A clean copy of stored index data: anything that is not a SHA-256 mapped to
 * `{ key: string, at: number }` is dropped rather than trusted. A record's optional
 * `sha256` (see `UploadRecord`) is kept when well formed, and otherwise the record is
 * dropped: it would claim the wrong bytes. Its optional `path` is kept when it is text.
 */
export function cleanUploadIndexData(raw: unknown): UploadIndexData {
  const out: UploadIndexData = {};
  if (!isPlainObject(raw)) return out;
  for (const [scope, records] of Object.entries(raw)) {
    if (!isPlainObject(records)) continue;
    const clean: Record<string, UploadRecord> = {};
    for (const [hash, record] of Object.entries(records)) {
      const kept = SHA256_HEX.test(hash) ? cleanRecord(record) : undefined;
      if (kept) clean[hash.toLowerCase()] = kept;
    }
    if (Object.keys(clean).length > 0) out[scope] = clean;
  }
  return out;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * `{ key, at }`, a well-formed `sha256` of the stored bytes (with their `size` and `md5`, see
 * `storedSizeAndMd5`) and the vault `path` uploaded from, or undefined when not a record. A
 * `path` that is not a non-empty string is left out.
 */
function cleanRecord(record: unknown): UploadRecord | undefined {
  if (!isPlainObject(record)) return undefined;
  const { key, at, sha256, path } = record;
  if (typeof key !== "string" || key === "" || typeof at !== "number" || !Number.isFinite(at)) return undefined;
  const from = typeof path === "string" && path !== "" ? { path } : {};
  if (sha256 === undefined) return { key, at, ...from };
  // A record that names the stored bytes wrongly is dropped: it could only lead to the wrong object.
  return typeof sha256 === "string" && SHA256_HEX.test(sha256) ? { key, at, sha256: sha256.toLowerCase(), ...storedSizeAndMd5(record), ...from } : undefined;
}

const MD5_HEX = /^[0-9a-fA-F]{32}$/;

/**
 * The stored bytes' `size` and `md5` of a record, both or neither: either alone vouches for
 * nothing. Kept only beside a `sha256` of the stored bytes, which a listing's answer is checked
 * against; a malformed pair is left out (the record still reads, and is checked as before).
 */
export function storedSizeAndMd5(record: { sha256?: unknown; size?: unknown; md5?: unknown }): { size: number; md5: string } | Record<string, never> {
  const { sha256, size, md5 } = record;
  if (sha256 === undefined || typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return {};
  return typeof md5 === "string" && MD5_HEX.test(md5) ? { size, md5: md5.toLowerCase() } : {};
}

/** Own properties only: a scope named `constructor` must not find Object.prototype's. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

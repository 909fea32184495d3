/**
 * In-memory ports for the migration engine's orchestration tests: notes and files in maps,
 * link resolution by the real `VaultPathIndex`, and an uploader the test controls (it can
 * hold an upload until the test releases it, and it measures how many run at once).
 * Uploads themselves are tested against a real S3 server in tests/integration.
 */
import { UploadError } from "../../src/core/errors";
import { VaultPathIndex } from "../../src/core/migrate/vaultPathIndex";
import type { MigrationPorts } from "../../src/core/migrate/engine";
import type { ImageUploader } from "../../src/core/ports";
import { applyTextChanges } from "../../src/core/apply/textChanges";
import type { Asset, StoredAsset } from "../../src/core/types";

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Lets the engine run until it waits on something the test controls (a held upload, a
 * manual timer). Everything else here settles in promise callbacks, and all of those run
 * before the event loop's next check phase, so this does not depend on how fast or how
 * loaded the machine is, as a wait of some milliseconds would.
 */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A timer port the test fires by hand, so a batch written "after flushIntervalMs" is written when the test says. */
export function manualTimer(): { setTimer: (fn: () => void, ms: number) => () => void; pending(): number; fire(): void } {
  const timers = new Set<() => void>();
  return {
    setTimer: (fn) => {
      timers.add(fn);
      return () => timers.delete(fn);
    },
    pending: () => timers.size,
    fire: () => {
      const due = [...timers];
      timers.clear();
      for (const fn of due) fn();
    },
  };
}

export const urlFor = (path: string): string => `https://cdn.test/${encodeURIComponent(path)}`;

export class MemoryVault {
  readonly notes = new Map<string, string>();
  readonly files = new Map<string, Uint8Array>();
  readonly reads: string[] = [];
  readonly uploads: Asset[] = [];
  readonly rewrites: string[] = [];
  /** Files whose upload waits for `release(path)`. */
  readonly holds = new Map<string, Deferred>();
  /** Files whose upload is rejected with this error. */
  readonly refuse = new Map<string, Error>();
  /** Paths already "in the bucket": uploads of them answer `reused: true`. */
  readonly inBucket = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;
  /** Files whose upload has settled (resolved or rejected). */
  readonly settled = new Set<string>();
  /** Each `releaseFile`: the file, and whether its upload had settled by then. */
  readonly releases: { path: string; afterUpload: boolean }[] = [];
  /** Called inside `rewriteNote` before the atomic callback, to let a test act in between. */
  beforeRewrite?: (notePath: string) => Promise<void> | void;

  constructor(notes: Record<string, string>, files: Record<string, Uint8Array | string>) {
    for (const [p, t] of Object.entries(notes)) this.notes.set(p, t);
    for (const [p, b] of Object.entries(files)) this.files.set(p, typeof b === "string" ? new TextEncoder().encode(b) : b);
  }

  hold(path: string): Deferred {
    const d = deferred();
    this.holds.set(path, d);
    return d;
  }

  uploader(): ImageUploader {
    return {
      upload: async (asset: Asset): Promise<StoredAsset> => {
        this.uploads.push(asset);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          const path = this.pathOf(asset);
          // Finishes in a later turn than it started, as a request does, without a timer.
          await Promise.resolve();
          await this.holds.get(path)?.promise;
          const refusal = this.refuse.get(path);
          if (refusal) throw refusal;
          return { key: path, url: urlFor(path), reused: this.inBucket.has(path), sha256: "0".repeat(64) };
        } finally {
          this.inFlight--;
          this.settled.add(this.pathOf(asset));
        }
      },
    };
  }

  /** The vault path an uploaded asset came from (its bytes are unique per file in these tests). */
  private pathOf(asset: Asset): string {
    for (const [p, b] of this.files) if (b === asset.bytes) return p;
    throw new Error(`upload of bytes that were never read: ${asset.name}`);
  }

  ports(): MigrationPorts {
    const index = new VaultPathIndex([...this.notes.keys(), ...this.files.keys()]);
    return {
      readNote: async (p) => {
        const t = this.notes.get(p);
        if (t === undefined) throw new Error(`no note ${p}`);
        return t;
      },
      rewriteNote: async (p, edit) => {
        await this.beforeRewrite?.(p);
        const t = this.notes.get(p);
        if (t === undefined) throw new Error(`no note ${p}`);
        this.rewrites.push(p);
        this.notes.set(p, applyTextChanges(t, edit(t)));
      },
      resolve: (link, note) => index.resolve(link, note),
      exactFile: (p) => (this.files.has(p) || this.notes.has(p) ? p : null),
      readFile: async (p) => {
        this.reads.push(p);
        const b = this.files.get(p);
        if (b === undefined) throw new Error(`ENOENT ${p}`);
        return b;
      },
      releaseFile: (b) => {
        const path = [...this.files].find(([, bytes]) => bytes === b)?.[0] ?? "(bytes never read)";
        this.releases.push({ path, afterUpload: this.settled.has(path) });
      },
      uploader: this.uploader(),
    };
  }
}

export { UploadError };

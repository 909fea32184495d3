/**
 * One uploader (one S3 client) per profile, created on first use and replaced when the
 * profile, the credentials or the limits change. Notes whose rules send them to different
 * profiles each keep their profile's client. A replaced uploader is destroyed only after
 * its last upload has finished, so changing a setting never breaks an upload in flight.
 */
import type { ImageUploader, RunUploader } from "../core/ports";
import type { Asset, Credentials, Profile, StoredAsset } from "../core/types";

/** Everything an uploader is built from. */
export interface UploaderConfig {
  profile: Profile;
  credentials: Credentials;
  /** Largest upload in bytes. */
  maxBytes: number;
  imagesOnly: boolean;
}

/** An uploader that holds resources (an S3 client) until destroyed. */
export type DisposableUploader = ImageUploader & { destroy(): void };

/** Builds an uploader; may load code on first call. */
export type UploaderFactory = (config: UploaderConfig) => Promise<DisposableUploader>;

interface Entry {
  config: UploaderConfig;
  uploader: Promise<DisposableUploader>;
  active: number;
  retired: boolean;
}

function sameRecord(a: object, b: object): boolean {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (ra[k] !== rb[k]) return false;
  return true;
}

/** Whether two configurations would build the same uploader. */
export function sameUploaderConfig(a: UploaderConfig, b: UploaderConfig): boolean {
  return a.maxBytes === b.maxBytes && a.imagesOnly === b.imagesOnly && sameRecord(a.credentials, b.credentials) && sameRecord(a.profile, b.profile);
}

/** Builds uploaders on demand and keeps the one for the current configuration. */
export class UploaderCache {
  /** By profile id. */
  private readonly current = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly factory: UploaderFactory) {}

  /** An `ImageUploader` for `config`, sharing the cached client while the config is unchanged. */
  uploaderFor(config: UploaderConfig): ImageUploader {
    return {
      upload: (asset) => this.upload(config, asset),
      forRun: (files) => {
        // One run of each uploader the run meets (a setting changed mid-run builds another).
        const runs = new Map<DisposableUploader, RunUploader>();
        const runOf = (u: DisposableUploader): ImageUploader => {
          let run = runs.get(u);
          if (!run && u.forRun) runs.set(u, (run = u.forRun(files)));
          return run ?? u;
        };
        return {
          upload: (asset) => this.upload(config, asset, runOf),
          end: () => {
            for (const run of runs.values()) run.end();
            runs.clear();
          },
        };
      },
    };
  }

  /** Uploads with the uploader for `config`, creating or replacing it as needed; `pick` chooses a bulk run's view of it. */
  async upload(config: UploaderConfig, asset: Asset, pick: (u: DisposableUploader) => ImageUploader = (u) => u): Promise<StoredAsset> {
    const entry = this.entryFor(config);
    entry.active++;
    try {
      return await pick(await entry.uploader).upload(asset);
    } finally {
      entry.active--;
      this.destroyIfDone(entry);
    }
  }

  /** Destroys the cached uploaders (once their uploads end); the next upload builds a new one. */
  clear(): void {
    for (const entry of this.current.values()) this.retire(entry);
    this.current.clear();
  }

  /**
   * Destroys the cached uploader once its uploads end, and caches none from now on: an upload
   * still asked for (the rest of a paste that was under way) gets an uploader of its own,
   * destroyed when it finishes. For the plugin's unload.
   */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private entryFor(config: UploaderConfig): Entry {
    const id = config.profile.id;
    const cached = this.current.get(id);
    if (cached && sameUploaderConfig(cached.config, config)) return cached;
    if (cached) {
      this.retire(cached);
      this.current.delete(id);
    }
    // A snapshot: later edits to the settings objects must not change what this entry is for.
    const snapshot: UploaderConfig = { ...config, profile: { ...config.profile }, credentials: { ...config.credentials } };
    const entry: Entry = { config: snapshot, uploader: this.factory(snapshot), active: 0, retired: false };
    // A factory that failed (e.g. invalid settings) is not cached: the next upload tries again.
    entry.uploader.catch(() => {
      if (this.current.get(id) === entry) this.current.delete(id);
    });
    if (this.closed) entry.retired = true;
    else this.current.set(id, entry);
    return entry;
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    this.destroyIfDone(entry);
  }

  private destroyIfDone(entry: Entry): void {
    if (!entry.retired || entry.active > 0) return;
    entry.uploader.then(
      (u) => u.destroy(),
      () => undefined,
    );
  }
}

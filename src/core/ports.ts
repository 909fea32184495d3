import type { Asset, StoredAsset } from "./types";

/**
 * The store step as the faces (paste/drop, "upload all", the command-line tool) see it:
 * prepare the asset, put it in the bucket unless it is already there, and return its link.
 * Rejects with an `UploadError` whose message a person can act on.
 */
export interface ImageUploader {
  upload(asset: Asset): Promise<StoredAsset>;
  /**
   * An uploader for one bulk run of `files` uploads: a number, or how many the run has found
   * so far (a run that uploads while it still scans notes), read when the bucket is first
   * asked about. It may learn what the bucket holds once (one listing) instead of asking per
   * file; what it learnt is dropped by `end`, so a later paste never relies on it. Absent
   * where the uploader has nothing to gain from knowing.
   */
  forRun?(files: RunSize): RunUploader;
}

/** How many uploads a bulk run has: known, or counted as the run finds them. */
export type RunSize = number | (() => number);

/** The uploader of one bulk run (see `ImageUploader.forRun`). */
export interface RunUploader extends ImageUploader {
  /**
   * The run has found more than one file. What the uploader learns once per run (the
   * bucket's listing) may start now, while the run still reads notes and images, instead of
   * when the first upload asks. Called at most once; an uploader may do nothing.
   */
  foundMany?(): void;
  /** The run is over: forget what the bucket held. */
  end(): void;
}

/** One upload remembered: where the bytes with a given SHA-256 live in a bucket. */
export interface UploadRecord {
  key: string;
  /** Epoch milliseconds of the upload. */
  at: number;
  /**
   * SHA-256 of the bytes stored at `key`, when they are not the bytes the record is filed
   * under: an image converted before upload is remembered by its original too.
   */
  sha256?: string;
  /**
   * Size in bytes and MD5 (hex) of the bytes stored at `key`, kept with `sha256` when they
   * were known at upload: a bucket listing (size, single-part ETag) can then vouch for the
   * object without asking about it.
   */
  size?: number;
  md5?: string;
  /**
   * Vault path of the file uploaded (`Attachments/Photo 1.png`), when the upload was of a file
   * of the vault: "Download images back" puts the image back there when that path is free.
   */
  path?: string;
}

/**
 * The record of uploaded content hashes that keeps the same image from being uploaded twice,
 * even when the key template would give it a new key today. `scope` names one bucket
 * (see `bucketScope`).
 */
export interface UploadIndex {
  get(scope: string, sha256: string): UploadRecord | undefined;
  set(scope: string, sha256: string, record: UploadRecord): void;
}

import type { Asset, StoredAsset } from "./types";

/**
 * The store step as the faces (paste/drop, "upload all", the command-line tool) see it:
 * prepare the asset, put it in the bucket unless it is already there, and return its link.
 * Rejects with an `UploadError` whose message a person can act on.
 */
export interface ImageUploader {
  upload(asset: Asset): Promise<StoredAsset>;
}

/** One upload remembered: where the bytes with a given SHA-256 live in a bucket. */
export interface UploadRecord {
  key: string;
  /** Epoch milliseconds of the upload. */
  at: number;
  /**
   * For a record of an original file that was processed before upload: the SHA-256 of the bytes
   * uploaded (those at `key`), and the processing that made them (`processingSignature`).
   * Absent: the bytes at `key` are the ones this record is filed under.
   */
  sha256?: string;
  processing?: string;
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

/**
 * Keeping two different images from sharing one object key: which image holds which key in
 * one uploader's life, and the `KeyCollision` errors that tell a person why an image was
 * refused and what to change.
 */
import { UploadError } from "../errors";
import { DEFAULT_KEY_TEMPLATE } from "./keyTemplate";
import type { Asset, PreparedAsset } from "../types";

/** How messages name an image: its vault path, or its own name for a pasted or dropped one. */
export function imageLabel(asset: Asset): string {
  return asset.sourcePath ?? asset.name;
}

/**
 * The keys given out during one uploader's life (a run of the command-line tool, a session
 * of the plugin). The first image to get a key keeps it; a different image that gets the same
 * key is refused, so two notes never link one URL for two different pictures.
 */
export class KeyHolders {
  private readonly held = new Map<string, { sha256: string; label: string }>();

  /**
   * Gives `key` to the bytes of `p`; the same bytes may take it again.
   * @throws UploadError `KeyCollision` naming both images when a different image holds it.
   */
  take(p: Pick<PreparedAsset, "asset" | "sha256" | "key">, key: string = p.key): void {
    const holder = this.held.get(key);
    if (holder === undefined) {
      this.held.set(key, { sha256: p.sha256, label: imageLabel(p.asset) });
      return;
    }
    if (holder.sha256 === p.sha256) return;
    throw new UploadError(
      "KeyCollision",
      `"${imageLabel(p.asset)}" was not uploaded: the key template gives it the key ${key}, which a different image, "${holder.label}", already has.`,
      `Add {hash} to the key template so that each image gets its own key (the default ${DEFAULT_KEY_TEMPLATE} does), or rename one of the two files.`,
    );
  }

  /** True when an image other than the one with this SHA-256 holds `key`. */
  heldByOther(key: string, sha256: string): boolean {
    const holder = this.held.get(key);
    return holder !== undefined && holder.sha256 !== sha256;
  }

  /** Gives `p.key` back after `p` could not be stored there, so a later image may have it. */
  release(p: PreparedAsset): void {
    if (this.held.get(p.key)?.sha256 === p.sha256) this.held.delete(p.key);
  }
}

/**
 * The error for an image refused because the bucket already holds another file at its key.
 * @param knownDifferent true when that file is shown to differ (its stored SHA-256 or its
 *   size), false when it merely cannot be shown to be the same.
 * @param overwriteAdvice how the person allows replacing, ending a sentence ("run again with --overwrite").
 */
export function bucketKeyCollision(p: PreparedAsset, knownDifferent: boolean, overwriteAdvice: string): UploadError {
  const what = knownDifferent ? `a different file at ${p.key}` : `a file at ${p.key}, and nothing shows it is this same image`;
  return new UploadError(
    "KeyCollision",
    `"${imageLabel(p.asset)}" was not uploaded: the bucket already holds ${what}. Files in the bucket are only replaced when you allow it.`,
    `Add {hash} to the key template so that each image gets its own key, rename the image, or, to replace the file in the bucket, ${overwriteAdvice}.`,
  );
}

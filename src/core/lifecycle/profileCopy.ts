/**
 * Copying the images notes link to another profile, as the plugin and the command-line tool
 * both do it: the keys are copied (src/storage/profileCopy.ts), and then only the links whose
 * image is in the destination bucket move to the destination's base URL (relink.ts). An image
 * refused, missing or failed keeps its links.
 */

/** What became of one key. */
export interface KeyCopy {
  key: string;
  /**
   * `copied`: written at the destination and read back with the same SHA-256; `present`: the
   * destination already held the same bytes; `planned`: would be copied (a dry run);
   * `missing`: the source bucket holds no such object; `refused`: the destination holds a
   * different file at the key; `failed`: an error.
   */
  outcome: "copied" | "present" | "missing" | "refused" | "failed" | "planned";
  /** How it was copied: inside the service, or downloaded and uploaded. */
  via?: "server" | "download";
  reason?: string;
}

/** Whether the destination holds (or, in a dry run, would hold) the image, so its links may move. */
export function copiedOrThere(c: KeyCopy): boolean {
  return c.outcome === "copied" || c.outcome === "present" || c.outcome === "planned";
}

/**
 * The filter `planRelink` takes: a link moves when a key it may name is in the destination.
 * A link whose text could name two keys (a `?` in it) moves when either was copied.
 */
export function movableLinks(copies: readonly KeyCopy[]): (linkKeys: string[]) => boolean {
  const ok = new Set(copies.filter(copiedOrThere).map((c) => c.key));
  return (linkKeys) => linkKeys.some((k) => ok.has(k));
}

/** How many keys ended in each outcome. */
export function copyCounts(copies: readonly KeyCopy[]): Record<KeyCopy["outcome"], number> {
  const out: Record<KeyCopy["outcome"], number> = { copied: 0, present: 0, planned: 0, missing: 0, refused: 0, failed: 0 };
  for (const c of copies) out[c.outcome]++;
  return out;
}

/**
 * The text that stands in a note while an image uploads. Each one is unique, so the finished
 * upload can find exactly its own placeholder wherever the user's edits have moved it.
 */
import { altTextFromName } from "../core/markdownLink";

/**
 * The link target every placeholder uses. It is a relative path with no file behind it, so
 * preview shows a broken embed instead of fetching anything, and no note ever links to it.
 */
export const PLACEHOLDER_TARGET_PREFIX = "s3ih-uploading-";

/** A random id that makes a placeholder unique: 16 lower-case hex digits. */
export function randomPlaceholderId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `![Uploading Pasted image 20261122183000…](s3ih-uploading-3f2a…)`. The file name is reduced
 * to plain alt text first, so no name can break the placeholder's markdown.
 */
export function uploadingPlaceholder(fileName: string, id: string = randomPlaceholderId()): string {
  return `![Uploading ${altTextFromName(fileName)}…](${PLACEHOLDER_TARGET_PREFIX}${id})`;
}

/** The file name a downloaded image is saved under. */
import { extensionOf, fileStem, lastSegment } from "../paths";

/** Characters Obsidian refuses in file names, or that break its links; control characters are dropped separately. */
const NOT_IN_NAMES = /[\\/:*?"<>|#^[\]]/g;

/** Extensions that name the same type as the sniffed one. */
const SAME_TYPE: Record<string, string[]> = { jpg: ["jpg", "jpeg"], tif: ["tif", "tiff"], tiff: ["tif", "tiff"] };

/**
 * The name for an image downloaded from `keyOrUrl` (an object key, or a URL without one):
 * its last path segment, without a query, cleaned of characters a vault file name cannot
 * hold, with the extension of the type its bytes are (`ext`).
 */
export function attachmentName(keyOrUrl: string, ext: string): string {
  let last = lastSegment(keyOrUrl.split(/[?#]/)[0]);
  try {
    last = decodeURIComponent(last);
  } catch {
    // keep it as written
  }
  let name = [...last]
    .map((ch) => ((ch.codePointAt(0) ?? 0) < 0x20 ? "-" : ch))
    .join("")
    .replace(NOT_IN_NAMES, "-")
    .replace(/\s+/g, " ")
    .trim();
  if (name.startsWith(".")) name = name.replace(/^\.+/, "");
  const has = extensionOf(name);
  const same = SAME_TYPE[ext] ?? [ext];
  const stem = fileStem(name).trim();
  if (same.includes(has)) return stem === "" ? `image.${has}` : name;
  return `${(has === "" ? name : stem) || "image"}.${ext}`;
}

/**
 * The vault path an image was uploaded from, when it may be used to save `ext` bytes back:
 * a relative path without `.` or `..` segments, control characters or a backslash, whose
 * extension names the type the bytes are (an image converted before upload does not go back
 * under its old extension). Otherwise undefined, and the image goes where new attachments go.
 */
export function restorablePath(path: string | undefined, ext: string): string | undefined {
  if (path === undefined || path === "" || path.startsWith("/") || path.endsWith("/") || path.includes("\\")) return undefined;
  if ([...path].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20)) return undefined;
  if (path.split("/").some((s) => s === "" || s === "." || s === "..")) return undefined;
  return (SAME_TYPE[ext] ?? [ext]).includes(extensionOf(path)) ? path : undefined;
}

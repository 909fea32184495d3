/**
 * The file extensions Obsidian shows as images. Deciding by name is only for what has no
 * bytes to look at yet (a link in a note, a dropped file without a type); the uploader
 * always checks the bytes themselves.
 */
import { baseName } from "./paths";

const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "svg", "tif", "tiff", "ico", "heic", "heif"]);

/**
 * True when the last segment of `path` ends in an image extension, in any letter case. A name
 * that is nothing but the extension (`.png`) counts too: a link to it still names an image.
 */
export function hasImageExtension(path: string): boolean {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return dot >= 0 && IMAGE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

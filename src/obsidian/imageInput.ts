/**
 * Capture: which files of a paste or drop are images, and the names Obsidian would give them.
 */
import { hasImageExtension } from "../core/imageExtensions";
import { extensionOf } from "../core/paths";
import { extensionForMime } from "../core/prepare/sniff";

/**
 * Whether a file is an image by what the platform says: its MIME type, or — when the type is
 * empty, as for some files dropped from other apps — its extension. The bytes are checked
 * later by the uploader.
 */
export function isImageFile(file: Pick<File, "name" | "type">): boolean {
  if (file.type) return file.type.toLowerCase().startsWith("image/");
  return hasImageExtension(file.name);
}

/**
 * The files a clipboard or drop carries. Some platforms list a pasted image only among the
 * `items`, with an empty `files` list, so both are read. Call this synchronously inside the
 * event handler: the data transfer is emptied once the event is over.
 */
export function filesOf(data: DataTransfer | null | undefined): File[] {
  if (!data) return [];
  const files = Array.from(data.files ?? []);
  if (files.length > 0) return files;
  const fromItems: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const f = item.getAsFile();
    if (f) fromItems.push(f);
  }
  return fromItems;
}

/**
 * The images to take over from a paste or drop: all of its files when every one is an image,
 * none otherwise. A mixed drop is left to Obsidian in full, so a PDF dropped together with a
 * picture is handled exactly as it would be without this plugin.
 */
export function imagesToTake(data: DataTransfer | null | undefined): File[] {
  const files = filesOf(data);
  return files.length > 0 && files.every(isImageFile) ? files : [];
}

function stamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/**
 * The name Obsidian gives an image it saves: a clipboard image that carries only the generic
 * name browsers and screenshot tools use (`image.png`, or none) becomes
 * `Pasted image 20261122183000.png` (local time); any other file keeps its own name.
 */
export function attachmentName(file: Pick<File, "name" | "type">, kind: "paste" | "drop", now: Date): string {
  const name = file.name.trim();
  const generic = name === "" || /^image\.[a-z0-9]+$/i.test(name);
  if (name !== "" && !(kind === "paste" && generic)) return name;
  const ext = extensionOf(name) || extensionForMime(file.type) || "png";
  return `Pasted image ${stamp(now)}.${ext}`;
}

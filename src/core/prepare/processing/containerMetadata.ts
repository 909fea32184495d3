/**
 * Formats whose metadata cannot be removed without rewriting the file's internal offsets
 * (HEIC, HEIF, AVIF: item locations in the `iloc` box; TIFF: offsets throughout the IFDs).
 * For these we only find out whether the file carries EXIF, XMP or IPTC at all: one that
 * does is refused rather than uploaded with its position, one that does not goes up as is.
 */
import { ascii, ProcessRefusal, u32be } from "./bytes";
import { ifd0Tags } from "./exif";

/** IFD0 tags that point at EXIF (and through it GPS), GPS, XMP, IPTC or Photoshop data. */
const TIFF_METADATA_TAGS = new Set([0x8769, 0x8825, 0x02bc, 0x83bb, 0x8649]);

/**
 * Whether a TIFF file carries EXIF, GPS, XMP or IPTC data.
 * @throws ProcessRefusal when its first directory cannot be read.
 */
export function tiffHasMetadata(bytes: Uint8Array): boolean {
  const tags = ifd0Tags(bytes);
  if (!tags) throw new ProcessRefusal("its TIFF directory is damaged");
  return tags.some((t) => TIFF_METADATA_TAGS.has(t));
}

interface Box {
  type: string;
  start: number;
  /** Where the box's content starts, after its size and type (and 64-bit size). */
  body: number;
  end: number;
}

function boxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    if (at + 8 > to) throw new ProcessRefusal("its boxes are damaged");
    let size = u32be(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) throw new ProcessRefusal("its boxes are damaged");
      size = u32be(bytes, at + 8) * 2 ** 32 + u32be(bytes, at + 12);
      body = at + 16;
    } else if (size === 0) {
      size = to - at;
    }
    const end = at + size;
    if (size < body - at || end > to) throw new ProcessRefusal("a box runs past the end of the file");
    out.push({ type, start: at, body, end });
    at = end;
  }
  return out;
}

/**
 * Whether a HEIC, HEIF or AVIF file holds an EXIF item or an XMP item (a `mime` item of type
 * application/rdf+xml), as listed in its `meta` box's item information.
 * @throws ProcessRefusal when the boxes cannot be read.
 */
export function isobmffHasMetadata(bytes: Uint8Array): boolean {
  const meta = boxes(bytes, 0, bytes.length).find((b) => b.type === "meta");
  if (!meta) return false;
  // `meta` is a full box: 4 bytes of version and flags before its children.
  const iinf = boxes(bytes, meta.body + 4, meta.end).find((b) => b.type === "iinf");
  if (!iinf) return false;
  const version = bytes[iinf.body];
  const entries = iinf.body + 4 + (version === 0 ? 2 : 4);
  for (const infe of boxes(bytes, entries, iinf.end)) {
    if (infe.type !== "infe") continue;
    const v = bytes[infe.body];
    if (v < 2) continue;
    const typeAt = infe.body + 4 + (v === 2 ? 2 : 4) + 2;
    const itemType = ascii(bytes, typeAt, 4);
    if (itemType === "Exif") return true;
    if (itemType === "mime") {
      const text = ascii(bytes, typeAt + 4, Math.max(0, Math.min(infe.end - typeAt - 4, 256)));
      // item_name (null-terminated), then content_type.
      const contentType = text.split("\0")[1] ?? "";
      if (contentType.startsWith("application/rdf+xml")) return true;
    }
  }
  return false;
}

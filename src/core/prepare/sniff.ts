/**
 * Image type from the bytes themselves. The Content-Type sent to the bucket comes from
 * here, not from the file name or the platform's guess: a wrong or missing type makes
 * CDNs and R2 previews refuse to show the image.
 */

export interface SniffedType {
  mime: string;
  /** Canonical extension, without dot. */
  ext: string;
}

/** Human list of the formats `sniffImageType` recognises, for messages. */
export const SUPPORTED_IMAGE_FORMATS = "PNG, JPEG, GIF, WebP, AVIF, SVG, BMP, TIFF, ICO";

const PNG: SniffedType = { mime: "image/png", ext: "png" };
const JPEG: SniffedType = { mime: "image/jpeg", ext: "jpg" };
const GIF: SniffedType = { mime: "image/gif", ext: "gif" };
const WEBP: SniffedType = { mime: "image/webp", ext: "webp" };
const AVIF: SniffedType = { mime: "image/avif", ext: "avif" };
const HEIC: SniffedType = { mime: "image/heic", ext: "heic" };
const HEIF: SniffedType = { mime: "image/heif", ext: "heif" };
const SVG: SniffedType = { mime: "image/svg+xml", ext: "svg" };
const BMP: SniffedType = { mime: "image/bmp", ext: "bmp" };
const TIFF: SniffedType = { mime: "image/tiff", ext: "tiff" };
const ICO: SniffedType = { mime: "image/x-icon", ext: "ico" };

const EXT_BY_MIME: Record<string, string> = {
  "image/png": "png",
  "image/apng": "png",
  "image/jpeg": "jpg",
  "image/pjpeg": "jpg",
  // Wrong but common names, accepted when reading a type the platform reported.
  "image/jpg": "jpg",
  "image/svg": "svg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/heic": "heic",
  "image/heif": "heif",
  "image/svg+xml": "svg",
  "image/bmp": "bmp",
  "image/x-ms-bmp": "bmp",
  "image/tiff": "tiff",
  "image/x-icon": "ico",
  "image/vnd.microsoft.icon": "ico",
};

/** Canonical extension (without dot) for a MIME type, or `undefined` when unknown. */
export function extensionForMime(mime: string): string | undefined {
  const bare = mime.split(";")[0].trim().toLowerCase();
  return EXT_BY_MIME[bare];
}

/**
 * Recognises an image format from its leading bytes.
 * @returns the MIME type and canonical extension, or `null` when the bytes are not an
 *   image format this plugin knows. Never returns `image/jpg` or `image/svg`.
 */
export function sniffImageType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return GIF;
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return WEBP;
  if (ascii(bytes, 4, 8) === "ftyp") {
    const isobmff = sniffFtyp(bytes);
    if (isobmff) return isobmff;
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return TIFF;
  }
  if (isBmp(bytes)) return BMP;
  if (isIco(bytes)) return ICO;
  if (isSvg(bytes)) return SVG;
  return null;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  if (bytes.length < to) return "";
  return String.fromCharCode(...bytes.subarray(from, to));
}

const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx"]);
const HEIF_BRANDS = new Set(["mif1", "msf1"]);

/**
 * AVIF and HEIC share the ISO-BMFF container; the `ftyp` box's brands tell them apart.
 * The major brand decides when it is specific; some encoders write the generic `mif1`
 * as major brand and list `avif` only among the compatible brands.
 */
function sniffFtyp(bytes: Uint8Array): SniffedType | null {
  const size = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  // Size 0 means "to the end of the file" and 1 a 64-bit size; both are legal but rare.
  const end = size >= 16 ? Math.min(size, bytes.length) : Math.min(bytes.length, 64);
  const major = ascii(bytes, 8, 12);
  const brands = [major];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  if (AVIF_BRANDS.has(major)) return AVIF;
  if (HEIC_BRANDS.has(major)) return HEIC;
  if (brands.some((b) => AVIF_BRANDS.has(b))) return AVIF;
  if (brands.some((b) => HEIC_BRANDS.has(b))) return HEIC;
  if (brands.some((b) => HEIF_BRANDS.has(b))) return HEIF;
  return null;
}

/** "BM" alone is too weak a signal (plain text can start with it), so the DIB header size must be a known one too. */
function isBmp(bytes: Uint8Array): boolean {
  if (bytes.length < 18 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return false;
  const dibSize = bytes[14] | (bytes[15] << 8) | (bytes[16] << 16) | (bytes[17] << 24);
  return [12, 16, 40, 52, 56, 64, 108, 124].includes(dibSize);
}

/** Type 1 is an icon; type 2 would be a cursor, which is not an image to embed. */
function isIco(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, [0x00, 0x00, 0x01, 0x00]) || bytes.length < 6) return false;
  const count = bytes[4] | (bytes[5] << 8);
  return count > 0;
}

/**
 * How much text may precede the `<svg` tag. Editors put an XML declaration, a comment
 * and a doctype there, which fit in well under 4 KiB; a file whose prolog goes on longer
 * is treated as not an SVG rather than scanned without bound.
 */
const SVG_PROLOG_LIMIT = 4096;

function isSvg(bytes: Uint8Array): boolean {
  const text = decodeHead(bytes.subarray(0, SVG_PROLOG_LIMIT));
  if (text === null) return false;
  let at = 0;
  const lower = text.toLowerCase();
  for (;;) {
    while (at < lower.length && /\s/.test(lower[at])) at++;
    if (lower.startsWith("<?", at)) {
      at = skipPast(lower, "?>", at + 2);
    } else if (lower.startsWith("<!--", at)) {
      at = skipPast(lower, "-->", at + 4);
    } else if (lower.startsWith("<!doctype", at)) {
      at = skipDoctype(lower, at + 9);
    } else {
      return /^<svg[\s>/]/.test(lower.slice(at, at + 5));
    }
    if (at < 0) return false;
  }
}

function skipPast(text: string, marker: string, from: number): number {
  const found = text.indexOf(marker, from);
  return found < 0 ? -1 : found + marker.length;
}

/** A doctype may carry an internal subset in brackets, whose entity values can contain `>`. */
function skipDoctype(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    else if (c === ">" && depth === 0) return i + 1;
  }
  return -1;
}

/** Decodes the head of a text file, honouring a UTF-16 or UTF-8 byte order mark; null for binary data. */
function decodeHead(head: Uint8Array): string | null {
  let encoding = "utf-8";
  let body = head;
  if (startsWith(head, [0xef, 0xbb, 0xbf])) {
    body = head.subarray(3);
  } else if (startsWith(head, [0xff, 0xfe])) {
    encoding = "utf-16le";
    body = head.subarray(2);
  } else if (startsWith(head, [0xfe, 0xff])) {
    encoding = "utf-16be";
    body = head.subarray(2);
  } else if (head.includes(0)) {
    return null;
  }
  try {
    // Not fatal: the 4 KiB cut may split a multi-byte character at the end.
    return new TextDecoder(encoding).decode(body);
  } catch {
    return null;
  }
}

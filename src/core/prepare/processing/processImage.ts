/**
 * The processing step of prepare: what is done to an image's bytes before they are hashed
 * and uploaded, so the key's `{hash}` and `{md5}` name the bytes in the bucket. Today it is
 * lossless only (metadata removal, SVG sanitising); a step that decodes pixels plugs in here
 * too, and must leave animations (`isAnimated`) alone.
 */
import { ProcessRefusal } from "./bytes";
import { isobmffHasMetadata, tiffHasMetadata } from "./containerMetadata";
import { stripGifMetadata } from "./gifMetadata";
import { stripJpegMetadata } from "./jpegMetadata";
import { stripPngMetadata } from "./pngMetadata";
import { sanitizeSvg } from "./svgSanitize";
import { stripWebpMetadata } from "./webpMetadata";

export interface ProcessOptions {
  /** Remove EXIF, XMP, IPTC, comments and text chunks (GPS position, camera, dates) without touching pixels. */
  stripMetadata: boolean;
  /** Remove from an SVG what could run script. */
  sanitizeSvg: boolean;
}

/** What processing made of an image. */
export interface ProcessedImage {
  /** The bytes to upload: the input itself when nothing changed. */
  bytes: Uint8Array;
  changed: boolean;
}

/**
 * A short name of the processing `options` ask for, stored with the upload index's record of an
 * original file, so an upload remembered under other options is not taken for this one's.
 */
export function processingSignature(options: ProcessOptions): string {
  return [options.stripMetadata ? "strip" : "", options.sanitizeSvg ? "svg" : ""].filter(Boolean).join("+");
}

/**
 * Processes the bytes of an image of the sniffed MIME `type`.
 *
 * Formats whose metadata sits behind internal offsets (HEIC, HEIF, AVIF, TIFF) are not
 * rewritten: one carrying EXIF, XMP or IPTC is refused, since uploading it would publish
 * the position it may hold; one carrying none goes up as is. BMP and ICO hold no metadata.
 * @throws ProcessRefusal when the image cannot be processed safely: its structure cannot be
 *   read, or its metadata cannot be removed; the caller says so to the person.
 */
export function processImage(bytes: Uint8Array, type: string, options: ProcessOptions): ProcessedImage {
  let out = bytes;
  if (options.sanitizeSvg && type === "image/svg+xml") out = sanitizeSvg(out);
  if (options.stripMetadata) out = stripMetadata(out, type);
  return { bytes: out, changed: out !== bytes };
}

function stripMetadata(bytes: Uint8Array, type: string): Uint8Array {
  switch (type) {
    case "image/jpeg":
      return stripJpegMetadata(bytes);
    case "image/png":
      return stripPngMetadata(bytes);
    case "image/webp":
      return stripWebpMetadata(bytes);
    case "image/gif":
      return stripGifMetadata(bytes);
    case "image/heic":
    case "image/heif":
    case "image/avif":
      if (isobmffHasMetadata(bytes))
        throw new ProcessRefusal(`its ${formatName(type)} metadata (which may hold the position it was taken at) cannot be removed without converting it`);
      return bytes;
    case "image/tiff":
      if (tiffHasMetadata(bytes))
        throw new ProcessRefusal("its TIFF metadata (which may hold the position it was taken at) cannot be removed without converting it");
      return bytes;
    default:
      return bytes;
  }
}

function formatName(type: string): string {
  return type.slice("image/".length).toUpperCase();
}

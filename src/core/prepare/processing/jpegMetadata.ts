/**
 * JPEG metadata removal without decoding: the marker segments before the first scan are
 * copied or left out one by one, and the compressed data is copied byte for byte.
 *
 * Kept: JFIF (APP0), ICC profiles (APP2 `ICC_PROFILE`, every chunk), Adobe (APP14, whose
 * colour transform flag decides how the pixels decode), and every segment that is not an
 * APPn or a comment (tables, frame header, restart interval). Left out: EXIF and XMP
 * (APP1, extended XMP too), IPTC and Photoshop (APP13), comments, every other APPn (MPF,
 * FlashPix, maker blocks), and whatever follows the end-of-image marker: phones append depth
 * maps, gain maps and vendor trailers there, which can carry their own EXIF and position.
 * An EXIF orientation other than 1 survives as an EXIF block holding only that tag.
 */
import { ascii, concat, ProcessRefusal, u16be } from "./bytes";
import { orientationOnlyTiff, readOrientation } from "./exif";

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"

/** Whether a marker stands alone, with no length after it. */
function standalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === SOI || marker === EOI;
}

/**
 * The JPEG without its metadata; `bytes` itself when there was none.
 * @throws ProcessRefusal when the segments before the image data cannot be read.
 */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) throw new ProcessRefusal("its JPEG header is damaged");
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let removed = false;
  let orientation: number | undefined;
  let orientationSlot = -1;
  let at = 2;
  for (;;) {
    if (at >= bytes.length) throw new ProcessRefusal("it ends before its image data");
    if (bytes[at] !== 0xff) throw new ProcessRefusal("its JPEG segments are damaged");
    let markerAt = at;
    // Any number of 0xFF fill bytes may precede a marker.
    while (markerAt + 1 < bytes.length && bytes[markerAt + 1] === 0xff) markerAt++;
    const marker = bytes[markerAt + 1];
    if (marker === undefined) throw new ProcessRefusal("it ends before its image data");
    if (standalone(marker)) {
      if (marker === EOI || marker === SOI) throw new ProcessRefusal("its JPEG segments are damaged");
      kept.push(bytes.subarray(at, markerAt + 2));
      at = markerAt + 2;
      continue;
    }
    if (markerAt + 4 > bytes.length) throw new ProcessRefusal("it ends before its image data");
    const length = u16be(bytes, markerAt + 2);
    const end = markerAt + 2 + length;
    if (length < 2 || end > bytes.length) throw new ProcessRefusal("a JPEG segment runs past the end of the file");
    if (marker === SOS) {
      const tail = imageDataEnd(bytes, markerAt);
      if (tail < bytes.length) removed = true;
      kept.push(bytes.subarray(at, tail));
      break;
    }
    const body = bytes.subarray(markerAt + 4, end);
    if (keepSegment(marker, body)) {
      kept.push(bytes.subarray(at, end));
    } else {
      removed = true;
      if (marker === APP1 && startsWith(body, EXIF_HEADER) && orientation === undefined) {
        const found = readOrientation(body.subarray(6));
        if (found !== undefined) {
          orientation = found;
          orientationSlot = kept.length;
        }
      }
    }
    at = end;
  }
  if (!removed) return bytes;
  if (orientation !== undefined && orientation !== 1) kept.splice(orientationSlot, 0, exifSegment(orientation));
  return concat(kept);
}

function keepSegment(marker: number, body: Uint8Array): boolean {
  if (marker === COM) return false;
  if (marker < APP0 || marker > 0xef) return true;
  if (marker === APP0) return true;
  if (marker === APP2) return ascii(body, 0, 12) === "ICC_PROFILE\0";
  if (marker === APP14) return ascii(body, 0, 5) === "Adobe";
  return false;
}

/** An APP1 segment whose EXIF holds the orientation only. */
function exifSegment(orientation: number): Uint8Array {
  const tiff = orientationOnlyTiff(orientation);
  const length = 2 + EXIF_HEADER.length + tiff.length;
  return concat([new Uint8Array([0xff, APP1, length >> 8, length & 0xff, ...EXIF_HEADER]), tiff]);
}

/**
 * Where the image ends: just after the end-of-image marker, found by walking the scans (in
 * compressed data 0xFF is always followed by 0x00 or a restart marker) and the segments
 * between them (progressive images have several scans). A file cut short ends where it ends.
 */
function imageDataEnd(bytes: Uint8Array, sosAt: number): number {
  let at = sosAt;
  for (;;) {
    // `at` is on a marker with a length (SOS, DHT, DQT, DRI, APPn, COM between scans).
    const marker = bytes[at + 1];
    if (at + 4 > bytes.length) return bytes.length;
    const end = at + 2 + u16be(bytes, at + 2);
    if (end > bytes.length) return bytes.length;
    at = end;
    if (marker === SOS) {
      // Compressed data until a marker that is not a stuffed byte or a restart.
      for (;;) {
        const ff = bytes.indexOf(0xff, at);
        if (ff < 0 || ff + 1 >= bytes.length) return bytes.length;
        const next = bytes[ff + 1];
        if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
          at = next === 0xff ? ff + 1 : ff + 2;
          continue;
        }
        at = ff;
        break;
      }
    }
    if (bytes[at] !== 0xff) return bytes.length;
    if (bytes[at + 1] === EOI) return at + 2;
  }
}

function startsWith(b: Uint8Array, prefix: readonly number[]): boolean {
  return b.length >= prefix.length && prefix.every((v, i) => b[i] === v);
}

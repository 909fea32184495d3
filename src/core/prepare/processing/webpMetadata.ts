/**
 * WebP metadata removal: the RIFF chunks EXIF and XMP are left out, the VP8X flags that
 * announce them are cleared and the RIFF size is set to what remains. Every other chunk
 * (ICCP, ANIM and its frames, the image data) is copied byte for byte. An EXIF orientation
 * other than 1 survives as an EXIF chunk holding only that tag.
 */
import { ascii, concat, ProcessRefusal, u32le } from "./bytes";
import { orientationOnlyTiff, readOrientation } from "./exif";

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;
export const VP8X_ANIMATION = 0x02;

export interface RiffChunk {
  fourcc: string;
  start: number;
  dataStart: number;
  size: number;
  /** End of the chunk, its padding byte included. */
  end: number;
}

/**
 * The chunks of a WebP file.
 * @throws ProcessRefusal when the file is cut short or its chunks are damaged.
 */
export function webpChunks(bytes: Uint8Array): { chunks: RiffChunk[]; end: number } {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WEBP") throw new ProcessRefusal("its WebP header is damaged");
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length) throw new ProcessRefusal("it is shorter than its WebP header says");
  const chunks: RiffChunk[] = [];
  let at = 12;
  while (at < riffEnd) {
    if (at + 8 > riffEnd) throw new ProcessRefusal("its WebP chunks are damaged");
    const fourcc = ascii(bytes, at, 4);
    const size = u32le(bytes, at + 4);
    const end = at + 8 + size + (size & 1);
    if (end > riffEnd + (size & 1) || at + 8 + size > riffEnd) throw new ProcessRefusal("a WebP chunk runs past the end of the file");
    chunks.push({ fourcc, start: at, dataStart: at + 8, size, end: Math.min(end, riffEnd) });
    at = end;
  }
  return { chunks, end: riffEnd };
}

/**
 * The WebP without its metadata; `bytes` itself when there was none. Bytes after the RIFF data are left out too.
 * @throws ProcessRefusal when the chunk structure cannot be read.
 */
export function stripWebpMetadata(bytes: Uint8Array): Uint8Array {
  const { chunks, end } = webpChunks(bytes);
  let removed = end < bytes.length;
  let orientation: number | undefined;
  let orientationSlot = -1;
  const kept: Uint8Array[] = [];
  let vp8x = -1;
  for (const c of chunks) {
    if (c.fourcc === "EXIF" || c.fourcc === "XMP ") {
      removed = true;
      if (c.fourcc === "EXIF" && orientation === undefined) {
        let tiff = bytes.subarray(c.dataStart, c.dataStart + c.size);
        // Some writers put JPEG's "Exif\0\0" before the TIFF block.
        if (ascii(tiff, 0, 6) === "Exif\0\0") tiff = tiff.subarray(6);
        orientation = readOrientation(tiff);
        orientationSlot = kept.length;
      }
      continue;
    }
    if (c.fourcc === "VP8X" && c.size >= 10) vp8x = kept.length;
    kept.push(bytes.subarray(c.start, c.end));
  }
  if (!removed) return bytes;
  const keepExif = orientation !== undefined && orientation !== 1;
  if (keepExif) kept.splice(orientationSlot, 0, riffChunk("EXIF", orientationOnlyTiff(orientation ?? 1)));
  if (vp8x >= 0) {
    const slot = vp8x >= orientationSlot && keepExif ? vp8x + 1 : vp8x;
    const header = kept[slot].slice();
    header[8] = (header[8] & ~(VP8X_EXIF | VP8X_XMP)) | (keepExif ? VP8X_EXIF : 0);
    kept[slot] = header;
  }
  const body = concat(kept);
  const out = new Uint8Array(12 + body.length);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(4, 4 + body.length, true);
  out.set(body, 12);
  return out;
}

function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  for (let i = 0; i < 4; i++) out[i] = fourcc.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

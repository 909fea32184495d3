/**
 * PNG metadata removal: chunks are copied whole (with their CRCs) or left out. Left out: text
 * (tEXt, zTXt, iTXt), EXIF (eXIf), the modification time (tIME), content credentials (caBX),
 * and every private ancillary chunk other than APNG's, since those are vendors' own data
 * that no decoder needs. Kept: every critical chunk, colour (iCCP, sRGB, gAMA, cHRM, cICP,
 * sBIT), pHYs, transparency and background, and the APNG chunks (acTL, fcTL, fdAT).
 * An eXIf orientation other than 1 survives as an eXIf chunk holding only that tag: browsers
 * that honour it keep showing the image the right way up, and it holds nothing else.
 */
import { ascii, concat, ProcessRefusal, u32be } from "./bytes";
import { crc32 } from "./crc32";
import { orientationOnlyTiff, readOrientation } from "./exif";

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const DROPPED = new Set(["tEXt", "zTXt", "iTXt", "eXIf", "tIME", "caBX"]);
const APNG = new Set(["acTL", "fcTL", "fdAT"]);

/** One chunk: its type and where it lies, from its length field to the end of its CRC. */
export interface PngChunk {
  type: string;
  start: number;
  dataStart: number;
  end: number;
}

/**
 * The chunks up to and including IEND.
 * @throws ProcessRefusal when the file is cut short or its chunk structure is damaged.
 */
export function pngChunks(bytes: Uint8Array): PngChunk[] {
  if (bytes.length < 8 || !PNG_SIGNATURE.every((v, i) => bytes[i] === v)) throw new ProcessRefusal("its PNG signature is damaged");
  const out: PngChunk[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) throw new ProcessRefusal("it ends before its last PNG chunk");
    const length = u32be(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new ProcessRefusal("its PNG chunks are damaged");
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw new ProcessRefusal("a PNG chunk runs past the end of the file");
    out.push({ type, start: at, dataStart: at + 8, end });
    at = end;
    if (type === "IEND") return out;
  }
}

/** Whether a chunk is kept. Ancillary chunks have a lower-case first letter, private ones a lower-case second. */
function keepChunk(type: string): boolean {
  if (DROPPED.has(type)) return false;
  if (APNG.has(type)) return true;
  const ancillary = type[0] >= "a";
  const isPrivate = type[1] >= "a";
  return !(ancillary && isPrivate);
}

/**
 * The PNG without its metadata; `bytes` itself when there was none. Bytes after IEND are left out too.
 * @throws ProcessRefusal when the chunk structure cannot be read.
 */
export function stripPngMetadata(bytes: Uint8Array): Uint8Array {
  const chunks = pngChunks(bytes);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let removed = chunks[chunks.length - 1].end < bytes.length;
  let orientation: number | undefined;
  let orientationSlot = -1;
  for (const c of chunks) {
    if (keepChunk(c.type)) {
      kept.push(bytes.subarray(c.start, c.end));
      continue;
    }
    removed = true;
    if (c.type === "eXIf" && orientation === undefined) {
      orientation = readOrientation(bytes.subarray(c.dataStart, c.end - 4));
      orientationSlot = kept.length;
    }
  }
  if (!removed) return bytes;
  if (orientation !== undefined && orientation !== 1) kept.splice(orientationSlot, 0, pngChunk("eXIf", orientationOnlyTiff(orientation)));
  return concat(kept);
}

/** A chunk with its length and CRC. */
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

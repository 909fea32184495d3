/**
 * The EXIF orientation: read from a TIFF-structured EXIF block, and written as a block that
 * holds nothing else, so an image that is displayed rotated stays rotated once its other
 * metadata (GPS position, camera serial, thumbnail) is gone.
 */
import { u16be, u16le, u32be, u32le } from "./bytes";

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** The Orientation of IFD0 of a TIFF block (`II*\0` or `MM\0*`), 1 to 8; undefined when absent or unreadable. */
export function readOrientation(tiff: Uint8Array): number | undefined {
  const entries = ifd0Entries(tiff);
  const entry = entries?.find((e) => e.tag === ORIENTATION_TAG && e.type === SHORT && e.count === 1);
  if (!entry) return undefined;
  const value = entry.little ? u16le(tiff, entry.valueAt) : u16be(tiff, entry.valueAt);
  return value >= 1 && value <= 8 ? value : undefined;
}

/** The tags of IFD0, or undefined when the block is not a readable TIFF structure. */
export function ifd0Tags(tiff: Uint8Array): number[] | undefined {
  return ifd0Entries(tiff)?.map((e) => e.tag);
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Where the value sits when it fits in the entry (4 bytes or fewer). */
  valueAt: number;
  little: boolean;
}

function ifd0Entries(tiff: Uint8Array): Entry[] | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  const big = tiff[0] === 0x4d && tiff[1] === 0x4d;
  if (!little && !big) return undefined;
  const u16 = little ? u16le : u16be;
  const u32 = little ? u32le : u32be;
  if (u16(tiff, 2) !== 42) return undefined;
  const ifd = u32(tiff, 4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(tiff, ifd);
  if (ifd + 2 + count * 12 > tiff.length) return undefined;
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    out.push({ tag: u16(tiff, at), type: u16(tiff, at + 2), count: u32(tiff, at + 4), valueAt: at + 8, little });
  }
  return out;
}

/** A big-endian TIFF block whose IFD0 holds the Orientation tag and nothing else. */
export function orientationOnlyTiff(orientation: number): Uint8Array {
  return new Uint8Array([
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08,
    // one entry: Orientation, SHORT, count 1, value
    0x00,
    0x01,
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    orientation & 0xff,
    0x00,
    0x00,
    // no next IFD
    0x00,
    0x00,
    0x00,
    0x00,
  ]);
}

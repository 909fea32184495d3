/**
 * Whether an image moves: an animated GIF, an animated WebP or an APNG. Such images are
 * never re-encoded, since every codec the tools use would keep only the first frame.
 */

/** True when `bytes` (an image of the sniffed type `type`) holds more than one frame. */
export function isAnimated(bytes: Uint8Array, type: string): boolean {
  if (type === "image/gif") return gifFrameCount(bytes, 2) > 1;
  if (type === "image/webp") return webpIsAnimated(bytes);
  if (type === "image/png" || type === "image/apng") return pngHasAnimationControl(bytes);
  return false;
}

/** Counts the frames of a GIF, stopping at `enough`. A damaged file counts the frames read so far. */
function gifFrameCount(b: Uint8Array, enough: number): number {
  if (b.length < 13) return 0;
  let i = 13;
  const flags = b[10];
  if (flags & 0x80) i += 3 * (1 << ((flags & 0x07) + 1));
  let frames = 0;
  while (i < b.length) {
    const block = b[i];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      // Extension: label, then sub-blocks.
      i = skipSubBlocks(b, i + 2);
    } else if (block === 0x2c) {
      frames++;
      if (frames >= enough) return frames;
      if (i + 10 > b.length) break;
      const local = b[i + 9];
      i += 10;
      if (local & 0x80) i += 3 * (1 << ((local & 0x07) + 1));
      i = skipSubBlocks(b, i + 1); // LZW minimum code size, then the data
    } else {
      break;
    }
  }
  return frames;
}

function skipSubBlocks(b: Uint8Array, i: number): number {
  while (i < b.length) {
    const size = b[i];
    i += 1 + size;
    if (size === 0) break;
  }
  return i;
}

/** An animated WebP is an extended one (VP8X) with its animation flag set, or one holding an ANIM chunk. */
function webpIsAnimated(b: Uint8Array): boolean {
  let i = 12;
  while (i + 8 <= b.length) {
    const fourcc = String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);
    const size = b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24);
    if (fourcc === "VP8X" && i + 8 < b.length && (b[i + 8] & 0x02) !== 0) return true;
    if (fourcc === "ANIM" || fourcc === "ANMF") return true;
    if (size < 0) return false;
    i += 8 + size + (size & 1);
  }
  return false;
}

/** An APNG has an acTL chunk before its first IDAT. */
function pngHasAnimationControl(b: Uint8Array): boolean {
  let i = 8;
  while (i + 8 <= b.length) {
    const length = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    if (type === "acTL") return true;
    if (type === "IDAT" || type === "IEND") return false;
    i += 12 + length;
  }
  return false;
}

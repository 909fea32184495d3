/**
 * Whether an image moves: an animated GIF (more than one frame), an animated WebP (the VP8X
 * animation flag or an ANIM chunk), an APNG (an acTL chunk) or an AVIF image sequence. Steps
 * that decode and encode pixels leave such images alone: they would keep the first frame only.
 */
import { ascii, u32be } from "./bytes";
import { gifBlocks } from "./gifMetadata";
import { pngChunks } from "./pngMetadata";
import { VP8X_ANIMATION, webpChunks } from "./webpMetadata";

/**
 * Whether `bytes`, of the sniffed MIME `type`, are an animation. A file whose structure cannot
 * be read counts as animated when what could be read says so, and as still otherwise.
 */
export function isAnimated(bytes: Uint8Array, type: string): boolean {
  switch (type) {
    case "image/gif":
      return gifFrames(bytes) > 1;
    case "image/png":
    case "image/apng":
      return pngHasAcTL(bytes);
    case "image/webp":
      return webpAnimated(bytes);
    case "image/avif":
      return ascii(bytes, 4, 4) === "ftyp" && ascii(bytes, 8, 4) === "avis";
    default:
      return false;
  }
}

function gifFrames(bytes: Uint8Array): number {
  try {
    return gifBlocks(bytes).blocks.filter((b) => b.kind === "image").length;
  } catch {
    // Cut short: count the frames that start before the damage.
    return countGifFramesLoosely(bytes);
  }
}

function countGifFramesLoosely(bytes: Uint8Array): number {
  let frames = 0;
  for (let i = 13; i < bytes.length && frames < 2; i++) if (bytes[i] === 0x2c && bytes[i - 1] === 0x00) frames++;
  return frames;
}

function pngHasAcTL(bytes: Uint8Array): boolean {
  try {
    return pngChunks(bytes).some((c) => c.type === "acTL");
  } catch {
    // acTL must come before the first IDAT: look at the chunks that can be read.
    let at = 8;
    while (at + 8 <= bytes.length) {
      const type = ascii(bytes, at + 4, 4);
      if (type === "acTL") return true;
      if (type === "IDAT") return false;
      at += 12 + u32be(bytes, at);
    }
    return false;
  }
}

function webpAnimated(bytes: Uint8Array): boolean {
  try {
    return webpChunks(bytes).chunks.some((c) => c.fourcc === "ANIM" || (c.fourcc === "VP8X" && (bytes[c.dataStart] & VP8X_ANIMATION) !== 0));
  } catch {
    return ascii(bytes, 12, 4) === "VP8X" && (bytes[20] & VP8X_ANIMATION) !== 0;
  }
}

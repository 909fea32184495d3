/**
 * GIF metadata removal: comment extensions and application extensions other than the
 * looping ones (NETSCAPE2.0, ANIMEXTS1.0) are left out; XMP lives in one of those. Frames,
 * their graphic control extensions (timing, transparency) and plain-text extensions (drawn
 * on the image) are copied byte for byte, so an animation plays as before.
 */
import { ascii, concat, ProcessRefusal } from "./bytes";

const LOOP_APPLICATIONS = new Set(["NETSCAPE2.0", "ANIMEXTS1.0"]);

export interface GifBlock {
  kind: "image" | "extension";
  /** The extension label (0xF9 graphic control, 0xFE comment, 0xFF application, 0x01 plain text). */
  label?: number;
  start: number;
  end: number;
}

/**
 * The blocks of a GIF after its header and global colour table, up to the trailer.
 * @throws ProcessRefusal when the file is cut short or its blocks are damaged.
 */
export function gifBlocks(bytes: Uint8Array): { headerEnd: number; blocks: GifBlock[]; end: number } {
  if (bytes.length < 13) throw new ProcessRefusal("its GIF header is damaged");
  const packed = bytes[10];
  let at = 13 + (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0);
  const headerEnd = at;
  const blocks: GifBlock[] = [];
  for (;;) {
    if (at >= bytes.length) throw new ProcessRefusal("it ends before its GIF trailer");
    const introducer = bytes[at];
    if (introducer === 0x3b) return { headerEnd, blocks, end: at + 1 };
    if (introducer === 0x21) {
      if (at + 2 > bytes.length) throw new ProcessRefusal("it ends inside a GIF block");
      const end = skipSubBlocks(bytes, at + 2);
      blocks.push({ kind: "extension", label: bytes[at + 1], start: at, end });
      at = end;
    } else if (introducer === 0x2c) {
      if (at + 10 > bytes.length) throw new ProcessRefusal("it ends inside a GIF frame");
      const local = bytes[at + 9];
      const tableEnd = at + 10 + (local & 0x80 ? 3 * (1 << ((local & 7) + 1)) : 0);
      // One byte of LZW code size, then the data sub-blocks.
      const end = skipSubBlocks(bytes, tableEnd + 1);
      blocks.push({ kind: "image", start: at, end });
      at = end;
    } else {
      throw new ProcessRefusal("its GIF blocks are damaged");
    }
  }
}

function skipSubBlocks(bytes: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    if (at >= bytes.length) throw new ProcessRefusal("it ends inside a GIF block");
    const size = bytes[at];
    at += 1 + size;
    if (size === 0) return at;
  }
}

/**
 * The GIF without comments and metadata; `bytes` itself when there were none. Bytes after the trailer are left out too.
 * @throws ProcessRefusal when the block structure cannot be read.
 */
export function stripGifMetadata(bytes: Uint8Array): Uint8Array {
  const { headerEnd, blocks, end } = gifBlocks(bytes);
  const kept: Uint8Array[] = [bytes.subarray(0, headerEnd)];
  let removed = end < bytes.length;
  for (const b of blocks) {
    if (b.kind === "extension" && !keepExtension(bytes, b)) {
      removed = true;
      continue;
    }
    kept.push(bytes.subarray(b.start, b.end));
  }
  if (!removed) return bytes;
  kept.push(new Uint8Array([0x3b]));
  return concat(kept);
}

function keepExtension(bytes: Uint8Array, b: GifBlock): boolean {
  if (b.label === 0xfe) return false;
  if (b.label !== 0xff) return true;
  // An application extension's first sub-block is 11 bytes: identifier and authentication code.
  return bytes[b.start + 2] === 11 && LOOP_APPLICATIONS.has(ascii(bytes, b.start + 3, 11));
}

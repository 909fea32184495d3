/**
 * Content hashes. SHA-256 names an image everywhere (keys, the upload index); MD5 exists
 * only for key templates carried over from PicGo, whose `{md5}` users expect to keep.
 */
import { md5 } from "@noble/hashes/legacy";
import { bytesToHex as nobleBytesToHex } from "@noble/hashes/utils";

/** Lower-case hex of `bytes`, as every hash here is written. */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes);
}

/** Lower-case hex SHA-256 of `bytes`, computed by Web Crypto (present in browsers, mobile WebViews and Node 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return bytesToHex(new Uint8Array(digest));
}

export interface Md5Options {
  /** Bytes hashed between two yields; 256 KiB by default. */
  chunkBytes?: number;
  /** Awaited between chunks so the editor stays responsive; defaults to a zero-delay timer. */
  yieldEvery?: () => Promise<void>;
}

const DEFAULT_MD5_CHUNK = 256 * 1024;

/**
 * Lower-case hex MD5 of `bytes`. Web Crypto has no MD5, so this runs in JavaScript on the
 * UI thread; hashing in chunks and yielding between them keeps a large image from
 * freezing the editor while it hashes.
 */
export async function md5Hex(bytes: Uint8Array, opts: Md5Options = {}): Promise<string> {
  const chunk = opts.chunkBytes ?? DEFAULT_MD5_CHUNK;
  if (!Number.isInteger(chunk) || chunk <= 0) {
    throw new RangeError(`chunkBytes must be a positive integer, got ${chunk}`);
  }
  const pause = opts.yieldEvery ?? nextTask;
  const hash = md5.create();
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    if (offset > 0) await pause();
    hash.update(bytes.subarray(offset, offset + chunk));
  }
  return bytesToHex(hash.digest());
}

/**
 * Resolves on a later task, letting rendering and input run. Obsidian wants timers on
 * `window` (popout windows); the command-line tool runs in Node, which has no `window`.
 */
function nextTask(): Promise<void> {
  const schedule: (callback: () => void, ms: number) => unknown = typeof window === "undefined" ? setTimeout : window.setTimeout.bind(window);
  return new Promise((resolve) => {
    schedule(resolve, 0);
  });
}

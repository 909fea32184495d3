import { Buffer } from "node:buffer";
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";

/**
 * Reads whole files into buffers that are used again once their bytes are no longer needed.
 *
 * A migration reads hundreds of images one after the other. Reading each into new memory
 * costs the kernel a page fault for every 4 KiB the first time the memory is written, which
 * is several times the cost of the read itself, and leaves megabytes of garbage per second
 * to the collector. A buffer handed back with `release` serves a later file of up to its size.
 *
 * Reads are synchronous: the file is in the page cache far more often than not, and a
 * synchronous read skips the four round trips to libuv's thread pool of an asynchronous one.
 */
export class FileBuffers {
  /** Free buffers, each to be lent again for any file that fits. */
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  /** Bytes lent out (a view) → the whole buffer behind them. */
  private readonly lent = new WeakMap<Uint8Array, Buffer>();

  /**
   * @param maxFreeBytes memory kept for reuse at most; a buffer released beyond it is left
   *   to the garbage collector.
   */
  constructor(private readonly maxFreeBytes = 128 * 1024 * 1024) {}

  /** The whole content of `file`. Throws as `readFileSync` does (missing file, folder, no permission). */
  read(file: string): Uint8Array {
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      // One byte more than the size, so that a file that grew since the stat is noticed.
      const buf = this.take(size + 1);
      let n = 0;
      while (n < buf.length) {
        const got = readSync(fd, buf, n, buf.length - n, n);
        if (got === 0) break;
        n += got;
      }
      if (n === buf.length) {
        // It grew while being read: read it the plain way, to its current end.
        this.giveBack(buf);
        return readFileSync(file);
      }
      const bytes = buf.subarray(0, n);
      this.lent.set(bytes, buf);
      return bytes;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Says that `bytes`, as returned by `read`, are no longer used by anyone, so their memory
   * may hold another file. Bytes not from `read`, or released already, are ignored.
   *
   * The migration releases a file's bytes once its upload has settled. Should a transport
   * still be sending from them then (a request given up on after a timeout), the server
   * cannot store what it gets: every PUT is signed with the SHA-256 of its body, and a body
   * that does not match is refused.
   */
  release(bytes: Uint8Array): void {
    const buf = this.lent.get(bytes);
    if (buf === undefined) return;
    this.lent.delete(bytes);
    this.giveBack(buf);
  }

  private take(min: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i].length >= min && (best < 0 || this.free[i].length < this.free[best].length)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(sizeClass(min));
    const [buf] = this.free.splice(best, 1);
    this.freeBytes -= buf.length;
    return buf;
  }

  private giveBack(buf: Buffer): void {
    if (this.freeBytes + buf.length > this.maxFreeBytes) return;
    this.free.push(buf);
    this.freeBytes += buf.length;
  }
}

/** `n` rounded up to one of eight steps per power of two, so a buffer wastes at most 1/8 of itself. */
export function sizeClass(n: number): number {
  if (n <= 4096) return 4096;
  const step = 2 ** (Math.floor(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}

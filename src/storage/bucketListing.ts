/**
 * What one bulk run learns of the bucket in a single listing, so that it need not ask about
 * each file (a HEAD, or for content-addressed keys a PUT of bytes already there).
 *
 * The listing covers the key template's folder (`keyTemplatePrefix`), is taken when the run
 * first asks and is dropped when the run ends, so nothing outside the run relies on it. It
 * says what it can and no more: a key outside the folder, a folder with more objects than
 * `maxPages` pages, or a listing the keys may not make (AccessDenied: keys allowed to write
 * only) all leave the answer to the per-file checks, as if there were no listing.
 */
import type { ObjectInfo, S3ObjectStore } from "./objectStore";

/** ListObjectsV2 returns up to this many keys a page. */
export const LIST_PAGE_KEYS = 1000;
/**
 * The most pages a run lists before giving up on the listing: 50,000 keys, a few megabytes
 * held for the run. A folder holding more is answered per file.
 */
export const MAX_LIST_PAGES = 50;

export class BucketListing {
  private listed: Promise<Map<string, ObjectInfo> | null> | undefined;
  /** Objects this run wrote after the listing was taken. */
  private readonly written = new Map<string, ObjectInfo>();
  private ended = false;

  constructor(
    private readonly bucket: Pick<S3ObjectStore, "list">,
    /** The folder listed; only keys under it are answered. */
    readonly prefix: string,
    /**
     * The most pages to list, read when the listing starts and again before each further
     * page (a run that is still finding its files knows more by then). At 0 when the listing
     * starts, none is made and every answer is "cannot tell".
     */
    private readonly maxPages: number | (() => number),
  ) {}

  /**
   * Starts the listing now, if it has not started, rather than when `at` first asks: the
   * run can go on reading while the service answers. Does nothing once the run is over.
   */
  start(): void {
    if (!this.ended) void this.listing();
  }

  /** The listing, started on the first call; null when there is none to rely on. */
  private listing(): Promise<Map<string, ObjectInfo> | null> {
    if (this.listed === undefined) {
      const pages = typeof this.maxPages === "function" ? this.maxPages() : this.maxPages;
      // Any failure means "cannot tell": the per-file checks that follow report real problems
      // (a network down, a wrong bucket) in their own words. The list asks `maxPages` again
      // before each further page.
      this.listed = pages < 1 ? Promise.resolve(null) : this.bucket.list(this.prefix, this.maxPages).catch(() => null);
    }
    return this.listed;
  }

  /**
   * What is at `key` by the listing: its size and ETag, null when the listing shows nothing
   * there, undefined when the listing cannot tell (not under the folder, too many pages,
   * listing refused or failed, run over).
   */
  async at(key: string): Promise<ObjectInfo | null | undefined> {
    if (this.ended || !key.startsWith(this.prefix)) return undefined;
    const written = this.written.get(key);
    if (written) return written;
    const objects = await this.listing();
    if (objects === null || this.ended) return undefined;
    return this.written.get(key) ?? objects.get(key) ?? null;
  }

  /** Notes an object this run has just put, which the listing taken before cannot show. */
  wrote(key: string, info: ObjectInfo): void {
    if (!this.ended) this.written.set(key, info);
  }

  /** The run is over: forget everything, answer nothing more. */
  end(): void {
    this.ended = true;
    this.listed = undefined;
    this.written.clear();
  }
}

/** How many pages a run of `files` uploads may list: never more requests than asking per file would cost. */
export function listPagesFor(files: number): number {
  return Math.min(MAX_LIST_PAGES, Math.floor(files));
}

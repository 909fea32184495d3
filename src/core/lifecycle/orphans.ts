/**
 * Which objects of a bucket no note links to, and which of those may be deleted: only objects
 * under the folder the profile's key template writes to (or a folder the person names), and
 * only those older than a grace period, so an image uploaded a moment ago whose note is not
 * saved yet, or is being synced from another device, is never taken for unused.
 */
import { UploadError } from "../errors";
import { keyTemplatePrefix } from "../prepare/keyTemplate";

/** One object as a listing shows it. */
export interface BucketObject {
  key: string;
  size: number;
  /** When the object was last written; undefined when the listing did not say. */
  lastModified: Date | undefined;
}

/** Days an object must have existed before it may count as unused, unless told otherwise. */
export const DEFAULT_MIN_AGE_DAYS = 7;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The folder to look for unused images in: `explicit` when the person named one, else the
 * key template's fixed folder (`img/{hash}.{ext}` → `img/`).
 * @throws UploadError `InvalidSettings` when the template starts with a token and no folder was named:
 *   the whole bucket would be searched, and in a bucket shared with anything else, every
 *   object it holds for other uses would look unused.
 */
export function orphanPrefix(keyTemplate: string, explicit: string | undefined, prefixFlag = "a folder"): string {
  if (explicit !== undefined) return explicit;
  const prefix = keyTemplatePrefix(keyTemplate);
  if (prefix === "") {
    throw new UploadError(
      "InvalidSettings",
      `The key template "${keyTemplate}" does not start with a fixed folder, so its images cannot be told apart from anything else in the bucket.`,
      `Name the folder to look in with ${prefixFlag}; looking through the whole bucket would count every file that is not an image of your notes as unused.`,
    );
  }
  return prefix;
}

/** What the search found, in numbers and by object. */
export interface OrphanSelection {
  /** Objects under the folder that no note links to and that are older than the grace period, by key. */
  orphans: BucketObject[];
  /** Objects under the folder that some note links to. */
  linked: number;
  /** Unlinked objects under the folder kept because they are younger than the grace period (or of unknown age). */
  tooYoung: number;
}

/**
 * Picks the unused objects from a listing. Objects outside `prefix` are never picked, whatever
 * the listing holds; nor is an object whose age is unknown.
 */
export function selectOrphans(
  objects: Iterable<BucketObject>,
  isLinked: (key: string) => boolean,
  opts: { prefix: string; now: Date; minAgeDays: number },
): OrphanSelection {
  const cutoff = opts.now.getTime() - opts.minAgeDays * DAY_MS;
  const out: OrphanSelection = { orphans: [], linked: 0, tooYoung: 0 };
  for (const o of objects) {
    if (!o.key.startsWith(opts.prefix)) continue;
    if (isLinked(o.key)) {
      out.linked++;
      continue;
    }
    const at = o.lastModified?.getTime();
    if (at === undefined || Number.isNaN(at) || at > cutoff) {
      out.tooYoung++;
      continue;
    }
    out.orphans.push(o);
  }
  out.orphans.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** Sizes in words: `512 bytes`, `3.4 KB`, `12.0 MB` (1,024 based, as file managers show them). */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

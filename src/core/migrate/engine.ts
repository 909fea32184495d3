import { Batcher, type SetTimer } from "./batcher";
import type { Embed, ScanOptions } from "../markdown";
import { errorText, isUploadError } from "../errors";
import { baseName } from "../paths";
import type { ImageUploader } from "../ports";
import { Feed, runFeed } from "./pool";
import { Planner, type Fail, type FileJob, type NoteJob, type OnLink } from "./planner";
import { writeBack, type Rewrite } from "./writeBack";
import type { LinkStyle } from "../link/linkWriter";
import type { TextChange } from "../apply/textChanges";
import { checkedImage, type FetchedResponse } from "../download/checkedImage";
import { attachmentName } from "../download/attachmentName";
import type { ImageSource } from "../download/servedFrom";

/**
 * "Upload all local images": the migration engine shared by the Obsidian command and the
 * command-line tool. It only orchestrates; every contact with the outside world goes
 * through `MigrationPorts`.
 *
 * How a run goes:
 * 1. Notes are read one at a time and scanned for local image embeds (remote URLs, embedded
 *    notes, bases, canvases, PDFs are left alone). A canvas in the list is read as one: its
 *    image file nodes and the embeds in its text nodes (see `core/canvas`). Each link is resolved to a vault path;
 *    a link that resolves to nothing is a `MissingFile` failure and stays as it was, and so
 *    does one the ports refuse to resolve (`AmbiguousLink`, `OutsideVault`). Scanning pauses
 *    between chunks of notes (through `setTimer`), so a large vault never holds up the app.
 * 2. Each distinct file starts uploading as soon as its first link is found, while later
 *    notes are still being scanned: the number of files to upload grows until the last note
 *    is scanned. A file is read when its upload starts (never all up front) and uploaded
 *    once, `concurrency` at a time, however many links point at it, in whichever notes they
 *    are found, before or after its upload. The ports may refuse to read a file (too large,
 *    outside the vault, unreadable); its links then fail with the ports' code and words.
 *    With `remote`, web images (http(s) links to other websites) are files too: fetched
 *    through `ports.fetch`, refused unless their bytes are an image, and uploaded like the
 *    rest. A link some profile already serves is never re-hosted; a host the lists refuse
 *    keeps its link and is reported.
 * 3. Links are rewritten in batches as their uploads finish, so an interrupted run leaves
 *    every note consistent, with the finished links already rewritten; a link found after
 *    its file was uploaded joins the next batch. Each rewrite replaces a link only where its
 *    original text still stands; a link the user edited meanwhile is skipped and reported,
 *    never overwritten. A link that unfinished markdown around it would take in once
 *    rewritten stays as it was and is a `MalformedLink` failure.
 */

/** The outside world as the engine needs it. */
export interface MigrationPorts {
  /** A note's text; a rejection with an `UploadError` is reported with its code and words. */
  readNote(notePath: string): Promise<string>;
  /**
   * Atomically rewrites a note: `edit` gets the note's CURRENT text and returns the changes
   * to make to it (offsets into that text; `applyTextChanges` applies them to a string).
   * Nothing may change the note between the read and the write: `Vault.process` or one
   * synchronous editor update in Obsidian, read + atomic replace in the CLI.
   *
   * Changes rather than a new text, so that a note open in an editor can be changed in place
   * without moving the cursor or the selection of the person typing in it.
   */
  rewriteNote(notePath: string, edit: (text: string) => TextChange[]): Promise<void>;
  /**
   * Vault path of the file a link points to from `notePath`, or null; with the rule that
   * found it when that rule was a guess (see `ResolvedPath`). Throws an `UploadError` for a
   * link that must not be followed (`AmbiguousLink`, `OutsideVault`, `MissingFile` with a hint).
   * `embed` is the link as found: its `kind` says how the path is meant (the slug of a
   * `hexo-asset` tag names a file of the post's asset folder, not one beside the note).
   */
  resolve(linkpath: string, notePath: string, embed?: Embed): string | ResolvedPath | null;
  /**
   * The vault file at exactly `path` (a canvas file node names its file by its full vault
   * path, never by a link to resolve), or null; throws as `resolve` does for a file that must
   * not be read. Without it, the path is resolved as a link from the canvas.
   */
  exactFile?(path: string): string | null;
  /**
   * Bytes of a vault file. A port that can tell why it will not or cannot read the file
   * rejects with an `UploadError` (`MissingFile`, `TooLarge` checked before reading,
   * `OutsideVault`, `UnreadableFile`), reported with its code; any other rejection is
   * reported as `UnreadableFile`.
   */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Called with bytes from `readFile` once their upload has settled and nothing holds them
   * any more, so that a port may read a later file into the same memory.
   */
  releaseFile?(bytes: Uint8Array): void;
  /** Size in bytes of a vault file before it is read, when known cheaply; weighs it against `maxBytesInFlight`. */
  fileSize?(path: string): number | undefined;
  /** GETs a web image (with `MigrationOptions.remote`); rejects in words when no answer came. Header names in lower case. */
  fetch?(url: string): Promise<FetchedResponse>;
  uploader: ImageUploader;
}

/** Which web images "Upload all" re-hosts. */
export interface RemoteOptions {
  /** Public URL prefixes of every profile: links they serve are never re-hosted. */
  servedBy: readonly ImageSource[];
  /** Hosts to take web images from (their subdomains too); empty: any host not denied. */
  allow: readonly string[];
  /** Hosts never to fetch from. */
  deny: readonly string[];
}

/** A file a link was resolved to, and, when it was found by a guess, the name of the rule that guessed. */
export interface ResolvedPath {
  path: string;
  /** Set only for a guess (`name-only`, `post-asset-folder` …): the run lists these links. */
  guess?: string;
}

/**
 * Reported after each chunk of notes scanned (the first with `done: 0`, before any upload
 * finishes) and after each file finishes.
 */
export interface MigrationProgress {
  /** Files finished so far: uploaded, found in the bucket, or failed. */
  done: number;
  /** Distinct files found so far; final once `notesScanned === notes`. */
  total: number;
  /** Notes scanned so far. */
  notesScanned: number;
  /** Notes to scan in this run. */
  notes: number;
  /** Vault path of the file that just finished; absent in the first report. */
  file?: string;
  uploaded: number;
  reused: number;
  failed: number;
}

export interface MigrationOptions {
  /** Uploads in flight at once. */
  concurrency: number;
  /** Scan and resolve only: no file is read or uploaded and no note is written. */
  dryRun?: boolean;
  /** Rewrite the notes after this many finished files (default 128). */
  flushEvery?: number;
  /** …or this long after the first unwritten file finished, whichever comes first (default 1000). */
  flushIntervalMs?: number;
  /** The timer behind `flushIntervalMs` (`window.setTimeout` in Obsidian, Node's in the CLI); without one, batches are written by count and at the end. */
  setTimer?: SetTimer;
  onProgress?: (p: MigrationProgress) => void;
  /** Stops starting uploads; those in flight finish and their links are still rewritten. */
  signal?: AbortSignal;
  /**
   * Bytes of images in flight at once (read and not yet uploaded), as `ports.fileSize` tells
   * them; an image larger than this still goes, alone. Unbounded when left out.
   */
  maxBytesInFlight?: number;
  /** Which forms of image the notes are scanned for (default: those Obsidian renders). */
  scan?: ScanOptions;
  /** Re-host web images too (off when absent); see `RemoteOptions`. */
  remote?: RemoteOptions;
  /** Only links to these vault paths (the rest of each note is left alone). */
  onlyFiles?: ReadonlySet<string>;
  /** How the links made for local images are written (default: markdown). */
  linkStyle?: LinkStyle;
  /**
   * What the note's own upload rule says, from its text (its `image-upload` field): a note
   * that keeps its images local, or that this run must not upload for (with why), is left
   * alone and listed; `undefined` uploads as usual.
   */
  noteRule?: (notePath: string, text: string) => NoteRuling | undefined;
}

/** A note the run leaves alone by its own rule. */
export type NoteRuling = { kind: "local" } | { kind: "skip"; message: string };

/**
 * What a run did. `uploaded` and `reused` count distinct files; `rewritten`, `skipped`
 * and `failed` count links, and every local image link found ends up in exactly one of
 * them (a note that could not be read adds one failure of its own, with an empty `link`).
 */
export interface MigrationReport {
  /** Files put into the bucket by this run. */
  uploaded: number;
  /** Files whose bytes were already in the bucket, so no upload was made. */
  reused: number;
  /**
   * Links left as they were without an error: the note changed at that place before the
   * rewrite (also listed in `skippedEdits`), the run was a dry run, or it was stopped
   * before the link's file was uploaded.
   */
  skipped: number;
  /**
   * Failed links (missing file, upload refused, note not writable, unfinished markdown around
   * the link that would take the new link in), all listed in `failures`.
   */
  failed: number;
  /** Links replaced by their uploaded URL. */
  rewritten: number;
  failures: { note: string; link: string; code: string; message: string }[];
  /** Links whose text the user changed while the run was going, so they were not rewritten. */
  skippedEdits: { note: string; link: string }[];
  /** Web images left as they were because the allow or deny lists refuse their host (counted in `skipped`). */
  skippedHosts: { note: string; link: string }[];
  /** Each distinct file, in the order first linked. */
  files: MigratedFile[];
  /** Links resolved by a guess rather than by the path they spell, with the rule that guessed. */
  guesses: { note: string; link: string; file: string; rule: string }[];
  /** Notes that keep their images local (their `image-upload` field or a folder rule); none of their links is counted. */
  keptLocal: string[];
  /** Notes nothing was uploaded for because their rule cannot be followed here, with why; none of their links is counted. */
  skippedNotes: { note: string; message: string }[];
}

/** A report of nothing done. */
export function emptyReport(): MigrationReport {
  return {
    uploaded: 0,
    reused: 0,
    skipped: 0,
    failed: 0,
    rewritten: 0,
    failures: [],
    skippedEdits: [],
    guesses: [],
    skippedHosts: [],
    files: [],
    keptLocal: [],
    skippedNotes: [],
  };
}

/** Several runs' reports as one: counts added, lists joined in order. */
export function combineReports(reports: readonly MigrationReport[]): MigrationReport {
  const out = emptyReport();
  for (const r of reports) {
    out.uploaded += r.uploaded;
    out.reused += r.reused;
    out.skipped += r.skipped;
    out.failed += r.failed;
    out.rewritten += r.rewritten;
    out.failures.push(...r.failures);
    out.skippedEdits.push(...r.skippedEdits);
    out.guesses.push(...r.guesses);
    out.skippedHosts.push(...r.skippedHosts);
    out.files.push(...r.files);
    out.keptLocal.push(...r.keptLocal);
    out.skippedNotes.push(...r.skippedNotes);
  }
  return out;
}

/** One distinct file of a run. */
export interface MigratedFile {
  /** Vault path; for a web image, its URL. */
  path: string;
  /** A web image, fetched from `path` rather than read from the vault. */
  remote?: boolean;
  /** Public URL, once uploaded (or found in the bucket). */
  url?: string;
  reused?: boolean;
  /** Notes that link to it, in scan order. */
  notes: string[];
  /** Links to it found in those notes. */
  links: number;
  /** Of those, links rewritten to `url`. */
  rewritten: number;
}

// Each write of a note rescans it (twice: before, and as it would read after), and in
// Obsidian re-renders it and may start a sync: a note is written about once a second while
// uploads finish, not once per handful of images. The count bounds one write's size where
// files finish faster than that: in Obsidian a batch's notes are rewritten one after another
// on the main thread, and at 1,000 files a batch held it for 90 to 130 ms in a vault of
// 10,000 notes (20 to 40 ms at 128).
const DEFAULT_FLUSH_EVERY = 128;
const DEFAULT_FLUSH_INTERVAL_MS = 1000;

// Scanning pauses for other work (the editor, finished uploads) after this much note text
// or this many notes, whichever comes first: about 5 ms of scanning on an ordinary note.
const CHUNK_CHARS = 48_000;
const CHUNK_NOTES = 32;

/** Uploads every local image linked from `notePaths` and rewrites the links; see the module comment. */
export async function migrateNotes(notePaths: string[], ports: MigrationPorts, opts: MigrationOptions): Promise<MigrationReport> {
  const report = emptyReport();
  const fail: Fail = (note, link, code, message) => {
    report.failed++;
    report.failures.push({ note, link, code, message });
  };
  const notes = [...new Set(notePaths)];
  const files: FileJob[] = [];
  const feed = new Feed<FileJob>();
  const batcher = new Batcher<Rewrite>(
    (batch) => writeBack(batch, ports, report, fail, opts.scan, opts.linkStyle),
    opts.flushEvery ?? DEFAULT_FLUSH_EVERY,
    opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
    opts.setTimer,
  );

  // The uploader may learn once what the bucket holds rather than ask about every file; it is
  // told how many files the run has found by the time it asks, and as soon as there are two.
  const run = opts.dryRun ? undefined : ports.uploader.forRun?.(() => files.length);
  // Files first linked from the note being scanned; they start uploading once it is scanned.
  let found: FileJob[] = [];
  // A link found after its file's upload settled is rewritten, or fails, on its own.
  const onLink: OnLink = (link, isNew) => {
    const file = link.file;
    if (isNew) {
      files.push(file);
      found.push(file);
      if (files.length === 2) run?.foundMany?.();
    }
    file.links.push(link);
    if (file.settled === undefined) return;
    const failed = file.settled.failed?.(link);
    if (failed) fail(link.note.path, link.embed.raw, failed.code, failed.message);
    else batcher.add({ file, links: [link] });
  };
  const planner = new Planner(ports, report, fail, onLink, opts);

  let scanned = 0;
  let done = 0;
  const progress = (file?: string): void =>
    opts.onProgress?.({
      done,
      total: files.length,
      file,
      uploaded: report.uploaded,
      reused: report.reused,
      failed: report.failed,
      notesScanned: scanned,
      notes: notes.length,
    });
  const pause = opts.setTimer ? () => new Promise<void>((resolve) => opts.setTimer?.(resolve, 0)) : () => Promise.resolve();

  // Once every file has started, no note gets a new link: a note none of whose files is still
  // uploading is written now, while the last uploads run, rather than after them. A note that
  // still waits for one is left for when that upload ends, rather than written now and again then.
  const writeFinishedNotes = (): void => {
    const waiting = new Set<NoteJob>();
    for (const f of files) if (f.settled === undefined) for (const l of f.links) waiting.add(l.note);
    batcher.flushReady((rewrite) => {
      const ready = rewrite.links.filter((l) => !waiting.has(l.note));
      if (ready.length === rewrite.links.length) return { ready: rewrite };
      if (ready.length === 0) return { rest: rewrite };
      return { ready: { file: rewrite.file, links: ready }, rest: { file: rewrite.file, links: rewrite.links.filter((l) => waiting.has(l.note)) } };
    });
  };

  // Planning runs ahead of the uploads: each file starts as soon as its first link is found.
  // It goes on after a stop, so that every link is accounted for and the links of files
  // already uploaded are still rewritten wherever they are.
  const planning = (async () => {
    try {
      let chars = 0;
      let inChunk = 0;
      for (const notePath of notes) {
        chars += await planner.scanNote(notePath);
        scanned++;
        const endOfChunk = ++inChunk >= CHUNK_NOTES || chars >= CHUNK_CHARS || scanned === notes.length;
        // The first report comes before any upload has started.
        if (!opts.dryRun && (scanned === 1 || endOfChunk)) progress();
        if (!opts.dryRun) for (const f of found) feed.push(f);
        found = [];
        if (endOfChunk) {
          chars = 0;
          inChunk = 0;
          if (scanned < notes.length) await pause();
        }
      }
    } finally {
      feed.close();
      if (feed.exhausted) writeFinishedNotes();
    }
  })();

  if (opts.dryRun) {
    await planning;
    for (const f of files) report.skipped += f.links.length;
    return report;
  }
  if (notes.length === 0) progress();

  const uploads = runFeed(
    feed,
    opts.concurrency,
    async (file) => {
      file.started = true;
      if (feed.exhausted) writeFinishedNotes();
      file.settled = await uploadOne(file, ports, run ?? ports.uploader, report);
      const links = [...file.links];
      if (file.settled.failed) for (const l of links) fail(l.note.path, l.embed.raw, file.settled.failed(l).code, file.settled.failed(l).message);
      else batcher.add({ file, links });
      if (feed.exhausted) writeFinishedNotes();
      done++;
      progress(file.path);
    },
    opts.signal,
    opts.maxBytesInFlight !== undefined
      ? { limit: opts.maxBytesInFlight, weight: (file) => (file.remote ? 0 : (ports.fileSize?.(file.path) ?? 0)) }
      : undefined,
  ).finally(() => run?.end());
  // Both run to the end before either's error is rethrown: no upload is left running unseen.
  const [planned, uploaded] = await Promise.allSettled([planning, uploads]);
  await batcher.drain();
  if (planned.status === "rejected") throw planned.reason;
  if (uploaded.status === "rejected") throw uploaded.reason;

  for (const f of files) if (!f.started) report.skipped += f.links.length;
  return report;
}

/**
 * Reads one file and uploads it. Returns how it settled: in the bucket (its URL is in the
 * report), or the failure each link to it gets.
 */
async function uploadOne(file: FileJob, ports: MigrationPorts, uploader: ImageUploader, report: MigrationReport): Promise<NonNullable<FileJob["settled"]>> {
  if (file.remote) return uploadRemote(file, ports, uploader, report);
  let bytes: Uint8Array;
  try {
    bytes = await ports.readFile(file.path);
  } catch (e) {
    return {
      failed: (l) =>
        isUploadError(e)
          ? { code: e.code, message: `${file.path}: ${e.toUserText()}` }
          : {
              code: "UnreadableFile",
              message: `The image "${file.path}" linked in "${l.note.path}" could not be read (${errorText(e)}); the link was left as it was.`,
            },
    };
  }
  try {
    recordStored(report, file, await uploader.upload({ bytes, name: baseName(file.path), notePath: file.links[0].note.path, sourcePath: file.path }));
    return {};
  } catch (e) {
    const code = isUploadError(e) ? e.code : "Unknown";
    const message = isUploadError(e) ? errorText(e) : `Upload failed: ${errorText(e)}`;
    return { failed: () => ({ code, message: `${file.path}: ${message}` }) };
  } finally {
    ports.releaseFile?.(bytes);
  }
}

/** Notes in the report where a file went and whether the bucket had it already. */
function recordStored(report: MigrationReport, file: FileJob, stored: { url: string; reused: boolean }): void {
  Object.assign(report.files[file.entry], { url: stored.url, reused: stored.reused });
  if (stored.reused) report.reused++;
  else report.uploaded++;
}

/** Fetches a web image and uploads it; on failure every link to it keeps its URL and fails. */
async function uploadRemote(file: FileJob, ports: MigrationPorts, uploader: ImageUploader, report: MigrationReport): Promise<NonNullable<FileJob["settled"]>> {
  try {
    if (!ports.fetch) throw new Error("web images cannot be fetched here");
    let res: FetchedResponse;
    try {
      res = await ports.fetch(file.path);
    } catch (e) {
      throw isUploadError(e) ? e : new Error(`"${file.path}" could not be fetched (${errorText(e)}); the link was left as it was.`);
    }
    // Only images are re-hosted, whatever "Images only" says: a page or a script from
    // another site must not end up served from the bucket.
    const image = await checkedImage(file.path, res);
    recordStored(report, file, await uploader.upload({ bytes: image.bytes, name: attachmentName(file.path, image.ext), notePath: file.links[0].note.path }));
    return {};
  } catch (e) {
    const code = isUploadError(e) ? e.code : "DownloadFailed";
    const message = errorText(e);
    return { failed: () => ({ code, message }) };
  }
}

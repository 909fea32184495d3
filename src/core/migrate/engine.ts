import { Batcher, type SetTimer } from "./batcher";
import { isLocalImageEmbed, scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import { errorText, isUploadError } from "../errors";
import { baseName } from "../paths";
import { NoteShifts, writeLinks, type LinkOutcome } from "../apply/writeLinks";
import type { ImageUploader } from "../ports";
import { runPool } from "./pool";
import type { TextChange } from "../apply/textChanges";
import { checkedImage, type FetchedResponse } from "../download/checkedImage";
import { attachmentName } from "../download/attachmentName";
import { hostAllowed, servedFrom, type ImageSource } from "../download/servedFrom";

/**
 * "Upload all local images": the migration engine shared by the Obsidian command and the
 * command-line tool. It only orchestrates; every contact with the outside world goes
 * through `MigrationPorts`.
 *
 * How a run goes:
 * 1. Every note is read once and scanned for local image embeds (remote URLs, embedded
 *    notes, bases, canvases, PDFs are left alone). Each link is resolved to a vault path;
 *    a link that resolves to nothing is a `MissingFile` failure and stays as it was, and so
 *    does one the ports refuse to resolve (`AmbiguousLink`, `OutsideVault`).
 * 2. Each distinct file is read when its upload starts (never all up front) and uploaded
 *    once, `concurrency` at a time, however many links point at it. The ports may refuse
 *    to read a file (too large, outside the vault, unreadable); its links then fail with
 *    the ports' code and words.
 *    With `remote`, web images (http(s) links to other websites) are files too: fetched
 *    through `ports.fetch`, refused unless their bytes are an image, and uploaded like the
 *    rest. A link some profile already serves is never re-hosted; a host the lists refuse
 *    keeps its link and is reported.
 * 3. Links are rewritten in batches as their uploads finish, so an interrupted run leaves
 *    every note consistent, with the finished links already rewritten. Each rewrite
 *    replaces a link only where its original text still stands; a link the user edited
 *    meanwhile is skipped and reported, never overwritten. A link that unfinished markdown
 *    around it would take in once rewritten stays as it was and is a `MalformedLink` failure.
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

/** Reported once before the first upload (`done: 0`) and after each file finishes. */
export interface MigrationProgress {
  /** Files finished so far: uploaded, found in the bucket, or failed. */
  done: number;
  /** Distinct files to upload in this run. */
  total: number;
  /** Vault path of the file that just finished; absent in the first report. */
  file?: string;
  uploaded: number;
  reused: number;
  failed: number;
}

export interface MigrationOptions {
  /** Uploads in flight at once. */
  concurrency: number;
  /**
   * Bytes of images in flight at once (read and not yet uploaded), as `ports.fileSize` tells
   * them; an image larger than this still goes, alone. Unbounded when left out.
   */
  maxBytesInFlight?: number;
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
  /** Which forms of image the notes are scanned for (default: those Obsidian renders). */
  scan?: ScanOptions;
  /** Re-host web images too (off when absent); see `RemoteOptions`. */
  remote?: RemoteOptions;
  /** Only links to these vault paths (the rest of each note is left alone). */
  onlyFiles?: ReadonlySet<string>;
}

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
  /** Links resolved by a guess rather than by the path they spell, with the rule that guessed. */
  guesses: { note: string; link: string; file: string; rule: string }[];
  /** Web images left as they were because the allow or deny lists refuse their host (counted in `skipped`). */
  skippedHosts: { note: string; link: string }[];
  /** Each distinct file, in the order first linked. */
  files: MigratedFile[];
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

interface NoteJob {
  path: string;
  shifts: NoteShifts;
}

interface LinkJob {
  note: NoteJob;
  embed: Embed;
  file: FileJob;
}

interface FileJob {
  path: string;
  remote?: boolean;
  links: LinkJob[];
  /** Index into `report.files`, which also holds the file's URL once uploaded. */
  entry: number;
}

// Each write of a note rescans it (twice: before, and as it would read after), and in
// Obsidian re-renders it and may start a sync: a note is written about once a second while
// uploads finish, not once per handful of images. The count only bounds one write's size.
const DEFAULT_FLUSH_EVERY = 128;
const DEFAULT_FLUSH_INTERVAL_MS = 1000;

/** Uploads every local image linked from `notePaths` and rewrites the links; see the module comment. */
export async function migrateNotes(notePaths: string[], ports: MigrationPorts, opts: MigrationOptions): Promise<MigrationReport> {
  const report: MigrationReport = {
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
  };
  const fail = (note: string, link: string, code: string, message: string): void => {
    report.failed++;
    report.failures.push({ note, link, code, message });
  };

  const files = await planFiles([...new Set(notePaths)], ports, report, fail, opts);
  if (opts.dryRun) {
    for (const f of files) report.skipped += f.links.length;
    return report;
  }

  const progress = (done: number, file?: string): void =>
    opts.onProgress?.({ done, total: files.length, file, uploaded: report.uploaded, reused: report.reused, failed: report.failed });

  const batcher = new Batcher<FileJob>(
    (batch) => writeBack(batch, ports, report, fail, opts.scan),
    opts.flushEvery ?? DEFAULT_FLUSH_EVERY,
    opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
    opts.setTimer,
  );

  let done = 0;
  const started = new Set<FileJob>();
  // The uploader may learn once what the bucket holds rather than ask about every file.
  const run = ports.uploader.forRun?.(files.length);
  progress(0);
  await runPool(
    files,
    opts.concurrency,
    async (file) => {
      started.add(file);
      // Nothing is left to start: the links of the files done so far are written while the
      // last uploads run, rather than after them.
      if (started.size === files.length) batcher.flush();
      await uploadOne(file, ports, run ?? ports.uploader, report, fail);
      if (report.files[file.entry].url !== undefined) batcher.add(file);
      progress(++done, file.path);
    },
    opts.signal,
    opts.maxBytesInFlight !== undefined
      ? { limit: opts.maxBytesInFlight, weight: (file) => (file.remote ? 0 : (ports.fileSize?.(file.path) ?? 0)) }
      : undefined,
  ).finally(() => run?.end());
  await batcher.drain();

  for (const f of files) if (!started.has(f)) report.skipped += f.links.length;
  return report;
}

type Fail = (note: string, link: string, code: string, message: string) => void;

/** Reads and scans every note, resolves its local image links, and groups them by file. */
async function planFiles(notePaths: string[], ports: MigrationPorts, report: MigrationReport, fail: Fail, opts: MigrationOptions): Promise<FileJob[]> {
  const scan = opts.scan;
  const byPath = new Map<string, FileJob>();
  const fileFor = (path: string, remote: boolean): FileJob => {
    let file = byPath.get(path);
    if (!file) {
      file = {
        path,
        remote: remote || undefined,
        links: [],
        entry: report.files.push({ path, ...(remote && { remote }), notes: [], links: 0, rewritten: 0 }) - 1,
      };
      byPath.set(path, file);
    }
    return file;
  };
  for (const notePath of notePaths) {
    let text: string;
    try {
      text = await ports.readNote(notePath);
    } catch (e) {
      if (isUploadError(e)) fail(notePath, "", e.code, e.toUserText());
      else fail(notePath, "", "Unknown", `The note "${notePath}" could not be read (${errorText(e)}).`);
      continue;
    }
    const note: NoteJob = { path: notePath, shifts: new NoteShifts() };
    for (const embed of scanEmbeds(text, scan)) {
      const remote = opts.remote;
      if (remote && embed.isRemote && /^(https?:)?\/\//i.test(embed.target) && !servedFrom(embed.target, remote.servedBy)) {
        if (!hostAllowed(embed.target, remote)) {
          report.skipped++;
          report.skippedHosts.push({ note: notePath, link: embed.raw });
          continue;
        }
        addLink(fileFor(embed.target, true), note, embed);
        continue;
      }
      if (!isLocalImageEmbed(embed)) continue;
      let path: string | null;
      try {
        const found = ports.resolve(embed.target, notePath, embed);
        path = typeof found === "string" || found === null ? found : found.path;
        if (found !== null && typeof found !== "string" && found.guess !== undefined) {
          report.guesses.push({ note: notePath, link: embed.raw, file: found.path, rule: found.guess });
        }
      } catch (e) {
        if (!isUploadError(e)) throw e;
        if (!opts.onlyFiles) fail(notePath, embed.raw, e.code, e.toUserText());
        continue;
      }
      if (path === null) {
        if (opts.onlyFiles) continue;
        fail(notePath, embed.raw, "MissingFile", `The image "${embed.target}" linked in "${notePath}" is not in the vault; the link was left as it was.`);
        continue;
      }
      if (opts.onlyFiles && !opts.onlyFiles.has(path)) continue;
      addLink(fileFor(path, false), note, embed);
    }
  }
  return [...byPath.values()];

  function addLink(file: FileJob, note: NoteJob, embed: Embed): void {
    file.links.push({ note, embed, file });
    const entry = report.files[file.entry];
    entry.links++;
    if (!entry.notes.includes(note.path)) entry.notes.push(note.path);
  }
}

/** Reads one file and uploads it; on failure every link to it becomes a failure. */
async function uploadOne(file: FileJob, ports: MigrationPorts, uploader: ImageUploader, report: MigrationReport, fail: Fail): Promise<void> {
  if (file.remote) return uploadRemote(file, ports, uploader, report, fail);
  let bytes: Uint8Array;
  try {
    bytes = await ports.readFile(file.path);
  } catch (e) {
    for (const l of file.links) {
      if (isUploadError(e)) fail(l.note.path, l.embed.raw, e.code, `${file.path}: ${e.toUserText()}`);
      else
        fail(
          l.note.path,
          l.embed.raw,
          "UnreadableFile",
          `The image "${file.path}" linked in "${l.note.path}" could not be read (${errorText(e)}); the link was left as it was.`,
        );
    }
    return;
  }
  try {
    const stored = await uploader.upload({ bytes, name: baseName(file.path), notePath: file.links[0].note.path, sourcePath: file.path });
    Object.assign(report.files[file.entry], { url: stored.url, reused: stored.reused });
    if (stored.reused) report.reused++;
    else report.uploaded++;
  } catch (e) {
    const code = isUploadError(e) ? e.code : "Unknown";
    const message = isUploadError(e) ? errorText(e) : `Upload failed: ${errorText(e)}`;
    for (const l of file.links) fail(l.note.path, l.embed.raw, code, `${file.path}: ${message}`);
  } finally {
    ports.releaseFile?.(bytes);
  }
}

/** Fetches a web image and uploads it; on failure every link to it keeps its URL and fails. */
async function uploadRemote(file: FileJob, ports: MigrationPorts, uploader: ImageUploader, report: MigrationReport, fail: Fail): Promise<void> {
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
    const stored = await uploader.upload({ bytes: image.bytes, name: attachmentName(file.path, image.ext), notePath: file.links[0].note.path });
    Object.assign(report.files[file.entry], { url: stored.url, reused: stored.reused });
    if (stored.reused) report.reused++;
    else report.uploaded++;
  } catch (e) {
    const code = isUploadError(e) ? e.code : "DownloadFailed";
    for (const l of file.links) fail(l.note.path, l.embed.raw, code, errorText(e));
  }
}

/** Rewrites the links of a batch of uploaded files, one atomic rewrite per note. */
async function writeBack(batch: FileJob[], ports: MigrationPorts, report: MigrationReport, fail: Fail, scan?: ScanOptions): Promise<void> {
  const byNote = new Map<NoteJob, LinkJob[]>();
  for (const file of batch) {
    for (const link of file.links) {
      const links = byNote.get(link.note);
      if (links) links.push(link);
      else byNote.set(link.note, [link]);
    }
  }
  // Different notes are independent; the batcher already keeps two batches from touching
  // the same note at once.
  await Promise.all(
    [...byNote].map(async ([note, links]) => {
      let outcome: LinkOutcome[];
      try {
        outcome = await writeLinks(
          links.map((l) => ({ embed: l.embed, url: report.files[l.file.entry].url as string })),
          note.shifts,
          (edit) => ports.rewriteNote(note.path, edit),
          scan,
        );
      } catch (e) {
        for (const l of links) {
          fail(note.path, l.embed.raw, "Unknown", `The note "${note.path}" could not be saved (${errorText(e)}); the link was left as it was.`);
        }
        return;
      }
      links.forEach((l, i) => {
        if (outcome[i] === "rewritten") {
          report.rewritten++;
          report.files[l.file.entry].rewritten++;
        } else if (outcome[i] === "unreadable") {
          fail(
            note.path,
            l.embed.raw,
            "MalformedLink",
            `The image "${l.file.path}" was uploaded, but its link in "${note.path}" was left as it was: unfinished markdown just before it (an unclosed "![](" or "<img src=", for instance) would take the new link in, and it would not show as an image. Finish or remove that text and run again.`,
          );
        } else {
          report.skipped++;
          report.skippedEdits.push({ note: note.path, link: l.embed.raw });
        }
      });
    }),
  );
}

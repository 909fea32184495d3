import { scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import { errorText, isUploadError } from "../errors";
import { NoteShifts, writeLinks } from "../apply/writeLinks";
import type { TextChange } from "../apply/textChanges";
import { runPool } from "../migrate/pool";
import { checkedImage, type FetchedResponse } from "./checkedImage";
import { attachmentName, restorablePath } from "./attachmentName";
import type { UploadIndex } from "../ports";
import { sha256Hex } from "../prepare/hash";
import { servedFrom, type ImageSource } from "./servedFrom";
import { canvasImages, isCanvasPath, readCanvas, type CanvasImage } from "../canvas/canvasDocument";
import { CanvasShifts, writeCanvasLinks } from "../canvas/canvasRewrite";
import { baseName, fileStem } from "../paths";

/**
 * "Download images back": the way back from "Upload all". Every image link a profile serves
 * (or, when asked, every web image) is fetched once, its bytes checked, saved as a file of
 * the vault, and each link to it becomes an embed of that file in the vault's link style,
 * keeping its alt text and size hint. Shared by the Obsidian commands and the command-line tool.
 *
 * - The same URL linked from several notes is fetched and saved once.
 * - Bytes that do not match the SHA-256 their key or the object's `x-amz-meta-sha256` names,
 *   that are not an image, or that could not be fetched are not saved; the links stay.
 * - A saved file never replaces one that exists: the ports pick a free name.
 * - Notes are rewritten as "Upload all" rewrites them: one atomic rewrite per note, only
 *   where the link's text still stands.
 * - In a canvas, the links of its text cards are rewritten as in a note; a card whose whole
 *   text is one markdown image link with no alt text but the file's name, no size and no
 *   title (what "Upload all" makes of an image card) becomes a file node of the saved file.
 */

/** The outside world as a download needs it. */
export interface DownloadPorts {
  /** A note's text. */
  readNote(notePath: string): Promise<string>;
  /** Atomic rewrite of a note, as `MigrationPorts.rewriteNote`. */
  rewriteNote(notePath: string, edit: (text: string) => TextChange[]): Promise<void>;
  /** GETs `url`; rejects (in words) when no answer came at all. Headers with lower-case names. */
  fetch(url: string): Promise<FetchedResponse>;
  /**
   * Saves `bytes` as a new file for the note at `notePath`, named after `name` (or a free
   * variant of it: never over an existing file), and returns its vault path. With `uploadedFrom`
   * (the vault path the image was uploaded from), the file goes there when that path is free,
   * or is the file there when it holds these same bytes; when a file with other bytes has it,
   * the image goes where it would without it.
   */
  save(bytes: Uint8Array, name: string, notePath: string, uploadedFrom?: string): Promise<string>;
  /**
   * The embed of the vault file `path` from `notePath` in the vault's link style; `alias` is
   * the display text (alt text and size). With a `title`, a markdown embed that keeps it (see `titledEmbed`).
   */
  embedFor(path: string, notePath: string, alias: string, title?: string): string;
}

export interface DownloadOptions {
  /** The profiles whose links are downloaded. */
  sources: readonly ImageSource[];
  /** Every web image, not only those the sources serve. */
  allRemote?: boolean;
  /** Downloads at once. */
  concurrency: number;
  /** Scan only: nothing is fetched, saved or written. */
  dryRun?: boolean;
  signal?: AbortSignal;
  scan?: ScanOptions;
  onProgress?: (done: number, total: number) => void;
  /**
   * The upload index: an image its source's `scope` has a record of (these bytes at this key)
   * with the vault path it was uploaded from is saved back at that path when it is free.
   */
  uploads?: UploadIndex;
}

/** One distinct URL of a run. */
export interface DownloadedFile {
  url: string;
  /** Vault path it was saved to, once saved. */
  path?: string;
  /** False when nothing said what the bytes should be (no hash in the key, no `x-amz-meta-sha256`). */
  verified?: boolean;
  notes: string[];
  links: number;
  rewritten: number;
}

/**
 * What a run did. `downloaded` counts files saved; `rewritten`, `skipped` and `failed` count
 * links, and every link chosen for the run ends up in exactly one of them.
 */
export interface DownloadReport {
  downloaded: number;
  rewritten: number;
  /** Links left alone without an error: a dry run, a stopped run, a form that cannot hold an embed, or a note that changed there meanwhile. */
  skipped: number;
  failed: number;
  failures: { note: string; link: string; code: string; message: string }[];
  /** Skipped links with the reason, for the summary. */
  skippedLinks: { note: string; link: string; reason: string }[];
  files: DownloadedFile[];
}

/** The forms a link can be turned into an embed from: the whole link is replaced. */
function replaceable(e: Embed): boolean {
  return e.kind === "markdown" || e.kind === "reference" || e.kind === "wiki" || (e.kind === "html" && e.raw.startsWith("<"));
}

/**
 * The display text that keeps what the link showed: a markdown image's alt text as written
 * (size suffix included), or an HTML image's alt text and width/height as `alt|300x200`.
 */
export function aliasFor(e: Embed): string {
  if (e.kind === "markdown" || e.kind === "reference") return e.alt;
  const size = e.size ? `${e.size.width}${e.size.height !== undefined ? `x${e.size.height}` : ""}` : "";
  return [e.alt.replace(/[|\]\n]/g, " ").trim(), size].filter((s) => s !== "").join("|");
}

interface LinkJob {
  note: { path: string; shifts: NoteShifts; canvas?: CanvasShifts };
  embed: Embed;
  /** In a canvas: the text card the link is in. */
  image?: CanvasImage;
}

interface UrlJob {
  url: string;
  key?: string;
  source?: ImageSource;
  links: LinkJob[];
  entry: number;
}

/** Downloads the images `notePaths` link and rewrites the links; see the module comment. */
export async function downloadNotes(notePaths: string[], ports: DownloadPorts, opts: DownloadOptions): Promise<DownloadReport> {
  const report: DownloadReport = { downloaded: 0, rewritten: 0, skipped: 0, failed: 0, failures: [], skippedLinks: [], files: [] };
  const fail = (note: string, link: string, code: string, message: string): void => {
    report.failed++;
    report.failures.push({ note, link, code, message });
  };
  const skip = (note: string, link: string, reason: string): void => {
    report.skipped++;
    report.skippedLinks.push({ note, link, reason });
  };

  const byUrl = new Map<string, UrlJob>();
  for (const notePath of [...new Set(notePaths)]) {
    let text: string;
    try {
      text = await ports.readNote(notePath);
    } catch (e) {
      fail(notePath, "", isUploadError(e) ? e.code : "Unknown", `The note "${notePath}" could not be read (${errorText(e)}).`);
      continue;
    }
    const canvas = isCanvasPath(notePath);
    const note = { path: notePath, shifts: new NoteShifts(), ...(canvas && { canvas: new CanvasShifts() }) };
    let found: { embed: Embed; image?: CanvasImage }[];
    try {
      found = canvas
        ? canvasImages(readCanvas(text, notePath), opts.scan).flatMap((image) => (image.kind === "text" ? [{ embed: image.embed, image }] : []))
        : scanEmbeds(text, opts.scan).map((embed) => ({ embed }));
    } catch (e) {
      if (!isUploadError(e)) throw e;
      fail(notePath, "", e.code, e.toUserText());
      continue;
    }
    for (const { embed, image } of found) {
      if (!embed.isRemote || !/^(https?:)?\/\//i.test(embed.target)) continue;
      const served = servedFrom(embed.target, opts.sources);
      if (!served && !opts.allRemote) continue;
      if (!replaceable(embed)) {
        skip(notePath, embed.raw, "this form of image cannot hold a link to a file of the vault");
        continue;
      }
      let job = byUrl.get(embed.target);
      if (!job) {
        job = {
          url: embed.target,
          key: served?.key,
          source: served?.source,
          links: [],
          entry: report.files.push({ url: embed.target, notes: [], links: 0, rewritten: 0 }) - 1,
        };
        byUrl.set(embed.target, job);
      }
      job.links.push({ note, embed, ...(image && { image }) });
      const entry = report.files[job.entry];
      entry.links++;
      if (!entry.notes.includes(notePath)) entry.notes.push(notePath);
    }
  }
  const jobs = [...byUrl.values()];
  if (opts.dryRun) {
    for (const j of jobs) for (const l of j.links) skip(l.note.path, l.embed.raw, "dry run");
    return report;
  }

  let done = 0;
  const started = new Set<UrlJob>();
  const errors = new Map<UrlJob, unknown>();
  opts.onProgress?.(0, jobs.length);
  await runPool(
    jobs,
    opts.concurrency,
    async (job) => {
      started.add(job);
      const e = await downloadOne(job, ports, report, opts.uploads);
      if (e !== undefined) errors.set(job, e);
      opts.onProgress?.(++done, jobs.length);
    },
    opts.signal,
  );
  // Reported in the order the links were found, whatever order the downloads finished in.
  for (const j of jobs) {
    const e = errors.get(j);
    if (e !== undefined) for (const l of j.links) fail(l.note.path, l.embed.raw, isUploadError(e) ? e.code : "DownloadFailed", errorText(e));
    else if (!started.has(j)) for (const l of j.links) skip(l.note.path, l.embed.raw, "the run was stopped before this image");
  }

  await writeBack(
    jobs.filter((j) => report.files[j.entry].path !== undefined),
    ports,
    report,
    fail,
    skip,
    opts.scan,
  );
  return report;
}

/**
 * Whether a file node of `path` shows all that the link `e` did: a markdown image whose alt
 * text is empty or the file's name, with no size and no title.
 */
function showsOnlyFile(e: Embed, path: string): boolean {
  return e.kind === "markdown" && !e.size && !e.title && (e.alt === "" || e.alt === fileStem(baseName(path)) || e.alt === baseName(path));
}

type Fail = (note: string, link: string, code: string, message: string) => void;
type Skip = (note: string, link: string, reason: string) => void;

/** Fetches one URL, checks its bytes and saves them; returns why it could not. */
async function downloadOne(job: UrlJob, ports: DownloadPorts, report: DownloadReport, uploads?: UploadIndex): Promise<unknown> {
  const first = job.links[0].note.path;
  try {
    let res: FetchedResponse;
    try {
      res = await ports.fetch(job.url);
    } catch (e) {
      throw isUploadError(e) ? e : new Error(`"${job.url}" could not be fetched (${errorText(e)}); the link was left as it was.`);
    }
    const image = await checkedImage(job.url, res, job.key !== undefined && job.source ? { key: job.key, keyTemplate: job.source.keyTemplate } : undefined);
    const from = await uploadedFrom(job, image.bytes, image.ext, uploads);
    const path = await ports.save(image.bytes, attachmentName(job.key ?? job.url, image.ext), first, from);
    Object.assign(report.files[job.entry], { path, verified: image.verified });
    report.downloaded++;
    return undefined;
  } catch (e) {
    return e ?? new Error("unknown failure");
  }
}

/** The vault path the index says these bytes at the job's key were uploaded from, when fit to save them back at. */
async function uploadedFrom(job: UrlJob, bytes: Uint8Array, ext: string, uploads?: UploadIndex): Promise<string | undefined> {
  const scope = job.source?.scope;
  if (!uploads || scope === undefined || job.key === undefined) return undefined;
  const record = uploads.get(scope, await sha256Hex(bytes));
  return record?.key === job.key ? restorablePath(record.path, ext) : undefined;
}

/** Rewrites the links of the saved files, one atomic rewrite per note. */
async function writeBack(jobs: UrlJob[], ports: DownloadPorts, report: DownloadReport, fail: Fail, skip: Skip, scan?: ScanOptions): Promise<void> {
  const byNote = new Map<LinkJob["note"], { job: UrlJob; link: LinkJob }[]>();
  for (const job of jobs) {
    for (const link of job.links) {
      const list = byNote.get(link.note);
      if (list) list.push({ job, link });
      else byNote.set(link.note, [{ job, link }]);
    }
  }
  for (const [note, links] of byNote) {
    let outcome;
    try {
      const planned = links.map(({ job, link }) => {
        const path = report.files[job.entry].path as string;
        return { embed: link.embed, url: job.url, replacement: ports.embedFor(path, note.path, aliasFor(link.embed), link.embed.title), path };
      });
      const rewrite = (edit: (text: string) => TextChange[]): Promise<void> => ports.rewriteNote(note.path, edit);
      outcome = note.canvas
        ? await writeCanvasLinks(
            note.path,
            planned.map((p, i) => ({ ...p, image: links[i].link.image as CanvasImage, ...(showsOnlyFile(p.embed, p.path) && { file: p.path }) })),
            note.canvas,
            rewrite,
            scan,
          )
        : await writeLinks(planned, note.shifts, rewrite, scan);
    } catch (e) {
      for (const { link } of links)
        fail(note.path, link.embed.raw, "Unknown", `The note "${note.path}" could not be saved (${errorText(e)}); the link was left as it was.`);
      continue;
    }
    links.forEach(({ job, link }, i) => {
      const file = report.files[job.entry];
      if (outcome[i] === "rewritten") {
        report.rewritten++;
        file.rewritten++;
      } else if (outcome[i] === "unreadable") {
        fail(
          note.path,
          link.embed.raw,
          "MalformedLink",
          `The image was saved as "${file.path}", but its link in "${note.path}" was left as it was: unfinished markdown just before it would take the new link in.`,
        );
      } else {
        skip(note.path, link.embed.raw, "the note changed there while the image was downloaded");
      }
    });
  }
}

import { isLocalImageEmbed, scanEmbeds, type Embed } from "../markdown";
import { errorText, isUploadError } from "../errors";
import { NoteShifts } from "../apply/writeLinks";
import { canvasImages, isCanvasPath, readCanvas, type CanvasImage } from "../canvas/canvasDocument";
import { CanvasShifts, fileNodeEmbed } from "../canvas/canvasRewrite";
import type { MigrationOptions, MigrationPorts, MigrationReport } from "./engine";
import { hostAllowed, servedFrom } from "../download/servedFrom";

/**
 * The planning half of a migration: reads notes one at a time, finds their local image
 * links, resolves each to a vault file and groups the links by file, so that a file linked
 * from many notes is uploaded once. The engine runs it while uploads of the files already
 * found are going on.
 */

/** A note of the run and the shifts its rewrites so far have made. */
export interface NoteJob {
  path: string;
  shifts: NoteShifts;
  /** Set for a canvas: the shifts of each text node's markdown (`shifts` is then unused). */
  canvas?: CanvasShifts;
}

/** One local image link, where it was found, and the file it resolved to. */
export interface LinkJob {
  note: NoteJob;
  /** The link as written; for a canvas file node, a stand-in wiki embed of its path. */
  embed: Embed;
  file: FileJob;
  /** In a canvas: the node the image is in. */
  image?: CanvasImage;
}

/** One distinct file of the run. */
export interface FileJob {
  /** Vault path; for a web image, its URL. */
  path: string;
  /** A web image, fetched from `path` rather than read from the vault. */
  remote?: boolean;
  /** Every link to it found so far, in scan order. */
  links: LinkJob[];
  /** Index into `report.files`, which also holds the file's URL once uploaded. */
  entry: number;
  /** Set when its upload starts. */
  started?: boolean;
  /**
   * Set once its upload has settled: `failed` says what each link to it failed with, links
   * found before and after alike; without it the file is in the bucket (`report.files[entry].url`).
   */
  settled?: { failed?: (link: LinkJob) => { code: string; message: string } };
}

export type Fail = (note: string, link: string, code: string, message: string) => void;

/** Called with each link found; `isNew` when it is the first link to its file. */
export type OnLink = (link: LinkJob, isNew: boolean) => void;

export class Planner {
  private readonly byPath = new Map<string, FileJob>();

  constructor(
    private readonly ports: MigrationPorts,
    private readonly report: MigrationReport,
    private readonly fail: Fail,
    private readonly onLink: OnLink,
    private readonly opts: Pick<MigrationOptions, "scan" | "remote" | "onlyFiles" | "noteRule"> = {},
  ) {}

  /** Distinct files found so far. */
  get fileCount(): number {
    return this.byPath.size;
  }

  /**
   * Reads and scans one note; every link it resolves goes to `onLink`. A note that cannot be
   * read, and links that resolve to nothing or must not be followed, are failures. Returns
   * the length of the note's text (0 when it could not be read), the measure of the work done.
   */
  async scanNote(notePath: string): Promise<number> {
    let text: string;
    try {
      text = await this.ports.readNote(notePath);
    } catch (e) {
      if (isUploadError(e)) this.fail(notePath, "", e.code, e.toUserText());
      else this.fail(notePath, "", "Unknown", `The note "${notePath}" could not be read (${errorText(e)}).`);
      return 0;
    }
    const ruling = this.opts.noteRule?.(notePath, text);
    if (ruling?.kind === "local") {
      this.report.keptLocal.push(notePath);
      return text.length;
    }
    if (ruling?.kind === "skip") {
      this.report.skippedNotes.push({ note: notePath, message: ruling.message });
      return text.length;
    }
    if (isCanvasPath(notePath)) return this.scanCanvas(notePath, text);
    const note: NoteJob = { path: notePath, shifts: new NoteShifts() };
    for (const embed of scanEmbeds(text, this.opts.scan)) this.consider(note, embed);
    return text.length;
  }

  /**
   * A canvas: its image file nodes, whose path is a vault path written in full, and the
   * embeds of its text nodes, resolved from the canvas as a note's are.
   */
  private scanCanvas(canvasPath: string, text: string): number {
    let images: CanvasImage[];
    try {
      images = canvasImages(readCanvas(text, canvasPath), this.opts.scan);
    } catch (e) {
      if (!isUploadError(e)) throw e;
      this.fail(canvasPath, "", e.code, e.toUserText());
      return 0;
    }
    const note: NoteJob = { path: canvasPath, shifts: new NoteShifts(), canvas: new CanvasShifts() };
    for (const image of images) {
      if (image.kind === "text") this.consider(note, image.embed, image);
      else this.consider(note, fileNodeEmbed(image.path), image);
    }
    return text.length;
  }

  /** One embed found in a note (or in a canvas node, `image`): a link of the run, a failure, or nothing. */
  private consider(note: NoteJob, embed: Embed, image?: CanvasImage): void {
    const notePath = note.path;
    const remote = this.opts.remote;
    if (remote && embed.isRemote && /^(https?:)?\/\//i.test(embed.target) && !servedFrom(embed.target, remote.servedBy)) {
      if (hostAllowed(embed.target, remote)) this.addLink(note, embed, embed.target, true, image);
      else {
        this.report.skipped++;
        this.report.skippedHosts.push({ note: notePath, link: embed.raw });
      }
      return;
    }
    if (!isLocalImageEmbed(embed)) return;
    const onlyFiles = this.opts.onlyFiles;
    let path: string | null;
    try {
      const found = image?.kind === "file" && this.ports.exactFile ? this.ports.exactFile(image.path) : this.ports.resolve(embed.target, notePath, embed);
      path = typeof found === "string" || found === null ? found : found.path;
      if (found !== null && typeof found !== "string" && found.guess !== undefined && (!onlyFiles || onlyFiles.has(found.path))) {
        this.report.guesses.push({ note: notePath, link: embed.raw, file: found.path, rule: found.guess });
      }
    } catch (e) {
      if (!isUploadError(e)) throw e;
      // A run for some files only leaves every other link alone, failing or not.
      if (!onlyFiles) this.fail(notePath, embed.raw, e.code, e.toUserText());
      return;
    }
    if (path === null) {
      if (!onlyFiles) {
        this.fail(notePath, embed.raw, "MissingFile", `The image "${embed.target}" linked in "${notePath}" is not in the vault; the link was left as it was.`);
      }
      return;
    }
    if (onlyFiles && !onlyFiles.has(path)) return;
    this.addLink(note, embed, path, false, image);
  }

  private addLink(note: NoteJob, embed: Embed, path: string, remote: boolean, image?: CanvasImage): void {
    let file = this.byPath.get(path);
    const isNew = file === undefined;
    if (!file) {
      file = {
        path,
        ...(remote && { remote }),
        links: [],
        entry: this.report.files.push({ path, ...(remote && { remote }), notes: [], links: 0, rewritten: 0 }) - 1,
      };
      this.byPath.set(path, file);
    }
    const entry = this.report.files[file.entry];
    entry.links++;
    if (entry.notes[entry.notes.length - 1] !== note.path && !entry.notes.includes(note.path)) entry.notes.push(note.path);
    this.onLink({ note, embed, file, ...(image && { image }) }, isNew);
  }
}

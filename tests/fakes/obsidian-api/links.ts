/**
 * Link resolution, link generation and attachment placement as Obsidian does them (evidence:
 * tests/fakes/BEHAVIOURS.md L1–L4, L6), following
 * the vault's "Files and links" options (`vault.getConfig`): "Use [[Wikilinks]]", "New link
 * format" and "Default location for new attachments".
 */
import { parse as parseYaml } from "yaml";
import { Events } from "./events";
import { normalizePath, normalizeSeparators, parentOf, TAbstractFile, TFile, Vault, type VaultConfig } from "./vault";
import type { Workspace } from "./workspace";
import * as fs from "node:fs";
import * as nodePath from "node:path";

function resolveRelative(folder: string, rel: string): string {
  const parts = folder === "/" ? [] : folder.split("/");
  for (const seg of rel.split("/")) {
    if (seg === "." || seg === "") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** What `getFileCache` holds of a note: its front matter (BEHAVIOURS.md M1). */
export interface CachedMetadata {
  frontmatter?: Record<string, unknown>;
}

/** How long after a write a note is indexed (BEHAVIOURS.md M2). */
const INDEX_DELAY_MS = 5;

/** The front matter of a note's text as Obsidian parses it: YAML between `---` lines at the very start (BEHAVIOURS.md M1). */
function parseFrontmatter(text: string): Record<string, unknown> | undefined {
  const m = /^---\r?\n([\s\S]*?)(?:\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  try {
    const data: unknown = parseYaml(m[1]);
    return typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    // Invalid YAML: Obsidian shows no properties for the note.
    return undefined;
  }
}

export class MetadataCache extends Events {
  private index: ReturnType<MetadataCache["fileIndex"]> | undefined;
  private readonly caches = new Map<TFile, CachedMetadata>();
  private readonly indexing = new Set<Promise<void>>();

  constructor(private readonly vault: Vault) {
    super();
    // The notes already in the vault are indexed when the app starts, before plugins load (M2).
    for (const file of vault.getMarkdownFiles()) this.indexNow(file);
    vault.on("create", (f: TAbstractFile) => this.indexSoon(f));
    vault.on("modify", (f: TAbstractFile) => this.indexSoon(f));
    vault.on("delete", (f: TAbstractFile) => {
      if (f instanceof TFile) this.caches.delete(f);
    });
  }

  /**
   * Obsidian's `getFileCache`: the metadata of the note as last indexed, which lags behind a
   * write, or null for a note not indexed yet (BEHAVIOURS.md M1, M2). Unsaved editor text is
   * never in it: the index is made from the file.
   */
  getFileCache(file: TFile): CachedMetadata | null {
    return this.caches.get(file) ?? null;
  }

  /** Resolves once every note written so far has been indexed (not part of Obsidian's API). */
  async indexed(): Promise<void> {
    while (this.indexing.size > 0) await Promise.all([...this.indexing]);
  }

  private indexNow(file: TFile): { cache: CachedMetadata; text: string } | undefined {
    let text: string;
    try {
      text = fs.readFileSync(nodePath.join(this.vault.baseDir, file.path), "utf8");
    } catch {
      return undefined;
    }
    const frontmatter = parseFrontmatter(text);
    const cache: CachedMetadata = frontmatter ? { frontmatter } : {};
    this.caches.set(file, cache);
    return { cache, text };
  }

  private indexSoon(f: TAbstractFile): void {
    if (!(f instanceof TFile) || f.extension !== "md") return;
    const done = new Promise<void>((resolve) =>
      setTimeout(() => {
        if (this.vault.getFileByPath(f.path) === f) {
          const indexed = this.indexNow(f);
          if (indexed) this.trigger("changed", f, indexed.text, indexed.cache);
        }
        resolve();
      }, INDEX_DELAY_MS),
    );
    this.indexing.add(done);
    void done.then(() => this.indexing.delete(done));
  }

  /**
   * Obsidian's rule: a relative (`./`, `../`) or exact vault path wins (with `.md` implied);
   * otherwise every file whose path ends with the link path is a candidate, one in the source
   * note's folder first, then the one with the shortest path. Case-insensitive.
   *
   * The link's Unicode form is compared as written, not brought to NFC: a link spelled
   * decomposed (NFD, as macOS spells file names) does not find the composed name Obsidian
   * indexes (obsidian-bridge.nvim#43: an NFD path given to `openLinkText` misses the note
   * and a duplicate is created; obsidian.el#111 normalizes on its side for the same reason).
   */
  getFirstLinkpathDest(linkpath: string, sourcePath: string): TFile | null {
    let link = linkpath.split("#")[0];
    if (link === "") return this.vault.getFileByPath(sourcePath);
    if (link.startsWith("./") || link.startsWith("../")) link = resolveRelative(parentOf(sourcePath), link);
    link = normalizeSeparators(link);
    const lower = link.toLowerCase();
    const wanted = [lower, `${lower}.md`];
    const index = this.fileIndex();
    // The first file in the vault's order whose path is the link's, or the link's with `.md`.
    const exact = wanted.flatMap((w) => index.byPath.get(w) ?? []).sort((a, b) => index.order.get(a)! - index.order.get(b)!)[0];
    if (exact) return exact;
    const candidates = [...new Set(wanted.flatMap((w) => index.byName.get(lastSegment(w)) ?? []))]
      .filter((f) => wanted.some((w) => f.path.toLowerCase().endsWith(`/${w}`)))
      .sort((a, b) => index.order.get(a)! - index.order.get(b)!);
    if (candidates.length === 0) return null;
    const sourceFolder = parentOf(sourcePath);
    candidates.sort((a, b) => {
      const sameA = parentOf(a.path) === sourceFolder ? 0 : 1;
      const sameB = parentOf(b.path) === sourceFolder ? 0 : 1;
      return sameA - sameB || a.path.length - b.path.length || a.path.localeCompare(b.path);
    });
    return candidates[0];
  }

  /**
   * The vault's files by lower-cased path and by lower-cased last path segment, with their
   * place in `getFiles()`: the same answers as a walk over every file, without one per
   * lookup (a vault of 25,000 files is resolved 30,000 times by "Upload all local images").
   * Rebuilt after any change to the vault's files.
   */
  private fileIndex(): { generation: number; byPath: Map<string, TFile[]>; byName: Map<string, TFile[]>; order: Map<TFile, number> } {
    if (this.index?.generation === this.vault.generation) return this.index;
    const byPath = new Map<string, TFile[]>();
    const byName = new Map<string, TFile[]>();
    const order = new Map<TFile, number>();
    this.vault.getFiles().forEach((f, i) => {
      const lower = f.path.toLowerCase();
      const add = (map: Map<string, TFile[]>, key: string): void => {
        const list = map.get(key);
        if (list) list.push(f);
        else map.set(key, [f]);
      };
      add(byPath, lower);
      add(byName, lastSegment(lower));
      order.set(f, i);
    });
    this.index = { generation: this.vault.generation, byPath, byName, order };
    return this.index;
  }

  /**
   * Obsidian's `fileToLinktext`: the text that links to `file` from `sourcePath` under the
   * vault's "New link format"; a note's `.md` is left out when `omitMdExtension` (wikilinks).
   * "Shortest" gives the bare name only when no other file in the vault has that name.
   */
  fileToLinktext(file: TFile, sourcePath: string, omitMdExtension = true): string {
    const format = this.vault.getConfig("newLinkFormat");
    const dropMd = file.extension === "md" && omitMdExtension;
    const full = dropMd ? file.path.slice(0, -3) : file.path;
    if (format === "absolute") return full;
    if (format === "relative") {
      let up = "";
      let folder = folderOf(sourcePath);
      while (folder !== "" && !full.startsWith(`${folder}/`)) {
        up = `../${up}`;
        folder = folderOf(folder);
      }
      return folder !== "" ? up + full.slice(folder.length + 1) : up + full;
    }
    const short = dropMd ? file.basename : file.name;
    const sameName = this.vault.getFiles().filter((f) => f.name.toLowerCase() === file.name.toLowerCase());
    return sameName.length === 1 && sameName[0] === file ? short : full;
  }
}

/** The folder part of a vault path, "" for the root (Obsidian's internal dirname). */
function folderOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/**
 * Options for `createFakeApp`: the vault's "Files and links" settings (see `VaultConfig`), which
 * the app writes into the vault's config, where Obsidian keeps them.
 */
export type FileManagerOptions = Partial<VaultConfig>;

/**
 * Obsidian's encoding of a markdown link's destination: characters that would end or break
 * the `(…)` part are percent-encoded, so `Pasted image 1.png` becomes `Pasted%20image%201.png`.
 */
function encodeLinkPath(path: string): string {
  return path.replace(/[%\s()<>#^[\]]/g, (c) => encodeURIComponent(c));
}

export class FileManager {
  constructor(
    private readonly vault: Vault,
    private readonly metadataCache: MetadataCache,
    private readonly workspace?: Pick<Workspace, "getActiveFile">,
  ) {}

  /**
   * Where a new attachment goes, as Obsidian's `getAvailablePathForAttachment` does it: the
   * folder of "Default location for new attachments" (created if missing; `./` settings are
   * relative to the folder of the note at `sourcePath` — the active note when no path is given,
   * the vault root when there is no such note), the name made unique with " 1", " 2", …
   * before the extension, compared case-insensitively with what is in the vault.
   */
  async getAvailablePathForAttachment(filename: string, sourcePath?: string): Promise<string> {
    let note: TFile | null;
    if (sourcePath) note = this.vault.getFileByPath(sourcePath);
    else note = this.workspace?.getActiveFile() ?? null;
    const noteFolder = note ? folderOf(note.path) : "";
    const setting = this.vault.getConfig("attachmentFolderPath");
    let folder: string;
    if (setting === "." || setting === "./") folder = noteFolder;
    else if (setting.startsWith("./")) folder = noteFolder ? `${noteFolder}/${setting.slice(2)}` : setting.slice(2);
    else folder = setting;
    folder = normalizePath(folder);
    if (folder !== "/" && !this.vault.getFolderByPath(folder)) await this.vault.createFolder(folder);
    const dot = filename.lastIndexOf(".");
    const base = (dot > 0 ? filename.slice(0, dot) : filename).slice(0, 250);
    const ext = dot > 0 ? filename.slice(dot + 1) : "";
    const prefix = folder === "/" ? "" : `${folder}/`;
    const make = (i: number) => `${prefix}${base}${i === 0 ? "" : ` ${i}`}${ext ? `.${ext}` : ""}`;
    let i = 0;
    while (await this.taken(make(i))) i++;
    return make(i);
  }

  private async taken(path: string): Promise<boolean> {
    const lower = path.toLowerCase();
    if (this.vault.getAllLoadedFiles().some((f) => f.path.toLowerCase() === lower)) return true;
    return this.vault.adapter.exists(path);
  }

  /**
   * A link to `file` as Obsidian writes it, following the vault's link settings. For any file
   * that is not a note it is an EMBED, with its `!`: `![[Pasted image 1.png]]` or
   * `![](Pasted%20image%201.png)` (Obsidian's own code takes `.slice(1)` of it when it wants a
   * plain link to an attachment; obsidianmd/obsidian-api#154). A note gets `[[Note]]` or
   * `[Note](Note.md)`. A non-empty `alias` becomes the display text (`[[target|alias]]`,
   * `![alias](…)`); in a wikilink an alias equal to the link text replaces it instead.
   */
  generateMarkdownLink(file: TFile, sourcePath: string, subpath = "", alias = ""): string {
    const isNote = file.extension === "md";
    const markdown = this.vault.getConfig("useMarkdownLinks");
    let text = this.metadataCache.fileToLinktext(file, sourcePath, !markdown) + subpath;
    if (file.path === sourcePath && subpath) text = subpath;
    if (markdown) {
      const dest = encodeLinkPath(text);
      return isNote ? `[${alias || file.basename}](${dest})` : `![${alias || ""}](${dest})`;
    }
    let display: string | null = alias || null;
    if (display && display.toLowerCase() === text.toLowerCase()) {
      text = display;
      display = null;
    }
    const link = display ? `[[${text}|${display}]]` : `[[${text}]]`;
    return isNote ? link : `!${link}`;
  }

  async trashFile(file: TAbstractFile): Promise<void> {
    await this.vault.trash(file);
  }

  /** Moves a file, keeping its TFile (updated in place). Obsidian also updates links to it; the fake does not. */
  async renameFile(file: TAbstractFile, newPath: string): Promise<void> {
    await this.vault.rename(file, newPath);
  }
}

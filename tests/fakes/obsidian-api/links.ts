/**
 * Link resolution and attachment placement as Obsidian does them with its default settings
 * ("Shortest path when possible", attachments in the vault root), plus the two settings
 * tests need to vary: the attachment folder and "Use [[Wikilinks]]".
 */
import { Events } from "./events";
import { normalizePath, normalizeSeparators, parentOf, TAbstractFile, TFile, TFolder, Vault } from "./vault";

function resolveRelative(folder: string, rel: string): string {
  const parts = folder === "/" ? [] : folder.split("/");
  for (const seg of rel.split("/")) {
    if (seg === "." || seg === "") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
}

export class MetadataCache extends Events {
  constructor(private readonly vault: Vault) {
    super();
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
    const files = this.vault.getFiles();
    const exact = files.find((f) => wanted.includes(f.path.toLowerCase()));
    if (exact) return exact;
    const candidates = files.filter((f) => wanted.some((w) => f.path.toLowerCase().endsWith(`/${w}`)));
    if (candidates.length === 0) return null;
    const sourceFolder = parentOf(sourcePath);
    candidates.sort((a, b) => {
      const sameA = parentOf(a.path) === sourceFolder ? 0 : 1;
      const sameB = parentOf(b.path) === sourceFolder ? 0 : 1;
      return sameA - sameB || a.path.length - b.path.length || a.path.localeCompare(b.path);
    });
    return candidates[0];
  }
}

/** The settings of "Files and links" that the fake honours. */
export interface FileManagerOptions {
  /**
   * Obsidian's "Default location for new attachments", as stored in its config:
   * `/` vault root (the default), `./` same folder as the note, `./<sub>` a subfolder of the
   * note's folder, or any other path for that folder.
   */
  attachmentFolderPath?: string;
  /** Obsidian's "Use [[Wikilinks]]" turned off: generate `[](path)` links. */
  useMarkdownLinks?: boolean;
}

function encodeLinkPath(path: string): string {
  return path.replace(/[%\s()<>#^[\]]/g, (c) => encodeURIComponent(c));
}

export class FileManager {
  constructor(
    private readonly vault: Vault,
    private readonly metadataCache: MetadataCache,
    readonly options: FileManagerOptions = {},
  ) {}

  private attachmentFolder(sourcePath: string): string {
    const setting = this.options.attachmentFolderPath ?? "/";
    if (setting === "./" || setting === ".") return parentOf(sourcePath);
    if (setting.startsWith("./")) return normalizePath(resolveRelative(parentOf(sourcePath), setting));
    return normalizePath(setting);
  }

  /**
   * Where a new attachment goes: the configured folder (created if missing), the name made
   * unique with " 1", " 2", … before the extension.
   */
  async getAvailablePathForAttachment(filename: string, sourcePath = ""): Promise<string> {
    const folder = this.attachmentFolder(sourcePath);
    if (folder !== "/" && !this.vault.getFolderByPath(folder)) await this.vault.createFolder(folder);
    const dot = filename.lastIndexOf(".");
    const base = dot > 0 ? filename.slice(0, dot) : filename;
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

  /** A link as Obsidian's "Shortest path when possible" writes it, wiki or markdown. */
  generateMarkdownLink(file: TFile, sourcePath: string, subpath = "", alias = ""): string {
    const isNote = file.extension === "md";
    const sameName = this.vault.getFiles().filter((f) => f.name.toLowerCase() === file.name.toLowerCase());
    const unique = sameName.length === 1 && this.metadataCache.getFirstLinkpathDest(file.name, sourcePath) === file;
    const target = unique ? file.name : file.path;
    if (this.options.useMarkdownLinks) {
      const text = alias || (isNote ? file.basename : "");
      return `[${text}](${encodeLinkPath(target)}${subpath})`;
    }
    const wikiTarget = isNote ? target.slice(0, -3) : target;
    return `[[${wikiTarget}${subpath}${alias ? `|${alias}` : ""}]]`;
  }

  async trashFile(file: TAbstractFile): Promise<void> {
    await this.vault.trash(file);
  }

  /** Obsidian's folder for a new note; the fake puts notes in the root. */
  getNewFileParent(): TFolder {
    return this.vault.getRoot();
  }
}

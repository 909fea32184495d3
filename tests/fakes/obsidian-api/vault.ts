/**
 * Obsidian's vault over a real directory: the file tree Obsidian keeps in memory (TFile,
 * TFolder) and reads and writes that go to disk. Hidden entries (`.obsidian`, `.trash`)
 * are not part of the tree, as in Obsidian. Behaviours and their evidence: tests/fakes/BEHAVIOURS.md V1–V9.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { Events } from "./events";

/**
 * Obsidian's `normalizePath`: forward slashes, no duplicate, leading or trailing slash,
 * non-breaking spaces made plain, Unicode NFC; the empty path is the root `/` (BEHAVIOURS.md V5).
 */
export function normalizePath(path: string): string {
  return normalizeSeparators(path).normalize("NFC");
}

/** `normalizePath` without the Unicode normalization: slashes and spaces only. */
export function normalizeSeparators(path: string): string {
  let p = path.replace(/[\\/]+/g, "/").replace(/\u00A0|\u202F/g, " ");
  p = p.replace(/^\/+|\/+$/g, "");
  return p === "" ? "/" : p;
}

export abstract class TAbstractFile {
  vault: Vault;
  path: string;
  name: string;
  parent: TFolder | null = null;

  constructor(vault: Vault, path: string) {
    this.vault = vault;
    this.path = path;
    this.name = path === "/" ? "" : path.slice(path.lastIndexOf("/") + 1);
  }
}

export interface FileStats {
  ctime: number;
  mtime: number;
  size: number;
}

export class TFile extends TAbstractFile {
  stat: FileStats = { ctime: 0, mtime: 0, size: 0 };

  get basename(): string {
    const dot = this.name.lastIndexOf(".");
    return dot > 0 ? this.name.slice(0, dot) : this.name;
  }

  get extension(): string {
    const dot = this.name.lastIndexOf(".");
    return dot > 0 ? this.name.slice(dot + 1) : "";
  }
}

export class TFolder extends TAbstractFile {
  children: TAbstractFile[] = [];

  isRoot(): boolean {
    return this.path === "/";
  }
}

/** The part of `DataAdapter` that plugins use for paths outside the vault tree. */
export class FakeAdapter {
  constructor(private readonly base: string) {}

  private abs(path: string): string {
    return nodePath.join(this.base, normalizePath(path));
  }

  async exists(path: string): Promise<boolean> {
    return fs.existsSync(this.abs(path));
  }

  async read(path: string): Promise<string> {
    return fs.promises.readFile(this.abs(path), "utf8");
  }

  async readBinary(path: string): Promise<ArrayBuffer> {
    return toArrayBuffer(await fs.promises.readFile(this.abs(path)));
  }

  async write(path: string, data: string): Promise<void> {
    await fs.promises.mkdir(nodePath.dirname(this.abs(path)), { recursive: true });
    await fs.promises.writeFile(this.abs(path), data, "utf8");
  }

  /**
   * Adds text at the end of an existing file (BEHAVIOURS.md V10). The API does not say what it
   * does with a missing file, so the fake refuses one rather than guess it kindly (V11).
   */
  async append(path: string, data: string): Promise<void> {
    if (!fs.existsSync(this.abs(path))) throw new Error(`ENOENT: no such file, append '${path}'`);
    await fs.promises.appendFile(this.abs(path), data, "utf8");
  }

  async mkdir(path: string): Promise<void> {
    await fs.promises.mkdir(this.abs(path), { recursive: true });
  }
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

/**
 * The vault options ("Files and links") the fake honours, under the names Obsidian stores them
 * in `.obsidian/app.json`, with Obsidian's defaults.
 */
export interface VaultConfig {
  /** "Use [[Wikilinks]]" turned off. Default false: wikilinks. */
  useMarkdownLinks: boolean;
  /** "New link format": `shortest` (default), `relative` to the note, or `absolute` in the vault. */
  newLinkFormat: "shortest" | "relative" | "absolute";
  /**
   * "Default location for new attachments": `/` vault root (the default), `./` same folder as
   * the note, `./<sub>` a subfolder of the note's folder, or any other path for that folder.
   */
  attachmentFolderPath: string;
}

export const DEFAULT_VAULT_CONFIG: VaultConfig = { useMarkdownLinks: false, newLinkFormat: "shortest", attachmentFolderPath: "/" };

export class Vault extends Events {
  readonly adapter: FakeAdapter;
  readonly configDir = ".obsidian";
  private readonly root: TFolder;
  private readonly byPath = new Map<string, TAbstractFile>();
  private readonly config: VaultConfig;
  private changes = 0;

  constructor(
    readonly baseDir: string,
    config: Partial<VaultConfig> = {},
  ) {
    super();
    this.config = { ...DEFAULT_VAULT_CONFIG, ...config };
    fs.mkdirSync(baseDir, { recursive: true });
    this.adapter = new FakeAdapter(baseDir);
    this.root = new TFolder(this, "/");
    this.byPath.set("/", this.root);
    this.scan(this.root);
  }

  private abs(path: string): string {
    return nodePath.join(this.baseDir, path === "/" ? "" : path);
  }

  // Names are kept in the Unicode form the file system lists them in (BEHAVIOURS.md V6). Obsidian is reported to
  // index composed (NFC) names on macOS (obsidian-bridge.nvim#43); keeping the listed form
  // lets a test hold a decomposed name, which the plugin has to cope with either way.
  private scan(folder: TFolder): void {
    for (const entry of fs.readdirSync(this.abs(folder.path), { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = folder.isRoot() ? entry.name : `${folder.path}/${entry.name}`;
      if (entry.isDirectory()) {
        const child = this.attach(new TFolder(this, path));
        this.scan(child);
      } else if (entry.isFile()) {
        this.refreshStat(this.attach(new TFile(this, path)));
      }
    }
  }

  private attach<T extends TAbstractFile>(file: T): T {
    const parentPath = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/")) : "/";
    const parent = this.byPath.get(parentPath);
    if (!(parent instanceof TFolder)) throw new Error(`Folder ${parentPath} does not exist.`);
    file.parent = parent;
    parent.children.push(file);
    this.byPath.set(file.path, file);
    this.changes++;
    return file;
  }

  private refreshStat(file: TFile): void {
    const st = fs.statSync(this.abs(file.path));
    file.stat = { ctime: st.birthtimeMs, mtime: st.mtimeMs, size: st.size };
  }

  private checkNew(path: string): string {
    const p = normalizePath(path);
    // Obsidian compares paths case-insensitively here, so that vaults stay portable (BEHAVIOURS.md V7).
    const lower = p.toLowerCase();
    for (const key of this.byPath.keys()) {
      if (key.toLowerCase() === lower) throw new Error("File already exists.");
    }
    if (fs.existsSync(this.abs(p))) throw new Error("File already exists.");
    return p;
  }

  /**
   * Obsidian's (undocumented but long-standing) `vault.getConfig`: a "Files and links" option,
   * or its default.
   */
  getConfig<K extends keyof VaultConfig>(key: K): VaultConfig[K] {
    return this.config[key];
  }

  /** Obsidian's `vault.setConfig`: what changing the option in the settings does. */
  setConfig<K extends keyof VaultConfig>(key: K, value: VaultConfig[K]): void {
    this.config[key] = value;
    this.trigger("config-changed");
  }

  /**
   * Goes up whenever a file or folder is added, removed or renamed: lets the link resolver
   * keep an index of the vault's files between changes (not part of Obsidian's API).
   */
  get generation(): number {
    return this.changes;
  }

  getAbstractFileByPath(path: string): TAbstractFile | null {
    return this.byPath.get(normalizePath(path)) ?? null;
  }

  getFileByPath(path: string): TFile | null {
    const f = this.getAbstractFileByPath(path);
    return f instanceof TFile ? f : null;
  }

  getFolderByPath(path: string): TFolder | null {
    const f = this.getAbstractFileByPath(path);
    return f instanceof TFolder ? f : null;
  }

  getAllLoadedFiles(): TAbstractFile[] {
    return [...this.byPath.values()];
  }

  getFiles(): TFile[] {
    return [...this.byPath.values()].filter((f): f is TFile => f instanceof TFile);
  }

  getMarkdownFiles(): TFile[] {
    return this.getFiles().filter((f) => f.extension === "md");
  }

  async read(file: TFile): Promise<string> {
    return fs.promises.readFile(this.abs(file.path), "utf8");
  }

  async cachedRead(file: TFile): Promise<string> {
    return this.read(file);
  }

  async readBinary(file: TFile): Promise<ArrayBuffer> {
    return toArrayBuffer(await fs.promises.readFile(this.abs(file.path)));
  }

  async create(path: string, data: string): Promise<TFile> {
    const p = this.checkNew(path);
    // Like Obsidian, creating a file does not create its folder (BEHAVIOURS.md V3).
    if (!this.getFolderByPath(parentOf(p))) throw new Error(`Folder ${parentOf(p)} does not exist.`);
    fs.writeFileSync(this.abs(p), data, "utf8");
    const file = this.attach(new TFile(this, p));
    this.refreshStat(file);
    this.trigger("create", file);
    return file;
  }

  async createBinary(path: string, data: ArrayBuffer): Promise<TFile> {
    const p = this.checkNew(path);
    if (!this.getFolderByPath(parentOf(p))) throw new Error(`Folder ${parentOf(p)} does not exist.`);
    fs.writeFileSync(this.abs(p), new Uint8Array(data));
    const file = this.attach(new TFile(this, p));
    this.refreshStat(file);
    this.trigger("create", file);
    return file;
  }

  async createFolder(path: string): Promise<TFolder> {
    const p = this.checkNew(path);
    // Obsidian creates missing parent folders here.
    const parts = p.split("/");
    let current = "";
    let folder = this.root;
    for (const part of parts) {
      current = current ? `${current}/${part}` : part;
      const existing = this.byPath.get(current);
      if (existing instanceof TFolder) {
        folder = existing;
        continue;
      }
      if (existing) throw new Error("File already exists.");
      fs.mkdirSync(this.abs(current), { recursive: true });
      folder = this.attach(new TFolder(this, current));
      this.trigger("create", folder);
    }
    return folder;
  }

  async modify(file: TFile, data: string): Promise<void> {
    this.writeNow(file, data);
  }

  /**
   * Atomic read-modify-write: the callback runs synchronously between the read and the write,
   * so no other change to the file can land in between (BEHAVIOURS.md V1).
   */
  async process(file: TFile, fn: (data: string) => string): Promise<string> {
    this.assertLive(file);
    const before = fs.readFileSync(this.abs(file.path), "utf8");
    const after = fn(before);
    if (typeof after !== "string") throw new Error("process callback must return a string");
    this.writeNow(file, after);
    return after;
  }

  async delete(file: TAbstractFile): Promise<void> {
    this.assertLive(file);
    fs.rmSync(this.abs(file.path), { recursive: true, force: true });
    this.detach(file);
    this.trigger("delete", file);
  }

  /**
   * Moves a file to the vault's `.trash` folder, like "Move to Obsidian trash". A name already
   * in the trash gets " 2", " 3", … before its extension, as Obsidian does there (BEHAVIOURS.md V8).
   */
  async trash(file: TAbstractFile): Promise<void> {
    this.assertLive(file);
    const trashDir = nodePath.join(this.baseDir, ".trash");
    fs.mkdirSync(trashDir, { recursive: true });
    const ext = file instanceof TFile && file.extension ? `.${file.extension}` : "";
    const base = ext ? file.name.slice(0, -ext.length) : file.name;
    let target = nodePath.join(trashDir, file.name);
    for (let n = 2; fs.existsSync(target); n++) target = nodePath.join(trashDir, `${base} ${n}${ext}`);
    fs.renameSync(this.abs(file.path), target);
    this.detach(file);
    this.trigger("delete", file);
  }

  /**
   * Moves a file or folder. As in Obsidian, the TFile/TFolder object is kept and updated in
   * place (so anyone holding it sees the new path), folders move with their contents, the target
   * must not exist and its folder must, and `rename` fires with the file and its old path
   * (BEHAVIOURS.md V2).
   */
  async rename(file: TAbstractFile, newPath: string): Promise<void> {
    this.assertLive(file);
    const target = normalizePath(newPath);
    if (target.toLowerCase() !== file.path.toLowerCase()) this.checkNew(target);
    const folder = this.getFolderByPath(parentOf(target));
    if (!folder) throw new Error(`Folder ${parentOf(target)} does not exist.`);
    const oldPath = file.path;
    fs.renameSync(this.abs(oldPath), this.abs(target));
    const moved: TAbstractFile[] = [];
    const collect = (f: TAbstractFile): void => {
      moved.push(f);
      if (f instanceof TFolder) for (const c of f.children) collect(c);
    };
    collect(file);
    for (const f of moved) this.byPath.delete(f.path);
    this.changes++;
    if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
    for (const f of moved) {
      f.path = f === file ? target : `${target}${f.path.slice(oldPath.length)}`;
      f.name = f.path.slice(f.path.lastIndexOf("/") + 1);
      this.byPath.set(f.path, f);
    }
    file.parent = folder;
    folder.children.push(file);
    this.trigger("rename", file, oldPath);
  }

  private detach(file: TAbstractFile): void {
    if (file instanceof TFolder) for (const c of [...file.children]) this.detach(c);
    this.byPath.delete(file.path);
    this.changes++;
    if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
  }

  private assertLive(file: TAbstractFile): void {
    if (this.byPath.get(file.path) !== file) throw new Error(`File ${file.path} does not exist.`);
  }

  private writeNow(file: TFile, data: string): void {
    this.assertLive(file);
    fs.writeFileSync(this.abs(file.path), data, "utf8");
    this.refreshStat(file);
    // The new text rides along (Obsidian passes only the file) so open views reload at once.
    this.trigger("modify", file, data);
  }
}

/** Vault path of the folder holding `path` (`/` for the root). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "/" : path.slice(0, i);
}

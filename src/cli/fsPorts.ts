import { promises as fs, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { isUploadError } from "../core/errors";
import type { MigrationPorts } from "../core/migrate/engine";
import type { ImageUploader } from "../core/ports";
import { tooLargeError } from "../core/prepare/prepareAsset";
import { applyTextChanges } from "../core/apply/textChanges";
import { SiteResolver } from "../core/sites/siteResolver";
import { siteType } from "../core/sites/siteTypes";
import { baseName } from "../core/paths";
import { isCanvasPath } from "../core/canvas/canvasDocument";
import { randomHex } from "../core/randomHex";
import { MAX_SIZE_HINT, UsageError } from "./args";
import { FileBuffers } from "./fileBuffers";
import { isInside, outsideVaultError, readFailure, VaultBounds } from "./vaultBounds";
import type { TempFiles } from "./toolFolder";

/** Folders a vault walk never enters: Obsidian's own config, VCS data, dependencies. */
function skipDir(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

/** Told about a folder the walk could not list, with its vault path and the error. */
export type OnUnreadableFolder = (folder: string, error: unknown) => void;

/**
 * Every file under `dir`, as vault paths (`/`-separated, relative to `root`), sorted.
 * With `onUnreadable`, a folder below `root` that cannot be listed (no permission, removed
 * meanwhile) is reported to it and left out instead of ending the walk; `root` itself
 * failing always throws.
 */
export async function walkFiles(root: string, dir = root, onUnreadable?: OnUnreadableFolder): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (onUnreadable === undefined || dir === root) throw e;
    onUnreadable(toVaultPath(root, dir), e);
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipDir(e.name)) out.push(...(await walkFiles(root, full, onUnreadable)));
      continue;
    }
    // Obsidian hides dot-files the same way it hides dot-folders. A linked file counts; a
    // linked folder is not followed, so a link loop cannot make the walk endless.
    if (e.name.startsWith(".")) continue;
    const isFile =
      e.isFile() ||
      (e.isSymbolicLink() &&
        (await fs.stat(full).then(
          (st) => st.isFile(),
          () => false,
        )));
    if (isFile) out.push(toVaultPath(root, full));
  }
  return out.sort();
}

/** `root`-relative path with forward slashes, as Obsidian names files. */
export function toVaultPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/**
 * The folder that holds everything given: a folder counts as itself, a file as its folder.
 * This is the default vault root when `--vault` is not given.
 */
export async function commonParent(inputs: string[]): Promise<string> {
  const dirs: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    const stat = await statOrThrow(input);
    dirs.push(stat.isDirectory() ? abs : path.dirname(abs));
  }
  let common = dirs[0].split(path.sep);
  for (const d of dirs.slice(1)) {
    const parts = d.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

/**
 * Whether canvases are read with the notes: only in an Obsidian vault, since in a blog's
 * folders a `.canvas` file is nobody's page. `readAs` names what `root` was read as.
 * @throws UsageError when a canvas is given by name outside an Obsidian vault.
 */
export function readsCanvases(obsidian: boolean, inputs: readonly string[], root: string, readAs: string): boolean {
  const canvas = obsidian ? undefined : inputs.find((p) => isCanvasPath(p));
  if (canvas !== undefined)
    throw new UsageError(
      `${canvas} is a canvas, which the tool reads only in an Obsidian vault (a folder with .obsidian at its root, or --site obsidian); ${root} was read as a ${readAs}.`,
    );
  return obsidian;
}

/**
 * The notes to migrate, as vault paths: each file given (which must be a `.md` note inside
 * the vault) and every `.md` note under each folder given; with `canvases`, `.canvas` files
 * too, given or found. `vaultFiles`, the vault's walk when the caller has it, is used for
 * folders it covers instead of walking them again. `onUnreadable` is passed to the walks of
 * folders, as in `walkFiles`.
 */
export async function collectNotes(
  vault: string,
  inputs: string[],
  vaultFiles?: readonly string[],
  onUnreadable?: OnUnreadableFolder,
  opts: { canvases?: boolean } = {},
): Promise<string[]> {
  const isNote = (p: string): boolean => p.toLowerCase().endsWith(".md") || (opts.canvases === true && isCanvasPath(p));
  const notes = new Set<string>();
  for (const input of inputs) {
    const abs = path.resolve(input);
    const rel = path.relative(vault, abs);
    if (rel.startsWith("..") || path.isAbsolute(rel)) throw new UsageError(`${input} is not inside the vault ${vault}.`);
    const stat = await statOrThrow(input);
    if (stat.isDirectory()) {
      const folder = rel === "" ? "" : `${toVaultPath(vault, abs)}/`;
      const covered = vaultFiles !== undefined && !folder.split("/").some((name) => name !== "" && skipDir(name));
      const found = covered ? vaultFiles.filter((f) => f.startsWith(folder)) : [];
      // Walked on its own when the vault walk has nothing under that name: a dot-folder named
      // on purpose, or a folder typed in another case on a file system that ignores case.
      const files = found.length > 0 ? found : await walkFiles(vault, abs, onUnreadable);
      for (const f of files) if (isNote(f)) notes.add(f);
    } else if (isNote(abs)) {
      notes.add(toVaultPath(vault, abs));
    } else {
      throw new UsageError(`${input} is not a Markdown note (.md)${opts.canvases ? ", a canvas (.canvas)" : ""} or a folder.`);
    }
  }
  return [...notes];
}

async function statOrThrow(input: string): Promise<import("node:fs").Stats> {
  try {
    return await fs.stat(input);
  } catch {
    throw new UsageError(`${input} does not exist.`);
  }
}

// Keeps the BOM (ignoreBOM) so a rewritten note starts with the same bytes; fatal so a note
// that is not valid UTF-8 is refused instead of having its odd bytes replaced on write.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// Synchronous, as images are read: a vault's notes are read one after the other before any
// upload starts, and each asynchronous read would wait on libuv's thread pool four times.
function readText(file: string): string {
  const bytes = readFileSync(file);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new Error("it is not valid UTF-8 text");
  }
}

/**
 * Replaces a file's content atomically: writes a temporary file on the same file system
 * and renames it over the original. A reader sees the old or the new note, never half of
 * one, even if the process dies mid-write. Keeps the file's mode. The temporary file goes
 * where `temps` says (the tool folder of a vault), else next to the file.
 * With `durable` (the default) the new content is on disk before the rename, so that not
 * even a power cut can leave an empty file in place of the old one; a file that can be
 * rebuilt, like the upload cache, may skip that wait.
 * With `inside` (a real path), a file whose target is not inside that folder is refused
 * with `OutsideVault` and left unwritten.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  { durable = true, inside, temps }: { durable?: boolean; inside?: string; temps?: TempFiles } = {},
): Promise<void> {
  // Write through a symlink to its target rather than replacing the link with a file.
  const target = await fs.realpath(file).catch(() => file);
  if (inside !== undefined && !isInside(inside, target)) {
    throw outsideVaultError(`"${file}"`, target, "it was not changed.");
  }
  const mode = await fs.stat(target).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  const writeVia = (tmp: string): Promise<void> => replaceVia(tmp, target, data, mode, durable);
  if (temps !== undefined) return temps.replace(target, writeVia);
  return writeVia(path.join(path.dirname(target), `.${path.basename(target)}.${randomHex(6)}.tmp`));
}

async function replaceVia(tmp: string, target: string, data: string | Uint8Array, mode: number | undefined, durable: boolean): Promise<void> {
  try {
    const handle = await fs.open(tmp, "wx", mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await fs.chmod(tmp, mode);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Limits the ports apply before reading an image, and where notes are saved through. */
export interface FsPortsOptions {
  /** Largest image in bytes: a larger one is refused by its size on disk, without reading it. */
  maxBytes?: number;
  /** The vault's tool folder, which notes are saved through (see `writeFileAtomic`). */
  temps?: TempFiles;
  /** How links resolve: a site's rules. Default: an Obsidian vault's. */
  resolver?: SiteResolver;
  /**
   * A folder (real path) to write rewritten notes to, at their vault paths, instead of over
   * the notes, which are then only read.
   */
  out?: string;
}

/**
 * The migration engine's ports over a folder of Markdown files on disk.
 *
 * Everything is read and written where it really is, and only inside the vault's real
 * folder: a symbolic link in the vault that leads outside it (to a private photo, say) is
 * never read, uploaded or written through. Links within the vault work, and so does a
 * vault folder that is itself reached through a link.
 */
export function createFsPorts(vault: string, vaultFiles: string[], uploader: ImageUploader, opts: FsPortsOptions = {}): MigrationPorts {
  const resolver = opts.resolver ?? new SiteResolver(siteType("obsidian"), vaultFiles, { settings: { themes: [], postAssetFolder: false } });
  const buffers = new FileBuffers();
  const bounds = new VaultBounds(vault);
  /** Vault path → where it really is, for the files links have been resolved to. */
  const realPaths = new Map<string, string | null>();
  const noteRefused = "it was not read, and nothing it links to was uploaded.";
  const noteHint = "To migrate it, run the tool on the folder it really is in.";
  const imageRefused = "nothing was uploaded and the link was left as it was.";
  const imageHint = "Copy the image into the vault if it is meant to be published.";
  /** Notes already written to `opts.out` in this run: their next rewrite starts from that copy. */
  const written = new Set<string>();
  const vaultFileSet = new Set(vaultFiles);
  return {
    readNote: async (notePath) => readText(bounds.realInside(notePath, `The note "${notePath}"`, noteRefused, noteHint)),
    async rewriteNote(notePath, edit) {
      const file = bounds.realInside(notePath, `The note "${notePath}"`, "it was not changed.");
      if (opts.out !== undefined) {
        const copy = path.join(opts.out, ...notePath.split("/"));
        const before = readText(written.has(notePath) ? copy : file);
        const changes = edit(before);
        if (changes.length === 0) return;
        await fs.mkdir(path.dirname(copy), { recursive: true });
        await writeFileAtomic(copy, applyTextChanges(before, changes), { inside: opts.out });
        written.add(notePath);
        return;
      }
      const before = readText(file);
      const changes = edit(before);
      if (changes.length > 0) await writeFileAtomic(file, applyTextChanges(before, changes), { inside: bounds.root, temps: opts.temps });
    },
    resolve(linkpath, notePath, embed) {
      const hit = resolver.resolve(linkpath, notePath, embed);
      if (hit === null) return null;
      const found = hit.path;
      // Checked when the link is found, so that a dry run reports it too, and again when read.
      let real = realPaths.get(found);
      if (real === undefined) {
        real = bounds.realPathOrNull(found);
        realPaths.set(found, real);
      }
      // A file that cannot be looked at now (real === null) is reported when it is read, with the reason.
      if (real !== null && !isInside(bounds.root, real)) throw outsideVaultError(`The image "${found}" linked in "${notePath}"`, real, imageRefused, imageHint);
      return hit.guess ? { path: found, guess: hit.rule } : found;
    },
    exactFile(p) {
      if (!vaultFileSet.has(p)) return null;
      const real = bounds.realPathOrNull(p);
      if (real !== null && !isInside(bounds.root, real)) throw outsideVaultError(`The image "${p}"`, real, imageRefused, imageHint);
      realPaths.set(p, real);
      return p;
    },
    readFile: async (p) => {
      try {
        // Read where the link leads now, as checked, not through the link a second time.
        const real = bounds.realInside(p, `"${p}"`, imageRefused, imageHint);
        if (opts.maxBytes !== undefined) {
          const size = statSync(real).size;
          if (size > opts.maxBytes) throw tooLargeError(baseName(p), size, opts.maxBytes, MAX_SIZE_HINT);
        }
        return buffers.read(real);
      } catch (e) {
        throw isUploadError(e) ? e : readFailure(p, e);
      }
    },
    releaseFile: (bytes) => buffers.release(bytes),
    fileSize(p) {
      try {
        return statSync(bounds.realInside(p, `"${p}"`, imageRefused, imageHint)).size;
      } catch {
        // Reading it reports why.
        return undefined;
      }
    },
    uploader,
  };
}

/**
 * Which site the tool works on: its root (given with `--vault`, or the nearest folder above
 * the paths that is a site's root), its kind, its settings and its static folders.
 */
import { promises as fs, readFileSync } from "node:fs";
import * as path from "node:path";
import { detectSite, isSiteRoot, readSiteSettings, type SiteRoot } from "../core/sites/detectSite";
import { SiteResolver } from "../core/sites/siteResolver";
import { inBuildOutput, siteType, type SiteKind, type SiteType } from "../core/sites/siteTypes";
import { UsageError } from "./args";
import { commonParent, toVaultPath } from "./fsPorts";
import { checkVaultFolder } from "./vaultFolders";

/** The entries at a folder's root, as detection reads them; empty when it cannot be listed. */
export async function listRoot(dir: string): Promise<SiteRoot & { git: boolean }> {
  const files: string[] = [];
  const dirs: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile() || e.isSymbolicLink()) files.push(e.name);
  }
  // `.git` is a folder in a clone and a file in a worktree: either marks the repository's top.
  return { files, dirs, git: entries.some((e) => e.name === ".git") };
}

/**
 * The nearest folder from `start` upwards that is the root of a site (of `kind`, when given):
 * `start` itself, then its parents, up to the top of the git repository holding it or the
 * file system's root. Undefined when there is none.
 */
export async function findSiteRoot(start: string, kind?: SiteKind): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    const root = await listRoot(dir);
    if (isSiteRoot(root, kind)) return dir;
    const parent = path.dirname(dir);
    if (root.git || parent === dir) return undefined;
    dir = parent;
  }
}

/** The site the tool works on. */
export interface Site {
  type: SiteType;
  /** The folder its paths are relative to. */
  root: string;
  resolver: SiteResolver;
}

/** What a person can do when a site-absolute link is not found, in the tool's flags. */
const STATIC_HINT =
  "If the site serves its static files from another folder, name it with --static-dir DIR; if the site is of another kind, say which with --site.";
const PLAIN_STATIC_HINT =
  "If these notes belong to a static site, run the tool on the site's folder (or give --vault with its root) and --site with its kind; --static-dir DIR names the folder site-absolute links are served from.";
const NAME_ONLY_HINT = "Write the link as the file's path; or, if this folder is an Obsidian vault, pass --site obsidian.";
const SITE_NAME_ONLY_HINT = "Write the link as the file's path from the note, or as /path from a static folder.";

/**
 * The site at `root`: its kind (`kind`, or told from its root), its settings from its config
 * file, and a resolver over `files` (root-relative) with `staticDirs` (as given on the command
 * line) in place of its static folders when any are given.
 */
export async function openSite(root: string, files: readonly string[], kind: SiteKind | undefined, staticDirs: readonly string[]): Promise<Site> {
  const type = siteType(kind ?? detectSite(await listRoot(root)));
  const settings = readSiteSettings(type, (name) => {
    try {
      return readFileSync(path.join(root, name), "utf8");
    } catch {
      return undefined;
    }
  });
  const dirs: string[] = [];
  for (const given of staticDirs) {
    const abs = path.resolve(given);
    const rel = path.relative(root, abs);
    if (rel.startsWith("..") || path.isAbsolute(rel)) throw new UsageError(`--static-dir ${given} is not inside the site's root ${root}.`);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat?.isDirectory()) throw new UsageError(`--static-dir ${given} is not a folder.`);
    const dir = rel === "" ? "" : toVaultPath(root, abs);
    if (inBuildOutput(type, dir))
      throw new UsageError(`--static-dir ${given} is build output of this ${type.name}, which is never read; name the folder the site is built from.`);
    dirs.push(dir);
  }
  const resolver = new SiteResolver(type, files, {
    settings,
    staticDirs: dirs.length > 0 ? dirs : undefined,
    staticHint: type.kind === "plain" ? PLAIN_STATIC_HINT : STATIC_HINT,
    nameOnlyHint: type.kind === "plain" ? NAME_ONLY_HINT : SITE_NAME_ONLY_HINT,
  });
  return { type, root, resolver };
}

/**
 * The root the command works in: `--vault` when given (it must be a folder), else the site root
 * found above the paths given (see `findSiteRoot`), else their common parent.
 */
export async function workingRoot(vaultArg: string | undefined, paths: string[], kind?: SiteKind): Promise<string> {
  if (vaultArg !== undefined) {
    const vault = path.resolve(vaultArg);
    await checkVaultFolder(vault, vaultArg);
    return vault;
  }
  const start = await commonParent(paths);
  return (await findSiteRoot(start, kind)) ?? path.resolve(start);
}

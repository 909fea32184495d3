/**
 * Telling what a folder is from its root, and reading the few settings of a site's
 * configuration that move files (`theme`, `post_asset_folder`). Pure: the caller lists the
 * root and reads its files.
 */
import { SITE_TYPES, type SiteKind, type SiteMarker, type SiteSettings, type SiteType } from "./siteTypes";

/** A folder's root as detection sees it. */
export interface SiteRoot {
  /** Names of the files at the root. */
  files: readonly string[];
  /** Names of the folders at the root. */
  dirs: readonly string[];
}

function hasMarker(root: SiteRoot, m: SiteMarker): boolean {
  if ("file" in m) return root.files.includes(m.file);
  if ("dir" in m) return root.dirs.includes(m.dir);
  return root.files.some((f) => f.startsWith(m.filePrefix));
}

/** The kind of site whose root this is; `plain` when none of the others. */
export function detectSite(root: SiteRoot): SiteKind {
  return (SITE_TYPES.find((t) => t.markers.some((set) => set.every((m) => hasMarker(root, m)))) ?? SITE_TYPES[SITE_TYPES.length - 1]).kind;
}

/** Whether `root` is the root of a site of some kind other than a plain folder. */
export function isSiteRoot(root: SiteRoot, kind?: SiteKind): boolean {
  const found = detectSite(root);
  return kind === undefined ? found !== "plain" : found === kind;
}

/**
 * The settings of a site that move files, from the first of its config files `read` finds
 * (`read(name)` gives a root file's text, or undefined). Only the simple forms are read:
 * `theme: name` / `theme = "name"` / `theme = ["a", "b"]` / a YAML list under `theme:`,
 * `"theme"` in JSON, and Hexo's `post_asset_folder: true`.
 */
export function readSiteSettings(site: SiteType, read: (name: string) => string | undefined): SiteSettings {
  for (const name of site.configFiles) {
    const text = read(name);
    if (text === undefined) continue;
    return name.endsWith(".json") ? jsonSettings(text) : textSettings(text);
  }
  return { themes: [], postAssetFolder: false };
}

function jsonSettings(text: string): SiteSettings {
  try {
    const value = JSON.parse(text) as { theme?: unknown };
    const theme = value.theme;
    const themes = typeof theme === "string" ? [theme] : Array.isArray(theme) ? theme.filter((t): t is string => typeof t === "string") : [];
    return { themes: themes.filter(safeName), postAssetFolder: false };
  } catch {
    return { themes: [], postAssetFolder: false };
  }
}

/** Top-level `key: value` (YAML) or `key = value` (TOML) lines. */
function textSettings(text: string): SiteSettings {
  const lines = text.split(/\r\n|\r|\n/);
  let themes: string[] = [];
  let postAssetFolder = false;
  lines.forEach((line, i) => {
    const m = /^(theme|post_asset_folder)\s*[:=]\s*(.*?)\s*(?:#.*)?$/.exec(line);
    if (!m) return;
    const value = m[2];
    if (m[1] === "post_asset_folder") {
      postAssetFolder = value === "true";
      return;
    }
    if (value.startsWith("[")) {
      themes = value
        .replace(/^\[|\]$/g, "")
        .split(",")
        .map(unquote)
        .filter((t) => t !== "");
    } else if (value !== "") {
      themes = [unquote(value)];
    } else {
      // A YAML block list on the lines below.
      const items: string[] = [];
      for (const next of lines.slice(i + 1)) {
        const item = /^\s+-\s*(.+?)\s*$/.exec(next);
        if (!item) break;
        items.push(unquote(item[1]));
      }
      themes = items;
    }
  });
  return { themes: themes.filter(safeName), postAssetFolder };
}

function unquote(s: string): string {
  return s.trim().replace(/^(["'])(.*)\1$/, "$2");
}

/** A theme name that is one folder name: nothing that would climb out of `themes/`. */
function safeName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/\\]/.test(name);
}

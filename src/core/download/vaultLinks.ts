/**
 * Links to vault files written the way Obsidian writes them for a vault's "Files and links"
 * options, for the command-line tool, which has no `generateMarkdownLink` to ask. (The
 * plugin asks Obsidian itself.)
 */
import { titleSuffix } from "../link/markdownLink";
import { baseName, folderOf } from "../paths";

/** Obsidian's "Use [[Wikilinks]]" (off = markdown links) and "New link format". */
export interface LinkStyle {
  markdown: boolean;
  format: "shortest" | "relative" | "absolute";
}

/** Obsidian's defaults: wikilinks, shortest path. */
export const OBSIDIAN_DEFAULT_STYLE: LinkStyle = { markdown: false, format: "shortest" };

/**
 * Reads the link options from the text of a vault's `.obsidian/app.json`; defaults for what
 * it does not say (or when it cannot be read as JSON).
 */
export function vaultConfig(appJson: string | undefined): { style: LinkStyle; attachmentFolderPath: string } {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = appJson === undefined ? {} : JSON.parse(appJson);
    if (typeof parsed === "object" && parsed !== null) data = parsed as Record<string, unknown>;
  } catch {
    // Obsidian too starts from its defaults when app.json is unreadable.
  }
  const format = data.newLinkFormat === "relative" || data.newLinkFormat === "absolute" ? data.newLinkFormat : "shortest";
  return {
    style: { markdown: data.useMarkdownLinks === true, format },
    attachmentFolderPath: typeof data.attachmentFolderPath === "string" ? data.attachmentFolderPath : "/",
  };
}

/**
 * The vault folder a new attachment of the note at `notePath` goes to under Obsidian's
 * "Default location for new attachments" (`attachmentFolderPath`): `/` or empty is the vault
 * root, `./` the note's folder, `./sub` a folder below the note's, anything else a vault folder.
 */
export function attachmentFolder(setting: string, notePath: string): string {
  const noteFolder = folderOf(notePath);
  const s = setting.trim();
  let folder: string;
  if (s === "." || s === "./") folder = noteFolder;
  else if (s.startsWith("./")) folder = noteFolder === "" ? s.slice(2) : `${noteFolder}/${s.slice(2)}`;
  else folder = s;
  return folder
    .split("/")
    .filter((p) => p !== "" && p !== ".")
    .join("/");
}

/** Obsidian's encoding of a markdown link's destination (`Pasted image 1.png` → `Pasted%20image%201.png`). */
function encodeLinkPath(path: string): string {
  return path.replace(/[%\s()<>#^[\]]/g, (c) => encodeURIComponent(c));
}

/**
 * A markdown embed of a vault file with a title: `![alt](Pasted%20image.png "title")`. A
 * wikilink has no place for a title, so a link that had one stays a markdown link, whatever
 * the vault's style, rather than lose it. `linkText` is the file as the vault's link format
 * names it (Obsidian's `fileToLinktext`).
 */
export function titledEmbed(linkText: string, alias: string, title: string): string {
  return `![${alias}](${encodeLinkPath(linkText)}${titleSuffix(title)})`;
}

/**
 * The embed of the vault file `path` from `notePath` in `style`; `alias` (alt text, size)
 * becomes the display text, and a `title` makes it a markdown link (see `titledEmbed`).
 * `sameName` counts the vault's files named like it (for the shortest form, which is the
 * bare name only when that name is unique).
 */
export function vaultEmbed(path: string, notePath: string, alias: string, style: LinkStyle, sameName: number, title?: string): string {
  let text: string;
  if (style.format === "absolute") text = path;
  else if (style.format === "relative") text = relativePath(path, notePath);
  else text = sameName <= 1 ? baseName(path) : path;
  if (title !== undefined && title !== "") return titledEmbed(text, alias, title);
  if (style.markdown) return `![${alias}](${encodeLinkPath(text)})`;
  return alias !== "" ? `![[${text}|${alias}]]` : `![[${text}]]`;
}

/** `path` as seen from the folder of `notePath` (`../img/a.png`). */
function relativePath(path: string, notePath: string): string {
  let up = "";
  let folder = folderOf(notePath);
  while (folder !== "" && !path.startsWith(`${folder}/`)) {
    up = `../${up}`;
    folder = folderOf(folder);
  }
  return folder !== "" ? up + path.slice(folder.length + 1) : up + path;
}

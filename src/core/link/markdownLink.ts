/**
 * The one writer of markdown image links: paste and drop, "Upload all" and the command-line
 * tool all end here, so the same file name and URL always give the same link text.
 *
 * Text from outside (a file name, a URL) ends up inside the note, so it must not be able to
 * close the link early, smuggle in HTML or change the URL; and the link must read the same in
 * Obsidian and in the blog engines notes are published with.
 */
import { UploadError } from "../errors";
import { baseName, fileStem } from "../paths";
import { parseHttpUrl } from "./httpUrl";

/** Alt text used when a file name has nothing readable in it. */
export const FALLBACK_ALT_TEXT = "image";

const MAX_ALT_LENGTH = 120;

/**
 * Plain text made into alt text that renders as exactly that text: brackets and backslashes,
 * and the openers of code, HTML, entities, math, comments, emphasis and size hints, are
 * backslash-escaped, and line breaks and other control characters become spaces. An
 * underscore between letters cannot start emphasis, so `my_shot` stays readable.
 */
export function escapeAltText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*[\]<>&|$%~=]/g, "\\$&")
    .replace(/_/g, (m, i: number, all: string) => (/[A-Za-z0-9]/.test(all.charAt(i - 1)) && /[A-Za-z0-9]/.test(all.charAt(i + 1)) ? m : "\\_"));
}

/**
 * Alt text for an image known only by its vault path or file name, as Obsidian shows an embed
 * of it: the name without its folders and extension (`Attachments/my_shot.png` → `my_shot`), escaped
 * with `escapeAltText`. A name that is a bare number keeps its extension, because `![250](…)`
 * would read as a width; a name with nothing readable becomes `image`.
 */
export function altTextFromName(path: string): string {
  return escapeAltText(plainAltFromName(path));
}

/** The alt text `altTextFromName` gives, as plain text, before escaping: for HTML and link templates. */
export function plainAltFromName(path: string): string {
  const name = baseName(path);
  const stem = fileStem(name);
  const shown = looksLikeSize(stem) ? (looksLikeSize(name) ? "" : name) : stem;
  if (shown.trim() === "" && !looksLikeSize(name)) return FALLBACK_ALT_TEXT;
  return [...shown].slice(0, MAX_ALT_LENGTH).join("");
}

function looksLikeSize(s: string): boolean {
  return /^\s*\d+(?:\s*x\s*\d+)?\s*$/.test(s);
}

/** What may follow the alt text and the URL of a markdown image. */
export interface ImageLinkExtras {
  /**
   * Obsidian's size hint as written after the alt text, with its pipe: `|300`, `|300x200`,
   * or `\|300` inside a table, where a bare `|` would split the cell.
   */
  sizeHint?: string;
  /** The link title, shown on hover; written in double quotes. */
  title?: string;
}

/**
 * `![alt](url)`, `![alt|300](url)` or `![alt](url "title")`.
 *
 * `alt` is markdown as it goes between the brackets: from `altTextFromName` or
 * `escapeAltText`, or the user's own alt text kept as written. Only its line breaks become
 * spaces, so a link inside a callout or a list keeps its place.
 *
 * The URL must be http(s): anything else (a `javascript:` URL above all) is refused. The
 * characters that would end or split the destination (spaces and other white space, control
 * characters, `( ) < > " \ |`) are percent-encoded: every markdown renderer and blog engine
 * reads that back as the same URL, which is not true of `<…>` destinations, and a `|` left
 * bare would split a table cell.
 * @throws UploadError `MalformedLink` when the URL is not an absolute http(s) URL.
 */
export function markdownImage(alt: string, url: string, extras: ImageLinkExtras = {}): string {
  return `![${oneLine(alt)}${extras.sizeHint ?? ""}]${imageDestination(url, extras.title)}`;
}

/** The `(url "title")` part of a markdown image, written as `markdownImage` writes it. */
export function imageDestination(url: string, title?: string): string {
  return `(${markdownDestination(url)}${titleSuffix(title)})`;
}

/** ` "title"` as it follows a link destination, or "" for no title. */
export function titleSuffix(title?: string): string {
  return title === undefined || title === "" ? "" : ` "${formatTitle(title)}"`;
}

/**
 * The URL as a markdown link destination: http(s) only, with the characters that would end
 * or split it percent-encoded.
 * @throws UploadError `MalformedLink` when the URL is not an absolute http(s) URL.
 */
export function markdownDestination(url: string): string {
  return [...checkedUrl(url)].map((ch) => (isControl(ch) || /[\s()<>"\\|]/.test(ch) ? percentEncode(ch) : ch)).join("");
}

/**
 * `url` itself when it is an absolute http(s) URL: only those are ever written into a note.
 * @throws UploadError `MalformedLink` otherwise.
 */
export function checkedUrl(url: string): string {
  if (!parseHttpUrl(url)) {
    throw new UploadError(
      "MalformedLink",
      `Refusing to link to "${url.trim().slice(0, 80)}": only http and https links are inserted.`,
      "Check the public base URL in the profile settings.",
    );
  }
  return url;
}

/** A title between double quotes that reads back as written, on one line. */
function formatTitle(title: string): string {
  return oneLine(title)
    .replace(/[\\"]/g, "\\$&")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&");
}

/** The UTF-8 bytes of one character as `%XX` escapes. */
export function percentEncode(ch: string): string {
  return [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/** `text` on one line: a line break inside a callout or list would lose its container prefix. */
export function oneLine(text: string): string {
  return [...text.replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*/g, " ")].map((ch) => (isControl(ch) ? " " : ch)).join("");
}

// A tab is white space like any other in alt text and titles; in a URL `\s` encodes it.
function isControl(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp <= 0x1f && cp !== 0x09) || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029;
}

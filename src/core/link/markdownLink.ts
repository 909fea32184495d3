/**
 * Markdown image links built from outside text. A file name ends up inside the note, so it
 * must not be able to close the link early, smuggle in HTML or change the URL.
 */
import { UploadError } from "../errors";
import { parseHttpUrl } from "./httpUrl";

/** Alt text used when a file name has nothing readable left. */
export const FALLBACK_ALT_TEXT = "image";

const MAX_ALT_LENGTH = 120;

/**
 * Alt text from a file name: the name without its extension, with every character that
 * means something to markdown, HTML or Obsidian (`[ ] ( ) < > \ ! ` * _ | $ %` and line
 * breaks) turned into a space. `|` would become Obsidian's size hint, `$` starts math and
 * `%%` a comment.
 */
export function altTextFromName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const cleaned = [...stem]
    .map((ch) => (isControl(ch) || /[[\]()<>\\!`*_|$%]/.test(ch) ? " " : ch))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  const short = [...cleaned].slice(0, MAX_ALT_LENGTH).join("").trim();
  return short || FALLBACK_ALT_TEXT;
}

/**
 * `![alt](url)` or `![alt](url "title")`.
 *
 * `alt` is plain text: brackets, angle brackets and backslashes are escaped and line
 * breaks become spaces; everything else is kept, so an `alt|300` size hint survives. The URL must be http(s): anything else (a
 * `javascript:` URL above all) is refused. Characters that would end the link
 * destination (spaces, parentheses, angle brackets) are percent-encoded, which every
 * markdown renderer understands, unlike `<…>` destinations.
 * @throws UploadError `MalformedLink` when the URL is not an absolute http(s) URL.
 */
export function markdownImage(alt: string, url: string, title?: string): string {
  const destination = safeDestination(url);
  const text = oneLine(alt).replace(/[\\[\]<>]/g, (c) => `\\${c}`);
  if (title === undefined || title === "") return `![${text}](${destination})`;
  const quoted = oneLine(title).replace(/[\\"]/g, (c) => `\\${c}`);
  return `![${text}](${destination} "${quoted}")`;
}

function safeDestination(url: string): string {
  const trimmed = url.trim();
  if (!parseHttpUrl(trimmed)) {
    throw new UploadError(
      "MalformedLink",
      `Refusing to link to "${trimmed.slice(0, 80)}": only http and https links are inserted.`,
      "Check the public base URL in the profile settings.",
    );
  }
  return [...trimmed]
    .map((ch) => (isControl(ch) || /[\s()<>\\]/.test(ch) ? percentEncode(ch) : ch))
    .join("");
}

function percentEncode(ch: string): string {
  return [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

function oneLine(text: string): string {
  return [...text].map((ch) => (isControl(ch) ? " " : ch)).join("");
}

function isControl(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029;
}

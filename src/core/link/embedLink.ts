/**
 * The link text that replaces an embed once its image is hosted: what the user wrote is
 * kept (alt text, title, `|300` size hint, `#fragment`), only the destination changes.
 */
import { scanEmbeds, type Embed } from "../markdown";
import { parseOpenTag } from "../markdown";
import { readableRewrites } from "../apply/readability";
import type { Replacement } from "../apply/replacements";

/**
 * Backslash-escapes what could end or reshape the alt text: brackets and backslashes,
 * and the openers of code, HTML, entities, math, comments, emphasis and size hints. Line
 * breaks become spaces. An
 * underscore between letters cannot start emphasis, so `my_shot` stays readable.
 */
function escapeAltText(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*[\]<>&|$%~=]/g, "\\$&")
    .replace(/_/g, (m, i: number, all: string) =>
      /[A-Za-z0-9]/.test(all.charAt(i - 1)) && /[A-Za-z0-9]/.test(all.charAt(i + 1)) ? m : "\\_",
    );
}

/**
 * A destination that reads back as exactly `url`: characters a URL may not contain raw
 * (spaces, controls, `<>"\|`) are percent-encoded, and a URL with parentheses is wrapped
 * in `<>` so they need not balance. `|` is encoded too because it would split a table cell.
 */
function formatDestination(url: string): string {
  const encoded = percentEncode(url, '<>"\\|');
  if (encoded === "" || /[()]/.test(encoded)) return `<${encoded}>`;
  return encoded;
}

function formatTitle(title: string | undefined): string {
  if (title === undefined) return "";
  const body = title
    .replace(/[\\"]/g, "\\$&")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&")
    // A line break inside a callout or list would lose its container prefix.
    .replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*/g, " ");
  return ` "${body}"`;
}

/** Percent-encodes spaces, control characters and any of `extra`. */
function percentEncode(s: string, extra: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    out += code <= 0x20 || code === 0x7f || extra.includes(ch) ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return out;
}

function escapeAttribute(s: string): string {
  return percentEncode(s, "")
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function fileStem(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * Alt text for a wiki embed: its display text, else the file name without extension.
 * A bare number would read as a width (`![250](…)`), so such a stem keeps its extension.
 */
function wikiAltText(e: Embed): string {
  if (e.alt !== "") return e.alt;
  const looksLikeSize = (s: string): boolean => /^\s*\d+(?:\s*x\s*\d+)?\s*$/.test(s);
  const stem = fileStem(e.target);
  if (!looksLikeSize(stem)) return stem;
  const name = e.target.slice(e.target.lastIndexOf("/") + 1);
  return looksLikeSize(name) ? "" : name;
}

function sizeSuffix(e: Embed, pipe: string): string {
  if (!e.size) return "";
  return `${pipe}${e.size.width}${e.size.height !== undefined ? `x${e.size.height}` : ""}`;
}

/**
 * Puts `href` in place of the `src` value of an `<img>` tag, keeping every other byte.
 * The tag may run over lines inside a callout, where each line starts with `> `; those
 * prefixes are blanked in a copy (offsets unchanged) so the attributes parse.
 */
function replaceImgSrc(raw: string, href: string): string | null {
  const last = raw.length - 1;
  const parseable = raw.replace(/\n[ \t>]*/g, (m, at: number) => {
    const keep = at + m.length - 1 === last ? 1 : 0;
    return "\n" + " ".repeat(m.length - 1 - keep) + (keep ? ">" : "");
  });
  const src = parseOpenTag(parseable)?.attributes.find((a) => a.name === "src");
  if (!src) return null;
  return `${raw.slice(0, src.valueStart)}"${escapeAttribute(href)}"${raw.slice(src.valueEnd)}`;
}

/**
 * The link that replaces embed `e` once its file lives at `url`.
 *
 * - Markdown `![alt|300](a.png "t")` → `![alt|300](url "t")`: alt text kept as written
 *   (line breaks become spaces so a callout keeps its `> ` prefixes), title kept.
 * - Reference `![alt][ref]` → `![alt](url "title")` with the definition's title. The
 *   definition stays: other links may still use it, and an unused one renders nothing.
 * - Wiki `![[folder/My shot.png|300]]` → `![My shot|300](url)`: the display text is the
 *   alt text, or else the file name without its extension (kept when the name is a bare
 *   number, which would read as a width), escaped so it renders as plain text. `|300x200` stays; a `\|` written inside a table stays `\|`.
 * - HTML `<img …>` stays a tag with only `src` replaced.
 *
 * A `#fragment` is appended to the URL in every case.
 */
export function rewriteEmbed(e: Embed, url: string): string {
  const href = e.fragment !== undefined ? `${url}#${e.fragment}` : url;
  switch (e.kind) {
    case "html":
      return replaceImgSrc(e.raw, href) ?? `<img src="${escapeAttribute(href)}">`;
    case "wiki": {
      const pipe = e.raw.includes("\\|") ? "\\|" : "|";
      const alt = escapeAltText(wikiAltText(e));
      return `![${alt}${sizeSuffix(e, pipe)}](${formatDestination(href)})`;
    }
    default: {
      const alt = e.alt.replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*/g, " ");
      return `![${alt}](${formatDestination(href)}${formatTitle(e.title)})`;
    }
  }
}

/**
 * Scans `text` and plans one replacement per embed that `urlFor` gives a URL; embeds it
 * returns undefined for are left alone, and so are those that unfinished markdown around
 * them would take in once rewritten (see `readableRewrites`). Feed the result to
 * `applyReplacements`.
 */
export function planEmbedRewrites(text: string, urlFor: (e: Embed) => string | undefined): Replacement[] {
  const embeds = scanEmbeds(text);
  const reps: Replacement[] = [];
  for (const e of embeds) {
    const url = urlFor(e);
    if (url !== undefined) reps.push({ start: e.start, end: e.end, expected: e.raw, replacement: rewriteEmbed(e, url) });
  }
  return readableRewrites(text, embeds, reps).kept;
}

/**
 * Low-level CommonMark syntax shared by the block and inline scanners: link
 * destinations, titles and labels, raw HTML, escapes and entities. Each parser takes the
 * text and a start index and returns where the construct ends, so callers keep exact
 * offsets into the note.
 */
import { namedEntity } from "./htmlEntities";

/** CommonMark's escapable characters: all ASCII punctuation. */
const ASCII_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/** True for one ASCII punctuation character, the only ones a backslash can escape. */
export function isAsciiPunct(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && ASCII_PUNCT.includes(ch);
}

/** True for a space or a tab, the only indentation characters in markdown. */
export function isSpaceOrTab(ch: string | undefined): boolean {
  return ch === " " || ch === "\t";
}

/** Spaces, tabs and line endings: CommonMark's whitespace inside link syntax. */
export function isWhitespace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";
}

const ENTITY_OR_ESCAPE = /\\[!"#$%&'()*+,./:;<=>?@[\\\]^_`{|}~-]|&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g;

function decodeEntity(ref: string): string {
  if (ref.charAt(1) === "#") {
    const hex = ref.charAt(2) === "x" || ref.charAt(2) === "X";
    const code = parseInt(ref.slice(hex ? 3 : 2, -1), hex ? 16 : 10);
    // CommonMark maps NUL, surrogates and out-of-range code points to U+FFFD.
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
    return String.fromCodePoint(code);
  }
  return namedEntity(ref.slice(1, -1)) ?? ref;
}

/** Resolves character references only (HTML attribute values have no backslash escapes). */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY_OR_ESCAPE, (m) => (m.charAt(0) === "&" ? decodeEntity(m) : m));
}

/** Resolves backslash escapes and character references in one pass, as CommonMark does. */
export function unescapeMarkdown(s: string): string {
  if (!s.includes("\\") && !s.includes("&")) return s;
  return s.replace(ENTITY_OR_ESCAPE, (m) => (m.charAt(0) === "\\" ? m.charAt(1) : decodeEntity(m)));
}

/** Byte length of a UTF-8 sequence announced by its lead byte, or 0 for a non-lead byte. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function decodePercentRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    // A broken sequence keeps its %XX spelling; valid neighbours are still decoded.
    const bytes: number[] = [];
    for (let i = 0; i < run.length; i += 3) bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
    let out = "";
    let i = 0;
    while (i < bytes.length) {
      const len = utf8Length(bytes[i]);
      if (len > 0 && i + len <= bytes.length) {
        try {
          out += decodeURIComponent(run.slice(i * 3, (i + len) * 3));
          i += len;
          continue;
        } catch {
          // fall through: keep the lead byte as written
        }
      }
      out += run.slice(i * 3, i * 3 + 3);
      i += 1;
    }
    return out;
  }
}

/** Decodes `%XX` sequences that form valid UTF-8 and leaves everything else as written. */
export function percentDecode(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, decodePercentRun);
}

/**
 * True for destinations that point outside the vault: a URL scheme (`https:`, `data:`,
 * `obsidian:`…) or a protocol-relative `//host`. One-letter schemes are Windows drive
 * letters, not URLs.
 */
export function looksRemote(dest: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]{1,31}:/.test(dest) || dest.startsWith("//");
}

/**
 * Link label normalisation: strip the brackets, trim, collapse inner whitespace and
 * case-fold. `toLowerCase().toUpperCase()` folds `ẞ`/`ß` and Greek sigma the way
 * CommonMark's reference implementation does.
 */
export function normalizeLabel(bracketed: string): string {
  return bracketed
    .slice(1, -1)
    .trim()
    .replace(/[ \t\r\n]+/g, " ")
    .toLowerCase()
    .toUpperCase();
}

/**
 * Length of a link label `[...]` starting at `i` (brackets included), or 0. Labels hold
 * at most 999 characters and no unescaped brackets.
 */
export function linkLabelLength(s: string, i: number): number {
  if (s.charAt(i) !== "[") return 0;
  let j = i + 1;
  let count = 0;
  while (j < s.length) {
    const c = s.charAt(j);
    if (c === "]") return count > 999 ? 0 : j + 1 - i;
    if (c === "[") return 0;
    if (c === "\\" && j + 1 < s.length) {
      j += 2;
      count += 2;
    } else {
      j += 1;
      count += 1;
    }
    if (count > 1000) return 0;
  }
  return 0;
}

/** A parsed link destination: the raw text (without `<>`) and where the syntax ends. */
export interface ParsedDestination {
  raw: string;
  end: number;
}

/**
 * Parses a link destination at `i`: `<...>` (no line breaks or unescaped `<>`), or a
 * run without spaces or control characters whose parentheses balance.
 */
export function parseLinkDestination(s: string, i: number): ParsedDestination | null {
  if (s.charAt(i) === "<") {
    let j = i + 1;
    while (j < s.length) {
      const c = s.charAt(j);
      if (c === ">") return { raw: s.slice(i + 1, j), end: j + 1 };
      if (c === "<" || c === "\n" || c === "\r") return null;
      j += c === "\\" && j + 1 < s.length && s.charAt(j + 1) !== "\n" ? 2 : 1;
    }
    return null;
  }
  let j = i;
  let depth = 0;
  while (j < s.length) {
    const c = s.charAt(j);
    const code = s.charCodeAt(j);
    if (c === "\\" && isAsciiPunct(s.charAt(j + 1))) {
      j += 2;
    } else if (c === "(") {
      depth += 1;
      // The reference implementation gives up on very deep nesting; so do we.
      if (depth > 32) return null;
      j += 1;
    } else if (c === ")") {
      if (depth === 0) break;
      depth -= 1;
      j += 1;
    } else if (code <= 0x20 || code === 0x7f) {
      break;
    } else {
      j += 1;
    }
  }
  if (j === i && s.charAt(j) !== ")") return null;
  if (depth !== 0) return null;
  return { raw: s.slice(i, j), end: j };
}

/** Parses a link title (`"…"`, `'…'` or `(…)`) at `i`; returns its raw inner text and end. */
export function parseLinkTitle(s: string, i: number): ParsedDestination | null {
  const open = s.charAt(i);
  const close = open === "(" ? ")" : open;
  if (open !== '"' && open !== "'" && open !== "(") return null;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charAt(j);
    if (c === "\\" && j + 1 < s.length) {
      j += 2;
      continue;
    }
    if (c === close) return { raw: s.slice(i + 1, j), end: j + 1 };
    if (open === "(" && c === "(") return null;
    j += 1;
  }
  return null;
}

/** Skips spaces and tabs with at most one line ending among them. */
export function skipSpaceNewline(s: string, i: number): number {
  let j = i;
  while (isSpaceOrTab(s.charAt(j))) j += 1;
  if (s.charAt(j) === "\n") {
    j += 1;
    while (isSpaceOrTab(s.charAt(j))) j += 1;
  }
  return j;
}

const TAG_NAME = "[A-Za-z][A-Za-z0-9-]*";
const ATTRIBUTE_NAME = "[a-zA-Z_:][a-zA-Z0-9_.:-]*";
const ATTRIBUTE_VALUE = "(?:[^\"'=<>`\\x00-\\x20]+|'[^']*'|\"[^\"]*\")";
// Only ASCII whitespace separates attributes; `\s` would also accept NBSP and friends.
const WS = "[ \\t\\r\\n\\f]";
const ATTRIBUTE = `(?:${WS}+${ATTRIBUTE_NAME}(?:${WS}*=${WS}*${ATTRIBUTE_VALUE})?)`;
/** An HTML open tag per CommonMark's raw HTML grammar. */
export const OPEN_TAG = `<${TAG_NAME}${ATTRIBUTE}*${WS}*/?>`;
/** An HTML closing tag per CommonMark's raw HTML grammar. */
export const CLOSE_TAG = `</${TAG_NAME}${WS}*>`;

const RAW_HTML = new RegExp(`(?:${OPEN_TAG}|${CLOSE_TAG}|<!---?>|<!--[\\s\\S]*?-->|<[?][\\s\\S]*?[?]>|<![A-Za-z][^>]*>|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>)`, "y");
const AUTOLINK =
  /<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[!-;=?-\uFFFF]*|[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/y;

/** Length of an autolink (`<https://…>`, `<a@b.c>`) at `i`, or 0. A URI holds no space, control character or `<>`. */
export function autolinkLength(s: string, i: number): number {
  AUTOLINK.lastIndex = i;
  const m = AUTOLINK.exec(s);
  return m ? m[0].length : 0;
}

/** Length of an inline raw HTML construct (tag, comment, declaration…) at `i`, or 0. */
export function rawHtmlLength(s: string, i: number): number {
  RAW_HTML.lastIndex = i;
  const m = RAW_HTML.exec(s);
  return m ? m[0].length : 0;
}

/** One attribute of an HTML tag with the span of its value inside the tag text. */
export interface HtmlAttribute {
  name: string;
  value: string;
  /** Offsets of the value including its quotes, relative to the tag start. */
  valueStart: number;
  valueEnd: number;
}

/** Tag name (lower case) and attributes of an open tag `<name …>`, or null if it is not one. */
export function parseOpenTag(tag: string): { name: string; attributes: HtmlAttribute[] } | null {
  const head = /^<([A-Za-z][A-Za-z0-9-]*)/.exec(tag);
  if (!head || !new RegExp(`^${OPEN_TAG}$`).test(tag)) return null;
  const attributes: HtmlAttribute[] = [];
  const attr = new RegExp(`${WS}+(${ATTRIBUTE_NAME})(?:(${WS}*=${WS}*)(${ATTRIBUTE_VALUE}))?`, "y");
  attr.lastIndex = head[0].length;
  let m: RegExpExecArray | null;
  while ((m = attr.exec(tag)) !== null) {
    const raw = m[3];
    let valueStart = m.index + m[0].length;
    let value = "";
    if (raw !== undefined) {
      valueStart = m.index + m[0].length - raw.length;
      value = raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw;
    }
    attributes.push({ name: m[1].toLowerCase(), value, valueStart, valueEnd: m.index + m[0].length });
  }
  return { name: head[1].toLowerCase(), attributes };
}

/**
 * What text may stand in one segment of an object key: file and note names are cleaned
 * here, and a template's literal text is checked against the same rules.
 */

/**
 * Characters replaced in names and rejected in template text: path separators, URL
 * delimiters (`#`, `?`, `%`), characters Windows or shells mangle, markdown brackets, and
 * `+`, which some S3 website endpoints and CDNs read as a space.
 */
export const UNSAFE_CHARS = /[/\\#?%*:|"<>^`{}[\]+]/g;
const WHITESPACE = /\s+/g;

/**
 * Makes outside text safe inside one key segment. Because `/` never survives, a value
 * can add no folder; the `.`/`..` case is handled on whole segments in `normalizeKey`.
 */
export function cleanFreeText(value: string, maxBytes: number): string {
  const cleaned = [...value]
    .map((ch) => (isLoneSurrogate(ch) ? "-" : isInvisible(ch) ? "" : ch))
    .join("")
    .normalize("NFC")
    .replace(UNSAFE_CHARS, "-")
    .replace(WHITESPACE, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return truncateUtf8(cleaned, maxBytes).replace(/-+$/, "");
}

/**
 * Control characters, and the bidirectional overrides and byte order mark that can make a
 * key read differently from what it is.
 */
export function isInvisible(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff
  );
}

/** Unpaired UTF-16 surrogates cannot be encoded as UTF-8 or put in a URL. */
export function isLoneSurrogate(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

const utf8 = new TextEncoder();

/** The length of `value` in UTF-8 bytes, the unit of S3's key limit. */
export function utf8Length(value: string): number {
  return utf8.encode(value).length;
}

/** Cuts at a code point boundary so no character is split. */
function truncateUtf8(value: string, maxBytes: number): string {
  let out = "";
  let bytes = 0;
  for (const ch of value) {
    const size = utf8Length(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

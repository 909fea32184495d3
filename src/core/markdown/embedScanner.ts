/**
 * Finds every embed in a note: markdown and reference-style images, Obsidian
 * `![[wiki embeds]]` and HTML `<img>` tags, with exact offsets so a caller can rewrite
 * just those spans. Nothing is filtered by file type or location; `isRemote`,
 * {@link isImagePath} and {@link isLocalImageEmbed} let callers decide.
 */
import type { LinkDefinition } from "./linkDefinitions";
import { scanBlocks } from "./markdownBlocks";
import { scanHtmlImages, scanInline, type InlineHit } from "./markdownInline";
import { decodeEntities, looksRemote, parseOpenTag, percentDecode, unescapeMarkdown } from "./markdownSyntax";
import type { SourceText } from "./sourceText";
import { hasImageExtension } from "../imageExtensions";

export type EmbedKind = "markdown" | "reference" | "wiki" | "html";

/** Width and optional height in pixels, from `|300`, `|300x200` or `width`/`height` attributes. */
export interface EmbedSize {
  width: number;
  height?: number;
}

export interface Embed {
  kind: EmbedKind;
  /** UTF-16 offsets of the whole embed in the note: `text.slice(start, end) === raw`. */
  start: number;
  end: number;
  /** The embed as written; for reference style only the `![alt][ref]` usage. */
  raw: string;
  /**
   * The destination, decoded: escapes, character references and `%XX` resolved, `<>`
   * removed, `#fragment` split off for local paths. Wiki embeds: the link path as written.
   */
  target: string;
  /**
   * Markdown and reference style: the alt text as written between the brackets, size
   * suffix included (`Engelbart|100`), so a rewrite can keep it byte for byte. Wiki: the
   * display text unless it is only a size. HTML: the decoded `alt` attribute.
   */
  alt: string;
  title?: string;
  size?: EmbedSize;
  /** The part after `#` of a wiki embed or of a local markdown/HTML destination. */
  fragment?: string;
  /** A URL (`https:`, `data:`, any scheme) or a protocol-relative `//host` link. */
  isRemote: boolean;
  /** Reference style: the `[ref]: dest` definition this usage resolved to. */
  definition?: { start: number; end: number; raw: string; label: string };
}

/** True when the path ends in an image extension (case-insensitive); a query or fragment is ignored. */
export function isImagePath(path: string): boolean {
  return hasImageExtension(path.replace(/[?#].*$/s, ""));
}

/**
 * True for an embed of an image file in the vault: not remote, with an image extension.
 * Embedded notes (`![[Other note]]`), bases, canvases and PDFs are not images. The target of
 * a local embed is a file path with its fragment already split off, so a `#` or `?` left in
 * it (`![](shot%20%231.png)` is the file `shot #1.png`) belongs to the file name.
 */
export function isLocalImageEmbed(e: Embed): boolean {
  return !e.isRemote && hasImageExtension(e.target);
}

/** Reads a size hint: `300` or `300x200`. */
function parseSize(s: string): EmbedSize | undefined {
  const m = /^\s*(\d{1,5})(?:\s*x\s*(\d{1,5}))?\s*$/.exec(s);
  if (!m) return undefined;
  const size: EmbedSize = { width: parseInt(m[1], 10) };
  if (m[2] !== undefined) size.height = parseInt(m[2], 10);
  return size;
}

/** Obsidian's alt-size convention: `![alt|300](…)`, `![alt|300x200](…)` or just `![300](…)`. */
function altSize(alt: string): EmbedSize | undefined {
  const m = /^(?:[\s\S]*?\\?\|)?([^|]*)$/.exec(alt);
  return m ? parseSize(m[1]) : undefined;
}

/** Splits a local destination into path and fragment, then percent-decodes both. */
function splitDestination(dest: string): { target: string; fragment?: string; isRemote: boolean } {
  if (looksRemote(dest)) return { target: percentDecode(dest), isRemote: true };
  const hash = dest.indexOf("#");
  if (hash < 0) return { target: percentDecode(dest), isRemote: false };
  const fragment = percentDecode(dest.slice(hash + 1));
  return { target: percentDecode(dest.slice(0, hash)), isRemote: false, ...(fragment ? { fragment } : {}) };
}

function span(src: SourceText, from: number, to: number): { start: number; end: number } {
  return { start: src.offsets[from], end: src.offsets[to - 1] + 1 };
}

function linkEmbed(
  text: string,
  pos: { start: number; end: number },
  kind: "markdown" | "reference",
  alt: string,
  rawDest: string,
  rawTitle: string | undefined,
  definition?: LinkDefinition,
): Embed {
  const e: Embed = { kind, ...pos, raw: text.slice(pos.start, pos.end), alt, ...splitDestination(unescapeMarkdown(rawDest)) };
  if (rawTitle !== undefined) e.title = unescapeMarkdown(rawTitle);
  const size = altSize(alt);
  if (size) e.size = size;
  if (definition) {
    e.definition = {
      start: definition.start,
      end: definition.end,
      raw: text.slice(definition.start, definition.end),
      label: definition.label,
    };
  }
  return e;
}

function wikiEmbed(text: string, pos: { start: number; end: number }, inner: string): Embed {
  // Inside a table the pipe is written `\|`; Obsidian reads it as a plain `|`.
  const pipe = /\\?\|/.exec(inner);
  const link = pipe ? inner.slice(0, pipe.index) : inner;
  const display = pipe ? inner.slice(pipe.index + pipe[0].length) : undefined;
  const hash = link.indexOf("#");
  const target = (hash < 0 ? link : link.slice(0, hash)).trim();
  const e: Embed = { kind: "wiki", ...pos, raw: text.slice(pos.start, pos.end), target, alt: "", isRemote: looksRemote(target) };
  if (hash >= 0 && link.slice(hash + 1).trim() !== "") e.fragment = link.slice(hash + 1).trim();
  if (display !== undefined) {
    const parts = display.split(/\\?\|/);
    const size = parseSize(parts[parts.length - 1]);
    if (size) {
      e.size = size;
      parts.pop();
    }
    e.alt = parts.join("|").trim();
  }
  return e;
}

/** `tagText` is the tag with container prefixes (`> `) removed, so attributes parse across lines. */
function htmlEmbed(text: string, pos: { start: number; end: number }, tagText: string): Embed | null {
  const raw = text.slice(pos.start, pos.end);
  const tag = parseOpenTag(tagText);
  const attr = (name: string): string | undefined => tag?.attributes.find((a) => a.name === name)?.value;
  const src = attr("src");
  if (src === undefined) return null;
  const e: Embed = { kind: "html", ...pos, raw, alt: decodeEntities(attr("alt") ?? ""), ...splitDestination(decodeEntities(src)) };
  const title = attr("title");
  if (title !== undefined) e.title = decodeEntities(title);
  const width = /^\s*(\d{1,5})(?:px)?\s*$/.exec(attr("width") ?? "");
  const height = /^\s*(\d{1,5})(?:px)?\s*$/.exec(attr("height") ?? "");
  if (width) {
    e.size = { width: parseInt(width[1], 10) };
    if (height) e.size.height = parseInt(height[1], 10);
  }
  return e;
}

function toEmbed(text: string, src: SourceText, hit: InlineHit): Embed | null {
  const pos = span(src, hit.start, hit.end);
  switch (hit.kind) {
    case "markdown":
      return linkEmbed(text, pos, "markdown", src.text.slice(hit.altStart, hit.altEnd), hit.rawDest, hit.rawTitle);
    case "reference": {
      const d = hit.definition;
      return linkEmbed(text, pos, "reference", src.text.slice(hit.altStart, hit.altEnd), d.rawDest, d.rawTitle, d);
    }
    case "wiki":
      return wikiEmbed(text, pos, hit.inner);
    case "html":
      return htmlEmbed(text, pos, src.text.slice(hit.start, hit.end));
  }
}

/**
 * Lists the embeds of a note in document order.
 *
 * Agrees with CommonMark on what is an image and where its destination is (nested
 * brackets, balanced parentheses, `<…>` destinations, titles, reference definitions with
 * case-insensitive labels where the first definition wins). Nothing is reported from
 * fenced or indented code, code spans, HTML comments, Obsidian `%%comments%%`, `$math$`
 * and `$$math$$`, YAML front matter, or after a backslash-escaped `!`. An image inside
 * another image's alt text is not reported: it is rendered as text.
 */
export function scanEmbeds(text: string): Embed[] {
  const blocks = scanBlocks(text);
  const embeds: Embed[] = [];
  const collect = (src: SourceText, hits: InlineHit[]): void => {
    for (const hit of hits) {
      const e = toEmbed(text, src, hit);
      if (e) embeds.push(e);
    }
  };
  for (const src of blocks.inlines) collect(src, scanInline(src.text, blocks.definitions));
  for (const src of blocks.htmlBlocks) collect(src, scanHtmlImages(src.text));
  return embeds.sort((a, b) => a.start - b.start);
}

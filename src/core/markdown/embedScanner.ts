/**
 * Finds every embed in a note: markdown and reference-style images, Obsidian
 * `![[wiki embeds]]` and HTML `<img>` tags, with exact offsets so a caller can rewrite
 * just those spans. Nothing is filtered by file type or location; `isRemote`,
 * {@link isImagePath} and {@link isLocalImageEmbed} let callers decide.
 */
import { frontMatterEmbeds, htmlEmbeds, pathTarget, tagEmbed } from "./blogEmbeds";
import { span } from "./destinations";
import type { Embed, EmbedSize } from "./embed";
import { frontMatterBlock } from "./frontMatter";
import type { LinkDefinition } from "./linkDefinitions";
import { scanBlocks } from "./markdownBlocks";
import { scanHtmlImages, scanInline, type InlineHit } from "./markdownInline";
import { looksRemote, unescapeMarkdown } from "./markdownSyntax";
import { scanSettings, type ScanOptions, type ScanSettings } from "./scanOptions";
import type { SourceText } from "./sourceText";
import { hasImageExtension } from "../imageExtensions";

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

function linkEmbed(
  text: string,
  pos: { start: number; end: number },
  kind: "markdown" | "reference",
  alt: string,
  rawDest: string,
  rawTitle: string | undefined,
  settings: ScanSettings,
  definition?: LinkDefinition,
): Embed {
  const e: Embed = { kind, ...pos, raw: text.slice(pos.start, pos.end), alt, ...pathTarget(unescapeMarkdown(rawDest), settings) };
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

function toEmbeds(text: string, src: SourceText, hit: InlineHit, settings: ScanSettings): Embed[] {
  const pos = span(src, hit.start, hit.end);
  switch (hit.kind) {
    case "markdown": {
      const e = linkEmbed(text, pos, "markdown", src.text.slice(hit.altStart, hit.altEnd), hit.rawDest, hit.rawTitle, settings);
      return [{ ...e, path: span(src, hit.destStart, hit.destEnd) }];
    }
    case "reference": {
      const d = hit.definition;
      const e = linkEmbed(text, pos, "reference", src.text.slice(hit.altStart, hit.altEnd), d.rawDest, d.rawTitle, settings, d);
      return [{ ...e, path: span(src, hit.altEnd, hit.end) }];
    }
    case "wiki":
      return [wikiEmbed(text, pos, hit.inner)];
    case "html":
      return htmlEmbeds(text, src, hit.start, hit.end, settings);
    case "tag":
      return [tagEmbed(text, src, hit.tag, settings)];
  }
}

/**
 * Lists the embeds of a note in document order.
 *
 * Agrees with CommonMark on what is an image and where its destination is (nested
 * brackets, balanced parentheses, `<…>` destinations, titles, reference definitions with
 * case-insensitive labels where the first definition wins). Nothing is reported from
 * fenced or indented code, code spans, HTML comments, Obsidian `%%comments%%`, `$math$`
 * and `$$math$$`, YAML front matter (unless its image fields are read), or after a
 * backslash-escaped `!`. An image inside another image's alt text is not reported: it is
 * rendered as text. `options.forms` says which forms are read (default: Obsidian's).
 */
export function scanEmbeds(text: string, options?: ScanOptions): Embed[] {
  const settings = scanSettings(options);
  const fm = settings.forms.has("front-matter") ? frontMatterBlock(text) : null;
  // Obsidian knows only YAML front matter; TOML front matter is skipped where blogs are read.
  const blocks = scanBlocks(text, fm?.language === "toml" ? fm.end : 0);
  const embeds: Embed[] = fm ? frontMatterEmbeds(text, settings) : [];
  const collect = (src: SourceText, hits: InlineHit[]): void => {
    for (const hit of hits) for (const e of toEmbeds(text, src, hit, settings)) if (settings.forms.has(e.kind)) embeds.push(e);
  };
  for (const src of blocks.inlines) collect(src, scanInline(src.text, blocks.definitions, settings.forms));
  for (const src of blocks.htmlBlocks) collect(src, scanHtmlImages(src.text));
  return embeds.sort((a, b) => a.start - b.start);
}

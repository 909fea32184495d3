/**
 * Finds images in one run of inline markdown (a paragraph or heading).
 *
 * Brackets are matched the way CommonMark does it: a stack of `[` and `![` openers,
 * resolved at each `]` against an inline destination or a reference definition, with
 * code spans, autolinks and raw HTML binding tighter than links because the text is read
 * left to right. Obsidian additions are read at the same time: `![[wiki embeds]]`,
 * `[[wiki links]]`, `%%comments%%` and `$math$`, none of which may contain an image.
 */
import { Closers } from "./inlineClosers";
import { liquidFilterAt, liquidPrefixLength } from "./liquid";
import type { LinkDefinition } from "./linkDefinitions";
import {
  autolinkLength,
  isAsciiPunct,
  linkLabelLength,
  normalizeLabel,
  parseLinkDestination,
  parseLinkTitle,
  parseOpenTag,
  rawHtmlLength,
  skipSpaceNewline,
} from "./markdownSyntax";
import type { EmbedForm } from "./scanOptions";
import { hexoTagAt, hugoFigureAt, type TemplateTag } from "./templateTags";
import { hasImageExtension } from "../imageExtensions";

/** Positions below are indices into the scanned text. */
export type InlineHit =
  | {
      kind: "markdown";
      start: number;
      end: number;
      altStart: number;
      altEnd: number;
      /** The destination as written, `<>` included. */
      destStart: number;
      destEnd: number;
      rawDest: string;
      rawTitle?: string;
    }
  | { kind: "reference"; start: number; end: number; altStart: number; altEnd: number; definition: LinkDefinition }
  | { kind: "wiki"; start: number; end: number; inner: string }
  | { kind: "html"; start: number; end: number }
  | { kind: "tag"; start: number; end: number; tag: TemplateTag };

interface Opener {
  /** Index of the `[`. */
  bracket: number;
  image: boolean;
  /** Another bracket follows inside, so the text cannot be a reference label. */
  bracketAfter: boolean;
}

/** The `[` and `![` not yet closed, innermost last. */
interface Openers {
  list: Opener[];
  /**
   * Links cannot contain links: once one is made, every `[` opened before it can no longer
   * make one. Those are always the bottom of the stack, so a count of them replaces a walk
   * down the whole stack at every link.
   */
  spent: number;
}

/**
 * Scans inline text for images. Images nested in another image's alt text are not rendered,
 * so they are dropped. `forms` decides whether wiki embeds, template tags and Liquid
 * destinations are read; without them their characters are plain text.
 */
export function scanInline(s: string, definitions: Map<string, LinkDefinition>, forms: ReadonlySet<EmbedForm>): InlineHit[] {
  const hits: InlineHit[] = [];
  const openers: Openers = { list: [], spent: 0 };
  const closers = new Closers(s);
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    switch (c) {
      case "{": {
        const tag = templateTagAt(s, i, forms);
        if (tag) hits.push({ kind: "tag", start: tag.start, end: tag.end, tag });
        i = tag ? tag.end : i + 1;
        break;
      }
      case "\\":
        i += isAsciiPunct(s.charAt(i + 1)) ? 2 : 1;
        break;
      case "`": {
        let runEnd = i;
        while (s.charAt(runEnd) === "`") runEnd += 1;
        const end = closers.codeSpanEnd(runEnd, runEnd - i);
        // An unmatched run is literal as a whole: its backticks cannot open a shorter span.
        i = end >= 0 ? end : runEnd;
        break;
      }
      case "<": {
        const auto = autolinkLength(s, i);
        if (auto > 0) {
          i += auto;
          break;
        }
        const html = closers.htmlMayClose(i) ? rawHtmlLength(s, i) : 0;
        if (html > 0) {
          const tag = parseOpenTag(s.slice(i, i + html));
          if (tag?.name === "img" || tag?.name === "source") hits.push({ kind: "html", start: i, end: i + html });
          i += html;
        } else {
          i += 1;
        }
        break;
      }
      case "$": {
        const end = closers.mathEnd(i);
        i = end >= 0 ? end : i + (s.charAt(i + 1) === "$" ? 2 : 1);
        break;
      }
      case "%":
        if (s.charAt(i + 1) === "%") {
          // An unclosed comment hides the rest of the paragraph.
          const close = s.indexOf("%%", i + 2);
          i = close < 0 ? s.length : close + 2;
        } else {
          i += 1;
        }
        break;
      case "!":
        if (forms.has("wiki") && s.startsWith("![[", i)) {
          const end = closers.wikiEnd(i + 1);
          if (end >= 0) {
            hits.push({ kind: "wiki", start: i, end, inner: s.slice(i + 3, end - 2) });
            i = end;
            break;
          }
        }
        if (s.charAt(i + 1) === "[") {
          pushOpener(openers, i + 1, true);
          i += 2;
        } else {
          i += 1;
        }
        break;
      case "[": {
        const end = forms.has("wiki") && s.charAt(i + 1) === "[" ? closers.wikiEnd(i) : -1;
        if (end >= 0) {
          i = end;
        } else {
          pushOpener(openers, i, false);
          i += 1;
        }
        break;
      }
      case "]":
        i = closeBracket(s, i, openers, hits, definitions, forms.has("liquid"));
        break;
      default:
        i += 1;
    }
  }
  return hits;
}

function pushOpener(openers: Openers, bracket: number, image: boolean): void {
  const top = openers.list[openers.list.length - 1];
  if (top) top.bracketAfter = true;
  openers.list.push({ bracket, image, bracketAfter: false });
}

function popOpener(openers: Openers): void {
  openers.list.pop();
  openers.spent = Math.min(openers.spent, openers.list.length);
}

/** A template tag at `i` of a form that is read, or null. */
function templateTagAt(s: string, i: number, forms: ReadonlySet<EmbedForm>): TemplateTag | null {
  const next = s.charAt(i + 1);
  let tag: TemplateTag | null = null;
  if (next === "%" && (forms.has("hexo-asset") || forms.has("hexo-img"))) tag = hexoTagAt(s, i, hasImageExtension);
  else if (next === "{" && forms.has("hugo-figure")) tag = hugoFigureAt(s, i);
  return tag && forms.has(tag.kind) ? tag : null;
}

/**
 * A destination at `i` written through Liquid (`{{ site.baseurl }}/x.png`,
 * `{{ "/x.png" | relative_url }}`). Jekyll renders Liquid before markdown, so the spaces
 * inside the braces do not end the destination.
 */
function liquidDestination(s: string, i: number): { raw: string; end: number } | null {
  const filter = liquidFilterAt(s, i);
  if (filter) return { raw: s.slice(i, i + filter.length), end: i + filter.length };
  const prefix = liquidPrefixLength(s, i);
  if (prefix === 0 || s.charAt(i + prefix) !== "/") return null;
  const rest = parseLinkDestination(s, i + prefix);
  return rest ? { raw: s.slice(i, rest.end), end: rest.end } : null;
}

/** Inline link tail `(dest "title")` starting at the `(` at `i`. */
function inlineTail(s: string, i: number, liquid: boolean): { end: number; destStart: number; destEnd: number; rawDest: string; rawTitle?: string } | null {
  const destStart = skipSpaceNewline(s, i + 1);
  const dest = (liquid ? liquidDestination(s, destStart) : null) ?? parseLinkDestination(s, destStart);
  if (!dest) return null;
  let j = skipSpaceNewline(s, dest.end);
  let rawTitle: string | undefined;
  // A title must be separated from the destination by whitespace.
  if (j > dest.end) {
    const title = parseLinkTitle(s, j);
    if (title) {
      rawTitle = title.raw;
      j = skipSpaceNewline(s, title.end);
    }
  }
  if (s.charAt(j) !== ")") return null;
  return { end: j + 1, destStart, destEnd: dest.end, rawDest: dest.raw, rawTitle };
}

/** Resolves the `]` at `i`; returns where scanning continues. */
function closeBracket(s: string, i: number, openers: Openers, hits: InlineHit[], definitions: Map<string, LinkDefinition>, liquid: boolean): number {
  const opener = openers.list[openers.list.length - 1];
  if (!opener) return i + 1;
  if (!opener.image && openers.list.length <= openers.spent) {
    popOpener(openers);
    return i + 1;
  }
  let end = -1;
  let hit: InlineHit | null = null;
  const start = opener.image ? opener.bracket - 1 : opener.bracket;
  if (s.charAt(i + 1) === "(") {
    const tail = inlineTail(s, i + 1, liquid);
    if (tail) {
      end = tail.end;
      const { destStart, destEnd, rawDest, rawTitle } = tail;
      hit = { kind: "markdown", start, end, altStart: opener.bracket + 1, altEnd: i, destStart, destEnd, rawDest, rawTitle };
    }
  }
  if (end < 0) {
    const n = linkLabelLength(s, i + 1);
    let label: string | null = null;
    let labelEnd = i + 1;
    if (n > 2) {
      label = s.slice(i + 1, i + 1 + n);
      labelEnd = i + 1 + n;
    } else if (!opener.bracketAfter) {
      // `[]` or nothing: the link text itself is the label.
      label = s.slice(opener.bracket, i + 1);
      if (n === 2) labelEnd = i + 3;
    }
    const definition = label === null ? undefined : definitions.get(normalizeLabel(label));
    if (definition) {
      end = labelEnd;
      hit = { kind: "reference", start, end, altStart: opener.bracket + 1, altEnd: i, definition };
    }
  }
  popOpener(openers);
  if (!hit) return i + 1;
  if (opener.image) {
    // Whatever was found inside the alt text becomes plain alt text when rendered.
    while (hits.length > 0 && hits[hits.length - 1].start > start) hits.pop();
    hits.push(hit);
  } else {
    openers.spent = openers.list.length;
  }
  return end;
}

/** Finds `<img>` and `<source>` tags in raw HTML, skipping comments. */
export function scanHtmlImages(s: string): InlineHit[] {
  const hits: InlineHit[] = [];
  let i = s.indexOf("<");
  while (i >= 0) {
    let next = i + 1;
    if (s.startsWith("<!--", i)) {
      const close = s.indexOf("-->", i + 4);
      next = close < 0 ? s.length : close + 3;
    } else if (/^<(?:img|source)[ \t\r\n/>]/i.test(s.slice(i, i + 8))) {
      const len = rawHtmlLength(s, i);
      if (len > 0) {
        hits.push({ kind: "html", start: i, end: i + len });
        next = i + len;
      }
    }
    i = s.indexOf("<", next);
  }
  return hits;
}

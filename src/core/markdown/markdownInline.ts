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

/** Positions below are indices into the scanned text. */
export type InlineHit =
  | { kind: "markdown"; start: number; end: number; altStart: number; altEnd: number; rawDest: string; rawTitle?: string }
  | { kind: "reference"; start: number; end: number; altStart: number; altEnd: number; definition: LinkDefinition }
  | { kind: "wiki"; start: number; end: number; inner: string }
  | { kind: "html"; start: number; end: number };

interface Opener {
  /** Index of the `[`. */
  bracket: number;
  image: boolean;
  active: boolean;
  /** Another bracket follows inside, so the text cannot be a reference label. */
  bracketAfter: boolean;
}

/** For a backtick run at `i`: where the run ends, and where its code span ends (-1 if nothing closes it). */
function codeSpanEnd(s: string, i: number): { runEnd: number; end: number } {
  let runEnd = i;
  while (s.charAt(runEnd) === "`") runEnd += 1;
  const n = runEnd - i;
  let j = runEnd;
  while (j < s.length) {
    const k = s.indexOf("`", j);
    if (k < 0) break;
    let e = k;
    while (s.charAt(e) === "`") e += 1;
    if (e - k === n) return { runEnd, end: e };
    j = e;
  }
  return { runEnd, end: -1 };
}

/** Scans inline text for images. Images nested in another image's alt text are not rendered, so they are dropped. */
export function scanInline(s: string, definitions: Map<string, LinkDefinition>): InlineHit[] {
  const hits: InlineHit[] = [];
  const openers: Opener[] = [];
  const closers = new Closers(s);
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    switch (c) {
      case "\\":
        i += isAsciiPunct(s.charAt(i + 1)) ? 2 : 1;
        break;
      case "`": {
        const span = codeSpanEnd(s, i);
        // An unmatched run is literal as a whole: its backticks cannot open a shorter span.
        i = span.end >= 0 ? span.end : span.runEnd;
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
          if (tag?.name === "img") hits.push({ kind: "html", start: i, end: i + html });
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
        if (s.startsWith("![[", i)) {
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
        const end = s.charAt(i + 1) === "[" ? closers.wikiEnd(i) : -1;
        if (end >= 0) {
          i = end;
        } else {
          pushOpener(openers, i, false);
          i += 1;
        }
        break;
      }
      case "]":
        i = closeBracket(s, i, openers, hits, definitions);
        break;
      default:
        i += 1;
    }
  }
  return hits;
}

function pushOpener(openers: Opener[], bracket: number, image: boolean): void {
  const top = openers[openers.length - 1];
  if (top) top.bracketAfter = true;
  openers.push({ bracket, image, active: true, bracketAfter: false });
}

/** Inline link tail `(dest "title")` starting at the `(` at `i`. */
function inlineTail(s: string, i: number): { end: number; rawDest: string; rawTitle?: string } | null {
  const destStart = skipSpaceNewline(s, i + 1);
  const dest = parseLinkDestination(s, destStart);
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
  return { end: j + 1, rawDest: dest.raw, rawTitle };
}

/** Resolves the `]` at `i`; returns where scanning continues. */
function closeBracket(
  s: string,
  i: number,
  openers: Opener[],
  hits: InlineHit[],
  definitions: Map<string, LinkDefinition>,
): number {
  const opener = openers[openers.length - 1];
  if (!opener) return i + 1;
  if (!opener.active) {
    openers.pop();
    return i + 1;
  }
  let end = -1;
  let hit: InlineHit | null = null;
  const start = opener.image ? opener.bracket - 1 : opener.bracket;
  if (s.charAt(i + 1) === "(") {
    const tail = inlineTail(s, i + 1);
    if (tail) {
      end = tail.end;
      hit = { kind: "markdown", start, end, altStart: opener.bracket + 1, altEnd: i, rawDest: tail.rawDest, rawTitle: tail.rawTitle };
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
  openers.pop();
  if (!hit) return i + 1;
  if (opener.image) {
    // Whatever was found inside the alt text becomes plain alt text when rendered.
    while (hits.length > 0 && hits[hits.length - 1].start > start) hits.pop();
    hits.push(hit);
  } else {
    // Links cannot contain links: earlier `[` openers can no longer form one.
    for (const o of openers) if (!o.image) o.active = false;
  }
  return end;
}

/** Finds `<img>` tags in raw HTML, skipping comments. */
export function scanHtmlImages(s: string): InlineHit[] {
  const hits: InlineHit[] = [];
  let i = s.indexOf("<");
  while (i >= 0) {
    let next = i + 1;
    if (s.startsWith("<!--", i)) {
      const close = s.indexOf("-->", i + 4);
      next = close < 0 ? s.length : close + 3;
    } else if (/^<img[ \t\r\n/>]/i.test(s.slice(i, i + 5))) {
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

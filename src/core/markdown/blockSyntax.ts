/**
 * Recognisers for the start and end lines of markdown blocks. Each reads the rest of a
 * line (after container prefixes and indentation); the list and quote markers also move
 * the line cursor past themselves.
 */
import type { LineCursor } from "./lineCursor";
import { CLOSE_TAG, OPEN_TAG, isSpaceOrTab } from "./markdownSyntax";

/** Indentation, in columns, that turns a line into indented code. */
export const CODE_INDENT = 4;

/** A line whose first non-space character cannot start any block is plain paragraph text. */
export const MAYBE_SPECIAL = /^[#`~*+_=<>0-9$%-]/;

const HTML_BLOCK_OPEN: RegExp[] = [
  /^<(?:script|pre|textarea|style)(?:[ \t]|>|$)/i,
  /^<!--/,
  /^<[?]/,
  /^<![A-Za-z]/,
  /^<!\[CDATA\[/,
  /^<[/]?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[ \t]|[/]?>|$)/i,
  new RegExp(`^(?:${OPEN_TAG}|${CLOSE_TAG})[ \\t]*$`, "i"),
];
const HTML_BLOCK_CLOSE: RegExp[] = [/<\/(?:script|pre|textarea|style)>/i, /-->/, /\?>/, />/, /\]\]>/];

/** Front matter: `---` on the first line up to the next `---` line. Returns where the body starts, or 0. */
export function frontMatterEnd(text: string): number {
  const first = /^---[ \t]*(?:\r\n|\r|\n)/.exec(text);
  if (!first) return 0;
  const close = /(?:^|\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|$)/g;
  close.lastIndex = first[0].length - 1;
  const m = close.exec(text);
  return m ? m.index + m[0].length : 0;
}

/**
 * CommonMark's HTML block type (1–7) that `rest` opens, or 0. Type 7 (any lone tag)
 * cannot interrupt a paragraph.
 */
export function htmlBlockStart(rest: string, interruptsParagraph: boolean): number {
  if (!rest.startsWith("<")) return 0;
  for (let type = 1; type <= 7; type++) {
    if (HTML_BLOCK_OPEN[type - 1].test(rest) && (type < 7 || !interruptsParagraph)) return type;
  }
  return 0;
}

/** Whether `line` ends an HTML block of `type`; types 6 and 7 end at a blank line instead. */
export function htmlBlockEnds(type: number, line: string): boolean {
  return type <= 5 && HTML_BLOCK_CLOSE[type - 1].test(line);
}

/**
 * Whether the line from the cursor's next non-space character on is a thematic break
 * (`***`, `- - -`, `___`). Nested list markers (`- - - … x`) ask this once per level, so
 * the line's tail is measured once and only a line that may be a break is read through.
 */
export function isThematicBreak(cur: LineCursor): boolean {
  const ch = cur.line.charAt(cur.nextNonspace);
  if (ch !== "*" && ch !== "-" && ch !== "_") return false;
  if (cur.tailStart(ch) > cur.nextNonspace) return false;
  return /^(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})$/.test(cur.rest());
}

export function isSetextUnderline(rest: string): boolean {
  return /^(?:=+|-+)[ \t]*$/.test(rest);
}

/** Length of an ATX heading marker (`## `), or 0. */
export function atxMarkerLength(rest: string): number {
  return /^#{1,6}(?:[ \t]+|$)/.exec(rest)?.[0].length ?? 0;
}

/**
 * Length of an ATX heading's text without its optional closing sequence: a run of `#` at
 * the end of the line, with spaces or tabs before it (unless it is all there is) and after
 * it. Read from the end, once: a pattern tried at each space of a long run of spaces would
 * read the run once per space.
 */
export function headingTextLength(body: string): number {
  let end = body.length;
  while (end > 0 && isSpaceOrTab(body.charAt(end - 1))) end -= 1;
  let hashes = end;
  while (hashes > 0 && body.charAt(hashes - 1) === "#") hashes -= 1;
  if (hashes === end) return body.length;
  let spaces = hashes;
  while (spaces > 0 && isSpaceOrTab(body.charAt(spaces - 1))) spaces -= 1;
  if (spaces === 0) return 0;
  return spaces < hashes ? spaces : body.length;
}

/** The opening fence of a code block; a backtick fence's info string has no backticks. */
export function openingFence(rest: string): { char: string; length: number } | null {
  const char = rest.charAt(0);
  if (char !== "`" && char !== "~") return null;
  let length = 1;
  while (rest.charAt(length) === char) length += 1;
  if (length < 3) return null;
  // One look for a later backtick: a pattern that looked ahead after each length of the
  // run would read the line once per backtick of a long run.
  if (char === "`" && rest.includes("`", length)) return null;
  return { char, length };
}

/** Whether `rest` closes a fence of `char` at least `length` long. */
export function isClosingFence(rest: string, fence: { char: string; length: number }): boolean {
  const m = /^(`{3,}|~{3,})[ \t]*$/.exec(rest);
  return m !== null && m[1].charAt(0) === fence.char && m[1].length >= fence.length;
}

/** Moves past a block quote marker `>` and one optional space, if the line has one. */
export function takeQuoteMarker(cur: LineCursor): boolean {
  if (cur.indent >= CODE_INDENT || !cur.rest().startsWith(">")) return false;
  cur.advanceNextNonspace();
  cur.advance(1, false);
  if (isSpaceOrTab(cur.line.charAt(cur.offset))) cur.advance(1, true);
  return true;
}

/**
 * Moves past a list marker (`-`, `*`, `+`, `1.`, `1)`) and the spaces after it; returns
 * the column where the item's content starts, or null when the line opens no item.
 */
export function takeListMarker(cur: LineCursor, interruptsParagraph: boolean): number | null {
  const rest = cur.rest();
  let marker: RegExpExecArray | null = /^[*+-]/.exec(rest);
  if (!marker) {
    const ordered = /^(\d{1,9})[.)]/.exec(rest);
    // Only a list starting at 1 may interrupt a paragraph.
    if (ordered && (!interruptsParagraph || parseInt(ordered[1], 10) === 1)) marker = ordered;
  }
  if (!marker) return null;
  const after = rest.charAt(marker[0].length);
  if (after !== "" && !isSpaceOrTab(after)) return null;
  if (interruptsParagraph && rest.slice(marker[0].length).trim() === "") return null;

  const markerIndent = cur.indent;
  cur.advanceNextNonspace();
  cur.advance(marker[0].length, true);
  const spacesStartCol = cur.column;
  const spacesStartOffset = cur.offset;
  do {
    cur.advance(1, true);
  } while (cur.column - spacesStartCol < 5 && isSpaceOrTab(cur.line.charAt(cur.offset)));
  const spaces = cur.column - spacesStartCol;
  // Five or more spaces start indented code inside the item; content then sits one
  // column after the marker.
  if (spaces >= 5 || spaces < 1 || cur.offset >= cur.line.length) {
    cur.moveBack(spacesStartOffset, spacesStartCol);
    if (isSpaceOrTab(cur.line.charAt(cur.offset))) cur.advance(1, true);
    return markerIndent + marker[0].length + 1;
  }
  return markerIndent + marker[0].length + spaces;
}

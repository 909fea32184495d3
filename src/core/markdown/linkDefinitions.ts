/**
 * Link reference definitions (`[label]: destination "title"`). They sit at the start of
 * a paragraph, may span lines, and apply to the whole note, so the block pass collects
 * them before any inline text is read.
 */
import {
  isSpaceOrTab,
  linkLabelLength,
  normalizeLabel,
  parseLinkDestination,
  parseLinkTitle,
  skipSpaceNewline,
} from "./markdownSyntax";
import { assembleSourceText, type Piece, type SourceText } from "./sourceText";

/** A `[label]: destination "title"` definition. */
export interface LinkDefinition {
  /** Label as written, without brackets. */
  label: string;
  /** Destination as written (without `<>`), escapes not yet resolved. */
  rawDest: string;
  /** Title as written (without quotes), escapes not yet resolved. */
  rawTitle?: string;
  start: number;
  end: number;
}

function atLineEnd(s: string, i: number): boolean {
  let j = i;
  while (isSpaceOrTab(s.charAt(j))) j += 1;
  return j >= s.length || s.charAt(j) === "\n";
}

/** Parses one definition at the start of `src`; returns it and how many characters it used, or null. */
function parseDefinition(src: SourceText): { key: string; definition: LinkDefinition; used: number } | null {
  const s = src.text;
  const labelLen = linkLabelLength(s, 0);
  if (labelLen === 0 || s.charAt(labelLen) !== ":") return null;
  const rawLabel = s.slice(0, labelLen);
  // `[^1]: …` is a footnote in Obsidian, not a link definition.
  if (rawLabel.startsWith("[^")) return null;
  const dest = parseLinkDestination(s, skipSpaceNewline(s, labelLen + 1));
  if (!dest) return null;
  let end = dest.end;
  let rawTitle: string | undefined;
  const titleStart = skipSpaceNewline(s, dest.end);
  if (titleStart !== dest.end) {
    const title = parseLinkTitle(s, titleStart);
    // A title followed by more text on its line is not a title; the definition may still
    // end after the destination.
    if (title && atLineEnd(s, title.end)) {
      rawTitle = title.raw;
      end = title.end;
    }
  }
  if (rawTitle === undefined && !atLineEnd(s, dest.end)) return null;
  const key = normalizeLabel(rawLabel);
  if (key === "") return null;
  let used = end;
  while (isSpaceOrTab(s.charAt(used))) used += 1;
  if (s.charAt(used) === "\n") used += 1;
  const definition: LinkDefinition = {
    label: rawLabel.slice(1, -1),
    rawDest: dest.raw,
    rawTitle,
    start: src.offsets[0],
    end: src.offsets[end - 1] + 1,
  };
  return { key, definition, used };
}

/**
 * Reads the definitions at the start of a paragraph into `definitions` (keeping the
 * first of each label) and returns the paragraph lines that remain.
 */
export function consumeDefinitions(note: string, lines: Piece[], definitions: Map<string, LinkDefinition>): Piece[] {
  let rest = lines;
  while (rest.length > 0) {
    const src = assembleSourceText(note, rest);
    const parsed = parseDefinition(src);
    if (!parsed) break;
    if (!definitions.has(parsed.key)) definitions.set(parsed.key, parsed.definition);
    // A definition always ends at a line end, so whole lines are consumed.
    const consumed = src.text.slice(0, parsed.used);
    const consumedLines = (consumed.match(/\n/g)?.length ?? 0) + (consumed.endsWith("\n") ? 0 : 1);
    rest = rest.slice(consumedLines);
  }
  return rest;
}

/**
 * Link reference definitions (`[label]: destination "title"`). They sit at the start of
 * a paragraph, may span lines, and apply to the whole note, so the block pass collects
 * them before any inline text is read.
 */
import { isSpaceOrTab, linkLabelLength, normalizeLabel, parseLinkDestination, parseLinkTitle, skipSpaceNewline } from "./markdownSyntax";
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

/** Parses one definition starting at `at` in `src`; returns it and where it ends (after its line end), or null. */
function parseDefinition(src: SourceText, at: number): { key: string; definition: LinkDefinition; next: number } | null {
  const s = src.text;
  const labelLen = linkLabelLength(s, at);
  if (labelLen === 0 || s.charAt(at + labelLen) !== ":") return null;
  const rawLabel = s.slice(at, at + labelLen);
  // `[^1]: …` is a footnote in Obsidian, not a link definition.
  if (rawLabel.startsWith("[^")) return null;
  const dest = parseLinkDestination(s, skipSpaceNewline(s, at + labelLen + 1));
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
  let next = end;
  while (isSpaceOrTab(s.charAt(next))) next += 1;
  if (s.charAt(next) === "\n") next += 1;
  const definition: LinkDefinition = {
    label: rawLabel.slice(1, -1),
    rawDest: dest.raw,
    rawTitle,
    start: src.offsets[at],
    end: src.offsets[end - 1] + 1,
  };
  return { key, definition, next };
}

/**
 * Reads the definitions at the start of a paragraph into `definitions` (keeping the
 * first of each label) and returns the paragraph lines that remain.
 */
export function consumeDefinitions(note: string, lines: Piece[], definitions: Map<string, LinkDefinition>): Piece[] {
  if (lines.length === 0) return lines;
  // The paragraph is put together once and read from one definition to the next: a
  // paragraph of thousands of definitions is read once, not once per definition.
  const src = assembleSourceText(note, lines);
  let at = 0;
  let consumedLines = 0;
  while (at < src.text.length) {
    const parsed = parseDefinition(src, at);
    if (!parsed) break;
    if (!definitions.has(parsed.key)) definitions.set(parsed.key, parsed.definition);
    // A definition always ends at a line end, so whole lines are consumed.
    for (let i = at; i < parsed.next; i++) if (src.text.charAt(i) === "\n") consumedLines += 1;
    if (parsed.next >= src.text.length && src.text.charAt(parsed.next - 1) !== "\n") consumedLines += 1;
    at = parsed.next;
  }
  return consumedLines === 0 ? lines : lines.slice(consumedLines);
}

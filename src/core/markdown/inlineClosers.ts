/**
 * Closer lookups for the inline scanner. Searching forward from every opener would be
 * quadratic in a paragraph with many unclosed `$` (a table of prices), `[[` or backtick
 * runs; here the closers of a paragraph are found once and each lookup is a binary search.
 */
import { isWhitespace } from "./markdownSyntax";
import { firstAtLeast } from "./sortedSearch";

/** Sorted positions of every occurrence of `needle` in `s`, overlapping ones included. */
function occurrences(s: string, needle: string): number[] {
  const out: number[] = [];
  for (let at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) out.push(at);
  return out;
}

/** Starts of the runs of `ch` in `s`, by run length, each list ascending. */
function runsByLength(s: string, ch: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  for (let at = s.indexOf(ch); at >= 0;) {
    let end = at;
    while (s.charAt(end) === ch) end += 1;
    const list = runs.get(end - at);
    if (list) list.push(at);
    else runs.set(end - at, [at]);
    at = s.indexOf(ch, end);
  }
  return runs;
}

/** Where the closers of math, wiki links and HTML comments are in one paragraph. */
export class Closers {
  private readonly s: string;
  private readonly cache = new Map<string, number[]>();
  private backtickRuns: Map<number, number[]> | undefined;

  constructor(s: string) {
    this.s = s;
  }

  private positions(key: string, find: () => number[]): number[] {
    let list = this.cache.get(key);
    if (!list) {
      list = find();
      this.cache.set(key, list);
    }
    return list;
  }

  /**
   * End of inline math starting at `i`, or -1. `$$…$$` runs to the next `$$`; a single
   * `$…$` follows Obsidian/Pandoc: no space just inside either dollar, and the closing
   * dollar is not followed by a digit, so prices like `$5 and $6` stay text.
   */
  mathEnd(i: number): number {
    const s = this.s;
    if (s.charAt(i + 1) === "$") {
      const close = firstAtLeast(
        this.positions("$$", () => occurrences(s, "$$")),
        i + 2,
      );
      return close < 0 ? -1 : close + 2;
    }
    const first = s.charAt(i + 1);
    if (first === "" || isWhitespace(first)) return -1;
    const close = firstAtLeast(
      this.positions("$", () => this.singleDollarClosers()),
      i + 2,
    );
    return close < 0 ? -1 : close + 1;
  }

  /** Unescaped `$` signs that may close math: not after whitespace, not before a digit. */
  private singleDollarClosers(): number[] {
    const s = this.s;
    const out: number[] = [];
    for (let j = 0; j < s.length; j++) {
      const c = s.charAt(j);
      if (c === "\\") j += 1;
      else if (c === "$" && !isWhitespace(s.charAt(j - 1)) && !/[0-9]/.test(s.charAt(j + 1))) out.push(j);
    }
    return out;
  }

  /**
   * End of the code span whose opening run of `length` backticks ends at `runEnd`, or -1:
   * the next run of exactly as many backticks closes it.
   */
  codeSpanEnd(runEnd: number, length: number): number {
    this.backtickRuns ??= runsByLength(this.s, "`");
    const close = firstAtLeast(this.backtickRuns.get(length) ?? [], runEnd);
    return close < 0 ? -1 : close + length;
  }

  /** End of a wiki link or embed whose `[[` starts at `i`: the first `]]` on the same line. */
  wikiEnd(i: number): number {
    const close = firstAtLeast(
      this.positions("]]", () => occurrences(this.s, "]]")),
      i + 2,
    );
    if (close < 0) return -1;
    const lineEnd = firstAtLeast(
      this.positions("eol", () => occurrences(this.s, "\n")),
      i,
    );
    if (lineEnd >= 0 && lineEnd < close) return -1;
    if (this.s.slice(i + 2, close).trim() === "") return -1;
    return close + 2;
  }

  /** False when the comment, instruction or declaration opening at `i` has no closer after it. */
  htmlMayClose(i: number): boolean {
    const s = this.s;
    let closer = "";
    if (s.startsWith("<!--", i)) closer = "-->";
    else if (s.startsWith("<?", i)) closer = "?>";
    else if (s.startsWith("<![CDATA[", i)) closer = "]]>";
    else if (s.startsWith("<!", i)) closer = ">";
    if (closer === "") return true;
    const last = this.positions(`last ${closer}`, () => [s.lastIndexOf(closer)])[0];
    // `<!-->` and `<!--->` close themselves.
    return last > i || /^<!---?>/.test(s.slice(i, i + 5));
  }
}

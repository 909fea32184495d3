/**
 * Closer lookups for the inline scanner. Searching forward from every opener would be
 * quadratic in a paragraph with many unclosed `$` (a table of prices) or `[[`; here the
 * closers of a paragraph are found once and each lookup is a binary search.
 */
import { isWhitespace } from "./markdownSyntax";

/** Sorted positions of every occurrence of `needle` in `s`, overlapping ones included. */
function occurrences(s: string, needle: string): number[] {
  const out: number[] = [];
  for (let at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) out.push(at);
  return out;
}

/** The first of the sorted `positions` that is at least `min`, or -1. */
function firstFrom(positions: number[], min: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] < min) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length ? positions[lo] : -1;
}

/** Where the closers of math, wiki links and HTML comments are in one paragraph. */
export class Closers {
  private readonly s: string;
  private readonly cache = new Map<string, number[]>();

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
      const close = firstFrom(this.positions("$$", () => occurrences(s, "$$")), i + 2);
      return close < 0 ? -1 : close + 2;
    }
    const first = s.charAt(i + 1);
    if (first === "" || isWhitespace(first)) return -1;
    const close = firstFrom(this.positions("$", () => this.singleDollarClosers()), i + 2);
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

  /** End of a wiki link or embed whose `[[` starts at `i`: the first `]]` on the same line. */
  wikiEnd(i: number): number {
    const close = firstFrom(this.positions("]]", () => occurrences(this.s, "]]")), i + 2);
    if (close < 0) return -1;
    const lineEnd = firstFrom(this.positions("eol", () => occurrences(this.s, "\n")), i);
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

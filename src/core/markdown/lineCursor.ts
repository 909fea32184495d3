/**
 * A reading position in one line of a note, in characters and in columns. Markdown
 * measures indentation in columns with tab stops every 4, and a container prefix may use
 * up only part of a tab, so both counts are needed, as in CommonMark's reference parser.
 *
 * A line is read once for every container it continues or opens, and a note can nest
 * thousands of them on one line. So nothing here reads the line again from the cursor on:
 * the indentation ahead is measured once and kept until the cursor passes it, and the
 * line's tail is measured once per line.
 */
export class LineCursor {
  /** The line without its line ending. */
  line = "";
  /** Note offset of the line's first character. */
  start = 0;
  offset = 0;
  column = 0;
  /** Offset and column of the next character that is not a space or tab. */
  nextNonspace = 0;
  nextNonspaceColumn = 0;
  /** Columns between the cursor and `nextNonspace`. */
  indent = 0;
  /** Nothing but spaces and tabs from the cursor to the line end. */
  blank = false;
  /** The cursor sits inside a tab: some of its columns are used, the rest are not. */
  partialTab = false;

  /** Where the line's trailing run of each character (with spaces and tabs) starts. */
  private readonly tails = new Map<string, number>();

  /** Starts reading `line`, which begins at note offset `start`. */
  reset(line: string, start: number): void {
    this.line = line;
    this.start = start;
    this.offset = 0;
    this.column = 0;
    this.partialTab = false;
    this.nextNonspace = -1;
    this.tails.clear();
  }

  /** Measures the indentation ahead of the cursor without moving it. */
  findNextNonspace(): void {
    // Still ahead of the cursor: only spaces and tabs lie between, and columns count from
    // the line start, so the measure still holds.
    if (this.nextNonspace >= this.offset) {
      this.indent = this.nextNonspaceColumn - this.column;
      return;
    }
    let i = this.offset;
    let cols = this.column;
    while (i < this.line.length) {
      const c = this.line.charAt(i);
      if (c === " ") cols += 1;
      else if (c === "\t") cols += 4 - (cols % 4);
      else break;
      i += 1;
    }
    this.blank = i >= this.line.length;
    this.nextNonspace = i;
    this.nextNonspaceColumn = cols;
    this.indent = cols - this.column;
  }

  /** Puts the cursor back to an earlier place in the line, outside any tab. */
  moveBack(offset: number, column: number): void {
    this.offset = offset;
    this.column = column;
    this.partialTab = false;
    this.nextNonspace = -1;
  }

  /**
   * Where the run of `ch`, spaces and tabs that ends the line starts: the line from
   * `nextNonspace` on holds nothing else when this is at most `nextNonspace`.
   */
  tailStart(ch: string): number {
    let start = this.tails.get(ch);
    if (start === undefined) {
      start = this.line.length;
      while (start > 0) {
        const c = this.line.charAt(start - 1);
        if (c !== ch && c !== " " && c !== "\t") break;
        start -= 1;
      }
      this.tails.set(ch, start);
    }
    return start;
  }

  advanceNextNonspace(): void {
    this.offset = this.nextNonspace;
    this.column = this.nextNonspaceColumn;
    this.partialTab = false;
  }

  /** Moves by `count` characters, or by `count` columns when a tab may be split. */
  advance(count: number, columns: boolean): void {
    let n = count;
    while (n > 0 && this.offset < this.line.length) {
      if (this.line.charAt(this.offset) === "\t") {
        const toTab = 4 - (this.column % 4);
        if (columns) {
          this.partialTab = toTab > n;
          const step = Math.min(toTab, n);
          this.column += step;
          if (!this.partialTab) this.offset += 1;
          n -= step;
        } else {
          this.partialTab = false;
          this.column += toTab;
          this.offset += 1;
          n -= 1;
        }
      } else {
        this.partialTab = false;
        this.offset += 1;
        this.column += 1;
        n -= 1;
      }
    }
  }

  /** Moves past everything left on the line. */
  advanceToEnd(): void {
    this.advance(this.line.length - this.offset, false);
  }

  /** The line from its next non-space character on. */
  rest(): string {
    return this.line.slice(this.nextNonspace);
  }

  /** The line from the cursor on. */
  remainder(): string {
    return this.line.slice(this.offset);
  }
}

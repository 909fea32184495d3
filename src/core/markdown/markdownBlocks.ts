/**
 * Block structure of a note, just deep enough to know where inline markdown lives.
 *
 * Follows CommonMark's block algorithm (block quotes, list items, fenced and indented
 * code, HTML blocks, headings, paragraphs, link reference definitions) plus the Obsidian
 * blocks that hide markdown: YAML front matter, `$$` math and `%%` comments. Container
 * prefixes (`> `, list indentation) are stripped from each line, so a paragraph inside a
 * callout reads as plain text while every character keeps its offset in the note.
 */
import {
  CODE_INDENT,
  MAYBE_SPECIAL,
  atxMarkerLength,
  frontMatterEnd,
  headingTextLength,
  htmlBlockEnds,
  htmlBlockStart,
  isClosingFence,
  isSetextUnderline,
  isThematicBreak,
  openingFence,
  takeListMarker,
  takeQuoteMarker,
} from "./blockSyntax";
import { consumeDefinitions, type LinkDefinition } from "./linkDefinitions";
import { LineCursor } from "./lineCursor";
import { isSpaceOrTab } from "./markdownSyntax";
import { firstAtLeast } from "./sortedSearch";
import { assembleSourceText, type Piece, type SourceText } from "./sourceText";

/** Where a note's inline markdown and raw HTML live, and the link definitions it makes. */
export interface BlockScan {
  /** Paragraph and heading contents, in document order. */
  inlines: SourceText[];
  /** Contents of HTML blocks that can hold `<img>` elements. */
  htmlBlocks: SourceText[];
  /** Definitions by normalised label; the first definition of a label wins. */
  definitions: Map<string, LinkDefinition>;
}

type Node =
  | { kind: "document" }
  | { kind: "quote" }
  | { kind: "item"; contentIndent: number; hasChild: boolean }
  | { kind: "paragraph"; lines: Piece[] }
  | { kind: "fence"; char: string; length: number; indent: number }
  | { kind: "indented" }
  | { kind: "html"; type: number; lines: Piece[] }
  | { kind: "math" }
  | { kind: "comment" };

function isContainer(n: Node): boolean {
  return n.kind === "document" || n.kind === "quote" || n.kind === "item";
}

class BlockParser {
  private readonly text: string;
  private readonly stack: Node[] = [{ kind: "document" }];
  /**
   * Stack indices of the blocks a blank line may stop at: every block but a list item that
   * already holds one, which a blank line continues without reading anything. A blank line
   * in a list nested thousands deep jumps over those items instead of visiting each.
   */
  private readonly blankStops: number[] = [0];
  private readonly out: BlockScan = { inlines: [], htmlBlocks: [], definitions: new Map() };

  private readonly cur = new LineCursor();
  private lastMatched = 0;
  private allClosed = true;

  private readonly from: number;

  constructor(text: string, from: number) {
    this.text = text;
    this.from = from;
  }

  parse(): BlockScan {
    const lineEnd = /\r\n|\r|\n/g;
    let pos = Math.max(frontMatterEnd(this.text), this.from);
    while (pos < this.text.length) {
      lineEnd.lastIndex = pos;
      const m = lineEnd.exec(this.text);
      const end = m ? m.index : this.text.length;
      this.incorporate(pos, end);
      pos = m ? m.index + m[0].length : this.text.length;
    }
    while (this.stack.length > 1) this.closeTop();
    return this.out;
  }

  private get tip(): Node {
    return this.stack[this.stack.length - 1];
  }

  private incorporate(start: number, end: number): void {
    this.cur.reset(this.text.slice(start, end), start);

    let matched = 0;
    for (let i = 1; i < this.stack.length; i++) {
      this.cur.findNextNonspace();
      if (this.cur.blank) {
        const stop = firstAtLeast(this.blankStops, i);
        const next = stop < 0 ? this.stack.length : stop;
        if (next > i) {
          this.cur.advanceNextNonspace();
          matched = next - 1;
          i = next - 1;
          continue;
        }
      }
      const r = this.continues(this.stack[i], i);
      if (r === 2) return;
      if (r === 1) break;
      matched = i;
    }
    this.lastMatched = matched;
    this.allClosed = matched === this.stack.length - 1;
    let container = this.stack[matched];

    let leaf = !isContainer(container) && container.kind !== "paragraph";
    while (!leaf) {
      this.cur.findNextNonspace();
      if (this.cur.indent < CODE_INDENT && !MAYBE_SPECIAL.test(this.cur.rest())) {
        this.cur.advanceNextNonspace();
        break;
      }
      const r = this.startBlock(container);
      if (r === 0) {
        this.cur.advanceNextNonspace();
        break;
      }
      container = this.tip;
      if (r === 2) leaf = true;
    }

    if (!this.allClosed && !this.cur.blank && this.tip.kind === "paragraph") {
      this.addLine(this.tip);
      return;
    }
    this.closeUnmatched();
    const t = this.tip;
    if (t.kind === "paragraph" || t.kind === "html") {
      this.addLine(t);
      if (t.kind === "html" && htmlBlockEnds(t.type, this.cur.remainder())) {
        this.closeTop();
      }
    } else if (t.kind === "fence" || t.kind === "indented" || t.kind === "math" || t.kind === "comment") {
      // Code, math and comment text is never scanned.
    } else if (!this.cur.blank && this.cur.offset < this.cur.line.length) {
      this.cur.advanceNextNonspace();
      const p: Node = { kind: "paragraph", lines: [] };
      this.addChild(p);
      this.addLine(p);
    }
  }

  /** Whether block `n`, at `index` in the stack, goes on: 0 it does, 1 it does not, 2 the line is used up. */
  private continues(n: Node, index: number): 0 | 1 | 2 {
    switch (n.kind) {
      case "quote":
        return takeQuoteMarker(this.cur) ? 0 : 1;
      case "item":
        if (this.cur.blank) {
          if (!n.hasChild) return 1;
          this.cur.advanceNextNonspace();
          return 0;
        }
        if (this.cur.indent >= n.contentIndent) {
          this.cur.advance(n.contentIndent, true);
          return 0;
        }
        return 1;
      case "fence": {
        if (this.cur.indent < CODE_INDENT && isClosingFence(this.cur.rest(), n)) {
          this.closeFrom(index);
          return 2;
        }
        for (let i = n.indent; i > 0 && isSpaceOrTab(this.cur.line.charAt(this.cur.offset)); i--) this.cur.advance(1, true);
        return 0;
      }
      case "math":
      case "comment":
        if (this.cur.remainder().includes(n.kind === "math" ? "$$" : "%%")) {
          this.closeFrom(index);
          return 2;
        }
        return 0;
      case "indented":
        if (this.cur.indent >= CODE_INDENT) this.cur.advance(CODE_INDENT, true);
        else if (this.cur.blank) this.cur.advanceNextNonspace();
        else return 1;
        return 0;
      case "html":
        return this.cur.blank && n.type >= 6 ? 1 : 0;
      case "paragraph":
        return this.cur.blank ? 1 : 0;
      default:
        return 0;
    }
  }

  /** Tries each block start in CommonMark's order; 1 opened a container, 2 a leaf, 0 none. */
  private startBlock(container: Node): 0 | 1 | 2 {
    const rest = this.cur.rest();
    const indented = this.cur.indent >= CODE_INDENT;
    if (!indented) {
      if (takeQuoteMarker(this.cur)) {
        this.closeUnmatched();
        this.addChild({ kind: "quote" });
        return 1;
      }
      const atx = atxMarkerLength(rest);
      if (atx > 0) {
        this.cur.advanceNextNonspace();
        this.cur.advance(atx, false);
        this.closeUnmatched();
        this.addHeading();
        return 2;
      }
      const fence = openingFence(rest);
      if (fence) {
        this.closeUnmatched();
        this.addChild({ kind: "fence", ...fence, indent: this.cur.indent });
        return 2;
      }
      // Obsidian math and comment blocks: open only when not closed on the same line,
      // otherwise they are inline spans inside a paragraph.
      for (const [marker, kind] of [
        ["$$", "math"],
        ["%%", "comment"],
      ] as const) {
        if (rest.startsWith(marker) && !rest.includes(marker, 2)) {
          this.closeUnmatched();
          this.addChild({ kind });
          return 2;
        }
      }
      const lazy = !this.allClosed && !this.cur.blank && this.tip.kind === "paragraph";
      const htmlType = htmlBlockStart(rest, container.kind === "paragraph" || lazy);
      if (htmlType > 0) {
        this.closeUnmatched();
        this.addChild({ kind: "html", type: htmlType, lines: [] });
        return 2;
      }
      if (container.kind === "paragraph" && isSetextUnderline(rest)) {
        this.closeUnmatched();
        if (this.resolveDefinitions(container)) {
          this.emitInline(container.lines);
          this.pop();
          this.cur.advanceToEnd();
          return 2;
        }
      }
      if (isThematicBreak(this.cur)) {
        this.closeUnmatched();
        this.closeLeaves();
        this.markChild();
        this.cur.advanceToEnd();
        return 2;
      }
    }
    if (!indented) {
      const contentIndent = takeListMarker(this.cur, container.kind === "paragraph");
      if (contentIndent !== null) {
        this.closeUnmatched();
        this.addChild({ kind: "item", contentIndent, hasChild: false });
        return 1;
      }
    }
    if (indented && this.tip.kind !== "paragraph" && !this.cur.blank) {
      this.cur.advance(CODE_INDENT, true);
      this.closeUnmatched();
      this.addChild({ kind: "indented" });
      return 2;
    }
    return 0;
  }

  private addHeading(): void {
    const body = this.cur.remainder();
    const trimmed = body.slice(0, headingTextLength(body));
    const lead = trimmed.length - trimmed.trimStart().length;
    const start = this.cur.start + this.cur.offset + lead;
    const end = this.cur.start + this.cur.offset + trimmed.trimEnd().length;
    this.closeLeaves();
    this.markChild();
    if (end > start) this.emitInline([{ start, end }]);
    this.cur.advanceToEnd();
  }

  private addLine(n: Node): void {
    if (n.kind !== "paragraph" && n.kind !== "html") return;
    let from = this.cur.offset + (this.cur.partialTab ? 1 : 0);
    if (n.kind === "paragraph") {
      while (from < this.cur.line.length && isSpaceOrTab(this.cur.line.charAt(from))) from += 1;
    }
    n.lines.push({ start: this.cur.start + from, end: this.cur.start + this.cur.line.length });
  }

  private markChild(): void {
    const parent = this.tip;
    if (parent.kind !== "item" || parent.hasChild) return;
    parent.hasChild = true;
    if (this.blankStops[this.blankStops.length - 1] === this.stack.length - 1) this.blankStops.pop();
  }

  private closeLeaves(): void {
    while (!isContainer(this.tip)) this.closeTop();
  }

  private addChild(n: Node): void {
    this.closeLeaves();
    this.markChild();
    this.stack.push(n);
    this.blankStops.push(this.stack.length - 1);
  }

  private closeUnmatched(): void {
    if (this.allClosed) return;
    this.closeFrom(this.lastMatched + 1);
    this.allClosed = true;
  }

  private closeFrom(index: number): void {
    while (this.stack.length > index) this.closeTop();
  }

  private pop(): Node | undefined {
    const n = this.stack.pop();
    if (this.blankStops[this.blankStops.length - 1] === this.stack.length) this.blankStops.pop();
    return n;
  }

  private closeTop(): void {
    const n = this.pop();
    if (!n) return;
    if (n.kind === "paragraph") {
      if (this.resolveDefinitions(n)) this.emitInline(n.lines);
    } else if (n.kind === "html" && (n.type === 6 || n.type === 7 || (n.type === 1 && this.isPre(n)))) {
      this.out.htmlBlocks.push(assembleSourceText(this.text, n.lines));
    }
  }

  private isPre(n: { lines: Piece[] }): boolean {
    const first = n.lines[0];
    return first !== undefined && /^[ \t]*<pre/i.test(this.text.slice(first.start, first.end));
  }

  private emitInline(lines: Piece[]): void {
    if (lines.length > 0) this.out.inlines.push(assembleSourceText(this.text, lines));
  }

  /**
   * Consumes link reference definitions at the start of a paragraph, dropping their
   * lines. Returns false when nothing but definitions was left.
   */
  private resolveDefinitions(p: { lines: Piece[] }): boolean {
    p.lines = consumeDefinitions(this.text, p.lines, this.out.definitions);
    return p.lines.length > 0;
  }
}

/**
 * Splits a note into the places where inline markdown is read, plus its link definitions.
 * Reading starts after YAML front matter, or at `from` when that is later (TOML front matter).
 */
export function scanBlocks(text: string, from = 0): BlockScan {
  return new BlockParser(text, from).parse();
}

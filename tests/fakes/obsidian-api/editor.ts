/**
 * Obsidian's `Editor` over a string, with CodeMirror 6's semantics where plugins can see them:
 * zero-based lines and characters, positions clipped to the document, and the selection
 * mapped through every change (a cursor sitting where text is inserted stays before it;
 * `replaceSelection` leaves the cursor after the new text).
 */

export interface EditorPosition {
  line: number;
  ch: number;
}

export interface EditorRange {
  from: EditorPosition;
  to: EditorPosition;
}

export interface EditorSelection {
  anchor: EditorPosition;
  head: EditorPosition;
}

/** One change of an `EditorTransaction`, in the coordinates of the document before it. */
export interface EditorChange {
  from: EditorPosition;
  to?: EditorPosition;
  text: string;
}

export interface EditorTransaction {
  replaceSelection?: string;
  changes?: EditorChange[];
  selection?: EditorRange | { from: EditorPosition; to?: EditorPosition };
}

/** A change as an offset range and its replacement, for tests that watch edits. */
export interface EditorChangeRecord {
  from: number;
  to: number;
  text: string;
}

export class Editor {
  private text = "";
  private anchor = 0;
  private head = 0;
  /** Test helper, not in Obsidian's API: every change made through this editor, in order. */
  readonly changes: EditorChangeRecord[] = [];
  private listeners: ((editor: Editor) => void)[] = [];

  constructor(initial = "") {
    this.text = initial;
  }

  /** Test helper: called after every change, as Obsidian's `editor-change` event would be. */
  onChange(listener: (editor: Editor) => void): void {
    this.listeners.push(listener);
  }

  getDoc(): this {
    return this;
  }

  refresh(): void {}

  getValue(): string {
    return this.text;
  }

  setValue(content: string): void {
    this.apply(0, this.text.length, content);
  }

  getLine(line: number): string {
    return this.text.split("\n")[line] ?? "";
  }

  setLine(n: number, text: string): void {
    this.replaceRange(text, { line: n, ch: 0 }, { line: n, ch: this.getLine(n).length });
  }

  lineCount(): number {
    return this.text.split("\n").length;
  }

  lastLine(): number {
    return this.lineCount() - 1;
  }

  getSelection(): string {
    const [from, to] = this.ordered();
    return this.text.slice(from, to);
  }

  somethingSelected(): boolean {
    return this.anchor !== this.head;
  }

  getRange(from: EditorPosition, to: EditorPosition): string {
    const a = this.posToOffset(from);
    const b = this.posToOffset(to);
    return this.text.slice(Math.min(a, b), Math.max(a, b));
  }

  replaceSelection(replacement: string): void {
    const [from, to] = this.ordered();
    this.apply(from, to, replacement);
    this.anchor = this.head = from + replacement.length;
  }

  replaceRange(replacement: string, from: EditorPosition, to?: EditorPosition): void {
    const a = this.posToOffset(from);
    const b = to ? this.posToOffset(to) : a;
    this.apply(Math.min(a, b), Math.max(a, b), replacement);
  }

  /**
   * Several changes as one update: every position is read in the document as it was before
   * the transaction, as CodeMirror does; then the selection, if given, is set.
   */
  transaction(tx: EditorTransaction): void {
    const changes = (tx.changes ?? []).map((c) => ({
      from: this.posToOffset(c.from),
      to: this.posToOffset(c.to ?? c.from),
      text: c.text,
    }));
    // From the end backwards, so the offsets of the changes not yet applied stay valid.
    changes.sort((a, b) => b.from - a.from);
    for (const c of changes) this.apply(Math.min(c.from, c.to), Math.max(c.from, c.to), c.text);
    if (tx.replaceSelection !== undefined) this.replaceSelection(tx.replaceSelection);
    if (tx.selection) this.setSelection(tx.selection.from, tx.selection.to);
  }

  getCursor(side: "from" | "to" | "head" | "anchor" = "head"): EditorPosition {
    const [from, to] = this.ordered();
    const offset = side === "from" ? from : side === "to" ? to : side === "anchor" ? this.anchor : this.head;
    return this.offsetToPos(offset);
  }

  listSelections(): EditorSelection[] {
    return [{ anchor: this.offsetToPos(this.anchor), head: this.offsetToPos(this.head) }];
  }

  setCursor(pos: EditorPosition | number, ch?: number): void {
    const p = typeof pos === "number" ? { line: pos, ch: ch ?? 0 } : pos;
    this.anchor = this.head = this.posToOffset(p);
  }

  setSelection(anchor: EditorPosition, head?: EditorPosition): void {
    this.anchor = this.posToOffset(anchor);
    this.head = head ? this.posToOffset(head) : this.anchor;
  }

  focus(): void {}

  blur(): void {}

  hasFocus(): boolean {
    return true;
  }

  posToOffset(pos: EditorPosition): number {
    const lines = this.text.split("\n");
    const line = Math.max(0, Math.min(pos.line, lines.length - 1));
    let offset = 0;
    for (let i = 0; i < line; i++) offset += lines[i].length + 1;
    return offset + Math.max(0, Math.min(pos.ch, lines[line].length));
  }

  offsetToPos(offset: number): EditorPosition {
    const clipped = Math.max(0, Math.min(offset, this.text.length));
    const before = this.text.slice(0, clipped);
    const line = before.split("\n").length - 1;
    return { line, ch: clipped - (before.lastIndexOf("\n") + 1) };
  }

  private ordered(): [number, number] {
    return [Math.min(this.anchor, this.head), Math.max(this.anchor, this.head)];
  }

  private apply(from: number, to: number, insert: string): void {
    this.text = this.text.slice(0, from) + insert + this.text.slice(to);
    // CodeMirror's ChangeDesc.mapPos: a position at the end of a replaced range follows the
    // replacement; one at an insertion point stays before it unless it associates forward.
    const map = (p: number, assoc: -1 | 1): number => {
      if (p < from) return p;
      if (from === to && p === from) return assoc < 0 ? p : p + insert.length;
      if (p >= to) return p + insert.length - (to - from);
      return p === from || assoc < 0 ? from : from + insert.length;
    };
    if (this.anchor === this.head) {
      this.anchor = this.head = map(this.head, -1);
    } else if (this.anchor < this.head) {
      this.anchor = map(this.anchor, 1);
      this.head = map(this.head, -1);
    } else {
      this.head = map(this.head, 1);
      this.anchor = map(this.anchor, -1);
    }
    this.changes.push({ from, to, text: insert });
    for (const l of this.listeners) l(this);
  }
}

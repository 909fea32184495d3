/**
 * Obsidian's `Editor` (tests/fakes/BEHAVIOURS.md E1–E4) over a real CodeMirror 6 `EditorState`, as Obsidian's own editor is
 * ("A common interface that bridges the gap between CodeMirror 5 and CodeMirror 6",
 * obsidian.d.ts; the `@codemirror/state` and `@codemirror/view` that obsidian.d.ts imports are
 * peer dependencies of the `obsidian` package, at the versions installed here). What plugins can
 * see therefore comes from CodeMirror itself, not from a model of it:
 *
 * - zero-based lines and characters, positions clipped to the document;
 * - every edit is one CodeMirror transaction, and the selection is mapped through it the way
 *   CodeMirror maps it (a cursor where text is inserted stays before it; `replaceSelection`
 *   leaves the cursor after the new text);
 * - the undo history is CodeMirror's `history()` with its default settings, and `undo()` /
 *   `redo()` (obsidian.d.ts, since 0.11.11) run its `undo` / `redo` commands, which is what
 *   Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z do in the editor. Edits join one undo step as CodeMirror
 *   joins them (adjacent, less than 500 ms apart by `Date.now()`), so a test that needs two
 *   steps lets that much real time pass between them. Were Obsidian's grouping delay longer,
 *   it would join more, never less: separate steps are the case where undo can bring a
 *   placeholder back, so the default is the stricter one;
 * - extensions a plugin registers with `registerEditorExtension` are part of the state, so
 *   transaction filters, extenders and state fields run as in Obsidian, and after every
 *   transaction the `EditorView.updateListener`s are called, as `EditorView.update` calls them:
 *   after the view has taken the new state, so a listener may dispatch again.
 *
 * There is no DOM: the `view` an update listener receives has only `state` and `dispatch`, so
 * code that needs more of `EditorView` fails here rather than passing by accident.
 */
import { ChangeSet, Compartment, EditorSelection as CmSelection, EditorState, Transaction, type Extension, type TransactionSpec } from "@codemirror/state";
import { EditorView, ViewUpdate } from "@codemirror/view";
import { history, redo, undo } from "@codemirror/commands";

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

/** The part of `EditorView` this fake has: what an update listener may use to dispatch. */
export interface FakeEditorView {
  readonly state: EditorState;
  dispatch(...specs: TransactionSpec[]): void;
  dispatch(tr: Transaction): void;
}

/** `ViewUpdate` is built by the view itself; its constructor is not public, so call it as the view does. */
const makeUpdate = (ViewUpdate as unknown as { create(view: FakeEditorView, state: EditorState, trs: readonly Transaction[]): ViewUpdate }).create;

export class Editor {
  private cm: EditorState;
  private readonly registered = new Compartment();
  private extensions: Extension;
  /** Test helper, not in Obsidian's API: every change made in this editor, in order. */
  readonly changes: EditorChangeRecord[] = [];
  private listeners: ((editor: Editor) => void)[] = [];
  /** Test helper, not in Obsidian's API: the view update listeners dispatch through. */
  readonly view: FakeEditorView;

  constructor(initial = "", extensions: Extension = []) {
    this.extensions = extensions;
    this.cm = this.freshState(initial);
    // The view's `state` getter must read the editor's current state, not the view object's.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- see above
    const editor = this;
    this.view = {
      get state() {
        return editor.cm;
      },
      dispatch(...args: [Transaction] | TransactionSpec[]) {
        editor.dispatch(args[0] instanceof Transaction ? args[0] : editor.cm.update(...(args as TransactionSpec[])));
      },
    };
  }

  /** Test helper, not in Obsidian's API: the CodeMirror state the editor shows. */
  get state(): EditorState {
    return this.cm;
  }

  /** Test helper: called after every change, as Obsidian's `editor-change` event would be. */
  onChange(listener: (editor: Editor) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Test helper, not in Obsidian's API: puts `extensions` in place of the registered ones, as
   * `Workspace.updateOptions()` does for every open editor.
   */
  reconfigure(extensions: Extension): void {
    this.extensions = extensions;
    this.dispatch(this.cm.update({ effects: this.registered.reconfigure(extensions) }));
  }

  /**
   * Test helper, not in Obsidian's API: a new state holding `text`, with an empty history, as
   * a view gets when it loads a file (`setViewData(data, clear)`: "clear any editor states
   * like undo-redo history", obsidian.d.ts on `clear()`).
   */
  load(text: string): void {
    this.cm = this.freshState(text);
  }

  refresh(): void {}

  getValue(): string {
    return this.cm.doc.toString();
  }

  setValue(content: string): void {
    this.dispatch(this.cm.update({ changes: { from: 0, to: this.cm.doc.length, insert: content } }));
  }

  getLine(line: number): string {
    return line >= 0 && line < this.cm.doc.lines ? this.cm.doc.line(line + 1).text : "";
  }

  lineCount(): number {
    return this.cm.doc.lines;
  }

  lastLine(): number {
    return this.lineCount() - 1;
  }

  getSelection(): string {
    const { from, to } = this.cm.selection.main;
    return this.cm.sliceDoc(from, to);
  }

  somethingSelected(): boolean {
    return !this.cm.selection.main.empty;
  }

  getRange(from: EditorPosition, to: EditorPosition): string {
    const a = this.posToOffset(from);
    const b = this.posToOffset(to);
    return this.cm.sliceDoc(Math.min(a, b), Math.max(a, b));
  }

  replaceSelection(replacement: string): void {
    this.dispatch(this.cm.update(this.cm.replaceSelection(replacement)));
  }

  replaceRange(replacement: string, from: EditorPosition, to?: EditorPosition): void {
    const a = this.posToOffset(from);
    const b = to ? this.posToOffset(to) : a;
    this.dispatch(this.cm.update({ changes: { from: Math.min(a, b), to: Math.max(a, b), insert: replacement } }));
  }

  /**
   * Several changes as one transaction: every position is read in the document as it was
   * before the transaction, as CodeMirror does; then the selection, if given, is set.
   */
  transaction(tx: EditorTransaction): void {
    let changes = ChangeSet.of(
      (tx.changes ?? []).map((c) => {
        const a = this.posToOffset(c.from);
        const b = this.posToOffset(c.to ?? c.from);
        return { from: Math.min(a, b), to: Math.max(a, b), insert: c.text };
      }),
      this.cm.doc.length,
    );
    let selection = this.cm.selection.map(changes);
    if (tx.replaceSelection !== undefined) {
      const { from, to } = selection.main;
      changes = changes.compose(ChangeSet.of({ from, to, insert: tx.replaceSelection }, changes.newLength));
      selection = CmSelection.single(from + tx.replaceSelection.length);
    }
    if (tx.selection) {
      const doc = changes.apply(this.cm.doc);
      const at = (p: EditorPosition) => positionToOffset(doc.toString(), p);
      selection = CmSelection.single(at(tx.selection.from), at(tx.selection.to ?? tx.selection.from));
    }
    this.dispatch(this.cm.update({ changes, selection }));
  }

  getCursor(side: "from" | "to" | "head" | "anchor" = "head"): EditorPosition {
    const main = this.cm.selection.main;
    return this.offsetToPos(main[side]);
  }

  setCursor(pos: EditorPosition | number, ch?: number): void {
    const p = typeof pos === "number" ? { line: pos, ch: ch ?? 0 } : pos;
    this.dispatch(this.cm.update({ selection: { anchor: this.posToOffset(p) } }));
  }

  setSelection(anchor: EditorPosition, head?: EditorPosition): void {
    const a = this.posToOffset(anchor);
    this.dispatch(this.cm.update({ selection: { anchor: a, head: head ? this.posToOffset(head) : a } }));
  }

  /** CodeMirror's `undo` command, as the Undo key and Obsidian's `Editor.undo()` run it. */
  undo(): void {
    undo({ state: this.cm, dispatch: (tr) => this.dispatch(tr) });
  }

  /** CodeMirror's `redo` command, as the Redo key and Obsidian's `Editor.redo()` run it. */
  redo(): void {
    redo({ state: this.cm, dispatch: (tr) => this.dispatch(tr) });
  }

  posToOffset(pos: EditorPosition): number {
    return positionToOffset(this.getValue(), pos);
  }

  offsetToPos(offset: number): EditorPosition {
    const clipped = Math.max(0, Math.min(offset, this.cm.doc.length));
    const line = this.cm.doc.lineAt(clipped);
    return { line: line.number - 1, ch: clipped - line.from };
  }

  private freshState(doc: string): EditorState {
    return EditorState.create({ doc, extensions: [history(), this.registered.of(this.extensions)] });
  }

  /** What `EditorView.dispatch` does with a transaction: take its state, then tell the listeners. */
  private dispatch(tr: Transaction): void {
    const update = makeUpdate(this.view, tr.state, [tr]);
    this.cm = tr.state;
    if (tr.docChanged) {
      tr.changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
        // In the coordinates of the document after the changes before this one.
        this.changes.push({ from: fromB, to: fromB + (toA - fromA), text: inserted.toString() });
      });
      for (const l of this.listeners) l(this);
    }
    for (const listener of this.cm.facet(EditorView.updateListener)) listener(update);
  }
}

/** An editor position as an offset into `text`, clipping line and character to it. */
function positionToOffset(text: string, pos: EditorPosition): number {
  const lines = text.split("\n");
  const line = Math.max(0, Math.min(pos.line, lines.length - 1));
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i].length + 1;
  return offset + Math.max(0, Math.min(pos.ch, lines[line].length));
}

/**
 * Apply: puts the finished link where its placeholder is now. The user keeps typing while an
 * image uploads, may switch notes or close the pane, so the placeholder is looked up again
 * at the moment of writing, never remembered as a position.
 */
import { MarkdownView } from "obsidian";
import type { Editor, MarkdownFileInfo, TFile, Vault, Workspace } from "obsidian";

/** Where a placeholder was found, or that it is gone. */
export type SiteState = "editor" | "note" | "gone";

/** Replaces the first `needle` in `text`; `$` in the replacement is taken literally. */
export function replaceOnce(text: string, needle: string, replacement: string): string {
  const i = text.indexOf(needle);
  return i < 0 ? text : text.slice(0, i) + replacement + text.slice(i + needle.length);
}

/** Replaces `needle` in an editor at its current offsets; false when the editor lacks it. */
export function replaceInEditor(editor: Editor, needle: string, replacement: string): boolean {
  const i = editor.getValue().indexOf(needle);
  if (i < 0) return false;
  editor.replaceRange(replacement, editor.offsetToPos(i), editor.offsetToPos(i + needle.length));
  return true;
}

/** The one placeholder an upload owns, in the note it was inserted into. */
export class PlaceholderSite {
  constructor(
    private readonly deps: { vault: Vault; workspace: Workspace },
    /** The editor and view (or embedded editor) that received the paste or drop. */
    private readonly origin: { editor: Editor; info: MarkdownView | MarkdownFileInfo },
    /** The note the placeholder went into; null for an editor without a file. */
    private readonly file: TFile | null,
    readonly placeholder: string,
  ) {}

  /**
   * The editors that show the note right now. While one does, its text is the truth: the
   * file on disk may lag behind it until Obsidian saves, so it must not be written to.
   */
  private editorsShowingNote(): Editor[] {
    const editors: Editor[] = [];
    if (this.origin.info.file === this.file) editors.push(this.origin.editor);
    if (this.file) {
      for (const leaf of this.deps.workspace.getLeavesOfType("markdown")) {
        const view = leaf.view;
        if (view instanceof MarkdownView && view.file === this.file && !editors.includes(view.editor)) {
          editors.push(view.editor);
        }
      }
    }
    return editors;
  }

  private noteOnDisk(): TFile | null {
    if (!this.file) return null;
    // A note that was deleted is not written back.
    return this.deps.vault.getFileByPath(this.file.path) === this.file ? this.file : null;
  }

  /** Whether the placeholder still stands anywhere, i.e. the user has not removed it. */
  async locate(): Promise<SiteState> {
    const editors = this.editorsShowingNote();
    if (editors.length > 0) {
      return editors.some((e) => e.getValue().includes(this.placeholder)) ? "editor" : "gone";
    }
    const note = this.noteOnDisk();
    if (!note) return "gone";
    return (await this.deps.vault.read(note)).includes(this.placeholder) ? "note" : "gone";
  }

  /**
   * Replaces the placeholder with `text`: in an open editor at its current offsets, or, when
   * no editor shows the note any more, in the note file with one atomic `vault.process`.
   * Inserts nothing when the placeholder is gone.
   */
  async replace(text: string): Promise<SiteState> {
    const editors = this.editorsShowingNote();
    if (editors.length > 0) {
      for (const editor of editors) if (replaceInEditor(editor, this.placeholder, text)) return "editor";
      return "gone";
    }
    const note = this.noteOnDisk();
    if (!note) return "gone";
    let found = false;
    await this.deps.vault.process(note, (data) => {
      found = data.includes(this.placeholder);
      return found ? replaceOnce(data, this.placeholder, text) : data;
    });
    return found ? "note" : "gone";
  }
}

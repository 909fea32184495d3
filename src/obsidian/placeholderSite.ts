/**
 * Apply: puts the finished links where their placeholders are now. The user keeps typing while
 * images upload, may switch notes or close the pane, so the placeholders are looked up again at
 * the moment of writing, never remembered as positions.
 */
import { MarkdownView } from "obsidian";
import type { Editor, MarkdownFileInfo, TFile, Vault, Workspace } from "obsidian";
import { applyTextChanges } from "../core/apply/textChanges";
import { placeholderChanges } from "./placeholder";

/** Where the placeholders were found: in an open editor, in the note file, or nowhere. */
export type SiteState = "editor" | "note" | "gone";

/** The placeholders one paste or drop put into a note. */
export class PlaceholderSite {
  constructor(
    private readonly deps: { vault: Vault; workspace: Workspace },
    /** The editor and view (or embedded editor) that received the paste or drop. */
    private readonly origin: { editor: Editor; info: MarkdownView | MarkdownFileInfo },
    /** The note the placeholders went into; null for an editor without a file. */
    private readonly file: TFile | null,
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

  /** Which of `placeholders` still stand, i.e. the user has not removed them. */
  async standing(placeholders: readonly string[]): Promise<Set<string>> {
    if (placeholders.length === 0) return new Set();
    const editors = this.editorsShowingNote();
    let texts: string[];
    if (editors.length > 0) {
      texts = editors.map((e) => e.getValue());
    } else {
      const note = this.noteOnDisk();
      texts = note ? [await this.deps.vault.read(note)] : [];
    }
    return new Set(placeholders.filter((p) => texts.some((t) => t.includes(p))));
  }

  /**
   * Replaces each placeholder of `results` with its text, all in one edit: in an open editor at
   * the placeholders' current offsets, or, when no editor shows the note any more, in the note
   * file with one atomic `vault.process`. Placeholders that are gone get nothing inserted.
   * Returns where the edit was made and the placeholders it replaced.
   */
  async replace(results: ReadonlyMap<string, string>): Promise<{ where: SiteState; replaced: Set<string> }> {
    const editors = this.editorsShowingNote();
    if (editors.length > 0) {
      for (const editor of editors) {
        const text = editor.getValue();
        const replaced = new Set([...results.keys()].filter((p) => text.includes(p)));
        if (replaced.size === 0) continue;
        const changes = placeholderChanges(text, results);
        editor.transaction({ changes: changes.map((c) => ({ from: editor.offsetToPos(c.from), to: editor.offsetToPos(c.to), text: c.insert })) });
        return { where: "editor", replaced };
      }
      return { where: "gone", replaced: new Set() };
    }
    const note = this.noteOnDisk();
    if (!note) return { where: "gone", replaced: new Set() };
    let replaced = new Set<string>();
    await this.deps.vault.process(note, (data) => {
      replaced = new Set([...results.keys()].filter((p) => data.includes(p)));
      return applyTextChanges(data, placeholderChanges(data, results));
    });
    return { where: replaced.size > 0 ? "note" : "gone", replaced };
  }
}

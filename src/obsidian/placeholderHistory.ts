/**
 * Undo and redo of pasted images.
 *
 * The editor's undo history holds the edit that put a placeholder into the note and the edit
 * that swapped it for the link, so undo and redo can bring a placeholder back after its
 * upload has ended, when nothing would ever replace it. This editor extension settles every
 * such placeholder in the same moment the undo or redo is applied, so the note never shows one:
 *
 * - The image's link (or its local embed) had reached the note and this undo took it back: the
 *   placeholder is removed, as an edit kept out of the history. CodeMirror's history maps its
 *   remaining steps through such an edit, so the step that inserted the placeholder becomes
 *   empty and disappears: one undo takes the paste back entirely, restoring the text as it was
 *   before it, and redo brings the link back, not the placeholder.
 * - The upload ended while the placeholder was out of the note (undone or deleted while the
 *   image uploaded), so its result never got in, and now redo or undo brought it back: the
 *   placeholder becomes that result, as an ordinary edit that the next undo takes back.
 * - Nothing was kept of the image (its upload failed while the placeholder was out of the note,
 *   so it was not saved either): the placeholder is removed, and the user is told why.
 *
 * Placeholders whose upload is still running are left alone: the upload replaces them when it
 * ends, wherever they are by then.
 */
import { Transaction, type Extension } from "@codemirror/state";
import { EditorView, type ViewUpdate } from "@codemirror/view";
import { findPlaceholders, placeholderChanges } from "./placeholder";

/** What an ended upload left for its placeholder. */
export interface EndedUpload {
  /** The image's file name, for messages. */
  name: string;
  /** What replaces the placeholder: the link, the local embed, or `""` when nothing was kept. */
  text: string;
  /** Whether `text` took the placeholder's place in the note. */
  inNote: boolean;
}

/** The uploads that have ended, by their placeholder, for as long as the plugin runs. */
export class EndedUploads {
  private readonly byPlaceholder = new Map<string, EndedUpload>();

  record(placeholder: string, upload: EndedUpload): void {
    this.byPlaceholder.set(placeholder, upload);
  }

  get(placeholder: string): EndedUpload | undefined {
    return this.byPlaceholder.get(placeholder);
  }
}

/**
 * The editor extension that settles placeholders brought back by undo or redo after their
 * upload ended. Register it with `Plugin.registerEditorExtension`.
 */
export function placeholderHistory(ended: EndedUploads, notify: (message: string) => void): Extension {
  // An update listener runs after the view has taken the undo's state, so it may dispatch at
  // once: the settled text is in place before undo() returns, and before anything is drawn.
  // Undo and redo transactions skip transaction filters, so a filter could not do this.
  return EditorView.updateListener.of((update) => {
    if (update.docChanged && update.transactions.some((tr) => tr.isUserEvent("undo") || tr.isUserEvent("redo"))) {
      settleReturned(update, ended, notify);
    }
  });
}

function settleReturned(update: ViewUpdate, ended: EndedUploads, notify: (message: string) => void): void {
  const removed = new Map<string, string>();
  const restored = new Map<string, string>();
  const lost: string[] = [];
  for (const placeholder of placeholdersOnChangedLines(update)) {
    const upload = ended.get(placeholder);
    if (!upload) continue;
    if (upload.inNote || upload.text === "") {
      removed.set(placeholder, "");
      if (!upload.inNote) lost.push(upload.name);
    } else {
      restored.set(placeholder, upload.text);
    }
  }
  const view = update.view;
  if (removed.size > 0) {
    view.dispatch({ changes: placeholderChanges(view.state.doc.toString(), removed), annotations: Transaction.addToHistory.of(false) });
  }
  if (restored.size > 0) {
    view.dispatch({ changes: placeholderChanges(view.state.doc.toString(), restored) });
    for (const [placeholder, text] of restored) {
      const upload = ended.get(placeholder);
      if (upload) ended.record(placeholder, { ...upload, text, inNote: true });
    }
  }
  for (const name of lost) {
    notify(`${name} could not be uploaded and was not saved in your vault, so it cannot come back into the note. Paste or drop it again.`);
  }
}

/** The placeholders on the lines an update changed. */
function placeholdersOnChangedLines(update: ViewUpdate): string[] {
  const doc = update.state.doc;
  const found = new Set<string>();
  update.changes.iterChangedRanges((_fromA, _toA, fromB, toB) => {
    const first = doc.lineAt(fromB);
    const last = doc.lineAt(toB);
    for (const p of findPlaceholders(doc.sliceString(first.from, last.to))) found.add(p.placeholder);
  });
  return [...found];
}

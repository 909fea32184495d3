/**
 * The migration engine's ports over the Obsidian vault and its open editors: the plugin's
 * counterpart of the command-line tool's `fsPorts.ts`.
 */
import { MarkdownView, type App, type Editor, type TFile } from "obsidian";
import { UploadError } from "../core/errors";
import { applyTextChanges, type TextChange } from "../core/apply/textChanges";
import type { MigrationPorts } from "../core/migrate/engine";
import { ambiguousLinkError } from "../core/migrate/vaultPathIndex";
import type { ImageUploader } from "../core/ports";
import { tooLargeError } from "../core/prepare/prepareAsset";

/**
 * The engine's ports over the Obsidian API. With `maxBytes`, an image larger than that is
 * refused by its size in the vault's records (`TFile.stat.size`) without reading it.
 */
export function obsidianPorts(app: App, uploader: ImageUploader, limits: { maxBytes?: number } = {}): MigrationPorts {
  const fileAt = (path: string): TFile => {
    const file = app.vault.getFileByPath(path);
    if (!file) throw new Error(`"${path}" is no longer in the vault`);
    return file;
  };
  // The files links were resolved to, so that each image is read as the file found rather
  // than looked up again by its path, which a lookup may bring to another Unicode form.
  const resolved = new Map<string, TFile>();
  return {
    async readNote(path) {
      return openEditor(app, path)?.getValue() ?? app.vault.cachedRead(fileAt(path));
    },
    async rewriteNote(path, edit) {
      // A note open in an editor is changed there: the editor may hold typing not saved to
      // disk yet, which a write to the file would throw away, and an in-place change keeps
      // the cursor and selection. getValue → edit → transaction runs without a pause, so
      // nothing can be typed in between.
      const editor = openEditor(app, path);
      if (editor) {
        const changes = edit(editor.getValue());
        if (changes.length > 0) editor.transaction({ changes: changes.map((c) => toEditorChange(editor, c)) });
        return;
      }
      await app.vault.process(fileAt(path), (text) => applyTextChanges(text, edit(text)));
    },
    resolve(linkpath, notePath) {
      const file = resolveLink(app, linkpath, notePath);
      if (file) resolved.set(file.path, file);
      return file?.path ?? null;
    },
    exactFile(path) {
      const file = app.vault.getFileByPath(path);
      if (file) resolved.set(file.path, file);
      return file?.path ?? null;
    },
    async readFile(path) {
      const file = resolved.get(path) ?? app.vault.getFileByPath(path);
      if (!file) throw new UploadError("MissingFile", `"${path}" is no longer in the vault; the link was left as it was.`);
      if (limits.maxBytes !== undefined && file.stat.size > limits.maxBytes) throw tooLargeError(file.name, file.stat.size, limits.maxBytes);
      return new Uint8Array(await app.vault.readBinary(file));
    },
    fileSize: (path) => (resolved.get(path) ?? app.vault.getFileByPath(path))?.stat.size,
    uploader,
  };
}

/**
 * The file a link points to, as Obsidian resolves it; failing that, as it resolves the link
 * with its accented letters composed (NFC) or decomposed (NFD). macOS writes file names
 * decomposed while notes typed elsewhere hold them composed, and the API does not promise
 * that link resolution sets that difference aside. Only public API is used: the lookup as
 * written, then the same lookup with the link in each form. A match as written always wins;
 * two different files matched only through the other forms are reported, never one picked.
 * @throws UploadError `AmbiguousLink`
 */
export function resolveLink(app: App, linkpath: string, notePath: string): TFile | null {
  const asWritten = app.metadataCache.getFirstLinkpathDest(linkpath, notePath);
  if (asWritten) return asWritten;
  const found = new Map<string, TFile>();
  for (const form of ["NFC", "NFD"] as const) {
    const spelled = linkpath.normalize(form);
    if (spelled === linkpath) continue;
    const file = app.metadataCache.getFirstLinkpathDest(spelled, notePath);
    if (file) found.set(file.path, file);
  }
  if (found.size > 1) throw ambiguousLinkError(linkpath, notePath, [...found.keys()].sort());
  return found.values().next().value ?? null;
}

/** The editor a note is open in, if any: changes to that note go through it. */
export function openEditor(app: App, path: string): Editor | null {
  for (const leaf of app.workspace.getLeavesOfType("markdown")) {
    const view = leaf.view;
    if (view instanceof MarkdownView && view.file?.path === path) return view.editor;
  }
  return null;
}

function toEditorChange(editor: Editor, c: TextChange): { from: ReturnType<Editor["offsetToPos"]>; to: ReturnType<Editor["offsetToPos"]>; text: string } {
  return { from: editor.offsetToPos(c.from), to: editor.offsetToPos(c.to), text: c.insert };
}

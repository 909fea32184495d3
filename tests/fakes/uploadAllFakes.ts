/**
 * (Evidence: tests/fakes/BEHAVIOURS.md E2, L5.)
 * Two pieces of Obsidian's API the "upload all" command uses that the shared fake does not
 * have yet, added here without touching it:
 *
 * - `Editor.transaction({ changes })`: several changes given in the coordinates of the
 *   document before the transaction, applied as one update (CodeMirror 6 semantics).
 * - `MetadataCache.resolvedLinks`: source path → linked file path → number of links, for
 *   wiki links and markdown links (embeds or not), resolved like Obsidian does.
 * - `window.setTimeout` / `window.clearTimeout`: plugin code runs in a browser window, where
 *   Obsidian's lint rules want timers taken from `window`; in Node's test environment the
 *   global object stands in for it.
 */
import { Editor, MetadataCache, type App, type EditorPosition } from "./obsidian";

const g = globalThis as { window?: unknown };
g.window ??= globalThis;

interface FakeEditorChange {
  from: EditorPosition;
  to?: EditorPosition;
  text: string;
}

type EditorWithTransaction = Editor & { transaction(tx: { changes?: FakeEditorChange[] }): void };

const proto = Editor.prototype as EditorWithTransaction;
if (typeof proto.transaction !== "function") {
  proto.transaction = function (this: Editor, tx: { changes?: FakeEditorChange[] }): void {
    // Offsets are taken before any change is made; applying the last first keeps them valid.
    const changes = (tx.changes ?? []).map((c) => ({ from: this.posToOffset(c.from), to: this.posToOffset(c.to ?? c.from), text: c.text }));
    changes.sort((a, b) => b.from - a.from);
    for (const c of changes) this.replaceRange(c.text, this.offsetToPos(c.from), this.offsetToPos(c.to));
  };
}

/** Obsidian's link syntaxes, enough for `resolvedLinks`: `[[target|…]]`, `![[…]]`, `[…](target)`. */
const LINK = /!?\[\[([^\]|#^]+)[^\]]*\]\]|!?\[[^\]]*\]\(\s*<?([^)>\s]+)>?[^)]*\)/g;

/** Recomputes `app.metadataCache.resolvedLinks` from the notes on disk, as Obsidian keeps it. */
export async function refreshResolvedLinks(app: App): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const note of app.vault.getMarkdownFiles()) {
    const counts: Record<string, number> = {};
    for (const m of (await app.vault.read(note)).matchAll(LINK)) {
      const raw = m[1] ?? m[2];
      if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) continue;
      let link = raw;
      try {
        link = decodeURIComponent(raw);
      } catch {
        // keep it as written
      }
      const dest = app.metadataCache.getFirstLinkpathDest(link.split("#")[0], note.path);
      if (dest) counts[dest.path] = (counts[dest.path] ?? 0) + 1;
    }
    out[note.path] = counts;
  }
  (app.metadataCache as MetadataCache & { resolvedLinks: typeof out }).resolvedLinks = out;
  return out;
}

/**
 * Which notes link which objects of a bucket, for a whole vault: every note is read and
 * scanned once, a chunk at a time, with a pause between chunks so that a large vault does not
 * hold the editor's thread in one long block.
 */
import { errorText } from "../errors";
import type { ScanOptions } from "../markdown";
import { profileLinks, type ServedBase } from "./profileLinks";
import { canvasMarkdown, isCanvasPath } from "../canvas/canvasDocument";

/** What a vault search needs from the platform. */
export interface NoteSource {
  /** Vault paths of the notes to read. */
  notes: readonly string[];
  /** A note's text (Obsidian: `vault.cachedRead`; the command-line tool: the file). */
  read(path: string): Promise<string>;
  /** Lets other work run between chunks (a macrotask in Obsidian); none in the command-line tool. */
  pause?: () => Promise<void>;
}

/** Which notes link which keys, and the notes that could not be read. */
export interface VaultLinks {
  /** Key → the notes linking it, each once, in the order read. */
  notesByKey: Map<string, string[]>;
  /** Notes that could not be read, with the reason: they may link anything. */
  unreadable: { note: string; reason: string }[];
  /** Notes read. */
  read: number;
}

/** Notes read between two pauses. */
export const NOTES_PER_CHUNK = 50;

/**
 * Reads and scans every note of `source` for links to objects served at `bases`. A canvas
 * among them is scanned card by card (see `canvasMarkdown`); one that is not valid JSON is
 * unreadable, so it may link anything.
 */
export async function findVaultLinks(source: NoteSource, bases: readonly ServedBase[], options?: ScanOptions, chunk = NOTES_PER_CHUNK): Promise<VaultLinks> {
  const out: VaultLinks = { notesByKey: new Map(), unreadable: [], read: 0 };
  for (let i = 0; i < source.notes.length; i++) {
    if (i > 0 && i % chunk === 0) await source.pause?.();
    const note = source.notes[i];
    let texts: string[];
    try {
      const text = await source.read(note);
      texts = isCanvasPath(note) ? canvasMarkdown(text, note) : [text];
    } catch (e) {
      out.unreadable.push({ note, reason: errorText(e) });
      continue;
    }
    out.read++;
    for (const link of texts.flatMap((t) => profileLinks(t, bases, options))) {
      for (const key of link.keys) {
        const notes = out.notesByKey.get(key);
        if (!notes) out.notesByKey.set(key, [note]);
        else if (notes[notes.length - 1] !== note) notes.push(note);
      }
    }
  }
  return out;
}

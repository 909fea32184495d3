/**
 * From a destination as written to the path it names, and from positions in scanned text
 * to offsets in the note: the pieces every form of embed shares.
 */
import { looksRemote, percentDecode } from "./markdownSyntax";
import type { SourceText } from "./sourceText";

/** Splits a local destination into path and fragment, then percent-decodes both. */
export function splitDestination(dest: string): { target: string; fragment?: string; isRemote: boolean } {
  if (looksRemote(dest)) return { target: percentDecode(dest), isRemote: true };
  const hash = dest.indexOf("#");
  if (hash < 0) return { target: percentDecode(dest), isRemote: false };
  const fragment = percentDecode(dest.slice(hash + 1));
  return { target: percentDecode(dest.slice(0, hash)), isRemote: false, ...(fragment ? { fragment } : {}) };
}

/** Note offsets of `src.text.slice(from, to)`; an empty span sits where `from` is. */
export function span(src: SourceText, from: number, to: number): { start: number; end: number } {
  if (to <= from) {
    const at = from < src.offsets.length ? src.offsets[from] : src.offsets[src.offsets.length - 1] + 1;
    return { start: at, end: at };
  }
  return { start: src.offsets[from], end: src.offsets[to - 1] + 1 };
}

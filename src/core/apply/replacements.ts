/**
 * Applying edits to a note that may have changed since it was scanned. Uploads take time;
 * the user keeps typing. Every edit carries the text it expects to replace, and an edit
 * whose text is no longer where it was is moved to where that text now is, or dropped.
 */

/** Replace `text.slice(start, end)`, which should read `expected`, with `replacement`. */
export interface Replacement {
  start: number;
  end: number;
  expected: string;
  replacement: string;
  /**
   * The replacement need not read as an image (the output of a custom link template): the
   * readability check only asks that it leave the note's other images as they were.
   */
  loose?: boolean;
}

export interface RewriteResult {
  text: string;
  /** Edits made, in document order, with the offsets (in the input text) where they applied. */
  applied: Replacement[];
  /** Edits whose expected text was not found, was ambiguous, or overlapped an earlier edit. */
  skipped: Replacement[];
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  // Two insertions at one point would have no defined order.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

function isExactAt(text: string, r: Replacement): boolean {
  return (
    Number.isInteger(r.start) &&
    Number.isInteger(r.end) &&
    r.start >= 0 &&
    r.end <= text.length &&
    r.end - r.start === r.expected.length &&
    text.startsWith(r.expected, r.start)
  );
}

/** Whether an occurrence of an edit's expected text at `start` is one the edit may apply to. */
export type AcceptOccurrence = (start: number, r: Replacement) => boolean;

/**
 * Where `r.expected` now is: its original offset if it still reads the same, otherwise the
 * free occurrence closest to where it would be if the text moved by `shift` like the
 * previous edit did. Only occurrences `accept` agrees to count. Equally close occurrences
 * are ambiguous: null.
 */
function locate(text: string, r: Replacement, shift: number, taken: Replacement[], accept: AcceptOccurrence): number | null {
  if (isExactAt(text, r) && accept(r.start, r) && !taken.some((t) => overlaps(t, r))) return r.start;
  if (r.expected === "") return null;
  const anchor = (Number.isFinite(r.start) ? r.start : 0) + shift;
  let best: number | null = null;
  let bestDistance = Infinity;
  let tie = false;
  for (let at = text.indexOf(r.expected); at >= 0; at = text.indexOf(r.expected, at + 1)) {
    const span = { start: at, end: at + r.expected.length };
    if (taken.some((t) => overlaps(t, span)) || !accept(at, r)) continue;
    const distance = Math.abs(at - anchor);
    if (distance < bestDistance) {
      best = at;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  return tie ? null : best;
}

/**
 * Applies edits to `text`, changing nothing outside the spans it replaces.
 *
 * Edits are taken in the order given. Each applies where `text.slice(start, end)` equals
 * its `expected` text; if the text there differs (the note was edited above it), the edit
 * moves to the nearest occurrence of `expected` that no earlier edit claimed, measured
 * from its original offset shifted by how far the previous edit moved. An edit is skipped
 * when `expected` cannot be found, when two occurrences are equally near, or when it
 * overlaps an edit accepted before it. `accept`, when given, limits the occurrences an edit
 * may apply to (the same characters inside a code block are not the link they spell).
 */
export function applyReplacements(text: string, reps: Replacement[], accept: AcceptOccurrence = () => true): RewriteResult {
  const applied: Replacement[] = [];
  const skipped: Replacement[] = [];
  let shift = 0;
  for (const r of reps) {
    const at = locate(text, r, shift, applied, accept);
    const span = at === null ? null : { start: at, end: at + r.expected.length };
    if (span === null || applied.some((a) => overlaps(a, span))) {
      skipped.push(r);
      continue;
    }
    applied.push({ ...r, ...span });
    if (Number.isFinite(r.start)) shift = span.start - r.start;
  }
  applied.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let pos = 0;
  for (const a of applied) {
    out += text.slice(pos, a.start) + a.replacement;
    pos = a.end;
  }
  return { text: out + text.slice(pos), applied, skipped };
}

/**
 * A change to a text as offsets into it: the text between `from` and `to` becomes `insert`.
 * The same shape as a CodeMirror change, so a port can hand changes to an editor as they are
 * and the editor keeps the cursor, selection and folds of everything the change did not touch.
 */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/**
 * Applies changes that do not overlap (any order) to `text`; every other character is kept.
 * @throws Error when two changes overlap or one lies outside the text.
 */
export function applyTextChanges(text: string, changes: readonly TextChange[]): string {
  const sorted = [...changes].sort((a, b) => a.from - b.from);
  let out = "";
  let at = 0;
  for (const c of sorted) {
    if (c.from < at || c.to < c.from || c.to > text.length) throw new Error(`change ${c.from}–${c.to} overlaps another or lies outside the text`);
    out += text.slice(at, c.from) + c.insert;
    at = c.to;
  }
  return out + text.slice(at);
}

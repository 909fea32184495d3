/**
 * Text stitched together from pieces of a note. Block parsing strips container prefixes
 * (`> `, list indentation) from each line; the inline scanner reads what is left as one
 * string, and every position it finds maps back to an exact offset in the note.
 */

/** Text assembled from pieces of the note, with each character's offset in the note. */
export interface SourceText {
  text: string;
  /** `offsets[i]` is the note offset of `text[i]`; joined line breaks map to the line end. */
  offsets: number[];
}

/** Part of one line: note offsets of its first character and one past its last. */
export interface Piece {
  start: number;
  end: number;
}

/** Joins line pieces of `note` with `\n`, remembering where each character sits in it. */
export function assembleSourceText(note: string, pieces: Piece[]): SourceText {
  let text = "";
  const offsets: number[] = [];
  pieces.forEach((p, idx) => {
    if (idx > 0) {
      text += "\n";
      offsets.push(pieces[idx - 1].end);
    }
    text += note.slice(p.start, p.end);
    for (let o = p.start; o < p.end; o++) offsets.push(o);
  });
  return { text, offsets };
}

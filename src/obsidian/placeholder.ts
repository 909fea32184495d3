/**
 * The text that stands in a note while an image uploads. Each one is unique, so the finished
 * upload can find exactly its own placeholder wherever the user's edits have moved it.
 */
import { FALLBACK_ALT_TEXT } from "../core/link/markdownLink";
import { fileStem, lastSegment } from "../core/paths";
import type { TextChange } from "../core/apply/textChanges";
import { randomHex } from "../core/randomHex";

/**
 * The link target every placeholder uses. It is a relative path with no file behind it, so
 * preview shows a broken embed instead of fetching anything, and no note ever links to it.
 */
export const PLACEHOLDER_TARGET_PREFIX = "s3ih-uploading-";

/** A random id that makes a placeholder unique: 16 lower-case hex digits. */
export function randomPlaceholderId(): string {
  return randomHex(8);
}

/**
 * `![Uploading Pasted image 20261122183000…](s3ih-uploading-3f2a…)`. The file name is reduced
 * to plain words first, so no name can break the placeholder's markdown.
 */
export function uploadingPlaceholder(fileName: string, id: string = randomPlaceholderId()): string {
  return `![Uploading ${placeholderLabel(fileName)}…](${PLACEHOLDER_TARGET_PREFIX}${id})`;
}

const MAX_LABEL_LENGTH = 120;

/**
 * The file name without folders and extension, with every character that means something to
 * markdown, HTML or Obsidian turned into a space. Unlike a link's alt text, which escapes
 * them, the label holds no backslash escapes at all: `findPlaceholders` finds a placeholder
 * by a pattern that a `\]` inside it would cut short.
 */
function placeholderLabel(fileName: string): string {
  const cleaned = [...fileStem(lastSegment(fileName))]
    .map((ch) => (/[\p{Cc}\u2028\u2029[\]()<>\\!`*_|$%]/u.test(ch) ? " " : ch))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  return [...cleaned].slice(0, MAX_LABEL_LENGTH).join("").trim() || FALLBACK_ALT_TEXT;
}

const PLACEHOLDER_PATTERN = new RegExp(`!\\[Uploading [^\\]\\n]*\\]\\(${PLACEHOLDER_TARGET_PREFIX}[^)\\s]+\\)`, "g");

/** Every placeholder in `text` (one line or more), with its offsets. */
export function findPlaceholders(text: string): { placeholder: string; from: number; to: number }[] {
  return [...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => ({ placeholder: m[0], from: m.index, to: m.index + m[0].length }));
}

/**
 * The changes that put each placeholder's result (`""` removes it) where the placeholder stands
 * in `text`; placeholders not in `text` are left out.
 *
 * Images pasted together get one placeholder per line. Placeholders that still stand on
 * consecutive lines become one change over all of them, their results on consecutive lines
 * (an empty result among them takes its line with it). The editor's history then holds the
 * whole paste as one piece: undo takes every image of it back at once, and redo brings them
 * all back, each on its own line.
 */
export function placeholderChanges(text: string, results: ReadonlyMap<string, string>): TextChange[] {
  const found = [...results]
    .map(([placeholder, insert]) => ({ from: text.indexOf(placeholder), length: placeholder.length, insert }))
    .filter((f) => f.from >= 0)
    .sort((a, b) => a.from - b.from);
  const runs: { from: number; to: number; parts: string[] }[] = [];
  for (const f of found) {
    const last = runs[runs.length - 1];
    if (last && f.from === last.to + 1 && text[last.to] === "\n") {
      last.to = f.from + f.length;
      last.parts.push(f.insert);
    } else {
      runs.push({ from: f.from, to: f.from + f.length, parts: [f.insert] });
    }
  }
  return runs.map((r) => ({ from: r.from, to: r.to, insert: r.parts.filter((p) => p !== "").join("\n") }));
}

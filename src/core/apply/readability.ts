/**
 * A link rewrite is checked in its note, not on its own: unfinished markdown around a link
 * can take the new link in. `![](![[my shot.png]])` is stray text followed by an embed,
 * because the space in the embed ends the outer destination; rewritten to
 * `![](![my shot](https://…))` the line is one image whose destination is the new link, and
 * the note no longer shows the picture. An unfinished `<img src=` does the same.
 */
import { scanEmbeds, type Embed } from "../markdown";
import type { Replacement } from "./replacements";

/** The text with `reps` made, and the start and text every embed should have in it. */
function expectedAfter(text: string, embeds: readonly Embed[], reps: readonly Replacement[]): { text: string; embeds: string[] } {
  const byStart = new Map(reps.map((r) => [r.start, r]));
  let out = "";
  let at = 0;
  const want: string[] = [];
  for (const e of embeds) {
    const r = byStart.get(e.start);
    const now = r !== undefined && r.end === e.end ? r.replacement : e.raw;
    out += text.slice(at, e.start);
    want.push(`${out.length}\u0000${now}`);
    out += now;
    at = e.end;
  }
  return { text: out + text.slice(at), embeds: want };
}

function readsAsPlanned(text: string, embeds: readonly Embed[], reps: readonly Replacement[]): boolean {
  const after = expectedAfter(text, embeds, reps);
  const got = scanEmbeds(after.text).map((e) => `${e.start}\u0000${e.raw}`);
  return got.length === after.embeds.length && got.every((g, i) => g === after.embeds[i]);
}

/**
 * Splits `reps`, each replacing one whole embed of `text` (`embeds` is `scanEmbeds(text)`),
 * into those that can be made together and those that must be left out: with the kept ones
 * made, each replacement scans as one embed exactly where it was put, and every other embed
 * of the note is still there as it was. A replacement that matches no embed is left out.
 * All are tried at once first; when that fails, the halves are tried in turn, down to single
 * replacements, so a long note with one bad spot costs a few scans rather than one per link.
 */
export function readableRewrites(text: string, embeds: readonly Embed[], reps: readonly Replacement[]): { kept: Replacement[]; unreadable: Replacement[] } {
  const spans = new Set(embeds.map((e) => `${e.start}:${e.end}`));
  const kept: Replacement[] = [];
  const unreadable = new Set(reps.filter((r) => !spans.has(`${r.start}:${r.end}`)));
  const add = (group: Replacement[]): void => {
    if (group.length === 0) return;
    if (readsAsPlanned(text, embeds, [...kept, ...group])) {
      kept.push(...group);
    } else if (group.length === 1) {
      unreadable.add(group[0]);
    } else {
      add(group.slice(0, group.length >> 1));
      add(group.slice(group.length >> 1));
    }
  };
  add(reps.filter((r) => !unreadable.has(r)).sort((a, b) => a.start - b.start));
  return { kept: reps.filter((r) => !unreadable.has(r)), unreadable: reps.filter((r) => unreadable.has(r)) };
}

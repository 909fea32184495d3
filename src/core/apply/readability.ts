/**
 * A link rewrite is checked in its note, not on its own: unfinished markdown around a link
 * can take the new link in. `![](![[my shot.png]])` is stray text followed by an embed,
 * because the space in the embed ends the outer destination; rewritten to
 * `![](![my shot](https://…))` the line is one image whose destination is the new link, and
 * the note no longer shows the picture. An unfinished `<img src=` does the same.
 */
import { scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import type { Replacement } from "./replacements";

interface Expected {
  start: number;
  end: number;
  raw: string;
  /**
   * A Hexo asset tag becomes another form (`{% img URL %}` holds an embed of its own
   * argument, `asset_path` just the URL, which may complete an image around it): whatever
   * it reads as must stay inside its span or hold it, not reach into other embeds.
   */
  loose: boolean;
  /**
   * A custom link template's output that does not read as one image: whatever it reads as
   * must stay inside its span, so unfinished markdown around it cannot take it in.
   */
  inside: boolean;
}

/** The text with `reps` made, and where every embed should be in it and read how. */
function expectedAfter(text: string, embeds: readonly Embed[], reps: readonly Replacement[]): { text: string; embeds: Expected[] } {
  const byStart = new Map(reps.map((r) => [r.start, r]));
  let out = "";
  let at = 0;
  const want: Expected[] = [];
  for (const e of embeds) {
    const r = byStart.get(e.start);
    const replaced = r !== undefined && r.end === e.end;
    const now = replaced ? r.replacement : e.raw;
    out += text.slice(at, e.start);
    want.push({ start: out.length, end: out.length + now.length, raw: now, loose: replaced && e.kind === "hexo-asset", inside: replaced && r.loose === true });
    out += now;
    at = e.end;
  }
  return { text: out + text.slice(at), embeds: want };
}

function readsAsPlanned(text: string, embeds: readonly Embed[], reps: readonly Replacement[], options?: ScanOptions): boolean {
  const after = expectedAfter(text, embeds, reps);
  const got = scanEmbeds(after.text, options);
  let g = 0;
  for (const want of after.embeds) {
    if (want.loose) {
      while (g < got.length && got[g].start < want.end && got[g].end > want.start) g += 1;
      continue;
    }
    if (want.inside) {
      while (g < got.length && got[g].start >= want.start && got[g].end <= want.end) g += 1;
      continue;
    }
    if (g >= got.length || got[g].start !== want.start || got[g].raw !== want.raw) return false;
    g += 1;
  }
  return g === got.length;
}

/**
 * Splits `reps`, each replacing one whole embed of `text` (`embeds` is `scanEmbeds(text)`),
 * into those that can be made together and those that must be left out: with the kept ones
 * made, each replacement scans as one embed exactly where it was put, and every other embed
 * of the note is still there as it was. A replacement that matches no embed is left out.
 * All are tried at once first; when that fails, the halves are tried in turn, down to single
 * replacements, so a long note with one bad spot costs a few scans rather than one per link.
 * `options` are the scan options `embeds` were found with.
 */
export function readableRewrites(
  text: string,
  embeds: readonly Embed[],
  reps: readonly Replacement[],
  options?: ScanOptions,
): { kept: Replacement[]; unreadable: Replacement[] } {
  const spans = new Set(embeds.map((e) => `${e.start}:${e.end}`));
  const kept: Replacement[] = [];
  const unreadable = new Set(reps.filter((r) => !spans.has(`${r.start}:${r.end}`)));
  const add = (group: Replacement[]): void => {
    if (group.length === 0) return;
    if (readsAsPlanned(text, embeds, [...kept, ...group], options)) {
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

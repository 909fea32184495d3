import { embedReplacement } from "../link/embedLink";
import type { LinkStyle } from "../link/linkWriter";
import { scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import { readableRewrites } from "./readability";
import { applyReplacements, type Replacement } from "./replacements";
import type { TextChange } from "./textChanges";

/**
 * The "apply" step of a migration for one note: replace some of its links by their uploaded
 * URLs, where the note still reads as it did when it was scanned.
 */

/**
 * A link found when the note was scanned, and the URL its file now has; or, with
 * `replacement`, the whole text that takes the link's place (a local embed, when an image
 * comes back from the bucket).
 */
export interface UploadedLink {
  embed: Embed;
  url: string;
  replacement?: string;
}

/**
 * What earlier rewrites of a note did, in the coordinates of the text as first scanned: a
 * later batch starts each replacement where its link should be now, so the search for a
 * link that moved only has to cover the user's own edits.
 */
export class NoteShifts {
  private readonly shifts: { at: number; delta: number }[] = [];

  /** Where an offset of the scanned text is now, after the rewrites recorded so far. */
  map(offset: number): number {
    let pos = offset;
    for (const s of this.shifts) if (s.at <= offset) pos += s.delta;
    return pos;
  }

  record(embed: Embed, replacement: string): void {
    this.shifts.push({ at: embed.end, delta: replacement.length - embed.raw.length });
  }
}

/**
 * What became of one link: rewritten; left alone because the text there changed since the
 * scan; or left alone because unfinished markdown around it would take the new link in.
 */
export type LinkOutcome = "rewritten" | "changed" | "unreadable";

/**
 * Rewrites `links` in one atomic rewrite of the note and says, link by link, what became of it.
 * `options` are the scan options the links were found with; `style` how new links are
 * written. Rejects when `rewriteNote` does.
 */
export async function writeLinks(
  links: UploadedLink[],
  shifts: NoteShifts,
  rewriteNote: (edit: (text: string) => TextChange[]) => Promise<void>,
  options?: ScanOptions,
  style?: LinkStyle,
): Promise<LinkOutcome[]> {
  const reps = plannedReplacements(links, shifts, options, style);
  let outcome: LinkOutcome[] = links.map(() => "changed");

  await rewriteNote((text) => {
    const made = linkChanges(text, reps, options);
    outcome = made.outcome;
    return made.changes;
  });

  recordShifts(links, reps, outcome, shifts);
  return outcome;
}

/**
 * The replacement each link asks for, placed where the rewrites recorded in `shifts` have
 * moved it. Computed once before the rewrite, so that its outcome can be recorded after.
 */
export function plannedReplacements(links: readonly UploadedLink[], shifts: NoteShifts, options?: ScanOptions, style?: LinkStyle): Replacement[] {
  return links.map(({ embed, url, replacement }) => {
    const start = shifts.map(embed.start);
    const rep = replacement !== undefined ? { expected: embed.raw, replacement } : embedReplacement(embed, url, style, options);
    return { ...rep, start, end: start + embed.raw.length };
  });
}

/** Records in `shifts` the links whose outcome was "rewritten", for the next batch. */
export function recordShifts(links: readonly UploadedLink[], reps: readonly Replacement[], outcome: readonly LinkOutcome[], shifts: NoteShifts): void {
  outcome.forEach((o, i) => {
    if (o === "rewritten") shifts.record(links[i].embed, reps[i].replacement);
  });
}

/**
 * The changes that make `reps` (from `plannedReplacements`) in the CURRENT `text`, and what
 * became of each: synchronous, for the inside of one atomic rewrite.
 */
export function linkChanges(text: string, reps: readonly Replacement[], options?: ScanOptions): { changes: TextChange[]; outcome: LinkOutcome[] } {
  // A link that moved is found again by its text, but only where that text is a link now:
  // the same characters in a code block or a comment are not it, even when nearer.
  const embeds = scanEmbeds(text, options);
  const embedsAt = new Map(embeds.map((e) => [e.start, e.raw]));
  const result = applyReplacements(text, [...reps], (start, r) => embedsAt.get(start) === r.expected);
  // `applied` holds copies with new offsets; identical replacements (the same link to the
  // same file) are interchangeable, so each copy is matched to the first unmatched one.
  const unmatched = new Map<string, number[]>();
  reps.forEach((r, i) => {
    const k = key(r);
    const same = unmatched.get(k);
    if (same) same.push(i);
    else unmatched.set(k, [i]);
  });
  const outcome: LinkOutcome[] = reps.map(() => "changed");
  const found: { rep: Replacement; link: number }[] = [];
  for (const a of result.applied) {
    const i = unmatched.get(key(a))?.shift();
    if (i === undefined) continue;
    found.push({ rep: a, link: i });
  }
  const kept = new Set(
    readableRewrites(
      text,
      embeds,
      found.map((f) => f.rep),
      options,
    ).kept,
  );
  const changes: TextChange[] = [];
  for (const f of found) {
    if (!kept.has(f.rep)) {
      outcome[f.link] = "unreadable";
      continue;
    }
    outcome[f.link] = "rewritten";
    changes.push({ from: f.rep.start, to: f.rep.end, insert: f.rep.replacement });
  }
  return { changes, outcome };
}

function key(r: Replacement): string {
  return `${r.expected}\u0000${r.replacement}`;
}

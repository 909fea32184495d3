import { errorText } from "../errors";
import type { ScanOptions } from "../markdown";
import type { LinkStyle } from "../link/linkWriter";
import { writeLinks, type LinkOutcome } from "../apply/writeLinks";
import { writeCanvasLinks } from "../canvas/canvasRewrite";
import type { CanvasImage } from "../canvas/canvasDocument";
import type { MigrationPorts, MigrationReport } from "./engine";
import type { Fail, FileJob, LinkJob, NoteJob } from "./planner";

/**
 * The apply step of a migration: the links of uploaded files written into their notes, one
 * atomic rewrite per note, each link only where its original text still stands.
 */

/** Links to rewrite together: those of one file known when its upload settled, or one found later. */
export interface Rewrite {
  file: FileJob;
  links: LinkJob[];
}

/** The canvas node of a link found in a canvas: the planner sets it on every one. */
function canvasImageOf(l: LinkJob): CanvasImage {
  if (!l.image) throw new Error(`a link in the canvas "${l.note.path}" lost its node`);
  return l.image;
}

/** Rewrites the links of a batch of uploaded files, one atomic rewrite per note. */
export async function writeBack(
  batch: Rewrite[],
  ports: MigrationPorts,
  report: MigrationReport,
  fail: Fail,
  scan?: ScanOptions,
  style?: LinkStyle,
): Promise<void> {
  const byNote = new Map<NoteJob, LinkJob[]>();
  for (const rewrite of batch) {
    for (const link of rewrite.links) {
      const links = byNote.get(link.note);
      if (links) links.push(link);
      else byNote.set(link.note, [link]);
    }
  }
  // Different notes are independent; the batcher already keeps two batches from touching
  // the same note at once.
  await Promise.all(
    [...byNote].map(async ([note, links]) => {
      let outcome: LinkOutcome[];
      try {
        const urlOf = (l: LinkJob): string => report.files[l.file.entry].url as string;
        const rewrite = (edit: Parameters<MigrationPorts["rewriteNote"]>[1]): Promise<void> => ports.rewriteNote(note.path, edit);
        outcome = note.canvas
          ? await writeCanvasLinks(
              note.path,
              links.map((l) => ({ image: canvasImageOf(l), url: urlOf(l) })),
              note.canvas,
              rewrite,
              scan,
              style,
            )
          : await writeLinks(
              links.map((l) => ({ embed: l.embed, url: urlOf(l) })),
              note.shifts,
              rewrite,
              scan,
              style,
            );
      } catch (e) {
        for (const l of links) {
          fail(note.path, l.embed.raw, "Unknown", `The note "${note.path}" could not be saved (${errorText(e)}); the link was left as it was.`);
        }
        return;
      }
      links.forEach((l, i) => {
        if (outcome[i] === "rewritten") {
          report.rewritten++;
          report.files[l.file.entry].rewritten++;
        } else if (outcome[i] === "unreadable") {
          fail(
            note.path,
            l.embed.raw,
            "MalformedLink",
            `The image "${l.file.path}" was uploaded, but its link in "${note.path}" was left as it was: unfinished markdown just before it (an unclosed "![](" or "<img src=", for instance) would take the new link in, and it would not show as an image. Finish or remove that text and run again.`,
          );
        } else {
          report.skipped++;
          report.skippedEdits.push({ note: note.path, link: l.embed.raw });
        }
      });
    }),
  );
}

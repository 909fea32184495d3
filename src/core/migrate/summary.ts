import type { MigrationProgress, MigrationReport } from "./engine";

/**
 * The words every face (notice, terminal) uses to tell a person what a migration did, so
 * they read the same wherever the run was started.
 */

/**
 * `2 uploaded, 0 already in the bucket; 1 link rewritten, 1 skipped, 0 failed.`, and
 * ` 3 notes kept local.` when the rules kept some notes' images local.
 */
export function migrationCounts(r: MigrationReport): string {
  const local = r.keptLocal.length > 0 ? ` ${notes(r.keptLocal.length)} kept local.` : "";
  return `${r.uploaded} uploaded, ${r.reused} already in the bucket; ${r.rewritten} ${r.rewritten === 1 ? "link" : "links"} rewritten, ${r.skipped} skipped, ${r.failed} failed.${local}`;
}

function notes(n: number): string {
  return `${n} ${n === 1 ? "note" : "notes"}`;
}

/**
 * What needs the person's attention, as headed lists; empty when nothing does. `folderRules`:
 * whether the face has folder rules (the plugin) besides the note's own field.
 */
export function migrationDetails(r: MigrationReport, folderRules = true): { heading: string; items: string[] }[] {
  const out: { heading: string; items: string[] }[] = [];
  if (r.skippedEdits.length > 0) {
    out.push({ heading: "Not rewritten because the note changed there meanwhile:", items: r.skippedEdits.map((s) => `${s.note}: ${s.link}`) });
  }
  if (r.guesses.length > 0) {
    out.push({
      heading: "Resolved by a guess (check that each is the image meant):",
      items: r.guesses.map((g) => `${g.note}: ${g.link} → ${g.file} (${g.rule})`),
    });
  }
  if (r.skippedHosts.length > 0) {
    out.push({ heading: "Web images left as they were (their host is not allowed):", items: r.skippedHosts.map((s) => `${s.note}: ${s.link}`) });
  }
  if (r.keptLocal.length > 0) {
    out.push({
      heading: `Kept local, as ${folderRules ? "the note's image-upload field or a folder rule asks" : "the note's image-upload field asks"} (${notes(r.keptLocal.length)}):`,
      items: r.keptLocal,
    });
  }
  if (r.skippedNotes.length > 0) {
    out.push({ heading: `Not uploaded, because of the note's upload rule (${notes(r.skippedNotes.length)}):`, items: r.skippedNotes.map((s) => s.message) });
  }
  if (r.failures.length > 0) {
    out.push({ heading: "Failed:", items: r.failures.map((f) => `${f.note}${f.link ? `: ${f.link}` : ""} — ${f.message}`) });
  }
  return out;
}

/**
 * How a notice lists things: the heading, the first `max` items as bullets (`• item`), and
 * `…and 4 more.` for the rest; nothing when there are no items.
 */
export function bulletList(heading: string, items: string[], max = 10): string[] {
  if (items.length === 0) return [];
  const lines = [heading, ...items.slice(0, max).map((s) => `• ${s}`)];
  if (items.length > max) lines.push(`…and ${items.length - max} more.`);
  return lines;
}

/**
 * `3 of 40`, or while notes are still being scanned (uploads start before the last note is
 * read, so the total can still grow) `3 of 40 found so far, 120 of 10000 notes scanned`.
 */
export function progressCount(p: MigrationProgress): string {
  if (p.notesScanned >= p.notes) return `${p.done} of ${p.total}`;
  return `${p.done} of ${p.total} found so far, ${p.notesScanned} of ${p.notes} notes scanned`;
}

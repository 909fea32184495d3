/**
 * The embed scanner on notes built to be slow: scan time per KB of a `- - - …` note against
 * an ordinary note of the same size, side by side in the same run, and for every
 * pathological pattern the time per KB at growing sizes, which stays flat when scanning is
 * linear in the note's size. Runs in the benchmark's Node workloads (`scan` task); needs no
 * S3 server.
 */
import { scanEmbeds } from "../../src/core/markdown";
import { log, median, now, round } from "./common";
import { LAST_IMAGE, SCAN_PATTERNS, ordinaryNote, type ScanPattern } from "./scanNotes";

/** The pattern of the headline figure: list markers nested on one line. */
const HEADLINE_PATTERN = "nested-dash";

export interface ScanArgs {
  /** Size of the two headline notes, in characters. */
  size: number;
  /** Rounds of the headline pair. */
  reps: number;
  /** Note sizes of the growth table, in characters, smallest first. */
  growthSizes: number[];
  /** Rounds of the growth table: each times every size of a pattern once. */
  growthReps: number;
}

/**
 * Milliseconds per scan of `note`, scanned `times` times in a row after a garbage collection,
 * so no scan pays for garbage another left.
 */
function timeScan(note: string, times = 1): number {
  (globalThis as { gc?: () => void }).gc?.();
  let embeds: ReturnType<typeof scanEmbeds> = [];
  const t0 = now();
  for (let i = 0; i < times; i++) embeds = scanEmbeds(note);
  const ms = (now() - t0) / times;
  // A figure for a scan that stopped short of the end would measure the wrong thing.
  if (embeds[embeds.length - 1]?.raw !== LAST_IMAGE) throw new Error(`the scan did not reach the image at the end of a ${note.length}-character note`);
  return ms;
}

function perKB(ms: number, note: string): number {
  return ms / (note.length / 1000);
}

function sizeLabel(size: number): string {
  return size >= 1e6 ? `${size / 1e6}MB` : `${size / 1e3}KB`;
}

/**
 * Median ms per KB of `pattern` at each size, and how much the time per KB rises from the
 * second-largest size to the largest: the median of that rise over rounds. Every size of a
 * round scans as much text (a note of the largest size once, smaller ones as many times as
 * it takes), one size right after the other, so each timing is as long as the others and a
 * burst of load on the machine hits all sizes of a round alike. One untimed pass first.
 */
function growthOf(pattern: ScanPattern, sizes: number[], reps: number): { row: Record<string, number>; rise: number } {
  const notes = sizes.map((size) => pattern.make(size));
  const largestLength = notes[notes.length - 1].length;
  const pass = (): number[] => notes.map((note) => perKB(timeScan(note, Math.max(1, Math.round(largestLength / note.length))), note));
  pass();
  const rounds = Array.from({ length: reps }, pass);
  const row: Record<string, number> = {};
  sizes.forEach((size, i) => (row[sizeLabel(size)] = round(median(rounds.map((r) => r[i])), 4)));
  const [below, largest] = [Math.max(0, sizes.length - 2), sizes.length - 1];
  return { row, rise: median(rounds.map((r) => r[largest] / r[below])) };
}

export async function scan(a: ScanArgs) {
  const headline = SCAN_PATTERNS.find((p) => p.name === HEADLINE_PATTERN);
  if (!headline) throw new Error(`no scan pattern ${HEADLINE_PATTERN}`);
  const ordinary = ordinaryNote(a.size);
  const pathological = headline.make(ordinary.length);
  for (let w = 0; w < 2; w++) {
    timeScan(ordinary);
    timeScan(pathological);
  }
  const ordinaryMs: number[] = [];
  const pathologicalMs: number[] = [];
  for (let r = 0; r < a.reps; r++) {
    // Alternate which goes first, so neither always runs on the other's heels.
    if (r % 2 === 0) {
      ordinaryMs.push(timeScan(ordinary));
      pathologicalMs.push(timeScan(pathological));
    } else {
      pathologicalMs.push(timeScan(pathological));
      ordinaryMs.push(timeScan(ordinary));
    }
  }
  const ratios = pathologicalMs.map((p, i) => perKB(p, pathological) / perKB(ordinaryMs[i], ordinary));
  log(`scan ${sizeLabel(a.size)}: ordinary ${round(median(ordinaryMs), 1)} ms, ${HEADLINE_PATTERN} ${round(median(pathologicalMs), 1)} ms`);

  const growth: Record<string, Record<string, number>> = {};
  const patterns: ScanPattern[] = [{ name: "ordinary", what: "an ordinary note", make: ordinaryNote }, ...SCAN_PATTERNS];
  const largest = a.growthSizes[a.growthSizes.length - 1];
  const below = a.growthSizes[Math.max(0, a.growthSizes.length - 2)];
  let maxGrowth = { pattern: "", value: 0 };
  for (const p of patterns) {
    const { row, rise } = growthOf(p, a.growthSizes, a.growthReps);
    growth[p.name] = row;
    // Linear scanning keeps the time per KB flat from one size to the next; quadratic
    // scanning multiplies it by the size step (ten).
    if (rise > maxGrowth.value) maxGrowth = { pattern: p.name, value: round(rise, 2) };
  }
  log(`scan growth: largest ${maxGrowth.value}× (${maxGrowth.pattern}) from ${sizeLabel(below)} to ${sizeLabel(largest)}`);

  return {
    noteBytes: ordinary.length,
    pattern: HEADLINE_PATTERN,
    ordinaryMsPerKB: round(perKB(median(ordinaryMs), ordinary), 4),
    pathologicalMsPerKB: round(perKB(median(pathologicalMs), pathological), 4),
    ratioToOrdinary: round(median(ratios), 2),
    ratioPerRound: ratios.map((x) => round(x, 2)),
    maxGrowth: maxGrowth.value,
    maxGrowthPattern: maxGrowth.pattern,
    growthFrom: sizeLabel(below),
    growthTo: sizeLabel(largest),
    patterns: Object.fromEntries(patterns.map((p) => [p.name, p.what])),
    growth,
  };
}

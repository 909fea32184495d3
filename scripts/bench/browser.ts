/**
 * The benchmark's browser workload, run by bench.mjs in a child process: the plugin's prepare
 * step with its real browser codec (canvasCodec.ts), bundled as main.js is, in headless
 * Chromium (see tests/support/browser.ts). Per 4 MB photo: time, bytes saved, and the longest
 * the page's main thread was blocked while converting, with the codec's worker and without one.
 *
 *   node browser.cjs browser JSON_ARGS     prints `RESULT {...}` as its last line
 */
import { chromiumMissing, launchCodecBrowser, type PageMode } from "../../tests/support/browser";
import type { PageProfile } from "../../tests/support/codecPage";
import { photoJpeg } from "../../tests/support/sharpImages";
import { log, median, round, runTask } from "./common";

interface Figures {
  medianMs: number;
  outBytes: number;
  savedPercent: number;
  /** The longest main-thread block of any repetition, and the median of each repetition's longest. */
  longestBlockMs: number;
  medianLongestBlockMs: number;
}

async function browser(a: { repo: string; reps: number }) {
  const missing = chromiumMissing();
  if (missing) return { skipped: missing };
  // The same kind of photo as the sharp step's (bench.mjs "convert"), so the two compare.
  const photo = await photoJpeg(4000, 3000);
  const cases: Array<[string, PageProfile]> = [
    ["webp1600", { convert: "webp", maxWidth: "1600" }],
    ["jpeg1600", { convert: "jpeg", maxWidth: "1600" }],
  ];
  const modes: Array<[string, PageMode]> = [
    ["worker", "full"],
    ["mainThread", "no-worker"],
  ];
  const b = await launchCodecBrowser(a.repo);
  try {
    const out: Record<string, Record<string, Figures>> = {};
    let canWrite: string | undefined;
    for (const [modeName, mode] of modes) {
      const page = await b.open(mode);
      canWrite ??= await page.summary();
      for (const [name, fields] of cases) {
        // One run first: the codec loads and the worker starts on first use.
        await page.prepare(photo, "photo.jpg", fields);
        const ms: number[] = [];
        const blocks: number[] = [];
        let outBytes = 0;
        for (let r = 0; r < a.reps; r++) {
          const done = await page.prepare(photo, "photo.jpg", fields);
          if (!done.outcome?.applied) throw new Error(`${name} was not converted: ${JSON.stringify(done.outcome)}`);
          ms.push(done.ms);
          blocks.push(done.longestBlockMs);
          outBytes = done.bytes.byteLength;
        }
        const trace = await page.trace();
        if ((mode === "full") !== (trace.workers === 1 && trace.mainThreadScales === 0)) {
          throw new Error(`the ${modeName} run converted in the wrong place: ${JSON.stringify(trace)}`);
        }
        (out[name] ??= {})[modeName] = {
          medianMs: round(median(ms), 0),
          outBytes,
          savedPercent: round((1 - outBytes / photo.byteLength) * 100, 1),
          longestBlockMs: round(Math.max(...blocks), 1),
          medianLongestBlockMs: round(median(blocks), 1),
        };
        const f = out[name][modeName];
        log(`  ${name}, ${modeName}: ${f.medianMs} ms, ${photo.byteLength} → ${outBytes} bytes, main thread blocked up to ${f.longestBlockMs} ms`);
      }
    }
    return { inBytes: photo.byteLength, canWrite, ...out };
  } finally {
    await b.close();
  }
}

void runTask({ browser }).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

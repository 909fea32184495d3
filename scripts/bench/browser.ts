/**
 * The benchmark's browser workload, run by bench.mjs in a child process: the plugin's prepare
 * step with its real browser codec (canvasCodec.ts), bundled as main.js is, in headless
 * Chromium (see tests/support/browser.ts). Per 4 MB photo: time, bytes saved, and the longest
 * the page's main thread was blocked while converting, with the codec's worker and without one.
 * And how long Chromium's V8 takes to compile main.js the way Obsidian's desktop app does.
 *
 *   node browser.cjs browser JSON_ARGS     prints `RESULT {...}` as its last line
 *   node browser.cjs compile JSON_ARGS
 */
import * as fs from "node:fs";
import puppeteer from "puppeteer-core";
import { chromiumMissing, chromiumPath, launchCodecBrowser, type PageMode } from "../../tests/support/browser";
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

/**
 * Compiles main.js in headless Chromium inside the function Obsidian wraps a plugin in,
 * `(function anonymous(require,module,exports){…})` (Obsidian passes that text to
 * `window.eval`; here a script element holds it), and stops there: running it needs Obsidian's
 * modules. Each time in a new page, with its own source URL, so that V8's compilation cache
 * never serves it. Returns the median.
 */
async function compile(a: { mainJs: string; reps: number }) {
  const missing = chromiumMissing();
  if (missing) return { skipped: missing };
  const code = fs.readFileSync(a.mainJs, "utf8");
  // As in tests/support/browser.ts: tests and the bench run as root in a container, where Chromium's sandbox cannot start.
  const b = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  try {
    const version = await b.version();
    const ms: number[] = [];
    // One compile first, which is not counted: the first page of a browser starts slower.
    for (let r = -1; r < a.reps; r++) {
      const page = await b.newPage();
      try {
        const took = await page.evaluate(
          (text, tag) => {
            // A script element runs at once when added; its first statement notes the time,
            // after V8 has compiled the whole script (the wrapper is compiled eagerly).
            const w = window as unknown as { compiledAt?: number; plugin?: unknown };
            const script = document.createElement("script");
            script.textContent = `window.compiledAt = performance.now(); window.plugin = (function anonymous(require,module,exports){${text}\n});\n//# sourceURL=plugin:${tag}\n`;
            const t0 = performance.now();
            document.head.append(script);
            if (typeof w.plugin !== "function" || w.compiledAt === undefined) throw new Error("main.js did not compile to a function");
            return w.compiledAt - t0;
          },
          code,
          `bench-${r}-${Date.now()}`,
        );
        if (r >= 0) ms.push(took);
      } finally {
        await page.close();
      }
    }
    log(`  compile main.js in ${version}: ${ms.map((x) => round(x, 1)).join(", ")} ms`);
    return { medianMs: round(median(ms), 2), runsMs: ms.map((x) => round(x, 2)), version };
  } finally {
    await b.close();
  }
}

void runTask({ browser, compile }).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

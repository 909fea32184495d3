// The benchmark's targets and its printed table.

const get = (obj, dotted) => dotted.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** Each target: the figure, the bound, and whether this run met it (null: not measured). */
const TARGETS = [
  ["bulk.ratioToRaw", ">=", 0.9],
  ["bulkLatency.speedupVsSequential", ">=", 5],
  ["dedupe.secondRunPutCount", "==", 0],
  ["freshMachine.putCount", "==", 0],
  ["freshMachine.requests", "<=", 2],
  // At most one request per 1,000 images: one for the bench's 200.
  ["rerun.requests", "<=", 1],
  // The same for 200 photos whose metadata was removed before upload.
  ["rerun.processedRequests", "<=", 1],
  ["hash.sha256MBps", ">=", 300],
  ["hash.maxBlockMs", "<=", 50],
  ["strip.msPer4MBJpeg", "<=", 50],
  ["paste.overheadMs1MB", "<=", 25],
  ["bundle.bytes", "<=", 450_000],
  ["load.ms", "<=", 15],
  // 16 × 20 MB images: the desktop and command-line budget (128 MiB) + 100.
  ["memory.peakMB", "<=", 228],
  ["concurrency.default", ">=", 6],
  ["scan.ratioToOrdinary", "<=", 2],
  ["scan.maxGrowth", "<=", 3],
  ["bulk.ratioToRclone", ">=", 0.95],
  ["vault.firstPutMs", "<=", 1000],
  ["vault.peakMB", "<=", 400],
  ["vault.maxBlockMs", "<=", 50],
  ["vault.maxProgressGapMs", "<=", 1000],
];

export function targetsOf(results) {
  return TARGETS.map(([metric, op, bound]) => {
    const value = get(results, metric);
    const met = typeof value !== "number" ? null : op === ">=" ? value >= bound : op === "<=" ? value <= bound : value === bound;
    return { metric, value: value ?? null, target: `${op} ${bound}`, met };
  });
}

function fmt(v) {
  if (v === undefined || v === null) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : String(v);
  return String(v);
}

export function renderTable(r) {
  const rows = [];
  const target = new Map(targetsOf(r).map((t) => [t.metric, t]));
  const add = (metric, label, extra = "") => {
    const value = get(r, metric);
    const t = target.get(metric);
    const status = !t ? "" : t.met === null ? "not measured" : t.met ? "met" : "MISSED";
    rows.push([metric, label, fmt(value), t ? t.target : "", status, extra]);
  };
  const rate = (s) => (s ? `${s.filesPerS} files/s, ${s.MBps} MB/s` : "");

  add("bulk.ratioToRaw", "engine ÷ raw SDK PUTs, 200 × 200 KB", r.bulk ? `engine ${rate(r.bulk.engine)}; raw ${rate(r.bulk.raw)}` : "");
  add("bulk.ratioToRawWithRead", "engine ÷ raw PUTs of files read from disk", r.bulk?.rawWithRead ? `raw + read ${rate(r.bulk.rawWithRead)}` : "");
  add("bulk.speedupVsSequential", "engine ÷ one at a time", r.bulk ? `sequential ${rate(r.bulk.sequential)}` : "");
  const tools = r.bulk?.tools;
  add(
    "bulk.ratioToRclone",
    "rclone at its best --transfers ÷ this tool, whole processes, 200 × 200 KB",
    tools?.skipped ??
      (tools
        ? `${
            tools.confirmMedianMs
              ? `timed again side by side: ${Object.entries(tools.confirmMedianMs)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(", ")} ms; `
              : ""
          }count picked from ${Object.entries(tools.medianMs)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")} ms (${tools.ratioToRcloneInSelection} there); ${tools.rcloneVersion ?? "no rclone"}`
        : ""),
  );
  add("bulk.tools.ratioToRcloneNoCache", "best rclone ÷ this tool's first run (no compiled-code cache)");
  add("bulk.tools.ratioToAwsCli", "AWS CLI ÷ this tool, whole processes", tools?.awsVersion ?? "");
  add(
    "cli.startMs",
    "node dist/cli.cjs --version, whole process, ms",
    r.cli
      ? `without the compiled-code cache ${r.cli.start.versionNoCacheMs} ms; --help ${r.cli.start.helpMs} ms, upload --dry-run ${r.cli.start.dryRunMs} ms, bare node ${r.cli.start.nodeBareMs} ms`
      : "",
  );
  const fixture = r.bulk?.fixture;
  add(
    "bulk.fixture.ratioToRaw",
    "Help vault: engine ÷ raw",
    fixture?.skipped ?? (fixture ? `${fixture.files} images in ${fixture.notes} notes; engine ${rate(fixture.engine)}` : ""),
  );
  add("bulk.fixture.speedupVsSequential", "Help vault: engine ÷ one at a time");
  add(
    "bulkLatency.ratioToRaw",
    `+${r.bulkLatency?.latencyMs ?? 80} ms/request: engine ÷ raw`,
    r.bulkLatency ? `engine ${rate(r.bulkLatency.engine)}; raw ${rate(r.bulkLatency.raw)}` : "",
  );
  add("bulkLatency.ratioToRawWithRead", `+${r.bulkLatency?.latencyMs ?? 80} ms/request: engine ÷ raw PUTs of files read from disk`);
  add(
    "bulkLatency.speedupVsSequential",
    `+${r.bulkLatency?.latencyMs ?? 80} ms/request: engine ÷ one at a time`,
    r.bulkLatency ? `sequential ${rate(r.bulkLatency.sequential)}` : "",
  );
  add(
    "dedupe.secondRunPutCount",
    "second run: PUTs",
    r.dedupe ? `${r.dedupe.secondRunHeadCount} HEADs, ${r.dedupe.secondRunReused} reused, ${r.dedupe.secondRunRewritten} links rewritten` : "",
  );
  add(
    "dedupe.secondRunMs",
    "second run: ms",
    r.dedupe ? `first run ${r.dedupe.firstRun.ms} ms: ${r.dedupe.firstRun.puts} PUTs, ${r.dedupe.firstRun.heads} HEADs` : "",
  );
  add(
    "convert.webp1600Ms",
    "4 MB photo → WebP 1600 px wide (sharp), ms",
    r.convert
      ? `AVIF ${r.convert.detail.avif1600.medianMs} ms, JPEG ${r.convert.detail.jpeg1600.medianMs} ms, WebP full size ${r.convert.detail.webpFull.medianMs} ms`
      : "",
  );
  add(
    "convert.webp1600SavedPercent",
    "bytes saved by it, %",
    r.convert
      ? `${r.convert.detail.inBytes} → ${r.convert.detail.webp1600.outBytes} bytes; AVIF ${r.convert.detail.avif1600.savedPercent}%, JPEG ${r.convert.detail.jpeg1600.savedPercent}%, WebP full size ${r.convert.detail.webpFull.savedPercent}%`
      : "",
  );
  const br = r.browser?.detail;
  add(
    "browser.webp1600Ms",
    "4 MB photo → WebP 1600 px wide, plugin in Chromium, ms",
    r.browser?.skipped ??
      (br
        ? `prepare in the page (metadata, convert, hash); JPEG ${br.jpeg1600.worker.medianMs} ms; without a worker WebP ${br.webp1600.mainThread.medianMs} ms, JPEG ${br.jpeg1600.mainThread.medianMs} ms`
        : ""),
  );
  add(
    "browser.webp1600SavedPercent",
    "bytes saved by it, %",
    br ? `${br.inBytes} → ${br.webp1600.worker.outBytes} bytes; JPEG ${br.jpeg1600.worker.savedPercent}%; ${br.canWrite}` : "",
  );
  add("browser.maxBlockMsWithWorker", "longest main-thread block converting, with the worker, ms", br ? "timer lag in the page, WebP and JPEG" : "");
  add("browser.maxBlockMsWithoutWorker", "the same without a worker, ms");
  add(
    "browser.compileMainJsMs",
    "compile main.js as Obsidian does, Chromium, ms",
    r.browser?.compile ? `in Obsidian's wrapper, a new page each time, median of ${r.browser.compile.runsMs.length}; ${r.browser.compile.version}` : "",
  );
  add(
    "freshMachine.putCount",
    "fresh machine (empty cache), 200 images stored: PUTs",
    r.freshMachine ? `${r.freshMachine.reused} reused, ${r.freshMachine.headCount} HEADs` : "",
  );
  add("freshMachine.requests", "fresh machine: requests in all (LIST pages)");
  add(
    "rerun.requests",
    "rerun with the cache: requests in all",
    r.rerun?.putCount !== undefined ? `${r.rerun.putCount} PUTs, ${r.rerun.headCount} HEADs, ${r.rerun.reused} reused` : "",
  );
  add(
    "rerun.processedRequests",
    "rerun with the cache, 200 photos stored without their metadata: requests in all",
    r.rerun?.processed ? `${r.rerun.processed.putCount} PUTs, ${r.rerun.processed.headCount} HEADs, ${r.rerun.processed.reused} reused` : "",
  );
  add("index.bytesPer1k", "upload index file, bytes per 1,000 records", r.index ? `${r.index.records} records, ${r.index.bytes} bytes` : "");
  add("index.readMs", "reading 50,000 records on first use (not at start-up), ms");
  add("hash.sha256MBps", "SHA-256 of 8 MB, MB/s");
  add("hash.md5MBps", "MD5 of 8 MB, MB/s");
  add("hash.maxBlockMs", "longest event-loop block while hashing, ms");
  add("strip.msPer4MBJpeg", "metadata removal, 4 MB JPEG, ms", r.strip ? `${Math.round(r.strip.detail.removedBytes / 1000)} KB removed` : "");
  add(
    "paste.overheadMs1MB",
    "paste → link minus one raw PUT, 1 MB, ms",
    r.paste ? `paste ${r.paste.detail["1000000"].pasteMs} ms, PUT ${r.paste.detail["1000000"].rawPutMs} ms` : "",
  );
  add(
    "paste.overheadMs8MB",
    "the same, 8 MB, ms",
    r.paste ? `paste ${r.paste.detail["8000000"].pasteMs} ms, PUT ${r.paste.detail["8000000"].rawPutMs} ms` : "",
  );
  add("bundle.bytes", "main.js, bytes");
  add("bundle.gzipBytes", "main.js gzipped, bytes");
  add("load.ms", "evaluate main.js + onload(), ms", r.load ? `evaluate ${r.load.evalMs} ms, onload ${r.load.onloadMs} ms` : "");
  add(
    "memory.peakMB",
    "peak RSS, CLI, 16 × 20 MB, MB",
    r.memory ? `${r.memory.detail.totalMB} MB of images, ${r.memory.budgetMB} MiB budget in flight; max of runs ${r.memory.detail.maxPeakMB} MB` : "",
  );
  add("memory.peakMB50x4MB", "peak RSS, CLI, 50 × 4 MB, MB");
  add("memory.peakMBAtConcurrency32", "50 × 4 MB at concurrency 32 (the most allowed), MB");
  add("concurrency.default", "default uploads in flight");
  const scanKB = r.scan ? `${Math.round(r.scan.noteBytes / 1000).toLocaleString("en-US")} KB` : "";
  add("scan.ordinaryMsPerKB", "scan of an ordinary note, ms per KB", r.scan ? `${scanKB}: headings, lists, callouts, tables, code, embeds` : "");
  add("scan.pathologicalMsPerKB", "scan of list markers nested on one line, ms per KB", r.scan ? `${scanKB} of \`- - - …\` ending in an image` : "");
  add(
    "scan.ratioToOrdinary",
    "nested list markers ÷ ordinary note, scan time",
    r.scan ? `rounds from ${Math.min(...r.scan.ratioPerRound)} to ${Math.max(...r.scan.ratioPerRound)}` : "",
  );
  add(
    "scan.maxGrowth",
    "largest rise of scan ms per KB over a tenfold size",
    r.scan ? `${r.scan.maxGrowthPattern}, ${r.scan.growthFrom} → ${r.scan.growthTo}; 1 = linear, 10 = quadratic` : "",
  );

  const vault = r.vault
    ? `${r.vault.notes.toLocaleString("en-US")} notes, ${r.vault.embeds.toLocaleString("en-US")} embeds, ${r.vault.images.toLocaleString("en-US")} images`
    : "";
  add("vault.ms", "Upload all on a large vault, whole run, ms", r.vault ? `${vault}; ${r.vault.filesPerS} files/s` : "");
  add("vault.firstPutMs", "command → first PUT, ms", r.vault ? `${r.vault.puts} PUTs` : "");
  add("vault.peakMB", "peak memory of the Obsidian process double, MB", r.vault ? `by ${r.vault.peakMeasuredBy}` : "");
  add(
    "vault.maxBlockMs",
    "longest event-loop block during the run, ms",
    r.vault ? `by ${r.vault.maxBlockMeasuredBy}; longest timer lag ${r.vault.maxLagMs} ms` : "",
  );
  add("vault.maxProgressGapMs", "longest time without a progress update, ms", r.vault ? `${r.vault.progressUpdates} updates` : "");

  const head = ["figure", "what", "value", "target", "status", "context"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const out = [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];

  if (r.concurrency) {
    out.push("", "engine throughput by concurrency (files/s, median):");
    for (const [name, sweep] of Object.entries(r.concurrency)) {
      if (typeof sweep !== "object") continue;
      out.push(
        `  ${name.padEnd(14)} ${Object.entries(sweep)
          .map(([c, s]) => `c${c}: ${s.filesPerS}`)
          .join("  ")}`,
      );
    }
  }
  if (r.scan?.growth) {
    out.push("", "scan time by note size (ms per KB, median):");
    const width = Math.max(...Object.keys(r.scan.growth).map((n) => n.length));
    for (const [name, row] of Object.entries(r.scan.growth)) {
      out.push(
        `  ${name.padEnd(width)}  ${Object.entries(row)
          .map(([size, ms]) => `${size}: ${ms}`)
          .join("  ")}`,
      );
    }
  }
  const m = r.machine;
  if (m)
    out.push(
      "",
      `machine: ${m.nproc} cores (${m.cpu}), ${m.memTotalGiB} GiB RAM, load ${m.loadAvg.join(" ")}, node ${m.node}; server: ${r.server ?? "—"}; commit ${r.commit ?? "—"}`,
    );
  return `${out.join("\n")}\n`;
}

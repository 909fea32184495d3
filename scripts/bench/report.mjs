// The benchmark's targets and its printed table.

const get = (obj, dotted) => dotted.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** Each target: the figure, the bound, and whether this run met it (null: not measured). */
const TARGETS = [
  ["bulk.ratioToRaw", ">=", 0.9],
  ["bulkLatency.speedupVsSequential", ">=", 5],
  ["dedupe.secondRunPutCount", "==", 0],
  ["hash.sha256MBps", ">=", 300],
  ["hash.maxBlockMs", "<=", 50],
  ["strip.msPer4MBJpeg", "<=", 50],
  ["paste.overheadMs1MB", "<=", 25],
  ["bundle.bytes", "<=", 450_000],
  ["load.ms", "<=", 15],
  ["memory.peakMB", "<=", 300],
  ["concurrency.default", ">=", 6],
  ["scan.ratioToOrdinary", "<=", 2],
  ["scan.maxGrowth", "<=", 3],
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
  add("memory.peakMB", "peak RSS, CLI, 50 × 4 MB, MB", r.memory ? `${r.memory.detail.totalMB} MB of images; max of runs ${r.memory.detail.maxPeakMB} MB` : "");
  add("memory.peakMBAtConcurrency32", "the same at concurrency 32 (the most allowed), MB");
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

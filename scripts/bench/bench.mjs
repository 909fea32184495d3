// `npm run bench`: the plugin's engine against baselines, on this machine, in one run.
//
// Starts a real S3 server on loopback (Ceph RGW via scripts/s3-server.sh, or the server in
// S3_TEST_ENDPOINT) and a latency proxy in front of it, bundles the workloads
// (scripts/bench/workloads.ts for Node, scripts/bench/plugin.ts for the plugin), runs each in
// a child process, prints a table and writes bench-results.json at the repository root.
// Every figure is a median of several repetitions, and every comparison is a ratio of
// figures measured in this run, side by side, because the machine is shared and noisy.
// Expects `main.js` and `dist/cli.cjs` to be built (`npm run bench` builds them first).
// The S3 server is started only for steps that talk to it: `--only=scan` or `--only=hash`
// runs in seconds without one. The `browser` step runs the plugin's own codec in headless
// Chromium (scripts/bench/browser.ts) and compiles main.js there as Obsidian does, and is
// skipped, with the reason, where there is none.
//
//   node scripts/bench/bench.mjs [--only=scan,hash,strip,convert,browser,index,load,bulk,fixture,latency,dedupe,listing,processed,sweep,paste,memory,vault,cli,tools]
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import esbuild from "esbuild";
import { renderTable, targetsOf } from "./report.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const here = path.join(repo, "scripts", "bench");
const only = new Set((process.argv.find((a) => a.startsWith("--only="))?.slice(7) ?? "").split(",").filter(Boolean));
const wanted = (name) => only.size === 0 || only.has(name);
const SERVER_STEPS = ["load", "bulk", "fixture", "latency", "dedupe", "listing", "processed", "sweep", "paste", "memory", "vault", "cli", "tools"];
const LATENCY_MS = 80;
// A bucket on another continent: the concurrency sweep also runs this far away.
const OCEAN_MS = 200;
// NODE_PATH: the bundled workloads run from a scratch folder and load sharp (external) from the repository.
const childEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NODE_PATH: path.join(repo, "node_modules") };
const started = Date.now();

for (const file of ["main.js", "dist/cli.cjs"]) {
  if (!existsSync(path.join(repo, file))) {
    console.error(`${file} is missing: build first (npm run bench does).`);
    process.exit(1);
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), "s3ih-bench-"));
const cleanups = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const fn of cleanups.reverse()) await fn().catch((e) => console.error(`cleanup: ${e.message}`));
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => void cleanup().then(() => process.exit(130)));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"], env: childEnv, ...opts });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.on("error", reject);
    const what = args
      .filter((a) => !a.startsWith("-"))
      .slice(0, 2)
      .map((a, i) => (i === 0 ? path.basename(a) : a));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${what.join(" ") || cmd} exited with ${code}`))));
  });
}

/** Runs one task of a bundled workload in its own process and returns its result. */
async function task(bin, name, args) {
  // --expose-gc: a workload collects garbage before each timed section (see workloads.ts).
  const out = await run(process.execPath, ["--expose-gc", bin, name, JSON.stringify(args)]);
  const line = out
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`${name} printed no result`);
  return JSON.parse(line.slice(7));
}

/** Starts the latency proxy in its own process (its work must not count against the engine's). */
async function startProxy(upstream, delayMs) {
  const child = spawn(process.execPath, [path.join(here, "latencyProxy.mjs"), upstream, String(delayMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)).url);
    });
    child.on("exit", (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  cleanups.push(async () => {
    child.kill("SIGTERM");
  });
  return url;
}

async function startServer() {
  if (process.env.S3_TEST_ENDPOINT) {
    return {
      endpoint: process.env.S3_TEST_ENDPOINT,
      region: process.env.S3_TEST_REGION || "us-east-1",
      accessKeyId: process.env.S3_TEST_ACCESS_KEY || "TESTACCESSKEY",
      secretAccessKey: process.env.S3_TEST_SECRET_KEY || "TESTSECRETKEY123",
      kind: `S3_TEST_ENDPOINT ${process.env.S3_TEST_ENDPOINT}`,
    };
  }
  const dir = path.join(work, "rgw");
  const script = path.join(repo, "scripts", "s3-server.sh");
  const down = () => run("bash", [script, "down", dir], { stdio: ["ignore", "ignore", "inherit"] });
  cleanups.push(down);
  // A port found free can be taken again before the daemons bind it: one more try on new ports.
  for (let attempt = 1; ; attempt++) {
    const [port, mon] = [await freePort(), await freePort()];
    process.stderr.write(`starting radosgw on 127.0.0.1:${port} (about 15 s)...\n`);
    try {
      await run("bash", [script, "up", dir, String(port), String(mon)], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...childEnv, AK: "TESTACCESSKEY", SK: "TESTSECRETKEY123" },
      });
      const pids = ["client.rgw.test", "osd.0", "mon.a"].map((n) => Number(readFileSync(path.join(dir, "run", `${n}.pid`), "utf8").trim()));
      return {
        endpoint: `http://127.0.0.1:${port}`,
        region: "us-east-1",
        accessKeyId: "TESTACCESSKEY",
        secretAccessKey: "TESTSECRETKEY123",
        kind: "radosgw (scripts/s3-server.sh), memstore",
        pids,
      };
    } catch (e) {
      await down().catch(() => undefined);
      if (attempt >= 2) throw e;
      process.stderr.write(`  ${e.message}; trying again\n`);
    }
  }
}

async function bundle() {
  const bin = path.join(work, "bin");
  const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
  const common = { bundle: true, format: "cjs", target: "node20", logLevel: "warning", absWorkingDir: repo, sourcemap: false };
  // sharp is a native module: loaded from node_modules at run time, as the command-line tool does.
  await esbuild.build({
    ...common,
    entryPoints: [path.join(here, "workloads.ts")],
    platform: "node",
    external: ["sharp"],
    outfile: path.join(bin, "workloads.cjs"),
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(here, "plugin.ts")],
    platform: "browser",
    external: nodeBuiltins,
    outfile: path.join(bin, "plugin.cjs"),
  });
  // Node's side of the browser workload; the page it loads is bundled when it starts.
  await esbuild.build({
    ...common,
    entryPoints: [path.join(here, "browser.ts")],
    platform: "node",
    external: ["sharp", "puppeteer-core", "esbuild"],
    outfile: path.join(bin, "browser.cjs"),
  });
  return { workloads: path.join(bin, "workloads.cjs"), plugin: path.join(bin, "plugin.cjs"), browser: path.join(bin, "browser.cjs") };
}

function machine() {
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memTotalGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    memFreeGiB: Math.round((os.freemem() / 2 ** 30) * 10) / 10,
    loadAvg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

function commit() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "esbuild.config.mjs"], { cwd: repo, encoding: "utf8" }).trim() !== "";
    return dirty ? `${head} with uncommitted changes in src/` : head;
  } catch {
    return "unknown";
  }
}

const results = { date: new Date().toISOString(), commit: commit(), machine: machine() };
let failed = false;
try {
  const mainJs = readFileSync(path.join(repo, "main.js"));
  results.bundle = { bytes: mainJs.length, gzipBytes: gzipSync(mainJs, { level: 9 }).length };

  const bins = await bundle();
  const step = async (name, label, fn) => {
    if (!wanted(name)) return;
    const t0 = Date.now();
    process.stderr.write(`${label}...\n`);
    await fn();
    process.stderr.write(`  (${Math.round((Date.now() - t0) / 1000)} s)\n`);
  };

  await step("scan", "scanning pathological notes against an ordinary one", async () => {
    results.scan = await task(bins.workloads, "scan", { size: 1e6, reps: 9, growthSizes: [1e4, 1e5, 1e6], growthReps: 5 });
  });

  await step("convert", "converting a 4 MB photo with sharp", async () => {
    const c = await task(bins.workloads, "convert", { reps: 5 });
    results.convert = { webp1600Ms: c.webp1600.medianMs, webp1600SavedPercent: c.webp1600.savedPercent, detail: c };
  });

  await step("browser", "converting a 4 MB photo with the plugin's codec, and compiling main.js, in headless Chromium", async () => {
    const b = await task(bins.browser, "browser", { repo, reps: 5 });
    if (b.skipped) {
      process.stderr.write(`  skipped: ${b.skipped}\n`);
      results.browser = { skipped: b.skipped };
      return;
    }
    results.browser = {
      webp1600Ms: b.webp1600.worker.medianMs,
      webp1600SavedPercent: b.webp1600.worker.savedPercent,
      maxBlockMsWithWorker: Math.max(b.webp1600.worker.longestBlockMs, b.jpeg1600.worker.longestBlockMs),
      maxBlockMsWithoutWorker: Math.max(b.webp1600.mainThread.longestBlockMs, b.jpeg1600.mainThread.longestBlockMs),
      detail: b,
    };
    const c = await task(bins.browser, "compile", { mainJs: path.join(repo, "main.js"), reps: 15 });
    results.browser.compileMainJsMs = c.medianMs;
    results.browser.compile = c;
  });

  let s, setup, base, far, ocean, counting;
  if (SERVER_STEPS.some(wanted)) {
    const server = await startServer();
    results.server = server.kind;
    s = { ...server, bucket: `bench-${randomBytes(4).toString("hex")}` };
    delete s.kind;
    delete s.pids;
    setup = await task(bins.workloads, "setup", { server: s });
    const bucketOwner = s;
    cleanups.push(async () => {
      await task(bins.workloads, "teardown", { server: bucketOwner });
    });
    base = { server: s, endpoint: s.endpoint, root: path.join(work, "data"), serverPids: server.pids ?? [] };
    far = await startProxy(s.endpoint, LATENCY_MS);
    ocean = await startProxy(s.endpoint, OCEAN_MS);
    counting = await startProxy(s.endpoint, 0);
  }

  await step("hash", "hashing 8 MB", async () => {
    const h = await task(bins.workloads, "hash", { size: 8e6, reps: 9 });
    results.hash = { sha256MBps: h.sha256.MBps, md5MBps: h.md5.MBps, maxBlockMs: h.maxBlockMs, detail: h };
  });
  await step("index", "upload index file: 50,000 records", async () => {
    results.index = await task(bins.workloads, "index", { records: 50_000, reps: 9 });
  });
  await step("strip", "removing the metadata of a 4 MB phone photo", async () => {
    const r = await task(bins.workloads, "strip", { size: 4e6, reps: 15 });
    results.strip = { msPer4MBJpeg: r.medianMs, detail: r };
  });
  // Cold starts are quick, so a burst of load on the machine could hit all of them at once:
  // they are taken in three groups at different times of the run.
  const loadRuns = [];
  const loadGroup = (n) =>
    step("load", `loading main.js (cold, one process each, ${n} times)`, async () => {
      for (let i = 0; i < n; i++)
        loadRuns.push(await task(bins.plugin, "load", { server: s, mainJs: path.join(repo, "main.js"), manifest: path.join(repo, "manifest.json") }));
      const med = (k) => [...loadRuns.map((r) => r[k])].sort((a, b) => a - b)[loadRuns.length >> 1];
      results.load = { ms: med("ms"), evalMs: med("evalMs"), onloadMs: med("onloadMs"), runsMs: loadRuns.map((r) => r.ms) };
    });
  await loadGroup(5);
  await step("bulk", "bulk: 200 × 200 KB on loopback", async () => {
    results.bulk = await task(bins.workloads, "bulk", { ...base, label: "bulk", count: 200, size: 200_000, reps: 11, seqReps: 3, warmupRounds: 3 });
  });
  await step("fixture", "bulk: the Obsidian Help vault on loopback", async () => {
    results.bulk ??= {};
    // The Help vault lives beside the repository, not in it: a fresh clone has none.
    const fixture = path.resolve(process.env.S3IH_FIXTURES ?? path.join(repo, "../shared/fixtures"), "obsidian-help-en");
    if (!existsSync(fixture)) {
      process.stderr.write(`  skipped: the Obsidian Help vault is not at ${fixture} (set S3IH_FIXTURES to the folder holding obsidian-help-en)\n`);
      results.bulk.fixture = { skipped: `no fixture vault at ${fixture}` };
      return;
    }
    results.bulk.fixture = await task(bins.workloads, "fixture", { ...base, fixture, reps: 7, seqReps: 3, warmupRounds: 3 });
  });
  await step("tools", "bulk: 200 × 200 KB, whole processes: this tool, rclone, the AWS CLI", async () => {
    const t = await task(bins.workloads, "tools", {
      ...base,
      cli: path.join(repo, "dist", "cli.cjs"),
      count: 200,
      size: 200_000,
      reps: 5,
      confirmReps: 9,
      transfers: [4, 8, 16, 32],
    });
    results.bulk ??= {};
    results.bulk.tools = t;
    if (t.skipped) process.stderr.write(`  skipped: ${t.skipped}\n`);
    else results.bulk.ratioToRclone = t.ratioToRclone;
  });
  await step("cli", "command-line tool start-up (whole processes)", async () => {
    results.cli = { start: await task(bins.workloads, "cliStart", { ...base, cli: path.join(repo, "dist", "cli.cjs"), reps: 9 }) };
    results.cli.startMs = results.cli.start.ms;
  });
  await loadGroup(5);
  await step("latency", `bulk: 200 × 200 KB with ${LATENCY_MS} ms per request`, async () => {
    results.bulkLatency = {
      latencyMs: LATENCY_MS,
      ...(await task(bins.workloads, "bulk", { ...base, endpoint: far, label: "latency", count: 200, size: 200_000, reps: 3, seqReps: 2 })),
    };
  });
  await step("dedupe", "dedupe: a second run over the same images", async () => {
    results.dedupe = await task(bins.workloads, "dedupe", { ...base, endpoint: counting, count: 200, size: 200_000, reps: 5 });
  });
  await step("listing", "listing: 200 images already stored, from a fresh machine and again with its cache", async () => {
    const l = await task(bins.workloads, "listing", { ...base, endpoint: counting, count: 200, size: 200_000 });
    results.freshMachine = l.freshMachine;
    results.rerun = l.rerun;
  });
  await step("processed", "listing: 200 phone photos with metadata, stored without it, again with the cache", async () => {
    const l = await task(bins.workloads, "listing", { ...base, endpoint: counting, count: 200, size: 30_000, photos: true });
    results.rerun = { ...results.rerun, processed: l.rerun, processedRequests: l.rerun.requests };
  });
  await step("sweep", "concurrency sweep", async () => {
    const near = await task(bins.workloads, "sweep", {
      ...base,
      label: "loopback",
      count: 200,
      size: 200_000,
      levels: [1, 2, 4, 6, 8, 12, 16, 24, 32],
      reps: 3,
    });
    const farSweep = await task(bins.workloads, "sweep", {
      ...base,
      endpoint: far,
      label: `${LATENCY_MS} ms`,
      count: 96,
      size: 200_000,
      levels: [4, 6, 8, 12, 16, 24, 32],
      reps: 3,
    });
    const oceanSweep = await task(bins.workloads, "sweep", {
      ...base,
      endpoint: ocean,
      label: `${OCEAN_MS} ms`,
      count: 96,
      size: 200_000,
      levels: [6, 8, 12, 16, 24, 32],
      reps: 2,
    });
    results.concurrency = { default: setup.defaultConcurrency, loopback: near, [`latency${LATENCY_MS}ms`]: farSweep, [`latency${OCEAN_MS}ms`]: oceanSweep };
  });
  await step("paste", "paste: 1 MB and 8 MB through main.js", async () => {
    const p = await task(bins.plugin, "paste", {
      server: s,
      mainJs: path.join(repo, "main.js"),
      manifest: path.join(repo, "manifest.json"),
      sizes: [1e6, 8e6],
      reps: 9,
    });
    results.paste = { overheadMs1MB: p["1000000"].overheadMs, overheadMs8MB: p["8000000"].overheadMs, detail: p };
  });
  await step("memory", "memory: 16 × 20 MB and 50 × 4 MB through dist/cli.cjs", async () => {
    const args = { ...base, cli: path.join(repo, "dist", "cli.cjs"), preload: path.join(here, "peakRss.cjs") };
    const large = await task(bins.workloads, "memory", { ...args, count: 16, size: 20e6, reps: 3 });
    const m = await task(bins.workloads, "memory", { ...args, count: 50, size: 4e6, reps: 3 });
    const atMax = await task(bins.workloads, "memory", { ...args, count: 50, size: 4e6, reps: 2, concurrency: 32 });
    results.memory = {
      peakMB: large.peakMB,
      budgetMB: large.budgetMB,
      peakMB50x4MB: m.peakMB,
      peakMBAtConcurrency32: atMax.peakMB,
      detail: large,
      detail50x4MB: m,
      detailAtConcurrency32: atMax,
    };
  });
  await step("vault", "vault: 10,000 notes with 30,000 embeds of 15,000 images, whole root folder, through main.js", async () => {
    results.vault = await task(bins.plugin, "vault", {
      server: s,
      mainJs: path.join(repo, "main.js"),
      manifest: path.join(repo, "manifest.json"),
      root: base.root,
      notes: 10_000,
      images: 15_000,
      perNote: 3,
      imageBytes: 2_000,
    });
  });
  await loadGroup(5);
} catch (e) {
  failed = true;
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await cleanup();
}

results.durationS = Math.round((Date.now() - started) / 1000);
results.targets = targetsOf(results);
writeFileSync(path.join(repo, "bench-results.json"), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(renderTable(results));
process.stdout.write(`\nwrote bench-results.json (${results.durationS} s)\n`);
if (failed) process.exitCode = 1;

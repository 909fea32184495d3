/**
 * The benchmark's plugin workloads, run by bench.mjs in child processes: the built main.js
 * loaded as Obsidian loads it, over the test double of Obsidian's API (bundled here and
 * handed to main.js as its `obsidian` module), against the real S3 server.
 *
 * Bundled for the browser platform, so the SDK in the raw-PUT baseline is the same browser
 * build main.js carries; only the test double's own Node modules stay Node's.
 *
 *   node plugin.cjs TASK JSON_ARGS     prints `RESULT {...}` as its last line
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_CACHE_CONTROL, newProfile } from "../../src/core/settings/settingsModel";
import { RequestUrlHttpHandler } from "../../src/storage/requestUrlHandler";
import { fileOf, pasteEvent } from "../../tests/support/dataTransfer";
import * as obsidian from "../../tests/fakes/obsidian";
import { pasteVault, placeholdersIn, SECRET_NAMES, type PasteVault } from "../../tests/support/pasteVault";
import { requestUrl } from "../../tests/fakes/requestUrl";
import { evaluatePluginSource, OBSIDIAN_MODULES } from "../../tests/support/pluginLoader";
import { UPLOAD_INDEX_FILE } from "../../src/obsidian/uploadIndexStore";
import { freshCopy, indexFileText, log, median, now, randomPng, round, runTask, type ServerInfo } from "./common";

interface LoadedPlugin {
  load(): void | Promise<void>;
  unload(): void;
}

/**
 * Evaluates main.js the way Obsidian does (tests/support/pluginLoader.ts) and constructs the
 * plugin. Returns the time each step took.
 */
function evaluatePlugin(manifest: obsidian.PluginManifest, code: string, app: obsidian.App, modules = OBSIDIAN_MODULES) {
  const t0 = now();
  const exports = evaluatePluginSource(code, manifest.id, modules);
  const t1 = now();
  const PluginClass = exports.default as new (app: obsidian.App, manifest: obsidian.PluginManifest) => LoadedPlugin;
  const plugin = new PluginClass(app, manifest);
  return { plugin, evalMs: t1 - t0, startedAt: t0 };
}

async function vaultWithPlugin(server: ServerInfo, manifestFile: string): Promise<{ v: PasteVault; manifest: obsidian.PluginManifest }> {
  const v = await pasteVault({ credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  return { v, manifest: await writePluginData(v.dir, server, manifestFile) };
}

/** The plugin's data.json in the vault at `dir`: one profile for `server`, whose secrets `SECRET_NAMES` name. */
async function writePluginData(dir: string, server: ServerInfo, manifestFile: string): Promise<obsidian.PluginManifest> {
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as obsidian.PluginManifest;
  const profile = {
    ...newProfile("generic", "bench"),
    name: "Bench",
    endpoint: server.endpoint,
    region: server.region,
    bucket: server.bucket,
    forcePathStyle: true,
    accessKeyIdSecret: SECRET_NAMES.accessKeyId,
    secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
  };
  const dataFile = path.join(dir, `.obsidian/plugins/${manifest.id}/data.json`);
  fs.mkdirSync(path.dirname(dataFile), { recursive: true });
  fs.writeFileSync(dataFile, JSON.stringify({ profiles: [profile], activeProfileId: profile.id }));
  // An upload index of 50,000 records beside it, as after years of use: start-up must not read it.
  fs.writeFileSync(path.join(path.dirname(dataFile), UPLOAD_INDEX_FILE), await indexFileText(50_000, profile));
  return manifest;
}

/** Pastes `bytes` as a screenshot and resolves with the milliseconds until the editor holds its link. */
function pasteTimer(v: PasteVault) {
  let waiting: { resolve: (t: number) => void } | undefined;
  v.view.editor.onChange((editor) => {
    const text = editor.getValue();
    if (waiting && placeholdersIn(text).length === 0 && /\]\(https?:[^)]+\)/.test(text)) {
      const w = waiting;
      waiting = undefined;
      w.resolve(now());
    }
  });
  return async (bytes: Uint8Array): Promise<number> => {
    v.view.editor.setValue("");
    const evt = pasteEvent({ files: [fileOf(bytes, "image.png", "image/png")] });
    const linked = new Promise<number>((resolve, reject) => {
      waiting = { resolve };
      setTimeout(() => reject(new Error(`no link after 30 s; notices: ${obsidian.Notice.messages.join(" | ")}`)), 30_000).unref();
    });
    const t0 = now();
    const outcome = await obsidian.dispatchEditorInput(v.app, "paste", evt, v.view);
    if (outcome !== "handled-by-plugin") throw new Error("the plugin did not take the paste");
    return (await linked) - t0;
  };
}

/** Paste → link in the editor, against one PUT of the same size through the same transport. */
async function paste(a: { server: ServerInfo; mainJs: string; manifest: string; sizes: number[]; reps: number }) {
  const { v, manifest } = await vaultWithPlugin(a.server, a.manifest);
  const { plugin } = evaluatePlugin(manifest, fs.readFileSync(a.mainJs, "utf8"), v.app);
  await plugin.load();
  const pasteOnce = pasteTimer(v);

  const client = new S3Client({
    endpoint: a.server.endpoint,
    region: a.server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: a.server.accessKeyId, secretAccessKey: a.server.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
    followRegionRedirects: false,
    requestHandler: new RequestUrlHttpHandler(requestUrl),
  });
  let n = 0;
  const rawPut = async (bytes: Uint8Array): Promise<number> => {
    const t0 = now();
    await client.send(
      new PutObjectCommand({
        Bucket: a.server.bucket,
        Key: `bench/raw-${process.pid}-${n++}.png`,
        Body: bytes,
        ContentType: "image/png",
        CacheControl: DEFAULT_CACHE_CONTROL,
      }),
    );
    return now() - t0;
  };

  // The first paste loads the SDK and builds the uploader; the first raw PUT warms its client.
  const firstPasteMs = await pasteOnce(randomPng(200_000));
  const secondPasteMs = await pasteOnce(randomPng(200_000));
  await rawPut(randomPng(200_000));

  const result: Record<string, unknown> = { firstPasteMs: round(firstPasteMs, 1), secondPasteMs: round(secondPasteMs, 1) };
  for (const size of a.sizes) {
    const pastes: number[] = [];
    const raws: number[] = [];
    await pasteOnce(randomPng(size));
    for (let r = 0; r < a.reps; r++) {
      // Fresh bytes every time: the same image twice would be linked, not uploaded.
      const [x, y] = [randomPng(size), randomPng(size)];
      if (r % 2 === 0) {
        pastes.push(await pasteOnce(x));
        raws.push(await rawPut(y));
      } else {
        raws.push(await rawPut(y));
        pastes.push(await pasteOnce(x));
      }
    }
    const p = median(pastes);
    const q = median(raws);
    result[String(size)] = {
      pasteMs: round(p, 1),
      rawPutMs: round(q, 1),
      overheadMs: round(p - q, 1),
      pasteRunsMs: pastes.map((x) => round(x, 1)),
      rawRunsMs: raws.map((x) => round(x, 1)),
    };
    log(`paste ${size / 1e6} MB: paste ${round(p, 1)} ms, raw PUT ${round(q, 1)} ms`);
  }
  if (obsidian.Notice.messages.length > 0) throw new Error(`notices during the paste benchmark: ${obsidian.Notice.messages.join(" | ")}`);
  plugin.unload();
  client.destroy();
  v.cleanup();
  return result;
}

/**
 * A vault of `notes` notes embedding `images` distinct small images, each `perNote` times
 * per note, every image linked from two notes far apart (note i and note i + notes/2), in
 * folders of 100 notes and 1,000 images; wiki embeds by name and markdown embeds by
 * relative path. Made once, reused through fresh copies.
 */
function scaleVaultTemplate(root: string, a: { notes: number; images: number; perNote: number; imageBytes: number }): string {
  const dir = path.join(root, `scale-vault-${a.notes}x${a.images}`);
  if (fs.existsSync(dir)) return dir;
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const imagePath = (j: number) => `attachments/${String(Math.floor(j / 1000)).padStart(2, "0")}/img-${String(j).padStart(5, "0")}.png`;
  for (let j = 0; j < a.images; j++) {
    const p = path.join(tmp, imagePath(j));
    if (j % 1000 === 0) fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, randomPng(a.imageBytes));
  }
  const filler = "Some words about the day, a list of things to do, and a [[link to another note]] or two. ".repeat(6);
  for (let i = 0; i < a.notes; i++) {
    const folder = `notes/${String(Math.floor(i / 100)).padStart(3, "0")}`;
    if (i % 100 === 0) fs.mkdirSync(path.join(tmp, folder), { recursive: true });
    const lines = [`# Note ${i}`, ""];
    for (let k = 0; k < a.perNote; k++) {
      const j = (i * a.perNote + k) % a.images;
      const embed = k % 2 === 0 ? `![[${path.basename(imagePath(j))}]]` : `![figure ${k}](${encodeURI(`../../${imagePath(j)}`)})`;
      lines.push(filler, "", `- item ${k}: ${embed}`, "");
    }
    fs.writeFileSync(path.join(tmp, folder, `Note ${i}.md`), lines.join("\n"));
  }
  fs.renameSync(tmp, dir);
  return dir;
}

/** Peak resident memory of this process since the last reset (Linux), in MB, or null. */
function peakRssMB(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU milliseconds this process's main thread has used (Linux, 10 ms ticks), or null. */
function mainThreadCpuMs(): number | null {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Starts counting peak memory from now (Linux: clears the high-water mark); false when it cannot. */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * "Upload all local images in this folder" on the vault's root, through main.js and the
 * test double, against the real S3 server: time to the first PUT, the longest the event
 * loop was held (a 5 ms timer's lateness), the longest gap between progress notices, peak
 * memory, and the whole run.
 */
async function vaultRun(a: {
  server: ServerInfo;
  mainJs: string;
  manifest: string;
  root: string;
  notes: number;
  images: number;
  perNote: number;
  imageBytes: number;
}) {
  const t0Make = now();
  const template = scaleVaultTemplate(a.root, a);
  log(`vault: template ready in ${round((now() - t0Make) / 1000, 1)} s`);
  const dir = freshCopy(template, a.root, "scale");
  // The plugin times its batches with `window.setTimeout`, as Obsidian gives it a window;
  // here Node's timers stand in for it.
  (globalThis as { window?: unknown }).window ??= globalThis;
  {
    const app = obsidian.createFakeApp(dir);
    app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, a.server.accessKeyId);
    app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, a.server.secretAccessKey);
    const manifest = await writePluginData(dir, a.server, a.manifest);

    // The first PUT is seen where main.js hands it to Obsidian's transport.
    let firstPutAt: number | undefined;
    let puts = 0;
    const watchedRequestUrl: typeof requestUrl = (param) => {
      if (typeof param !== "string" && param.method === "PUT") {
        puts++;
        firstPutAt ??= now();
      }
      return requestUrl(param);
    };
    const modules = { ...OBSIDIAN_MODULES, obsidian: { ...obsidian, requestUrl: watchedRequestUrl } };
    const { plugin } = evaluatePlugin(manifest, fs.readFileSync(a.mainJs, "utf8"), app, modules);
    await plugin.load();

    const progressAt: number[] = [];
    const setMessage = obsidian.Notice.prototype.setMessage;
    obsidian.Notice.prototype.setMessage = function (this: obsidian.Notice, message) {
      progressAt.push(now());
      return setMessage.call(this, message);
    };
    let lastProgressText = "";
    let scanningProgressText = "";
    const summary = new Promise<string>((resolve) => {
      let seen = 0;
      const poll = setInterval(() => {
        const m = obsidian.Notice.messages;
        for (; seen < m.length; seen++) {
          if (m[seen].startsWith("Uploading")) lastProgressText = m[seen];
          if (scanningProgressText === "" && m[seen].includes("found so far")) scanningProgressText = m[seen];
          if (m[seen].startsWith("Upload all local images")) {
            clearInterval(poll);
            resolve(m[seen]);
          }
        }
      }, 50);
    });

    const menu = new obsidian.Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("/"), "file-explorer");
    const item = menu.items.find((i) => i.title === "Upload all local images in this folder");
    if (!item?.callback) throw new Error('no "Upload all local images in this folder" item in the root folder\'s menu');

    (globalThis as { gc?: () => void }).gc?.();
    const peakCounted = resetPeakRss();
    let peakSampledMB = process.memoryUsage().rss / 2 ** 20;
    let t0 = now();
    // Each gap between two turns of a 5 ms timer, beyond its 5 ms, and the CPU time the main
    // thread used in it (Linux, in 10 ms ticks): on a shared machine a gap is also the time
    // other processes held the cores, so the event loop was held by this process for the
    // main thread's CPU time in the gap, at most, and the gap itself is the lag it saw.
    let maxLagMs = 0;
    let maxBlockMs = 0;
    const longest: { atMs: number; lagMs: number; mainThreadCpuMs: number | null }[] = [];
    let expected = now() + 5;
    let cpu = mainThreadCpuMs();
    let probing = true;
    const probe = (): void => {
      const t = now();
      const lag = t - expected;
      const c = mainThreadCpuMs();
      const used = c !== null && cpu !== null ? c - cpu : null;
      cpu = c;
      maxLagMs = Math.max(maxLagMs, lag);
      maxBlockMs = Math.max(maxBlockMs, used === null ? lag : Math.min(lag, used));
      if (lag > 20) {
        longest.push({ atMs: round(t - t0, 0), lagMs: round(lag, 1), mainThreadCpuMs: used });
        longest.sort((x, y) => y.lagMs - x.lagMs).splice(8);
      }
      peakSampledMB = Math.max(peakSampledMB, process.memoryUsage().rss / 2 ** 20);
      expected = t + 5;
      if (probing) setTimeout(probe, 5);
    };
    setTimeout(probe, 5);

    t0 = now();
    item.callback({} as MouseEvent);
    const text = await summary;
    const ms = now() - t0;
    probing = false;
    obsidian.Notice.prototype.setMessage = setMessage;
    const peakMB = (peakCounted ? peakRssMB() : null) ?? peakSampledMB;

    const counts = /(\d+) uploaded, (\d+) already in the bucket; (\d+) links? rewritten, (\d+) skipped, (\d+) failed/.exec(text);
    if (!counts) throw new Error(`vault: unexpected summary: ${text.slice(0, 300)}`);
    const [uploaded, reused, rewritten, skipped, failed] = counts.slice(1).map(Number);
    const embeds = a.notes * a.perNote;
    if (uploaded + reused !== a.images || rewritten !== embeds || failed !== 0) {
      throw new Error(`vault: expected ${a.images} images and ${embeds} links rewritten, got: ${text.slice(0, 300)}`);
    }
    const gaps = [t0, ...progressAt.filter((t) => t >= t0), t0 + ms].map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]));
    plugin.unload();
    const result = {
      notes: a.notes,
      embeds,
      images: a.images,
      imageBytes: a.imageBytes,
      ms: round(ms, 0),
      firstPutMs: firstPutAt === undefined ? null : round(firstPutAt - t0, 1),
      puts,
      peakMB: round(peakMB, 1),
      peakMeasuredBy: peakCounted ? "VmHWM" : "rss samples every 5 ms",
      maxBlockMs: round(maxBlockMs, 1),
      maxBlockMeasuredBy: cpu === null ? "timer lag" : "main-thread CPU within timer gaps",
      maxLagMs: round(maxLagMs, 1),
      longestLags: longest,
      progressUpdates: progressAt.length,
      maxProgressGapMs: round(Math.max(...gaps), 0),
      filesPerS: round((a.images / ms) * 1000, 1),
      report: { uploaded, reused, rewritten, skipped, failed },
      scanningProgressText,
      lastProgressText,
    };
    log(`vault: ${JSON.stringify(result)}`);
    // The copy stays until the benchmark's scratch folder is removed: the plugin may still
    // save its settings (the upload index) there after the run.
    return result;
  }
}

/** One cold start: evaluate main.js and run `onload()`, in a process that has not seen it yet. */
async function load(a: { server: ServerInfo; mainJs: string; manifest: string }) {
  const { v, manifest } = await vaultWithPlugin(a.server, a.manifest);
  const code = fs.readFileSync(a.mainJs, "utf8");
  const { plugin, evalMs, startedAt } = evaluatePlugin(manifest, code, v.app);
  await plugin.load();
  const ms = now() - startedAt;
  plugin.unload();
  v.cleanup();
  return { ms: round(ms, 2), evalMs: round(evalMs, 2), onloadMs: round(ms - evalMs, 2) };
}

void runTask({ paste, load, vault: vaultRun }).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

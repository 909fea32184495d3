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
import * as vm from "node:vm";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as cmState from "@codemirror/state";
import * as cmView from "@codemirror/view";
import { DEFAULT_CACHE_CONTROL, newProfile } from "../../src/core/settings/settingsModel";
import { RequestUrlHttpHandler } from "../../src/storage/requestUrlHandler";
import { fileOf, pasteEvent } from "../../tests/support/dataTransfer";
import * as obsidian from "../../tests/fakes/obsidian";
import { pasteVault, placeholdersIn, SECRET_NAMES, type PasteVault } from "../../tests/support/pasteVault";
import { requestUrl } from "../../tests/fakes/requestUrl";
import { UPLOAD_INDEX_FILE } from "../../src/obsidian/uploadIndexStore";
import { indexFileText, log, median, now, randomPng, round, runTask, type ServerInfo } from "./common";

interface LoadedPlugin {
  load(): void | Promise<void>;
  unload(): void;
}

/**
 * The modules Obsidian hands to a plugin's `require`: its API, and the CodeMirror 6 packages
 * its editor is built on (the same copies the test double's editor uses).
 */
const provided: Record<string, unknown> = { obsidian, "@codemirror/state": cmState, "@codemirror/view": cmView };

/**
 * Evaluates main.js the way Obsidian does (a CommonJS function whose `require` serves the
 * modules Obsidian provides) and constructs the plugin. Returns the time each step took.
 */
function evaluatePlugin(mainJs: string, code: string, app: obsidian.App, manifest: obsidian.PluginManifest) {
  const t0 = now();
  const fn = vm.runInThisContext(`(function (require, module, exports) {${code}\n})`, { filename: mainJs }) as (
    r: (id: string) => unknown,
    m: { exports: Record<string, unknown> },
    e: Record<string, unknown>,
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  fn(
    (id) => {
      if (id in provided) return provided[id];
      throw new Error(`main.js required "${id}", which Obsidian does not provide`);
    },
    module,
    module.exports,
  );
  const t1 = now();
  const PluginClass = module.exports.default as new (app: obsidian.App, manifest: obsidian.PluginManifest) => LoadedPlugin;
  const plugin = new PluginClass(app, manifest);
  return { plugin, evalMs: t1 - t0, startedAt: t0 };
}

async function vaultWithPlugin(server: ServerInfo, manifestFile: string): Promise<{ v: PasteVault; manifest: obsidian.PluginManifest }> {
  const v = await pasteVault({ credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
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
  const dataFile = path.join(v.dir, `.obsidian/plugins/${manifest.id}/data.json`);
  fs.mkdirSync(path.dirname(dataFile), { recursive: true });
  fs.writeFileSync(dataFile, JSON.stringify({ profiles: [profile], activeProfileId: profile.id }));
  // An upload index of 50,000 records beside it, as after years of use: start-up must not read it.
  fs.writeFileSync(path.join(path.dirname(dataFile), UPLOAD_INDEX_FILE), await indexFileText(50_000, profile));
  return { v, manifest };
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
  const { plugin } = evaluatePlugin(a.mainJs, fs.readFileSync(a.mainJs, "utf8"), v.app, manifest);
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

/** One cold start: evaluate main.js and run `onload()`, in a process that has not seen it yet. */
async function load(a: { server: ServerInfo; mainJs: string; manifest: string }) {
  const { v, manifest } = await vaultWithPlugin(a.server, a.manifest);
  const code = fs.readFileSync(a.mainJs, "utf8");
  const { plugin, evalMs, startedAt } = evaluatePlugin(a.mainJs, code, v.app, manifest);
  await plugin.load();
  const ms = now() - startedAt;
  plugin.unload();
  v.cleanup();
  return { ms: round(ms, 2), evalMs: round(evalMs, 2), onloadMs: round(ms - evalMs, 2) };
}

void runTask({ paste, load }).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

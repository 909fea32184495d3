/**
 * `s3-image-hosting download`: the download engine (core/download) over files on disk. Images
 * are fetched with Node's fetch, saved at the vault path they were uploaded from when the
 * upload index (`--cache`) remembers it and it is free, else where Obsidian would save a new
 * attachment (or in `--attachments`), and linked in the vault's link style, both read from
 * `.obsidian/app.json`.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { downloadNotes, type DownloadReport } from "../core/download/downloadEngine";
import type { ImageSource } from "../core/download/servedFrom";
import { attachmentFolder, vaultConfig, vaultEmbed, type LinkStyle } from "../core/download/vaultLinks";
import { bucketScope, buildPublicUrl } from "../core/link/publicUrl";
import type { Profile } from "../core/types";
import { parseHttpUrl } from "../core/link/httpUrl";
import { DEFAULT_KEY_TEMPLATE } from "../core/prepare/keyTemplate";
import { baseName, extensionOf, fileStem } from "../core/paths";
import { DEFAULT_SETTINGS } from "../core/settings/settingsModel";
import { UsageError, type CliArgs } from "./args";
import { buildProfile, defaultCachePath, loadConfigFile, type Env } from "./config";
import { openUploadCache } from "./cache";
import { homedir } from "node:os";
import { errorCode, fsReason } from "./fsErrors";
import { collectNotes, createFsPorts, readsCanvases, toVaultPath, walkFiles } from "./fsPorts";
import { workingRoot } from "./siteRoot";
import { escapeControls, type TerminalText } from "./terminalText";
import { openToolFolder } from "./toolFolder";
import { nodeFetch } from "./nodeFetch";
import type { ImageUploader } from "../core/ports";

/** Runs `download`; returns the exit code (0 nothing failed, 1 something did, 130 stopped). */
export async function runDownload(args: CliArgs, io: { signal?: AbortSignal; env?: Env }, out: TerminalText): Promise<number> {
  const sources = await sourcesFor(args);
  // Read only: a download records nothing. Without bucket settings no source has a scope to look in.
  const uploads = sources.some((s) => s.scope !== undefined)
    ? (await openUploadCache(args.cache ?? defaultCachePath(io.env ?? {}, homedir()))).index
    : undefined;

  const vault = await workingRoot(args.vault, args.paths, "obsidian");
  const obsidian = await fs.stat(path.join(vault, ".obsidian")).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const config = obsidian ? vaultConfig(await fs.readFile(path.join(vault, ".obsidian", "app.json"), "utf8").catch(() => undefined)) : undefined;
  // Outside Obsidian the image goes beside the note, linked by its name as markdown does.
  const style: LinkStyle = config?.style ?? { markdown: true, format: "relative" };
  let folderFor = (note: string): string => attachmentFolder(config?.attachmentFolderPath ?? "./", note);
  if (args.attachments !== undefined) {
    const abs = path.resolve(args.attachments);
    const rel = path.relative(vault, abs);
    if (rel.startsWith("..") || path.isAbsolute(rel))
      throw new UsageError(`--attachments ${args.attachments} is not inside the vault ${vault}; the notes could not link to it.`);
    const folder = toVaultPath(vault, abs);
    folderFor = () => folder;
  }

  const vaultFiles = await walkFiles(vault).catch((e: unknown) => {
    throw new UsageError(`The vault folder ${vault} cannot be read (${fsReason(e)}).`);
  });
  const canvases = readsCanvases(obsidian || args.site === "obsidian", args.paths, vault, "folder of notes");
  const notes = await collectNotes(vault, args.paths, vaultFiles, undefined, { canvases });
  const names = new Map<string, number>();
  const countName = (p: string): void => {
    const n = baseName(p).toLowerCase();
    names.set(n, (names.get(n) ?? 0) + 1);
  };
  vaultFiles.forEach(countName);

  const toolFolder = args.dryRun ? undefined : await openToolFolder(vault);
  let report: DownloadReport;
  try {
    const notePorts = createFsPorts(vault, vaultFiles, NO_UPLOADS, { temps: toolFolder?.temps });
    report = await downloadNotes(
      notes,
      {
        readNote: (note) => notePorts.readNote(note),
        rewriteNote: (note, edit) => notePorts.rewriteNote(note, edit),
        fetch: nodeFetch,
        async save(bytes, name, note, uploadedFrom) {
          const saved =
            (uploadedFrom !== undefined ? await saveBack(vault, uploadedFrom, bytes) : undefined) ?? (await saveNew(vault, folderFor(note), name, bytes));
          countName(saved);
          return saved;
        },
        embedFor: (file, note, alias, title) => vaultEmbed(file, note, alias, style, names.get(baseName(file).toLowerCase()) ?? 1, title),
      },
      { sources, allRemote: args.allRemote, concurrency: args.concurrency ?? DEFAULT_SETTINGS.concurrency, dryRun: args.dryRun, signal: io.signal, uploads },
    );
  } finally {
    toolFolder?.close();
  }

  out.write(args.json ? `${JSON.stringify(downloadJson(report))}\n` : downloadText(report, notes.length, args.dryRun));
  if (io.signal?.aborted) return 130;
  return report.failed > 0 ? 1 : 0;
}

/**
 * The public URL prefixes to download from: each `--public-url`, else the one the bucket
 * settings (config file and flags) give. The key template, for checking hashes, comes from
 * the same settings.
 */
async function sourcesFor(args: CliArgs): Promise<ImageSource[]> {
  const config = args.config === undefined ? undefined : await loadConfigFile(args.config);
  const template = args.profile.keyTemplate ?? (typeof config?.keyTemplate === "string" ? config.keyTemplate : undefined) ?? DEFAULT_KEY_TEMPLATE;
  const settings = config !== undefined || Object.keys(args.profile).length > 0;
  if (args.publicUrls.length > 0) {
    // The bucket settings, when given too, say where the upload index filed these images.
    const scope = settings ? scopeOf(() => buildProfile(config, args)) : undefined;
    return args.publicUrls.map((url) => {
      if (!parseHttpUrl(url)) throw new UsageError(`--public-url ${url} is not an http(s) URL.`);
      return { prefix: `${url.replace(/\/+$/, "")}/`, keyTemplate: template, ...(scope !== undefined && { scope }) };
    });
  }
  if (!settings) {
    throw new UsageError("Say where the images are served from: --public-url URL (repeat it for several), or the bucket settings with --config FILE.");
  }
  const profile = buildProfile(config, args);
  return [{ prefix: buildPublicUrl(profile, ""), keyTemplate: profile.keyTemplate, ...(profile.endpoint.trim() !== "" && { scope: bucketScope(profile) }) }];
}

/** The upload index scope of the bucket settings, or undefined when they name no endpoint (only a public URL). */
function scopeOf(profile: () => Profile): string | undefined {
  try {
    const p = profile();
    return p.endpoint.trim() !== "" && p.bucket.trim() !== "" ? bucketScope(p) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts `bytes` at the vault path they were uploaded from: a new file when the path is free
 * (its folders made as needed), or the file there when it holds these same bytes. Undefined
 * when something else has the path (then the image goes where new attachments go); never
 * replaces a file.
 */
async function saveBack(vault: string, from: string, bytes: Uint8Array): Promise<string | undefined> {
  const file = path.join(vault, ...from.split("/"));
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    // "wx": the file is made by this call or not at all.
    await fs.writeFile(file, bytes, { flag: "wx" });
    return from;
  } catch (e) {
    if (errorCode(e) !== "EEXIST") return undefined;
  }
  const there = await fs.readFile(file).catch(() => undefined);
  return there?.equals(bytes) === true ? from : undefined;
}

/**
 * Writes `bytes` to a new file named `name` in the vault folder `folder` (created if
 * missing), or `name 1`, `name 2`… as Obsidian names a new attachment when the name is
 * taken, compared without case. Never replaces a file. Returns its vault path.
 */
async function saveNew(vault: string, folder: string, name: string, bytes: Uint8Array): Promise<string> {
  const dir = path.join(vault, ...folder.split("/").filter(Boolean));
  await fs.mkdir(dir, { recursive: true });
  const taken = new Set((await fs.readdir(dir)).map((n) => n.toLowerCase()));
  const ext = extensionOf(name);
  const stem = fileStem(name);
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? name : `${stem} ${i}${ext ? `.${ext}` : ""}`;
    if (taken.has(candidate.toLowerCase())) continue;
    try {
      // "wx": the file is made by this call or not at all, so nothing there is replaced.
      await fs.writeFile(path.join(dir, candidate), bytes, { flag: "wx" });
      return folder === "" ? candidate : `${folder}/${candidate}`;
    } catch (e) {
      if (errorCode(e) !== "EEXIST") throw new Error(`the image could not be saved in ${folder || "the vault root"} (${fsReason(e)})`);
    }
  }
}

/** The notes' own ports carry an uploader; a download never uploads. */
const NO_UPLOADS: ImageUploader = { upload: () => Promise.reject(new Error("a download uploads nothing")) };

/** The `--json` output: exactly these keys. */
export function downloadJson(r: DownloadReport): object {
  return {
    downloaded: r.downloaded,
    rewritten: r.rewritten,
    skipped: r.skipped,
    failed: r.failed,
    failures: r.failures.map((f) => ({ note: f.note, link: f.link, code: f.code, message: f.message })),
  };
}

/** The terminal output: counts, the files saved, then what was skipped and what failed. */
export function downloadText(r: DownloadReport, noteCount: number, dryRun: boolean): string {
  const notes = `${noteCount} ${noteCount === 1 ? "note" : "notes"} scanned`;
  const lines: string[] = [];
  if (dryRun) {
    lines.push("Dry run: nothing was downloaded and no note was changed.");
    lines.push(`${notes}; ${r.files.length} ${r.files.length === 1 ? "image" : "images"} would be downloaded:`);
    lines.push(...r.files.map((f) => `  ${f.url}`));
  } else {
    lines.push(
      `${notes}: ${r.downloaded} downloaded; ${r.rewritten} ${r.rewritten === 1 ? "link" : "links"} rewritten, ${r.skipped} skipped, ${r.failed} failed.`,
    );
    for (const f of r.files) if (f.path !== undefined) lines.push(`  ${f.url} → ${f.path}${f.verified ? "" : " (not checked: nothing named its SHA-256)"}`);
    const skipped = r.skippedLinks.filter((s) => s.reason !== "dry run");
    if (skipped.length > 0) lines.push("Skipped:", ...skipped.map((s) => `  ${s.note}: ${s.link} — ${s.reason}`));
  }
  if (r.failures.length > 0) lines.push("Failed:", ...r.failures.map((f) => `  ${f.note}${f.link ? `: ${f.link}` : ""} — ${f.message}`));
  return `${lines.map(escapeControls).join("\n")}\n`;
}

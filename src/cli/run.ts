import { promises as fs } from "node:fs";
import { homedir } from "node:os";
import { clearTimeout, setTimeout } from "node:timers";
import * as path from "node:path";
import { errorText, isUploadError, UploadError } from "../core/errors";
import type { ScanOptions } from "../core/markdown";
import type { ImageUploader } from "../core/ports";
import { migrateNotes, type MigrationProgress, type MigrationReport, type RemoteOptions } from "../core/migrate/engine";
import { buildPublicUrl } from "../core/link/publicUrl";
import { nodeFetch } from "./nodeFetch";
import { cliNoteRule } from "./noteRule";
import { DESKTOP_BYTES_IN_FLIGHT } from "../core/migrate/memoryBudget";
import { migrationCounts, migrationDetails, progressCount } from "../core/migrate/summary";
import { maxUploadBytes } from "../core/settings/settingsModel";
import { profileTransform } from "../core/prepare/transform";
import { migrateSettings } from "../core/settings/storedSettings";
import { MAX_SIZE_HINT, parseArgs, UsageError, type CliArgs } from "./args";
import { helpText } from "./help";
import { openUploadCache } from "./cache";
import { buildProfile, credentialsFromEnv, defaultCachePath, linkStyleFrom, loadConfigFile, UnsendableCredentials, type Env } from "./config";
import { fsReason } from "./fsErrors";
import { collectNotes, createFsPorts, readsCanvases, toVaultPath, walkFiles } from "./fsPorts";
import { inBuildOutput } from "../core/sites/siteTypes";
import { openSite, type Site, workingRoot } from "./siteRoot";
import { LockHeldError } from "./lock";
import { escapeControls, TerminalText } from "./terminalText";
import { openToolFolder } from "./toolFolder";
import { UnreadableFolders } from "./vaultFolders";

/** What the tool may touch of its process: streams, environment, stop signal. */
export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Env;
  /** Aborts a run gracefully (Ctrl-C): uploads in flight finish and their links are written. */
  signal?: AbortSignal;
  version?: string;
  /** The clock `orphans` measures an image's age by; the system's when left out. */
  now?: () => Date;
}

/**
 * The tool rewrites notes after this many finished files, or once a second, whichever comes
 * first. No editor waits on its writes (the engine's default of 128 keeps a batch short for
 * Obsidian's), and each write of a long note rescans it whole: at 128, the 200-image note of
 * the benchmark was written twice in a run (at 128 files and at the end), at 10 to 15 ms of
 * CPU each.
 */
const CLI_FLUSH_EVERY = 1000;

/** Exit codes: nothing failed, something failed, bad usage or settings (or the vault busy with another run), stopped by the user. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The process's streams as the tool writes to them: every character a person sees goes through `TerminalText`. */
interface Terminal {
  out: TerminalText;
  err: TerminalText;
}

/**
 * Runs `s3-image-hosting` with `argv` (the arguments after the script name) and returns the
 * exit code. Never throws for a user's mistake and never prints a stack trace or a credential.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const term: Terminal = { out: new TerminalText(io.stdout), err: new TerminalText(io.stderr) };
  try {
    const args = parseArgs(argv);
    if (args.command === "help") {
      term.out.write(`${helpText(args.topic)}\n`);
      return EXIT.ok;
    }
    if (args.command === "version") {
      term.out.write(`${io.version ?? "unknown"}\n`);
      return EXIT.ok;
    }
    if (args.command === "doctor") return await doctor(args, io, term);
    if (args.command === "download") return await (await import("./download")).runDownload(args, io, term.out);
    if (args.command === "delete" || args.command === "orphans" || args.command === "relink" || args.command === "copy") {
      const lifecycle = await import("./lifecycle");
      const lio = { out: term.out, err: term.err, env: io.env, now: io.now ?? (() => new Date()) };
      if (args.command === "delete") return await lifecycle.deleteCommand(args, lio);
      if (args.command === "orphans") return await lifecycle.orphansCommand(args, lio);
      if (args.command === "copy") return await lifecycle.copyCommand(args, lio);
      return await lifecycle.relinkCommand(args, lio);
    }
    return await upload(args, io, term);
  } catch (e) {
    if (e instanceof UsageError || e instanceof LockHeldError) {
      term.err.write(`s3-image-hosting: ${e.message}\n`);
      return EXIT.usage;
    }
    if (isUploadError(e)) {
      // Raised before any upload (settings the uploader cannot work with).
      term.err.write(`s3-image-hosting: ${e.toUserText()}\n`);
      return e.code === "InvalidSettings" || e.code === "MissingCredentials" ? EXIT.usage : EXIT.failed;
    }
    term.err.write(`s3-image-hosting: ${errorText(e)}\n`);
    return EXIT.failed;
  }
}

/** `doctor`: checks the settings offline, then uploads, fetches and deletes a probe image. */
async function doctor(args: CliArgs, io: CliIO, term: Terminal): Promise<number> {
  const config = args.config === undefined ? undefined : await loadConfigFile(args.config);
  const profile = buildProfile(config, args);
  // Missing credentials are one of the things the diagnostics explain, not a usage error.
  let credentials;
  try {
    credentials = credentialsFromEnv(io.env);
  } catch (e) {
    if (e instanceof UnsendableCredentials) throw e;
    credentials = undefined;
  }
  // Loaded here, not at start-up: `--help`, `--version` and dry runs never need the S3 SDK.
  const { runDoctor } = await import("./doctor");
  return runDoctor(profile, credentials, term.out);
}

async function upload(args: CliArgs, io: CliIO, term: Terminal): Promise<number> {
  const config = args.config === undefined ? undefined : await loadConfigFile(args.config);
  // A dry run talks to no server, so it needs no bucket settings: they are checked only for a real run.
  const profile = args.dryRun ? undefined : buildProfile(config, args);
  const linkStyle = linkStyleFrom(config, args);
  const defaults = migrateSettings(undefined);

  const vault = await workingRoot(args.vault, args.paths, args.site);
  const out = args.out === undefined ? undefined : await outFolder(args.out, vault);
  const unreadable = new UnreadableFolders(vault, args.paths, (line) => term.err.write(`s3-image-hosting: ${line}\n`));
  const walked = await walkFiles(vault, vault, unreadable.skip).catch((e: unknown) => {
    throw new UsageError(`The vault folder ${vault} cannot be read (${fsReason(e)}).`);
  });
  const outRel = out === undefined ? undefined : path.relative(vault, out);
  const outInside =
    outRel !== undefined && outRel !== "" && !outRel.startsWith("..") && !path.isAbsolute(outRel) ? `${toVaultPath(vault, out as string)}/` : undefined;
  const inVault = outInside === undefined ? walked : walked.filter((f) => !f.startsWith(outInside));
  const site = await openSite(vault, inVault, args.site, args.staticDirs);
  const vaultFiles = inVault.filter((f) => !inBuildOutput(site.type, f));
  for (const input of args.paths) {
    const rel = toVaultPath(vault, path.resolve(input));
    if (rel !== "" && !rel.startsWith("..") && inBuildOutput(site.type, rel)) {
      throw new UsageError(
        `${input} is build output of this ${site.type.name} (${site.type.buildOutputs.join(", ")}), which the tool never reads or rewrites; give the folders the site is built from.`,
      );
    }
  }
  const scan = scanOptions(site, args.frontMatterKeys);
  const noteRule = cliNoteRule(typeof config?.name === "string" && config.name.trim() !== "" ? config.name.trim() : undefined);
  const remote: RemoteOptions | undefined = args.remote
    ? { servedBy: profile ? [{ prefix: buildPublicUrl(profile, ""), keyTemplate: profile.keyTemplate }] : [], allow: args.remoteAllow, deny: args.remoteDeny }
    : undefined;
  const canvases = readsCanvases(site.type.kind === "obsidian", args.paths, site.root, site.type.name);
  const notes = (await collectNotes(vault, args.paths, vaultFiles, unreadable.skip, { canvases })).filter(
    (n) => outInside === undefined || !n.startsWith(outInside),
  );
  const withUnreadable = (report: MigrationReport): MigrationReport => {
    const failures = unreadable.failures();
    return { ...report, failed: report.failed + failures.length, failures: [...failures, ...report.failures] };
  };

  // A dry run reads no image, talks to no server and writes nothing, so it works before
  // credentials are set up, and takes no lock: it can look at a vault while a run goes on.
  if (profile === undefined) {
    const report = withUnreadable(
      await migrateNotes(notes, createFsPorts(vault, vaultFiles, NO_UPLOADS, { resolver: site.resolver }), {
        concurrency: 1,
        dryRun: true,
        scan,
        remote,
        noteRule,
      }),
    );
    term.out.write(args.json ? `${JSON.stringify(jsonReport(report))}\n` : humanReport(report, notes.length, true, site));
    return report.failed > 0 ? EXIT.failed : EXIT.ok;
  }

  const credentials = credentialsFromEnv(io.env);
  // Taken before any note is read, and released on every way out (process.exit included).
  const toolFolder = await openToolFolder(vault);
  let report: MigrationReport;
  try {
    const cache = await openUploadCache(args.cache ?? defaultCachePath(io.env, homedir()));
    const maxSizeMB = args.maxSizeMB ?? defaults.maxFileSizeMB;
    const maxBytes = maxUploadBytes({ maxFileSizeMB: maxSizeMB });
    // sharp is loaded only when the profile converts or scales, and before any upload, so a
    // machine without it hears how to fix that once instead of once per image.
    const codec = profileTransform(profile) ? await (await import("./sharpCodec")).loadSharpCodec() : undefined;
    const [{ createUploader }, { DirectPuts }] = await Promise.all([import("../storage/uploader"), import("../storage/directPut")]);
    const uploader = createUploader({
      profile,
      credentials,
      index: cache.index,
      maxBytes,
      imagesOnly: defaults.imagesOnly,
      face: "cli",
      codec,
      directPuts: (client) => new DirectPuts(client),
    });

    const showProgress = !args.json && term.err.isTTY;
    const onProgress = showProgress
      ? (p: MigrationProgress) => {
          term.err.control(CLEAR_LINE);
          term.err.write(escapeControls(progressLine(p)));
        }
      : undefined;
    try {
      report = await migrateNotes(
        notes,
        { ...createFsPorts(vault, vaultFiles, withToolHints(uploader), { maxBytes, temps: toolFolder.temps, resolver: site.resolver, out }), fetch: nodeFetch },
        {
          concurrency: args.concurrency ?? defaults.concurrency,
          flushEvery: CLI_FLUSH_EVERY,
          maxBytesInFlight: DESKTOP_BYTES_IN_FLIGHT,
          onProgress,
          setTimer: (fn, ms) => {
            const t = setTimeout(fn, ms);
            return () => clearTimeout(t);
          },
          signal: io.signal,
          scan,
          remote,
          linkStyle,
          noteRule,
        },
      );
    } finally {
      if (showProgress) term.err.control(CLEAR_LINE);
      uploader.destroy();
      await cache.save().catch((e: unknown) => {
        term.err.write(`s3-image-hosting: the upload cache could not be saved (${errorText(e)}); the next run checks the bucket instead.\n`);
      });
    }
  } finally {
    toolFolder.close();
  }

  report = withUnreadable(report);
  term.out.write(args.json ? `${JSON.stringify(jsonReport(report))}\n` : humanReport(report, notes.length, false, site));
  if (io.signal?.aborted) return EXIT.interrupted;
  return report.failed > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * The real path of `--out`, created if missing. Refused when it is the vault itself, where
 * writing the copies would change the notes `--out` promises to leave alone.
 */
async function outFolder(given: string, vault: string): Promise<string> {
  const abs = path.resolve(given);
  try {
    await fs.mkdir(abs, { recursive: true });
  } catch (e) {
    throw new UsageError(`--out ${given} cannot be made a folder (${fsReason(e)}).`);
  }
  const real = await fs.realpath(abs);
  const realVault = await fs.realpath(vault).catch(() => vault);
  if (real === realVault) throw new UsageError(`--out ${given} is the folder of the notes themselves; leave --out away to rewrite the notes in place.`);
  return real;
}

/**
 * The forms the site's notes are scanned for, with the front matter keys given. A key for a
 * site whose front matter is not read would do nothing, so it is refused rather than ignored.
 */
function scanOptions(site: Site, frontMatterKeys: readonly string[]): ScanOptions {
  if (frontMatterKeys.length > 0 && !site.type.forms.includes("front-matter")) {
    throw new UsageError(
      `--front-matter-key is for blogs, whose front matter is read for images; the notes of this ${site.type.name} are not (pass --site with the kind of site, if it is one).`,
    );
  }
  return { forms: site.type.forms, frontMatterKeys };
}

/** Back to the start of the line, and clear it: the progress line is redrawn in place. */
const CLEAR_LINE = "\r\x1b[K";

/**
 * The uploader's hints for files it refuses name the plugin's settings; here the person can
 * only change the tool's flags, so those hints say what to do with the tool instead.
 */
function withToolHints(uploader: ImageUploader): ImageUploader {
  return {
    forRun: uploader.forRun
      ? (files) => {
          const run = uploader.forRun?.(files);
          return { ...withToolHints(run ?? uploader), end: () => run?.end() };
        }
      : undefined,
    upload: (asset) =>
      uploader.upload(asset).catch((e: unknown) => {
        if (isUploadError(e) && e.code === "TooLarge") {
          throw new UploadError(e.code, e.message, MAX_SIZE_HINT, { cause: e });
        }
        if (isUploadError(e) && e.code === "NotAnImage") {
          throw new UploadError(e.code, e.message, "The command-line tool uploads images only.", { cause: e });
        }
        throw e;
      }),
  };
}

/** The dry run's uploader: the engine never calls it, and if it did nothing would leave the machine. */
const NO_UPLOADS: ImageUploader = {
  upload: () => Promise.reject(new Error("a dry run uploads nothing")),
};

/** Which rules the run used: `Hexo site at /blog; site-absolute links from source/, themes/x/source/.` */
function siteLine(site: Site): string {
  const roots = site.resolver.staticRoots().map((r) => (r === "" ? "its root" : `${r}/`));
  const from = site.type.kind === "obsidian" ? "" : `; site-absolute links from ${roots.join(", ")}`;
  return `${site.type.name} at ${site.root}${from}.`;
}

function progressLine(p: MigrationProgress): string {
  return `Uploading ${progressCount(p)}${p.file ? `: ${p.file}` : "…"}`;
}

/** The `--json` output: exactly these keys, so scripts can rely on them. */
export function jsonReport(r: MigrationReport): object {
  return {
    uploaded: r.uploaded,
    reused: r.reused,
    skipped: r.skipped,
    failed: r.failed,
    rewritten: r.rewritten,
    failures: r.failures.map((f) => ({ note: f.note, link: f.link, code: f.code, message: f.message })),
    guesses: r.guesses.map((g) => ({ note: g.note, link: g.link, file: g.file, rule: g.rule })),
    keptLocal: [...r.keptLocal],
    skippedNotes: r.skippedNotes.map((s) => ({ note: s.note, message: s.message })),
  };
}

/** The terminal output: a summary, then one line per failure or skipped edit. */
export function humanReport(r: MigrationReport, noteCount: number, dryRun: boolean, site?: Site): string {
  const notes = `${noteCount} ${noteCount === 1 ? "note" : "notes"} scanned`;
  const lines: string[] = [];
  if (site !== undefined && site.type.kind !== "plain") lines.push(siteLine(site));
  if (dryRun) {
    const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
    lines.push("Dry run: nothing was uploaded and no note was changed.");
    lines.push(`${notes}; ${n(r.files.length, "image")} would be uploaded and ${n(r.skipped, "link")} rewritten:`);
    lines.push(...r.files.map((f) => `  ${f.path}`));
  } else {
    lines.push(`${notes}: ${migrationCounts(r)}`);
  }
  // The tool has no folder rules: only a note's own field keeps it local.
  for (const { heading, items } of migrationDetails(r, false)) lines.push(heading, ...items.map((s) => `  ${s}`));
  // Each line is one line: a line break inside a name is shown, not followed.
  return `${lines.map(escapeControls).join("\n")}\n`;
}

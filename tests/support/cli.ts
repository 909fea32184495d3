/**
 * Runs the built command-line tool (dist/cli.cjs) as a user would, and gives the tests an
 * independent view of a vault: every note's bytes, and the local image embeds the tool is
 * expected to rewrite.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, promises as fs, writeFileSync } from "node:fs";
import * as path from "node:path";
import { isLocalImageEmbed, scanEmbeds, type Embed } from "../../src/core/markdown";
import { VaultPathIndex } from "../../src/core/migrate/vaultPathIndex";
import type { MigrationReport } from "../../src/core/migrate/engine";
import { s3TestEnv } from "./s3";

export const repoRoot = path.resolve(__dirname, "../..");
export const cliPath = path.join(repoRoot, "dist", "cli.cjs");

export interface CliRun {
  /** The exit code; -1 when a signal ended the process. */
  code: number;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** Run as this user id (and group), through setpriv; see `unprivilegedUser`. */
  uid?: number;
}

function command(args: string[], opts: CliOptions): [string, string[]] {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (\`npm test\` does).`);
  const node: [string, string[]] = [process.execPath, [cliPath, ...args]];
  if (opts.uid === undefined || opts.uid === process.getuid?.()) return node;
  return ["setpriv", [`--reuid=${opts.uid}`, `--regid=${opts.uid}`, "--clear-groups", "--", node[0], ...node[1]]];
}

/** Runs `node dist/cli.cjs ...args` with only the environment given (plus PATH/HOME). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, opts: CliOptions = {}): Promise<CliRun> {
  const [file, argv] = command(args, opts);
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(file, argv, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A run of the tool going on in the background, for tests that stop or kill it. */
export interface RunningCli {
  child: ChildProcess;
  pid: number;
  /** Settles when the process has exited. */
  done: Promise<CliRun>;
}

/** Starts `node dist/cli.cjs ...args` as `runCli` does, without waiting for it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const [file, argv] = command(args, {});
  const started = Date.now();
  const child = spawn(file, argv, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const done = new Promise<CliRun>((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code ?? -1, signal: signal ?? undefined, stdout, stderr, ms: Date.now() - started }));
  });
  return { child, pid: child.pid as number, done };
}

/**
 * A user id without root's powers, for tests of what a person may not read (root reads a
 * folder whatever its mode): the current user when it is not root, `nobody` through setpriv
 * when it is; undefined when neither works here.
 */
export function unprivilegedUser(): number | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  if (uid !== 0) return uid;
  const nobody = 65534;
  const probe = spawnSync("setpriv", [
    `--reuid=${nobody}`,
    `--regid=${nobody}`,
    "--clear-groups",
    "--",
    process.execPath,
    "-e",
    "process.exit(process.getuid() === 65534 ? 0 : 1)",
  ]);
  return probe.status === 0 ? nobody : undefined;
}

/** The environment with the test server's keys, and a cache folder of the test's own. */
export function cliEnv(cacheHome: string): NodeJS.ProcessEnv {
  const env = s3TestEnv();
  return { S3_ACCESS_KEY_ID: env.accessKeyId, S3_SECRET_ACCESS_KEY: env.secretAccessKey, XDG_CACHE_HOME: cacheHome };
}

/**
 * Flags for the test server and `bucket`, objects public, keys `t/<full sha256>.<ext>`.
 * With `via` (a fault proxy's URL) requests go through it, and links still point at the
 * server itself.
 */
export function serverFlags(bucket: string, via?: string): string[] {
  const env = s3TestEnv();
  const flags = [
    "--endpoint",
    via ?? env.endpoint,
    "--region",
    env.region,
    "--bucket",
    bucket,
    "--path-style",
    "--acl",
    "public-read",
    "--key-template",
    "t/{hash:64}.{ext}",
  ];
  return via === undefined ? flags : [...flags, "--public-url", `${env.endpoint}/${bucket}`];
}

/** How many images in `text` link to a remote address. */
export function remoteLinkCount(text: string): number {
  return scanEmbeds(text).filter((e) => e.isRemote).length;
}

/** Resolves once `ok()` holds, checking every 10 ms; fails after `timeoutMs` naming `what`. */
export async function waitFor(what: string, ok: () => boolean, timeoutMs = 30000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The `--json` output of `upload`. */
export type CliJson = Pick<MigrationReport, "uploaded" | "reused" | "skipped" | "failed" | "rewritten" | "failures">;

/** A new folder under `parent` holding these files (relative path → content). */
export function makeVault(parent: string, files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(parent, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return dir;
}

/** Every file under `dir` (dot-folders included), relative path → bytes. */
export async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else out.set(path.relative(dir, full).split(path.sep).join("/"), await fs.readFile(full));
    }
  };
  await walk(dir);
  return out;
}

export interface PlannedLink {
  note: string;
  embed: Embed;
  /** Vault path of the image, or null when nothing in the vault matches. */
  file: string | null;
}

/** The local image embeds of every note in a vault snapshot, resolved as Obsidian would. */
export function plannedLinks(files: Map<string, Buffer>): PlannedLink[] {
  const paths = [...files.keys()].filter((p) => !p.split("/").some((s) => s.startsWith(".")) && !p.includes("node_modules/"));
  const index = new VaultPathIndex(paths);
  const out: PlannedLink[] = [];
  for (const note of paths.filter((p) => p.endsWith(".md")).sort()) {
    const text = (files.get(note) as Buffer).toString("utf8");
    for (const embed of scanEmbeds(text)) {
      if (isLocalImageEmbed(embed)) out.push({ note, embed, file: index.resolve(embed.target, note) });
    }
  }
  return out;
}

export const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** MIME type for an image's bytes by their magic numbers (independent of the code under test). */
export function mimeOf(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 512));
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.subarray(0, 6).toString("latin1").startsWith("GIF8")) return "image/gif";
  if (head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  if (/<svg[\s>]/i.test(head.toString("utf8"))) return "image/svg+xml";
  return "application/octet-stream";
}

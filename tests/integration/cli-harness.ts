/**
 * Runs the built command-line tool (dist/cli.cjs) as a user would, and gives the tests an
 * independent view of a vault: every note's bytes, and the local image embeds the tool is
 * expected to rewrite.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, promises as fs, writeFileSync } from "node:fs";
import * as path from "node:path";
import { isLocalImageEmbed, scanEmbeds, type Embed } from "../../src/core/embedScanner";
import { VaultPathIndex } from "../../src/core/linkResolver";
import type { MigrationReport } from "../../src/core/migrate";
import { s3TestEnv } from "./helpers";

export const repoRoot = path.resolve(__dirname, "../..");
export const cliPath = path.join(repoRoot, "dist", "cli.cjs");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node dist/cli.cjs ...args` with only the environment given (plus PATH/HOME). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (\`npm test\` does).`);
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** The environment with the test server's keys, and a cache folder of the test's own. */
export function cliEnv(cacheHome: string): NodeJS.ProcessEnv {
  const env = s3TestEnv();
  return { S3_ACCESS_KEY_ID: env.accessKeyId, S3_SECRET_ACCESS_KEY: env.secretAccessKey, XDG_CACHE_HOME: cacheHome };
}

/** Flags for the test server and `bucket`, objects public, keys `t/<full sha256>.<ext>`. */
export function serverFlags(bucket: string): string[] {
  const env = s3TestEnv();
  return ["--endpoint", env.endpoint, "--region", env.region, "--bucket", bucket, "--path-style", "--acl", "public-read", "--key-template", "t/{hash:64}.{ext}"];
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

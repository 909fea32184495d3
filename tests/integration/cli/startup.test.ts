/**
 * What the command-line tool loads before it does anything: `--version`, `--help` and a dry
 * run never load the S3 SDK (its Node transport is the only user of `https` in the tool), so
 * they start quickly; an upload does load it, but not Node's `http2`, which the transport
 * requires only for an HTTP/2 handler the tool never uses.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";
import { cliEnv, repoRoot, runCli, serverFlags } from "../../support/cli";

const recorder = path.join(repoRoot, "tests", "support", "builtinRecorder.cjs");
let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-startup-"));
  bucket = await createTestBucket("cli-startup");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

function vault(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "Post.md"), "![[a.png]]\n");
  writeFileSync(path.join(dir, "a.png"), uniquePng());
  return dir;
}

/** Runs the tool and returns its exit code and the Node built-in modules it loaded. */
async function builtinsLoadedBy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; builtins: string[]; stderr: string }> {
  const record = path.join(work, `builtins-${Math.random().toString(36).slice(2)}.txt`);
  const run = await runCli(args, { ...env, NODE_OPTIONS: `--require ${recorder}`, BUILTIN_RECORD_FILE: record });
  return { code: run.code, builtins: readFileSync(record, "utf8").split("\n"), stderr: run.stderr };
}

const SDK_TRANSPORT = ["https"];

describe("command-line tool start-up", () => {
  it.each([[["--version"]], [["--help"]], [["upload", "--help"]]])("%j does not load the S3 SDK", async (args) => {
    const r = await builtinsLoadedBy(args);
    expect(r.code).toBe(0);
    expect(r.builtins).toContain("fs");
    expect(r.builtins.filter((b) => SDK_TRANSPORT.includes(b))).toEqual([]);
  });

  it("a dry run does not load the S3 SDK", async () => {
    const r = await builtinsLoadedBy(["upload", vault("dry"), "--dry-run", ...serverFlags(bucket)]);
    expect(r.code).toBe(0);
    expect(r.builtins.filter((b) => SDK_TRANSPORT.includes(b))).toEqual([]);
  });

  it("an upload loads it", async () => {
    const r = await builtinsLoadedBy(["upload", vault("real"), ...serverFlags(bucket)], cliEnv(path.join(work, "cache")));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.builtins).toEqual(expect.arrayContaining(SDK_TRANSPORT));
    expect(r.builtins).not.toContain("http2");
  });
});

/**
 * The command-line tool (dist/cli.cjs) stopped before it is done, against the real S3 server:
 * killed with SIGKILL mid-upload or mid-save, stopped with Ctrl-C once or twice. Whatever
 * stops it, no copy of a note is left where git would publish it, the next run loses no
 * upload the stopped one made (a fault proxy counts the PUTs), and the vault is not left locked.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { cliEnv, remoteLinkCount, runCli, serverFlags, sha256, startCli, waitFor } from "../../support/cli";
import { createTestBucket, removeTestBucket, s3TestEnv, uniquePng } from "../../support/s3";

const TOOL_FOLDER = ".s3-image-hosting";

let work: string;
let bucket: string;
let proxy: FaultProxy;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-killed-"));
  bucket = await createTestBucket("cli-killed");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});

afterAll(async () => {
  await proxy.close();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

/** A vault under git, committed, as a blog's repository is before the tool runs. */
function gitVault(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(work, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  const git = (...args: string[]): void => {
    const r = spawnSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "notes");
  return dir;
}

/** Files git would add with `git add -A` that it does not track yet. */
function untracked(vault: string): string[] {
  const out = spawnSync("git", ["-C", vault, "status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" }).stdout;
  return out.split("\n").filter((l) => l.startsWith("??"));
}

/**
 * Every file created or renamed anywhere in `dir` while watched, outside `.git`. Each folder
 * gets a watcher of its own, added as the folder appears: Node's recursive watch on Linux
 * throws, out of reach of the test, when a folder it is scanning is removed (as the tool
 * folder is at the end of a run).
 */
function watchNames(dir: string, onName?: (name: string) => void): { names: Set<string>; close(): void } {
  const names = new Set<string>();
  const watchers = new Map<string, FSWatcher>();
  const watchFolder = (rel: string): void => {
    if (watchers.has(rel) || rel === ".git" || rel.startsWith(".git/")) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(path.join(dir, rel), (_event, name) => {
        if (name === null) return;
        const full = rel === "" ? name : `${rel}/${name}`;
        if (full === ".git" || full.startsWith(".git/")) return;
        names.add(full);
        onName?.(full);
        if (isFolder(path.join(dir, full))) watchFolder(full);
      });
    } catch {
      return; // Gone before it could be watched.
    }
    watcher.on("error", () => watchers.delete(rel)); // The folder was removed.
    watchers.set(rel, watcher);
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.isDirectory()) watchFolder(rel === "" ? entry.name : `${rel}/${entry.name}`);
    }
  };
  watchFolder("");
  return { names, close: () => watchers.forEach((w) => w.close()) };
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const keyOf = (bytes: Uint8Array): string => `/${bucket}/t/${sha256(bytes)}.png`;

describe("a run killed with SIGKILL", () => {
  it("loses no upload it made: the next run puts only the images the killed one had not finished", async () => {
    const images = Array.from({ length: 8 }, () => uniquePng());
    const files: Record<string, Uint8Array | string> = { "N.md": images.map((_, i) => `![[img${i}.png]]`).join("\n") + "\n" };
    images.forEach((bytes, i) => (files[`img${i}.png`] = bytes));
    const vault = gitVault(files);
    const cacheHome = mkdtempSync(path.join(work, "cache-"));
    const seen = watchNames(vault);
    try {
      // Three uploads go through; the rest are held far longer than the test lasts.
      let puts = 0;
      proxy.setPlan((req) => (req.method === "PUT" && ++puts > 3 ? "delay:60000" : undefined));
      const run = startCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--concurrency", "4", "--json"], cliEnv(cacheHome));
      await waitFor("three uploads are answered", () => proxy.log.filter((e) => e.method === "PUT" && e.status === 200).length >= 3);
      const finished = proxy.log.filter((e) => e.method === "PUT" && e.status === 200).map((e) => e.path);
      // Long enough for the answers to reach the tool; shorter than its one-second wait before saving links.
      await sleep(500);
      run.child.kill("SIGKILL");
      expect((await run.done).signal).toBe("SIGKILL");
      expect(untracked(vault)).toEqual([]);

      proxy.setPlan(() => undefined);
      const rerun = await runCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--concurrency", "4", "--json"], cliEnv(cacheHome));
      expect({ code: rerun.code, stderr: rerun.stderr }).toEqual({ code: 0, stderr: "" });
      expect(JSON.parse(rerun.stdout)).toMatchObject({ uploaded: 5, reused: 3, rewritten: 8, failed: 0 });
      const putAgain = proxy.log.filter((e) => e.method === "PUT" && finished.includes(e.path)).map((e) => e.path);
      expect({ finished: finished.length, putAgain }).toEqual({ finished: 3, putAgain: [] });
      expect(proxy.count("PUT")).toBe(5);
      // The images the killed run finished were found in one listing of the folder, the others put.
      const listings = proxy.log.filter((e) => e.method === "GET" && e.query.includes("list-type=2"));
      expect(listings).toHaveLength(1);
      expect(images.every((bytes) => finished.includes(keyOf(bytes)) || proxy.log.some((e) => e.method === "PUT" && e.path === keyOf(bytes)))).toBe(true);

      expect(remoteLinkCount(readFileSync(path.join(vault, "N.md"), "utf8"))).toBe(8);
      expect(untracked(vault)).toEqual([]);
      expect(existsSync(path.join(vault, TOOL_FOLDER))).toBe(false);
      // Not even for a moment was a copy of a note written among the notes.
      expect([...seen.names].filter((n) => !n.startsWith(`${TOOL_FOLDER}/`) && n !== TOOL_FOLDER)).toEqual(["N.md"]);
    } finally {
      seen.close();
      proxy.setPlan(() => undefined);
    }
  });

  it("while saving notes leaves the copies only in the tool folder, which git ignores, and the next run removes them", async () => {
    const image = uniquePng();
    const slow = uniquePng();
    const filler = `${"Some text of a long note. ".repeat(4000)}\n`;
    const files: Record<string, Uint8Array | string> = { "pic.png": image, "slow.png": slow, "Notes/Slow.md": "![[slow.png]]\n" };
    for (let i = 0; i < 30; i++) files[`Notes/N${i}.md`] = `${filler}![[pic.png]]\n${filler}`;
    const vault = gitVault(files);
    const cacheHome = mkdtempSync(path.join(work, "cache-"));
    let run: ReturnType<typeof startCli> | undefined;
    // Killed the moment the first copy of a note appears, wherever that is. One upload is
    // held, so the run is still going (its tool folder in place) when the kill lands.
    proxy.setPlan((req) => (req.method === "PUT" && req.path === keyOf(slow) ? "delay:60000" : undefined));
    const seen = watchNames(vault, (name) => {
      if (name.endsWith(".tmp")) run?.child.kill("SIGKILL");
    });
    try {
      run = startCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--json"], cliEnv(cacheHome));
      const killed = await run.done;
      expect(killed.signal).toBe("SIGKILL");
      expect(untracked(vault)).toEqual([]);
      const leftovers = readdirSync(path.join(vault, TOOL_FOLDER)).filter((n) => n.endsWith(".tmp"));
      expect(leftovers.length).toBeGreaterThan(0);

      proxy.setPlan(() => undefined);
      const rerun = await runCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--json"], cliEnv(cacheHome));
      expect(rerun.code).toBe(0);
      expect(existsSync(path.join(vault, TOOL_FOLDER))).toBe(false);
      expect(untracked(vault)).toEqual([]);
      for (let i = 0; i < 30; i++) expect(remoteLinkCount(readFileSync(path.join(vault, `Notes/N${i}.md`), "utf8"))).toBe(1);
      expect(remoteLinkCount(readFileSync(path.join(vault, "Notes/Slow.md"), "utf8"))).toBe(1);
    } finally {
      seen.close();
      proxy.setPlan(() => undefined);
    }
  });
});

describe("a run stopped with Ctrl-C", () => {
  async function startHeld(holdMs: number): Promise<{ vault: string; run: ReturnType<typeof startCli> }> {
    const files: Record<string, Uint8Array | string> = {
      "N.md": "![[a.png]] ![[b.png]] ![[c.png]]\n",
      "a.png": uniquePng(),
      "b.png": uniquePng(),
      "c.png": uniquePng(),
    };
    const vault = gitVault(files);
    proxy.setPlan((req) => (req.method === "PUT" ? `delay:${holdMs}` : undefined));
    const run = startCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--concurrency", "1", "--json"], cliEnv(mkdtempSync(path.join(work, "cache-"))));
    await waitFor("an upload is in flight", () => proxy.count("PUT") >= 1);
    // The vault is locked while the run goes on.
    expect(JSON.parse(readFileSync(path.join(vault, TOOL_FOLDER, "lock"), "utf8"))).toMatchObject({ pid: run.pid });
    return { vault, run };
  }

  afterEach(() => proxy.setPlan(() => undefined));

  it("once: finishes the upload in flight, saves its link, exits 130 and leaves the vault unlocked", async () => {
    const { vault, run } = await startHeld(1500);
    run.child.kill("SIGINT");
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ uploaded: 1, rewritten: 1, skipped: 2, failed: 0 });
    expect(remoteLinkCount(readFileSync(path.join(vault, "N.md"), "utf8"))).toBe(1);
    expect(existsSync(path.join(vault, TOOL_FOLDER))).toBe(false);
  });

  it("twice: quits at once with 130 and still leaves the vault unlocked", async () => {
    const { vault, run } = await startHeld(10000);
    run.child.kill("SIGINT");
    await sleep(100);
    const second = Date.now();
    run.child.kill("SIGINT");
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    // Not waiting the ten seconds the upload in flight is held for.
    expect(Date.now() - second).toBeLessThan(5000);
    // The lock is gone; the folder, quit in a hurry, keeps only what hides it from git.
    expect(readdirSync(path.join(vault, TOOL_FOLDER))).toEqual([".gitignore"]);
    expect(untracked(vault)).toEqual([]);
  });
});

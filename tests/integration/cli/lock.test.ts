/**
 * One run of the command-line tool (dist/cli.cjs) at a time per vault, against the real S3
 * server: a second run while one goes on is refused with exit 2 and the other's pid, a dry
 * run may look meanwhile, and the lock of a run that died is taken over.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import * as path from "node:path";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { deadPid } from "../../support/osFaults";
import { cliEnv, remoteLinkCount, runCli, serverFlags, startCli, waitFor } from "../../support/cli";
import { createTestBucket, removeTestBucket, s3TestEnv, uniquePng } from "../../support/s3";

const TOOL_FOLDER = ".s3-image-hosting";

let work: string;
let bucket: string;
let proxy: FaultProxy;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-lock-"));
  bucket = await createTestBucket("cli-lock");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});

afterAll(async () => {
  await proxy.close();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

afterEach(() => proxy.setPlan(() => undefined));

function makeVault(count: number): string {
  const dir = mkdtempSync(path.join(work, "vault-"));
  writeFileSync(path.join(dir, "N.md"), Array.from({ length: count }, (_, i) => `![[img${i}.png]]`).join("\n") + "\n");
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `img${i}.png`), uniquePng());
  return dir;
}

const remoteLinks = (vault: string): number => remoteLinkCount(readFileSync(path.join(vault, "N.md"), "utf8"));

describe("two runs on one vault", () => {
  it("refuses the second with exit 2 and the first one's pid, before it reads or sends anything; the first finishes every link", async () => {
    const vault = makeVault(6);
    proxy.setPlan((req) => (req.method === "PUT" ? "delay:1500" : undefined));
    const cacheHome = mkdtempSync(path.join(work, "cache-"));
    const first = startCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--concurrency", "2", "--json"], cliEnv(cacheHome));
    await waitFor("the first run's first upload", () => proxy.count("PUT") >= 1);
    const requestsBefore = proxy.log.length;

    const second = await runCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--json"], cliEnv(cacheHome));
    expect(second.code).toBe(2);
    expect(second.stdout).toBe("");
    expect(second.stderr).toBe(
      `s3-image-hosting: Another run (pid ${first.pid}) is uploading the images of this vault, and two runs at once could undo each other's links. ` +
        `Wait for it to finish, then run again. If no such run is going (pid ${first.pid} is another program now), delete ${path.join(vault, TOOL_FOLDER, "lock")}.\n`,
    );

    // Looking is allowed: a dry run writes nothing and takes no lock.
    const dry = await runCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--dry-run", "--json"], cliEnv(cacheHome));
    expect(dry.code).toBe(0);

    const done = await first.done;
    expect({ code: done.code, stderr: done.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(done.stdout)).toMatchObject({ uploaded: 6, rewritten: 6, failed: 0 });
    // Only the first run talked to the server: six PUTs and nothing from the refused run.
    expect(proxy.count("PUT")).toBe(6);
    expect(proxy.log.slice(requestsBefore).every((e) => e.method === "PUT")).toBe(true);
    expect(remoteLinks(vault)).toBe(6);
    expect(existsSync(path.join(vault, TOOL_FOLDER))).toBe(false);
  });
});

describe("a lock left behind", () => {
  it("by a run that died is taken over, and removed when the new run ends", async () => {
    const vault = makeVault(2);
    mkdirSync(path.join(vault, TOOL_FOLDER));
    writeFileSync(path.join(vault, TOOL_FOLDER, "lock"), JSON.stringify({ pid: deadPid(), host: hostname(), id: "killed-run" }));
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--json"], cliEnv(mkdtempSync(path.join(work, "cache-"))));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(remoteLinks(vault)).toBe(2);
    expect(existsSync(path.join(vault, TOOL_FOLDER))).toBe(false);
  });

  it("that cannot be read, and is not being written, is taken over", async () => {
    const vault = makeVault(1);
    const lock = path.join(vault, TOOL_FOLDER, "lock");
    mkdirSync(path.dirname(lock));
    writeFileSync(lock, "\0\0\0");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--json"], cliEnv(mkdtempSync(path.join(work, "cache-"))));
    expect(run.code).toBe(0);
    expect(remoteLinks(vault)).toBe(1);
    expect(existsSync(path.dirname(lock))).toBe(false);
  });
});

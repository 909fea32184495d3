import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import * as path from "node:path";
import { LockHeldError, takeLock } from "../../../src/cli/lock";
import { deadPid } from "../../support/osFaults";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "s3ih-lock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const describeOwner = ({ pid }: { pid: number }): string => `held by ${pid}`;

async function refusal(file: string): Promise<LockHeldError> {
  try {
    const lock = await takeLock(file, describeOwner);
    lock.release();
  } catch (e) {
    if (e instanceof LockHeldError) return e;
    throw e;
  }
  throw new Error("the lock was taken");
}

describe("takeLock", () => {
  it("writes this process's pid into the lock and removes the lock on release", async () => {
    const file = path.join(dir, "lock");
    const lock = await takeLock(file, describeOwner);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it("refuses while another live process holds it, naming that pid", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      const file = path.join(dir, "lock");
      writeFileSync(file, JSON.stringify({ pid: sleeper.pid, host: hostname(), id: "other" }));
      const e = await refusal(file);
      expect(e.pid).toBe(sleeper.pid);
      expect(e.message).toBe(`held by ${sleeper.pid}`);
      expect(JSON.parse(readFileSync(file, "utf8")).id).toBe("other");
    } finally {
      sleeper.kill();
    }
  });

  it("refuses a second lock in the same process while the first is held", async () => {
    const file = path.join(dir, "lock");
    const lock = await takeLock(file, describeOwner);
    expect((await refusal(file)).pid).toBe(process.pid);
    lock.release();
  });

  it("refuses when the owner runs on another machine, since it cannot be checked from here", async () => {
    const file = path.join(dir, "lock");
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, id: "remote" }));
    await refusal(file);
  });

  it("takes over a lock whose process is gone, and exactly one of several takers gets it", async () => {
    const file = path.join(dir, "lock");
    // Many rounds: a takeover that is not exclusive lets two takers in only now and then.
    for (let round = 0; round < 40; round++) {
      writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), id: "dead" }));
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => takeLock(file, describeOwner)));
      const won = results.filter((r) => r.status === "fulfilled");
      expect({ round, won: won.length }).toEqual({ round, won: 1 });
      expect(results.filter((r) => r.status === "rejected").every((r) => r.reason instanceof LockHeldError)).toBe(true);
      expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
      (won[0] as PromiseFulfilledResult<{ release(): void }>).value.release();
      expect(existsSync(file)).toBe(false);
    }
  });

  it("takes over an unreadable lock once it is old enough not to be one being written", async () => {
    const file = path.join(dir, "lock");
    writeFileSync(file, "garbage");
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const lock = await takeLock(file, describeOwner);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("waits for an empty lock just created, and takes it over when nobody fills it", async () => {
    const file = path.join(dir, "lock");
    writeFileSync(file, "");
    const started = Date.now();
    const lock = await takeLock(file, describeOwner);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    lock.release();
  });

  it("leaves alone a lock that another run took over meanwhile", async () => {
    const file = path.join(dir, "lock");
    const lock = await takeLock(file, describeOwner);
    writeFileSync(file, JSON.stringify({ pid: 1, host: hostname(), id: "newer" }));
    lock.release();
    expect(JSON.parse(readFileSync(file, "utf8")).id).toBe("newer");
  });
});

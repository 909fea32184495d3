/**
 * One run per vault at a time. Two runs over the same notes would each rewrite a note from
 * what they read, and the slower one would put back links the other had just replaced.
 *
 * The lock is a file holding the owner's pid, host and a random id, created with `wx` (it
 * exists or it does not; two runs cannot both create it). A lock whose owner is gone (killed,
 * crashed, the machine restarted) is stale and taken over; one whose owner may still run is
 * not, and the run is refused with the owner's pid.
 */
import { promises as fs, readFileSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { errorCode } from "./fsErrors";
import { randomHex } from "../core/randomHex";

/** The vault is being worked on by another run; `runCli` prints the message and exits with 2. */
export class LockHeldError extends Error {
  constructor(
    message: string,
    readonly pid: number,
  ) {
    super(message);
    this.name = "LockHeldError";
  }
}

/** A lock this process holds. */
export interface HeldLock {
  readonly file: string;
  /** Removes the lock file if it is still this run's. Synchronous, so it also works while the process exits. */
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
  id: string;
}

/** Lock files this process holds, so that a second run inside the same process is refused too. */
const heldHere = new Set<string>();

/**
 * A lock file with an unreadable content is taken for one being written (created, content
 * not yet in) while it is younger than this, and for the remains of a crash after.
 */
const WRITE_GRACE_MS = 2000;

/**
 * Takes the lock `file` (its folder must exist), taking over a stale one.
 * @throws LockHeldError when another run that may still be going holds it.
 */
export async function takeLock(file: string, describe: (owner: { pid: number; host: string; sameHost: boolean }) => string): Promise<HeldLock> {
  const me: Owner = { pid: process.pid, host: hostname(), id: randomHex(8) };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await create(file, me)) return hold(file, me);
    const found = await inspect(file);
    if (found.kind === "gone") continue;
    if (found.kind === "young") {
      await sleep(50);
      continue;
    }
    if (found.kind === "live")
      throw new LockHeldError(describe({ pid: found.owner.pid, host: found.owner.host, sameHost: found.owner.host === me.host }), found.owner.pid);
    await removeStale(file);
  }
  throw new Error(`The lock ${file} kept changing while this run tried to take it. If no other run is going, delete it and run again.`);
}

async function create(file: string, me: Owner): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, "wx", 0o644);
  } catch (e) {
    if (errorCode(e) === "EEXIST") return false;
    throw e;
  }
  try {
    await handle.writeFile(`${JSON.stringify(me)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

type Found = { kind: "gone" } | { kind: "young" } | { kind: "live"; owner: Owner } | { kind: "stale" };

async function inspect(file: string): Promise<Found> {
  let text: string;
  let stat;
  try {
    stat = await fs.stat(file);
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if (errorCode(e) === "ENOENT") return { kind: "gone" };
    throw e;
  }
  const owner = parseOwner(text);
  if (owner === undefined) return Date.now() - stat.mtimeMs < WRITE_GRACE_MS ? { kind: "young" } : { kind: "stale" };
  return mayBeRunning(owner, file) ? { kind: "live", owner } : { kind: "stale" };
}

/**
 * Whether the owner may still be running. On another host it cannot be checked, so it may.
 * A pid of this process is running only if this process holds the lock (a pid can be the
 * same as a dead run's after a restart, in a container for instance).
 */
function mayBeRunning(owner: Owner, file: string): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return heldHere.has(file);
  return isRunning(owner.pid);
}

/** Whether a process with this pid exists on this machine (it may belong to another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(e) === "EPERM";
  }
}

/** A takeover guard older than this was left by a run that died while taking over. */
export const GUARD_STALE_MS = 10_000;

/** The guard file a run holds while it removes a stale `lock` (see `removeStale`). */
export function takeoverGuard(lock: string): string {
  return `${lock}.takeover`;
}

/**
 * Removes the lock if it is still stale when looked at again. Only one run at a time may do
 * so: it holds `<lock>.takeover` (created with `wx`) meanwhile. Then nothing else can remove
 * or replace a stale file between the second look and the removal (its owner is gone, and
 * other takers wait for the guard), and a lock another run has just taken looks live, so it
 * is never removed. Whoever creates the lock next, this run or another, holds it alone.
 */
async function removeStale(file: string): Promise<void> {
  const guard = takeoverGuard(file);
  let handle;
  try {
    handle = await fs.open(guard, "wx", 0o644);
  } catch (e) {
    if (errorCode(e) !== "EEXIST") throw e;
    const age = await fs.stat(guard).then(
      (st) => Date.now() - st.mtimeMs,
      () => 0,
    );
    if (age > GUARD_STALE_MS) await fs.rm(guard, { force: true });
    else await sleep(20);
    return;
  }
  try {
    await handle.close();
    // Looked at again under the guard: the file may have been replaced since it was judged
    // stale, possibly under the same inode number.
    if ((await inspect(file)).kind === "stale") await fs.rm(file, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

function hold(file: string, me: Owner): HeldLock {
  heldHere.add(file);
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    heldHere.delete(file);
    process.removeListener("exit", release);
    try {
      // Only our own: a lock that is no longer ours belongs to a run that took it over.
      if (parseOwner(readFileSync(file, "utf8"))?.id === me.id) unlinkSync(file);
    } catch {
      // Already gone, or the folder went away: nothing left to release.
    }
  };
  // Runs on process.exit too (a second Ctrl-C), where no finally block does.
  process.on("exit", release);
  return { file, release };
}

function parseOwner(text: string): Owner | undefined {
  try {
    const v = JSON.parse(text) as Partial<Owner> | null;
    if (v && Number.isSafeInteger(v.pid) && (v.pid as number) > 0 && typeof v.host === "string" && typeof v.id === "string") return v as Owner;
  } catch {
    // Not ours, or cut short.
  }
  return undefined;
}

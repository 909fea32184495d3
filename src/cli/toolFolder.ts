/**
 * The tool's own folder at the vault root, `.s3-image-hosting/`: the lock of the run working
 * on the vault and the temporary copies of notes being saved.
 *
 * A note is saved by writing a full copy and renaming it over the note. Written beside the
 * note, a copy left by a killed run would sit among the notes, where a blog's `git add -A`
 * publishes it and nothing ever removes it. Here it sits in a folder that git ignores (the
 * folder's own `.gitignore` says `*`), Obsidian hides (a dot-folder), and the next run
 * empties; a run that ends removes the folder. It is on the vault's file system, so the
 * rename stays atomic; a note on
 * another file system (a mount inside the vault, a link to a note elsewhere) gets its copy
 * beside it, under a name of the tool's, recorded here until it is gone.
 */
import { promises as fs, readdirSync, rmdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { UsageError } from "./args";
import { errorCode, fsReason } from "./fsErrors";
import { GUARD_STALE_MS, isRunning, takeLock, takeoverGuard, type HeldLock } from "./lock";
import { randomHex } from "../core/randomHex";

/** Name of the tool's folder at the vault root. */
export const TOOL_FOLDER = ".s3-image-hosting";

const GITIGNORE = "# Working files of the s3-image-hosting tool: its lock and temporary copies of notes.\n*\n";

/** `<pid>-<12 hex>.tmp`: a temporary copy in the tool folder. */
const TEMP = /^(\d+)-[0-9a-f]{12}\.tmp$/;
/** `<pid>-<12 hex>.away`: the path of a temporary copy made beside a note on another file system. */
const AWAY = /^(\d+)-([0-9a-f]{12})\.away$/;
/** The name of a copy beside a note, as `besideName` makes it. */
const BESIDE = /^\..+\.s3-image-hosting-(\d+)-([0-9a-f]{12})\.tmp$/;

/** Where new versions of notes are written before they replace them. */
export interface TempFiles {
  /**
   * Calls `writeVia` with a temporary path on the same file system as `target`; `writeVia`
   * writes the new content there and renames it over `target`, or removes it on failure.
   */
  replace(target: string, writeVia: (tmp: string) => Promise<void>): Promise<void>;
}

/** The tool folder of a vault, locked by this run. */
export interface ToolFolder {
  readonly dir: string;
  readonly temps: TempFiles;
  /** Releases the lock, and removes the folder when nothing else is in it. */
  close(): void;
}

/**
 * Creates (if needed) and locks the tool folder of `vault`, then removes what runs that
 * were killed left in it.
 * @throws LockHeldError when another run is working on the vault.
 * @throws UsageError when the folder cannot be created.
 */
export async function openToolFolder(vault: string): Promise<ToolFolder> {
  const dir = path.join(vault, TOOL_FOLDER);
  const lockFile = path.join(dir, "lock");
  let lock: HeldLock | undefined;
  // A run that ends removes the folder; one starting at that moment makes it again.
  for (let attempt = 0; lock === undefined; attempt++) {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(
        `The folder ${dir} could not be created (${fsReason(e)}). The tool keeps its lock and the notes it is saving there: make the vault folder writable.`,
      );
    }
    try {
      lock = await takeLock(lockFile, ({ pid, host, sameHost }) =>
        sameHost
          ? `Another run (pid ${pid}) is uploading the images of this vault, and two runs at once could undo each other's links. Wait for it to finish, then run again. If no such run is going (pid ${pid} is another program now), delete ${lockFile}.`
          : `Another run (pid ${pid} on ${host}) is uploading the images of this vault, and two runs at once could undo each other's links. Wait for it to finish, then run again. If no such run is going on ${host}, delete ${lockFile}.`,
      );
    } catch (e) {
      if (errorCode(e) !== "ENOENT" || attempt >= 3) throw e;
    }
  }
  const held = lock;
  try {
    // Made only now that the lock is held: a run that ends removes it while it still holds the lock.
    await fs.writeFile(path.join(dir, ".gitignore"), GITIGNORE, { flag: "wx" }).catch((e: unknown) => {
      if (errorCode(e) !== "EEXIST") throw e;
    });
    await removeLeftovers(dir);
    return { dir, temps: new VaultTemps(dir), close: () => closeFolder(dir, held) };
  } catch (e) {
    held.release();
    throw e;
  }
}

/**
 * Leaves the vault as it was before the run when the folder holds nothing but its
 * `.gitignore` and the lock: the `.gitignore` goes while the lock is still held (so a run
 * starting now makes it again after taking the lock), then the lock, then the folder,
 * which stays if a new run has put its lock in it meanwhile. Anything else in it (a copy
 * that could not be removed) keeps the folder and its `.gitignore` as they are.
 */
function closeFolder(dir: string, lock: HeldLock): void {
  let alone = false;
  try {
    alone = readdirSync(dir).every((name) => name === ".gitignore" || name === "lock");
    if (alone) rmSync(path.join(dir, ".gitignore"), { force: true });
  } catch {
    // The folder cannot be read or tidied: the lock is released all the same.
  }
  lock.release();
  if (!alone) return;
  try {
    rmdirSync(dir);
  } catch {
    // Another run's lock is in it now, or it is gone already.
  }
}

/**
 * Removes temporary files of runs that are gone. Called with the lock held, so no other run
 * is writing here; a file counts as a leftover only if its name is one this tool gives and
 * the pid in it is not running. One that cannot be removed is left for a later run: it is
 * no reason to stop this one.
 */
async function removeLeftovers(dir: string): Promise<void> {
  const dead = (pid: string): boolean => Number(pid) !== process.pid && !isRunning(Number(pid));
  const remove = (file: string): Promise<void> => fs.rm(file, { force: true }).catch(() => undefined);
  for (const name of await fs.readdir(dir)) {
    const file = path.join(dir, name);
    const temp = TEMP.exec(name);
    if (temp && dead(temp[1])) {
      await remove(file);
      continue;
    }
    // Left by a run that died while taking over a stale lock; a live one is seconds old.
    if (name === path.basename(takeoverGuard("lock"))) {
      const age = await fs.stat(file).then(
        (st) => Date.now() - st.mtimeMs,
        () => 0,
      );
      if (age > GUARD_STALE_MS) await remove(file);
      continue;
    }
    const away = AWAY.exec(name);
    if (away && dead(away[1])) {
      const copy = (await fs.readFile(file, "utf8").catch(() => "")).trim();
      const match = BESIDE.exec(path.basename(copy));
      // Only the copy this record names, and only if its name is the one that run gave it.
      if (path.isAbsolute(copy) && match && match[1] === away[1] && match[2] === away[2]) await remove(copy);
      await remove(file);
    }
  }
}

class VaultTemps implements TempFiles {
  /** Folders of notes whose rename from the tool folder failed across file systems. */
  private readonly elsewhere = new Set<string>();

  constructor(private readonly dir: string) {}

  async replace(target: string, writeVia: (tmp: string) => Promise<void>): Promise<void> {
    const folder = path.dirname(target);
    if (!this.elsewhere.has(folder)) {
      try {
        return await writeVia(path.join(this.dir, `${process.pid}-${randomHex(6)}.tmp`));
      } catch (e) {
        if (errorCode(e) !== "EXDEV") throw e;
        this.elsewhere.add(folder);
      }
    }
    // The record is written first, so that whatever happens to this run, the next finds the copy.
    const id = randomHex(6);
    const copy = path.join(folder, besideName(path.basename(target), id));
    const record = path.join(this.dir, `${process.pid}-${id}.away`);
    await fs.writeFile(record, `${copy}\n`, { flag: "wx" });
    try {
      await writeVia(copy);
    } finally {
      await fs.rm(record, { force: true });
    }
  }
}

function besideName(base: string, id: string): string {
  return `.${base}.s3-image-hosting-${process.pid}-${id}.tmp`;
}

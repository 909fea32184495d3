/**
 * States of the machine a test needs but cannot simply make: a folder that cannot be listed
 * (the tests run as root, who lists any folder whatever its mode) and a pid that no process
 * has any more (the owner of a lock left by a run that was killed).
 */
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * Makes `fs.promises.readdir` fail with EACCES for the folders named, as it does for a user
 * without read permission on them; other folders are listed as usual. Undo with
 * `jest.restoreAllMocks()`.
 */
export function denyListing(...folders: string[]): jest.SpyInstance {
  const readdir = fs.readdir.bind(fs) as (...a: unknown[]) => Promise<unknown>;
  const denied = folders.map((f) => path.resolve(f));
  return jest
    .spyOn(fs, "readdir")
    .mockImplementation(((dir: string, ...rest: unknown[]) =>
      denied.includes(path.resolve(String(dir)))
        ? Promise.reject(
            Object.assign(new Error(`EACCES: permission denied, scandir '${String(dir)}'`), { code: "EACCES", syscall: "scandir", path: String(dir) }),
          )
        : readdir(dir, ...rest)) as typeof fs.readdir);
}

/** The pid of a process that has just exited. */
export function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

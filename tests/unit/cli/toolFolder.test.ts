import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../../../src/cli/fsPorts";
import { LockHeldError } from "../../../src/cli/lock";
import { openToolFolder, TOOL_FOLDER, type TempFiles } from "../../../src/cli/toolFolder";
import { deadPid } from "../../support/osFaults";

let vault: string;
beforeEach(() => {
  vault = mkdtempSync(path.join(tmpdir(), "s3ih-toolfolder-"));
});
afterEach(() => rmSync(vault, { recursive: true, force: true }));

const toolDir = (): string => path.join(vault, TOOL_FOLDER);

describe("openToolFolder", () => {
  it("makes a folder git ignores entirely, holds the lock while open, and removes it all when closed", async () => {
    expect(spawnSync("git", ["init", "-q", vault]).status).toBe(0);
    const folder = await openToolFolder(vault);
    expect(readdirSync(toolDir()).sort()).toEqual([".gitignore", "lock"]);
    writeFileSync(path.join(toolDir(), `${process.pid}-0123456789ab.tmp`), "copy of a note");
    expect(spawnSync("git", ["-C", vault, "status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" }).stdout).toBe("");
    rmSync(path.join(toolDir(), `${process.pid}-0123456789ab.tmp`));
    folder.close();
    expect(existsSync(toolDir())).toBe(false);
  });

  it("refuses a second opening while the first is open, and allows it after", async () => {
    const first = await openToolFolder(vault);
    await expect(openToolFolder(vault)).rejects.toBeInstanceOf(LockHeldError);
    first.close();
    (await openToolFolder(vault)).close();
  });

  it("removes the copies and the takeover guard dead runs left, and nothing else, and keeps the folder for what remains", async () => {
    mkdirSync(toolDir());
    const dead = deadPid();
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      const leftovers = [`${dead}-0123456789ab.tmp`, "lock.takeover"];
      const kept = [`${sleeper.pid}-0123456789ab.tmp`, "notes.md", `${dead}-0123456789ab.tmp.bak`, "12-xyz.tmp"];
      for (const name of [...leftovers, ...kept]) writeFileSync(path.join(toolDir(), name), "copy of a note");
      // A guard is left only by a run that died while taking over; one this old is no one's.
      const old = new Date(Date.now() - 60_000);
      utimesSync(path.join(toolDir(), "lock.takeover"), old, old);
      const folder = await openToolFolder(vault);
      expect(readdirSync(toolDir()).sort()).toEqual([".gitignore", "lock", ...kept].sort());
      folder.close();
      // What is not the tool's stays, and so does the .gitignore that hides it from git.
      expect(readdirSync(toolDir()).sort()).toEqual([".gitignore", ...kept].sort());
    } finally {
      sleeper.kill();
    }
  });

  it("removes a copy a dead run made beside a note, found through its record, and never a file the record names by another name", async () => {
    mkdirSync(toolDir());
    const dead = deadPid();
    const copy = path.join(vault, `.N.md.s3-image-hosting-${dead}-aaaaaaaaaaaa.tmp`);
    const notOurs = path.join(vault, "N.md");
    writeFileSync(copy, "half a note");
    writeFileSync(notOurs, "the note");
    writeFileSync(path.join(toolDir(), `${dead}-aaaaaaaaaaaa.away`), `${copy}\n`);
    writeFileSync(path.join(toolDir(), `${dead}-bbbbbbbbbbbb.away`), `${notOurs}\n`);
    const folder = await openToolFolder(vault);
    folder.close();
    expect(existsSync(copy)).toBe(false);
    expect(readFileSync(notOurs, "utf8")).toBe("the note");
    expect(existsSync(toolDir())).toBe(false);
  });

  it("takes over the lock of a run that was killed", async () => {
    mkdirSync(toolDir());
    writeFileSync(path.join(toolDir(), "lock"), JSON.stringify({ pid: deadPid(), host: hostname(), id: "killed" }));
    const folder = await openToolFolder(vault);
    folder.close();
    expect(existsSync(toolDir())).toBe(false);
  });

  it("says in words why the folder could not be made", async () => {
    writeFileSync(toolDir(), "a file where the folder goes");
    await expect(openToolFolder(vault)).rejects.toThrow(
      /^The folder .*\.s3-image-hosting could not be created \(a file of that name is in the way\)\. The tool keeps its lock/,
    );
  });
});

/** The tool folder's temps, with a record of the temporary paths handed out and a way to fail a rename across devices. */
function watched(temps: TempFiles, crossDevice: (tmp: string) => boolean = () => false): { temps: TempFiles; seen: string[]; records: string[][] } {
  const seen: string[] = [];
  const records: string[][] = [];
  return {
    seen,
    records,
    temps: {
      replace: (target, writeVia) =>
        temps.replace(target, async (tmp) => {
          seen.push(tmp);
          records.push(
            readdirSync(toolDir())
              .filter((n) => n.endsWith(".away"))
              .map((n) => readFileSync(path.join(toolDir(), n), "utf8").trim()),
          );
          if (crossDevice(tmp)) throw Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" });
          return writeVia(tmp);
        }),
    },
  };
}

describe("saving a note through the tool folder", () => {
  it("writes the new version in the tool folder, never beside the note, and keeps the note's mode", async () => {
    mkdirSync(path.join(vault, "Notes"));
    const note = path.join(vault, "Notes", "N.md");
    writeFileSync(note, "old", { mode: 0o640 });
    const folder = await openToolFolder(vault);
    const w = watched(folder.temps);
    await writeFileAtomic(note, "new", { temps: w.temps });
    folder.close();
    expect(w.seen.map((p) => path.dirname(p))).toEqual([toolDir()]);
    expect(readFileSync(note, "utf8")).toBe("new");
    expect(statSync(note).mode & 0o777).toBe(0o640);
    expect(readdirSync(path.join(vault, "Notes"))).toEqual(["N.md"]);
    expect(existsSync(toolDir())).toBe(false);
  });

  it("falls back to a recorded copy beside a note the tool folder cannot rename onto, and stays there for that folder", async () => {
    const note = path.join(vault, "N.md");
    writeFileSync(note, "old");
    const folder = await openToolFolder(vault);
    const w = watched(folder.temps, (tmp) => path.dirname(tmp) === toolDir());
    await writeFileAtomic(note, "new", { temps: w.temps });
    await writeFileAtomic(note, "newer", { temps: w.temps });
    folder.close();
    expect(w.seen).toHaveLength(3);
    expect(path.dirname(w.seen[0])).toBe(toolDir());
    for (const copy of w.seen.slice(1)) expect(path.basename(copy)).toMatch(new RegExp(`^\\.N\\.md\\.s3-image-hosting-${process.pid}-[0-9a-f]{12}\\.tmp$`));
    // Each copy beside a note is on record before it is written, so a killed run's copy is found.
    expect(w.records.slice(1)).toEqual([[w.seen[1]], [w.seen[2]]]);
    expect(readFileSync(note, "utf8")).toBe("newer");
    expect(readdirSync(vault)).toEqual(["N.md"]);
  });

  const shm = "/dev/shm";
  const otherDevice = existsSync(shm) && statSync(shm).dev !== statSync(tmpdir()).dev;
  (otherDevice ? it : it.skip)("saves a note linked from another file system, where a rename from the vault fails", async () => {
    const elsewhere = mkdtempSync(path.join(shm, "s3ih-elsewhere-"));
    try {
      writeFileSync(path.join(elsewhere, "N.md"), "old");
      symlinkSync(path.join(elsewhere, "N.md"), path.join(vault, "Linked.md"));
      const folder = await openToolFolder(vault);
      const w = watched(folder.temps);
      await writeFileAtomic(path.join(vault, "Linked.md"), "new", { temps: w.temps });
      folder.close();
      expect(w.seen.map((p) => path.dirname(p))).toEqual([toolDir(), elsewhere]);
      expect(readFileSync(path.join(elsewhere, "N.md"), "utf8")).toBe("new");
      expect(readdirSync(elsewhere)).toEqual(["N.md"]);
      expect(existsSync(toolDir())).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

import { UploadError } from "../../../../src/core/errors";
import { migrateNotes, type MigrationPorts, type MigrationProgress } from "../../../../src/core/migrate/engine";
import { progressCount } from "../../../../src/core/migrate/summary";
import { deferred, manualTimer, MemoryVault, settle, type Deferred } from "../../../support/migrateHarness";

/** `count` notes, each embedding its own image, plus whatever `extra` notes add. */
function vaultOf(count: number, extra: Record<string, string> = {}): MemoryVault {
  const notes: Record<string, string> = {};
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    notes[`N${i}.md`] = `Note ${i}\n\n![[${i}.png]]\n`;
    files[`${i}.png`] = `bytes of ${i}`;
  }
  return new MemoryVault({ ...notes, ...extra }, files);
}

/** The vault's ports, recording each note read and holding the reads of `held` notes until released. */
function recordingPorts(v: MemoryVault, held: Record<string, Deferred> = {}): { ports: MigrationPorts; noteReads: string[] } {
  const ports = v.ports();
  const readNote = ports.readNote;
  const noteReads: string[] = [];
  ports.readNote = async (p) => {
    await held[p]?.promise;
    noteReads.push(p);
    return readNote(p);
  };
  return { ports, noteReads };
}

const notesOf = (v: MemoryVault): string[] => [...v.notes.keys()];

describe("migrateNotes while notes are still being scanned", () => {
  it("starts uploading the images of the first notes before the later notes are read", async () => {
    const v = vaultOf(40);
    const lastRead = deferred();
    const { ports, noteReads } = recordingPorts(v, { "N39.md": lastRead });
    const run = migrateNotes(notesOf(v), ports, { concurrency: 4 });
    await settle();
    expect(noteReads).not.toContain("N39.md");
    expect(v.uploads.length).toBeGreaterThan(0);
    lastRead.resolve();
    const report = await run;
    expect(report).toMatchObject({ uploaded: 40, rewritten: 40, failed: 0, skipped: 0 });
  });

  it("rewrites a link found after its image was uploaded, without uploading it again", async () => {
    const v = new MemoryVault({ "A.md": "![[x.png]]", "B.md": "see ![[x.png|200]]" }, { "x.png": "X" });
    const laterNote = deferred();
    const { ports } = recordingPorts(v, { "B.md": laterNote });
    const run = migrateNotes(["A.md", "B.md"], ports, { concurrency: 2, flushEvery: 1 });
    await settle();
    expect(v.settled.has("x.png")).toBe(true);
    expect(v.notes.get("A.md")).toBe("![x](https://cdn.test/x.png)");
    laterNote.resolve();
    const report = await run;
    expect(v.uploads).toHaveLength(1);
    expect(v.notes.get("B.md")).toBe("see ![x|200](https://cdn.test/x.png)");
    expect(report).toMatchObject({ uploaded: 1, rewritten: 2, failed: 0, skipped: 0 });
    expect(report.files).toEqual([{ path: "x.png", url: "https://cdn.test/x.png", reused: false, notes: ["A.md", "B.md"], links: 2, rewritten: 2 }]);
  });

  it("fails a link found after its image's upload failed with the same code, and leaves it as it was", async () => {
    const v = new MemoryVault({ "A.md": "![[x.png]]", "B.md": "![[x.png]]" }, { "x.png": "X" });
    v.refuse.set("x.png", new UploadError("NotAnImage", "This file is not an image."));
    const laterNote = deferred();
    const { ports } = recordingPorts(v, { "B.md": laterNote });
    const run = migrateNotes(["A.md", "B.md"], ports, { concurrency: 2 });
    await settle();
    expect(v.settled.has("x.png")).toBe(true);
    laterNote.resolve();
    const report = await run;
    expect(v.uploads).toHaveLength(1);
    expect(report.failures.map((f) => [f.note, f.code])).toEqual([
      ["A.md", "NotAnImage"],
      ["B.md", "NotAnImage"],
    ]);
    expect(report).toMatchObject({ rewritten: 0, failed: 2, skipped: 0 });
    expect(v.notes.get("B.md")).toBe("![[x.png]]");
  });

  it("reports the notes scanned, and a total that grows until the last note is scanned", async () => {
    const v = vaultOf(40);
    const seen: MigrationProgress[] = [];
    await migrateNotes(notesOf(v), v.ports(), { concurrency: 1, onProgress: (p) => seen.push(p) });
    expect(seen[0]).toMatchObject({ done: 0, total: 1, notesScanned: 1, notes: 40 });
    const scanning = seen.filter((p) => p.notesScanned < p.notes);
    expect(scanning.length).toBeGreaterThan(0);
    expect(Math.max(...scanning.map((p) => p.total))).toBeLessThan(40);
    expect(seen[seen.length - 1]).toMatchObject({ done: 40, total: 40, notesScanned: 40 });
    // The total never shrinks.
    expect(seen.every((p, i) => i === 0 || p.total >= seen[i - 1].total)).toBe(true);
  });

  it("lets other work run between chunks of notes, through the timer it is given", async () => {
    const v = vaultOf(100);
    const timer = manualTimer();
    const { ports, noteReads } = recordingPorts(v);
    const run = migrateNotes(notesOf(v), ports, { concurrency: 2, setTimer: timer.setTimer, flushIntervalMs: 60_000 });
    await settle();
    const firstChunk = noteReads.length;
    expect(firstChunk).toBeGreaterThan(0);
    expect(firstChunk).toBeLessThan(100);
    expect(timer.pending()).toBeGreaterThan(0);
    await settle();
    expect(noteReads).toHaveLength(firstChunk);
    while (noteReads.length < 100) {
      timer.fire();
      await settle();
    }
    timer.fire();
    const report = await run;
    expect(report).toMatchObject({ uploaded: 100, rewritten: 100 });
  });

  it("tells the run's uploader once, as soon as a second file is found, so that it can start its listing while notes are still read", async () => {
    const v = vaultOf(3, { "N1.md": "![[1.png]] and ![[0.png]] and ![[2.png]]" });
    const lastRead = deferred();
    const { ports, noteReads } = recordingPorts(v, { "N2.md": lastRead });
    const events: string[] = [];
    const upload = ports.uploader.upload.bind(ports.uploader);
    ports.uploader = {
      upload,
      forRun(files) {
        const count = typeof files === "function" ? files : () => files;
        events.push(`run with ${count()}`);
        return {
          upload: (asset) => {
            events.push(`upload ${asset.name}`);
            return upload(asset);
          },
          foundMany: () => events.push(`found many: ${count()} files, ${noteReads.length} notes read`),
          end: () => events.push("end"),
        };
      },
    };
    const run = migrateNotes(notesOf(v), ports, { concurrency: 1 });
    await settle();
    // N0 links one image, N1 a second (then the first again and a third): told once, at the second.
    expect(events.filter((e) => e.startsWith("found many"))).toEqual(["found many: 2 files, 2 notes read"]);
    expect(noteReads).not.toContain("N2.md");
    lastRead.resolve();
    const report = await run;
    expect(report).toMatchObject({ uploaded: 3, failed: 0 });
    expect(events[0]).toBe("run with 0");
    expect(events.at(-1)).toBe("end");
    expect(events.filter((e) => e.startsWith("found many"))).toHaveLength(1);
  });

  it("starts no run of the uploader for a dry run", async () => {
    const v = vaultOf(3);
    const { ports } = recordingPorts(v);
    const forRun = jest.fn();
    ports.uploader = { upload: ports.uploader.upload.bind(ports.uploader), forRun };
    const report = await migrateNotes(notesOf(v), ports, { concurrency: 2, dryRun: true });
    expect(report.skipped).toBe(3);
    expect(forRun).not.toHaveBeenCalled();
  });

  it("when stopped while scanning, still accounts for every link and rewrites links found later to images already uploaded", async () => {
    const v = vaultOf(40, { "Z.md": "again ![[0.png]] and ![[5.png]]" });
    const first = v.hold("0.png");
    const laterNote = deferred();
    const { ports } = recordingPorts(v, { "Z.md": laterNote });
    const controller = new AbortController();
    const run = migrateNotes(notesOf(v), ports, { concurrency: 1, signal: controller.signal });
    await settle();
    controller.abort();
    first.resolve();
    await settle();
    laterNote.resolve();
    const report = await run;
    expect(v.uploads.map((a) => a.name)).toEqual(["0.png"]);
    expect(v.notes.get("Z.md")).toBe("again ![0.png](https://cdn.test/0.png) and ![[5.png]]");
    // 42 links in all: the two to 0.png rewritten, the 40 others skipped.
    expect(report).toMatchObject({ uploaded: 1, rewritten: 2, skipped: 40, failed: 0 });
  });
});

describe("progressCount", () => {
  const p = { done: 3, total: 40, uploaded: 3, reused: 0, failed: 0 };
  it("says the total may still grow while notes are being scanned", () => {
    expect(progressCount({ ...p, notesScanned: 120, notes: 10000 })).toBe("3 of 40 found so far, 120 of 10000 notes scanned");
  });
  it("gives the plain count once every note is scanned", () => {
    expect(progressCount({ ...p, notesScanned: 10000, notes: 10000 })).toBe("3 of 40");
  });
});

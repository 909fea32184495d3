import { rewriteEmbed } from "../../../../src/core/link/embedLink";
import { isLocalImageEmbed, scanEmbeds } from "../../../../src/core/markdown";
import { UploadError } from "../../../../src/core/errors";
import { migrateNotes, type MigrationProgress } from "../../../../src/core/migrate/engine";
import { manualTimer, MemoryVault, settle, urlFor } from "../../../support/migrateHarness";

/** The note as it should read once the links to `paths` are rewritten (by the scanner's own spans). */
function expectedRewrite(text: string, resolved: Record<string, string>): string {
  let out = "";
  let at = 0;
  for (const e of scanEmbeds(text)) {
    if (!isLocalImageEmbed(e) || resolved[e.target] === undefined) continue;
    out += text.slice(at, e.start) + rewriteEmbed(e, urlFor(resolved[e.target]));
    at = e.end;
  }
  return out + text.slice(at);
}

describe("migrateNotes", () => {
  it("rewrites every local image embed and leaves remote images, embedded notes, bases, canvases and PDFs alone", async () => {
    const note = [
      "# Trip",
      "![[a.png]] and ![[a.png|300]]",
      "![A photo](img/b%20c.jpg)",
      '<img src="img/d.gif" width="40">',
      "![remote](https://example.com/x.png)",
      "![[Other note]] ![[Board.canvas]] ![[Data.base]] ![[Paper.pdf]]",
      "",
    ].join("\n");
    const v = new MemoryVault(
      { "Trip.md": note, "Other note.md": "text" },
      { "a.png": "A", "img/b c.jpg": "B", "img/d.gif": "D", "Board.canvas": "{}", "Data.base": "x", "Paper.pdf": "%PDF" },
    );
    const report = await migrateNotes(["Trip.md"], v.ports(), { concurrency: 2 });

    expect(v.notes.get("Trip.md")).toBe(expectedRewrite(note, { "a.png": "a.png", "img/b c.jpg": "img/b c.jpg", "img/d.gif": "img/d.gif" }));
    const after = v.notes.get("Trip.md") as string;
    expect(after).toContain("https://example.com/x.png");
    expect(after).toContain("![[Other note]] ![[Board.canvas]] ![[Data.base]] ![[Paper.pdf]]");
    expect(after).not.toContain("![[a.png");
    expect(report).toMatchObject({ uploaded: 3, reused: 0, skipped: 0, failed: 0, rewritten: 4, failures: [], skippedEdits: [] });
    expect(report.files.map((f) => f.path)).toEqual(["a.png", "img/b c.jpg", "img/d.gif"]);
    expect(report.files[0]).toMatchObject({ url: urlFor("a.png"), reused: false });
  });

  it("reads and uploads each distinct file once, however many notes and links point at it", async () => {
    const v = new MemoryVault(
      {
        "One.md": "![[shared.png]] ![[shared.png]] ![[own.png]]",
        "Two.md": "![](shared.png) ![[sub/shared.png|100]]",
        "sub/Three.md": "![[../shared.png]]",
      },
      { "shared.png": "S", "own.png": "O", "sub/x.txt": "" },
    );
    const report = await migrateNotes(["One.md", "Two.md", "sub/Three.md", "One.md"], v.ports(), { concurrency: 4 });
    expect(v.reads.sort()).toEqual(["own.png", "shared.png"]);
    expect(v.uploads.map((a) => a.name).sort()).toEqual(["own.png", "shared.png"]);
    // sub/shared.png does not exist: that link fails, the others are rewritten.
    expect(report.rewritten).toBe(5);
    expect(report.failed).toBe(1);
    expect(report.failures[0]).toMatchObject({ note: "Two.md", link: "![[sub/shared.png|100]]", code: "MissingFile" });
    expect(v.notes.get("Two.md")).toContain("![[sub/shared.png|100]]");
  });

  it("never has more uploads in flight than the concurrency, and reaches it", async () => {
    const files: Record<string, string> = {};
    const links: string[] = [];
    for (let i = 0; i < 25; i++) {
      files[`img/${i}.png`] = `bytes ${i}`;
      links.push(`![[img/${i}.png]]`);
    }
    const v = new MemoryVault({ "Many.md": links.join("\n") }, files);
    const report = await migrateNotes(["Many.md"], v.ports(), { concurrency: 3 });
    expect(v.maxInFlight).toBe(3);
    expect(report.uploaded).toBe(25);
    expect(report.rewritten).toBe(25);
  });

  it("reads a file only when its upload starts, not all files up front", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`${i}.png`] = `b${i}`;
    const v = new MemoryVault(
      {
        "N.md": Object.keys(files)
          .map((f) => `![[${f}]]`)
          .join(" "),
      },
      files,
    );
    const gates = Object.keys(files).map((f) => v.hold(f));
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 2 });
    await settle();
    expect(v.reads).toEqual(["0.png", "1.png"]);
    gates[0].resolve();
    await settle();
    expect(v.reads).toEqual(["0.png", "1.png", "2.png"]);
    gates[2].resolve();
    await settle();
    expect(v.reads).toEqual(["0.png", "1.png", "2.png", "3.png"]);
    for (const g of gates) g.resolve();
    await run;
    expect(v.reads).toHaveLength(6);
  });

  it("reports a link to a file that is not in the vault as MissingFile, and one that cannot be read as UnreadableFile with the reason", async () => {
    const note = "A ![[gone.png]] B ![alt](unreadable.png) C ![[ok.png]]";
    const v = new MemoryVault({ "N.md": note }, { "ok.png": "K", "unreadable.png": "U" });
    const ports = v.ports();
    const readFile = ports.readFile;
    ports.readFile = (p) => (p === "unreadable.png" ? Promise.reject(new Error("permission denied")) : readFile(p));
    const report = await migrateNotes(["N.md"], ports, { concurrency: 2 });

    expect(report.failures).toEqual([
      {
        note: "N.md",
        link: "![[gone.png]]",
        code: "MissingFile",
        message: 'The image "gone.png" linked in "N.md" is not in the vault; the link was left as it was.',
      },
      {
        note: "N.md",
        link: "![alt](unreadable.png)",
        code: "UnreadableFile",
        message: 'The image "unreadable.png" linked in "N.md" could not be read (permission denied); the link was left as it was.',
      },
    ]);
    expect(report).toMatchObject({ failed: 2, rewritten: 1, uploaded: 1 });
    expect(v.notes.get("N.md")).toBe(expectedRewrite(note, { "ok.png": "ok.png" }));
  });

  it("reports a file the ports refuse to read with the ports' own code and words, once per link, and uploads nothing of it", async () => {
    const note = "![[big.png]] ![[big.png|20]] ![[away.png]] ![[ok.png]]";
    const v = new MemoryVault({ "N.md": note }, { "big.png": "B", "away.png": "A", "ok.png": "K" });
    const ports = v.ports();
    const readFile = ports.readFile;
    const refusals: Record<string, UploadError> = {
      "big.png": new UploadError("TooLarge", '"big.png" is 5120 MB, larger than the 20 MB limit.', "Raise the limit."),
      "away.png": new UploadError("OutsideVault", '"away.png" leads outside the vault.'),
    };
    ports.readFile = (p) => (refusals[p] ? Promise.reject(refusals[p]) : readFile(p));
    const report = await migrateNotes(["N.md"], ports, { concurrency: 2 });

    expect(report.failures).toEqual([
      { note: "N.md", link: "![[big.png]]", code: "TooLarge", message: 'big.png: "big.png" is 5120 MB, larger than the 20 MB limit. Raise the limit.' },
      { note: "N.md", link: "![[big.png|20]]", code: "TooLarge", message: 'big.png: "big.png" is 5120 MB, larger than the 20 MB limit. Raise the limit.' },
      { note: "N.md", link: "![[away.png]]", code: "OutsideVault", message: 'away.png: "away.png" leads outside the vault.' },
    ]);
    expect(v.uploads.map((a) => a.name)).toEqual(["ok.png"]);
    expect(report).toMatchObject({ failed: 3, rewritten: 1, uploaded: 1 });
  });

  it("reports a link the ports refuse to resolve with their code and words, and goes on with the note's other links", async () => {
    const note = "![[twin.png]] ![[ok.png]]";
    const v = new MemoryVault({ "N.md": note }, { "ok.png": "K" });
    const ports = v.ports();
    const resolve = ports.resolve;
    ports.resolve = (link, from) => {
      if (link === "twin.png") throw new UploadError("AmbiguousLink", `The image "twin.png" linked in "${from}" matches 2 files.`, "Rename one.");
      return resolve(link, from);
    };
    const report = await migrateNotes(["N.md"], ports, { concurrency: 1 });

    expect(report.failures).toEqual([
      { note: "N.md", link: "![[twin.png]]", code: "AmbiguousLink", message: 'The image "twin.png" linked in "N.md" matches 2 files. Rename one.' },
    ]);
    expect(report).toMatchObject({ failed: 1, rewritten: 1, uploaded: 1 });
    expect(v.notes.get("N.md")).toBe(expectedRewrite(note, { "ok.png": "ok.png" }));
  });

  it("reports an upload the storage refused with its code and plain words, once per link, and keeps the links", async () => {
    const note = "![[big.png]]\n![[big.png|20]]\n![[fine.png]]";
    const v = new MemoryVault({ "N.md": note }, { "big.png": "B", "fine.png": "F" });
    v.refuse.set("big.png", new UploadError("TooLarge", "The image is 30 MB, over the 20 MB limit.", "Lower its size."));
    const report = await migrateNotes(["N.md"], v.ports(), { concurrency: 1 });
    expect(report.failures).toEqual([
      { note: "N.md", link: "![[big.png]]", code: "TooLarge", message: "big.png: The image is 30 MB, over the 20 MB limit. Lower its size." },
      { note: "N.md", link: "![[big.png|20]]", code: "TooLarge", message: "big.png: The image is 30 MB, over the 20 MB limit. Lower its size." },
    ]);
    expect(report).toMatchObject({ failed: 2, rewritten: 1, uploaded: 1 });
    expect(v.notes.get("N.md")).toBe(expectedRewrite(note, { "fine.png": "fine.png" }));
  });

  it("hands each file's bytes back once their upload has settled, uploaded or refused, and never bytes it could not read", async () => {
    const v = new MemoryVault(
      { "N.md": "![[a.png]] ![[a.png|9]] ![[b.png]] ![[refused.png]] ![[unreadable.png]]" },
      { "a.png": "A", "b.png": "B", "refused.png": "R", "unreadable.png": "U" },
    );
    v.refuse.set("refused.png", new UploadError("NotAnImage", "Not an image."));
    const ports = v.ports();
    const readFile = ports.readFile;
    ports.readFile = (p) => (p === "unreadable.png" ? Promise.reject(new Error("EACCES")) : readFile(p));
    const report = await migrateNotes(["N.md"], ports, { concurrency: 2 });
    expect(report).toMatchObject({ uploaded: 2, failed: 2, rewritten: 3 });
    expect(v.releases.map((r) => r.path).sort()).toEqual(["a.png", "b.png", "refused.png"]);
    expect(v.releases.every((r) => r.afterUpload)).toBe(true);
  });

  it("counts files already in the bucket as reused, not uploaded", async () => {
    const v = new MemoryVault({ "N.md": "![[a.png]] ![[b.png]]" }, { "a.png": "A", "b.png": "B" });
    v.inBucket.add("a.png");
    const report = await migrateNotes(["N.md"], v.ports(), { concurrency: 2 });
    expect(report).toMatchObject({ uploaded: 1, reused: 1, rewritten: 2 });
    expect(report.files).toEqual([expect.objectContaining({ path: "a.png", reused: true }), expect.objectContaining({ path: "b.png", reused: false })]);
  });

  it("rewrites links in batches as uploads finish, before the slow ones are done", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`${i}.png`] = `b${i}`;
    const note = Object.keys(files)
      .map((f) => `![[${f}]]`)
      .join("\n");
    const v = new MemoryVault({ "N.md": note }, files);
    const slow = v.hold("5.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 6, flushEvery: 2, flushIntervalMs: 60_000 });
    await settle();
    // Five of six finished: two full batches of two were written; the fifth waits for its batch.
    expect(v.rewrites).toEqual(["N.md", "N.md"]);
    const mid = v.notes.get("N.md") as string;
    expect(mid.match(/https:\/\/cdn\.test\//g)).toHaveLength(4);
    expect(mid).toContain("![[5.png]]");
    slow.resolve();
    const report = await run;
    expect(v.rewrites).toHaveLength(3);
    expect(report.rewritten).toBe(6);
    expect(v.notes.get("N.md")).toBe(expectedRewrite(note, Object.fromEntries(Object.keys(files).map((f) => [f, f]))));
  });

  it("once the last file has started, writes the notes whose files are all done, and each note still waiting for an upload once, when it ends", async () => {
    const files = { "0.png": "b0", "1.png": "b1", "2.png": "b2", "3.png": "b3" };
    const notes = { "A.md": "![[0.png]]\n![[1.png]]", "B.md": "![[2.png]]\n![[3.png]]", "C.md": "![[1.png]] and ![[3.png]]" };
    const v = new MemoryVault(notes, files);
    const held = [v.hold("2.png"), v.hold("3.png")];
    const run = migrateNotes(Object.keys(notes), v.ports(), { concurrency: 2, flushEvery: 100, flushIntervalMs: 60_000 });
    await settle();
    expect(v.reads).toEqual(["0.png", "1.png", "2.png", "3.png"]);
    // A's images are both in the bucket; B and C each wait for one still uploading.
    expect(v.rewrites).toEqual(["A.md"]);
    expect(v.notes.get("A.md")).toBe(expectedRewrite(notes["A.md"], { "0.png": "0.png", "1.png": "1.png" }));
    expect(v.notes.get("C.md")).toBe(notes["C.md"]);
    held[0].resolve();
    await settle();
    // 2.png is done, but B still waits for 3.png: nothing more is written yet.
    expect(v.rewrites).toEqual(["A.md"]);
    held[1].resolve();
    const report = await run;
    expect([...v.rewrites].sort()).toEqual(["A.md", "B.md", "C.md"]);
    expect(report.rewritten).toBe(6);
    expect(v.notes.get("B.md")).toBe(expectedRewrite(notes["B.md"], { "2.png": "2.png", "3.png": "3.png" }));
    expect(v.notes.get("C.md")).toBe(expectedRewrite(notes["C.md"], { "1.png": "1.png", "3.png": "3.png" }));
  });

  it("writes a single note once when its last upload ends, not also when that upload starts", async () => {
    const files = { "0.png": "b0", "1.png": "b1", "2.png": "b2", "3.png": "b3" };
    const note = Object.keys(files)
      .map((f) => `![[${f}]]`)
      .join("\n");
    const v = new MemoryVault({ "N.md": note }, files);
    const held = [v.hold("2.png"), v.hold("3.png")];
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 2, flushEvery: 100, flushIntervalMs: 60_000 });
    await settle();
    expect(v.reads).toEqual(["0.png", "1.png", "2.png", "3.png"]);
    expect(v.rewrites).toEqual([]);
    for (const h of held) h.resolve();
    const report = await run;
    expect(v.rewrites).toEqual(["N.md"]);
    expect(report.rewritten).toBe(4);
    expect(v.notes.get("N.md")).toBe(expectedRewrite(note, Object.fromEntries(Object.keys(files).map((f) => [f, f]))));
  });

  it("writes a partial batch after flushIntervalMs even when no more uploads finish", async () => {
    const v = new MemoryVault({ "N.md": "![[fast.png]] ![[slow.png]]" }, { "fast.png": "F", "slow.png": "S" });
    const slow = v.hold("slow.png");
    const timer = manualTimer();
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 2, flushEvery: 100, flushIntervalMs: 25, setTimer: timer.setTimer });
    await settle();
    expect(v.rewrites).toHaveLength(0);
    expect(timer.pending()).toBe(1);
    timer.fire();
    await settle();
    expect(v.rewrites).toHaveLength(1);
    expect(v.notes.get("N.md")).toMatch(/^!\[[^\]]*\]\(https:\/\/cdn\.test\/fast\.png\) !\[\[slow\.png\]\]$/);
    slow.resolve();
    await run;
    expect(v.notes.get("N.md")).not.toContain("![[slow.png]]");
  });

  it("skips and reports a link the user edited during the run, and keeps edits made elsewhere", async () => {
    const note = "intro\n![[a.png]]\nmiddle\n![[b.png]]\nend\n";
    const v = new MemoryVault({ "N.md": note }, { "a.png": "A", "b.png": "B" });
    const held = v.hold("b.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 2, flushEvery: 1 });
    await settle();
    // a.png is rewritten; now the user types at the top and changes the b.png link.
    const current = v.notes.get("N.md") as string;
    expect(current).not.toContain("![[a.png]]");
    v.notes.set("N.md", `Typed by the user.\n${current.replace("![[b.png]]", "![[b.png|250]]")}`);
    held.resolve();
    const report = await run;

    const final = v.notes.get("N.md") as string;
    expect(final.startsWith("Typed by the user.\nintro\n")).toBe(true);
    expect(final).toContain("![[b.png|250]]");
    expect(report.skippedEdits).toEqual([{ note: "N.md", link: "![[b.png]]" }]);
    expect(report).toMatchObject({ rewritten: 1, skipped: 1, failed: 0, uploaded: 2 });
  });

  it("still finds an untouched link after the user inserted text before it", async () => {
    const note = "![[a.png]]\n\n![[b.png]]";
    const v = new MemoryVault({ "N.md": note }, { "a.png": "A", "b.png": "B" });
    const held = v.hold("b.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 2, flushEvery: 1 });
    await settle();
    const current = v.notes.get("N.md") as string;
    v.notes.set("N.md", current.replace("\n\n", "\n\nA whole new paragraph written meanwhile.\n\n"));
    held.resolve();
    const report = await run;
    expect(report).toMatchObject({ rewritten: 2, skipped: 0 });
    expect(v.notes.get("N.md")).toContain("A whole new paragraph written meanwhile.");
    expect(v.notes.get("N.md")).not.toContain("![[");
  });

  it("never runs two rewrites of the same note at once", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`${i}.png`] = `b${i}`;
    const v = new MemoryVault(
      {
        "N.md": Object.keys(files)
          .map((f) => `![[${f}]]`)
          .join(" "),
      },
      files,
    );
    let active = 0;
    let maxActive = 0;
    v.beforeRewrite = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await settle();
      active--;
    };
    const report = await migrateNotes(["N.md"], v.ports(), { concurrency: 12, flushEvery: 1 });
    expect(maxActive).toBe(1);
    expect(v.rewrites.length).toBeGreaterThan(1);
    expect(report.rewritten).toBe(12);
    expect(v.notes.get("N.md")).not.toContain("![[");
  });

  it("reports progress before the first upload and after each file", async () => {
    const v = new MemoryVault({ "N.md": "![[a.png]] ![[b.png]] ![[gone.png]] ![[c.png]]" }, { "a.png": "A", "b.png": "B", "c.png": "C" });
    const seen: MigrationProgress[] = [];
    await migrateNotes(["N.md"], v.ports(), { concurrency: 1, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => `${p.done} of ${p.total}`)).toEqual(["0 of 3", "1 of 3", "2 of 3", "3 of 3"]);
    expect(seen.map((p) => p.file)).toEqual([undefined, "a.png", "b.png", "c.png"]);
    expect(seen[3]).toMatchObject({ uploaded: 3, failed: 1 });
  });

  it("in a dry run reads no image, uploads nothing, writes nothing, and lists the plan", async () => {
    const note = "![[a.png]] ![[a.png]] ![[b.png]] ![[gone.png]]";
    const v = new MemoryVault({ "N.md": note }, { "a.png": "A", "b.png": "B" });
    const report = await migrateNotes(["N.md"], v.ports(), { concurrency: 4, dryRun: true });
    expect(v.reads).toEqual([]);
    expect(v.uploads).toEqual([]);
    expect(v.rewrites).toEqual([]);
    expect(v.notes.get("N.md")).toBe(note);
    expect(report).toMatchObject({ uploaded: 0, reused: 0, rewritten: 0, skipped: 3, failed: 1 });
    expect(report.files).toEqual([
      expect.objectContaining({ path: "a.png", links: 2, notes: ["N.md"] }),
      expect.objectContaining({ path: "b.png", links: 1, notes: ["N.md"] }),
    ]);
  });

  it("when stopped, starts no new upload, writes the links of the finished ones, and counts the rest as skipped", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`${i}.png`] = `b${i}`;
    const v = new MemoryVault(
      {
        "N.md": Object.keys(files)
          .map((f) => `![[${f}]]`)
          .join(" "),
      },
      files,
    );
    const controller = new AbortController();
    const first = v.hold("0.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 1, signal: controller.signal, flushIntervalMs: 60_000 });
    await settle();
    controller.abort();
    first.resolve();
    const report = await run;
    expect(v.uploads.map((a) => a.name)).toEqual(["0.png"]);
    expect(report).toMatchObject({ uploaded: 1, rewritten: 1, skipped: 4, failed: 0 });
    expect(v.notes.get("N.md")).toMatch(/^!\[[^\]]*\]\(https:\/\/cdn\.test\/0\.png\) !\[\[1\.png\]\]/);
  });

  it("reports a note that cannot be read and goes on with the others", async () => {
    const v = new MemoryVault({ "Good.md": "![[a.png]]" }, { "a.png": "A" });
    const report = await migrateNotes(["Missing.md", "Good.md"], v.ports(), { concurrency: 1 });
    expect(report.failures).toEqual([{ note: "Missing.md", link: "", code: "Unknown", message: expect.stringContaining("Missing.md") }]);
    expect(report).toMatchObject({ failed: 1, rewritten: 1 });
  });

  it("reports a note the ports refuse to read with their code and words, and uploads nothing it links to", async () => {
    const v = new MemoryVault({ "Linked.md": "![[a.png]]", "Good.md": "![[b.png]]" }, { "a.png": "A", "b.png": "B" });
    const ports = v.ports();
    const readNote = ports.readNote;
    ports.readNote = (p) =>
      p === "Linked.md" ? Promise.reject(new UploadError("OutsideVault", 'The note "Linked.md" leads outside the vault.')) : readNote(p);
    const report = await migrateNotes(["Linked.md", "Good.md"], ports, { concurrency: 1 });
    expect(report.failures).toEqual([{ note: "Linked.md", link: "", code: "OutsideVault", message: 'The note "Linked.md" leads outside the vault.' }]);
    expect(v.uploads.map((a) => a.name)).toEqual(["b.png"]);
    expect(v.notes.get("Linked.md")).toBe("![[a.png]]");
  });

  it("reports links as failed, not rewritten, when their note cannot be saved", async () => {
    const v = new MemoryVault({ "N.md": "![[a.png]] ![[a.png]]" }, { "a.png": "A" });
    const ports = v.ports();
    ports.rewriteNote = () => Promise.reject(new Error("read-only file system"));
    const report = await migrateNotes(["N.md"], ports, { concurrency: 1 });
    expect(report).toMatchObject({ uploaded: 1, rewritten: 0, failed: 2 });
    expect(report.failures[0].message).toContain("read-only file system");
  });

  it("accounts for every local image link exactly once: rewritten + skipped + failed", async () => {
    const note = "![[a.png]] ![[gone.png]] ![[b.png]] ![[b.png]] ![](c.png) ![[refused.png]]";
    const v = new MemoryVault({ "N.md": note }, { "a.png": "A", "b.png": "B", "c.png": "C", "refused.png": "R" });
    v.refuse.set("refused.png", new UploadError("NotAnImage", "Not an image."));
    const held = v.hold("b.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 4, flushEvery: 1 });
    await settle();
    v.notes.set("N.md", (v.notes.get("N.md") as string).replace("![[b.png]] ![[b.png]]", "![[b.png]] ![[b.png|9]]"));
    held.resolve();
    const r = await run;
    const total = scanEmbeds(note).filter(isLocalImageEmbed).length;
    expect(r.rewritten + r.skipped + r.failed).toBe(total);
    expect(r).toMatchObject({ rewritten: 3, skipped: 1, failed: 2 });
  });
});

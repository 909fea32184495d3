import { FileUploadIndex, parseIndexFile, scopeId, type IndexFilePort } from "../../../../src/core/settings/uploadIndexFile";

const H = (c: string) => c.repeat(64);

/** The index file in memory, with every write and append recorded. */
class MemoryFile implements IndexFilePort {
  writes = 0;
  appends = 0;
  failWrites = false;
  constructor(public text: string | null = null) {}
  async read() {
    return this.text;
  }
  async write(text: string) {
    if (this.failWrites) throw new Error("disk full");
    this.writes++;
    this.text = text;
  }
  async append(text: string) {
    this.appends++;
    this.text = (this.text ?? "") + text;
  }
}

async function reopen(file: MemoryFile): Promise<FileUploadIndex> {
  const index = new FileUploadIndex(file);
  await index.load();
  return index;
}

describe("the upload index file", () => {
  test("each record is one appended line, and a new index reads them all back", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    index.set("bucket-a", H("a"), { key: "img/a.png", at: 1000 });
    index.set("bucket-a", H("b"), { key: "img/b c.png", at: 2000 });
    index.set("bucket-b", H("a"), { key: "other/a.png", at: 3000 });
    await index.flush();
    expect(file.writes).toBe(0);
    expect(file.text?.split("\n").filter(Boolean)).toHaveLength(5);
    const again = await reopen(file);
    expect(again.get("bucket-a", H("a"))).toEqual({ key: "img/a.png", at: 1000 });
    expect(again.get("bucket-a", H("b"))).toEqual({ key: "img/b c.png", at: 2000 });
    expect(again.get("bucket-b", H("a"))).toEqual({ key: "other/a.png", at: 3000 });
    expect(again.get("bucket-b", H("b"))).toBeUndefined();
  });

  test("a record filed under other bytes than it stores keeps the stored bytes' SHA-256; a bad one costs only its line", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    index.set("bucket-a", H("a"), { key: "img/a.webp", at: 1000, sha256: H("b") });
    index.set("bucket-a", H("c"), { key: "img/c.png", at: 2000, sha256: H("c") });
    await index.flush();
    expect(file.text).toContain(`:${H("b")} img/a.webp`);
    expect(file.text).not.toContain(`:${H("c")}`);
    file.text += `${scopeId("bucket-a")} ${H("d")} 1s:${"b".repeat(63)} img/d.png\n`;
    const again = await reopen(file);
    expect(again.get("bucket-a", H("a"))).toEqual({ key: "img/a.webp", at: 1000, sha256: H("b") });
    expect(again.get("bucket-a", H("c"))).toEqual({ key: "img/c.png", at: 2000 });
    expect(again.get("bucket-a", H("d"))).toBeUndefined();
  });

  test("the stored bytes' size and MD5 read back with their SHA-256, with or without a path; lines without them read as before", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    const md5 = "0123456789abcdef".repeat(2);
    index.set("s", H("a"), { key: "img/a.jpg", at: 1000, sha256: H("b"), size: 123_456, md5: md5.toUpperCase() });
    index.set("s", H("c"), { key: "img/c.jpg", at: 2000, sha256: H("d"), size: 0, md5, path: "Att/c.jpg" });
    // Without a stored SHA-256 to check a listing against, or without both, they are not kept.
    index.set("s", H("e"), { key: "img/e.png", at: 3000, size: 5, md5 });
    index.set("s", H("f"), { key: "img/f.png", at: 4000, sha256: H("0"), size: 5 });
    index.set("s", H("1"), { key: "img/1.png", at: 5000, sha256: H("2"), size: 1.5, md5 });
    await index.flush();
    expect(file.text).toContain(`${scopeId("s")} ${H("a")} rs:${H("b")}:2n9c:${md5} img/a.jpg\n`);
    const expected = {
      a: { key: "img/a.jpg", at: 1000, sha256: H("b"), size: 123_456, md5 },
      c: { key: "img/c.jpg", at: 2000, sha256: H("d"), size: 0, md5, path: "Att/c.jpg" },
      e: { key: "img/e.png", at: 3000 },
      f: { key: "img/f.png", at: 4000, sha256: H("0") },
      1: { key: "img/1.png", at: 5000, sha256: H("2") },
    };
    // Memory and file agree, before a reload and after one.
    for (const [h, record] of Object.entries(expected)) expect(index.get("s", H(h))).toEqual(record);
    const again = await reopen(file);
    for (const [h, record] of Object.entries(expected)) expect(again.get("s", H(h))).toEqual(record);
  });

  test("a line of the version before size and MD5 reads as it did; a malformed size or MD5 costs its line, fields after the MD5 are ignored", async () => {
    const id = scopeId("s");
    const md5 = "f".repeat(32);
    const file = new MemoryFile(
      [
        `@${id} "s"`,
        `${id} ${H("a")} rs:${H("b")} "Att/a.jpg" img/a.jpg`,
        `${id} ${H("c")} rs:${H("d")}:2n9c:${md5}:later:fields img/c.jpg`,
        `${id} ${H("e")} rs:${H("d")}:2n9c:${md5.slice(1)} img/e.jpg`,
        `${id} ${H("f")} rs:${H("d")}:2N9C:${md5} img/f.jpg`,
        `${id} ${H("1")} rs:${H("d")}:${md5} img/1.jpg`,
        `${id} ${H("2")} rs:${H("d")}x2n9c:${md5} img/2.jpg`,
        `${id} ${H("3")} rs:${H("d")}: img/3.jpg`,
        "",
      ].join("\n"),
    );
    const index = await reopen(file);
    expect(index.get("s", H("a"))).toEqual({ key: "img/a.jpg", at: 1000, sha256: H("b"), path: "Att/a.jpg" });
    expect(index.get("s", H("c"))).toEqual({ key: "img/c.jpg", at: 1000, sha256: H("d"), size: 123_456, md5 });
    expect(["e", "f", "1", "2", "3"].map((c) => index.get("s", H(c)))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(index.size).toBe(2);
  });

  test("a record's time ends at its own colon or space: a colon in its key or on a later line does not move it, and 11 digits are the most", async () => {
    const id = scopeId("https://s3.example.com/b");
    const file = new MemoryFile(
      [
        `@${id} "https://s3.example.com/b"`,
        `${id} ${H("a")} rs img/a:b.png`,
        `${id} ${H("b")} rs img/b.png`,
        `${id} ${H("c")} ${"1".repeat(11)}:${H("d")} img/c.png`,
        `${id} ${H("e")} ${"1".repeat(12)}:${H("d")} img/e.png`,
        `${id} ${H("f")} ${"1".repeat(12)} img/f.png`,
        `${id} ${H("1")} rs:${H("2")} img/1:x.png`,
        "",
      ].join("\n"),
    );
    const index = await reopen(file);
    expect(index.get("https://s3.example.com/b", H("a"))).toEqual({ key: "img/a:b.png", at: 1000 });
    expect(index.get("https://s3.example.com/b", H("b"))).toEqual({ key: "img/b.png", at: 1000 });
    expect(index.get("https://s3.example.com/b", H("c"))).toEqual({ key: "img/c.png", at: parseInt("1".repeat(11), 36), sha256: H("d") });
    expect(index.get("https://s3.example.com/b", H("e"))).toBeUndefined();
    expect(index.get("https://s3.example.com/b", H("f"))).toBeUndefined();
    expect(index.get("https://s3.example.com/b", H("1"))).toEqual({ key: "img/1:x.png", at: 1000, sha256: H("2") });
  });

  test("keys that hold line breaks or start with a quote read back exactly", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    for (const [i, key] of ['"quoted".png', "two\nlines.png", "cr\r.png", "ünï €.png"].entries())
      index.set("s", String(i).repeat(64).slice(0, 64).replace(/./g, "abcd"[i]), { key, at: i });
    await index.flush();
    const again = await reopen(file);
    expect(["a", "b", "c", "d"].map((c) => again.get("s", H(c))?.key)).toEqual(['"quoted".png', "two\nlines.png", "cr\r.png", "ünï €.png"]);
  });

  test("the vault path a record was uploaded from reads back exactly, with spaces, quotes, unicode and any key; records without one read as before", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    const paths = ["Attachments/Photo 1.png", 'Notes/"quoted" ü €/a b.jpg', "Pasted image 2026.png", "two\nlines.png"];
    const keys = ["img/a.png", '"quoted" key.png', "k with spaces.png", "two\nlines.png"];
    paths.forEach((p, i) => index.set("s", H("abcd"[i]), { key: keys[i], at: i + 1, path: p }));
    index.set("s", H("e"), { key: "img/e.webp", at: 9, sha256: H("f"), path: "Att/e.heic" });
    index.set("s", H("0"), { key: "img/pasted.png", at: 10 });
    await index.flush();
    // Written as read, before a reload too.
    expect(index.get("s", H("e"))).toEqual({ key: "img/e.webp", at: 9, sha256: H("f"), path: "Att/e.heic" });
    expect(file.text).toContain(`${scopeId("s")} ${H("a")} 1 "Attachments/Photo 1.png" img/a.png\n`);
    expect(file.text).toContain(`${scopeId("s")} ${H("0")} a img/pasted.png\n`);
    const again = await reopen(file);
    paths.forEach((p, i) => expect(again.get("s", H("abcd"[i]))).toEqual({ key: keys[i], at: i + 1, path: p }));
    expect(again.get("s", H("e"))).toEqual({ key: "img/e.webp", at: 9, sha256: H("f"), path: "Att/e.heic" });
    expect(again.get("s", H("0"))).toEqual({ key: "img/pasted.png", at: 10 });
  });

  test("a line of an older version (no path) still reads; a path not followed by a key costs only its line", async () => {
    const id = scopeId("s");
    const file = new MemoryFile(
      `@${id} "s"\n${id} ${H("a")} 1 img/a b.png\n${id} ${H("b")} 2 "\\"old\\" quoted.png"\n${id} ${H("c")} 3 "Att/c.png" \n${id} ${H("d")} 4 "Att/d.png"x.png\n${id} ${H("e")} 5 "unterminated img/e.png\n`,
    );
    const index = await reopen(file);
    expect(index.get("s", H("a"))).toEqual({ key: "img/a b.png", at: 1 });
    expect(index.get("s", H("b"))).toEqual({ key: '"old" quoted.png', at: 2 });
    expect(["c", "d", "e"].map((c) => index.get("s", H(c)))).toEqual([undefined, undefined, undefined]);
  });

  test("unreadable lines are skipped and cost only themselves; a line cut short does not swallow the next record", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    index.set("s", H("a"), { key: "img/a.png", at: 1 });
    await index.flush();
    const id = scopeId("s");
    file.text += `garbage\n${id} ${H("z").slice(0, 20)} 1 img/short.png\n${id} ${H("b")} zz!! img/b.png\n@broken\n${id} ${H("c")} 3 img/c`;
    const after = await reopen(file);
    expect(after.get("s", H("a"))?.key).toBe("img/a.png");
    expect(after.get("s", H("c"))?.key).toBe("img/c");
    after.set("s", H("d"), { key: "img/d.png", at: 4 });
    await after.flush();
    const last = await reopen(file);
    expect(last.get("s", H("c"))?.key).toBe("img/c");
    expect(last.get("s", H("d"))?.key).toBe("img/d.png");
    expect(last.size).toBe(3);
  });

  test("a record whose scope line comes later (lines merged from two devices) is kept; one with no scope line is not", async () => {
    const id = scopeId("s");
    const file = new MemoryFile(`${id} ${H("a")} 1 img/a.png\nq1w2e3 ${H("b")} 1 img/b.png\n@${id} "s"\n`);
    const index = await reopen(file);
    expect(index.get("s", H("a"))?.key).toBe("img/a.png");
    expect(index.size).toBe(1);
  });

  test("two devices' appends merged in either order: every record is kept, and where both know a hash the newer wins", async () => {
    const base = new MemoryFile();
    const a = await reopen(base);
    a.set("s", H("a"), { key: "img/a.png", at: 1 });
    await a.flush();
    const deviceA = new MemoryFile(base.text);
    const deviceB = new MemoryFile(base.text);
    const ia = await reopen(deviceA);
    const ib = await reopen(deviceB);
    ia.set("s", H("b"), { key: "img/b-from-a.png", at: 10 });
    ia.set("t", H("c"), { key: "c.png", at: 11 });
    ib.set("s", H("b"), { key: "img/b-from-b.png", at: 20 });
    ib.set("s", H("d"), { key: "img/d.png", at: 21 });
    await ia.flush();
    await ib.flush();
    const tail = (f: MemoryFile) => (f.text ?? "").slice((base.text ?? "").length);
    for (const merged of [base.text + tail(deviceA) + tail(deviceB), base.text + tail(deviceB) + tail(deviceA)]) {
      const index = await reopen(new MemoryFile(merged));
      expect(index.get("s", H("a"))?.key).toBe("img/a.png");
      expect(index.get("s", H("b"))?.key).toBe("img/b-from-b.png");
      expect(index.get("t", H("c"))?.key).toBe("c.png");
      expect(index.get("s", H("d"))?.key).toBe("img/d.png");
    }
  });

  test("a file mostly of stale lines is rewritten with the live records only, losing none", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    for (let i = 0; i < 200; i++) index.set("s", H("a"), { key: `img/a-${i}.png`, at: i });
    index.set("s", H("b"), { key: "img/b.png", at: 1 });
    await index.flush();
    expect(file.text?.split("\n").filter(Boolean)).toHaveLength(202);
    const compacted = await reopen(file);
    expect(file.writes).toBe(1);
    expect(file.text?.split("\n").filter(Boolean)).toHaveLength(3);
    expect(compacted.get("s", H("a"))?.key).toBe("img/a-199.png");
    expect(compacted.get("s", H("b"))?.key).toBe("img/b.png");
    // Appends after the rewrite still land, and a file with few stale lines is left alone.
    compacted.set("s", H("c"), { key: "img/c.png", at: 3 });
    await compacted.flush();
    const last = await reopen(file);
    expect(file.writes).toBe(1);
    expect(last.size).toBe(3);
  });

  test("records kept in data.json by an older version are written into the file first, and only then dropped from there", async () => {
    const file = new MemoryFile();
    const calls: string[] = [];
    const index = new FileUploadIndex(file, {
      migrateFrom: () => ({
        data: { s: { [H("a")]: { key: "img/a.png", at: 1 } }, t: { [H("b")]: { key: "b.png", at: 2 } } },
        done: () => {
          calls.push(`done with ${file.text === null ? "no file" : "the file written"}`);
        },
      }),
    });
    await index.load();
    expect(calls).toEqual(["done with the file written"]);
    const again = await reopen(file);
    expect(again.get("s", H("a"))?.key).toBe("img/a.png");
    expect(again.get("t", H("b"))?.key).toBe("b.png");
  });

  test("a migration whose file cannot be written keeps data.json's records there, and the index still works from memory", async () => {
    const file = new MemoryFile();
    file.failWrites = true;
    const done = jest.fn();
    const errors: unknown[] = [];
    const index = new FileUploadIndex(file, {
      migrateFrom: () => ({ data: { s: { [H("a")]: { key: "img/a.png", at: 1 } } }, done }),
      onError: (e) => errors.push(e),
    });
    await index.load();
    expect(done).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
    expect(index.get("s", H("a"))?.key).toBe("img/a.png");
  });

  test("records set before the file is read are appended once it is, none lost", async () => {
    const file = new MemoryFile();
    const early = new FileUploadIndex(file);
    early.set("s", H("a"), { key: "img/a.png", at: 1 });
    expect(file.appends).toBe(0);
    await early.flush();
    expect(parseIndexFile(file.text ?? "").records).toEqual([{ scope: "s", sha256: H("a"), key: "img/a.png", at: 1 }]);
  });

  test("50,000 records of the default template: about 125 bytes each, all read back", async () => {
    const file = new MemoryFile();
    const index = await reopen(file);
    const hex = (n: number) => n.toString(16).padStart(64, "0");
    for (let i = 0; i < 50_000; i++) index.set("https://s3.example.com/bucket", hex(i), { key: `img/${hex(i).slice(32)}.png`, at: 1_700_000_000_000 + i });
    await index.flush();
    const bytesPerRecord = (file.text ?? "").length / 50_000;
    expect(bytesPerRecord).toBeLessThan(130);
    const again = await reopen(file);
    expect(again.size).toBe(50_000);
    expect(again.get("https://s3.example.com/bucket", hex(49_999))?.key).toBe(`img/${hex(49_999).slice(32)}.png`);
  });

  test("read in slices with a pause between them, a large file gives the same records, a record whose scope line comes last included, and a record set meanwhile wins", async () => {
    const scope = "https://s3.example.com/bucket";
    const id = scopeId(scope);
    const hex = (n: number) => n.toString(16).padStart(64, "0");
    // 6,000 records (three slices or more), CRLF line ends, the scope line after them all.
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) lines.push(`${id} ${hex(i)} ${(1_700_000_000_000 + i).toString(36)} img/${hex(i).slice(32)}.png`);
    lines.push(`@${id} ${JSON.stringify(scope)}`);
    const text = `${lines.join("\r\n")}\r\n`;

    const whole = new FileUploadIndex(new MemoryFile(text));
    await whole.load();
    let pauses = 0;
    let sliced: FileUploadIndex | undefined = undefined;
    sliced = new FileUploadIndex(new MemoryFile(text), {
      pause: async () => {
        pauses++;
        // The first upload of a run may remember an image while the file is still being read.
        if (pauses === 1) sliced?.set(scope, hex(5999), { key: "img/newer.png", at: 1_800_000_000_000 });
      },
    });
    await sliced.load();
    expect(pauses).toBeGreaterThanOrEqual(3);
    expect(whole.size).toBe(6000);
    expect(sliced.size).toBe(6000);
    for (const i of [0, 1, 2999, 4321, 5998]) expect(sliced.get(scope, hex(i))).toEqual(whole.get(scope, hex(i)));
    expect(sliced.get(scope, hex(5999))).toEqual({ key: "img/newer.png", at: 1_800_000_000_000 });
    expect(parseIndexFile(text).records).toHaveLength(6000);
  });
});

import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { openUploadCache } from "../../../src/cli/cache";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "s3ih-cache-"));
  file = path.join(dir, "sub", "uploads.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hash = (n: number): string => n.toString(16).padStart(64, "0");
const SCOPE = "http://127.0.0.1:7480|bucket";

describe("the upload cache", () => {
  it("keeps every upload recorded by a run that never saved, as a run killed mid-way does not", async () => {
    const killed = await openUploadCache(file);
    killed.index.set(SCOPE, hash(1), { key: "t/1.png", at: 1 });
    killed.index.set(SCOPE, hash(2), { key: "t/2.png", at: 2 });
    // No save(): the process is gone.
    const next = await openUploadCache(file);
    expect(next.index.get(SCOPE, hash(1))).toEqual({ key: "t/1.png", at: 1 });
    expect(next.index.get(SCOPE, hash(2))).toEqual({ key: "t/2.png", at: 2 });
  });

  it("skips a journal line cut short and keeps the records before and after it", async () => {
    const run = await openUploadCache(file);
    run.index.set(SCOPE, hash(1), { key: "t/1.png", at: 1 });
    appendFileSync(`${file}.journal`, `["${SCOPE}","${hash(2)}","t/2`);
    const after = await openUploadCache(file);
    after.index.set(SCOPE, hash(3), { key: "t/3.png", at: 3 });
    const next = await openUploadCache(file);
    expect(next.index.get(SCOPE, hash(1))).toEqual({ key: "t/1.png", at: 1 });
    expect(next.index.get(SCOPE, hash(2))).toBeUndefined();
    expect(next.index.get(SCOPE, hash(3))).toEqual({ key: "t/3.png", at: 3 });
  });

  it("keeps the vault path an image was uploaded from, through the journal and the file; older journal lines read as before", async () => {
    const killed = await openUploadCache(file);
    killed.index.set(SCOPE, hash(1), { key: "t/1.png", at: 1, path: "Notes/Ünï €/photo 1.png" });
    killed.index.set(SCOPE, hash(2), { key: "t/2.webp", at: 2, sha256: hash(9), path: "a.heic" });
    appendFileSync(`${file}.journal`, `${JSON.stringify([SCOPE, hash(3), "t/3.png", 3])}\n${JSON.stringify([SCOPE, hash(4), "t/4.png", 4, hash(8)])}\n`);
    const next = await openUploadCache(file);
    expect(next.index.get(SCOPE, hash(1))).toEqual({ key: "t/1.png", at: 1, path: "Notes/Ünï €/photo 1.png" });
    expect(next.index.get(SCOPE, hash(2))).toEqual({ key: "t/2.webp", at: 2, sha256: hash(9), path: "a.heic" });
    expect(next.index.get(SCOPE, hash(3))).toEqual({ key: "t/3.png", at: 3 });
    expect(next.index.get(SCOPE, hash(4))).toEqual({ key: "t/4.png", at: 4, sha256: hash(8) });
    await next.save();
    expect((await openUploadCache(file)).index.get(SCOPE, hash(1))).toEqual({ key: "t/1.png", at: 1, path: "Notes/Ünï €/photo 1.png" });
  });

  it("folds the journal into the file on save, and a later run reads the file alone", async () => {
    const run = await openUploadCache(file);
    run.index.set(SCOPE, hash(1), { key: "t/1.png", at: 1 });
    await run.save();
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ [SCOPE]: { [hash(1)]: { key: "t/1.png", at: 1 } } });
    expect((await openUploadCache(file)).index.get(SCOPE, hash(1))).toEqual({ key: "t/1.png", at: 1 });
  });

  it("folds in a killed run's journal even when the next run uploads nothing", async () => {
    const killed = await openUploadCache(file);
    killed.index.set(SCOPE, hash(1), { key: "t/1.png", at: 1 });
    await (await openUploadCache(file)).save();
    expect(existsSync(`${file}.journal`)).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))[SCOPE][hash(1)]).toEqual({ key: "t/1.png", at: 1 });
  });

  it("keeps what another run sharing the cache saved meanwhile, the newer record winning", async () => {
    const a = await openUploadCache(file);
    const b = await openUploadCache(file);
    a.index.set(SCOPE, hash(1), { key: "a/1.png", at: 10 });
    a.index.set(SCOPE, hash(3), { key: "a/3.png", at: 10 });
    b.index.set(SCOPE, hash(2), { key: "b/2.png", at: 20 });
    b.index.set(SCOPE, hash(3), { key: "b/3.png", at: 20 });
    await b.save();
    await a.save();
    const data = JSON.parse(readFileSync(file, "utf8"))[SCOPE];
    expect(data).toEqual({
      [hash(1)]: { key: "a/1.png", at: 10 },
      [hash(2)]: { key: "b/2.png", at: 20 },
      [hash(3)]: { key: "b/3.png", at: 20 },
    });
  });

  it("starts empty from a file that is not JSON, and writes nothing when nothing changed", async () => {
    writeFileSync(path.join(dir, "broken.json"), "{ not json");
    const run = await openUploadCache(path.join(dir, "broken.json"));
    expect(run.index.get(SCOPE, hash(1))).toBeUndefined();
    await run.save();
    expect(readFileSync(path.join(dir, "broken.json"), "utf8")).toBe("{ not json");
  });

  it("keeps the stored bytes' size and MD5 through the journal and the file, with or without a path", async () => {
    const md5 = "0f".repeat(16);
    const killed = await openUploadCache(file);
    killed.index.set(SCOPE, hash(1), { key: "t/1.jpg", at: 1, sha256: hash(2), size: 1234, md5 });
    killed.index.set(SCOPE, hash(3), { key: "t/3.jpg", at: 3, sha256: hash(4), size: 0, md5, path: "Att/3.jpg" });
    // A line of a later version, with a field this one does not know, still reads.
    appendFileSync(`${file}.journal`, `${JSON.stringify([SCOPE, hash(5), "t/5.jpg", 5, hash(6), null, 7, md5, "later"])}\n`);
    const next = await openUploadCache(file);
    expect(next.index.get(SCOPE, hash(1))).toEqual({ key: "t/1.jpg", at: 1, sha256: hash(2), size: 1234, md5 });
    expect(next.index.get(SCOPE, hash(3))).toEqual({ key: "t/3.jpg", at: 3, sha256: hash(4), size: 0, md5, path: "Att/3.jpg" });
    expect(next.index.get(SCOPE, hash(5))).toEqual({ key: "t/5.jpg", at: 5, sha256: hash(6), size: 7, md5 });
    await next.save();
    expect(existsSync(`${file}.journal`)).toBe(false);
    const fromFile = await openUploadCache(file);
    expect(fromFile.index.get(SCOPE, hash(1))).toEqual({ key: "t/1.jpg", at: 1, sha256: hash(2), size: 1234, md5 });
    expect(fromFile.index.get(SCOPE, hash(3))).toEqual({ key: "t/3.jpg", at: 3, sha256: hash(4), size: 0, md5, path: "Att/3.jpg" });
  });

  it("journals the record of a processed original whole, so a killed run keeps it", async () => {
    const killed = await openUploadCache(file);
    killed.index.set(SCOPE, hash(5), { key: "t/5.jpg", at: 5, sha256: hash(6) });
    const next = await openUploadCache(file);
    expect(next.index.get(SCOPE, hash(5))).toEqual({ key: "t/5.jpg", at: 5, sha256: hash(6) });
  });
});

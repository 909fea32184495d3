import { createHash } from "node:crypto";
import { applyTextChanges } from "../../../../src/core/apply/textChanges";
import { downloadNotes, type DownloadPorts } from "../../../../src/core/download/downloadEngine";
import type { FetchedResponse } from "../../../../src/core/download/checkedImage";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const HASH = createHash("sha256").update(PNG).digest("hex");
const BASE = "https://cdn.example.com/";
const URL_A = `${BASE}img/${HASH}.png`;

/** Notes in memory, a web of answers by URL, and files saved into a map. */
function ports(notes: Record<string, string>, web: Record<string, FetchedResponse>, edits: { before?: (note: string, text: string) => string } = {}) {
  const fetched: string[] = [];
  const saved = new Map<string, Uint8Array>();
  const p: DownloadPorts = {
    readNote: async (n) => notes[n],
    rewriteNote: async (n, edit) => {
      const text = edits.before ? edits.before(n, notes[n]) : notes[n];
      notes[n] = applyTextChanges(text, edit(text));
    },
    fetch: async (url) => {
      fetched.push(url);
      return web[url] ?? { status: 404, headers: {}, bytes: new Uint8Array() };
    },
    save: async (bytes, name) => {
      saved.set(name, bytes);
      return name;
    },
    embedFor: (path, _note, alias) => (alias ? `![[${path}|${alias}]]` : `![[${path}]]`),
  };
  return { p, fetched, saved, notes };
}

const ok = (bytes: Uint8Array): FetchedResponse => ({ status: 200, headers: {}, bytes });
const sources = [{ prefix: BASE, keyTemplate: "img/{hash}.{ext}" }];

describe("downloadNotes", () => {
  it("fetches a URL linked from several notes once, and rewrites every link to it", async () => {
    const r = ports({ "A.md": `![a](${URL_A})`, "B.md": `x ![](${URL_A}) <img src="${URL_A}" alt="c" width="30">` }, { [URL_A]: ok(PNG) });
    const report = await downloadNotes(["A.md", "B.md"], r.p, { sources, concurrency: 4 });
    expect(r.fetched).toEqual([URL_A]);
    expect(report).toMatchObject({ downloaded: 1, rewritten: 3, skipped: 0, failed: 0 });
    expect(r.notes).toEqual({ "A.md": `![[${HASH}.png|a]]`, "B.md": `x ![[${HASH}.png]] ![[${HASH}.png|c|30]]` });
  });

  it("leaves a link the note changed meanwhile, skips forms that cannot hold an embed, and changes nothing in a dry run", async () => {
    const note = `![a](${URL_A}) ![b](${URL_A}) <img srcset="${URL_A} 2x" src="x.png">`;
    const dry = ports({ "A.md": note }, { [URL_A]: ok(PNG) });
    expect(await downloadNotes(["A.md"], dry.p, { sources, concurrency: 1, dryRun: true })).toMatchObject({ downloaded: 0, skipped: 3 });
    expect(dry.fetched).toEqual([]);
    expect(dry.notes["A.md"]).toBe(note);

    const r = ports({ "A.md": note }, { [URL_A]: ok(PNG) }, { before: (_n, t) => t.replace("![b]", "![B]") });
    const report = await downloadNotes(["A.md"], r.p, { sources, concurrency: 1 });
    expect(report).toMatchObject({ downloaded: 1, rewritten: 1, skipped: 2, failed: 0 });
    expect(report.skippedLinks.map((s) => s.reason)).toEqual([
      "this form of image cannot hold a link to a file of the vault",
      "the note changed there while the image was downloaded",
    ]);
    expect(r.notes["A.md"]).toBe(`![[${HASH}.png|a]] ![B](${URL_A}) <img srcset="${URL_A} 2x" src="x.png">`);
  });

  it("refuses bytes whose hash is not the one in the key, and only downloads other web images when asked", async () => {
    const other = "https://elsewhere.example/p.png";
    const wrong = new Uint8Array([...PNG, 9]);
    const r = ports({ "A.md": `![a](${URL_A}) ![o](${other})` }, { [URL_A]: ok(wrong), [other]: ok(PNG) });
    const report = await downloadNotes(["A.md"], r.p, { sources, concurrency: 2 });
    expect(report).toMatchObject({ downloaded: 0, failed: 1 });
    expect(report.failures[0].code).toBe("HashMismatch");
    expect(r.fetched).toEqual([URL_A]);
    const all = await downloadNotes(["A.md"], r.p, { sources, concurrency: 2, allRemote: true });
    expect(all).toMatchObject({ downloaded: 1, rewritten: 1, failed: 1 });
    expect(all.files.find((f) => f.url === other)).toMatchObject({ path: "p.png", verified: false });
  });
});

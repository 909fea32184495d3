/**
 * Canvases in the lifecycle commands' core: relinking text cards and web-page cards, and the
 * download engine turning a text card's image link into a local embed or back into a file node.
 * Every byte of the canvas outside the changed spans stays.
 */
import { createHash } from "node:crypto";
import { applyTextChanges } from "../../../../src/core/apply/textChanges";
import { downloadNotes, type DownloadPorts } from "../../../../src/core/download/downloadEngine";
import { planCanvasRelink, relinkBases, relinkEach } from "../../../../src/core/lifecycle/relink";
import { ALL_FORMS } from "../../../../src/core/markdown";

/** A canvas as Obsidian writes it: tab-indented, one node or edge a line. */
function canvas(nodes: object[], edges: object[] = []): string {
  const list = (items: object[]): string => items.map((n) => `\t\t${JSON.stringify(n)}`).join(",\n");
  return `{\n\t"nodes":[\n${list(nodes)}\n\t],\n\t"edges":[\n${list(edges)}\n\t]\n}`;
}

const changedLines = (before: string, after: string): number[] => after.split("\n").flatMap((line, i) => (line === before.split("\n")[i] ? [] : [i]));

const BASES = relinkBases("https://old.example.com/img", "https://cdn.example.com/pics/");

describe("planCanvasRelink", () => {
  it("moves links in text cards and the address of web-page cards, and changes nothing else", () => {
    const before = canvas(
      [
        { id: "t", type: "text", text: 'Gipfel "Süd":\n\n![Gipfel](https://old.example.com/img/a%20b.png "T")', x: 0, y: 0, width: 10, height: 10, color: "2" },
        { id: "l", type: "link", url: "https://old.example.com/img/c.png", x: 0, y: 20, width: 10, height: 10 },
        { id: "w", type: "link", url: "https://old.example.com/images/c.png", x: 0, y: 40, width: 10, height: 10 },
        { id: "f", type: "file", file: "https://old.example.com/img/x.png", x: 0, y: 60, width: 10, height: 10 },
        { id: "g", type: "group", label: "https://old.example.com/img/y.png", x: 0, y: 80, width: 10, height: 10 },
      ],
      [{ id: "e", fromNode: "t", toNode: "l", label: "![e](https://old.example.com/img/e.png)" }],
    );
    const plan = planCanvasRelink(before, "Board.canvas", BASES, { forms: ALL_FORMS });
    const after = applyTextChanges(before, plan.changes);
    expect({ links: plan.links, left: plan.left }).toEqual({ links: 2, left: [] });
    expect(changedLines(before, after)).toEqual([2, 3]);
    const nodes = (JSON.parse(after) as { nodes: { text?: string; url?: string }[] }).nodes;
    expect(nodes[0].text).toBe('Gipfel "Süd":\n\n![Gipfel](https://cdn.example.com/pics/a%20b.png "T")');
    expect(nodes[1].url).toBe("https://cdn.example.com/pics/c.png");
    // A second plan finds nothing to move.
    expect(planCanvasRelink(after, "Board.canvas", BASES, { forms: ALL_FORMS }).changes).toEqual([]);
  });

  it("keeps JSON escapes another program wrote, and moves only the links whose keys the filter accepts", () => {
    const before =
      '{"nodes":[{"id":"t","type":"text","text":"\\u0021[a](https://old.example.com/img/a.png)\\n![b](https://old.example.com/img/b.png)","x":0,"y":0,"width":1,"height":1},' +
      '{"id":"l","type":"link","url":"https:\\/\\/old.example.com\\/img\\/b.png","x":0,"y":0,"width":1,"height":1}]}';
    const plan = planCanvasRelink(before, "B.canvas", BASES, undefined, (keys) => keys.includes("b.png"));
    const after = applyTextChanges(before, plan.changes);
    expect(after).toBe(
      '{"nodes":[{"id":"t","type":"text","text":"\\u0021[a](https://old.example.com/img/a.png)\\n![b](https://cdn.example.com/pics/b.png)","x":0,"y":0,"width":1,"height":1},' +
        '{"id":"l","type":"link","url":"https://cdn.example.com/pics/b.png","x":0,"y":0,"width":1,"height":1}]}',
    );
    expect(plan.links).toBe(2);
  });

  it("relinkEach reads a canvas as a canvas and reports one that is not valid JSON", async () => {
    const files: Record<string, string> = {
      "A.canvas": canvas([{ id: "l", type: "link", url: "https://old.example.com/img/c.png", x: 0, y: 0, width: 1, height: 1 }]),
      "Broken.canvas": '{"nodes":[',
    };
    const tally = await relinkEach(
      Object.keys(files),
      {
        readNote: async (n) => files[n],
        rewriteNote: async (n, edit) => void (files[n] = applyTextChanges(files[n], edit(files[n]))),
      },
      BASES,
      { write: true },
    );
    expect(tally).toMatchObject({ notes: 1, links: 1, left: [] });
    expect(tally.failed).toEqual([
      {
        note: "Broken.canvas",
        reason: 'The canvas "Broken.canvas" could not be read: it is not valid JSON (unexpected end at line 1); it was left as it was.',
      },
    ]);
    expect(files["A.canvas"]).toContain('"url":"https://cdn.example.com/pics/c.png"');
    expect(files["Broken.canvas"]).toBe('{"nodes":[');
  });
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const HASH = createHash("sha256").update(PNG).digest("hex");
const URL_A = `https://cdn.example.com/img/${HASH}.png`;

function downloadPorts(files: Record<string, string>, savedAs: string): DownloadPorts {
  return {
    readNote: async (n) => files[n],
    rewriteNote: async (n, edit) => void (files[n] = applyTextChanges(files[n], edit(files[n]))),
    fetch: async (url) => (url === URL_A ? { status: 200, headers: {}, bytes: PNG } : { status: 404, headers: {}, bytes: new Uint8Array() }),
    save: async () => savedAs,
    embedFor: (path, _note, alias) => (alias ? `![[${path}|${alias}]]` : `![[${path}]]`),
  };
}

describe("downloadNotes on a canvas", () => {
  const opts = { sources: [{ prefix: "https://cdn.example.com/", keyTemplate: "img/{hash}.{ext}" }], concurrency: 1 };

  it("makes a card that only shows the image (as Upload all wrote it) a file node again, and rewrites embeds in other cards", async () => {
    const before = canvas(
      [
        { id: "a", type: "text", text: `![Gipfel](${URL_A})`, x: 0, y: 0, width: 400, height: 300, color: "3", custom: { k: 1 } },
        { id: "b", type: "text", text: `Karte:\n\n![Karte|200](${URL_A})`, x: 0, y: 320, width: 300, height: 200 },
        { id: "c", type: "text", text: `![Other caption](${URL_A})`, x: 0, y: 540, width: 300, height: 200 },
        { id: "l", type: "link", url: URL_A, x: 0, y: 760, width: 300, height: 200 },
      ],
      [{ id: "e", fromNode: "a", toNode: "b" }],
    );
    const files = { "Trips/Board.canvas": before };
    const report = await downloadNotes(["Trips/Board.canvas"], downloadPorts(files, "Bilder/Gipfel.png"), opts);
    expect(report).toMatchObject({ downloaded: 1, rewritten: 3, skipped: 0, failed: 0 });
    const after = files["Trips/Board.canvas"];
    expect(changedLines(before, after)).toEqual([2, 3, 4]);
    const nodes = (JSON.parse(after) as { nodes: Record<string, unknown>[] }).nodes;
    expect(nodes[0]).toEqual({ id: "a", type: "file", file: "Bilder/Gipfel.png", x: 0, y: 0, width: 400, height: 300, color: "3", custom: { k: 1 } });
    expect(nodes[1].text).toBe("Karte:\n\n![[Bilder/Gipfel.png|Karte|200]]");
    // An alt text that is not the file's name would be lost in a file node: the card keeps it.
    expect(nodes[2]).toMatchObject({ type: "text", text: "![[Bilder/Gipfel.png|Other caption]]" });
    expect(nodes[3]).toMatchObject({ type: "link", url: URL_A });

    const again = await downloadNotes(["Trips/Board.canvas"], downloadPorts(files, "Bilder/Gipfel.png"), opts);
    expect(again).toMatchObject({ downloaded: 0, rewritten: 0, failed: 0, files: [] });
    expect(files["Trips/Board.canvas"]).toBe(after);
  });

  it("reports a canvas that is not valid JSON and leaves it", async () => {
    const files = { "B.canvas": `{"nodes":[{"id":"a","type":"text","text":"![x](${URL_A})"}` };
    const report = await downloadNotes(["B.canvas"], downloadPorts(files, "x.png"), opts);
    expect(report.failures).toEqual([
      {
        note: "B.canvas",
        link: "",
        code: "UnreadableFile",
        message: 'The canvas "B.canvas" could not be read: it is not valid JSON (expected "," or "]" at line 1); it was left as it was.',
      },
    ]);
    expect(files["B.canvas"]).toBe(`{"nodes":[{"id":"a","type":"text","text":"![x](${URL_A})"}`);
  });
});

import { applyTextChanges, type TextChange } from "../../../../src/core/apply/textChanges";
import { canvasImages, isCanvasPath, readCanvas } from "../../../../src/core/canvas/canvasDocument";
import { CanvasShifts, writeCanvasLinks, type CanvasUploadedLink } from "../../../../src/core/canvas/canvasRewrite";
import { readJsonSpans } from "../../../../src/core/canvas/jsonSpans";
import { isUploadError } from "../../../../src/core/errors";
import { migrateNotes } from "../../../../src/core/migrate/engine";
import { MemoryVault, urlFor } from "../../../support/migrateHarness";

/**
 * A canvas as Obsidian writes it (JSON.stringify with a tab, then each node and edge on one
 * line): a group, a note shown at a heading (subpath), a PDF, an image with a colour, an image
 * with a subpath, a text card with embeds, a web page, and edges between them.
 */
const BOARD = [
  "{",
  '\t"nodes":[',
  '\t\t{"id":"g1","type":"group","label":"Reise nach Zürich","x":-400,"y":-300,"width":1200,"height":900,"color":"4"},',
  '\t\t{"id":"n1","type":"file","file":"Notes/Plan.md","subpath":"#Tag 1","x":-380,"y":-280,"width":400,"height":300},',
  '\t\t{"id":"p1","type":"file","file":"Docs/Fahrplan.pdf","x":60,"y":-280,"width":300,"height":300},',
  '\t\t{"id":"i1","type":"file","file":"Bilder/Grüße 🌄.png","x":-380,"y":60,"width":400,"height":260,"color":"#ff8800","styleAttributes":{"border":"dashed"}},',
  '\t\t{"id":"i2","type":"file","file":"Bilder/map.jpg","subpath":"#page=1","x":60,"y":60,"width":300,"height":200},',
  '\t\t{"id":"t1","type":"text","text":"# Tag 1\\n\\n![[Bilder/map.jpg|200]] then \\"quoted\\" ![Berg](Bilder/berg%20hoch.webp)\\n\\n```\\n![](Bilder/code.png)\\n```","x":400,"y":60,"width":300,"height":300},',
  '\t\t{"id":"w1","type":"link","url":"https://example.com/z.png","x":800,"y":0,"width":400,"height":300}',
  "\t],",
  '\t"edges":[',
  '\t\t{"id":"e1","fromNode":"n1","fromSide":"right","toNode":"i1","toSide":"left","label":"zeigt"},',
  '\t\t{"id":"e2","fromNode":"i1","toNode":"t1","toEnd":"arrow"}',
  "\t]",
  "}",
].join("\n");

/** Runs the rewrite against `text` as if it were the file, and returns the new text and outcomes. */
async function rewriteIn(text: string, links: CanvasUploadedLink[], shifts = new CanvasShifts()): Promise<{ text: string; outcome: string[] }> {
  let out = text;
  const outcome = await writeCanvasLinks("Board.canvas", links, shifts, async (edit: (t: string) => TextChange[]) => {
    out = applyTextChanges(text, edit(text));
  });
  return { text: out, outcome };
}

describe("reading a canvas", () => {
  it("recognises canvas paths by their extension in any case", () => {
    expect([isCanvasPath("a/B.canvas"), isCanvasPath("x.CANVAS"), isCanvasPath("x.canvas.md"), isCanvasPath("canvas")]).toEqual([true, true, false, false]);
  });

  it("lists image file nodes and the embeds of text nodes, not notes, PDFs, groups, links or code", () => {
    const images = canvasImages(readCanvas(BOARD, "Board.canvas"));
    const listed = images.map((i) => (i.kind === "file" ? `${i.node} file ${i.path}` : `${i.node} text ${i.embed.target}`));
    expect(listed).toEqual(["i1 file Bilder/Grüße 🌄.png", "i2 file Bilder/map.jpg", "t1 text Bilder/map.jpg", "t1 text Bilder/berg hoch.webp"]);
  });

  it("refuses text that is not a canvas with words that say why and where", () => {
    const cases: [string, RegExp][] = [
      ['{"nodes":[{"id":"a",}]}', /not valid JSON \(expected a key at line 1\)/],
      ['{\n\t"nodes":[\n\t\t{"id":"a"\n', /not valid JSON \(expected "," or "}" at line 4\)/],
      ["[]", /not a JSON object/],
      ['{"nodes":{}}', /"nodes" is not a list/],
    ];
    for (const [text, words] of cases) {
      let thrown: unknown;
      try {
        readCanvas(text, "Broken.canvas");
      } catch (e) {
        thrown = e;
      }
      expect(isUploadError(thrown) && thrown.code).toBe("UnreadableFile");
      expect((thrown as Error).message).toMatch(words);
      expect((thrown as Error).message).toContain('"Broken.canvas"');
    }
  });

  it("reads an empty canvas and one without nodes", () => {
    expect(readCanvas("{}", "e.canvas").nodes).toEqual([]);
    expect(readCanvas('\ufeff{"edges":[]}', "e.canvas").nodes).toEqual([]);
  });

  it("leaves out nodes whose id is used twice, since a change to that id could land on either", () => {
    const text = '{"nodes":[{"id":"a","type":"file","file":"x.png"},{"id":"a","type":"file","file":"y.png"},{"id":"b","type":"file","file":"z.png"}]}';
    expect(canvasImages(readCanvas(text, "d.canvas")).map((i) => i.node)).toEqual(["b"]);
  });

  it("reads every JSON value as JSON.parse does", () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n\\"\\/"],"b":{"c":{}} , "d" : [ ] }';
    const span = readJsonSpans(text);
    const plain = (s: ReturnType<typeof readJsonSpans>): unknown =>
      s.kind === "object" ? Object.fromEntries(s.members.map((m) => [m.key, plain(m.value)])) : s.kind === "array" ? s.items.map(plain) : s.value;
    expect(plain(span)).toEqual(JSON.parse(text));
  });
});

describe("rewriting a canvas", () => {
  const images = canvasImages(readCanvas(BOARD, "Board.canvas"));
  const linkTo = (node: string, which = 0): CanvasUploadedLink => {
    const image = images.filter((i) => i.node === node)[which];
    const path = image.kind === "file" ? image.path : image.embed.target;
    return { image, url: urlFor(path) };
  };

  it("turns an image file node into a text card with the image's link, changing nothing else in the file", async () => {
    const { text, outcome } = await rewriteIn(BOARD, [linkTo("i1")]);
    expect(outcome).toEqual(["rewritten"]);
    const expected = BOARD.replace(
      '{"id":"i1","type":"file","file":"Bilder/Grüße 🌄.png",',
      `{"id":"i1","type":"text","text":"![Grüße 🌄](${urlFor("Bilder/Grüße 🌄.png")})",`,
    );
    expect(expected).not.toBe(BOARD);
    expect(text).toBe(expected);
    // Still a canvas: edges still name i1, which kept its place, size, colour and unknown field.
    const parsed = JSON.parse(text) as { nodes: Record<string, unknown>[]; edges: { fromNode: string; toNode: string }[] };
    expect(parsed.nodes.find((n) => n.id === "i1")).toEqual({
      id: "i1",
      type: "text",
      text: `![Grüße 🌄](${urlFor("Bilder/Grüße 🌄.png")})`,
      x: -380,
      y: 60,
      width: 400,
      height: 260,
      color: "#ff8800",
      styleAttributes: { border: "dashed" },
    });
    expect(parsed.nodes.map((n) => n.id)).toEqual(["g1", "n1", "p1", "i1", "i2", "t1", "w1"]);
  });

  it("drops the subpath of an image file node, which means nothing for an image, and keeps the JSON valid", async () => {
    const { text } = await rewriteIn(BOARD, [linkTo("i2")]);
    expect(text).toContain(`{"id":"i2","type":"text","text":"![map](${urlFor("Bilder/map.jpg")})","x":60,"y":60,"width":300,"height":200},`);
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    // The note shown at a heading keeps its subpath.
    expect(text).toContain('"file":"Notes/Plan.md","subpath":"#Tag 1"');
  });

  it("removes a subpath written first, or alone with the file, and keeps the JSON valid", async () => {
    for (const node of ['{"subpath":"#x","id":"a","type":"file","file":"a.png"}', '{"id":"a","type":"file","subpath":"#x","file":"a.png"}']) {
      const text = `{"nodes":[${node}]}`;
      const [image] = canvasImages(readCanvas(text, "c.canvas"));
      const out = await rewriteIn(text, [{ image, url: urlFor("a.png") }]);
      expect(JSON.parse(out.text)).toEqual({ nodes: [{ id: "a", type: "text", text: `![a](${urlFor("a.png")})` }] });
    }
  });

  it("rewrites the embeds of a text card in place, escapes and other text kept, the one in code left alone", async () => {
    const { text, outcome } = await rewriteIn(BOARD, [linkTo("t1", 0), linkTo("t1", 1)]);
    expect(outcome).toEqual(["rewritten", "rewritten"]);
    const expected = BOARD.replace("![[Bilder/map.jpg|200]]", `![map|200](${urlFor("Bilder/map.jpg")})`).replace(
      "![Berg](Bilder/berg%20hoch.webp)",
      `![Berg](${urlFor("Bilder/berg hoch.webp")})`,
    );
    expect(text).toBe(expected);
    expect(text).toContain("![](Bilder/code.png)");
  });

  it("keeps escapes Obsidian would not write, outside the link it changes", async () => {
    const text = '{"nodes":[{"id":"t","type":"text","text":"\\u00c9t\\u00e9 \\/ ![[a.png]] \\u00e9"}]}';
    const [image] = canvasImages(readCanvas(text, "c.canvas"));
    const out = await rewriteIn(text, [{ image, url: urlFor("a.png") }]);
    expect(out.text).toBe(`{"nodes":[{"id":"t","type":"text","text":"\\u00c9t\\u00e9 \\/ ![a](${urlFor("a.png")}) \\u00e9"}]}`);
  });

  it("keeps a pretty-printed canvas pretty-printed, spaces after colons included", async () => {
    const text = JSON.stringify({ nodes: [{ id: "a", type: "file", file: "a.png", x: 0, y: 0, width: 10, height: 10 }], edges: [] }, null, 2);
    const [image] = canvasImages(readCanvas(text, "c.canvas"));
    const out = await rewriteIn(text, [{ image, url: urlFor("a.png") }]);
    expect(out.text).toBe(text.replace('"type": "file"', '"type": "text"').replace('"file": "a.png"', `"text": "![a](${urlFor("a.png")})"`));
  });

  it("leaves a node the person changed or removed meanwhile, and reports it as changed", async () => {
    const moved = BOARD.replace('"file":"Bilder/Grüße 🌄.png"', '"file":"Bilder/other.png"').replace('{"id":"i2"', '{"id":"i9"');
    const { text, outcome } = await rewriteIn(moved, [linkTo("i1"), linkTo("i2")]);
    expect(outcome).toEqual(["changed", "changed"]);
    expect(text).toBe(moved);
  });

  it("keeps the geometry the person gave the node meanwhile: only type and file change", async () => {
    const resized = BOARD.replace('"x":-380,"y":60,"width":400,"height":260', '"x":10,"y":20,"width":500,"height":333');
    const { text } = await rewriteIn(resized, [linkTo("i1")]);
    expect(text).toContain(`{"id":"i1","type":"text","text":"![Grüße 🌄](${urlFor("Bilder/Grüße 🌄.png")})","x":10,"y":20,"width":500,"height":333,`);
  });

  it("finds a text card's link again after an earlier batch changed the card", async () => {
    const shifts = new CanvasShifts();
    const first = await rewriteIn(BOARD, [linkTo("t1", 0)], shifts);
    const second = await rewriteIn(first.text, [linkTo("t1", 1)], shifts);
    expect(second.outcome).toEqual(["rewritten"]);
    expect(second.text).toContain(`![Berg](${urlFor("Bilder/berg hoch.webp")})`);
  });

  it("changes nothing in a canvas that no longer reads as one", async () => {
    const { text, outcome } = await rewriteIn('{"nodes":[', [linkTo("i1")]);
    expect(outcome).toEqual(["changed"]);
    expect(text).toBe('{"nodes":[');
  });

  it("leaves a file node that already has a text field, rather than guess which one a reader keeps", async () => {
    const text = '{"nodes":[{"id":"a","type":"file","file":"a.png","text":"hidden"}]}';
    const [image] = canvasImages(readCanvas(text, "c.canvas"));
    const out = await rewriteIn(text, [{ image, url: urlFor("a.png") }]);
    expect(out).toEqual({ text, outcome: ["changed"] });
  });
});

describe("migrating a canvas", () => {
  it("uploads each image once, rewrites nodes and cards, and a second run changes nothing", async () => {
    const v = new MemoryVault(
      { "Trips/Board.canvas": BOARD, "Notes/Plan.md": "plan" },
      { "Bilder/Grüße 🌄.png": "G", "Bilder/map.jpg": "M", "Bilder/berg hoch.webp": "B", "Docs/Fahrplan.pdf": "%PDF" },
    );
    // Text-card links resolve from the canvas's folder as a note's would; file nodes by their full path.
    v.notes.set("Trips/Board.canvas", BOARD.replace("](Bilder/berg%20hoch.webp)", "](../Bilder/berg%20hoch.webp)"));
    const report = await migrateNotes(["Trips/Board.canvas"], v.ports(), { concurrency: 2 });
    expect(report).toMatchObject({ uploaded: 3, rewritten: 4, failed: 0, skipped: 0 });
    expect(v.reads.sort()).toEqual(["Bilder/berg hoch.webp", "Bilder/map.jpg", "Bilder/Grüße 🌄.png"].sort());
    const after = v.notes.get("Trips/Board.canvas") as string;
    const nodes = (JSON.parse(after) as { nodes: { id: string; type: string; text?: string }[] }).nodes;
    expect(nodes.map((n) => `${n.id}:${n.type}`)).toEqual(["g1:group", "n1:file", "p1:file", "i1:text", "i2:text", "t1:text", "w1:link"]);
    expect(nodes.find((n) => n.id === "i2")?.text).toBe(`![map](${urlFor("Bilder/map.jpg")})`);

    const again = await migrateNotes(["Trips/Board.canvas"], v.ports(), { concurrency: 2 });
    expect(again).toMatchObject({ uploaded: 0, rewritten: 0, failed: 0, files: [] });
    expect(v.notes.get("Trips/Board.canvas")).toBe(after);
  });

  it("reports a missing image of a file node and an unreadable canvas, and writes neither", async () => {
    const v = new MemoryVault({ "A.canvas": '{"nodes":[{"id":"x","type":"file","file":"gone.png"}]}', "B.canvas": "{oops" }, {});
    const report = await migrateNotes(["A.canvas", "B.canvas"], v.ports(), { concurrency: 1 });
    expect(report.failures.map((f) => [f.note, f.link, f.code])).toEqual([
      ["A.canvas", "gone.png", "MissingFile"],
      ["B.canvas", "", "UnreadableFile"],
    ]);
    expect(v.rewrites).toEqual([]);
  });

  it("takes a file node's path as written, never a file of the same name found elsewhere", async () => {
    const v = new MemoryVault({ "Sub/A.canvas": '{"nodes":[{"id":"x","type":"file","file":"pic.png"}]}' }, { "Sub/pic.png": "S" });
    const report = await migrateNotes(["Sub/A.canvas"], v.ports(), { concurrency: 1 });
    expect(report.failures.map((f) => f.code)).toEqual(["MissingFile"]);
    expect(v.reads).toEqual([]);
  });
});

import { findVaultLinks } from "../../../../src/core/lifecycle/noteLinks";
import { servedBase, type ServedBase } from "../../../../src/core/lifecycle/profileLinks";

const bases = [servedBase("https://cdn.example.com/blog/")].filter((b): b is ServedBase => b !== undefined);

describe("findVaultLinks", () => {
  it("finds the bucket's images a canvas shows in its text cards and web page nodes, not in its other strings", async () => {
    const board = JSON.stringify({
      nodes: [
        { id: "a", type: "text", text: "Bild:\n\n![Gipfel](https://cdn.example.com/blog/img/gipfel.png)", x: 0, y: 0, width: 1, height: 1 },
        { id: "b", type: "link", url: "https://cdn.example.com/blog/img/page.png", x: 0, y: 0, width: 1, height: 1 },
        { id: "c", type: "group", label: "![x](https://cdn.example.com/blog/img/label.png)", x: 0, y: 0, width: 1, height: 1 },
      ],
      edges: [],
    });
    const texts: Record<string, string> = { "Board.canvas": board, "Broken.canvas": "{", "N.md": "![n](https://cdn.example.com/blog/img/note.png)" };
    const links = await findVaultLinks({ notes: Object.keys(texts), read: async (p) => texts[p] }, bases);
    expect([...links.notesByKey].sort()).toEqual([
      ["img/gipfel.png", ["Board.canvas"]],
      ["img/note.png", ["N.md"]],
      ["img/page.png", ["Board.canvas"]],
    ]);
    // A canvas that does not read as one may show anything: it is reported, so nothing is deleted on its account.
    expect(links.unreadable.map((u) => u.note)).toEqual(["Broken.canvas"]);
    expect(links.unreadable[0].reason).toMatch(/^The canvas "Broken.canvas" could not be read: it is not valid JSON/);
  });
});

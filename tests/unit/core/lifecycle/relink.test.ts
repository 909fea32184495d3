import { planRelink, relinkBases } from "../../../../src/core/lifecycle/relink";
import { applyTextChanges } from "../../../../src/core/apply/textChanges";
import { ALL_FORMS } from "../../../../src/core/markdown";

function relink(text: string, from = "https://old.example.com/img", to = "https://cdn.example.com/pics/"): { text: string; links: number; left: number } {
  const plan = planRelink(text, relinkBases(from, to), { forms: ALL_FORMS });
  return { text: applyTextChanges(text, plan.changes), links: plan.links, left: plan.left.length };
}

describe("planRelink", () => {
  it("changes only the base of each link and keeps alt text, titles, size hints and the key as written", () => {
    const text = '# T\r\n![Alt|300](https://old.example.com/img/a%20b.png "Title") and ![b](<https://OLD.example.com/img/c d.png>)\r\n';
    expect(relink(text)).toEqual({
      text: '# T\r\n![Alt|300](https://cdn.example.com/pics/a%20b.png "Title") and ![b](<https://cdn.example.com/pics/c d.png>)\r\n',
      links: 2,
      left: 0,
    });
  });

  it("moves only the links whose keys the filter accepts, and does not report the others as left", () => {
    const text = "![a](https://old.example.com/img/a.png) ![b](https://old.example.com/img/b.png?v=2)\n";
    const plan = planRelink(text, relinkBases("https://old.example.com/img", "https://cdn.example.com/pics/"), { forms: ALL_FORMS }, (keys) =>
      keys.includes("b.png"),
    );
    expect(applyTextChanges(text, plan.changes)).toBe("![a](https://old.example.com/img/a.png) ![b](https://cdn.example.com/pics/b.png?v=2)\n");
    expect({ links: plan.links, left: plan.left }).toEqual({ links: 1, left: [] });
  });

  it("moves an HTML image's src, not a URL in its alt text", () => {
    const text = '<img alt="https://old.example.com/img/x.png" src="https://old.example.com/img/y.png" width="200">';
    expect(relink(text).text).toBe('<img alt="https://old.example.com/img/x.png" src="https://cdn.example.com/pics/y.png" width="200">');
  });

  it("moves a reference definition once for all its uses", () => {
    const text = "![a][r] ![b][r]\n\n[r]: https://old.example.com/img/r.png 'T'\n";
    expect(relink(text)).toEqual({ text: "![a][r] ![b][r]\n\n[r]: https://cdn.example.com/pics/r.png 'T'\n", links: 2, left: 0 });
  });

  it("leaves links elsewhere, under a longer path, in code, and text that is no image link", () => {
    const text = [
      "![x](https://old.example.com/images/a.png)",
      "![y](https://other.example.com/img/a.png)",
      "`![z](https://old.example.com/img/a.png)`",
      "see https://old.example.com/img/a.png",
    ].join("\n");
    expect(relink(text)).toEqual({ text, links: 0, left: 0 });
  });

  it("leaves and reports a link whose address is written with character references", () => {
    const text = '<img src="https&#58;//old.example.com/img/a.png">';
    expect(relink(text)).toEqual({ text, links: 0, left: 1 });
  });
});

describe("relinkBases", () => {
  it("refuses what is not a base URL, and two equal addresses", () => {
    expect(() => relinkBases("ftp://x/y", "https://a/")).toThrow(/not a base URL/);
    expect(() => relinkBases("https://a.example.com/x?y", "https://a/")).toThrow(/not a base URL/);
    expect(() => relinkBases("https://A.example.com/x/", "http://a.example.com/x")).toThrow(/same address/);
  });
});

/**
 * Large notes built from the inputs that make markdown parsers slow: deep nesting on one
 * line, blank lines under a deep list, long runs of one opener, thousands of definitions,
 * very long headings and fences. Most of them took minutes or more to scan at these sizes;
 * here each must give exactly the embeds CommonMark and Obsidian give it. How fast they
 * scan is measured by the benchmark (`npm run bench`, the `scan` figures), not here.
 */
import { scanEmbeds } from "../../../../src/core/markdown";

/** About one megabyte, the size of a long exported note or a pasted log. */
const SIZE = 1_000_000;

/** Target and exact note offset of each embed, in document order. */
function found(text: string): { target: string; start: number }[] {
  return scanEmbeds(text).map((e) => ({ target: e.target, start: e.start }));
}

/** Where `raw` first starts in `text`; fails loudly if it is not there. */
function offsetOf(text: string, raw: string): number {
  const at = text.indexOf(raw);
  if (at < 0) throw new Error(`${raw} is not in the note`);
  return at;
}

describe("scanEmbeds on large notes: list markers and quotes nested on one line", () => {
  it("finds the image at the end of a line of half a million nested `- ` list markers", () => {
    const text = `${"- ".repeat(SIZE / 2)}![deep](deep.png)\n![next](next.png)`;
    expect(found(text)).toEqual([
      { target: "deep.png", start: SIZE },
      { target: "next.png", start: offsetOf(text, "![next]") },
    ]);
  });

  it("finds the image in a line of nested `* ` list markers", () => {
    const text = `${"* ".repeat(SIZE / 2)}![deep](deep.png)`;
    expect(found(text)).toEqual([{ target: "deep.png", start: SIZE }]);
  });

  it("reads a line of `- ` markers with nothing after them as one thematic break, not a list", () => {
    // After a break, a line indented four spaces is indented code; after nested empty
    // items it would be the text of the second one.
    const text = `${"- ".repeat(SIZE / 2)}\n    ![code](code.png)\n\n![after](after.png)`;
    expect(found(text)).toEqual([{ target: "after.png", start: offsetOf(text, "![after]") }]);
  });

  it("tells breaks from nested items in 1 MB of lines of markers", () => {
    // Lines of markers ending in text are nested lists; lines of markers alone are breaks.
    const item = `${"- ".repeat(500)}![x](item.png)\n`;
    const rule = `${"- ".repeat(500)}\n`;
    const count = Math.floor(SIZE / (item.length + rule.length));
    const text = (item + rule).repeat(count);
    const expected = Array.from({ length: count }, (_, i) => ({ target: "item.png", start: i * (item.length + rule.length) + 1000 }));
    expect(found(text)).toEqual(expected);
  });

  it("finds the image at the end of a line of a quarter of a million nested `> ` quotes", () => {
    const text = `${"> ".repeat(SIZE / 4)}![deep](deep.png)\n${"> ".repeat(SIZE / 4)}![[also deep.png]]`;
    expect(found(text)).toEqual([
      { target: "deep.png", start: SIZE / 2 },
      { target: "also deep.png", start: offsetOf(text, "![[also") },
    ]);
  });

  it("finds the image in quotes and list items nested in turn on one line", () => {
    const text = `${"> - ".repeat(SIZE / 4)}![deep](deep.png)`;
    expect(found(text)).toEqual([{ target: "deep.png", start: SIZE }]);
  });
});

describe("scanEmbeds on large notes: lines under a deeply nested list", () => {
  const depth = SIZE / 4;
  const list = `${"- ".repeat(depth)}![deep](deep.png)\n`;

  it("keeps every item open across half a million blank lines, so a line indented to the deepest is its text", () => {
    // Had a blank line closed any item, that indentation would make indented code.
    const text = `${list}${"\n".repeat(SIZE / 2)}${"  ".repeat(depth)}![deepest item](deepest.png)`;
    expect(found(text)).toEqual([
      { target: "deep.png", start: offsetOf(text, "![deep]") },
      { target: "deepest.png", start: offsetOf(text, "![deepest") },
    ]);
  });

  it("keeps a deep list inside a quote open across quoted blank lines", () => {
    const text = `> ${list}${">\n".repeat(SIZE / 4)}> ${"  ".repeat(depth)}![deepest item](deepest.png)`;
    expect(found(text)).toEqual([
      { target: "deep.png", start: offsetOf(text, "![deep]") },
      { target: "deepest.png", start: offsetOf(text, "![deepest") },
    ]);
  });

  it("measures the indentation of a line under the deepest item, in spaces or in tabs", () => {
    // The deepest item's text starts at column 2 × depth: four more columns after a blank
    // line make indented code there; exactly that many is a paragraph of the item.
    const text = [
      list,
      `${" ".repeat(2 * depth + 4)}![code](code.png)`,
      "",
      `${"\t".repeat(depth / 2)}![tabs](tabs.png)`,
      "",
      `${"\t".repeat(depth / 2 + 1)}![tab code](tab-code.png)`,
    ].join("\n");
    expect(found(text)).toEqual([
      { target: "deep.png", start: offsetOf(text, "![deep]") },
      { target: "tabs.png", start: offsetOf(text, "![tabs]") },
    ]);
  });

  it("reads lists indented one level more on each line, with tabs and spaces mixed", () => {
    // Line d starts at column 2d, where the item above it has its text: each is a child.
    const targets: string[] = [];
    const lines: string[] = [];
    for (let d = 0, length = 0; length < SIZE / 4; d = (d + 1) % 400) {
      const line = `${"\t".repeat(d >> 1)}${d % 2 ? "  " : ""}- ![item ${d}](item${d}.png)`;
      lines.push(line);
      targets.push(`item${d}.png`);
      length += line.length + 1;
    }
    expect(scanEmbeds(lines.join("\n")).map((e) => e.target)).toEqual(targets);
  });
});

describe("scanEmbeds on large notes: long runs of one opener", () => {
  it("finds the image after a paragraph of `[ [](x)`, where every link spends the brackets before it", () => {
    // `]` after a link closes the nearest `[`, which can no longer make a link: the
    // `(big.png)` after it is text, not an image destination.
    const filler = "[ [](x)".repeat(SIZE / 7);
    const text = `![${filler}](big.png) ![end](end.png)`;
    expect(found(text)).toEqual([{ target: "end.png", start: offsetOf(text, "![end]") }]);
  });

  it("finds the image after a paragraph of `![[]()`, whose image openers stay open", () => {
    const text = `${"![[]()".repeat(SIZE / 6)}![end](end.png)`;
    expect(found(text)).toEqual([{ target: "end.png", start: offsetOf(text, "![end]") }]);
  });

  it("finds the image after a paragraph of unclosed `[` and `![`", () => {
    const text = `${"[".repeat(SIZE / 2)}${"![".repeat(SIZE / 4)}![end](end.png)`;
    expect(found(text)).toEqual([{ target: "end.png", start: SIZE }]);
  });

  it("skips code spans between backtick runs of every length, and finds the image after them", () => {
    // Runs of 1, 2, 3… backticks, each once: none closes another. A run of one more
    // backtick than all of them, written twice, hides the image between.
    let runs = "";
    let n = 1;
    for (; runs.length < SIZE; n++) runs += `e${"`".repeat(n)}`;
    const fence = "`".repeat(n);
    const text = `${runs} ${fence} ![hidden](hidden.png) ${fence} ![end](end.png)`;
    expect(found(text)).toEqual([{ target: "end.png", start: offsetOf(text, "![end]") }]);
  });

  it("finds the image after a paragraph of escaped backticks, none of which opens a code span", () => {
    // `\``: the escaped backtick is text and the next one opens a run of one, which only
    // a run of exactly one closes; every run here is two long, the code span's too.
    const text = `${"\\``".repeat(SIZE / 3)} ![end](end.png) ` + "``![code](code.png)``";
    expect(found(text)).toEqual([{ target: "end.png", start: offsetOf(text, "![end]") }]);
  });

  it("reads a long line of backticks ending in a backtick as text, and one without as a fence", () => {
    const run = "`".repeat(SIZE);
    const text = `${run}x\`\n![text](text.png)\n\n${run}x\n![code](code.png)`;
    expect(found(text)).toEqual([{ target: "text.png", start: offsetOf(text, "![text]") }]);
  });

  it("reads a heading with a long run of spaces, keeping an image before its closing #s", () => {
    const text = `# a${" ".repeat(SIZE / 2)}![h](h.png)${" ".repeat(SIZE / 2)}###   \n![after](after.png)`;
    expect(found(text)).toEqual([
      { target: "h.png", start: offsetOf(text, "![h]") },
      { target: "after.png", start: offsetOf(text, "![after]") },
    ]);
  });
});

describe("scanEmbeds on large notes: definitions and HTML", () => {
  it("resolves references to the first and last of 20,000 definitions in one paragraph", () => {
    const count = 20_000;
    const definitions = Array.from({ length: count }, (_, i) => `[label ${i}]: /img/${i}.png "title ${i}"`).join("\n");
    const text = `${definitions}\n![tail](tail.png)\n\n![first][label 0] ![last][LABEL ${count - 1}] ![none][label ${count}]`;
    const embeds = scanEmbeds(text);
    expect(embeds.map((e) => ({ target: e.target, start: e.start, title: e.title }))).toEqual([
      { target: "tail.png", start: offsetOf(text, "![tail]"), title: undefined },
      { target: "/img/0.png", start: offsetOf(text, "![first]"), title: "title 0" },
      { target: `/img/${count - 1}.png`, start: offsetOf(text, "![last]"), title: `title ${count - 1}` },
    ]);
    expect(embeds[2].definition?.start).toBe(offsetOf(text, `[label ${count - 1}]:`));
  });

  it("finds the image of every one of 25,000 HTML blocks", () => {
    const block = (i: number): string => `<div>\n<img src="b${i}.png">\n</div>\n\n`;
    const count = 25_000;
    const text = Array.from({ length: count }, (_, i) => block(i)).join("");
    const expected = Array.from({ length: count }, (_, i) => ({ kind: "html", target: `b${i}.png` }));
    expect(scanEmbeds(text).map((e) => ({ kind: e.kind, target: e.target }))).toEqual(expected);
  });
});

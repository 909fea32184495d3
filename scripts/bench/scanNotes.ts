/**
 * Notes for timing the embed scanner: an ordinary note, and notes built from the inputs
 * that make markdown parsers slow (deep nesting, long runs of one opener, openers that
 * never close, huge definition sets, very long lines). Each is made to a requested size
 * and ends with one image, so a scan has to get through all of it.
 */

/** One image at the end of every note, as a check that the scan reached it. */
export const LAST_IMAGE = "![last](last.png)";

/** Repeats `unit` until the text is about `size` characters long. */
function fill(unit: string, size: number): string {
  return unit.repeat(Math.max(1, Math.round(size / unit.length)));
}

/** `line(0)`, `line(1)`… joined by line breaks, until the text is at least `size` characters long. */
function linesUpTo(size: number, line: (i: number) => string): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const l = line(i);
    out.push(l);
    length += l.length + 1;
  }
  return out.join("\n");
}

const PARAGRAPHS = [
  "The trip started early. We packed the car, checked the tyres and left before the traffic.",
  "Notes from the meeting: the [[Budget 2024]] stays as planned; see [the minutes](minutes/2024-03.md) for details.",
  "A photo from the summit: ![summit|400](attachments/summit.jpg) and one of the hut ![[hut.png]].",
  "Prices went up from $5 to $7, which is *still* cheaper than the **other** place; `code` stays code.",
];

/**
 * A note as people write them: headings, paragraphs with links and images, lists, a
 * callout, a table and a code block, repeated to the size asked for.
 */
export function ordinaryNote(size: number): string {
  const section = (i: number): string =>
    [
      `## Day ${i}`,
      "",
      PARAGRAPHS[i % PARAGRAPHS.length],
      "",
      `- item one with ![shot ${i}](shots/shot%20${i}.png)`,
      "- item two",
      "  - nested item with a [link][ref]",
      "",
      "> [!note] A callout",
      `> with an embed ![[callout ${i}.webp|200]]`,
      "",
      "| a | b |",
      "| - | - |",
      `| <img src="cell${i}.png" width="50"> | text |`,
      "",
      "```js",
      "const x = '![not an image](x.png)';",
      "```",
      "",
    ].join("\n");
  return `[ref]: https://example.com\n\n${linesUpTo(size, section)}\n\n${LAST_IMAGE}\n`;
}

/** A pathological note: what it is made of, and how to make one of about `size` characters. */
export interface ScanPattern {
  name: string;
  what: string;
  make: (size: number) => string;
}

/** One line of `marker` repeated, ending in the image. */
const deepLine = (marker: string, size: number): string => `${fill(marker, size)}${LAST_IMAGE}`;

/** Runs of increasing length, each once: `e` + one backtick, `e` + two backticks… */
function backtickRuns(size: number): string {
  let out = "";
  for (let n = 1; out.length < size; n++) out += `e${"`".repeat(n)}`;
  return out;
}

export const SCAN_PATTERNS: ScanPattern[] = [
  { name: "nested-dash", what: "one line `- - - …`", make: (size) => deepLine("- ", size) },
  { name: "nested-star", what: "one line `* * * …`", make: (size) => deepLine("* ", size) },
  { name: "nested-dash-lines", what: "1 KB lines of `- - - …`", make: (size) => `${linesUpTo(size, () => `${fill("- ", 1000)}x`)}\n${LAST_IMAGE}` },
  { name: "nested-quote", what: "one line `> > > …`", make: (size) => deepLine("> ", size) },
  { name: "nested-quote-list", what: "one line `> - > - …`", make: (size) => deepLine("> - ", size) },
  {
    name: "nested-list-blank-lines",
    what: "a list nested on one line, then blank lines",
    make: (size) => `${fill("- ", size / 2)}x\n${"\n".repeat(size / 2)}${LAST_IMAGE}`,
  },
  {
    name: "nested-list-indented",
    what: "a list nested on one line, then lines indented to its depth",
    make: (size) => {
      const depth = Math.round(size / 8);
      return `${"- ".repeat(depth)}x\n${" ".repeat(2 * depth)}y\n${"\t".repeat(depth / 2)}${LAST_IMAGE}`;
    },
  },
  {
    name: "mixed-indent-lists",
    what: "lists indented one level more each line, with spaces and tabs",
    make: (size) => {
      const lines: string[] = [];
      let total = 0;
      for (let d = 0; total < size; d = (d + 1) % 200) {
        const line = `${"\t".repeat(d >> 1)}${d % 2 ? "  " : ""}- item ${d}`;
        lines.push(line);
        total += line.length + 1;
      }
      return `${lines.join("\n")}\n\n${LAST_IMAGE}`;
    },
  },
  { name: "open-brackets", what: "`[` repeated", make: (size) => `${fill("[", size)}${LAST_IMAGE}` },
  { name: "image-openers", what: "`![` repeated", make: (size) => `${fill("![", size)}${LAST_IMAGE}` },
  { name: "close-brackets", what: "`]` repeated", make: (size) => `${fill("]", size)}${LAST_IMAGE}` },
  { name: "nested-brackets", what: "`[[[…a]]]…`", make: (size) => `${"[".repeat(size / 2)}a${"]".repeat(size / 2)} ${LAST_IMAGE}` },
  { name: "links-after-openers", what: "`[ [](x)` repeated", make: (size) => `${fill("[ [](x)", size)}${LAST_IMAGE}` },
  { name: "bracket-paren", what: "`[ (](` repeated", make: (size) => `${fill("[ (](", size)}${LAST_IMAGE}` },
  { name: "image-bracket-paren", what: "`![[]()` repeated", make: (size) => `${fill("![[]()", size)}${LAST_IMAGE}` },
  { name: "unclosed-links", what: "`[a](b` repeated", make: (size) => `${fill("[a](b", size)}${LAST_IMAGE}` },
  { name: "unclosed-angle-links", what: "`[a](<b` repeated", make: (size) => `${fill("[a](<b", size)}${LAST_IMAGE}` },
  { name: "open-parens", what: "`(` repeated", make: (size) => `${fill("(", size)}${LAST_IMAGE}` },
  { name: "backtick-runs", what: "backtick runs of growing length", make: (size) => `${backtickRuns(size)}\n\n${LAST_IMAGE}` },
  { name: "escaped-backticks", what: "`\\``` repeated: runs of one that nothing closes", make: (size) => `${fill("\\``", size)}${LAST_IMAGE}` },
  { name: "backticks", what: "one run of backticks in a paragraph", make: (size) => `a ${fill("`", size)}\n\n${LAST_IMAGE}` },
  { name: "fence-backticks", what: "one line of backticks ending in a backtick", make: (size) => `${fill("`", size)}x\`\n\n${LAST_IMAGE}` },
  { name: "angle-brackets", what: "`<` repeated", make: (size) => `${fill("<", size)}${LAST_IMAGE}` },
  { name: "unclosed-tags", what: "`<a b='` repeated", make: (size) => `${fill("<a b='", size)}${LAST_IMAGE}` },
  { name: "unclosed-img", what: "`<img src=x ` repeated", make: (size) => `${fill("<img src=x ", size)}${LAST_IMAGE}` },
  { name: "stars", what: "`*` repeated", make: (size) => `${fill("*", size)} ${LAST_IMAGE}` },
  { name: "underscores", what: "`_` repeated", make: (size) => `${fill("_", size)} ${LAST_IMAGE}` },
  { name: "emphasis", what: "`*a **a _b __b ` repeated", make: (size) => `${fill("*a **a _b __b ", size)}${LAST_IMAGE}` },
  { name: "pipes", what: "one line of `|`", make: (size) => `${fill("|", size)}\n\n${LAST_IMAGE}` },
  { name: "table-rows", what: "table rows `| a | b |`", make: (size) => `| a | b |\n| - | - |\n${fill("| a | ![[c.png]] |\n", size)}\n${LAST_IMAGE}` },
  {
    name: "link-definitions",
    what: "one paragraph of `[label n]: /url n`",
    make: (size) => `${linesUpTo(size, (i) => `[label ${i}]: /url${i} "title ${i}"`)}\n\n${LAST_IMAGE}`,
  },
  { name: "html-blocks", what: "`<div>` blocks holding `<img>`", make: (size) => `${fill('<div>\n<img src="a.png">\n</div>\n\n', size)}${LAST_IMAGE}` },
  { name: "html-comments", what: "`<!--` repeated, unclosed", make: (size) => `${fill("a <!-- ", size)}\n\n${LAST_IMAGE}` },
  { name: "heading-spaces", what: "a heading with a long run of spaces", make: (size) => `# a${" ".repeat(size)}b\n\n${LAST_IMAGE}` },
  { name: "heading-hashes", what: "a heading of ` #` repeated", make: (size) => `# a${fill(" #", size)}b\n\n${LAST_IMAGE}` },
  { name: "wiki-openers", what: "`![[` repeated", make: (size) => `${fill("![[", size)}${LAST_IMAGE}` },
  { name: "dollars", what: "`$a ` repeated", make: (size) => `${fill("$a ", size)}${LAST_IMAGE}` },
  { name: "long-line", what: "one line of plain words", make: (size) => `${fill("word ", size)}${LAST_IMAGE}` },
];

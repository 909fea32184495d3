import { isImagePath, isLocalImageEmbed, scanEmbeds, type Embed } from "../../../../src/core/markdown";

function only(text: string): Embed {
  const embeds = scanEmbeds(text);
  expect(embeds).toHaveLength(1);
  return embeds[0];
}

function targets(text: string): string[] {
  return scanEmbeds(text).map((e) => e.target);
}

describe("scanEmbeds: markdown images", () => {
  it("reports alt, destination, title and the exact span of an inline image", () => {
    const text = 'Intro ![alt text](a.png "The title") outro';
    const e = only(text);
    expect(e).toMatchObject({ kind: "markdown", alt: "alt text", target: "a.png", title: "The title", isRemote: false });
    expect(text.slice(e.start, e.end)).toBe('![alt text](a.png "The title")');
    expect(e.raw).toBe(text.slice(e.start, e.end));
  });

  it("accepts titles in single quotes and in parentheses", () => {
    expect(only("![a](x.png 'single')").title).toBe("single");
    expect(only("![a](x.png (paren))").title).toBe("paren");
  });

  it("reads a destination with spaces only when wrapped in <>", () => {
    expect(only("![a](<my shot.png>)").target).toBe("my shot.png");
    expect(scanEmbeds("![a](my shot.png)")).toEqual([]);
  });

  it("percent-decodes the destination", () => {
    expect(only("![a](my%20shot%C3%A9.png)").target).toBe("my shoté.png");
  });

  it("keeps a broken percent sequence as written", () => {
    expect(only("![a](100%.png)").target).toBe("100%.png");
    expect(only("![a](x%C3.png)").target).toBe("x%C3.png");
  });

  it("resolves backslash escapes and character references in the destination", () => {
    expect(only("![a](foo\\)bar.png)").target).toBe("foo)bar.png");
    expect(only("![a](caf&eacute;&#32;1.png)").target).toBe("café 1.png");
  });

  it("allows balanced parentheses in a bare destination", () => {
    expect(only("![a](shot(1).png)").target).toBe("shot(1).png");
  });

  it("keeps nested and escaped brackets in the alt text", () => {
    expect(only("![a [b] c](x.png)").alt).toBe("a [b] c");
    expect(only("![a \\] b](x.png)").alt).toBe("a \\] b");
  });

  it("reads Obsidian's size convention from the alt text and keeps the alt as written", () => {
    expect(only("![Engelbart|100](e.png)")).toMatchObject({ alt: "Engelbart|100", size: { width: 100 } });
    expect(only("![Engelbart|100x145](e.png)").size).toEqual({ width: 100, height: 145 });
    expect(only("![250](e.png)").size).toEqual({ width: 250 });
    expect(only("![just words](e.png)").size).toBeUndefined();
  });

  it("splits a #fragment off a local destination but not off a URL", () => {
    expect(only("![a](shot.png#interface)")).toMatchObject({ target: "shot.png", fragment: "interface" });
    const remote = only("![a](https://x.test/a.png#top)");
    expect(remote.target).toBe("https://x.test/a.png#top");
    expect(remote.fragment).toBeUndefined();
  });

  it("finds an image used as the text of a link", () => {
    expect(only("[![badge](badge.svg)](https://example.com)")).toMatchObject({ target: "badge.svg", raw: "![badge](badge.svg)" });
  });

  it("finds an image right after a link that cannot contain another link", () => {
    // The inner link disables the outer `[`, so `(![x](y.png))` is text holding an image,
    // not the outer link's destination.
    expect(targets("[a [b](c)](![x](y.png))")).toEqual(["y.png"]);
  });

  it("reports only the outer image when an image sits inside another image's alt text", () => {
    expect(targets("![outer ![inner](in.png)](out.png)")).toEqual(["out.png"]);
  });

  it("ignores an image whose ! is backslash-escaped", () => {
    expect(scanEmbeds("\\![not an image](a.png)")).toEqual([]);
  });

  it("reports offsets in UTF-16 code units after astral characters", () => {
    const text = "😀 ![a](b.png)";
    const e = only(text);
    expect(e.start).toBe(3);
    expect(text.slice(e.start, e.end)).toBe("![a](b.png)");
  });

  it("keeps exact offsets with CRLF line endings", () => {
    const text = "line one\r\n\r\n> quote ![a](b.png)\r\n![[c.png]]\r\n";
    const embeds = scanEmbeds(text);
    expect(embeds.map((e) => text.slice(e.start, e.end))).toEqual(["![a](b.png)", "![[c.png]]"]);
  });
});

describe("scanEmbeds: reference-style images", () => {
  const defs = "\n\n[logo]: img/logo.png 'Our logo'\n";

  it("resolves full, collapsed and shortcut references", () => {
    for (const usage of ["![Alt][logo]", "![logo][]", "![logo]"]) {
      const e = only(usage + defs);
      expect(e).toMatchObject({ kind: "reference", target: "img/logo.png", title: "Our logo", raw: usage });
    }
  });

  it("reports the definition's span and label", () => {
    const text = "![x][logo]" + defs;
    const e = only(text);
    expect(e.definition).toEqual({
      start: text.indexOf("[logo]:"),
      end: text.indexOf("'Our logo'") + "'Our logo'".length,
      raw: "[logo]: img/logo.png 'Our logo'",
      label: "logo",
    });
  });

  it("matches labels case-insensitively and lets the first definition win", () => {
    const e = only("![x][LoGo]\n\n[logo]: first.png\n[LOGO]: second.png\n");
    expect(e.target).toBe("first.png");
  });

  it("accepts definitions indented up to three spaces, not four", () => {
    expect(only("![x][a]\n\n   [a]: three.png\n").target).toBe("three.png");
    expect(scanEmbeds("![x][a]\n\n    [a]: four.png\n")).toEqual([]);
  });

  it("uses definitions made inside a block quote", () => {
    expect(only("![x][a]\n\n> [a]: <in quote.png>\n").target).toBe("in quote.png");
  });

  it("does not read a definition that would interrupt a paragraph, such as a callout's title line", () => {
    expect(scanEmbeds("![x][a]\n\n> [!note]\n> [a]: <in quote.png>\n")).toEqual([]);
  });

  it("reports nothing for an undefined reference", () => {
    expect(scanEmbeds("![x][missing] and ![missing]")).toEqual([]);
  });

  it("treats [^1]: as a footnote, not as a definition hiding the embed after it", () => {
    expect(targets("Text[^1]\n\n[^1]: ![[a.png]]\n")).toEqual(["a.png"]);
  });
});

describe("scanEmbeds: wiki embeds", () => {
  it("reads a plain embed", () => {
    expect(only("![[name.png]]")).toMatchObject({ kind: "wiki", target: "name.png", alt: "", isRemote: false });
  });

  it("reads width and width×height sizes", () => {
    expect(only("![[name.png|300]]").size).toEqual({ width: 300 });
    expect(only("![[name.png|300x200]]").size).toEqual({ width: 300, height: 200 });
  });

  it("reads a fragment and display text", () => {
    expect(only("![[Engelbart.jpg#outline|100]]")).toMatchObject({ target: "Engelbart.jpg", fragment: "outline", size: { width: 100 } });
    expect(only("![[folder/name.png|alt text]]")).toMatchObject({ target: "folder/name.png", alt: "alt text" });
    expect(only("![[name.png|a caption|40]]")).toMatchObject({ alt: "a caption", size: { width: 40 } });
  });

  it("reads the escaped pipe that tables need", () => {
    const e = only("| a | b |\n|---|---|\n| x | ![[Engelbart.jpg\\|200]] |");
    expect(e).toMatchObject({ target: "Engelbart.jpg", size: { width: 200 }, raw: "![[Engelbart.jpg\\|200]]" });
  });

  it("keeps spaces and parentheses in names", () => {
    expect(only("![[Excerpt from Mother of All Demos (1968).ogg]]").target).toBe("Excerpt from Mother of All Demos (1968).ogg");
  });

  it("does not read a wiki link without ! as an embed", () => {
    expect(scanEmbeds("[[name.png]] and [[Note|alias]]")).toEqual([]);
  });
});

describe("scanEmbeds: HTML images", () => {
  it("reads double-quoted, single-quoted and unquoted src values", () => {
    expect(targets(`<img src="a.png"> <img src='b c.png'> <img src=d.png>`)).toEqual(["a.png", "b c.png", "d.png"]);
  });

  it("reads alt, title and pixel sizes and reports the whole tag", () => {
    const text = `<p>Look: <img class="x" src="shot.png" alt="A &amp; B" title="T" width="300" height="200px" /></p>`;
    const e = only(text);
    expect(e).toMatchObject({ kind: "html", target: "shot.png", alt: "A & B", title: "T", size: { width: 300, height: 200 } });
    expect(e.raw).toBe(`<img class="x" src="shot.png" alt="A &amp; B" title="T" width="300" height="200px" />`);
  });

  it("does not mistake data-src or a src inside another attribute for the source", () => {
    expect(only(`<img data-src="no.png" alt='src="no2.png"' src="yes.png">`).target).toBe("yes.png");
  });

  it("skips an img tag without src", () => {
    expect(scanEmbeds(`<img alt="nothing">`)).toEqual([]);
  });

  it("reads a tag that runs over lines inside a callout", () => {
    const text = `> <img alt="x"\n> src="in quote.png">`;
    const e = only(text);
    expect(e.target).toBe("in quote.png");
    expect(e.raw).toBe(text.slice(2));
  });
});

describe("scanEmbeds: places that hide embeds", () => {
  it("skips fenced code with backticks and tildes, longer fences and indented fences", () => {
    const text = [
      "```",
      "![[a.png]]",
      "```",
      "~~~md",
      "![b](b.png)",
      "~~~",
      "````",
      "```",
      "![[c.png]]",
      "````",
      "   ```",
      "![[d.png]]",
      "   ```",
      "![[seen.png]]",
    ].join("\n");
    expect(targets(text)).toEqual(["seen.png"]);
  });

  it("opens no fence when a backtick follows the info string anywhere on its line, even past a line separator", () => {
    // U+2028 is not a line ending in markdown; the line is text, and so is the image after it.
    expect(targets("```js `x`\n![[text.png]]")).toEqual(["text.png"]);
    expect(targets("```js\u2028`\n![[text.png]]")).toEqual(["text.png"]);
  });

  it("lets an unclosed fence run to the end of the note", () => {
    expect(targets("![[before.png]]\n```\n![[after.png]]\n")).toEqual(["before.png"]);
  });

  it("skips indented code but not list continuation lines", () => {
    expect(targets("Para\n\n    ![[code.png]]\n")).toEqual([]);
    expect(targets("- item\n\n    ![[continued.png]]\n")).toEqual(["continued.png"]);
    expect(targets("1. item\n   - nested\n\n     ![[deep.png]]\n")).toEqual(["deep.png"]);
  });

  it("skips fenced code inside a callout and a list item", () => {
    expect(targets("> ```\n> ![[a.png]]\n> ```\n> ![[b.png]]")).toEqual(["b.png"]);
    expect(targets("- x\n  ```\n  ![[a.png]]\n  ```\n  ![[b.png]]")).toEqual(["b.png"]);
  });

  it("skips code spans with matching backtick runs only", () => {
    expect(targets("`![[a.png]]` ``x ` ![[b.png]]`` ![[c.png]]")).toEqual(["c.png"]);
    expect(targets("`` unmatched ![[d.png]]")).toEqual(["d.png"]);
  });

  it("skips HTML comments, inline and over several lines", () => {
    expect(targets("x <!-- ![[a.png]] --> ![[b.png]]")).toEqual(["b.png"]);
    expect(targets("<!--\n![[a.png]]\n\n![[c.png]]\n-->\n![[d.png]]")).toEqual(["d.png"]);
  });

  it("skips Obsidian %% comments, inline and over several lines", () => {
    expect(targets("This is an %%![[a.png]]%% comment ![[b.png]]")).toEqual(["b.png"]);
    expect(targets("%%\n![[a.png]]\n\n![[c.png]]\n%%\n![[d.png]]")).toEqual(["d.png"]);
  });

  it("skips $$ math blocks and inline $ math, but not prices", () => {
    expect(targets("$$\n\\text{![[a.png]]}\n$$\n![[b.png]]")).toEqual(["b.png"]);
    expect(targets("$x = ![[a.png]]$ and $$![[c.png]]$$ ![[b.png]]")).toEqual(["b.png"]);
    expect(targets("It costs $5 and ![[d.png]] costs $6.")).toEqual(["d.png"]);
  });

  it("skips YAML front matter at the very start only", () => {
    expect(targets("---\ncover: ![[a.png]]\n---\n![[b.png]]")).toEqual(["b.png"]);
    expect(targets("Text\n---\n![[c.png]]\n---\n")).toEqual(["c.png"]);
  });

  it("finds embeds in headings, callouts and list items", () => {
    expect(targets("# Title ![[h.png]]\n> [!tip] Tip\n> ![[q.png]]\n- ![[l.png]]\n")).toEqual(["h.png", "q.png", "l.png"]);
  });
});

describe("scanEmbeds: remote destinations", () => {
  it.each([
    ["https://cdn.test/a.png"],
    ["http://cdn.test/a.png"],
    ["data:image/png;base64,iVBORw0KGgo="],
    ["//cdn.test/a.png"],
    ["obsidian://open?file=a.png"],
  ])("marks %s as remote", (dest) => {
    expect(only(`![a](${dest})`).isRemote).toBe(true);
  });

  it("treats relative and vault-absolute paths and drive letters as local", () => {
    for (const dest of ["a.png", "../img/a.png", "/img/a.png", "C:/img/a.png"]) expect(only(`![a](${dest})`).isRemote).toBe(false);
  });
});

describe("isImagePath and isLocalImageEmbed", () => {
  it("recognises image extensions in any case", () => {
    for (const p of ["a.png", "b.JPG", "c.jpeg", "d.gif", "e.webp", "f.avif", "g.svg", "h.bmp", "i.tif", "j.TIFF", "k.ico", "l.heic", "m.heif"]) {
      expect(isImagePath(p)).toBe(true);
    }
    for (const p of ["a.pdf", "b.md", "c", "png", "dir.png/file", "d.canvas", "e.base"]) expect(isImagePath(p)).toBe(false);
  });

  it("counts local image files only, not notes, bases, canvases, PDFs or URLs", () => {
    const text = "![[a.png]] ![[Other note]] ![[x.base]] ![[x.canvas]] ![[doc.pdf]] ![r](https://x.test/r.png) ![l](l.webp)";
    expect(
      scanEmbeds(text)
        .filter(isLocalImageEmbed)
        .map((e) => e.target),
    ).toEqual(["a.png", "l.webp"]);
  });
});

describe("scanEmbeds: large paragraphs", () => {
  // Each case used to search to the end of the paragraph from every opener, which at these
  // sizes ran for minutes; the scan must still find the embed after the filler.
  it.each([
    ["unclosed $ signs", "$a ".repeat(100000)],
    ["unclosed $$ pairs", "a $$ ".repeat(60000)],
    ["unclosed [[", "[[ ".repeat(100000)],
    ["unclosed <!--", "a <!-- ".repeat(60000)],
  ])("finds the embed after a paragraph with %s", (_name, filler) => {
    expect(targets(`${filler}\n![[found.png]]`)).toEqual(["found.png"]);
  });
});

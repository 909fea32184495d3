import { planEmbedRewrites, rewriteEmbed } from "../../../../src/core/link/embedLink";
import { linkStyleProblem, linkTemplateProblem, writeImageLink, type LinkStyle } from "../../../../src/core/link/linkWriter";
import { applyReplacements } from "../../../../src/core/apply/replacements";
import { ALL_FORMS, scanEmbeds, type Embed } from "../../../../src/core/markdown";
import { migrateNotes } from "../../../../src/core/migrate/engine";
import { MemoryVault, urlFor } from "../../../support/migrateHarness";

const MARKDOWN: LinkStyle = { format: "markdown", template: "" };
const HTML: LinkStyle = { format: "html", template: "" };
const custom = (template: string): LinkStyle => ({ format: "custom", template });
/** Custom templates whose output is markdown or HTML, so it reads back as an image. */
const READABLE_CUSTOM = [custom("![{alt}]({url})"), custom('<img src="{url}" alt="{alt}" class="post">'), custom('<img src="{url}" width="{width}">')];
const STYLES: LinkStyle[] = [MARKDOWN, HTML, ...READABLE_CUSTOM];

/** Lenient percent-decoding of UTF-8 runs, independent of the code under test. */
function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/** The one image `text` reads as: it must be exactly one, spanning all of it. */
function readBack(text: string): Embed {
  const embeds = scanEmbeds(text);
  expect(embeds).toHaveLength(1);
  expect(embeds[0]).toMatchObject({ start: 0, end: text.length });
  return embeds[0];
}

/** Names that need care somewhere: spaces, parentheses, brackets, `#`, `%`, Chinese, HTML, pipes. */
const NAMES = [
  "my shot.png",
  "shot (2) final.png",
  "a [draft] b.png",
  "issue #12.png",
  "100% done.png",
  "截图 2026-01-02.png",
  "图片（一）.jpg",
  'say "hi" <b>&amp;.png',
  "chart|300.png",
  "250.png",
  "a](javascript:alert(1)).png",
  "line\nbreak.png",
];

/** A public URL as a key template makes it: each path segment percent-encoded. */
const urlOf = (name: string): string => `https://cdn.example.com/(blog)/${encodeURIComponent(name)}`;

describe("writeImageLink: markdown", () => {
  it("writes ![alt](url) with the alt text from the file name and a percent-encoded URL", () => {
    expect(writeImageLink({ url: urlOf("my shot.png"), name: "Attachments/my shot.png" })).toBe("![my shot](https://cdn.example.com/%28blog%29/my%20shot.png)");
    expect(writeImageLink({ url: "https://x.test/截图.png", name: "截图 2026.png" })).toBe("![截图 2026](https://x.test/截图.png)");
  });

  it("escapes what would end the alt text or start markup, and keeps the given alt text over the name", () => {
    expect(writeImageLink({ url: "https://x.test/a.png", name: "a [draft] b.png" })).toBe("![a \\[draft\\] b](https://x.test/a.png)");
    expect(writeImageLink({ url: "https://x.test/a.png", name: "100% done.png" })).toBe("![100\\% done](https://x.test/a.png)");
    expect(writeImageLink({ url: "https://x.test/a.png", name: "x.png", alt: "A *chart*" })).toBe("![A \\*chart\\*](https://x.test/a.png)");
  });

  it("writes a known size as Obsidian's size hint, escaped inside a table", () => {
    expect(writeImageLink({ url: "https://x.test/a.png", name: "a.png", width: 300 })).toBe("![a|300](https://x.test/a.png)");
    expect(writeImageLink({ url: "https://x.test/a.png", name: "a.png", width: 300, height: 200, inTable: true })).toBe("![a\\|300x200](https://x.test/a.png)");
  });
});

describe("writeImageLink: html", () => {
  it("writes <img> with src and alt, and width, height and title only when known", () => {
    expect(writeImageLink({ url: urlOf("my shot.png"), name: "my shot.png" }, HTML)).toBe(
      '<img src="https://cdn.example.com/%28blog%29/my%20shot.png" alt="my shot">',
    );
    expect(writeImageLink({ url: "https://x.test/a.png", name: "a.png", width: 300, height: 200, title: "T" }, HTML)).toBe(
      '<img src="https://x.test/a.png" alt="a" width="300" height="200" title="T">',
    );
  });

  it("escapes the alt text and URL for an attribute, and a pipe that would split a table cell", () => {
    expect(writeImageLink({ url: "https://x.test/a.png?w=1&h=2", name: 'say "hi" <b>&amp;|x.png' }, HTML)).toBe(
      '<img src="https://x.test/a.png?w=1&amp;h=2" alt="say &quot;hi&quot; &lt;b&gt;&amp;amp;&#124;x">',
    );
  });

  it("keeps a Chinese name as it is", () => {
    expect(writeImageLink({ url: "https://x.test/a.png", name: "截图（一）.png" }, HTML)).toBe('<img src="https://x.test/a.png" alt="截图（一）">');
  });
});

describe("writeImageLink: custom", () => {
  it("fills every placeholder, width and height empty when unknown", () => {
    const style = custom("{% img {url} {width} {height} '{alt}' %} <!-- {name} -->");
    expect(writeImageLink({ url: urlOf("my shot.png"), name: "posts/my shot.png", width: 300, height: 200 }, style)).toBe(
      "{% img https://cdn.example.com/%28blog%29/my%20shot.png 300 200 'my shot' %} <!-- my shot.png -->",
    );
    expect(writeImageLink({ url: "https://x.test/a.png", name: "a.png" }, style)).toBe("{% img https://x.test/a.png   'a' %} <!-- a.png -->");
  });

  it("inserts the alt text as is, minus line breaks, and does not fill placeholders inside a value", () => {
    expect(writeImageLink({ url: "https://x.test/a.png", name: "x.png", alt: "a ]*{url}*\nb" }, custom("[{alt}]({url})"))).toBe(
      "[a ]*{url}* b](https://x.test/a.png)",
    );
  });

  it("refuses a URL that is not http(s), as every format does", () => {
    for (const style of [MARKDOWN, HTML, custom("{url}")]) {
      expect(() => writeImageLink({ url: "javascript:alert(1)", name: "a.png" }, style)).toThrow(/only http and https/);
    }
  });
});

describe("linkTemplateProblem", () => {
  it("names an unknown placeholder and lists the known ones", () => {
    expect(linkTemplateProblem("![{alt}]({url}) {size}")).toBe(
      "The link template has an unknown placeholder {size}. The placeholders are {url}, {alt}, {name}, {width}, {height}.",
    );
  });

  it("asks for {url}, and for one line", () => {
    expect(linkTemplateProblem("![{alt}]()")).toMatch(/must contain \{url\}/);
    expect(linkTemplateProblem("")).toMatch(/must contain \{url\}/);
    expect(linkTemplateProblem("{url}\n{alt}")).toMatch(/must be one line/);
  });

  it("accepts a template with every placeholder, and braces that are not placeholders' only around them", () => {
    expect(linkTemplateProblem("{{< figure src={url} alt={alt} title={name} width={width} height={height} >}}")).toBeUndefined();
  });

  it("checks the template only for the custom format", () => {
    expect(linkStyleProblem({ format: "html", template: "{nope}" })).toBeUndefined();
    expect(linkStyleProblem(custom("{nope}"))).toMatch(/\{nope\}/);
  });
});

describe("every format reads back as one image of the same URL", () => {
  it.each(STYLES.map((s) => [s.format === "custom" ? s.template : s.format, s] as const))("%s", (_label, style) => {
    // A custom template's {alt} is inserted as is: a name that would close its markdown or HTML is the template's to avoid.
    for (const name of style.format === "custom" ? NAMES.filter((n) => !/["<>[\]]/.test(n)) : NAMES) {
      const url = urlOf(name);
      const back = readBack(writeImageLink({ url, name, width: 300 }, style));
      expect(back.isRemote).toBe(true);
      expect(percentDecode(back.target)).toBe(percentDecode(url));
    }
  });

  it("and HTML gives back the alt text and size it was written with", () => {
    for (const name of NAMES) {
      const back = readBack(writeImageLink({ url: urlOf(name), name, width: 300, height: 20 }, HTML));
      expect(back.size).toEqual({ width: 300, height: 20 });
      expect(back.alt).toBe(name === "250.png" ? "250.png" : name.replace(/\.[a-z]+$/, "").replace("\n", " "));
    }
  });
});

describe("paste and Upload all write the same link for the same file", () => {
  // What paste writes: the link writer with only the file name and URL.
  const pasted = (name: string, style: LinkStyle) => writeImageLink({ url: urlOf(name), name }, style);
  // What Upload all writes for an embed of that file.
  const uploaded = (text: string, name: string, style: LinkStyle) => rewriteEmbed(scanEmbeds(text)[0], urlOf(name), style);
  const CUSTOM = custom("{{< img src={url} alt={alt} >}}");

  it.each([MARKDOWN, HTML, CUSTOM].map((s) => [s.format, s] as const))("%s", (_format, style) => {
    for (const name of NAMES.filter((n) => !n.includes("\n"))) {
      const link = pasted(name, style);
      // Obsidian's wiki links cannot name a file with # | [ ] in it: those end the path.
      if (!/[#|[\]]/.test(name)) expect(uploaded(`![[${name}]]`, name, style)).toBe(link);
      // A local markdown destination's # starts a fragment, so a file name's # is written %23.
      expect(uploaded(`![](<${name.replace(/#/g, "%23").replace(/[<>&]/g, "\\$&")}>)`, name, style)).toBe(link);
      expect(uploaded(`![](${encodeURIComponent(name).replace(/[()]/g, (c) => `\\${c}`)})`, name, style)).toBe(link);
    }
  });
});

describe("rewriteEmbed in each link format", () => {
  const URL = "https://cdn.example.com/img/abc.png";
  const rewrite = (text: string, style: LinkStyle, options = {}) => rewriteEmbed(scanEmbeds(text, options)[0], URL, style);

  it("writes a local wiki, markdown or reference image in the chosen format, with its alt text, size and title", () => {
    expect(rewrite("![[a.png|300]]", HTML)).toBe(`<img src="${URL}" alt="a" width="300">`);
    expect(rewrite("![[a.png|A caption|300x200]]", HTML)).toBe(`<img src="${URL}" alt="A caption" width="300" height="200">`);
    expect(rewrite('![A \\[shot\\]|300](a.png "T")', HTML)).toBe(`<img src="${URL}" alt="A [shot]" width="300" title="T">`);
    expect(rewrite("![300](a.png)", HTML)).toBe(`<img src="${URL}" alt="a" width="300">`);
    expect(rewrite("> ![two\n> lines](a.png)", HTML)).toBe(`<img src="${URL}" alt="two lines">`);
    expect(rewrite("![Logo][l]\n\n[l]: a.png 'Ours'\n", HTML)).toBe(`<img src="${URL}" alt="Logo" title="Ours">`);
    expect(rewrite("![[b.png#frag|300]]", custom("{url} {alt} {name} {width}x{height}"))).toBe(`${URL}#frag b b.png 300x`);
  });

  it("fills an empty alt text of a local markdown image from the file name, and keeps the rest", () => {
    expect(rewrite("![](my%20shot.png 'T')", MARKDOWN)).toBe(`![my shot](${URL} 'T')`);
    expect(rewrite("![](https://web.example/x.png)", MARKDOWN)).toBe(`![](${URL})`);
  });

  it("keeps the form of HTML, front matter, blog tags and web images, changing only their URL", () => {
    for (const style of [HTML, custom("[[{url}]]")]) {
      expect(rewrite('<img src="a.png" width=20>', style)).toBe(`<img src="${URL}" width=20>`);
      expect(rewrite("![web](https://web.example/x.png 'T')", style)).toBe(`![web](${URL} 'T')`);
      expect(rewrite("---\ncover: a.png\n---\n", style, { forms: ALL_FORMS })).toBe(URL);
      expect(rewrite("{% img /a.png 300 %}", style, { forms: ALL_FORMS })).toBe(URL);
    }
  });
});

describe("a custom link the scanner cannot read", () => {
  const OPAQUE = custom("@image({url}, {alt})");

  it("is written once, and a second run finds nothing to rewrite", () => {
    const text = "Intro ![[a.png]] and ![](b%20c.jpg)\n";
    const once = applyReplacements(
      text,
      planEmbedRewrites(text, (e) => urlFor(e.target), undefined, OPAQUE),
    ).text;
    expect(once).toBe(`Intro @image(${urlFor("a.png")}, a) and @image(${urlFor("b c.jpg")}, b c)\n`);
    expect(planEmbedRewrites(once, (e) => urlFor(e.target), undefined, OPAQUE)).toEqual([]);
  });

  it("is not rewritten twice by Upload all, nor is a readable custom link", async () => {
    for (const style of [OPAQUE, ...READABLE_CUSTOM, HTML, MARKDOWN]) {
      const v = new MemoryVault({ "N.md": "![[a.png|300]]\n\n> ![x](d.gif)\n" }, { "a.png": "A", "d.gif": "D" });
      const first = await migrateNotes(["N.md"], v.ports(), { concurrency: 2, linkStyle: style });
      expect(first).toMatchObject({ rewritten: 2, failed: 0, skipped: 0 });
      const after = v.notes.get("N.md");
      const second = await migrateNotes(["N.md"], v.ports(), { concurrency: 2, linkStyle: style });
      expect(second).toMatchObject({ rewritten: 0, failed: 0, uploaded: 0 });
      expect(v.notes.get("N.md")).toBe(after);
    }
  });

  it("still leaves a link alone when unfinished markdown before it would take it in", () => {
    const text = "![](![[my shot.png]])";
    const url = "https://cdn.example.com/a.png";
    expect(planEmbedRewrites(text, () => url, undefined, custom("@{url}"))).toEqual([]);
    expect(planEmbedRewrites(text, () => url, undefined, custom("@ {url}"))).toHaveLength(1);
  });
});

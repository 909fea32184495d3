/**
 * The forms blogs write images in: srcset candidates, YAML and TOML front matter, Hexo
 * tags, Hugo figures and Liquid prefixes. Each is found with exact offsets, and a rewrite
 * changes the path and nothing else.
 */
import { planEmbedRewrites } from "../../../../src/core/link/embedLink";
import { applyReplacements } from "../../../../src/core/apply/replacements";
import { ALL_FORMS, OBSIDIAN_FORMS, isLocalImageEmbed, scanEmbeds, type Embed, type ScanOptions } from "../../../../src/core/markdown";

const ALL: ScanOptions = { forms: ALL_FORMS };

function scan(text: string, options: ScanOptions = ALL): Embed[] {
  const embeds = scanEmbeds(text, options);
  for (const e of embeds) expect(text.slice(e.start, e.end)).toBe(e.raw);
  return embeds;
}

/** A URL that names a local image's target, ASCII only; nothing for the rest. */
function urlOf(e: Embed): string | undefined {
  return isLocalImageEmbed(e) ? `https://cdn.test/i/${encodeURIComponent(e.target)}` : undefined;
}

function rewriteAll(text: string, options: ScanOptions = ALL): string {
  return applyReplacements(text, planEmbedRewrites(text, urlOf, options)).text;
}

/** Checks that `after` is `before` with exactly `edits` made, each `[old, new]` in order, and nothing else. */
function expectOnly(before: string, after: string, edits: [string, string][]): void {
  let expected = "";
  let at = 0;
  for (const [from, to] of edits) {
    const i = before.indexOf(from, at);
    expect(i).toBeGreaterThanOrEqual(0);
    expected += before.slice(at, i) + to;
    at = i + from.length;
  }
  expect(after).toBe(expected + before.slice(at));
}

describe("srcset", () => {
  it("makes each candidate URL an embed and rewrites only the URLs", () => {
    const text = `<img src="a.png" srcset="a.png 1x, b@2x.png 2x" alt="A">`;
    const embeds = scan(text);
    expect(embeds.map((e) => [e.kind, e.raw, e.target])).toEqual([
      ["html", '"a.png"', "a.png"],
      ["srcset", "a.png", "a.png"],
      ["srcset", "b@2x.png", "b@2x.png"],
    ]);
    expect(rewriteAll(text)).toBe(`<img src="https://cdn.test/i/a.png" srcset="https://cdn.test/i/a.png 1x, https://cdn.test/i/b%402x.png 2x" alt="A">`);
  });

  it("reads width descriptors and <source> inside <picture>, and keeps single quotes", () => {
    const text = "<picture>\n<source srcset='small.webp 480w,large.webp 1080w' type=\"image/webp\">\n<img src='x.jpg'>\n</picture>\n";
    expect(scan(text).map((e) => e.raw)).toEqual(["small.webp", "large.webp", "<img src='x.jpg'>"]);
    expectOnly(text, rewriteAll(text), [
      ["small.webp", "https://cdn.test/i/small.webp"],
      ["large.webp", "https://cdn.test/i/large.webp"],
      ["'x.jpg'", '"https://cdn.test/i/x.jpg"'],
    ]);
  });

  it("is read in Obsidian's forms too, but an <img> without srcset stays one whole-tag embed", () => {
    expect(scan(`<img srcset="a.png 2x">`, { forms: OBSIDIAN_FORMS }).map((e) => e.kind)).toEqual(["srcset"]);
    expect(scan(`<img src="a.png">`, { forms: OBSIDIAN_FORMS })[0].raw).toBe(`<img src="a.png">`);
  });
});

describe("front matter", () => {
  it("finds default keys as scalars, flow lists and block lists, plain and quoted", () => {
    const text = [
      "---",
      "title: Post",
      "cover: images/cover.png",
      "og_image: 'og.jpg' # social",
      'thumbnail: "thumb one.png"',
      "images: [a.png, 'b.png', \"c.png\"]",
      "gallery:",
      "  - not-a-key.png",
      "banner:",
      "  - x.png",
      "  - https://remote.test/y.png",
      "header:",
      "  image: /assets/h.png",
      "  teaser: t.gif",
      "description: d.png",
      "---",
      "body ![](z.png)",
    ].join("\n");
    const embeds = scan(text);
    expect(embeds.map((e) => [e.kind, e.raw, e.target])).toEqual([
      ["front-matter", "images/cover.png", "images/cover.png"],
      ["front-matter", "'og.jpg'", "og.jpg"],
      ["front-matter", '"thumb one.png"', "thumb one.png"],
      ["front-matter", "a.png", "a.png"],
      ["front-matter", "'b.png'", "b.png"],
      ["front-matter", '"c.png"', "c.png"],
      ["front-matter", "x.png", "x.png"],
      ["front-matter", "https://remote.test/y.png", "https://remote.test/y.png"],
      ["front-matter", "/assets/h.png", "/assets/h.png"],
      ["front-matter", "t.gif", "t.gif"],
      ["markdown", "![](z.png)", "z.png"],
    ]);
  });

  it("reads caller-given keys, nested ones too", () => {
    const text = "---\nposter: p.png\nseo:\n  card: c.png\n---\n";
    expect(scan(text)).toEqual([]);
    expect(scan(text, { forms: ALL_FORMS, frontMatterKeys: ["poster", "seo.card"] }).map((e) => e.target)).toEqual(["p.png", "c.png"]);
  });

  it("keeps the quoting style and quotes a plain value only where the URL needs it", () => {
    const text = "---\r\ncover: a.png\r\nimage: 'b.png'\r\nhero: \"c.png\"\r\nimages: [d.png]\r\n---\r\n";
    const after = rewriteAll(text);
    expectOnly(text, after, [
      ["a.png", "https://cdn.test/i/a.png"],
      ["'b.png'", "'https://cdn.test/i/b.png'"],
      ['"c.png"', '"https://cdn.test/i/c.png"'],
      ["d.png", "https://cdn.test/i/d.png"],
    ]);
    const odd = "---\ncover: a.png\nimages: [b.png]\n---\n";
    const rewritten = applyReplacements(
      odd,
      planEmbedRewrites(odd, () => "https://cdn.test/a, b #1.png", ALL),
    ).text;
    // White space is percent-encoded, so `: ` and ` #` cannot occur; a comma ends a plain value only in a flow list.
    expect(rewritten).toBe('---\ncover: https://cdn.test/a,%20b%20#1.png\nimages: ["https://cdn.test/a,%20b%20#1.png"]\n---\n');
  });

  it("reads TOML front matter with tables and arrays over lines, and skips it as markdown", () => {
    const text = '+++\ntitle = "x"\ncover = "c.png"\nimages = [\n  \'a.png\', # first\n  "b.png",\n]\n[header]\nimage = \'h.png\'\n+++\n![](z.png)\n';
    const embeds = scan(text);
    expect(embeds.map((e) => [e.raw, e.target])).toEqual([
      ['"c.png"', "c.png"],
      ["'a.png'", "a.png"],
      ['"b.png"', "b.png"],
      ["'h.png'", "h.png"],
      ["![](z.png)", "z.png"],
    ]);
    expectOnly(text, rewriteAll(text), [
      ['"c.png"', '"https://cdn.test/i/c.png"'],
      ["'a.png'", "'https://cdn.test/i/a.png'"],
      ['"b.png"', '"https://cdn.test/i/b.png"'],
      ["'h.png'", "'https://cdn.test/i/h.png'"],
      // An empty alt text of a local image gets the file's name, as a pasted image does.
      ["[](z.png)", "[z](https://cdn.test/i/z.png)"],
    ]);
  });

  it("decodes percent-encoding and keeps Chinese names", () => {
    expect(scan("---\ncover: 图片/%E5%B0%81%E9%9D%A2.png\n---\n")[0].target).toBe("图片/封面.png");
  });

  it("is not read in Obsidian's forms, and block scalars, unclosed lists and trailing text are passed over", () => {
    expect(scan("---\ncover: a.png\n---\n", { forms: OBSIDIAN_FORMS })).toEqual([]);
    expect(scan("---\ncover: |\n  a.png\nimage: [a.png, b.png\nhero: 'a.png' trailing\n---\n")).toEqual([]);
  });
});

describe("Hexo tags", () => {
  it("finds asset_img with class, size and title, and rewrites it to an img tag with the same arguments", () => {
    const text = `Intro\n\n{% asset_img wide 我的图.png 600 400 "A title" 'alt text' %}\n`;
    const [e] = scan(text);
    expect(e).toMatchObject({ kind: "hexo-asset", target: "我的图.png" });
    expectOnly(text, rewriteAll(text), [[`asset_img wide 我的图.png`, `img wide https://cdn.test/i/${encodeURIComponent("我的图.png")}`]]);
  });

  it("keeps a quoted slug quoted, maps asset_image to image and asset_path to the bare URL", () => {
    expect(rewriteAll(`{% asset_image "my pic.png" %}`)).toBe(`{% image "https://cdn.test/i/my%20pic.png" %}`);
    expect(rewriteAll(`<img src="{% asset_path x.png %}">`)).toBe(`<img src="https://cdn.test/i/x.png">`);
  });

  it("finds the src of img: the first argument that is a URL or starts with /", () => {
    const text = `{% img left /images/a%20b.png 100 "T" %} {% img https://r.test/x.png %}`;
    const embeds = scan(text);
    expect(embeds.map((e) => [e.kind, e.raw, e.target, e.isRemote])).toEqual([
      ["hexo-img", "/images/a%20b.png", "/images/a b.png", false],
      ["hexo-img", "https://r.test/x.png", "https://r.test/x.png", true],
    ]);
    expectOnly(text, rewriteAll(text), [["/images/a%20b.png", "https://cdn.test/i/%2Fimages%2Fa%20b.png"]]);
  });

  it("leaves malformed and unknown tags and code alone", () => {
    for (const text of [
      "{% asset_img x.png",
      "{% asset_img %}",
      "{% asset_img notes.txt %}",
      "{% include x.png %}",
      "`{% asset_img x.png %}`",
      "```\n{% asset_img x.png %}\n```",
      "{% asset_img 'x.png %}",
      "{%asset_img{% asset_img x.png %}",
    ]) {
      expect(scan(text).filter((e) => e.kind === "hexo-asset")).toEqual(
        text === "{%asset_img{% asset_img x.png %}" ? [expect.objectContaining({ raw: "{% asset_img x.png %}" })] : [],
      );
    }
  });
});

describe("Hugo figure", () => {
  it("reads both delimiters, every quoting of src and self-closing figures, rewriting only src", () => {
    const text = [
      `{{< figure src="/img/a.png" title="A" >}}`,
      "",
      `{{% figure class="c" src=\`b.png\` %}}`,
      "",
      `{{< figure src=c.png />}}`,
      "",
      `{{< gallery src="d.png" >}} {{</* figure src="e.png" */>}}`,
    ].join("\r\n");
    const embeds = scan(text);
    expect(embeds.map((e) => [e.kind, e.raw, e.target])).toEqual([
      ["hugo-figure", '"/img/a.png"', "/img/a.png"],
      ["hugo-figure", "`b.png`", "b.png"],
      ["hugo-figure", "c.png", "c.png"],
    ]);
    expectOnly(text, rewriteAll(text), [
      ['"/img/a.png"', `"https://cdn.test/i/%2Fimg%2Fa.png"`],
      ["`b.png`", "`https://cdn.test/i/b.png`"],
      ["c.png", "https://cdn.test/i/c.png"],
    ]);
  });

  it("is not read outside Hugo's forms, nor inside code", () => {
    expect(scan(`{{< figure src="a.png" >}}`, { forms: OBSIDIAN_FORMS })).toEqual([]);
    expect(scan('    {{< figure src="a.png" >}}')).toEqual([]);
  });
});

describe("Liquid prefixes", () => {
  it("reads site.url, site.baseurl and both, in markdown and HTML, as the site-absolute path", () => {
    const text = [
      "![A]({{ site.baseurl }}/assets/a.png)",
      `![B]({{site.url}}{{ site.baseurl }}/assets/b.png "T")`,
      `<img src="{{ site.url }}/assets/c.png" alt="C">`,
      `![D]({{ "/assets/d.png" | relative_url }})`,
      `![E]({{ 'assets/e.png' | absolute_url }})`,
    ].join("\n\n");
    const embeds = scan(text);
    expect(embeds.map((e) => [e.target, e.liquid])).toEqual([
      ["/assets/a.png", true],
      ["/assets/b.png", true],
      ["/assets/c.png", true],
      ["/assets/d.png", true],
      ["/assets/e.png", true],
    ]);
    expectOnly(text, rewriteAll(text), [
      ["{{ site.baseurl }}/assets/a.png", "https://cdn.test/i/%2Fassets%2Fa.png"],
      ["{{site.url}}{{ site.baseurl }}/assets/b.png", "https://cdn.test/i/%2Fassets%2Fb.png"],
      ['"{{ site.url }}/assets/c.png"', '"https://cdn.test/i/%2Fassets%2Fc.png"'],
      [`{{ "/assets/d.png" | relative_url }}`, "https://cdn.test/i/%2Fassets%2Fd.png"],
      [`{{ 'assets/e.png' | absolute_url }}`, "https://cdn.test/i/%2Fassets%2Fe.png"],
    ]);
  });

  it("reads a Liquid front matter value and replaces the whole expression", () => {
    const text = `---\nimage: "{{ site.baseurl }}/assets/og.png"\n---\n`;
    expect(scan(text)[0].target).toBe("/assets/og.png");
    expect(rewriteAll(text)).toBe(`---\nimage: "https://cdn.test/i/%2Fassets%2Fog.png"\n---\n`);
  });

  it("is plain text without the liquid form", () => {
    expect(scan("![A]({{ site.baseurl }}/assets/a.png)", { forms: OBSIDIAN_FORMS })).toEqual([]);
  });
});

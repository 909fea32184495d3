import fc from "fast-check";
import { planEmbedRewrites, rewriteEmbed } from "../../../../src/core/link/embedLink";
import { FALLBACK_ALT_TEXT } from "../../../../src/core/link/markdownLink";
import { isLocalImageEmbed, scanEmbeds, type Embed } from "../../../../src/core/markdown";
import { applyReplacements } from "../../../../src/core/apply/replacements";
import { propertyRuns } from "../../../support/propertyRuns";

const URL = "https://cdn.example.com/img/2026/abc.png";

function embedIn(text: string): Embed {
  const embeds = scanEmbeds(text);
  expect(embeds).toHaveLength(1);
  return embeds[0];
}

function rewrite(text: string, url = URL): string {
  return rewriteEmbed(embedIn(text), url);
}

/** Lenient percent-decoding, independent of the code under test. */
function percentDecode(s: string): string {
  return s.replace(/%[0-9A-Fa-f]{2}/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/** What a renderer shows for alt text made of plain characters and backslash escapes. */
function unescapeBackslashes(s: string): string {
  return s.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

describe("rewriteEmbed: markdown images", () => {
  it("keeps the alt text and the title", () => {
    expect(rewrite('![A shot](a.png "The title")')).toBe(`![A shot](${URL} "The title")`);
  });

  it("keeps an alt-text size hint as written", () => {
    expect(rewrite("![a|300](x.png)")).toBe(`![a|300](${URL})`);
    expect(rewrite("![250](x.png)")).toBe(`![250](${URL})`);
  });

  it("appends the fragment to the URL", () => {
    expect(rewrite("![base](bases-noshadow.png#interface)")).toBe(`![base](${URL}#interface)`);
  });

  it("writes a title with quotes and backslashes so it reads back the same", () => {
    const out = rewrite("![a](x.png 'say \"hi\" \\\\ bye')");
    expect(embedIn(out).title).toBe('say "hi" \\ bye');
  });

  it("keeps an alt text that runs over lines byte for byte, callout prefix and CRLF included", () => {
    expect(rewrite("> ![two\n> lines](x.png)")).toBe(`![two\n> lines](${URL})`);
    expect(rewrite("![Figure 1: first line\r\nsecond line](f.png 'T')")).toBe(`![Figure 1: first line\r\nsecond line](${URL} 'T')`);
  });

  it("keeps a reference image's alt text over lines and writes the definition's title", () => {
    const text = "> ![first\n> second][r]\n\n[r]: f.png 'T'\n";
    expect(rewriteEmbed(scanEmbeds(text)[0], URL)).toBe(`![first\n> second](${URL} "T")`);
  });
});

describe("rewriteEmbed: wiki embeds", () => {
  it("uses the file name without extension as alt text", () => {
    expect(rewrite("![[Attachments/My shot.png]]")).toBe(`![My shot](${URL})`);
  });

  it("keeps the |300 size hint when a wiki embed becomes a markdown link", () => {
    expect(rewrite("![[a.png|300]]")).toBe(`![a|300](${URL})`);
    expect(rewrite("![[a.png|300x200]]")).toBe(`![a|300x200](${URL})`);
  });

  it("uses the display text as alt text", () => {
    expect(rewrite("![[folder/name.png|alt text]]")).toBe(`![alt text](${URL})`);
    expect(rewrite("![[name.png|a caption|40]]")).toBe(`![a caption|40](${URL})`);
  });

  it("appends the fragment to the URL", () => {
    expect(rewrite("![[Engelbart.jpg#outline|100]]")).toBe(`![Engelbart|100](${URL}#outline)`);
  });

  it("keeps the escaped pipe a table cell needs", () => {
    const table = "| a |\n|---|\n| ![[Engelbart.jpg\\|200]] |";
    expect(rewriteEmbed(embedIn(table), URL)).toBe(`![Engelbart\\|200](${URL})`);
  });

  it("keeps the extension of a file named like a size, so it is not read as a width", () => {
    const out = rewrite("![[250.png]]");
    expect(out).toBe(`![250.png](${URL})`);
    expect(embedIn(out).size).toBeUndefined();
  });

  it("escapes a file name so it cannot inject a link or markup", () => {
    const e: Embed = { kind: "wiki", start: 0, end: 0, raw: "", target: "a](javascript:alert(1)).png", alt: "", isRemote: false };
    const out = rewriteEmbed(e, URL);
    const back = embedIn(out);
    expect(back).toMatchObject({ start: 0, end: out.length, target: URL });
    expect(unescapeBackslashes(back.alt)).toBe("a](javascript:alert(1))");
  });

  it("escapes HTML, code and math openers in a file name", () => {
    const e: Embed = { kind: "wiki", start: 0, end: 0, raw: "", target: "<b>`x` $y$ %%z&amp;.png", alt: "", isRemote: false };
    const back = embedIn(rewriteEmbed(e, URL));
    expect(back.target).toBe(URL);
    expect(unescapeBackslashes(back.alt)).toBe("<b>`x` $y$ %%z&amp;");
  });
});

describe("rewriteEmbed: reference-style images", () => {
  it("turns the usage into an inline image with the definition's title and leaves the definition", () => {
    const text = "![Logo][logo] and ![logo]\n\n[logo]: img/logo.png 'Our logo'\n";
    const result = applyReplacements(
      text,
      planEmbedRewrites(text, () => URL),
    );
    expect(result.text).toBe(`![Logo](${URL} "Our logo") and ![logo](${URL} "Our logo")\n\n[logo]: img/logo.png 'Our logo'\n`);
  });
});

describe("rewriteEmbed: HTML images", () => {
  it("replaces only the src value and keeps every other attribute", () => {
    expect(rewrite(`<img class="wide" src='a.png' width=300 alt="A">`)).toBe(`<img class="wide" src="${URL}" width=300 alt="A">`);
  });

  it("escapes the URL for an attribute", () => {
    expect(rewrite(`<img src="a.png">`, 'https://x.test/a.png?w=1&h=2"')).toBe(`<img src="https://x.test/a.png?w=1&amp;h=2&quot;">`);
  });

  it("keeps the callout prefixes of a tag that runs over lines", () => {
    const text = `> <img alt='src="no"'\n> src="in quote.png">`;
    expect(rewriteEmbed(embedIn(text), URL)).toBe(`<img alt='src="no"'\n> src="${URL}">`);
  });
});

describe("rewriteEmbed: URLs", () => {
  it.each([
    ["https://cdn.test/a b.png", "https://cdn.test/a%20b.png"],
    ["https://cdn.test/a(1).png", "https://cdn.test/a%281%29.png"],
    ['https://cdn.test/a"b.png', "https://cdn.test/a%22b.png"],
    ["https://cdn.test/a<b>.png", "https://cdn.test/a%3Cb%3E.png"],
    ["https://cdn.test/a|b.png", "https://cdn.test/a%7Cb.png"],
  ])("writes %s as a destination that reads back as the same URL", (url, written) => {
    const out = rewrite("![[x.png]]", url);
    expect(out).toBe(`![x](${written})`);
    expect(embedIn(out).target).toBe(url);
  });
});

describe("rewriteEmbed (properties)", () => {
  const nameChars = fc.constantFrom(..."ab Z09._-()[]{}<>`*_~=$%&!#^'\"\\/:;,@+é😀".split(""), "](", "![[", "%%", "$$", "&amp;");
  const fileName = fc.string({ unit: nameChars, minLength: 1, maxLength: 20 }).map((s) => `${s.replace(/\//g, "_")}.png`);
  const url = fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~/?=&#()<> |\"'%".split("")), maxLength: 30 }).map((s) => `https://cdn.example.com/${s}`);
  const size = fc.option(fc.record({ width: fc.integer({ min: 1, max: 4000 }), height: fc.option(fc.integer({ min: 1, max: 4000 }), { nil: undefined }) }), {
    nil: undefined,
  });

  it("reads back as exactly one image whose destination is the URL and whose alt text is the file name", () => {
    fc.assert(
      fc.property(fileName, url, size, (name, href, sz) => {
        const e: Embed = { kind: "wiki", start: 0, end: 0, raw: "", target: `folder/${name}`, alt: "", isRemote: false };
        if (sz) e.size = sz.height === undefined ? { width: sz.width } : sz;
        const out = rewriteEmbed(e, href);
        const back = scanEmbeds(out);
        expect(back).toHaveLength(1);
        expect(back[0]).toMatchObject({ kind: "markdown", start: 0, end: out.length });
        expect(back[0].target + (back[0].fragment !== undefined ? `#${back[0].fragment}` : "")).toBe(percentDecode(href));
        expect(back[0].size).toEqual(e.size);
        const shown = unescapeBackslashes(back[0].alt);
        const stem = name.slice(0, name.lastIndexOf("."));
        const sizeText = e.size ? `|${e.size.width}${e.size.height !== undefined ? `x${e.size.height}` : ""}` : "";
        // A name with nothing to show gets the alt text every pasted image of that name gets.
        const expected = stem.trim() === "" ? [`${FALLBACK_ALT_TEXT}${sizeText}`] : [`${stem}${sizeText}`, `${name}${sizeText}`, sizeText];
        expect(expected).toContain(shown);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });
});

describe("planEmbedRewrites with applyReplacements over generated notes", () => {
  const piece = fc.constantFrom(
    "![[a.png]]",
    "![[b c.png|300]]",
    "![[Note]]",
    '![x](d.png "t")',
    "![y](https://remote.test/r.png)",
    '<img src="e.png" width="10">',
    "![r][ref]",
    "![ref]",
    "\n[ref]: f.png 'F'\n",
    "\n```\n",
    "`",
    "$",
    "%%",
    "\n> ",
    "\n- ",
    "\n    ",
    "\n",
    "\n\n",
    " ",
    "text",
    "[",
    "]",
    "(",
    ")",
    "!",
    "\\",
    "<!--",
    "-->",
    "|",
    "#",
    "\n---\n",
  );
  const note = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(""));
  const urlFor = (e: Embed): string | undefined => (isLocalImageEmbed(e) ? `https://cdn.example.com/${encodeURIComponent(e.target)}` : undefined);

  it("finds embeds whose spans are in order, disjoint and equal to their raw text", () => {
    fc.assert(
      fc.property(note, (text) => {
        const embeds = scanEmbeds(text);
        embeds.forEach((e, i) => {
          expect(text.slice(e.start, e.end)).toBe(e.raw);
          if (i > 0) expect(embeds[i - 1].end).toBeLessThanOrEqual(e.start);
        });
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it("changes the note only at embed spans, and every planned rewrite applies", () => {
    fc.assert(
      fc.property(note, (text) => {
        const reps = planEmbedRewrites(text, urlFor);
        const result = applyReplacements(text, reps);
        expect(result.skipped).toEqual([]);
        const embedSpans = new Set(scanEmbeds(text).map((e) => `${e.start}:${e.end}`));
        let rebuilt = "";
        let pos = 0;
        for (const r of result.applied) {
          expect(embedSpans.has(`${r.start}:${r.end}`)).toBe(true);
          rebuilt += text.slice(pos, r.start) + r.replacement;
          pos = r.end;
        }
        expect(result.text).toBe(rebuilt + text.slice(pos));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it("leaves no local image behind and changes nothing when run a second time", () => {
    fc.assert(
      fc.property(note, (text) => {
        const once = applyReplacements(text, planEmbedRewrites(text, urlFor)).text;
        expect(scanEmbeds(once).filter(isLocalImageEmbed)).toEqual([]);
        expect(planEmbedRewrites(once, urlFor)).toEqual([]);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });
});

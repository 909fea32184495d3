import { scanEmbeds, type Embed } from "../../../../src/core/markdown";

interface SpecExample {
  markdown: string;
  html: string;
  section: string;
  number: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package is plain JSON data with no module types
const spec = require("commonmark-spec") as { tests: SpecExample[] };

/** The spec writes tabs as `→`. */
function markdownOf(ex: SpecExample): string {
  return ex.markdown.replace(/→/g, "\t");
}

/** Undoes the renderer's HTML escaping of an attribute value. */
function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot);|&#(\d+);|&#[xX]([0-9a-fA-F]+);/g, (_m, name: string, dec: string, hex: string) => {
    if (name) return ({ amp: "&", lt: "<", gt: ">", quot: '"' } as Record<string, string>)[name];
    return String.fromCodePoint(dec ? parseInt(dec, 10) : parseInt(hex, 16));
  });
}

/** Lenient percent-decoding, independent of the code under test. */
function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%[0-9A-Fa-f]{2}/g, (one) => {
        try {
          return decodeURIComponent(one);
        } catch {
          return one;
        }
      });
    }
  });
}

/** `src` of every rendered `<img>`, decoded the way the scanner decodes destinations. */
function renderedImageSources(html: string): string[] {
  return [...html.matchAll(/<img src="([^"]*)"/g)].map((m) => percentDecode(unescapeHtml(m[1])));
}

/** Wiki embeds are Obsidian syntax the CommonMark renderer does not know. */
function commonMarkImages(md: string): Embed[] {
  return scanEmbeds(md).filter((e) => e.kind !== "wiki");
}

function destinationOf(e: Embed): string {
  return e.fragment !== undefined ? `${e.target}#${e.fragment}` : e.target;
}

/*
 * No example needs to be excused. The one place where Obsidian syntax meets the spec is
 * `![[foo]]` (Images section), which Obsidian reads as a wiki embed; the comparison
 * leaves wiki embeds out, and a separate test pins that reading. No example uses `%%`
 * comments or `$` math in a way that hides an image.
 */
const sections = ["Images", "Links", "Link reference definitions"];
const focused = spec.tests.filter((ex) => sections.includes(ex.section));
const others = spec.tests.filter((ex) => !sections.includes(ex.section));

describe("scanEmbeds agrees with the CommonMark spec", () => {
  it("has the spec examples to check", () => {
    expect(focused.length).toBeGreaterThan(100);
    expect(focused.filter((ex) => ex.html.includes("<img")).length).toBeGreaterThanOrEqual(20);
  });

  describe.each(sections)("section %s", (section) => {
    const examples = spec.tests.filter((ex) => ex.section === section);

    const withImages = examples.filter((ex) => ex.html.includes("<img"));
    // "Link reference definitions" renders no image at all.
    if (withImages.length > 0) {
      it.each(withImages.map((ex) => [ex.number, ex] as const))("example %i: finds each rendered image with its destination, in order", (_n, ex) => {
        expect(commonMarkImages(markdownOf(ex)).map(destinationOf)).toEqual(renderedImageSources(ex.html));
      });
    }

    it.each(examples.filter((ex) => !ex.html.includes("<img")).map((ex) => [ex.number, ex] as const))(
      "example %i: finds no image where none is rendered",
      (_n, ex) => {
        expect(commonMarkImages(markdownOf(ex)).filter((e) => e.kind !== "html")).toEqual([]);
      },
    );
  });

  it("matches the rendered images of every other example of the spec (code, HTML, lists, emphasis…)", () => {
    const mismatches = others
      .map((ex) => ({
        number: ex.number,
        want: renderedImageSources(ex.html),
        got: commonMarkImages(markdownOf(ex)).map(destinationOf),
      }))
      .filter((r) => JSON.stringify(r.want) !== JSON.stringify(r.got));
    expect(mismatches).toEqual([]);
  });

  it("reports the span of each image exactly as it appears in the example", () => {
    for (const ex of spec.tests) {
      const md = markdownOf(ex);
      for (const e of scanEmbeds(md)) expect(md.slice(e.start, e.end)).toBe(e.raw);
    }
  });

  it("reads Obsidian's ![[…]] in spec example 590 as a wiki embed, where CommonMark sees no image", () => {
    const ex = spec.tests.find((t) => t.markdown.startsWith("![[foo]]"));
    expect(ex).toBeDefined();
    const embeds = scanEmbeds(markdownOf(ex as SpecExample));
    expect(embeds.map((e) => [e.kind, e.target])).toEqual([["wiki", "foo"]]);
  });
});

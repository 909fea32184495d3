/**
 * Generated notes in every blog form: rewriting each local image to its URL and scanning
 * again finds the same images, in the same order, now at their new URLs, and the text
 * between them is unchanged.
 */
import fc from "fast-check";
import { propertyRuns } from "../../../support/propertyRuns";
import { planEmbedRewrites } from "../../../../src/core/link/embedLink";
import { applyReplacements } from "../../../../src/core/apply/replacements";
import { ALL_FORMS, isLocalImageEmbed, percentDecode, scanEmbeds, type Embed } from "../../../../src/core/markdown";

const OPTIONS = { forms: ALL_FORMS };

const name = fc
  .tuple(
    fc.constantFrom("", "img/", "/assets/", "深/", "a b/"),
    fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.é".split(""), "截图", "😀"), minLength: 1, maxLength: 6 }),
    fc.constantFrom("png", "JPG", "webp", "svg"),
  )
  .map(([folder, stem, ext]) => `${folder}${stem}.${ext}`);
/** A name without spaces, for places where a space would end it. */
const bare = name.map((n) => n.replace(/ /g, "_"));
const absolute = bare.map((n) => (n.startsWith("/") ? n : `/${n}`));
const eol = fc.constantFrom("\n", "\r\n");

const body = fc.oneof(
  fc.tuple(fc.constantFrom("", "Figure 1:\nsecond line", "> quoted"), bare).map(([alt, n]) => `![${alt}](${encodeURI(n)} "t")`),
  fc.tuple(bare, bare).map(([a, b]) => `<img src="${a}" srcset="${a} 1x, ${b} 2x" alt="x">`),
  fc.tuple(bare, bare).map(([a, b]) => `<picture><source srcset='${a} 480w, ${b} 960w'><img src='${a}'></picture>`),
  fc
    .tuple(fc.constantFrom("", "left "), name, fc.constantFrom("", " 300", " 300 200 \"T\" 'A'"))
    .map(([c, n, rest]) => `{% asset_img ${c}${n.includes(" ") ? `"${n}"` : n}${rest} %}`),
  fc.tuple(absolute, fc.constantFrom("", ' "T"')).map(([n, rest]) => `{% img ${n}${rest} %}`),
  fc
    .tuple(fc.constantFrom("<", "%"), fc.constantFrom('"', "`", ""), bare, fc.constantFrom("", "/"))
    .map(([d, q, n, self]) => `{{${d} figure src=${q}${n}${q} title="T" ${self}${d === "<" ? ">" : "%"}}}`),
  fc.tuple(fc.constantFrom("{{ site.baseurl }}", "{{site.url}}{{ site.baseurl }}"), absolute).map(([p, n]) => `![L](${p}${n})`),
  absolute.map((n) => `![F]({{ "${n}" | relative_url }})`),
  fc.constantFrom("text", "`{% asset_img code.png %}`", '```\n{{< figure src="code.png" >}}\n```', '<!-- <img src="c.png"> -->'),
);

const frontMatter = fc.oneof(
  fc.constant(""),
  fc
    .tuple(name, bare, fc.constantFrom("'", '"', ""))
    .map(
      ([a, b, q]) =>
        `---\ncover: ${q === "" ? a.replace(/^[-?:,[\]{}#&*!|>'"%@`]/, "x") : `${q}${a}${q}`}\nimages: [${b}, '${b}']\nheader:\n  teaser: ${q}${b}${q}\n---\n`,
    ),
  fc.tuple(name, bare).map(([a, b]) => `+++\ncover = "${a}"\nimages = [\n  '${b}',\n]\n+++\n`),
);

const note = fc.tuple(frontMatter, fc.array(fc.tuple(body, eol), { maxLength: 8 })).map(([fm, parts]) => fm + parts.map(([b, e]) => `${b}${e}${e}`).join(""));

function urlFor(e: Embed): string | undefined {
  if (!isLocalImageEmbed(e)) return undefined;
  const hex = [...e.target].map((c) => (c.codePointAt(0) as number).toString(16)).join("-");
  return `https://cdn.example.com/i/${hex}.png`;
}

describe("rewriting the blog forms, then scanning again", () => {
  it("finds the same images at their new URLs and leaves the text between them unchanged", () => {
    fc.assert(
      fc.property(note, (text) => {
        const before = scanEmbeds(text, OPTIONS);
        const reps = planEmbedRewrites(text, urlFor, OPTIONS);
        // Every local image in a note of whole pieces is rewritten.
        expect(reps).toHaveLength(before.filter(isLocalImageEmbed).length);
        const after = applyReplacements(text, reps).text;
        const again = scanEmbeds(after, OPTIONS);
        expect(again.map((e) => e.target)).toEqual(before.map((e) => (isLocalImageEmbed(e) ? percentDecode(urlFor(e) as string) : e.target)));
        // Outside the replaced spans, not a byte changed.
        let rest = "";
        let at = 0;
        for (const r of [...reps].sort((a, b) => a.start - b.start)) {
          rest += text.slice(at, r.start) + "\u0000";
          at = r.end;
        }
        let restAfter = "";
        let atAfter = 0;
        let shift = 0;
        for (const r of [...reps].sort((a, b) => a.start - b.start)) {
          restAfter += after.slice(atAfter, r.start + shift) + "\u0000";
          atAfter = r.start + shift + r.replacement.length;
          shift += r.replacement.length - (r.end - r.start);
        }
        expect(restAfter + after.slice(atAfter)).toBe(rest + text.slice(at));
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});

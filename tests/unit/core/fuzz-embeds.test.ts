/**
 * Generated notes through the whole rewrite core: scanEmbeds, then planEmbedRewrites and
 * applyReplacements, then a second pass over the migrated note. The notes mix every embed
 * syntax (with sizes, fragments, titles, display text) with everything that hides or
 * breaks one — code fences closed and unclosed, inline code, comments, math, callouts,
 * lists, tables, front matter, stray brackets and tags — and with random Unicode.
 */
import fc from "fast-check";
import { propertyRuns } from "../../support/propertyRuns";
import { planEmbedRewrites, rewriteEmbed } from "../../../src/core/link/embedLink";
import { isLocalImageEmbed, scanEmbeds, type Embed } from "../../../src/core/markdown";
import { percentDecode } from "../../../src/core/markdown";
import { applyReplacements, type Replacement } from "../../../src/core/apply/replacements";

/** Any Unicode code point except lone surrogates: accents, CJK, emoji, controls, bidi marks. */
const anyUnicode = fc.string({ unit: "binary", maxLength: 6 });
/** Characters that mean something to markdown, HTML or Obsidian. */
const punctuation = fc.string({ unit: fc.constantFrom(..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n".split("")), maxLength: 5 });
/** Text for names, alt text and fragments: words, spaces, punctuation and non-Latin letters. */
const word = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abcXYZ019 -_.()'&é".split(""), "截图", "スクショ", "😀", "👩‍💻"), minLength: 1, maxLength: 8 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 }),
);

const ext = fc.constantFrom("png", "JPG", "jpeg", "gif", "webp", "svg", "md", "pdf", "canvas", "");
const folder = fc.constantFrom("", "img/", "a b/", "../up/", "./", "/abs/", "深/");

/** A file name that can sit inside `[[…]]` (no `]`, `|`, `#`, `^` or line break). */
const wikiName = fc
  .tuple(folder, word, ext)
  .map(([f, w, e]) => `${f}${w.replace(/[\]|#^\n\r[]/g, "_")}${e ? `.${e}` : ""}`)
  .filter((n) => n.trim() !== "");

const size = fc.constantFrom("", "|300", "|300x200", "| 40 ", "|0");
const fragment = fc.oneof(
  fc.constant(""),
  word.map((w) => `#${w.replace(/[\]|\n\r[]/g, "_")}`),
  fc.constantFrom("#page=3", "#^block", "#Heading 2"),
);

/** A destination for a markdown image: bare with `%20`, in `<…>`, or a URL. */
const markdownDest = fc.oneof(
  fc
    .tuple(folder, word, ext, fragment)
    .map(([f, w, e, frag]) => `${encodeURI(`${f}${w}${e ? `.${e}` : ""}`).replace(/[()]/g, (c) => `\\${c}`)}${encodeURI(frag)}`),
  fc.tuple(folder, word, ext).map(([f, w, e]) => `<${`${f}${w}${e ? `.${e}` : ""}`.replace(/[<>\n\r\\]/g, "_")}>`),
  fc.constantFrom("https://remote.test/r.png", "//cdn.test/x.png", "data:image/png;base64,iVBO", "C:/pics/x.png", "obsidian://open?x=1"),
);
const title = fc.oneof(
  fc.constant(""),
  word.map((w) => ` "${w.replace(/["\\]/g, "")}"`),
  word.map((w) => ` '${w.replace(/['\\]/g, "")}'`),
  word.map((w) => ` (${w.replace(/[()\\]/g, "")})`),
);
const alt = fc.oneof(
  word,
  fc.constant(""),
  word.map((w) => `${w}|200`),
  fc.constantFrom("a [nested] alt", "a \\] escaped", "*em* and `code`", "line\nbreak"),
);

const markdownImage = fc.tuple(alt, markdownDest, title).map(([a, d, t]) => `![${a}](${d}${t})`);
const wikiEmbed = fc
  .tuple(
    wikiName,
    fragment,
    fc.oneof(
      fc.constant(""),
      word.map((w) => `|${w.replace(/[\]|\n\r[]/g, "_")}`),
    ),
    size,
    fc.boolean(),
  )
  .map(([n, f, display, s, table]) => `![[${n}${f}${table ? display.replace("|", "\\|") : display}${table ? s.replace("|", "\\|") : s}]]`);
const htmlImage = fc
  .tuple(
    fc.constantFrom('"', "'", ""),
    wikiName,
    fc.constantFrom("", ' width="120"', " height=40 width=30px", ' alt="A &amp; B"', " title='t'"),
    fc.constantFrom(">", "/>", " >"),
  )
  .map(([q, src, attrs, close]) => `<img src=${q}${q === "" ? src.replace(/[\s"'=<>`]/g, "_") : src.replace(new RegExp(q, "g"), "_")}${q}${attrs}${close}`);
const label = fc.constantFrom("ref", "Ref", "a b", "图", "x");
const referenceImage = fc
  .tuple(alt, label, fc.constantFrom("full", "collapsed", "shortcut"))
  .map(([a, l, style]) => (style === "full" ? `![${a}][${l}]` : style === "collapsed" ? `![${l}][]` : `![${l}]`));
const definition = fc.tuple(label, markdownDest, title).map(([l, d, t]) => `\n\n[${l}]: ${d}${t}\n\n`);

/** What hides embeds, and what looks like an embed but is not one. */
const context = fc.constantFrom(
  "\n```\n",
  "\n~~~js\n",
  "\n````\n",
  "`",
  "``",
  "\n    ",
  "$",
  "$$",
  "\n$$\n",
  "%%",
  "<!--",
  "-->",
  "\n> ",
  "\n> [!note] Title\n> ",
  "\n- ",
  "\n1. ",
  "\n| a | b |\n|---|---|\n| ",
  " | ",
  "\n---\n",
  "\n# ",
  "\n===\n",
  "![",
  "![](",
  "![[",
  "]]",
  "<img",
  "<img src=",
  "[",
  "]",
  "(",
  ")",
  "\\",
  "!",
  "<",
  ">",
  "&amp;",
  "\r\n",
  "\n",
  "\n\n",
  " ",
);

const piece = fc.oneof(
  { weight: 4, arbitrary: markdownImage },
  { weight: 4, arbitrary: wikiEmbed },
  { weight: 2, arbitrary: htmlImage },
  { weight: 3, arbitrary: referenceImage },
  { weight: 3, arbitrary: definition },
  { weight: 6, arbitrary: context },
  { weight: 3, arbitrary: anyUnicode },
  { weight: 3, arbitrary: punctuation },
  { weight: 2, arbitrary: word },
);

const frontMatter = fc.constantFrom("", "", "---\ntitle: x\n---\n", "---\nimg: ![[a.png]]\n---\n", "---\nunclosed: ![[a.png]]\n");

const note = fc.tuple(frontMatter, fc.array(piece, { maxLength: 30 })).map(([fm, parts]) => fm + parts.join(""));

/** Hex digits of a string's code points: a URL that says which embed it came from and is pure ASCII. */
function hexOf(s: string): string {
  return [...s].map((c) => (c.codePointAt(0) as number).toString(16)).join("-");
}

/** Every local image gets its own https URL; everything else is left alone. */
const urlFor = (e: Embed): string | undefined => (isLocalImageEmbed(e) ? `https://cdn.example.com/img/${hexOf(e.target) || "empty"}.png` : undefined);

/** What the scanner should read back from a rewritten embed: the URL and the embed's fragment. */
function expectedTarget(e: Embed): string {
  const url = urlFor(e) as string;
  return percentDecode(e.fragment !== undefined ? `${url}#${e.fragment}` : url);
}

function migrate(text: string): { embeds: Embed[]; reps: Replacement[]; result: ReturnType<typeof applyReplacements> } {
  const embeds = scanEmbeds(text);
  const reps = planEmbedRewrites(text, urlFor);
  return { embeds, reps, result: applyReplacements(text, reps) };
}

/** Offset in the migrated text of an offset of the original, given the replacements applied before it. */
function shifted(offset: number, applied: Replacement[]): number {
  let pos = offset;
  for (const a of applied) if (a.end <= offset) pos += a.replacement.length - (a.end - a.start);
  return pos;
}

/** The note with `reps` made (disjoint spans), spliced independently of the code under test. */
function splice(text: string, reps: Replacement[]): string {
  let out = text;
  for (const r of [...reps].sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.replacement + out.slice(r.end);
  return out;
}

/** Whether, with `reps` made, the note still has every other embed as it was and each rewrite as one embed where it was put. */
function readsBack(text: string, embeds: Embed[], reps: Replacement[]): boolean {
  const after = splice(text, reps);
  const expected = embeds.map((e) => {
    const r = reps.find((x) => x.start === e.start);
    return { start: shifted(e.start, reps), raw: r ? r.replacement : e.raw };
  });
  const got = scanEmbeds(after).map((e) => ({ start: e.start, raw: e.raw }));
  return JSON.stringify(got) === JSON.stringify(expected);
}

/** Notes of whole embeds and plain words, each on its own line or between spaces: nothing around an embed is unfinished. */
const wellFormedNote = fc
  .array(
    fc.tuple(
      fc.oneof(
        markdownImage,
        wikiEmbed,
        htmlImage,
        referenceImage,
        word.map((w) => w.replace(/[^\p{L}\p{N} ]/gu, "")),
      ),
      fc.constantFrom(" ", "\n", "\n\n"),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.map(([p, sep]) => p + sep).join("") + "\n\n[ref]: ref.png\n[a b]: <a b.jpg> 'T'\n");

const RUNS = propertyRuns(2000);

describe("fuzzing the scan → plan → apply core with generated notes", () => {
  it("scans every note without throwing, with each embed's span in order, disjoint and equal to its raw text", () => {
    fc.assert(
      fc.property(note, (text) => {
        const embeds = scanEmbeds(text);
        embeds.forEach((e, i) => {
          expect(text.slice(e.start, e.end)).toBe(e.raw);
          if (i > 0) expect(embeds[i - 1].end).toBeLessThanOrEqual(e.start);
          if (e.definition) expect(text.slice(e.definition.start, e.definition.end)).toBe(e.definition.raw);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("rewrites only local image embeds and changes no character outside their spans", () => {
    fc.assert(
      fc.property(note, (text) => {
        const { embeds, reps, result } = migrate(text);
        const targeted = new Set(embeds.filter((e) => urlFor(e) !== undefined).map((e) => `${e.start}:${e.end}`));
        expect(result.skipped).toEqual([]);
        expect(result.applied).toHaveLength(reps.length);
        for (const a of result.applied) expect(targeted.has(`${a.start}:${a.end}`)).toBe(true);
        // Rebuild the migrated note from the original's untouched gaps and the replacements.
        let rebuilt = "";
        let at = 0;
        for (const a of result.applied) {
          expect(a.expected).toBe(text.slice(a.start, a.end));
          rebuilt += text.slice(at, a.start) + a.replacement;
          at = a.end;
        }
        expect(result.text).toBe(rebuilt + text.slice(at));
      }),
      { numRuns: RUNS },
    );
  });

  it("leaves a local image as it was only when unfinished markdown around it would take its new link in", () => {
    fc.assert(
      fc.property(note, (text) => {
        const { embeds, result } = migrate(text);
        const appliedAt = new Set(result.applied.map((a) => a.start));
        for (const e of embeds.filter((x) => urlFor(x) !== undefined && !appliedAt.has(x.start))) {
          const alone = { start: e.start, end: e.end, expected: e.raw, replacement: rewriteEmbed(e, urlFor(e) as string) };
          expect({ raw: e.raw, readsBack: readsBack(text, embeds, [...result.applied, alone]) }).toEqual({ raw: e.raw, readsBack: false });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("rewrites every local image of a note without unfinished markdown", () => {
    fc.assert(
      fc.property(wellFormedNote, (text) => {
        const { embeds, result } = migrate(text);
        expect(result.applied.map((a) => a.start)).toEqual(embeds.filter((e) => urlFor(e) !== undefined).map((e) => e.start));
      }),
      { numRuns: RUNS },
    );
  });

  it("reads each rewritten embed back as one remote image whose destination is its URL, in place", () => {
    fc.assert(
      fc.property(note, (text) => {
        const { embeds, result } = migrate(text);
        const after = new Map(scanEmbeds(result.text).map((e) => [e.start, e]));
        for (const a of result.applied) {
          const e = embeds.find((x) => x.start === a.start) as Embed;
          const back = after.get(shifted(a.start, result.applied));
          expect({ raw: e.raw, back: back && { raw: back.raw, target: back.target, isRemote: back.isRemote } }).toEqual({
            raw: e.raw,
            back: { raw: a.replacement, target: expectedTarget(e), isRemote: true },
          });
        }
        expect(readsBack(text, embeds, result.applied)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("plans nothing and changes nothing on a second pass over the migrated note", () => {
    fc.assert(
      fc.property(note, (text) => {
        const { embeds, result } = migrate(text);
        const once = result.text;
        const appliedAt = new Set(result.applied.map((a) => a.start));
        const leftOut = embeds.filter((e) => urlFor(e) !== undefined && !appliedAt.has(e.start)).map((e) => e.raw);
        expect(
          scanEmbeds(once)
            .filter(isLocalImageEmbed)
            .map((e) => e.raw),
        ).toEqual(leftOut);
        const again = planEmbedRewrites(once, urlFor);
        expect(again).toEqual([]);
        expect(applyReplacements(once, again).text).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });
});

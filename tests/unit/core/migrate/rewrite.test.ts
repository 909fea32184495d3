import fc from "fast-check";
import { propertyRuns } from "../../../support/propertyRuns";
import { rewriteEmbed } from "../../../../src/core/link/embedLink";
import { isLocalImageEmbed, scanEmbeds, type Embed } from "../../../../src/core/markdown";
import { VaultPathIndex } from "../../../../src/core/migrate/vaultPathIndex";
import { migrateNotes } from "../../../../src/core/migrate/engine";
import { applyTextChanges } from "../../../../src/core/apply/textChanges";
import { MemoryVault, settle, urlFor } from "../../../support/migrateHarness";

const FILES = { "a.png": "A", "img/b c.jpg": "B", "d.gif": "D" };

/** Pieces a note is built from: links of every kind, including ones that must stay. */
const PIECES = [
  "![[a.png]]",
  "![[a.png|300]]",
  "![[img/b c.jpg#frag|alt text]]",
  "![alt](img/b%20c.jpg)",
  '![](<img/b c.jpg> "title")',
  '<img src="d.gif" width="20">',
  "![r][ref]\n\n[ref]: a.png\n",
  "![](gone.png)",
  "![[Missing folder/x.png]]",
  "![remote](https://example.com/y.png)",
  "![[Some note]]",
  "```\n![[a.png]]\n```\n",
  "`![[a.png]]`",
  "%%![[a.png]]%%",
  "> ![[a.png]]\n",
  "| ![[a.png\\|50]] | x |\n",
];

const filler = fc.stringMatching(/^[a-z \n#*_[\]()!|\\<>-]{0,12}$/);
const note = fc.array(fc.tuple(filler, fc.constantFrom(...PIECES)), { maxLength: 12 }).map((parts) => parts.map(([f, p]) => f + p).join(""));

/**
 * Checks that `final` is `original` with each resolvable local image embed either replaced by
 * its rewrite or left exactly as it was, and every other character unchanged. Returns how
 * many were replaced.
 */
function rewrittenSpans(original: string, final: string, embeds: Embed[], urlOf: (e: Embed) => string): number {
  let p = 0;
  let at = 0;
  let replaced = 0;
  for (const e of embeds) {
    const gap = original.slice(at, e.start);
    expect(final.slice(p, p + gap.length)).toBe(gap);
    p += gap.length;
    const rewritten = rewriteEmbed(e, urlOf(e));
    if (final.startsWith(rewritten, p)) {
      p += rewritten.length;
      replaced++;
    } else {
      expect(final.slice(p, p + e.raw.length)).toBe(e.raw);
      p += e.raw.length;
    }
    at = e.end;
  }
  expect(final.slice(p)).toBe(original.slice(at));
  return replaced;
}

function plan(text: string): { embeds: Embed[]; urlOf: (e: Embed) => string } {
  const index = new VaultPathIndex(["N.md", ...Object.keys(FILES)]);
  const embeds = scanEmbeds(text).filter((e) => isLocalImageEmbed(e) && index.resolve(e.target, "N.md") !== null);
  return { embeds, urlOf: (e) => urlFor(index.resolve(e.target, "N.md") as string) };
}

describe("migration rewrite", () => {
  it("changes only the spans of local image embeds, each into its rewrite (property)", async () => {
    await fc.assert(
      fc.asyncProperty(note, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), async (text, concurrency, flushEvery) => {
        const v = new MemoryVault({ "N.md": text }, FILES);
        const report = await migrateNotes(["N.md"], v.ports(), { concurrency, flushEvery });
        const { embeds, urlOf } = plan(text);
        const final = v.notes.get("N.md") as string;
        expect(rewrittenSpans(text, final, embeds, urlOf)).toBe(embeds.length);
        expect(report.rewritten).toBe(embeds.length);
        expect(report.skipped).toBe(0);
        expect(report.failed).toBe(scanEmbeds(text).filter(isLocalImageEmbed).length - embeds.length);
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it("keeps text typed above the links mid-run and still changes nothing but link spans (property)", async () => {
    // The user types at a point the property picks: before any upload has finished, or once
    // every upload but the held one has finished (their links possibly written by then).
    const moments = fc.constantFrom("before the first upload finishes", "while the last upload runs");
    await fc.assert(
      fc.asyncProperty(note, fc.stringMatching(/^[a-z ]{1,40}\n\n$/), moments, async (text, typed, moment) => {
        const v = new MemoryVault({ "N.md": text }, FILES);
        const held = v.hold("d.gif");
        let reached!: () => void;
        const typingPoint = new Promise<void>((r) => (reached = r));
        const run = migrateNotes(["N.md"], v.ports(), {
          concurrency: 3,
          flushEvery: 1,
          onProgress: (p) => {
            if (moment === "before the first upload finishes" || p.done >= p.total - 1) reached();
          },
        });
        await Promise.race([typingPoint, run]);
        if (moment === "while the last upload runs") await settle();
        v.notes.set("N.md", typed + (v.notes.get("N.md") as string));
        held.resolve();
        const report = await run;
        const { embeds, urlOf } = plan(text);
        const final = v.notes.get("N.md") as string;
        expect(final.startsWith(typed)).toBe(true);
        const replaced = rewrittenSpans(text, final.slice(typed.length), embeds, urlOf);
        expect(replaced).toBe(report.rewritten);
        expect(report.rewritten + report.skipped).toBe(embeds.length);
        expect(report.skipped).toBe(0);
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  it("finds a link pushed down by typing even when the same text in a code block above is nearer", async () => {
    const text = "```\n![[a.png]]\n```\n![[a.png]]";
    const v = new MemoryVault({ "N.md": text }, FILES);
    const held = v.hold("a.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 1 });
    await settle();
    v.notes.set("N.md", ` aa a \n\n${text}`);
    held.resolve();
    const report = await run;
    expect(report).toMatchObject({ rewritten: 1, skipped: 0 });
    expect(v.notes.get("N.md")).toBe(` aa a \n\n\`\`\`\n![[a.png]]\n\`\`\`\n${rewriteEmbed(scanEmbeds(text)[0], urlFor("a.png"))}`);
  });

  it("rewrites both of two identical links when typing above moved the first onto where the second was", async () => {
    const text = "![[a.png]]<![[a.png]]";
    const typed = "  aa aa a\n\n"; // as long as the first link and the "<" after it
    const v = new MemoryVault({ "N.md": text }, FILES);
    const held = v.hold("a.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 1 });
    await settle();
    v.notes.set("N.md", typed + text);
    held.resolve();
    const report = await run;
    expect(report).toMatchObject({ rewritten: 2, skipped: 0 });
    const link = rewriteEmbed(scanEmbeds(text)[0], urlFor("a.png"));
    expect(v.notes.get("N.md")).toBe(`${typed}${link}<${link}`);
  });

  it("does not rewrite a link's text that reappears in a code block after the user removed the link", async () => {
    const text = "![[a.png]]\n\n![[d.gif]]\n";
    const v = new MemoryVault({ "N.md": text }, FILES);
    const held = v.hold("a.png");
    const run = migrateNotes(["N.md"], v.ports(), { concurrency: 2, flushEvery: 1 });
    await settle();
    const current = v.notes.get("N.md") as string;
    const edited = current.replace("![[a.png]]\n", "Removed the image; as an example:\n\n```\n![[a.png]]\n```\n");
    v.notes.set("N.md", edited);
    held.resolve();
    const report = await run;
    expect(v.notes.get("N.md")).toBe(edited);
    expect(report.skippedEdits).toEqual([{ note: "N.md", link: "![[a.png]]" }]);
    expect(report.rewritten).toBe(1);
  });
});

describe("applyTextChanges", () => {
  it("applies changes given in any order and keeps everything else", () => {
    expect(
      applyTextChanges("0123456789", [
        { from: 8, to: 9, insert: "X" },
        { from: 1, to: 3, insert: "" },
        { from: 5, to: 5, insert: "++" },
      ]),
    ).toBe("034++567X9");
  });

  it("refuses overlapping changes instead of guessing", () => {
    expect(() =>
      applyTextChanges("abcdef", [
        { from: 1, to: 4, insert: "" },
        { from: 3, to: 5, insert: "" },
      ]),
    ).toThrow("overlaps");
  });
});

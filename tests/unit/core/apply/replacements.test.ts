import fc from "fast-check";
import { propertyRuns } from "../../../support/propertyRuns";
import { applyReplacements, type Replacement } from "../../../../src/core/apply/replacements";

/** Note-like text: markdown punctuation, line breaks, non-ASCII, and repeated chunks. */
const noteText = fc.string({
  unit: fc.constantFrom("a", "b", " ", "\n", "!", "[", "]", "(", ")", "|", "`", "é", "😀", "![[x.png]]", "![a](b.png)", "> "),
  maxLength: 120,
});

/** A replacement somewhere in `text`: exact, stale (expected text differs) or an insertion. */
function replacementIn(text: string): fc.Arbitrary<Replacement> {
  return fc
    .tuple(fc.nat(text.length), fc.nat(text.length), fc.constantFrom("exact", "exact", "stale", "insert"), fc.string({ maxLength: 12 }))
    .map(([a, b, mode, replacement]) => {
      const start = Math.min(a, b);
      const end = mode === "insert" ? start : Math.max(a, b);
      const expected = mode === "stale" ? `${text.slice(start, end)}~stale` : text.slice(start, end);
      return { start, end, expected, replacement };
    });
}

const noteWithReplacements = noteText.chain((text) => fc.tuple(fc.constant(text), fc.array(replacementIn(text), { maxLength: 8 })));

/** Independent splice: replace each span, right to left (an insertion before a span that starts at the same point). */
function splice(text: string, spans: Replacement[]): string {
  let out = text;
  for (const r of [...spans].sort((x, y) => y.start - x.start || y.end - x.end)) out = out.slice(0, r.start) + r.replacement + out.slice(r.end);
  return out;
}

function disjoint(spans: Replacement[]): boolean {
  const sorted = [...spans].sort((x, y) => x.start - y.start || x.end - y.end);
  const sameInsertion = (x: Replacement, y: Replacement): boolean => x.start === x.end && y.start === y.end && x.start === y.start;
  return sorted.every((s, i) => i === 0 || (sorted[i - 1].end <= s.start && !sameInsertion(sorted[i - 1], s)));
}

describe("applyReplacements (properties)", () => {
  it("changes no character outside the spans it applied", () => {
    fc.assert(
      fc.property(noteWithReplacements, ([text, reps]) => {
        const result = applyReplacements(text, reps);
        const spans = [...result.applied].sort((x, y) => x.start - y.start);
        // Every stretch of the original between applied spans reappears unchanged, in
        // order, separated only by the replacements.
        let inPos = 0;
        let outPos = 0;
        for (const span of spans) {
          const gap = text.slice(inPos, span.start);
          expect(result.text.slice(outPos, outPos + gap.length)).toBe(gap);
          outPos += gap.length;
          expect(result.text.slice(outPos, outPos + span.replacement.length)).toBe(span.replacement);
          outPos += span.replacement.length;
          inPos = span.end;
        }
        expect(result.text.slice(outPos)).toBe(text.slice(inPos));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it("produces exactly the manual splice of the spans it reports as applied", () => {
    fc.assert(
      fc.property(noteWithReplacements, ([text, reps]) => {
        const result = applyReplacements(text, reps);
        expect(result.applied.length + result.skipped.length).toBe(reps.length);
        expect(disjoint(result.applied)).toBe(true);
        for (const a of result.applied) expect(text.slice(a.start, a.end)).toBe(a.expected);
        expect(result.text).toBe(splice(text, result.applied));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it("applies every exact, non-overlapping replacement where it was asked to", () => {
    const cutsAndText = noteText.chain((text) =>
      fc.tuple(
        fc.constant(text),
        fc.uniqueArray(fc.nat(text.length), { maxLength: 10 }),
        fc.array(fc.string({ maxLength: 6 }), { minLength: 10, maxLength: 10 }),
      ),
    );
    fc.assert(
      fc.property(cutsAndText, ([text, cuts, replacements]) => {
        const points = [...cuts].sort((a, b) => a - b);
        const reps: Replacement[] = [];
        for (let i = 0; i + 1 < points.length; i += 2) {
          reps.push({ start: points[i], end: points[i + 1], expected: text.slice(points[i], points[i + 1]), replacement: replacements[i] });
        }
        const result = applyReplacements(text, reps);
        expect(result.skipped).toEqual([]);
        expect(result.applied.map((a) => [a.start, a.end])).toEqual(reps.map((r) => [r.start, r.end]));
        expect(result.text).toBe(splice(text, reps));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  /** Text with unique markers ⟦0⟧, ⟦1⟧… between random filler, and one replacement per marker. */
  const markedNote = fc
    .tuple(
      fc.array(fc.string({ unit: fc.constantFrom("a", " ", "\n", "!", "[", "]", "é"), maxLength: 15 }), { minLength: 1, maxLength: 8 }),
      fc.string({ maxLength: 20 }),
    )
    .map(([fillers, prefix]) => {
      let text = "";
      const reps: Replacement[] = [];
      fillers.forEach((filler, i) => {
        text += filler;
        const marker = `⟦${i}⟧`;
        reps.push({ start: text.length, end: text.length + marker.length, expected: marker, replacement: `<new ${i}>` });
        text += marker;
      });
      return { text, reps, prefix: prefix.replace(/⟦|⟧/g, "") };
    });

  it("follows its text when the note was edited above it", () => {
    fc.assert(
      fc.property(markedNote, ({ text, reps, prefix }) => {
        const direct = applyReplacements(text, reps);
        const moved = applyReplacements(prefix + text, reps);
        expect(moved.skipped).toEqual([]);
        expect(moved.text).toBe(prefix + direct.text);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it("follows its text when the note was edited between two replacements", () => {
    fc.assert(
      fc.property(markedNote, fc.nat(), ({ text, reps, prefix }, at) => {
        const cut = reps[at % reps.length].start;
        const edited = text.slice(0, cut) + prefix + text.slice(cut);
        const result = applyReplacements(edited, reps);
        expect(result.skipped).toEqual([]);
        expect(result.text).toBe(reps.reduce((t, r) => t.replace(r.expected, r.replacement), edited));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it("skips a replacement whose text was deleted and still applies the others", () => {
    fc.assert(
      fc.property(markedNote, fc.nat(), ({ text, reps }, which) => {
        const gone = reps[which % reps.length];
        const edited = text.replace(gone.expected, "");
        const result = applyReplacements(edited, reps);
        expect(result.skipped).toEqual([gone]);
        expect(result.applied).toHaveLength(reps.length - 1);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it("is a no-op when the same plan is applied to its own result", () => {
    fc.assert(
      fc.property(markedNote, ({ text, reps }) => {
        const once = applyReplacements(text, reps);
        const twice = applyReplacements(once.text, reps);
        expect(twice.text).toBe(once.text);
        expect(twice.applied).toEqual([]);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});

describe("applyReplacements (cases)", () => {
  it("skips the later of two overlapping replacements", () => {
    const result = applyReplacements("abcdef", [
      { start: 1, end: 4, expected: "bcd", replacement: "X" },
      { start: 3, end: 5, expected: "de", replacement: "Y" },
    ]);
    expect(result.text).toBe("aXef");
    expect(result.skipped.map((r) => r.replacement)).toEqual(["Y"]);
  });

  it("applies touching replacements and insertions at a span boundary", () => {
    const result = applyReplacements("abcd", [
      { start: 0, end: 2, expected: "ab", replacement: "1" },
      { start: 2, end: 4, expected: "cd", replacement: "2" },
      { start: 2, end: 2, expected: "", replacement: "|" },
    ]);
    expect(result.text).toBe("1|2");
  });

  it("moves to the occurrence nearest the original offset", () => {
    const text = "![[a.png]] one two three ![[a.png]]";
    const second = text.lastIndexOf("![[a.png]]");
    const result = applyReplacements(`xx${text}`, [{ start: second, end: second + 10, expected: "![[a.png]]", replacement: "B" }]);
    expect(result.text).toBe("xx![[a.png]] one two three B");
    expect(result.applied[0].start).toBe(second + 2);
  });

  it("skips when two occurrences are equally near the original offset", () => {
    const result = applyReplacements("X...X", [{ start: 2, end: 3, expected: "X", replacement: "Y" }]);
    expect(result.text).toBe("X...X");
    expect(result.skipped).toHaveLength(1);
  });

  it("skips a replacement whose offsets are outside the text and whose text is absent", () => {
    const result = applyReplacements("short", [{ start: 40, end: 45, expected: "gone!", replacement: "x" }]);
    expect(result).toEqual({ text: "short", applied: [], skipped: [{ start: 40, end: 45, expected: "gone!", replacement: "x" }] });
  });
});

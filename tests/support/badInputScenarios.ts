/**
 * Awkward input that every face migrating a vault must survive the same way, written once:
 * empty, oversized, fake and missing images, awkward file names, and notes full of unfinished
 * markdown. The command-line tool and "Upload all local images" each supply a face (run the
 * migration over a vault, report what a person was told) and run every scenario through it,
 * against the real S3 server. What only one face has (exit codes, flags, Obsidian's link
 * resolution) stays in that face's own test file.
 */
import { scanEmbeds } from "../../src/core/markdown";
import { AWKWARD_NAMES, UNFINISHED_MARKDOWN_NOTE, expectPlainWords, expectServes, oneImageIn, paddedPng } from "./badInput";
import { uniquePng } from "./s3";

export type VaultFiles = Record<string, string | Uint8Array>;

/** The counts every face reports at the end of a run. */
export interface MigrationCounts {
  uploaded: number;
  reused: number;
  rewritten: number;
  skipped: number;
  failed: number;
}

/** What a face reported and left behind after one run. */
export interface FaceOutcome {
  counts: MigrationCounts;
  /** One per link the run could not migrate; `code` where the face shows it. */
  failures: { link: string; message: string; code?: string }[];
  /** Everything the person was shown, for the plain-words check. */
  messages: string[];
  /** The note's text after the run. */
  note: string;
  /** Whether the note's file was written at all. */
  noteWritten: boolean;
  /** PUT requests the run sent, where the test can see them (not across a process boundary). */
  puts: number | null;
}

/** One way of migrating a vault: the command-line tool, or "Upload all local images" in Obsidian. */
export interface MigrationFace {
  run(files: VaultFiles, opts: { note: string; maxSizeMB?: number; keyTemplate?: string }): Promise<FaceOutcome>;
}

interface ExpectedFailure {
  link: string;
  /** The code, for faces that show one. */
  code: string;
  /** What every face says; a face may go on with advice of its own (which flag or setting to change). */
  messageStart: string;
}

interface Scenario {
  name: string;
  note: string;
  maxSizeMB?: number;
  keyTemplate?: string;
  /** The vault, made fresh for each run so every image has bytes of its own. */
  files(): VaultFiles;
  expect(outcome: FaceOutcome, files: VaultFiles): Promise<void> | void;
}

const byLink = (a: { link: string }, b: { link: string }): number => a.link.localeCompare(b.link);

/** Asserts the failures, in any order (uploads run side by side), against what every face must say. */
function expectFailures(outcome: FaceOutcome, expected: ExpectedFailure[]): void {
  const got = [...outcome.failures].sort(byLink);
  const want = [...expected].sort(byLink);
  expect(got.map((f) => f.link)).toEqual(want.map((f) => f.link));
  for (const [i, f] of got.entries()) {
    expect(f.message.slice(0, want[i].messageStart.length)).toBe(want[i].messageStart);
    if (f.code !== undefined) expect(f.code).toBe(want[i].code);
  }
  expectPlainWords(outcome.messages);
}

const missing = (note: string, link: string, target: string): ExpectedFailure => ({
  link,
  code: "MissingFile",
  messageStart: `The image "${target}" linked in "${note}" is not in the vault; the link was left as it was.`,
});

/** Links as people write them: a wiki embed where the name allows one, the path percent-encoded, and the path in angle brackets. */
export function linksTo(name: string): string[] {
  return [
    ...(/[#[\]]/.test(name) ? [] : [`![[${name}]]`]),
    `![](Pics/${encodeURI(name)
      .replace(/#/g, "%23")
      .replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`,
    `![pic](<Pics/${name.replace(/#/g, "%23")}>)`,
  ];
}

const MIXED_NOTE = [
  "# Mixed",
  "",
  "![[good.png]]",
  "![[empty.png]]",
  "![big](big.png)",
  '<img src="fake.png" width="20">',
  "![[gone.png|100]]",
  "![](missing%20folder/gone%20too.png)",
  "",
].join("\n");

const ALL_MISSING_NOTE = "Intro\r\n![[nope.png]] ![](../outside/nope.jpg)\r\n<img src='img/nope.gif'>\r\n![r][def]\r\n\r\n[def]: nope.webp\r\n";

/** Awkward names a link can reach in every face (Obsidian reads `#` in a link as a heading). */
const LINKABLE_AWKWARD_NAMES = AWKWARD_NAMES.filter((n) => !n.includes("#"));
const AWKWARD_LINKS = LINKABLE_AWKWARD_NAMES.flatMap(linksTo);

export const BAD_INPUT_SCENARIOS: Scenario[] = [
  {
    name: "reports each empty, oversized, fake and missing image in plain words, and changes only the good image's link",
    note: "N.md",
    maxSizeMB: 1,
    files: () => ({
      "N.md": MIXED_NOTE,
      "good.png": uniquePng(),
      "empty.png": new Uint8Array(0),
      "big.png": paddedPng(uniquePng(), 1.5 * 1024 * 1024),
      "fake.png": "not a picture",
    }),
    async expect(outcome, files) {
      expect(outcome.counts).toEqual({ uploaded: 1, reused: 0, rewritten: 1, skipped: 0, failed: 5 });
      if (outcome.puts !== null) expect(outcome.puts).toBe(1);
      expectFailures(outcome, [
        missing("N.md", "![[gone.png|100]]", "gone.png"),
        missing("N.md", "![](missing%20folder/gone%20too.png)", "missing folder/gone too.png"),
        { link: "![[empty.png]]", code: "EmptyFile", messageStart: 'empty.png: "empty.png" is empty (0 bytes), so there is nothing to upload.' },
        { link: "![big](big.png)", code: "TooLarge", messageStart: 'big.png: "big.png" is 1.5 MB, larger than the 1 MB limit.' },
        {
          link: '<img src="fake.png" width="20">',
          code: "NotAnImage",
          messageStart: 'fake.png: "fake.png" is not an image (PNG, JPEG, GIF, WebP, AVIF, SVG, BMP, TIFF, ICO).',
        },
      ]);
      const [goodLink] = scanEmbeds(outcome.note).filter((e) => e.isRemote);
      expect(outcome.note).toBe(MIXED_NOTE.replace("![[good.png]]", goodLink.raw));
      await expectServes(oneImageIn(goodLink.raw).url, files["good.png"] as Uint8Array);
    },
  },
  {
    name: "leaves a note whose every link is missing byte for byte as it was, never writing it, and lists each link",
    note: "Notes/N.md",
    files: () => ({ "Notes/N.md": ALL_MISSING_NOTE }),
    expect(outcome) {
      expect(outcome.counts).toEqual({ uploaded: 0, reused: 0, rewritten: 0, skipped: 0, failed: 4 });
      if (outcome.puts !== null) expect(outcome.puts).toBe(0);
      expectFailures(outcome, [
        missing("Notes/N.md", "![[nope.png]]", "nope.png"),
        missing("Notes/N.md", "![](../outside/nope.jpg)", "../outside/nope.jpg"),
        missing("Notes/N.md", "<img src='img/nope.gif'>", "img/nope.gif"),
        missing("Notes/N.md", "![r][def]", "nope.webp"),
      ]);
      expect(outcome.note).toBe(ALL_MISSING_NOTE);
      expect(outcome.noteWritten).toBe(false);
    },
  },
  {
    name: "uploads each awkwardly named file once and rewrites every link to it, wiki or markdown, to one image serving its bytes",
    note: "N.md",
    keyTemplate: "shots/{name}-{hash:12}.{ext}",
    files: () => {
      const files: VaultFiles = { "N.md": `${AWKWARD_LINKS.join("\n")}\n` };
      for (const name of LINKABLE_AWKWARD_NAMES) files[`Pics/${name}`] = uniquePng();
      return files;
    },
    async expect(outcome, files) {
      expect(outcome.counts).toEqual({ uploaded: LINKABLE_AWKWARD_NAMES.length, reused: 0, rewritten: AWKWARD_LINKS.length, skipped: 0, failed: 0 });
      expect(outcome.failures).toEqual([]);
      const after = outcome.note.split("\n");
      expect(after).toHaveLength(AWKWARD_LINKS.length + 1);
      for (const [i, line] of after.slice(0, -1).entries()) {
        const name = scanEmbeds(AWKWARD_LINKS[i])[0].target.replace(/^Pics\//, "");
        const { url } = oneImageIn(line);
        expect(decodeURIComponent(url)).toContain("/shots/");
        await expectServes(url, files[`Pics/${name}`] as Uint8Array);
      }
    },
  },
  {
    name: "rewrites only the real embed in unfinished markdown, reports the link it would take in, and keeps every other byte",
    note: "N.md",
    files: () => ({ "N.md": UNFINISHED_MARKDOWN_NOTE, "good.png": uniquePng(), "my shot.png": uniquePng() }),
    async expect(outcome, files) {
      expect(outcome.counts).toEqual({ uploaded: 2, reused: 0, rewritten: 1, skipped: 0, failed: 1 });
      expectFailures(outcome, [
        {
          link: "![[my shot.png|shot]]",
          code: "MalformedLink",
          messageStart: 'The image "my shot.png" was uploaded, but its link in "N.md" was left as it was: unfinished markdown just before it',
        },
      ]);
      const embeds = scanEmbeds(outcome.note);
      expect(embeds.map((e) => e.raw)).toEqual(["![[my shot.png|shot]]", expect.stringMatching(/^!\[good\]\(http/)]);
      expect(outcome.note).toBe(UNFINISHED_MARKDOWN_NOTE.replace("![[good.png]]\n\n", `${embeds[1].raw}\n\n`));
      await expectServes(oneImageIn(embeds[1].raw).url, files["good.png"] as Uint8Array);
    },
  },
];

/** Runs every bad-input scenario through `face`, one test each. */
export function runBadInputScenarios(face: MigrationFace): void {
  describe("bad input", () => {
    for (const scenario of BAD_INPUT_SCENARIOS) {
      it(scenario.name, async () => {
        const files = scenario.files();
        const outcome = await face.run(files, { note: scenario.note, maxSizeMB: scenario.maxSizeMB, keyTemplate: scenario.keyTemplate });
        await scenario.expect(outcome, files);
      });
    }
  });
}

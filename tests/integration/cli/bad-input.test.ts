/**
 * The command-line tool (dist/cli.cjs) with awkward input, against the real S3 server: the
 * shared bad-input scenarios (tests/support/badInputScenarios.ts) through the tool's JSON
 * report, then what only the tool has: its size flag, its lines for a person, notes that are
 * not text, `#` in file names, and a second run. Every failure is reported on stdout in plain
 * words, and stderr stays empty.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AWKWARD_NAMES, UNFINISHED_MARKDOWN_NOTE, expectPlainWords, expectServes, oneImageIn, paddedPng } from "../../support/badInput";
import { linksTo, runBadInputScenarios, type MigrationFace } from "../../support/badInputScenarios";
import { cliEnv, makeVault as makeCliVault, runCli, serverFlags, type CliJson } from "../../support/cli";
import { createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-badinput-cli-"));
  bucket = await createTestBucket("badinput-cli");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

const makeVault = (files: Record<string, string | Uint8Array>): string => makeCliVault(work, files);

async function upload(vault: string, ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string }> {
  const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout) as CliJson, stderr: run.stderr };
}

const readNote = (vault: string, note: string): string => readFileSync(path.join(vault, note), "utf8");

const cliFace: MigrationFace = {
  async run(files, { note, maxSizeMB, keyTemplate }) {
    const vault = makeVault(files);
    const notePath = path.join(vault, note);
    const before = { bytes: readFileSync(notePath), mtime: statSync(notePath).mtimeMs };
    const flags = [...(maxSizeMB === undefined ? [] : ["--max-size", String(maxSizeMB)]), ...(keyTemplate ? ["--key-template", keyTemplate] : [])];
    const { code, out, stderr } = await upload(vault, ...flags);
    expect({ code, stderr }).toEqual({ code: out.failed > 0 ? 1 : 0, stderr: "" });
    const after = readFileSync(notePath);
    return {
      counts: { uploaded: out.uploaded, reused: out.reused, rewritten: out.rewritten, skipped: out.skipped, failed: out.failed },
      failures: out.failures.map((f) => {
        expect(f.note).toBe(note);
        return { link: f.link, message: f.message, code: f.code };
      }),
      messages: out.failures.map((f) => f.message),
      note: after.toString("utf8"),
      noteWritten: !after.equals(before.bytes) || statSync(notePath).mtimeMs !== before.mtime,
      puts: null,
    };
  },
};

runBadInputScenarios(cliFace);

describe("the size limit", () => {
  it("is 20 MB unless --max-size says otherwise, and --max-size lets a larger image through", async () => {
    const big = paddedPng(uniquePng(), 21 * 1024 * 1024);
    const vault = makeVault({ "N.md": "![[big.png]]\n", "big.png": big });

    const refused = await upload(vault);
    expect(refused.code).toBe(1);
    expect(refused.out.failures).toEqual([
      {
        note: "N.md",
        link: "![[big.png]]",
        code: "TooLarge",
        message: 'big.png: "big.png" is 21 MB, larger than the 20 MB limit. Raise the limit with --max-size MB, or make the image smaller.',
      },
    ]);
    expect(readNote(vault, "N.md")).toBe("![[big.png]]\n");

    const accepted = await upload(vault, "--max-size", "22.5");
    expect(accepted).toMatchObject({ code: 0, stderr: "", out: { uploaded: 1, rewritten: 1, failed: 0 } });
    await expectServes(oneImageIn(readNote(vault, "N.md").trim()).url, big);
  });

  it.each([["0"], ["-1"], ["ten"], ["1e3"], ["9999"]])("refuses --max-size %s with exit 2 and a plain message", async (value) => {
    const vault = makeVault({ "N.md": "![[a.png]]", "a.png": uniquePng() });
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--max-size", value], cliEnv(work));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("s3-image-hosting: --max-size must be a size in MB greater than 0 and at most 5120.\n");
    expect(readNote(vault, "N.md")).toBe("![[a.png]]");
  });
});

describe("links to missing files", () => {
  it("leave the note's bytes and modification time as they were, with one plain line per link for a person, and exit 1", async () => {
    const note = "Intro\r\n![[nope.png]] ![](../outside/nope.jpg)\r\n<img src='img/nope.gif'>\r\n![r][def]\r\n\r\n[def]: nope.webp\r\n";
    const vault = makeVault({ "Notes/N.md": note });
    const before = statSync(path.join(vault, "Notes/N.md")).mtimeMs;

    const run = await runCli(["upload", vault, ...serverFlags(bucket)], cliEnv(work));

    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(readNote(vault, "Notes/N.md")).toBe(note);
    expect(statSync(path.join(vault, "Notes/N.md")).mtimeMs).toBe(before);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      "1 note scanned: 0 uploaded, 0 already in the bucket; 0 links rewritten, 0 skipped, 4 failed.",
      "Failed:",
      '  Notes/N.md: ![[nope.png]] — The image "nope.png" linked in "Notes/N.md" is not in the vault; the link was left as it was.',
      '  Notes/N.md: ![](../outside/nope.jpg) — The image "../outside/nope.jpg" linked in "Notes/N.md" is not in the vault; the link was left as it was.',
      `  Notes/N.md: <img src='img/nope.gif'> — The image "img/nope.gif" linked in "Notes/N.md" is not in the vault; the link was left as it was.`,
      '  Notes/N.md: ![r][def] — The image "nope.webp" linked in "Notes/N.md" is not in the vault; the link was left as it was.',
    ]);
    expectPlainWords([run.stdout]);
  });
});

describe("notes that are not text", () => {
  it("reports a note that is not valid UTF-8 and leaves its bytes alone, while the other notes are migrated", async () => {
    const latin1 = Buffer.from("Caf\xe9 ![[a.png]]\n", "latin1");
    const vault = makeVault({ "Latin1.md": latin1, "Good.md": "![[a.png]]\n", "a.png": uniquePng() });

    const { code, out, stderr } = await upload(vault);

    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(out).toMatchObject({ uploaded: 1, rewritten: 1, failed: 1 });
    expect(out.failures).toEqual([
      { note: "Latin1.md", link: "", code: "Unknown", message: 'The note "Latin1.md" could not be read (it is not valid UTF-8 text).' },
    ]);
    expectPlainWords(out.failures.map((f) => f.message));
    expect(readFileSync(path.join(vault, "Latin1.md")).equals(latin1)).toBe(true);
    expect(readNote(vault, "Good.md")).toMatch(/^!\[a\]\(http[^)]+\)\n$/);
  });
});

describe("awkward file names", () => {
  it("uploads a file with # in its name through its percent-encoded and angle-bracket links, reading # as part of the path", async () => {
    const name = AWKWARD_NAMES.find((n) => n.includes("#")) as string;
    const bytes = uniquePng();
    const lines = linksTo(name);
    const vault = makeVault({ "N.md": `${lines.join("\n")}\n`, [`Pics/${name}`]: bytes });

    const { code, out, stderr } = await upload(vault, "--key-template", "shots/{name}-{hash:12}.{ext}");

    expect({ code, stderr, out }).toEqual({
      code: 0,
      stderr: "",
      out: { uploaded: 1, reused: 0, skipped: 0, failed: 0, rewritten: lines.length, failures: [], guesses: [], keptLocal: [], skippedNotes: [] },
    });
    const after = readNote(vault, "N.md").split("\n");
    expect(after).toHaveLength(lines.length + 1);
    for (const line of after.slice(0, -1)) {
      const { url } = oneImageIn(line);
      expect(decodeURIComponent(url)).toContain(`/${bucket}/shots/`);
      await expectServes(url, bytes);
    }
  });
});

describe("unfinished markdown", () => {
  it("a second run changes nothing more and reports the same unfinished link again", async () => {
    const vault = makeVault({ "N.md": UNFINISHED_MARKDOWN_NOTE, "good.png": uniquePng(), "my shot.png": uniquePng() });
    const first = await upload(vault);
    expect(first.out).toMatchObject({ uploaded: 2, rewritten: 1, failed: 1 });
    const after = readNote(vault, "N.md");

    const again = await upload(vault);

    expect(again.code).toBe(1);
    expect(again.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 1 });
    expect(again.out.failures.map((f) => [f.link, f.code])).toEqual([["![[my shot.png|shot]]", "MalformedLink"]]);
    expectPlainWords(again.out.failures.map((f) => f.message));
    expect(readNote(vault, "N.md")).toBe(after);
  });
});

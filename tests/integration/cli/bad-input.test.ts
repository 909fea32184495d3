/**
 * The command-line tool (dist/cli.cjs) with awkward input, against the real S3 server:
 * empty, oversized, fake and missing images, awkward file names, and notes full of
 * unfinished markdown. Only real image links change; every failure is reported on stdout
 * (one JSON object, or one line each for a person) in plain words, and stderr stays empty.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { scanEmbeds } from "../../../src/core/markdown";
import { AWKWARD_NAMES, UNFINISHED_MARKDOWN_NOTE, expectPlainWords, expectServes, oneImageIn, paddedPng } from "../../support/badInput";
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
  const run = await runCli(["upload", vault, ...serverFlags(bucket), ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout) as CliJson, stderr: run.stderr };
}

const readNote = (vault: string, note: string): string => readFileSync(path.join(vault, note), "utf8");

describe("images that cannot be uploaded", () => {
  it("reports each empty, oversized, fake and missing image with its code and plain words, and changes only the good link", async () => {
    const good = uniquePng();
    const note = [
      "![[good.png]]",
      "![[empty.png]]",
      "![big](big.png)",
      '<img src="fake.png" width="20">',
      "![[gone.png|100]]",
      "![](missing%20folder/gone%20too.png)",
      "",
    ].join("\n");
    const vault = makeVault({ "N.md": note, "good.png": good, "empty.png": new Uint8Array(0), "big.png": paddedPng(uniquePng(), 1.5 * 1024 * 1024), "fake.png": "not a picture" });

    const { code, out, stderr } = await upload(vault, "--max-size", "1");

    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(out).toMatchObject({ uploaded: 1, reused: 0, rewritten: 1, skipped: 0, failed: 5 });
    // Uploads run side by side, so their failures come in no fixed order.
    const byLink = (a: { link: string }, b: { link: string }): number => a.link.localeCompare(b.link);
    expect([...out.failures].sort(byLink)).toEqual(
      [
        { link: "![[gone.png|100]]", code: "MissingFile", message: 'The image "gone.png" linked in "N.md" is not in the vault; the link was left as it was.' },
        {
          link: "![](missing%20folder/gone%20too.png)",
          code: "MissingFile",
          message: 'The image "missing folder/gone too.png" linked in "N.md" is not in the vault; the link was left as it was.',
        },
        { link: "![[empty.png]]", code: "EmptyFile", message: 'empty.png: "empty.png" is empty (0 bytes), so there is nothing to upload.' },
        {
          link: "![big](big.png)",
          code: "TooLarge",
          message: 'big.png: "big.png" is 1.5 MB, larger than the 1 MB limit. Raise the limit with --max-size MB, or make the image smaller.',
        },
        {
          link: '<img src="fake.png" width="20">',
          code: "NotAnImage",
          message: 'fake.png: "fake.png" is not an image (PNG, JPEG, GIF, WebP, AVIF, SVG, BMP, TIFF, ICO). The command-line tool uploads images only.',
        },
      ]
        .map((f) => ({ note: "N.md", ...f }))
        .sort(byLink),
    );
    expectPlainWords(out.failures.map((f) => f.message));

    const after = readNote(vault, "N.md");
    const [goodLink] = scanEmbeds(after).filter((e) => e.isRemote);
    expect(after).toBe(note.replace("![[good.png]]", goodLink.raw));
    await expectServes(oneImageIn(goodLink.raw).url, good);
  });
});

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
  it("uploads each file once and rewrites every link to it to one image serving its bytes", async () => {
    const files: Record<string, Uint8Array> = {};
    for (const name of AWKWARD_NAMES) files[`Pics/${name}`] = uniquePng();
    // A wiki embed where the name allows one (`#` starts a heading, brackets end the link),
    // the path percent-encoded, and the path in angle brackets with only `#` encoded.
    const lines = AWKWARD_NAMES.flatMap((name) => [
      ...(/[#[\]]/.test(name) ? [] : [`![[${name}]]`]),
      `![](Pics/${encodeURI(name).replace(/#/g, "%23").replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`,
      `![pic](<Pics/${name.replace(/#/g, "%23")}>)`,
    ]);
    const vault = makeVault({ "N.md": `${lines.join("\n")}\n`, ...files });

    const { code, out, stderr } = await upload(vault, "--key-template", "shots/{name}-{hash:12}.{ext}");

    expect({ code, stderr, out }).toEqual({
      code: 0,
      stderr: "",
      out: { uploaded: AWKWARD_NAMES.length, reused: 0, skipped: 0, failed: 0, rewritten: lines.length, failures: [] },
    });
    const after = readNote(vault, "N.md").split("\n");
    expect(after).toHaveLength(lines.length + 1);
    for (const [i, line] of after.slice(0, -1).entries()) {
      const name = scanEmbeds(lines[i])[0].target.replace(/^Pics\//, "");
      const { url } = oneImageIn(line);
      expect(decodeURIComponent(url)).toContain(`/${bucket}/shots/`);
      await expectServes(url, files[`Pics/${name}`]);
    }
  });
});

describe("unfinished markdown", () => {
  const broken = UNFINISHED_MARKDOWN_NOTE;

  it("rewrites only the real embed, reports the link unfinished markdown would take in, and keeps every other byte", async () => {
    const good = uniquePng();
    const vault = makeVault({ "N.md": broken, "good.png": good, "my shot.png": uniquePng() });

    const { code, out, stderr } = await upload(vault);

    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(out).toMatchObject({ uploaded: 2, rewritten: 1, skipped: 0, failed: 1 });
    expect(out.failures).toEqual([
      {
        note: "N.md",
        link: "![[my shot.png|shot]]",
        code: "MalformedLink",
        message: expect.stringMatching(/^The image "my shot\.png" was uploaded, but its link in "N\.md" was left as it was: unfinished markdown just before it/),
      },
    ]);
    expectPlainWords(out.failures.map((f) => f.message));
    const after = readNote(vault, "N.md");
    const embeds = scanEmbeds(after);
    expect(embeds.map((e) => e.raw)).toEqual(["![[my shot.png|shot]]", expect.stringMatching(/^!\[good\]\(http/)]);
    expect(after).toBe(broken.replace("![[good.png]]\n\n", `${embeds[1].raw}\n\n`));
    await expectServes(oneImageIn(embeds[1].raw).url, good);

    // A second run changes nothing more and reports the same link again.
    const again = await upload(vault);
    expect(again.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 1 });
    expect(readNote(vault, "N.md")).toBe(after);
  });
});

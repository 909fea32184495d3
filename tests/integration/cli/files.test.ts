/**
 * What the command-line tool (dist/cli.cjs) reads and publishes, against the real S3 server:
 * a symbolic link never takes it outside the vault, an image over the size limit is refused
 * by its size without being read, and a file name matches its link whatever Unicode form
 * (composed or decomposed accents) each is written in.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { constants as bufferConstants } from "node:buffer";
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { scanEmbeds } from "../../../src/core/markdown";
import { UNICODE_FORM_CASES, expectPlainWords, expectServes, oneImageIn, unicodeFormVault } from "../../support/badInput";
import { cliEnv, makeVault, runCli, serverFlags, sha256, type CliJson } from "../../support/cli";
import { adminClient, createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";

let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-files-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh bucket for each test, so that what a test finds in it is what that test's run put there. */
let bucket: string;
beforeEach(async () => {
  bucket = await createTestBucket("cli-files");
});
afterEach(async () => {
  await removeTestBucket(bucket);
});

async function upload(target: string, ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string }> {
  const run = await runCli(["upload", target, ...serverFlags(bucket), "--site", "obsidian", ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout) as CliJson, stderr: run.stderr };
}

async function keysInBucket(): Promise<string[]> {
  const client = adminClient();
  try {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (page.Contents ?? []).map((o) => o.Key as string).sort();
  } finally {
    client.destroy();
  }
}

/** The key `serverFlags` gives an image: `t/<sha256>.png`. */
const keyOf = (png: Uint8Array): string => `t/${sha256(png)}.png`;

const readNote = (vault: string, note: string): string => readFileSync(path.join(vault, note), "utf8");

describe("symbolic links", () => {
  it("never uploads an image a link in the vault takes from outside it, reports where it leads, and leaves the link", async () => {
    const privatePhoto = uniquePng();
    const outside = makeVault(work, { "Pictures/private.png": privatePhoto });
    const good = uniquePng();
    const note = "Holiday\n![[a.png]]\n![b](img/b.png)\n";
    const vault = makeVault(work, { "N.md": note, "img/b.png": good });
    symlinkSync(path.join(outside, "Pictures/private.png"), path.join(vault, "img/a.png"));

    const { code, out, stderr } = await upload(vault);

    expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
    expect(out).toMatchObject({ uploaded: 1, rewritten: 1, failed: 1 });
    expect(out.failures).toEqual([
      {
        note: "N.md",
        link: "![[a.png]]",
        code: "OutsideVault",
        message: `The image "img/a.png" linked in "N.md" leads outside the vault through a symbolic link, to "${path.join(outside, "Pictures/private.png")}"; nothing was uploaded and the link was left as it was. Copy the image into the vault if it is meant to be published.`,
      },
    ]);
    expectPlainWords(out.failures.map((f) => f.message));
    expect(await keysInBucket()).toEqual([keyOf(good)]);
    const after = readNote(vault, "N.md");
    expect(after).toBe(note.replace("![b](img/b.png)", scanEmbeds(after)[1].raw));
    expect(after).toContain("![[a.png]]\n");
    expect(lstatSync(path.join(vault, "img/a.png")).isSymbolicLink()).toBe(true);
  });

  it("reports the outside image in a dry run too", async () => {
    const outside = makeVault(work, { "private.png": uniquePng() });
    const vault = makeVault(work, { "N.md": "![[a.png]]\n" });
    symlinkSync(path.join(outside, "private.png"), path.join(vault, "a.png"));

    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", "--dry-run", "--json"], {});

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).failures).toEqual([expect.objectContaining({ link: "![[a.png]]", code: "OutsideVault" })]);
  });

  it("uploads an image through a link that stays inside the vault", async () => {
    const photo = uniquePng();
    const vault = makeVault(work, { "N.md": "![[shot.png]]\n", "Attachments/2024/photo.png": photo });
    symlinkSync(path.join(vault, "Attachments/2024/photo.png"), path.join(vault, "shot.png"));

    const { code, out } = await upload(vault);

    expect({ code, out }).toMatchObject({ code: 0, out: { uploaded: 1, rewritten: 1, failed: 0 } });
    await expectServes(oneImageIn(readNote(vault, "N.md").trim()).url, photo);
  });

  it("works on a vault folder that is itself reached through a link", async () => {
    const photo = uniquePng();
    const real = makeVault(work, { "N.md": "![[a.png]]\n", "a.png": photo });
    const linked = path.join(work, `linked-${path.basename(real)}`);
    symlinkSync(real, linked);

    const { code, out } = await upload(linked);

    expect({ code, out }).toMatchObject({ code: 0, out: { uploaded: 1, rewritten: 1, failed: 0 } });
    await expectServes(oneImageIn(readNote(real, "N.md").trim()).url, photo);
  });

  it("neither rewrites nor uploads for a note linked to a file outside the vault, and leaves that file as it was", async () => {
    const photo = uniquePng();
    const outsideNote = "Elsewhere\n![[a.png]]\n";
    const outside = makeVault(work, { "Elsewhere.md": outsideNote });
    const vault = makeVault(work, { "a.png": photo, "Own.md": "![[a.png]]\n" });
    symlinkSync(path.join(outside, "Elsewhere.md"), path.join(vault, "Linked.md"));

    // Named on its own and as part of the vault.
    for (const target of [path.join(vault, "Linked.md"), vault]) {
      const { out } = await upload(target);
      expect(out.failures).toEqual([
        {
          note: "Linked.md",
          link: "",
          code: "OutsideVault",
          message: `The note "Linked.md" leads outside the vault through a symbolic link, to "${path.join(outside, "Elsewhere.md")}"; it was not read, and nothing it links to was uploaded. To migrate it, run the tool on the folder it really is in.`,
        },
      ]);
      expect(readFileSync(path.join(outside, "Elsewhere.md"), "utf8")).toBe(outsideNote);
      expect(lstatSync(path.join(vault, "Linked.md")).isSymbolicLink()).toBe(true);
    }
    expect(oneImageIn(readNote(vault, "Own.md").trim()).url).toContain(sha256(photo));
  });
});

describe("linked folders", () => {
  it("does not follow a linked folder out of the vault: its images are not found, and a note in it is neither read nor written", async () => {
    // The outside note links to an image the vault does have: following the folder would upload it and rewrite that note.
    const note = "Outside note\n![[in.png]]\n";
    const outside = makeVault(work, { "a.png": uniquePng(), "Note.md": note });
    const vault = makeVault(work, { "N.md": "![[a.png]]\n![](shared/a.png)\n", "in.png": uniquePng() });
    symlinkSync(outside, path.join(vault, "shared"));

    const whole = await upload(vault);
    expect(whole.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 2 });
    expect(whole.out.failures.map((f) => f.code)).toEqual(["MissingFile", "MissingFile"]);

    // Named on purpose, through the linked folder.
    const named = await upload(path.join(vault, "shared", "Note.md"), "--vault", vault);
    expect(named.out.failures).toEqual([
      {
        note: "shared/Note.md",
        link: "",
        code: "OutsideVault",
        message: `The note "shared/Note.md" leads outside the vault through a symbolic link, to "${path.join(outside, "Note.md")}"; it was not read, and nothing it links to was uploaded. To migrate it, run the tool on the folder it really is in.`,
      },
    ]);
    expect(readFileSync(path.join(outside, "Note.md"), "utf8")).toBe(note);
    expect(await keysInBucket()).toEqual([]);
  });
});

describe("the size limit", () => {
  it("refuses a 5 GB image by its size, naming size and limit, without reading it", async () => {
    const vault = makeVault(work, { "N.md": "![[huge.png]]\n", "huge.png": uniquePng() });
    // A PNG header stretched to 5 GiB by a sparse tail: the size is real, the disk holds nearly
    // nothing. No Node buffer holds 5 GiB, so a tool that read the file first could not have
    // answered TooLarge: only a refusal by size can. (Checked, so that a Node with larger
    // buffers makes this test say so rather than quietly prove less.)
    const size = 5 * 1024 ** 3;
    expect(bufferConstants.MAX_LENGTH).toBeLessThan(size);
    truncateSync(path.join(vault, "huge.png"), size);

    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", "--json"], cliEnv(work));

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: "" });
    expect(JSON.parse(run.stdout).failures).toEqual([
      {
        note: "N.md",
        link: "![[huge.png]]",
        code: "TooLarge",
        message: 'huge.png: "huge.png" is 5120 MB, larger than the 20 MB limit. Raise the limit with --max-size MB, or make the image smaller.',
      },
    ]);
    expect(await keysInBucket()).toEqual([]);
    expect(readNote(vault, "N.md")).toBe("![[huge.png]]\n");
  });
});

describe("file names in another Unicode form than their links", () => {
  it.each(UNICODE_FORM_CASES)("uploads %s and rewrites only the link, keeping every other byte of the note", async (_, fileForm, linkForm) => {
    const [photo, menu] = [uniquePng(), uniquePng()];
    const vault = makeVault(work, unicodeFormVault(fileForm, linkForm, photo, menu).files);

    const { code, out, stderr } = await upload(vault);

    expect({ code, stderr, out }).toEqual({
      code: 0,
      stderr: "",
      out: { uploaded: 2, reused: 0, skipped: 0, failed: 0, rewritten: 2, failures: [], guesses: [], keptLocal: [], skippedNotes: [] },
    });
    const after = readNote(vault, "N.md");
    const [first, second] = scanEmbeds(after);
    expect(after).toBe(`# ${linkForm} au lait\n\n${first.raw}\n${second.raw}\n`);
    expect(first.raw.startsWith(`![${linkForm}|300](`)).toBe(true);
    expect(second.raw.startsWith(`![${linkForm}](`)).toBe(true);
    await expectServes(oneImageIn(first.raw).url, photo);
    await expectServes(oneImageIn(second.raw).url, menu);
  });
});

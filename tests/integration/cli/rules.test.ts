/**
 * The command-line tool under a note's `image-upload` field, against the real S3 server:
 * `false` and `local` keep the note's images where they are (counted and listed); a profile
 * name skips the note, since the tool uploads with its one configuration, unless the config
 * file gives that name.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, makeVault, runCli, serverFlags, sha256 } from "../../support/cli";
import { adminClient, createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";

let work: string;
let bucket: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-rules-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(async () => {
  bucket = await createTestBucket("cli-rules");
});
afterEach(async () => {
  await removeTestBucket(bucket);
});

async function keysInBucket(): Promise<string[]> {
  const client = adminClient();
  try {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (page.Contents ?? []).map((o) => o.Key as string).sort();
  } finally {
    client.destroy();
  }
}

const NOTES = {
  "keep.md": "---\nimage-upload: false\n---\n![[a.png]]\n",
  "Drafts/local.md": "---\ntitle: Draft\nimage-upload: Local\n---\n![[a.png]]\n",
  "up.md": "Up\n![[b.png]]\n",
  "blog.md": "---\nimage-upload: Blog\n---\n![[c.png]]\n",
};

function vaultWithRules(): { vault: string; pngs: Record<string, Uint8Array> } {
  const pngs = { a: uniquePng(), b: uniquePng(), c: uniquePng() };
  const vault = makeVault(work, { ...NOTES, "a.png": pngs.a, "b.png": pngs.b, "c.png": pngs.c });
  return { vault, pngs };
}

const note = (vault: string, p: string): string => readFileSync(path.join(vault, p), "utf8");

test("notes that keep their images local, and notes for another profile, are left as they were, counted and listed in --json", async () => {
  const { vault, pngs } = vaultWithRules();
  const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", "--json"], cliEnv(work));
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const out = JSON.parse(run.stdout) as { uploaded: number; rewritten: number; keptLocal: string[]; skippedNotes: { note: string; message: string }[] };
  expect(out).toMatchObject({ uploaded: 1, rewritten: 1 });
  expect([...out.keptLocal].sort()).toEqual(["Drafts/local.md", "keep.md"]);
  expect(out.skippedNotes).toEqual([
    {
      note: "blog.md",
      message:
        'blog.md: asks for the profile "Blog" (image-upload); the command-line tool uploads only with its configuration (give it a name in the config file to match), so the note was left as it was.',
    },
  ]);
  for (const p of ["keep.md", "Drafts/local.md", "blog.md"] as const) expect(note(vault, p)).toBe(NOTES[p]);
  expect(note(vault, "up.md")).toMatch(/^Up\n!\[b\]\(http[^)]+\)\n$/);
  expect(await keysInBucket()).toEqual([`t/${sha256(pngs.b)}.png`]);
});

test("the terminal summary counts and lists them", async () => {
  const { vault } = vaultWithRules();
  const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian"], cliEnv(work));
  expect(run.code).toBe(0);
  const lines = run.stdout.split("\n");
  expect(lines).toContain("4 notes scanned: 1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 0 failed. 2 notes kept local.");
  const kept = lines.indexOf("Kept local, as the note's image-upload field asks (2 notes):");
  expect(kept).toBeGreaterThan(-1);
  expect(lines.slice(kept + 1, kept + 3).sort()).toEqual(["  Drafts/local.md", "  keep.md"]);
  expect(lines).toContain("Not uploaded, because of the note's upload rule (1 note):");
});

test("a dry run leaves them out of what would be uploaded", async () => {
  const { vault } = vaultWithRules();
  const run = await runCli(["upload", vault, "--dry-run", "--site", "obsidian", "--json"], cliEnv(work));
  const out = JSON.parse(run.stdout) as { skipped: number; keptLocal: string[]; skippedNotes: unknown[] };
  expect({ code: run.code, skipped: out.skipped, kept: out.keptLocal.length, other: out.skippedNotes.length }).toEqual({
    code: 0,
    skipped: 1,
    kept: 2,
    other: 1,
  });
});

test("a note naming the configuration's own name is uploaded", async () => {
  const { vault, pngs } = vaultWithRules();
  const config = path.join(work, `config-${Date.now()}.json`);
  writeFileSync(config, JSON.stringify({ name: "  blog " }));
  const run = await runCli(["upload", vault, "--config", config, ...serverFlags(bucket), "--site", "obsidian", "--json"], cliEnv(work));
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const out = JSON.parse(run.stdout) as { uploaded: number; skippedNotes: unknown[] };
  expect(out).toMatchObject({ uploaded: 2, skippedNotes: [] });
  expect(note(vault, "blog.md")).toMatch(/^---\nimage-upload: Blog\n---\n!\[c\]\(http[^)]+\)\n$/);
  expect(await keysInBucket()).toEqual([`t/${sha256(pngs.b)}.png`, `t/${sha256(pngs.c)}.png`].sort());
});

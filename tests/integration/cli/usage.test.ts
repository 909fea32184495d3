/**
 * The command-line tool's contract with a person and a script: dry runs change nothing, bad
 * usage exits 2 with a message and no stack trace, secrets never appear in output, notes keep
 * every byte that is not a rewritten link, and the exit code says whether anything failed.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { adminClient, anonymousGet, createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";
import { runCli as runCliInProcess } from "../../../src/cli/run";
import { helpVault, itWithHelpVault } from "../../support/fixtures";
import { cliEnv, runCli, serverFlags, snapshot } from "../../support/cli";

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-usage-"));
  bucket = await createTestBucket("cli-usage");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

async function objectCount(): Promise<number> {
  const client = adminClient();
  try {
    return (await client.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0;
  } finally {
    client.destroy();
  }
}

function makeVault(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = path.join(work, name);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return dir;
}

describe("--dry-run", () => {
  itWithHelpVault("changes no file, uploads nothing, and prints the plan", async () => {
    const vault = path.join(work, "dry");
    cpSync(helpVault, vault, { recursive: true });
    const before = await snapshot(vault);
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", "--dry-run"], cliEnv(work));
    expect(run.stdout).toContain("Dry run: nothing was uploaded and no note was changed.");
    expect(run.stdout).toMatch(/would be uploaded/);
    expect(run.stdout).toContain("Attachments/Engelbart.jpg");
    const after = await snapshot(vault);
    expect(after.size).toBe(before.size);
    for (const [file, bytes] of before) expect({ file, same: after.get(file)?.equals(bytes) }).toEqual({ file, same: true });
    expect(await objectCount()).toBe(0);
  });

  it("works without credentials, since it talks to no server", async () => {
    const vault = makeVault("dry-nocreds", { "N.md": "![[a.png]]", "a.png": uniquePng() });
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", "--dry-run", "--json"], { XDG_CACHE_HOME: work });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      uploaded: 0,
      reused: 0,
      skipped: 1,
      failed: 0,
      rewritten: 0,
      failures: [],
      guesses: [],
      keptLocal: [],
      skippedNotes: [],
    });
  });
});

describe("bad usage and settings exit 2 with a message", () => {
  const vaultWithNote = () => makeVault(`usage-${Math.random().toString(36).slice(2)}`, { "N.md": "text" });

  it.each([
    [["upload", "VAULT", "--frobnicate"], "Unknown option --frobnicate"],
    [["upload"], "Give at least one note or folder"],
    [["upload", "VAULT", "--endpoint", "http://127.0.0.1:1", "--region", "us-east-1"], "Bucket is required"],
    [["upload", "VAULT", "--endpoint", "ftp://x", "--region", "us-east-1", "--bucket", "abc"], "Endpoint must be a full URL"],
    [["upload", "VAULT", "--secret-access-key", "TOPSECRET", "--bucket", "abc"], "S3_SECRET_ACCESS_KEY"],
    [["upload", "VAULT/nope.md", "--endpoint", "http://127.0.0.1:1", "--region", "us-east-1", "--bucket", "abc"], "does not exist"],
    [["upload", "VAULT", "--config", "VAULT/missing.json"], "could not be read"],
    [
      ["upload", "VAULT/N.md", "--vault", "VAULT/N.md", "--endpoint", "http://127.0.0.1:1", "--region", "us-east-1", "--bucket", "abc"],
      "N.md is a file, not a folder. Give --vault the folder",
    ],
    [
      ["upload", "VAULT", "--vault", "VAULT/missing", "--endpoint", "http://127.0.0.1:1", "--region", "us-east-1", "--bucket", "abc"],
      "missing does not exist. Give --vault the folder",
    ],
  ])("%j", async (argv, message) => {
    const vault = vaultWithNote();
    const run = await runCli(
      argv.map((a) => a.replace("VAULT", vault)),
      cliEnv(work),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain("TOPSECRET");
    expect(run.stdout).toBe("");
  });

  it("without credentials, and never prints a key it was given", async () => {
    const vault = vaultWithNote();
    const noCreds = await runCli(["upload", vault, ...serverFlags(bucket)], { XDG_CACHE_HOME: work });
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toMatch(/No credentials.*S3_ACCESS_KEY_ID/);

    const wrongKey = await runCli(["upload", makeVault("wrong-key", { "N.md": "![[a.png]]", "a.png": uniquePng() }), ...serverFlags(bucket)], {
      S3_ACCESS_KEY_ID: "NOSUCHKEY",
      S3_SECRET_ACCESS_KEY: "WRONGSECRETVALUE",
      XDG_CACHE_HOME: work,
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain("Failed:");
    expect(wrongKey.stdout + wrongKey.stderr).not.toContain("WRONGSECRETVALUE");
    expect(wrongKey.stdout + wrongKey.stderr).not.toMatch(/\n\s+at /);
  });

  it("prints the help with --help and exits 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: s3-image-hosting upload");
  });
});

describe("progress", () => {
  it("shows a progress line on a terminal's stderr, cleared at the end, and keeps stdout for the summary", async () => {
    const vault = makeVault("tty", { "N.md": "![[a.png]] ![[b.png]]", "a.png": uniquePng(), "b.png": uniquePng() });
    let out = "";
    let err = "";
    const code = await runCliInProcess(["upload", vault, ...serverFlags(bucket)], {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t), isTTY: true },
      env: cliEnv(work),
    });
    expect(code).toBe(0);
    expect(err).toContain("\r\x1b[KUploading 0 of 2…");
    expect(err).toMatch(/\r\x1b\[KUploading 2 of 2: [ab]\.png/);
    expect(err.endsWith("\r\x1b[K")).toBe(true);
    expect(out).toBe("1 note scanned: 2 uploaded, 0 already in the bucket; 2 links rewritten, 0 skipped, 0 failed.\n");
  });
});

describe("writing notes", () => {
  it("keeps the BOM, CRLF line endings and the missing final newline, and only swaps the links", async () => {
    const png = uniquePng();
    const note = "\uFEFF# Title\r\n\r\nBefore ![[pic.png|120]] after.\r\nLast line without newline";
    const vault = makeVault("bytes", { "Folder/Note.md": note, "Folder/pic.png": png });
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--json"], cliEnv(work));
    expect(run.code).toBe(0);
    const after = readFileSync(path.join(vault, "Folder/Note.md"));
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = after.toString("utf8");
    const m = /^\uFEFF# Title\r\n\r\nBefore (!\[[^\]]*\]\((http[^)]+)\)) after\.\r\nLast line without newline$/.exec(text);
    expect(m).not.toBeNull();
    const res = await anonymousGet((m as RegExpExecArray)[2]);
    expect(res.status).toBe(200);
    expect(res.body.equals(Buffer.from(png))).toBe(true);
    // No temporary file is left next to the note.
    expect((await snapshot(vault)).size).toBe(2);
  });

  it("walks folders for notes but skips dot-folders and node_modules", async () => {
    const vault = makeVault("walk", {
      "A.md": "![[a.png]]",
      "a.png": uniquePng(),
      ".obsidian/templates/T.md": "![[a.png]]",
      "node_modules/pkg/README.md": "![[a.png]]",
      "sub/B.md": "![](../a.png)",
    });
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--json"], cliEnv(work));
    expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: 1, rewritten: 2, failed: 0 });
    expect(readFileSync(path.join(vault, ".obsidian/templates/T.md"), "utf8")).toBe("![[a.png]]");
    expect(readFileSync(path.join(vault, "node_modules/pkg/README.md"), "utf8")).toBe("![[a.png]]");
  });

  it("resolves links against --vault when only one note of it is given", async () => {
    const vault = makeVault("one-note", { "Notes/Day.md": "![[pic.png]]", "Attachments/pic.png": uniquePng(), "Other.md": "![[pic.png]]" });
    const run = await runCli(
      ["upload", path.join(vault, "Notes/Day.md"), "--vault", vault, ...serverFlags(bucket), "--site", "obsidian", "--json"],
      cliEnv(work),
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: 1, rewritten: 1, failed: 0 });
    expect(readFileSync(path.join(vault, "Other.md"), "utf8")).toBe("![[pic.png]]");
  });

  it("prints a human summary with one line per failure, and exits 1", async () => {
    const vault = makeVault("human", { "N.md": "![[here.png]] ![[gone.png]]", "here.png": uniquePng() });
    const run = await runCli(["upload", vault, ...serverFlags(bucket)], cliEnv(work));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("1 note scanned: 1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 1 failed.");
    expect(run.stdout).toMatch(/Failed:\n {2}N\.md: !\[\[gone\.png\]\] — The image "gone\.png" linked in "N\.md" is not in the vault/);
    // Progress goes to a terminal only; here stderr is a pipe.
    expect(run.stderr).toBe("");
  });

  it("reports a file that is not an image as a failure with a plain reason", async () => {
    const vault = makeVault("not-image", { "N.md": "![[fake.png]]", "fake.png": "this is text, not a PNG" });
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--json"], cliEnv(work));
    const out = JSON.parse(run.stdout);
    expect(run.code).toBe(1);
    expect(out.failures).toEqual([{ note: "N.md", link: "![[fake.png]]", code: "NotAnImage", message: expect.stringContaining("fake.png") }]);
    expect(readFileSync(path.join(vault, "N.md"), "utf8")).toBe("![[fake.png]]");
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli, type CliIO } from "../../../src/cli/run";
import { openToolFolder } from "../../../src/cli/toolFolder";
import { denyListing } from "../../support/osFaults";

/** Folders the tests made, removed when the file is done. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Captured streams and an environment, for running the tool in-process without a server. */
function io(env: Record<string, string> = {}): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: { XDG_CACHE_HOME: tempDir("s3ih-run-cache-"), ...env },
    version: "9.9.9",
    out: () => out,
    err: () => err,
  };
}

function vault(files: Record<string, string>): string {
  const dir = tempDir("s3ih-run-");
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), c);
  }
  return dir;
}

const SETTINGS = ["--endpoint", "http://127.0.0.1:9", "--region", "us-east-1", "--bucket", "pics"];
const PNG = "\x89PNG\r\n\x1a\n";

describe("runCli exit codes", () => {
  it("0 with the help on stdout for --help, and the version for --version", async () => {
    const a = io();
    expect(await runCli(["--help"], a)).toBe(0);
    expect(a.out()).toContain("Usage: s3-image-hosting upload <note-or-folder>...");
    expect(a.out()).toContain("S3_ACCESS_KEY_ID");
    const b = io();
    expect(await runCli(["--version"], b)).toBe(0);
    expect(b.out()).toBe("9.9.9\n");
  });

  it("--help lists the commands and points to each command's own help", async () => {
    const a = io();
    expect(await runCli(["--help"], a)).toBe(0);
    expect(a.out()).toMatch(/^ {2}upload +upload the images/m);
    expect(a.out()).toMatch(/^ {2}doctor +check the bucket settings/m);
    expect(a.out()).toContain('"s3-image-hosting upload --help"');
  });

  it("upload --help describes the lock on the vault and every exit status", async () => {
    const a = io();
    expect(await runCli(["upload", "--help"], a)).toBe(0);
    expect(a.out().replace(/\s+/g, " ")).toContain("in the folder .s3-image-hosting at the vault root");
    expect(a.out().replace(/\s+/g, " ")).toContain("a second run is refused");
    expect(a.out().replace(/\s+/g, " ")).toContain(
      "Exit status: 0 nothing failed; 1 some image could not be uploaded or linked, or a folder to scan could not be read; 2 bad usage or settings, or another run is working on the vault; 130 stopped with Ctrl-C.",
    );
  });

  it("2 for an unknown option, with one line on stderr and nothing on stdout", async () => {
    const a = io();
    expect(await runCli(["upload", ".", "--nope"], a)).toBe(2);
    expect(a.err()).toBe("s3-image-hosting: Unknown option --nope. Run with --help to see the options.\n");
    expect(a.out()).toBe("");
  });

  it("2 for settings that cannot work, naming each problem", async () => {
    const a = io();
    expect(await runCli(["upload", vault({ "N.md": "" }), "--region", "us-east-1"], a)).toBe(2);
    expect(a.err()).toContain("endpoint: Endpoint is required");
    expect(a.err()).toContain("bucket: Bucket is required.");
  });

  it.each([["upload"], ["doctor"]])('%s: 2 when a key in the environment holds a placeholder\'s "…", saying so before any request', async (command) => {
    const a = io({ S3_ACCESS_KEY_ID: "AKIA…", S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG" });
    const paths = command === "upload" ? [vault({ "N.md": "![[a.png]]", "a.png": PNG })] : [];
    expect(await runCli([command, ...paths, ...SETTINGS], a)).toBe(2);
    expect(a.err()).toMatch(/^s3-image-hosting: S3_ACCESS_KEY_ID holds characters that cannot be sent in a request \(a "…", as in a placeholder left in\)\./);
    expect(a.err()).not.toContain("AKIA");
    expect(a.err()).not.toContain("Invalid character");
  });

  it("doctor without credentials speaks of the environment, not of the profile's secrets", async () => {
    const a = io();
    expect(await runCli(["doctor", ...SETTINGS], a)).toBe(1);
    expect(a.out()).toContain("✗ Access key: No access key is set in the environment.\n    Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
    expect(a.out()).not.toMatch(/secret that holds|for this profile/);
  });

  it("2 without credentials, saying where they come from", async () => {
    const a = io();
    expect(await runCli(["upload", vault({ "N.md": "![[a.png]]", "a.png": PNG }), ...SETTINGS], a)).toBe(2);
    expect(a.err()).toMatch(/^s3-image-hosting: No credentials\. Credentials are read from the environment/);
  });

  it("2 for a path outside --vault or a file that is not a note", async () => {
    const v = vault({ "N.md": "", "pic.png": PNG });
    const outside = vault({ "Other.md": "" });
    const a = io();
    expect(await runCli(["upload", path.join(outside, "Other.md"), "--vault", v, ...SETTINGS, "--dry-run"], a)).toBe(2);
    expect(a.err()).toContain("is not inside the vault");
    const b = io();
    expect(await runCli(["upload", path.join(v, "pic.png"), ...SETTINGS, "--dry-run"], b)).toBe(2);
    expect(b.err()).toContain("is not a Markdown note (.md) or a folder");
  });

  it("1 when a dry run finds a link to a missing file, with exactly the agreed JSON object on stdout", async () => {
    const v = vault({ "N.md": "![[a.png]] ![[gone.png]]", "a.png": PNG });
    const a = io();
    expect(await runCli(["upload", v, ...SETTINGS, "--dry-run", "--json"], a)).toBe(1);
    expect(a.out().endsWith("\n")).toBe(true);
    expect(a.out().trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(a.out())).toEqual({
      uploaded: 0,
      reused: 0,
      skipped: 1,
      failed: 1,
      rewritten: 0,
      failures: [
        {
          note: "N.md",
          link: "![[gone.png]]",
          code: "MissingFile",
          message: 'The image "gone.png" linked in "N.md" is not in the vault; the link was left as it was.',
        },
      ],
      guesses: [],
      keptLocal: [],
      skippedNotes: [],
    });
    expect(readFileSync(path.join(v, "N.md"), "utf8")).toBe("![[a.png]] ![[gone.png]]");
  });

  it("0 for a dry run where every link resolves, listing the plan for a person", async () => {
    const v = vault({ "Blog/Post.md": "![[a.png]]\n![](../shots/b%20c.png)", "Blog/a.png": PNG, "shots/b c.png": PNG });
    const a = io();
    expect(await runCli(["upload", path.join(v, "Blog"), "--vault", v, ...SETTINGS, "--dry-run"], a)).toBe(0);
    expect(a.out()).toBe(
      [
        "Dry run: nothing was uploaded and no note was changed.",
        "1 note scanned; 2 images would be uploaded and 2 links rewritten:",
        "  Blog/a.png",
        "  shots/b c.png",
        "",
      ].join("\n"),
    );
  });

  it("130 when stopped before it began, having changed nothing", async () => {
    const v = vault({ "N.md": "![[a.png]]", "a.png": PNG });
    const controller = new AbortController();
    controller.abort();
    const a = { ...io({ S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }), signal: controller.signal };
    expect(await runCli(["upload", v, ...SETTINGS, "--json"], a)).toBe(130);
    expect(JSON.parse(a.out())).toMatchObject({ uploaded: 0, skipped: 1, failed: 0 });
    expect(readFileSync(path.join(v, "N.md"), "utf8")).toBe("![[a.png]]");
  });
});

describe("--vault that is not a folder", () => {
  it("2 with a sentence when --vault names a file or nothing, and nothing on stdout", async () => {
    const v = vault({ "N.md": "![[a.png]]", "a.png": PNG });
    for (const [given, message] of [
      [path.join(v, "N.md"), `s3-image-hosting: ${path.join(v, "N.md")} is a file, not a folder. Give --vault the folder that holds the notes.\n`],
      [
        path.join(v, "missing"),
        `s3-image-hosting: The vault folder ${path.join(v, "missing")} does not exist. Give --vault the folder that holds the notes.\n`,
      ],
      [
        path.join(v, "N.md", "sub"),
        `s3-image-hosting: The vault folder ${path.join(v, "N.md", "sub")} is inside a file, not a folder. Give --vault the folder that holds the notes.\n`,
      ],
    ]) {
      const a = io({ S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" });
      expect(await runCli(["upload", path.join(v, "N.md"), "--vault", given, ...SETTINGS], a)).toBe(2);
      expect(a.err()).toBe(message);
      expect(a.out()).toBe("");
    }
  });
});

describe("folders that cannot be read", () => {
  afterEach(() => jest.restoreAllMocks());

  it("1 when a folder to scan was skipped: warned on stderr, a failure in the report, and the rest still done", async () => {
    const v = vault({ "A.md": "![[a.png]]", "a.png": PNG, "private/P.md": "![[a.png]]" });
    denyListing(path.join(v, "private"));
    const a = io();
    expect(await runCli(["upload", v, ...SETTINGS, "--dry-run"], a)).toBe(1);
    expect(a.err()).toBe('s3-image-hosting: Skipping the folder "private": it cannot be read (permission denied), so the notes in it are not scanned.\n');
    expect(a.out()).toBe(
      [
        "Dry run: nothing was uploaded and no note was changed.",
        "1 note scanned; 1 image would be uploaded and 1 link rewritten:",
        "  a.png",
        "Failed:",
        '  private/ — The folder "private" could not be read (permission denied), so the notes in it were not scanned for images. Make it readable and run again, or give only the folders to upload.',
        "",
      ].join("\n"),
    );
    const b = io();
    expect(await runCli(["upload", v, ...SETTINGS, "--dry-run", "--json"], b)).toBe(1);
    expect(JSON.parse(b.out())).toMatchObject({ failed: 1, failures: [{ note: "private/", link: "", code: "UnreadableFolder" }] });
  });

  it("0 when the skipped folder is only part of the vault, not of what was asked for, with a warning", async () => {
    const v = vault({ "Blog/A.md": "![[a.png]]", "Blog/a.png": PNG, "private/P.md": "![[a.png]]" });
    denyListing(path.join(v, "private"));
    const a = io();
    expect(await runCli(["upload", path.join(v, "Blog"), "--vault", v, ...SETTINGS, "--dry-run", "--json"], a)).toBe(0);
    expect(a.err()).toBe(
      's3-image-hosting: Skipping the folder "private": it cannot be read (permission denied), so links to images in it cannot be followed.\n',
    );
    expect(JSON.parse(a.out())).toMatchObject({ failed: 0, skipped: 1 });
  });

  it("2 with a sentence when the vault folder itself cannot be read", async () => {
    const v = vault({ "A.md": "" });
    denyListing(v);
    const a = io();
    expect(await runCli(["upload", v, ...SETTINGS, "--dry-run"], a)).toBe(2);
    expect(a.err()).toBe(`s3-image-hosting: The vault folder ${v} cannot be read (permission denied).\n`);
  });
});

describe("names with control characters", () => {
  const NOTE = "Evil \x1b]0;owned\x07\r\u202eton.md";
  const IMAGE = "gone\x1b[2J\x07\u202egnp.png";

  it("are shown escaped on the terminal, and exactly in --json", async () => {
    const v = vault({ [NOTE]: `![[${IMAGE}]]\n` });
    const human = io();
    expect(await runCli(["upload", v, ...SETTINGS, "--dry-run"], human)).toBe(1);
    const shownNote = "Evil \\x1b]0;owned\\x07\\r\\u202eton.md";
    const shownImage = "gone\\x1b[2J\\x07\\u202egnp.png";
    expect(human.out()).toContain(
      `  ${shownNote}: ![[${shownImage}]] — The image "${shownImage}" linked in "${shownNote}" is not in the vault; the link was left as it was.\n`,
    );
    expect(human.out()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);

    const json = io();
    expect(await runCli(["upload", v, ...SETTINGS, "--dry-run", "--json"], json)).toBe(1);
    expect(json.out()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(JSON.parse(json.out()).failures[0]).toMatchObject({ note: NOTE, link: `![[${IMAGE}]]` });
  });

  it("are escaped in error messages on stderr", async () => {
    const a = io();
    expect(await runCli(["upload", "/nowhere/\x1b]0;owned\x07.md", ...SETTINGS], a)).toBe(2);
    expect(a.err()).toBe("s3-image-hosting: /nowhere/\\x1b]0;owned\\x07.md does not exist.\n");
  });
});

describe("one run per vault", () => {
  it("2 naming the other run's pid while the vault is locked, having changed nothing; a dry run still goes", async () => {
    const v = vault({ "N.md": "![[a.png]]", "a.png": PNG });
    const held = await openToolFolder(v);
    try {
      const a = io({ S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" });
      expect(await runCli(["upload", v, ...SETTINGS], a)).toBe(2);
      expect(a.err()).toMatch(new RegExp(`^s3-image-hosting: Another run \\(pid ${process.pid}\\) is uploading the images of this vault`));
      expect(a.out()).toBe("");
      expect(readFileSync(path.join(v, "N.md"), "utf8")).toBe("![[a.png]]");

      const dry = io();
      expect(await runCli(["upload", v, ...SETTINGS, "--dry-run", "--json"], dry)).toBe(0);
    } finally {
      held.close();
    }
  });
});

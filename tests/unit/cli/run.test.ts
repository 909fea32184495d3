import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli, type CliIO } from "../../../src/cli/run";

/** Captured streams and an environment, for running the tool in-process without a server. */
function io(env: Record<string, string> = {}): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: { XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), "s3ih-run-cache-")), ...env },
    version: "9.9.9",
    out: () => out,
    err: () => err,
  };
}

function vault(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "s3ih-run-"));
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
      failures: [{ note: "N.md", link: "![[gone.png]]", code: "MissingFile", message: 'The image "gone.png" linked in "N.md" is not in the vault; the link was left as it was.' }],
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

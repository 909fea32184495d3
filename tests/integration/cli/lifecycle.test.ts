/**
 * `delete`, `orphans` and `relink` against the real S3 server, as a person runs them (the
 * built tool), and in-process with a clock of the test's own where an image's age matters.
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli as runCliInProcess, type CliIO } from "../../../src/cli/run";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv } from "../../support/s3";
import { cliEnv, makeVault, runCli, serverFlags, snapshot } from "../../support/cli";
import { startFaultProxy } from "../../support/faultProxy";

jest.setTimeout(60_000);

let work: string;
let bucket: string;
let admin: S3Client;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-lifecycle-"));
  bucket = await createTestBucket("cli-lifecycle");
  admin = adminClient();
});

afterAll(async () => {
  admin.destroy();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

let n = 0;
/** Puts a small object at a fresh key under `folder` and returns the key and its public URL. */
async function put(folder = "t/", size = 3): Promise<{ key: string; url: string }> {
  const key = `${folder}img-${++n} shot.png`;
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array(size).fill(7) }));
  return { key, url: `${s3TestEnv().endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}` };
}

async function exists(key: string): Promise<boolean> {
  try {
    await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** Runs the tool in-process with the clock at `now`. */
async function runAt(args: string[], now: Date): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: cliEnv(work),
    now: () => now,
  };
  const code = await runCliInProcess(args, io);
  return { code, out, err };
}

const DAY = 24 * 60 * 60 * 1000;

describe("delete", () => {
  it("refuses an image a note still links, naming the note, and deletes it with --force", async () => {
    const img = await put();
    const vault = makeVault(work, { "Notes/Post.md": `Hello ![x](${img.url})\n`, "Other.md": "nothing\n" });
    const refused = await runCli(["delete", img.url, "--vault", vault, "--json", ...serverFlags(bucket)], cliEnv(work));
    expect(refused.code).toBe(1);
    const json = JSON.parse(refused.stdout) as { deleted: unknown[]; refused: { url: string; notes: string[] }[] };
    expect(json.deleted).toEqual([]);
    expect(json.refused).toEqual([expect.objectContaining({ url: img.url, notes: ["Notes/Post.md"] })]);
    expect(await exists(img.key)).toBe(true);

    const forced = await runCli(["delete", img.url, "--vault", vault, "--force", ...serverFlags(bucket)], cliEnv(work));
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`deleted ${img.key}`);
    expect(await exists(img.key)).toBe(false);
  });

  it("deletes an image no note links, and leaves the notes as they were", async () => {
    const img = await put();
    const other = await put();
    const vault = makeVault(work, { "Post.md": `![y](${other.url})\n` });
    const before = await snapshot(vault);
    const run = await runCli(["delete", img.url, "--vault", vault, ...serverFlags(bucket)], cliEnv(work));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(await exists(img.key)).toBe(false);
    expect(await exists(other.key)).toBe(true);
    expect(await snapshot(vault)).toEqual(before);
  });

  it("refuses a URL not under the profile's address, even one whose path names an object", async () => {
    const img = await put();
    const foreign = `https://elsewhere.example.com/${bucket}/${img.key}`;
    const run = await runCli(["delete", foreign, "--force", ...serverFlags(bucket)], cliEnv(work));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`refused ${foreign}: it is not the address of a file of the bucket`);
    expect(await exists(img.key)).toBe(true);
  });

  it("tries every URL when the service refuses one delete, and reports each outcome", async () => {
    const [a, b, c] = [await put(), await put(), await put()];
    const proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
    try {
      const refusedPath = `/${bucket}/${b.key.split("/").map(encodeURIComponent).join("/")}`;
      proxy.setPlan((req) => (req.method === "DELETE" && req.path === refusedPath ? "status:403" : undefined));
      const flags = ["--vault", makeVault(work, { "Post.md": "no images\n" }), ...serverFlags(bucket, proxy.url)];
      const text = await runCli(["delete", a.url, b.url, ...flags], cliEnv(work));
      expect(text.code).toBe(1);
      expect(text.stdout).toContain("Deleted 1 image");
      expect(text.stdout).toContain("failed 1");
      expect(text.stdout).toContain(`deleted ${a.key}`);
      expect(text.stdout).toMatch(new RegExp(`failed ${b.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*[Aa]ccess`));
      expect(await exists(a.key)).toBe(false);
      expect(await exists(b.key)).toBe(true);

      // The URL after the refused one is still tried, and --json names all three outcomes.
      const json = await runCli(["delete", b.url, c.url, "--json", ...flags], cliEnv(work));
      expect(json.code).toBe(1);
      const out = JSON.parse(json.stdout) as { deleted: { key: string }[]; refused: unknown[]; failed: { url: string; key: string; reason: string }[] };
      expect(out.deleted.map((d) => d.key)).toEqual([c.key]);
      expect(out.refused).toEqual([]);
      expect(out.failed).toEqual([{ url: b.url, key: b.key, reason: expect.any(String) }]);
      expect(await exists(b.key)).toBe(true);
      expect(await exists(c.key)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it("asks for --vault or --force before deleting anything", async () => {
    const img = await put();
    const run = await runCli(["delete", img.url, ...serverFlags(bucket)], cliEnv(work));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--vault DIR");
    expect(await exists(img.key)).toBe(true);
  });
});

describe("orphans", () => {
  it("lists only unlinked images under the template's folder older than the grace period, and deletes only those with --delete", async () => {
    const folder = `o${++n}/`;
    const linked = await put(folder);
    const unused = await put(folder, 5);
    const outside = await put(`x${n}/`);
    const flags = [...serverFlags(bucket).slice(0, -2), "--key-template", `${folder}{hash:64}.{ext}`];
    // The image outside the folder is linked by no note, and is old enough: only its folder keeps it.
    const vault = makeVault(work, { "Post.md": `![a](${linked.url})\n` });

    // Just written: too young to count as unused, whatever --delete says.
    const young = await runAt(["orphans", "--vault", vault, "--delete", "--json", ...flags], new Date());
    expect(young.code).toBe(0);
    expect(JSON.parse(young.out)).toEqual({ orphans: [], deleted: 0, failed: [] });
    expect(await exists(unused.key)).toBe(true);

    const later = new Date(Date.now() + 8 * DAY);
    const listed = await runAt(["orphans", "--vault", vault, "--json", ...flags], later);
    expect(listed.code).toBe(0);
    const json = JSON.parse(listed.out) as { orphans: { key: string; size: number; lastModified: string }[]; deleted: number };
    expect(json.deleted).toBe(0);
    expect(json.orphans.map((o) => [o.key, o.size])).toEqual([[unused.key, 5]]);
    expect(Math.abs(Date.parse(json.orphans[0].lastModified) - Date.now())).toBeLessThan(10 * 60_000);
    expect(await exists(unused.key)).toBe(true);

    const deleted = await runAt(["orphans", "--vault", vault, "--delete", ...flags], later);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain("Deleted 1 image.");
    expect([await exists(unused.key), await exists(linked.key), await exists(outside.key)]).toEqual([false, true, true]);
  });

  it("keeps an image for as long as --min-age says", async () => {
    const folder = `m${++n}/`;
    const unused = await put(folder);
    const flags = [...serverFlags(bucket).slice(0, -2), "--key-template", `${folder}{hash:64}.{ext}`];
    const vault = makeVault(work, { "Empty.md": "no links\n" });
    const at3 = await runAt(["orphans", "--vault", vault, "--min-age", "4", "--delete", "--json", ...flags], new Date(Date.now() + 3 * DAY));
    expect(JSON.parse(at3.out)).toEqual({ orphans: [], deleted: 0, failed: [] });
    expect(await exists(unused.key)).toBe(true);
    const at5 = await runAt(["orphans", "--vault", vault, "--min-age", "4", "--delete", "--json", ...flags], new Date(Date.now() + 5 * DAY));
    expect(JSON.parse(at5.out)).toMatchObject({ deleted: 1 });
    expect(await exists(unused.key)).toBe(false);
  });

  it("refuses a key template without a fixed folder unless --prefix names one", async () => {
    const folder = `p${++n}/`;
    const unused = await put(folder);
    const flags = [...serverFlags(bucket).slice(0, -2), "--key-template", "{hash:64}.{ext}"];
    const vault = makeVault(work, { "Empty.md": "no links\n" });
    const refused = await runAt(["orphans", "--vault", vault, "--delete", ...flags], new Date(Date.now() + 30 * DAY));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("does not start with a fixed folder");
    expect(refused.err).toContain("--prefix");
    expect(await exists(unused.key)).toBe(true);

    const named = await runAt(["orphans", "--vault", vault, "--prefix", folder, "--json", ...flags], new Date(Date.now() + 30 * DAY));
    expect(JSON.parse(named.out)).toMatchObject({ orphans: [{ key: unused.key }], deleted: 0 });
  });

  it("needs --vault to delete", async () => {
    const run = await runCli(["orphans", "--delete", ...serverFlags(bucket)], cliEnv(work));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--delete needs --vault");
  });
});

describe("relink", () => {
  const post = [
    "---",
    "title: x",
    "---",
    '![A|300](https://old.example.com/img/a%20b.png "T")\r',
    "<img src='https://old.example.com/img/c.png' alt=\"https://old.example.com/img/c.png\">",
    "`![code](https://old.example.com/img/code.png)`",
    "![other](https://other.example.com/img/d.png)",
    "",
  ].join("\n");

  it("prints the numbers with --dry-run and changes nothing, then moves only the base of each link", async () => {
    const vault = makeVault(work, { "Blog/Post.md": post, "Blog/Plain.md": "no images\n" });
    const before = await snapshot(vault);
    const dry = await runCli(["relink", vault, "--from", "https://old.example.com/img", "--to", "https://cdn.example.com/pics/", "--dry-run", "--json"], {});
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, notes: 1, links: 2, left: [], failed: [] });
    expect(await snapshot(vault)).toEqual(before);

    const run = await runCli(["relink", vault, "--from", "https://old.example.com/img", "--to", "https://cdn.example.com/pics/"], {});
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain("Moved 2 links in 1 note of 2");
    expect(readFileSync(path.join(vault, "Blog/Post.md"), "utf8")).toBe(
      post
        .replace("https://old.example.com/img/a%20b.png", "https://cdn.example.com/pics/a%20b.png")
        .replace("src='https://old.example.com/img/c.png'", "src='https://cdn.example.com/pics/c.png'"),
    );
    expect(readFileSync(path.join(vault, "Blog/Plain.md"), "utf8")).toBe("no images\n");
  });

  it("refuses what is not a base URL", async () => {
    const vault = makeVault(work, { "Post.md": post });
    const run = await runCli(["relink", vault, "--from", "old.example.com", "--to", "https://cdn.example.com/"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"old.example.com" is not a base URL');
  });
});

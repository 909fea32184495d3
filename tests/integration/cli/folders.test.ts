/**
 * The command-line tool (dist/cli.cjs) run by a person who may not read every folder of the
 * vault, against the real S3 server: the folder is skipped with a warning naming it, the
 * rest is uploaded, and the exit code says whether notes that were asked for went unscanned.
 *
 * Root reads a folder whatever its mode, so these runs are made as an ordinary user: the
 * current one, or `nobody` through setpriv when the tests run as root. Where neither is
 * possible they are skipped; tests/unit/cli/run.test.ts covers the same through a readdir
 * that fails.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, remoteLinkCount, runCli, serverFlags, unprivilegedUser } from "../../support/cli";
import { createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";

const uid = unprivilegedUser();
const asUser = uid === undefined ? describe.skip : describe;

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-folders-"));
  bucket = await createTestBucket("cli-folders");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

/** A vault the user owns, with `private/` closed to everyone (mode 000). */
function vaultWithClosedFolder(user: number): string {
  const vault = path.join(work, `vault-${Math.random().toString(36).slice(2)}`);
  const files: Record<string, string | Uint8Array> = {
    "Blog/Post.md": "![[a.png]]\n",
    "Blog/a.png": uniquePng(),
    "private/Secret.md": "![[b.png]]\n",
    "private/b.png": uniquePng(),
  };
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(vault, p)), { recursive: true });
    writeFileSync(path.join(vault, p), content);
  }
  for (const p of [work, vault, ...["Blog", "Blog/Post.md", "Blog/a.png", "private", "private/Secret.md", "private/b.png"].map((p) => path.join(vault, p))]) {
    chownSync(p, user, user);
  }
  chmodSync(work, 0o755);
  chmodSync(path.join(vault, "private"), 0o000);
  return vault;
}

function cacheFor(user: number): string {
  const dir = path.join(work, `cache-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  chownSync(dir, user, user);
  return dir;
}

asUser("a folder the user may not read", () => {
  it("is skipped with a warning naming it, the rest is uploaded, and the run exits 1 when its notes were asked for", async () => {
    const user = uid as number;
    const vault = vaultWithClosedFolder(user);
    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", "--json"], cliEnv(cacheFor(user)), { uid: user });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('s3-image-hosting: Skipping the folder "private": it cannot be read (permission denied), so the notes in it are not scanned.\n');
    expect(JSON.parse(run.stdout)).toEqual({
      uploaded: 1,
      reused: 0,
      skipped: 0,
      failed: 1,
      rewritten: 1,
      failures: [
        {
          note: "private/",
          link: "",
          code: "UnreadableFolder",
          message:
            'The folder "private" could not be read (permission denied), so the notes in it were not scanned for images. Make it readable and run again, or give only the folders to upload.',
        },
      ],
      guesses: [],
      keptLocal: [],
      skippedNotes: [],
    });
    expect(remoteLinkCount(readFileSync(path.join(vault, "Blog/Post.md"), "utf8"))).toBe(1);
  });

  it("only warns, with exit 0, when it is outside the folders given", async () => {
    const user = uid as number;
    const vault = vaultWithClosedFolder(user);
    const run = await runCli(
      ["upload", path.join(vault, "Blog"), "--vault", vault, ...serverFlags(bucket), "--site", "obsidian", "--json"],
      cliEnv(cacheFor(user)),
      { uid: user },
    );

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      's3-image-hosting: Skipping the folder "private": it cannot be read (permission denied), so links to images in it cannot be followed.\n',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: 1, rewritten: 1, failed: 0 });
  });

  it("as the vault itself is a sentence and exit 2", async () => {
    const user = uid as number;
    const vault = vaultWithClosedFolder(user);
    const closed = path.join(vault, "private");
    const run = await runCli(["upload", closed, ...serverFlags(bucket)], cliEnv(cacheFor(user)), { uid: user });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    expect(run.stderr).toBe(`s3-image-hosting: The vault folder ${closed} cannot be read (permission denied).\n`);
  });
});

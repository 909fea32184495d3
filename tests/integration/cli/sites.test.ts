/**
 * The command-line tool on a small site of each generator (tests/support/sites.ts), against
 * the real S3 server: every image reference ends up serving exactly the file the generator
 * would serve, checked independently of the tool's resolver, and nothing else changes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, makeVault, runCli, serverFlags, snapshot, type CliJson } from "../../support/cli";
import { createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";
import { checkSite, isRemote, references } from "../../support/siteChecker";
import { FIXTURE_KINDS, makeSite } from "../../support/sites";

type Json = CliJson & { guesses: { note: string; link: string; file: string; rule: string }[] };

let work: string;
let bucket: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-sites-"));
  bucket = await createTestBucket("cli-sites");
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

async function upload(target: string, ...flags: string[]): Promise<{ code: number; out: Json; stderr: string }> {
  const run = await runCli(["upload", target, ...serverFlags(bucket), ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout) as Json, stderr: run.stderr };
}

const localRefs = (texts: string[]): number => texts.reduce((n, t) => n + references(t).filter((r) => !isRemote(r.url)).length, 0);

describe.each(FIXTURE_KINDS)("a %s site, run on its folder of notes without --vault", (kind) => {
  it("links every image to the bytes the generator would serve, changes nothing else, and a second run changes nothing", async () => {
    const site = makeSite(work, kind);
    const before = await snapshot(site.root);
    const first = await upload(site.target);
    expect({ code: first.code, failures: first.out.failures }).toEqual({ code: 0, failures: [] });
    expect(first.out.guesses.map((g) => `${g.note} → ${g.file} (${g.rule})`).sort()).toEqual([...site.guesses].sort());
    const after = await snapshot(site.root);
    const checked = await checkSite(site, before, after);
    expect(checked).toBe(localRefs(site.notes.map((n) => (before.get(n) as Buffer).toString("utf8"))));
    expect(first.out.rewritten).toBe(checked);

    const second = await upload(site.target);
    expect(second.code).toBe(0);
    expect(second.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 0 });
    expect(await snapshot(site.root)).toEqual(after);
  });
});

describe("--out", () => {
  it("writes the rewritten notes elsewhere, leaves the site as it was, and a second run uploads nothing", async () => {
    const site = makeSite(work, "hexo");
    const out = path.join(work, "hexo-out");
    const before = await snapshot(site.root);
    const first = await upload(site.target, "--out", out);
    expect({ code: first.code, failed: first.out.failed }).toEqual({ code: 0, failed: 0 });
    expect(await snapshot(site.root)).toEqual(before);
    const written = await snapshot(out);
    expect([...written.keys()].sort()).toEqual([...site.notes].sort());
    // The site as it would be had the notes been rewritten in place: the checker sees exactly that.
    const merged = new Map(before);
    for (const [p, bytes] of written) merged.set(p, bytes);
    expect(await checkSite(site, before, merged)).toBe(first.out.rewritten);

    const second = await upload(site.target, "--out", out);
    expect(second.out).toMatchObject({ uploaded: 0, failed: 0 });
    expect(await snapshot(site.root)).toEqual(before);
    expect(await snapshot(out)).toEqual(written);
  });

  it("is refused when it is the site's own folder", async () => {
    const site = makeSite(work, "hexo");
    const run = await runCli(["upload", site.target, "--out", site.root, "--dry-run"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is the folder of the notes themselves");
  });
});

describe("--dry-run", () => {
  it("needs no endpoint and no credentials, names the site, and lists the links resolved by a guess", async () => {
    const site = makeSite(work, "obsidian");
    const before = await snapshot(site.root);
    const run = await runCli(["upload", site.target, "--dry-run"], {});
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain(`Obsidian vault at ${site.root}.`);
    expect(run.stdout).toContain("Resolved by a guess (check that each is the image meant):\n  Notes/A.md: ![[shot.png]] → Attachments/shot.png (name-only)\n");
    expect(await snapshot(site.root)).toEqual(before);
  });
});

describe("blog forms", () => {
  it("--dry-run lists a Hexo asset tag as a guess when _config.yml does not turn post asset folders on, with no credentials", async () => {
    const site = makeSite(work, "hexo");
    writeFileSync(path.join(site.root, "_config.yml"), "title: Blog\ntheme: landscape\n");
    const before = await snapshot(site.root);
    const run = await runCli(["upload", site.target, "--dry-run"], {});
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain(
      '  source/_posts/second-post.md: {% asset_img big 1.png 600 400 "Second one" %} → source/_posts/second-post/1.png (post-asset-folder)\n',
    );
    expect(run.stdout).toContain("  source/_posts/旅行日记.md: {% asset_img 照片.png 旅行 %} → source/_posts/旅行日记/照片.png (post-asset-folder)\n");
    expect(await snapshot(site.root)).toEqual(before);
  });

  it("--front-matter-key reads another field, and is refused where front matter is not read", async () => {
    const vault = makeVault(work, { "hugo.toml": "", "content/p/index.md": "---\nsocial:\n  card: card.png\n---\n", "content/p/card.png": uniquePng() });
    const none = JSON.parse((await runCli(["upload", path.join(vault, "content"), "--dry-run", "--json"], {})).stdout) as Json;
    expect(none.skipped).toBe(0);
    const run = await runCli(["upload", path.join(vault, "content"), "--front-matter-key", "social.card", "--dry-run"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  content/p/card.png\n");
    const obsidian = makeSite(work, "obsidian");
    const refused = await runCli(["upload", obsidian.target, "--front-matter-key", "cover", "--dry-run"], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--front-matter-key is for blogs, whose front matter is read for images; the notes of this Obsidian vault are not");
  });
});

describe("link resolution that would have to guess", () => {
  it("refuses a name two files in an Obsidian vault match equally well, naming both, and leaves the link", async () => {
    const note = "![[1.png]]\n";
    const vault = makeVault(work, { ".obsidian/app.json": "{}", "Notes/N.md": note, "a/1.png": uniquePng(), "b/1.png": uniquePng() });
    const run = await upload(vault);
    expect(run.code).toBe(1);
    expect(run.out.failures).toEqual([
      {
        note: "Notes/N.md",
        link: "![[1.png]]",
        code: "AmbiguousLink",
        message:
          'The image "1.png" linked in "Notes/N.md" matches 2 files equally well: "a/1.png" and "b/1.png"; the link was left as it was. Write the link as the path of the file you mean, or rename all but one of them, then run again.',
      },
    ]);
    expect(readFileSync(path.join(vault, "Notes/N.md"), "utf8")).toBe(note);
  });

  it("never looks a bare name up in a plain folder, and says how to ask for it", async () => {
    const vault = makeVault(work, { "posts/p.md": "![](1.png)\n", "other/1.png": uniquePng() });
    const run = await runCli(["upload", vault, "--dry-run", "--json"], {});
    const out = JSON.parse(run.stdout) as Json;
    expect(out.failures.map((f) => [f.code, f.message])).toEqual([
      [
        "MissingFile",
        'The image "1.png" linked in "posts/p.md" is not at the path the link gives; a file of that name is elsewhere, but in a folder of notes links are not looked up by name alone. The link was left as it was. Write the link as the file\'s path; or, if this folder is an Obsidian vault, pass --site obsidian.',
      ],
    ]);
  });

  it("explains a site-absolute link in a plain folder, and --site with --static-dir finds it", async () => {
    const vault = makeVault(work, { "notes/p.md": "![](/img/a.png)\n", "files/img/a.png": uniquePng() });
    const plain = JSON.parse((await runCli(["upload", path.join(vault, "notes"), "--dry-run", "--json"], {})).stdout) as Json;
    expect(plain.failures[0].message).toContain("--static-dir DIR names the folder site-absolute links are served from.");
    const named = await runCli(["upload", vault, "--vault", vault, "--site", "hugo", "--static-dir", path.join(vault, "files"), "--dry-run"], {});
    expect(named.code).toBe(0);
    expect(named.stdout).toContain("site-absolute links from files/.");
    expect(named.stdout).toContain("  files/img/a.png\n");
  });
});

describe("finding the site's root", () => {
  it("stops at the top of a git repository", async () => {
    const outer = mkdtempSync(path.join(work, "outer-"));
    writeFileSync(path.join(outer, "hugo.toml"), "");
    mkdirSync(path.join(outer, "repo", ".git"), { recursive: true });
    mkdirSync(path.join(outer, "repo", "notes"), { recursive: true });
    writeFileSync(path.join(outer, "repo", "notes", "p.md"), "no images\n");
    const run = await runCli(["upload", path.join(outer, "repo", "notes"), "--dry-run"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("Hugo site");
    const inside = await runCli(["upload", path.join(outer, "repo", "notes"), "--site", "hugo", "--dry-run"], {});
    expect(inside.stdout).toContain(`Hugo site at ${path.join(outer, "repo", "notes")};`);
  });

  it("refuses a folder of build output as the notes to rewrite", async () => {
    const site = makeSite(work, "hugo");
    const run = await runCli(["upload", path.join(site.root, "public"), "--dry-run"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is build output of this Hugo site (public, resources/_gen)");
  });
});

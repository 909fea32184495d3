/**
 * `s3-image-hosting download` (dist/cli.cjs) against the real S3 server: images uploaded by
 * `upload` come back as local files with the same bytes, linked in the vault's style, and a
 * second upload then puts nothing and writes the links of the first; bytes that do not match
 * their hash, answers that are not images and missing objects are refused with the link kept.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, makeVault, runCli, serverFlags, sha256, snapshot, plannedLinks, type CliJson } from "../../support/cli";
import { adminClient, s3TestEnv, uniquePng, useTestBucket } from "../../support/s3";
import { startLocalServer, type LocalServer } from "../../support/localServer";

let work: string;
let bucket: string;
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
useTestBucket("cli-download", (b) => (bucket = b));

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-download-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface DownloadJson {
  downloaded: number;
  rewritten: number;
  skipped: number;
  failed: number;
  failures: { note: string; link: string; code: string; message: string }[];
}

const publicBase = (): string => `${s3TestEnv().endpoint}/${bucket}`;

async function upload(target: string, ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string }> {
  const run = await runCli(["upload", target, ...serverFlags(bucket), "--site", "obsidian", ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout) as CliJson, stderr: run.stderr };
}

async function download(target: string, ...flags: string[]): Promise<{ code: number; out: DownloadJson; stderr: string }> {
  const run = await runCli(["download", target, "--public-url", publicBase(), "--key-template", "t/{hash:64}.{ext}", ...flags, "--json"], cliEnv(work));
  let out: DownloadJson;
  try {
    out = JSON.parse(run.stdout) as DownloadJson;
  } catch {
    throw new Error(`no JSON on stdout (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, out, stderr: run.stderr };
}

/** Puts `bytes` at `key`, readable by anyone, with `sha256` metadata when given. */
async function putPublic(key: string, bytes: Uint8Array, meta?: string): Promise<string> {
  const client = adminClient();
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ACL: "public-read",
        ContentType: "image/png",
        ...(meta ? { Metadata: { sha256: meta } } : {}),
      }),
    );
  } finally {
    client.destroy();
  }
  return `${publicBase()}/${key}`;
}

const read = (vault: string, note: string): string => readFileSync(path.join(vault, note), "utf8");

describe("round trip: upload all, download back, upload again", () => {
  it.each([
    ["wikilinks, attachments in a folder", { attachmentFolderPath: "attachments" }],
    ["markdown links, relative paths, beside the note", { useMarkdownLinks: true, newLinkFormat: "relative", attachmentFolderPath: "./" }],
  ])("%s: the same images come back as local files, and a second upload puts nothing and writes the same links", async (_name, appJson) => {
    const a = uniquePng();
    const b = uniquePng();
    const vault = makeVault(work, {
      ".obsidian/app.json": JSON.stringify(appJson),
      "Notes/One.md": '# One\n![[a.png|100]]\ntext ![Engelbart|300](img/b.png "t")\n',
      "Two.md": 'Both again: ![[a.png]] and <img src="img/b.png" alt="bee" width="40">\n',
      "a.png": a,
      "img/b.png": b,
    });

    const first = await upload(vault);
    expect(first.out).toMatchObject({ uploaded: 2, rewritten: 4, failed: 0 });
    const afterUpload = { one: read(vault, "Notes/One.md"), two: read(vault, "Two.md") };
    // The host is all that is left: the local copies are gone.
    unlinkSync(path.join(vault, "a.png"));
    unlinkSync(path.join(vault, "img/b.png"));

    const back = await download(vault);
    expect(back).toMatchObject({ code: 0, stderr: "" });
    expect(back.out).toEqual({ downloaded: 2, rewritten: 4, skipped: 0, failed: 0, failures: [] });

    // Every image link resolves to a local file holding the bytes first uploaded.
    const files = await snapshot(vault);
    const links = plannedLinks(files);
    expect(links).toHaveLength(4);
    const served = links.map((l) => sha256(files.get(l.file as string) as Buffer));
    expect(served.sort()).toEqual([sha256(a), sha256(a), sha256(b), sha256(b)].sort());
    // Alt text and sizes are kept.
    expect(links.map((l) => l.embed.size?.width)).toEqual([100, 300, undefined, 40]);
    expect(links.map((l) => l.embed.alt)).toEqual([expect.anything(), expect.stringMatching(/^Engelbart/), expect.anything(), expect.stringMatching(/^bee/)]);
    const saved = [...files.keys()].filter((p) => p.endsWith(".png")).sort();
    if (appJson.attachmentFolderPath === "attachments") {
      expect(saved).toEqual([`attachments/${sha256(a)}.png`, `attachments/${sha256(b)}.png`].sort());
      // The upload wrote `![a|100](url)` for `![[a.png|100]]`: that alt text and size come
      // back; a link with a title stays a markdown link, which can hold it.
      expect(read(vault, "Notes/One.md")).toBe(`# One\n![[${sha256(a)}.png|a|100]]\ntext ![Engelbart|300](${sha256(b)}.png "t")\n`);
    } else {
      // Beside the first note that links it; the other note links it by a relative path.
      expect(saved).toEqual([`Notes/${sha256(a)}.png`, `Notes/${sha256(b)}.png`].sort());
      expect(read(vault, "Two.md")).toBe(`Both again: ![a](Notes/${sha256(a)}.png) and ![bee|40](Notes/${sha256(b)}.png)\n`);
    }

    const second = await upload(vault);
    expect(second.out).toMatchObject({ uploaded: 0, reused: 2, rewritten: 4, failed: 0 });
    const afterSecond = { one: read(vault, "Notes/One.md"), two: read(vault, "Two.md") };
    // The note that had an <img> tag now has a markdown embed; the others read as after the first upload.
    expect(afterSecond.one).toBe(afterUpload.one);
    expect(afterSecond.two.replace(/!\[bee\|40\]\(([^)]+)\)/, '<img src="$1" alt="bee" width="40">')).toBe(afterUpload.two);
  });
});

describe("back to the path it was uploaded from", () => {
  it("with the bucket settings, an image goes back to its old path when free, links the file there when it holds the same bytes, and goes where attachments go when other bytes have it", async () => {
    const a = uniquePng();
    const b = uniquePng();
    const c = uniquePng();
    const vault = makeVault(work, {
      ".obsidian/app.json": JSON.stringify({ attachmentFolderPath: "attachments" }),
      "Note.md": "![[photo 1.png]] ![[ünï b.png]] ![[c.png]]\n",
      "Deep/Er/photo 1.png": a,
      "Pics/ünï b.png": b,
      "c.png": c,
    });
    const first = await upload(vault);
    expect(first.out).toMatchObject({ uploaded: 3, rewritten: 3, failed: 0 });
    rmSync(path.join(vault, "Deep"), { recursive: true });
    const other = uniquePng();
    writeFileSync(path.join(vault, "Pics/ünï b.png"), other);

    const run = await runCli(["download", vault, ...serverFlags(bucket), "--json"], cliEnv(work));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({ downloaded: 3, rewritten: 3, skipped: 0, failed: 0, failures: [] });
    const files = await snapshot(vault);
    expect([...files.keys()].filter((p) => p.endsWith(".png")).sort()).toEqual([
      "Deep/Er/photo 1.png",
      "Pics/ünï b.png",
      `attachments/${sha256(b)}.png`,
      "c.png",
    ]);
    expect(sha256(files.get("Deep/Er/photo 1.png") as Buffer)).toBe(sha256(a));
    expect(sha256(files.get("Pics/ünï b.png") as Buffer)).toBe(sha256(other));
    expect(sha256(files.get("c.png") as Buffer)).toBe(sha256(c));
    expect(read(vault, "Note.md")).toBe(`![[photo 1.png|photo 1]] ![[${sha256(b)}.png|ünï b]] ![[c.png|c]]\n`);
  });
});

describe("refusals", () => {
  it("keeps the link and saves nothing when the bytes do not have the hash in their key, are not an image, or are not there", async () => {
    const real = uniquePng();
    const other = uniquePng();
    const wrong = await putPublic(`t/${sha256(real)}.png`, other);
    const text = new TextEncoder().encode("<html>not an image</html>");
    const notImage = await putPublic(`t/${sha256(text)}.png`, text);
    // S3 answers 403 for a key that is not there when anonymous readers may not list the bucket.
    const missing = `${publicBase()}/t/${sha256(uniquePng())}.png`;
    const gone = `${server.url}/nothing/here.png`;
    const good = uniquePng();
    const fine = await putPublic(`t/${sha256(good)}.png`, good);
    const note = `![a](${wrong})\n![b](${notImage})\n![c](${missing})\n![d](${fine})\n![e](${gone})\n`;
    const vault = makeVault(work, { ".obsidian/app.json": "{}", "N.md": note });

    const { code, out } = await download(vault, "--all-remote");

    expect(code).toBe(1);
    expect(out).toMatchObject({ downloaded: 1, rewritten: 1, skipped: 0, failed: 4 });
    expect(out.failures.map((f) => [f.link, f.code])).toEqual([
      [`![a](${wrong})`, "HashMismatch"],
      [`![b](${notImage})`, "PublicUrlNotImage"],
      [`![c](${missing})`, "PublicUrlForbidden"],
      [`![e](${gone})`, "PublicUrlNotFound"],
    ]);
    for (const f of out.failures) expect(f.message).not.toMatch(/\n|at .*\.cjs/);
    expect(read(vault, "N.md")).toBe(`![a](${wrong})\n![b](${notImage})\n![c](${missing})\n![[${sha256(good)}.png|d]]\n![e](${gone})\n`);
    expect(readdirSync(vault).filter((n) => n.endsWith(".png"))).toEqual([`${sha256(good)}.png`]);
  });

  it("checks bytes against the object's x-amz-meta-sha256 when the key holds no hash", async () => {
    const png = uniquePng();
    const liar = await putPublic("named/liar.png", png, sha256(uniquePng()));
    const honest = await putPublic("named/honest.png", png, sha256(png));
    const vault = makeVault(work, { "N.md": `![](${liar}) ![](${honest})\n` });

    const { out } = await download(vault);

    expect(out).toMatchObject({ downloaded: 1, rewritten: 1, failed: 1 });
    expect(out.failures).toEqual([expect.objectContaining({ link: `![](${liar})`, code: "HashMismatch" })]);
    // Outside an Obsidian vault: beside the note, as a markdown link.
    expect(read(vault, "N.md")).toBe(`![](${liar}) ![](honest.png)\n`);
    expect(sha256(readFileSync(path.join(vault, "honest.png")))).toBe(sha256(png));
  });

  it("downloads a URL several notes link once, and never overwrites a file already there", async () => {
    const png = uniquePng();
    const url = await putPublic(`t/${sha256(png)}.png`, png);
    const squatter = new TextEncoder().encode("mine");
    const vault = makeVault(work, {
      ".obsidian/app.json": JSON.stringify({ attachmentFolderPath: "att" }),
      "A.md": `![](${url})\n`,
      "B.md": `![x](${url}) ![y](${url})\n`,
      [`att/${sha256(png).toUpperCase()}.png`]: squatter,
    });

    const { out } = await download(vault);

    expect(out).toMatchObject({ downloaded: 1, rewritten: 3, failed: 0 });
    expect(readFileSync(path.join(vault, `att/${sha256(png).toUpperCase()}.png`))).toEqual(Buffer.from(squatter));
    expect(sha256(readFileSync(path.join(vault, `att/${sha256(png)} 1.png`)))).toBe(sha256(png));
    expect(read(vault, "B.md")).toBe(`![[${sha256(png)} 1.png|x]] ![[${sha256(png)} 1.png|y]]\n`);
  });

  it("leaves web images from elsewhere alone unless --all-remote, and --dry-run changes nothing", async () => {
    const png = uniquePng();
    const url = await putPublic(`t/${sha256(png)}.png`, png);
    const elsewhere = "http://127.0.0.1:9/elsewhere.png";
    const vault = makeVault(work, { "N.md": `![](${url}) ![](${elsewhere})\n` });

    const dry = await download(vault, "--dry-run");
    expect(dry.out).toMatchObject({ downloaded: 0, rewritten: 0, skipped: 1, failed: 0 });
    expect(existsSync(path.join(vault, `${sha256(png)}.png`))).toBe(false);
    expect(read(vault, "N.md")).toBe(`![](${url}) ![](${elsewhere})\n`);

    const all = await download(vault, "--all-remote");
    expect(all.out).toMatchObject({ downloaded: 1, rewritten: 1, failed: 1 });
    expect(all.out.failures).toEqual([expect.objectContaining({ link: `![](${elsewhere})`, code: "DownloadFailed" })]);
    expect(read(vault, "N.md")).toBe(`![](${sha256(png)}.png) ![](${elsewhere})\n`);
  });

  it("refuses to run without knowing where the images are served from, and --attachments outside the vault", async () => {
    const vault = makeVault(work, { "N.md": "x\n" });
    const none = await runCli(["download", vault], cliEnv(work));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--public-url URL/);
    const outside = await runCli(["download", vault, "--public-url", publicBase(), "--attachments", work], cliEnv(work));
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/is not inside the vault/);
  });
});

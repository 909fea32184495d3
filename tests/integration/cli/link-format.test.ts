/**
 * The tool's link formats against the real S3 server: `--link-format html` writes `<img>`
 * tags whose URL serves the uploaded bytes, a custom template from the config file is
 * filled in, links that already have a form keep it, and bad values are usage errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseOpenTag, scanEmbeds } from "../../../src/core/markdown";
import { expectServes } from "../../support/badInput";
import { cliEnv, makeVault, runCli, serverFlags, type CliJson } from "../../support/cli";
import { createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";

jest.setTimeout(60_000);

let work: string;
let bucket: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-links-"));
  bucket = await createTestBucket("cli-links");
});
afterAll(async () => {
  await removeTestBucket(bucket);
  rmSync(work, { recursive: true, force: true });
});

/** Keys that put the file name, with its parentheses, into the URL. */
const NAMED_KEYS = ["--key-template", "t/(blog)/{name}-{hash:12}.{ext}"];

async function upload(vault: string, ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string }> {
  const run = await runCli(["upload", vault, ...serverFlags(bucket), ...NAMED_KEYS, "--site", "obsidian", ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: run.stdout === "" ? ({} as CliJson) : (JSON.parse(run.stdout) as CliJson), stderr: run.stderr };
}

const readNote = (vault: string): string => readFileSync(path.join(vault, "N.md"), "utf8");

test("--link-format html writes <img> tags whose URLs serve the uploaded images, and keeps the form of an existing <img>", async () => {
  const shot = uniquePng();
  const chart = uniquePng();
  const kept = uniquePng();
  const vault = makeVault(work, {
    "N.md": '# Post\n\n![[my shot (1).png|300]]\n\n> ![A chart](img/chart%20final.png "Sales")\n\n<img class="wide" src="img/kept.png">\n',
    "my shot (1).png": shot,
    "img/chart final.png": chart,
    "img/kept.png": kept,
  });

  const { code, out, stderr } = await upload(vault, "--link-format", "html");

  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  expect(out).toMatchObject({ uploaded: 3, rewritten: 3, failed: 0 });
  const note = readNote(vault);
  const lines = note.split("\n");
  expect(lines[0]).toBe("# Post");
  expect(lines[2]).toMatch(/^<img src="http[^"]+\/%28blog%29\/my-shot-%281%29-[0-9a-f]{12}\.png" alt="my shot \(1\)" width="300">$/);
  expect(lines[4]).toMatch(/^> <img src="[^"]+\/chart-final-[0-9a-f]{12}\.png" alt="A chart" title="Sales">$/);
  expect(lines[6]).toMatch(/^<img class="wide" src="[^"]+\/kept-[0-9a-f]{12}\.png">$/);

  // Each link reads back as one image, and its URL, as written in the tag, serves the bytes.
  const embeds = scanEmbeds(note);
  expect(embeds.map((e) => e.kind)).toEqual(["html", "html", "html"]);
  const written = embeds.map((e) => parseOpenTag(e.raw)?.attributes.find((a) => a.name === "src")?.value ?? "");
  for (const [i, bytes] of [shot, chart, kept].entries()) await expectServes(written[i], bytes);
  expect(embeds[0].size).toEqual({ width: 300 });

  // A second run finds only remote images: nothing to upload or rewrite.
  const again = await upload(vault, "--link-format", "html");
  expect(again.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 0 });
  expect(readNote(vault)).toBe(note);
});

test("a custom template from the config file is filled in, and the flags override the config file", async () => {
  const shot = uniquePng();
  const vault = makeVault(work, { "N.md": "![[a shot.png|640]]\n", "a shot.png": shot });
  const config = path.join(work, `links-${Date.now()}.json`);
  writeFileSync(config, JSON.stringify({ linkFormat: "custom", linkTemplate: "{{< img src={url} alt={alt} w={width} file={name} >}}" }));

  const { code, out, stderr } = await upload(vault, "--config", config);

  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  expect(out).toMatchObject({ uploaded: 1, rewritten: 1 });
  const note = readNote(vault);
  const url = /src=(\S+)/.exec(note)?.[1] ?? "";
  expect(note).toBe(`{{< img src=${url} alt=a shot w=640 file=a shot.png >}}\n`);
  await expectServes(url, shot);

  // The flag wins over the config file's format.
  const other = makeVault(work, { "N.md": "![[b.png]]\n", "b.png": uniquePng() });
  expect((await upload(other, "--config", config, "--link-format", "markdown")).code).toBe(0);
  expect(readNote(other)).toMatch(/^!\[b\]\(http[^)]+\/b-[0-9a-f]{12}\.png\)\n$/);
});

test.each([
  [["--link-format", "bbcode"], '--link-format must be one of markdown, html, custom, not "bbcode".'],
  [
    ["--link-template", "![{alt}]({link})"],
    "--link-template: The link template has an unknown placeholder {link}. The placeholders are {url}, {alt}, {name}, {width}, {height}.",
  ],
  [["--link-format", "custom"], 'The custom link format needs its template: give --link-template T (or "linkTemplate" in the config file).'],
])("%j is a usage error that changes nothing", async (flags, message) => {
  const note = "![[c.png]]\n";
  const vault = makeVault(work, { "N.md": note, "c.png": uniquePng() });
  const run = await runCli(["upload", vault, ...serverFlags(bucket), "--site", "obsidian", ...flags], cliEnv(work));
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
  expect(run.stderr).toContain(message);
  expect(readNote(vault)).toBe(note);
});

/**
 * Converting and scaling images in the command-line tool (sharp), against the real S3 server:
 * what the bucket holds afterwards is read back and measured.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { oneImageIn } from "../../support/badInput";
import { cliEnv, cliPath, makeVault, runCli, serverFlags, sha256, type CliJson } from "../../support/cli";
import { animatedGif, imageFacts, photoJpeg, tinyPng } from "../../support/sharpImages";
import { createTestBucket, removeTestBucket, storedObject } from "../../support/s3";

let work: string;
let bucket: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-convert-"));
  bucket = await createTestBucket("cli-convert");
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

async function upload(vault: string, ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string }> {
  const run = await runCli(["upload", vault, ...serverFlags(bucket), ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout || "{}") as CliJson, stderr: run.stderr };
}

/** The key of the object a note's one image now links to (`t/<sha256>.<ext>`). */
function linkedKey(vault: string, note: string): string {
  const url = oneImageIn(readFileSync(path.join(vault, note), "utf8").trim()).url;
  return new URL(url).pathname.split("/").slice(2).join("/");
}

describe("converting and scaling with --convert and --max-width", () => {
  it("uploads a 4000×3000 JPEG as a 1600×1200 WebP, smaller, named and typed as WebP; a rerun uploads nothing", async () => {
    const photo = await photoJpeg(4000, 3000);
    const files = { "Post.md": "![[photo.jpg]]\n", "photo.jpg": photo };
    const vault = makeVault(work, files);

    const first = await upload(vault, "--convert", "webp", "--max-width", "1600");

    expect({ code: first.code, stderr: first.stderr, out: first.out }).toMatchObject({ code: 0, stderr: "", out: { uploaded: 1, rewritten: 1, failed: 0 } });
    const key = linkedKey(vault, "Post.md");
    const stored = await storedObject(bucket, key);
    expect(stored.contentType).toBe("image/webp");
    // {hash} names the bytes uploaded, and the extension their type.
    expect(key).toBe(`t/${sha256(stored.bytes)}.webp`);
    expect(await imageFacts(stored.bytes)).toMatchObject({ format: "webp", width: 1600, height: 1200, exif: false });
    expect(stored.bytes.byteLength).toBeLessThan(photo.byteLength / 4);

    // The same photo in another vault (the first one's link now points at the bucket).
    const again = makeVault(work, files);
    const second = await upload(again, "--convert", "webp", "--max-width", "1600");
    expect(second).toMatchObject({ code: 0, out: { uploaded: 0, reused: 1, rewritten: 1, failed: 0 } });
    expect(linkedKey(again, "Post.md")).toBe(key);
  });

  it("turns a photo upright as its EXIF orientation says before scaling, and keeps none of its EXIF", async () => {
    // Stored 400 wide and 200 high, shown turned a quarter: 200 wide and 400 high.
    const photo = await photoJpeg(400, 200, { orientation: 6 });
    const vault = makeVault(work, { "N.md": "![[sideways.jpg]]\n", "sideways.jpg": photo });

    const { code, out } = await upload(vault, "--convert", "jpeg", "--max-width", "100", "--quality", "70");

    expect({ code, out }).toMatchObject({ code: 0, out: { uploaded: 1, failed: 0 } });
    const stored = await storedObject(bucket, linkedKey(vault, "N.md"));
    expect(stored.contentType).toBe("image/jpeg");
    expect(await imageFacts(stored.bytes)).toEqual({ format: "jpeg", width: 100, height: 200, pages: undefined, exif: false, orientation: undefined });
  });

  it("uploads the original when the converted image is not smaller: a tiny PNG asked to become JPEG", async () => {
    const png = await tinyPng();
    const vault = makeVault(work, { "N.md": "![[dot.png]]\n", "dot.png": png });

    const { code, out } = await upload(vault, "--convert", "jpeg");

    expect({ code, out }).toMatchObject({ code: 0, out: { uploaded: 1, failed: 0 } });
    const key = linkedKey(vault, "N.md");
    expect(key).toBe(`t/${sha256(png)}.png`);
    const stored = await storedObject(bucket, key);
    expect(stored.contentType).toBe("image/png");
    expect(Buffer.compare(stored.bytes, Buffer.from(png))).toBe(0);
  });

  it("never re-encodes an animated GIF: its bytes go up as they are, every frame kept", async () => {
    const gif = await animatedGif();
    const vault = makeVault(work, { "N.md": "![[moving.gif]]\n", "moving.gif": gif });

    const { code, out } = await upload(vault, "--convert", "webp", "--max-width", "16");

    expect({ code, out }).toMatchObject({ code: 0, out: { uploaded: 1, failed: 0 } });
    const key = linkedKey(vault, "N.md");
    expect(key).toBe(`t/${sha256(gif)}.gif`);
    const stored = await storedObject(bucket, key);
    expect(stored.contentType).toBe("image/gif");
    expect(Buffer.compare(stored.bytes, Buffer.from(gif))).toBe(0);
    expect(await imageFacts(stored.bytes)).toMatchObject({ pages: 2, width: 32 });
  });

  it("refuses an unusable quality or width before reading any image, naming the flag's range", async () => {
    const vault = makeVault(work, { "N.md": "![[dot.png]]\n", "dot.png": await tinyPng() });

    const run = await runCli(["upload", vault, ...serverFlags(bucket), "--quality", "101"], cliEnv(work));

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      's3-image-hosting: The bucket settings are not usable:\n  quality: Quality must be a whole number from 1 to 100 (default 82), not "101".\n',
    );
    expect(readFileSync(path.join(vault, "N.md"), "utf8")).toBe("![[dot.png]]\n");
  });

  it("where sharp cannot be loaded, still prints its version and uploads without converting, and says how to fix a run that converts", async () => {
    // The built tool alone, away from the repository's node_modules: sharp cannot be found.
    const bare = mkdtempSync(path.join(tmpdir(), "s3ih-no-sharp-"));
    const cli = path.join(bare, "cli.cjs");
    copyFileSync(cliPath, cli);
    copyFileSync(path.join(path.dirname(cliPath), "cli-main.cjs"), path.join(bare, "cli-main.cjs"));
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) =>
        execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...cliEnv(work) } }, (e, stdout, stderr) =>
          resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
        ),
      );
    try {
      expect((await run(["--version"])).code).toBe(0);
      const plain = makeVault(work, { "N.md": "![[dot.png]]\n", "dot.png": await tinyPng() });
      expect(JSON.parse((await run(["upload", plain, ...serverFlags(bucket), "--json"])).stdout)).toMatchObject({ uploaded: 1, failed: 0 });

      const vault = makeVault(work, { "N.md": "![[dot.png]]\n", "dot.png": await tinyPng() });
      const converting = await run(["upload", vault, ...serverFlags(bucket), "--convert", "webp"]);
      expect(converting.code).toBe(2);
      expect(converting.stderr).toMatch(
        /^s3-image-hosting: Converting or scaling images needs the sharp package, which could not be loaded here \(.*sharp.*\)\. Install the tool again with npm/,
      );
      expect(converting.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(path.join(vault, "N.md"), "utf8")).toBe("![[dot.png]]\n");
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

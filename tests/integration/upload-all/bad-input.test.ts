/**
 * "Upload all local images" in (a faithful fake of) Obsidian with awkward input, uploading for
 * real to the S3 test server: empty, oversized, fake and missing images, awkward file names,
 * and notes full of unfinished markdown. Only real image links change; everything else in the
 * note keeps every byte, and the summary names each problem in plain words.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { scanEmbeds } from "../../../src/core/markdown";
import type { PluginSettings } from "../../../src/core/settings/settings";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { registerUploadAll, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { createUploader } from "../../../src/storage/uploader";
import { Menu, Notice, Plugin, type App, type TFile } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import "../../fakes/uploadAllFakes";
import { AWKWARD_NAMES, UNFINISHED_MARKDOWN_NOTE, expectPlainWords, expectServes, oneImageIn, paddedPng } from "../../support/badInput";
import { createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { vaultIn } from "../../support/uploadAllRig";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-badinput-uploadall-"));
  bucket = await createTestBucket("badinput-uploadall");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

const vaultWith = (files: Record<string, string | Uint8Array>): App => vaultIn(work, files);

class TestPlugin extends Plugin {}

/** Registers the command and file-menu item on a plugin over `app`, uploading to the test bucket. */
function setUp(app: App, settings: Partial<PluginSettings> = {}, keyTemplate = "img/{hash:32}.{ext}"): { puts: () => number } {
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, acl: "public-read", keyTemplate });
  const current = { ...readySettings(profile), concurrency: 4, ...settings };
  const transport = new RequestRecorder();
  const index = new MemoryUploadIndex();
  const deps: UploadAllDeps = {
    settings: () => current,
    getUploader: async (config) =>
      createUploader({
        profile: config.profile,
        credentials: config.credentials,
        requestHandler: transport.handler,
        index,
        maxBytes: config.maxBytes,
        imagesOnly: config.imagesOnly,
      }),
  };
  const plugin = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
  registerUploadAll(plugin as unknown as ObsidianPlugin, deps);
  return { puts: () => transport.count("PUT") };
}

/** Clicks "Upload all local images" in the file menu of `notePath` and waits for the summary notice. */
async function uploadAllFromFileMenu(app: App, notePath: string): Promise<string> {
  const menu = new Menu();
  app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(notePath), "file-explorer");
  expect(menu.items.map((i) => i.title)).toEqual(["Upload all local images"]);
  menu.items[0].callback?.({} as MouseEvent);
  for (let i = 0; i < 400; i++) {
    const summary = Notice.messages.find((m) => m.startsWith("Upload all local images"));
    if (summary) return summary;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out waiting for the summary notice");
}

const read = (app: App, p: string): Promise<string> => app.vault.read(app.vault.getFileByPath(p) as TFile);

describe("images that cannot be uploaded", () => {
  it("names each empty, oversized, fake and missing image in the summary, and changes only the good image's link", async () => {
    const good = uniquePng();
    const note = [
      "# Mixed",
      "",
      "![[good.png]]",
      "![[empty.png]]",
      "![big](big.png)",
      '<img src="fake.png" width="20">',
      "![[gone.png|100]]",
      "![](missing%20folder/gone%20too.png)",
      "",
    ].join("\n");
    const app = vaultWith({ "N.md": note, "good.png": good, "empty.png": new Uint8Array(0), "big.png": paddedPng(uniquePng(), 1.5 * 1024 * 1024), "fake.png": "not a picture" });
    const { puts } = setUp(app, { maxFileSizeMB: 1 });

    const summary = await uploadAllFromFileMenu(app, "N.md");

    const after = await read(app, "N.md");
    const [goodLink] = scanEmbeds(after).filter((e) => e.isRemote);
    expect(after).toBe(note.replace("![[good.png]]", goodLink.raw));
    await expectServes(oneImageIn(goodLink.raw).url, good);
    expect(puts()).toBe(1);
    expect(summary).toContain("1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 5 failed.");
    expect(summary).toContain('• N.md: ![[empty.png]] — empty.png: "empty.png" is empty (0 bytes), so there is nothing to upload.');
    expect(summary).toContain('• N.md: ![big](big.png) — big.png: "big.png" is 1.5 MB, larger than the 1 MB limit. Raise "Largest upload (MB)" in the settings');
    expect(summary).toContain('• N.md: <img src="fake.png" width="20"> — fake.png: "fake.png" is not an image (PNG, JPEG');
    expect(summary).toContain('• N.md: ![[gone.png|100]] — The image "gone.png" linked in "N.md" is not in the vault; the link was left as it was.');
    expect(summary).toContain('• N.md: ![](missing%20folder/gone%20too.png) — The image "missing folder/gone too.png" linked in "N.md" is not in the vault');
    expectPlainWords(Notice.messages);
  });

  it("leaves a note whose every link is missing byte for byte as it was, never writing it, and lists each link", async () => {
    const note = "Intro\r\n![[nope.png]] ![](../outside/nope.jpg)\r\n<img src='img/nope.gif'>\r\n![r][def]\r\n\r\n[def]: nope.webp\r\n";
    const app = vaultWith({ "Notes/N.md": note });
    const { puts } = setUp(app);
    const writes: string[] = [];
    app.vault.on("modify", (f: TFile) => writes.push(f.path));

    const summary = await uploadAllFromFileMenu(app, "Notes/N.md");

    expect(await read(app, "Notes/N.md")).toBe(note);
    expect(writes).toEqual([]);
    expect(puts()).toBe(0);
    expect(summary).toContain("0 uploaded, 0 already in the bucket; 0 links rewritten, 0 skipped, 4 failed.");
    for (const [link, target] of [
      ["![[nope.png]]", "nope.png"],
      ["![](../outside/nope.jpg)", "../outside/nope.jpg"],
      ["<img src='img/nope.gif'>", "img/nope.gif"],
      ["![r][def]", "nope.webp"],
    ]) {
      expect(summary).toContain(`• Notes/N.md: ${link} — The image "${target}" linked in "Notes/N.md" is not in the vault; the link was left as it was.`);
    }
    expectPlainWords(Notice.messages);
  });
});

describe("awkward file names", () => {
  /** Links as people write them: a wiki embed where the name allows one, the path percent-encoded, and the path in angle brackets. */
  const linksTo = (name: string): string[] => [
    ...(/[#[\]]/.test(name) ? [] : [`![[${name}]]`]),
    `![](Pics/${encodeURI(name).replace(/#/g, "%23").replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`,
    `![pic](<Pics/${name.replace(/#/g, "%23")}>)`,
  ];

  it("uploads each file once and rewrites every link to it, wiki or markdown, to one image serving its bytes", async () => {
    // Obsidian reads a # in a link as the start of a heading, so it cannot link to such a file; see the next test.
    const names = AWKWARD_NAMES.filter((n) => !n.includes("#"));
    const files: Record<string, Uint8Array> = {};
    for (const name of names) files[`Pics/${name}`] = uniquePng();
    const lines = names.flatMap(linksTo);
    const note = `${lines.join("\n")}\n`;
    const app = vaultWith({ "N.md": note, ...files });
    setUp(app, {}, "shots/{name}-{hash:12}.{ext}");

    const summary = await uploadAllFromFileMenu(app, "N.md");

    expect(summary).toBe(`Upload all local images (N.md): ${names.length} uploaded, 0 already in the bucket; ${lines.length} links rewritten, 0 skipped, 0 failed.`);
    const after = (await read(app, "N.md")).split("\n");
    expect(after).toHaveLength(lines.length + 1);
    for (const [i, line] of after.slice(0, -1).entries()) {
      const original = scanEmbeds(lines[i])[0];
      const name = original.target.replace(/^Pics\//, "");
      const { url } = oneImageIn(line);
      expect(decodeURIComponent(url)).toContain(`/shots/`);
      await expectServes(url, files[`Pics/${name}`]);
    }
  });

  it("reports a link to a file with # in its name, which Obsidian cannot resolve, instead of passing over it", async () => {
    const name = AWKWARD_NAMES.find((n) => n.includes("#")) as string;
    const lines = linksTo(name);
    const note = `${lines.join("\n")}\n`;
    const app = vaultWith({ "N.md": note, [`Pics/${name}`]: uniquePng() });
    const { puts } = setUp(app);

    const summary = await uploadAllFromFileMenu(app, "N.md");

    expect(await read(app, "N.md")).toBe(note);
    expect(puts()).toBe(0);
    expect(summary).toContain(`0 uploaded, 0 already in the bucket; 0 links rewritten, 0 skipped, ${lines.length} failed.`);
    for (const link of lines) expect(summary).toContain(`• N.md: ${link} — The image "Pics/${name}" linked in "N.md" is not in the vault`);
    expectPlainWords(Notice.messages);
  });
});

describe("unfinished markdown", () => {
  const broken = UNFINISHED_MARKDOWN_NOTE;

  it("rewrites only the real embed, reports the link unfinished markdown would take in, and keeps every other byte", async () => {
    const good = uniquePng();
    const app = vaultWith({ "N.md": broken, "good.png": good, "my shot.png": uniquePng() });
    setUp(app);

    const summary = await uploadAllFromFileMenu(app, "N.md");

    const after = await read(app, "N.md");
    const embeds = scanEmbeds(after);
    expect(embeds.map((e) => e.raw)).toEqual(["![[my shot.png|shot]]", expect.stringMatching(/^!\[good\]\(http/)]);
    expect(after).toBe(broken.replace("![[good.png]]\n\n", `${embeds[1].raw}\n\n`));
    await expectServes(oneImageIn(embeds[1].raw).url, good);
    expect(summary).toContain("2 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 1 failed.");
    expect(summary).toContain(
      '• N.md: ![[my shot.png|shot]] — The image "my shot.png" was uploaded, but its link in "N.md" was left as it was: unfinished markdown just before it',
    );
    expectPlainWords(Notice.messages);
  });
});

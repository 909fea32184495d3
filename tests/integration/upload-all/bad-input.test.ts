/**
 * "Upload all local images" in (a faithful fake of) Obsidian with awkward input, uploading for
 * real to the S3 test server: the shared bad-input scenarios (tests/support/badInputScenarios.ts)
 * read from the summary notice, then what only Obsidian does: a `#` in a link starts a heading,
 * so a file with `#` in its name cannot be linked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { DEFAULT_KEY_TEMPLATE } from "../../../src/core/prepare/keyTemplate";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import type { UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { registerUploadAll } from "../../../src/obsidian/uploadAllCommand";
import { createUploader } from "../../../src/storage/uploader";
import { Menu, Notice, Plugin, type App, type TFile } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import "../../fakes/uploadAllFakes";
import { AWKWARD_NAMES, expectPlainWords } from "../../support/badInput";
import { linksTo, runBadInputScenarios, type MigrationFace } from "../../support/badInputScenarios";
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
function setUp(app: App, settings: Partial<PluginSettings> = {}, keyTemplate = DEFAULT_KEY_TEMPLATE): { puts: () => number } {
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

/** `Upload all local images (N.md): 1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 5 failed.` */
const COUNTS = /^Upload all local images \([^)]*\): (\d+) uploaded, (\d+) already in the bucket; (\d+) links? rewritten, (\d+) skipped, (\d+) failed\.$/m;

const uploadAllFace: MigrationFace = {
  async run(files, { note, maxSizeMB, keyTemplate }) {
    const app = vaultWith(files);
    const { puts } = setUp(app, maxSizeMB === undefined ? {} : { maxFileSizeMB: maxSizeMB }, keyTemplate);
    const writes: string[] = [];
    app.vault.on("modify", (f: TFile) => writes.push(f.path));

    const summary = await uploadAllFromFileMenu(app, note);

    const counts = COUNTS.exec(summary);
    expect(counts).not.toBeNull();
    const [uploaded, reused, rewritten, skipped, failed] = counts!.slice(1).map(Number);
    // Each failure is listed as `• note: link — reason`.
    const failures = summary
      .split("\n")
      .filter((line) => line.startsWith("• "))
      .map((line) => {
        expect(line.startsWith(`• ${note}: `)).toBe(true);
        const item = line.slice(`• ${note}: `.length);
        const dash = item.indexOf(" — ");
        return { link: item.slice(0, dash), message: item.slice(dash + 3) };
      });
    return {
      counts: { uploaded, reused, rewritten, skipped, failed },
      failures,
      messages: Notice.messages,
      note: await read(app, note),
      noteWritten: writes.includes(note),
      puts: puts(),
    };
  },
};

runBadInputScenarios(uploadAllFace);

describe("awkward file names", () => {
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

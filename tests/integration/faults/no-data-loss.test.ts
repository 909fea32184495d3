/**
 * Nothing is lost when the bucket keeps failing. A pasted image is saved in the vault and
 * embedded where the placeholder was, with the rest of the note untouched; "upload all"
 * reports the file it could not upload and leaves its links as they were, in Obsidian and in
 * the command-line tool. The failures come from the fault proxy in front of the real server.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, TFile as ObsidianTFile } from "obsidian";
import { runCli } from "../../../src/cli/run";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { sdkUploaderFactory } from "../../../src/obsidian/sdkUploader";
import { uploadAllLocalImages, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { UploaderCache } from "../../../src/obsidian/uploaderCache";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { createFakeApp, dispatchEditorInput, Notice, type App, type TFile } from "../../fakes/obsidian";
import { pasteVault, placeholdersIn, readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { requestUrl } from "../../fakes/requestUrl";
import "../../fakes/uploadAllFakes";
import { rules, startFaultProxy, type FaultAction, type FaultProxy, type FaultPlan } from "../../support/faultProxy";
import { createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile, uniquePng } from "../../support/s3";

jest.setTimeout(30_000);

const NOW = new Date(2026, 10, 22, 18, 30, 0);
const PASTED_NAME = "Pasted image 20261122183000.png";

let bucket: string;
let proxy: FaultProxy;
let work: string;
beforeAll(async () => {
  bucket = await createTestBucket("t-noloss");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
  work = mkdtempSync(path.join(tmpdir(), "s3ih-noloss-"));
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await proxy.close();
  await removeTestBucket(bucket);
});
beforeEach(() => Notice.reset());

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Every PUT of these bytes (keys carry a prefix of their SHA-256) gets `action`; the rest goes through. */
function failUploadsOf(bytes: Uint8Array, action: FaultAction): FaultPlan {
  const hash = sha256(bytes).slice(0, 32);
  return (req) => (req.method === "PUT" && req.path.includes(hash) ? action : undefined);
}

describe("paste while the bucket keeps failing", () => {
  test.each<[string, FaultAction, RegExp]>([
    ["answers 503 SlowDown", "status:503", /The storage service failed with HTTP 503 \(SlowDown\) on all 3 attempts/],
    ["drops every connection", "reset", /The connection to 127\.0\.0\.1:\d+ failed on all 3 attempts/],
  ])("when it %s, the image is saved in the vault and embedded where it was pasted, and nothing else in the note changes", async (_what, action, why) => {
    const before = "# Trip\n\nIntro line\n\nOutro line\n";
    const v = await pasteVault({ text: before, profile: testProfile({ bucket, endpoint: proxy.url, acl: "public-read" }), credentials: testCredentials() });
    try {
      const cursor = { line: 3, ch: 0 };
      v.view.editor.setCursor(cursor);
      const at = v.view.editor.posToOffset(cursor);
      proxy.setPlan(rules.always("PUT", action));
      const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: requestUrl, index: new MemoryUploadIndex() }));
      const handler = new PasteDropHandler({
        app: v.app as unknown as ObsidianApp,
        settings: () => v.settings,
        getUploader: async (c) => uploaders.uploaderFor(c),
        now: () => NOW,
      });
      v.app.workspace.on("editor-paste", handler.onPaste);

      const png = uniquePng();
      expect(await dispatchEditorInput(v.app, "paste", pasteEvent({ files: [fileOf(png, "image.png", "image/png")] }), v.view)).toBe("handled-by-plugin");
      await handler.idle();

      expect(proxy.count("PUT")).toBe(3);
      const after = v.view.editor.getValue();
      expect(placeholdersIn(after)).toEqual([]);
      expect(after).toBe(`${before.slice(0, at)}![[${PASTED_NAME}]]${before.slice(at)}`);
      expect(Buffer.compare(readFileSync(path.join(v.dir, PASTED_NAME)), Buffer.from(png))).toBe(0);
      expect(Notice.messages).toHaveLength(1);
      expect(Notice.messages[0]).toMatch(why);
      expect(Notice.messages[0]).toContain(`The image was saved in your vault as ${PASTED_NAME}.`);
    } finally {
      v.cleanup();
    }
  });
});

/** Two notes: one links a good and a failing image, the other only the failing one. */
function vaultFiles(good: Uint8Array, bad: Uint8Array): Record<string, string | Uint8Array> {
  return {
    "Notes/Trip.md": "# Trip\n\n![[good.png]]\n\nText ![[bad.png|300]] around it.\n",
    "Notes/Other.md": 'See ![Bad](../Images/bad.png "title") here.\n',
    "Notes/good.png": good,
    "Images/bad.png": bad,
  };
}

function writeVault(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(work, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return dir;
}

describe("upload all while one file keeps failing", () => {
  test("in Obsidian, the file is reported with the reason and every link to it is left as it was", async () => {
    const [good, bad] = [uniquePng(), uniquePng()];
    const files = vaultFiles(good, bad);
    const dir = writeVault(files);
    const app: App = createFakeApp(dir);
    proxy.setPlan(failUploadsOf(bad, "status:500"));
    const creds = testCredentials();
    app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
    app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
    const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, endpoint: proxy.url, acl: "public-read" });
    const settings = readySettings(profile);
    const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: requestUrl, index: new MemoryUploadIndex() }));
    const deps: UploadAllDeps = { settings: () => settings, getUploader: async (c) => uploaders.uploaderFor(c) };
    const notes = ["Notes/Trip.md", "Notes/Other.md"].map((p) => app.vault.getFileByPath(p) as TFile as unknown as ObsidianTFile);

    const { report } = await uploadAllLocalImages(app as unknown as ObsidianApp, notes, deps);

    expect(report).toMatchObject({ uploaded: 1, rewritten: 1 });
    expect(report.failed).toBeGreaterThanOrEqual(1);
    expect(report.failures.map((f) => f.code)).toEqual(report.failures.map(() => "ServerError"));
    expect(report.failures.every((f) => f.link.includes("bad.png"))).toBe(true);
    expect(report.failures[0].message).toMatch(/The storage service failed with HTTP 500 \(InternalError\) on all 3 attempts/);
    expect(proxy.count("PUT", sha256(bad).slice(0, 32))).toBe(3);

    const trip = await app.vault.read(app.vault.getFileByPath("Notes/Trip.md") as TFile);
    expect(trip).toMatch(/^# Trip\n\n!\[good\]\(http:\/\/127\.0\.0\.1:\d+\/[^)]+\.png\)\n\nText !\[\[bad\.png\|300\]\] around it\.\n$/);
    expect(await app.vault.read(app.vault.getFileByPath("Notes/Other.md") as TFile)).toBe(files["Notes/Other.md"]);
    expect(Buffer.compare(readFileSync(path.join(dir, "Images/bad.png")), Buffer.from(bad))).toBe(0);
  });

  test("in the command-line tool, the file is reported with the reason, the exit code says so, and its links are left as they were", async () => {
    const [good, bad] = [uniquePng(), uniquePng()];
    const files = vaultFiles(good, bad);
    const dir = writeVault(files);
    proxy.setPlan(failUploadsOf(bad, "status:500"));
    let stdout = "";
    let stderr = "";
    const creds = testCredentials();
    const code = await runCli(
      [
        "upload",
        dir,
        "--endpoint",
        proxy.url,
        "--region",
        "us-east-1",
        "--bucket",
        bucket,
        "--path-style",
        "--acl",
        "public-read",
        "--cache",
        path.join(dir, ".cache.json"),
        "--site",
        "obsidian",
      ],
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: { S3_ACCESS_KEY_ID: creds.accessKeyId, S3_SECRET_ACCESS_KEY: creds.secretAccessKey },
      },
    );

    expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
    expect(stdout).toMatch(/1 uploaded, 0 already in the bucket; 1 link rewritten/);
    // Every link to the file is listed, each with the reason.
    for (const link of [/Notes\/Trip\.md: !\[\[bad\.png\|300\]\]/, /Notes\/Other\.md: !\[Bad\]\(\.\.\/Images\/bad\.png "title"\)/]) {
      expect(stdout).toMatch(
        new RegExp(`\\n {2}${link.source} — Images/bad\\.png: The storage service failed with HTTP 500 \\(InternalError\\) on all 3 attempts`),
      );
    }
    expect(proxy.count("PUT", sha256(bad).slice(0, 32))).toBe(3);
    const trip = readFileSync(path.join(dir, "Notes/Trip.md"), "utf8");
    expect(trip).toMatch(/^# Trip\n\n!\[good\]\(http:\/\/127\.0\.0\.1:\d+\/[^)]+\.png\)\n\nText !\[\[bad\.png\|300\]\] around it\.\n$/);
    expect(readFileSync(path.join(dir, "Notes/Other.md"), "utf8")).toBe(files["Notes/Other.md"]);
    expect(Buffer.compare(readFileSync(path.join(dir, "Images/bad.png")), Buffer.from(bad))).toBe(0);
  });
});

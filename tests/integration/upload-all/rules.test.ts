/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 *
 * "Upload all local images" under upload rules, against the real S3 server with two buckets:
 * notes are grouped per profile and each group's images go to its profile's bucket; notes that
 * keep their images local, and notes whose rule names no profile, are left as they were and
 * reported.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, TFile as ObsidianTFile } from "obsidian";
import { KEEP_LOCAL } from "../../../src/core/rules/uploadTarget";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { uploadAllLocalImages, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { summaryText } from "../../../src/obsidian/uploadAllCommand";
import { Notice, type App, type TFile } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { RequestRecorder } from "../../support/requestRecorder";
import { anonymousGet, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { vaultIn, sdkUploaders } from "../../support/uploadAllRig";

jest.setTimeout(30_000);

let work: string;
let main: string;
let other: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-rules-"));
  [main, other] = [await createTestBucket("t-rules-all-main"), await createTestBucket("t-rules-all-other")];
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(main);
  await removeTestBucket(other);
});
beforeEach(() => Notice.reset());

/** Profiles "Main" (active, bucket `main`) and "Other" (id `other`, bucket `other`), with the test keys in secret storage. */
function deps(app: App, rules: PluginSettings["folderRules"]): UploadAllDeps & { settings: () => PluginSettings } {
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket: main, acl: "public-read", name: "Main" });
  const settings = { ...readySettings(profile), concurrency: 4, folderRules: rules };
  settings.profiles.push({ ...settings.profiles[0], id: "other", name: "Other", bucket: other });
  const transport = new RequestRecorder();
  const index = new MemoryUploadIndex();
  return {
    settings: () => settings,
    getUploader: sdkUploaders(transport, index),
  };
}

const files = (app: App, paths: string[]): ObsidianTFile[] =>
  paths.map((p) => {
    const f = app.vault.getFileByPath(p);
    if (!f) throw new Error(`no ${p}`);
    return f as unknown as ObsidianTFile;
  });
const read = (app: App, p: string): Promise<string> => app.vault.read(app.vault.getFileByPath(p) as TFile);
const linkIn = (text: string): string => /!\[[^\]]*\]\((http[^)]+)\)/.exec(text)?.[1] ?? "";

test("notes for two profiles: each note's images go to its profile's bucket, and the report is per profile", async () => {
  const [shared, b, c, d] = [uniquePng(), uniquePng(), uniquePng(), uniquePng()];
  const app = vaultIn(work, {
    "Blog/post.md": "Post\n![[shared.png]]\n",
    "Blog/keep.md": "---\nimage-upload: false\n---\n![[b.png]]\n",
    "Notes/plain.md": "Plain\n![[shared.png]]\n",
    "Notes/other.md": "---\nimage-upload: other\n---\n![[c.png]]\n",
    "Notes/typo.md": "---\nimage-upload: Otter\n---\n![[d.png]]\n",
    "shared.png": shared,
    "b.png": b,
    "c.png": c,
    "d.png": d,
  });
  const notes = ["Blog/post.md", "Blog/keep.md", "Notes/plain.md", "Notes/other.md", "Notes/typo.md"];
  const result = await uploadAllLocalImages(app as unknown as ObsidianApp, files(app, notes), deps(app, [{ pattern: "Blog", target: "other" }]));

  // Blog/post.md by the folder rule and Notes/other.md by its field go to "Other"; Notes/plain.md to the active "Main".
  expect(result.runs.map((r) => [r.profile, r.active, r.report.uploaded, r.report.rewritten])).toEqual([
    ["Other", false, 2, 2],
    ["Main", true, 1, 1],
  ]);
  const post = linkIn(await read(app, "Blog/post.md"));
  const plain = linkIn(await read(app, "Notes/plain.md"));
  const otherNote = linkIn(await read(app, "Notes/other.md"));
  expect([post, otherNote].every((u) => u.includes(`/${other}/`))).toBe(true);
  expect(plain).toContain(`/${main}/`);
  // The same image, once in each bucket, each serving its bytes.
  for (const [url, bytes] of [
    [post, shared],
    [plain, shared],
    [otherNote, c],
  ] as const) {
    const got = await anonymousGet(url);
    expect({ status: got.status, same: got.body.equals(Buffer.from(bytes)) }).toEqual({ status: 200, same: true });
  }

  // Left as they were, and reported.
  expect(await read(app, "Blog/keep.md")).toBe("---\nimage-upload: false\n---\n![[b.png]]\n");
  expect(await read(app, "Notes/typo.md")).toBe("---\nimage-upload: Otter\n---\n![[d.png]]\n");
  expect(result.report.keptLocal).toEqual(["Blog/keep.md"]);
  expect(result.report.skippedNotes).toEqual([
    {
      note: "Notes/typo.md",
      message: '"Notes/typo.md" asks for the profile "Otter" (image-upload), but there is none of that name; the profiles are "Main", "Other".',
    },
  ]);
  expect(result.report).toMatchObject({ uploaded: 3, rewritten: 3, failed: 0 });

  expect(summaryText(result, files(app, notes) as never).split("\n")).toEqual([
    "Upload all local images (5 notes): 3 uploaded, 0 already in the bucket; 3 links rewritten, 0 skipped, 0 failed. 1 note kept local.",
    'To "Other": 2 uploaded, 0 already in the bucket; 2 links rewritten, 0 skipped, 0 failed.',
    'To "Main": 1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 0 failed.',
    "Kept local, as the note's image-upload field or a folder rule asks (1 note):",
    "• Blog/keep.md",
    "Not uploaded, because of the note's upload rule (1 note):",
    '• "Notes/typo.md" asks for the profile "Otter" (image-upload), but there is none of that name; the profiles are "Main", "Other".',
  ]);
});

test("a folder rule keeps a folder local, and a note's field beats it", async () => {
  const [a, b] = [uniquePng(), uniquePng()];
  const app = vaultIn(work, {
    "Private/diary.md": "![[a.png]]\n",
    "Private/share.md": "---\nimage-upload: Main\n---\n![[b.png]]\n",
    "a.png": a,
    "b.png": b,
  });
  const notes = ["Private/diary.md", "Private/share.md"];
  const result = await uploadAllLocalImages(app as unknown as ObsidianApp, files(app, notes), deps(app, [{ pattern: "**/private/**", target: KEEP_LOCAL }]));
  expect(result.report.keptLocal).toEqual(["Private/diary.md"]);
  expect(await read(app, "Private/diary.md")).toBe("![[a.png]]\n");
  expect(linkIn(await read(app, "Private/share.md"))).toContain(`/${main}/`);
});

test("a note the metadata cache has not indexed yet is read from its file", async () => {
  const app = vaultIn(work, { "x.png": uniquePng() });
  const note = await app.vault.create("Fresh.md", "---\nimage-upload: local\n---\n![[x.png]]\n");
  expect(app.metadataCache.getFileCache(note)).toBeNull();
  const result = await uploadAllLocalImages(app as unknown as ObsidianApp, [note as unknown as ObsidianTFile], deps(app, []));
  expect(result.report.keptLocal).toEqual(["Fresh.md"]);
  expect(result.report.uploaded).toBe(0);
});

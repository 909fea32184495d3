/**
 * Paste and drop, and "Upload all local images", write the same link for the same file: one
 * image dropped into a note and the same image embedded as `![[name]]` and uploaded by
 * "Upload all" end up as identical text, uploaded for real to the S3 test server.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { App as ObsidianApp, TFile as ObsidianTFile } from "obsidian";
import { MemoryUploadIndex } from "../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../src/obsidian/pasteDrop";
import { sdkUploaderFactory } from "../../src/obsidian/sdkUploader";
import { uploadAllLocalImages } from "../../src/obsidian/uploadAll";
import { UploaderCache } from "../../src/obsidian/uploaderCache";
import type { RequestUrlFn } from "../../src/storage/requestUrlHandler";
import { dropEvent, fileOf } from "../fakes/dataTransfer";
import { dispatchEditorInput, Notice } from "../fakes/obsidian";
import { pasteVault, type PasteVault } from "../fakes/pasteHarness";
import { requestUrl } from "../fakes/requestUrl";
import "../fakes/uploadAllFakes";
import { createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "./helpers";

jest.setTimeout(30_000);

let bucket: string;
beforeAll(async () => {
  bucket = await createTestBucket("t-faces");
});
afterAll(async () => {
  await removeTestBucket(bucket);
});

let v: PasteVault;
afterEach(() => v.cleanup());

async function vaultWithBlogBase(): Promise<{ v: PasteVault; handler: PasteDropHandler; uploaders: UploaderCache }> {
  const env = testProfile();
  // A public base URL with parentheses in its path: where the two faces used to part ways.
  const vault = await pasteVault({
    text: "Intro\n",
    profile: testProfile({ bucket, acl: "public-read", publicBaseUrl: `${env.endpoint}/${bucket}/(blog)` }),
    credentials: testCredentials(),
  });
  vault.view.editor.setCursor({ line: 1, ch: 0 });
  const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: requestUrl as unknown as RequestUrlFn, index: new MemoryUploadIndex() }));
  const handler = new PasteDropHandler({
    app: vault.app as unknown as ObsidianApp,
    settings: () => vault.settings,
    getUploader: async (config) => uploaders.uploaderFor(config),
  });
  vault.app.workspace.on("editor-drop", handler.onDrop);
  Notice.reset();
  return { v: vault, handler, uploaders };
}

test.each(["my_shot.png", "shot (2) final.png", "250.png"])("dropping %s and uploading its embed with Upload all write the same link", async (name) => {
  const rig = await vaultWithBlogBase();
  v = rig.v;
  const bytes = uniquePng();

  await dispatchEditorInput(v.app, "drop", dropEvent({ files: [fileOf(bytes, name, "image/png")] }), v.view);
  await rig.handler.idle();
  const dropped = v.view.editor.getValue().replace(/^Intro\n/, "");

  await v.app.vault.createBinary(`Blog/${name}`, bytes.slice().buffer);
  const other = await v.app.vault.create("Blog/Other.md", `![[${name}]]`);
  const result = await uploadAllLocalImages(v.app as unknown as ObsidianApp, [other as unknown as ObsidianTFile], {
    settings: () => v.settings,
    getUploader: async (config) => rig.uploaders.uploaderFor(config),
  });
  expect(result.report.failures).toEqual([]);
  const uploadedAll = fs.readFileSync(path.join(v.dir, "Blog/Other.md"), "utf8");

  expect(Notice.messages).toEqual([]);
  expect(dropped).toMatch(/^!\[[^\n]+\]\(http[^\s<>]+\)$/);
  expect(uploadedAll).toBe(dropped);
});

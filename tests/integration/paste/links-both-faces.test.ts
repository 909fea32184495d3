/**
 * Paste and drop, and "Upload all local images", write the same link for the same file: one
 * image dropped into a note and the same image embedded as `![[name]]` or `![](name)` and
 * uploaded by "Upload all" end up as identical text, in every link format, uploaded for real
 * to the S3 test server.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { App as ObsidianApp, TFile as ObsidianTFile } from "obsidian";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { sdkUploaderFactory } from "../../../src/obsidian/sdkUploader";
import { uploadAllLocalImages } from "../../../src/obsidian/uploadAll";
import { UploaderCache } from "../../../src/obsidian/uploaderCache";
import { dropEvent, fileOf } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import type { PasteVault } from "../../support/pasteVault";
import { requestUrl } from "../../fakes/requestUrl";
import "../../fakes/uploadAllFakes";
import { createTestBucket, removeTestBucket, testProfile, uniquePng } from "../../support/s3";
import type { LinkFormat } from "../../../src/core/link/linkWriter";
import { startPasteRig, type PasteRig } from "../../support/pasteRig";

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

/** The paste rig, with a public base URL that has parentheses in its path: where the two faces used to part ways. */
async function rigWithBlogBase(): Promise<PasteRig> {
  const rig = await startPasteRig(bucket);
  rig.v.settings.profiles[0].publicBaseUrl = `${testProfile().endpoint}/${bucket}/(blog)`;
  return rig;
}

const FORMATS: Array<{ linkFormat: LinkFormat; linkTemplate: string }> = [
  { linkFormat: "markdown", linkTemplate: "" },
  { linkFormat: "html", linkTemplate: "" },
  { linkFormat: "custom", linkTemplate: "{{< img src={url} alt={alt} name={name} >}}" },
];

describe.each(FORMATS)("link format $linkFormat", (format) => {
  test.each(["my_shot.png", "shot (2) final.png", "250.png", "截图 2026.png"])(
    "dropping %s and uploading its ![[embed]] and ![](embed) with Upload all write the same link",
    async (name) => {
      const rig = await rigWithBlogBase();
      v = rig.v;
      Object.assign(v.settings, format);
      const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl, index: new MemoryUploadIndex() }));
      const bytes = uniquePng();

      await dispatchEditorInput(v.app, "drop", dropEvent({ files: [fileOf(bytes, name, "image/png")] }), v.view);
      await rig.handler.idle();
      const dropped = v.view.editor.getValue().replace(/^Intro\n/, "");

      await v.app.vault.createBinary(`Blog/${name}`, bytes.slice().buffer);
      const wiki = await v.app.vault.create("Blog/Wiki.md", `![[${name}]]`);
      const markdown = await v.app.vault.create("Blog/Markdown.md", `![](<${name}>)`);
      const result = await uploadAllLocalImages(v.app as unknown as ObsidianApp, [wiki, markdown] as unknown as ObsidianTFile[], {
        settings: () => v.settings,
        getUploader: async (config) => uploaders.uploaderFor(config),
      });
      expect(result.report.failures).toEqual([]);
      expect(result.report.rewritten).toBe(2);

      expect(Notice.messages).toEqual([]);
      // Percent-encoded, never a <…> destination some blog engines cannot read.
      expect(dropped).toMatch(/\/%28blog%29\/[^\s<>()"]+\.png/);
      expect(dropped).not.toMatch(/\(<http/);
      expect(fs.readFileSync(path.join(v.dir, "Blog/Wiki.md"), "utf8")).toBe(dropped);
      expect(fs.readFileSync(path.join(v.dir, "Blog/Markdown.md"), "utf8")).toBe(dropped);
    },
  );
});

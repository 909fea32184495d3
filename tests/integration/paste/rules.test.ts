/**
 * Paste and drop under a note's upload rules, against the real S3 server with two buckets: a
 * note that keeps its images local is left to Obsidian (the event is not taken), a note that
 * names another profile uploads to that profile's bucket, and a rule that cannot be followed
 * uploads nothing and says why.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { App as ObsidianApp } from "obsidian";
import { KEEP_LOCAL } from "../../../src/core/rules/uploadTarget";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { sdkUploaderFactory } from "../../../src/obsidian/sdkUploader";
import { UploaderCache } from "../../../src/obsidian/uploaderCache";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { dropEvent, fileOf, pasteEvent } from "../../support/dataTransfer";
import { pasteVault, SECRET_NAMES, type PasteVault } from "../../support/pasteVault";
import { RequestRecorder } from "../../support/requestRecorder";
import { adminClient, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { expectServes } from "../../support/badInput";

jest.setTimeout(30_000);

let main: string;
let other: string;
beforeAll(async () => {
  [main, other] = [await createTestBucket("t-rules-main"), await createTestBucket("t-rules-other")];
});
afterAll(async () => {
  await removeTestBucket(main);
  await removeTestBucket(other);
});

let v: PasteVault;
let net: RequestRecorder;
let handler: PasteDropHandler;
afterEach(() => v.cleanup());

/** `Blog/Post.md` holding `text`, open with the cursor at its end; profiles "Main" (active, bucket `main`) and "Other" (bucket `other`). */
async function setUp(text: string): Promise<void> {
  v = await pasteVault({ text, profile: testProfile({ bucket: main, acl: "public-read", name: "Main" }), credentials: testCredentials() });
  v.settings.profiles.push({
    ...testProfile({ bucket: other, acl: "public-read", name: "Other" }),
    id: "other",
    accessKeyIdSecret: SECRET_NAMES.accessKeyId,
    secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
  });
  v.view.editor.setCursor(v.view.editor.offsetToPos(text.length));
  net = new RequestRecorder();
  const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: net.requestUrl, index: new MemoryUploadIndex() }));
  handler = new PasteDropHandler({
    app: v.app as unknown as ObsidianApp,
    settings: () => v.settings,
    getUploader: async (config) => uploaders.uploaderFor(config),
    now: () => new Date(2026, 10, 22, 18, 30, 0),
  });
  v.app.workspace.on("editor-paste", handler.onPaste);
  v.app.workspace.on("editor-drop", handler.onDrop);
  v.app.workspace.installEditorExtension(handler.editorExtension);
  Notice.reset();
}

async function keysIn(bucket: string): Promise<string[]> {
  const client = adminClient();
  try {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (page.Contents ?? []).map((o) => o.Key ?? "");
  } finally {
    client.destroy();
  }
}

const linkIn = (text: string): string => /!\[[^\]]*\]\((http[^)]+)\)/.exec(text)?.[1] ?? "";

async function pasteImage(bytes: Uint8Array) {
  const evt = pasteEvent({ files: [fileOf(bytes, "image.png", "image/png")] });
  const outcome = await dispatchEditorInput(v.app, "paste", evt, v.view, new Date(2026, 10, 22, 18, 30, 0));
  await handler.idle();
  return { outcome, prevented: evt.defaultPrevented };
}

async function dropImage(bytes: Uint8Array, name: string) {
  const evt = dropEvent({ files: [fileOf(bytes, name, "image/png")] });
  const outcome = await dispatchEditorInput(v.app, "drop", evt, v.view);
  await handler.idle();
  return { outcome, prevented: evt.defaultPrevented };
}

describe("a note that keeps its images local", () => {
  test.each(["false", "local", "Local"])("image-upload: %s — the paste is not taken: Obsidian saves the image and nothing is uploaded", async (value) => {
    const before = await keysIn(main);
    await setUp(`---\nimage-upload: ${value}\n---\nIntro\n`);
    const { outcome, prevented } = await pasteImage(uniquePng());
    expect({ outcome, prevented }).toEqual({ outcome: "default", prevented: false });
    expect(net.count()).toBe(0);
    expect(v.view.editor.getValue()).toBe(`---\nimage-upload: ${value}\n---\nIntro\n![[Pasted image 20261122183000.png]]`);
    expect(v.app.vault.getFileByPath("Pasted image 20261122183000.png")).not.toBeNull();
    expect(await keysIn(main)).toEqual(before);
    expect(Notice.messages).toEqual([]);
  });

  test("the drop is not taken either", async () => {
    await setUp("---\nimage-upload: false\n---\n");
    const { outcome, prevented } = await dropImage(uniquePng(), "shot.png");
    expect({ outcome, prevented, requests: net.count() }).toEqual({ outcome: "default", prevented: false, requests: 0 });
    expect(v.app.vault.getFileByPath("shot.png")).not.toBeNull();
  });

  test("a folder rule keeps the images of the notes in its folder local", async () => {
    await setUp("Intro\n");
    v.settings.folderRules = [{ pattern: "Blog", target: KEEP_LOCAL }];
    const { prevented } = await pasteImage(uniquePng());
    expect({ prevented, requests: net.count() }).toEqual({ prevented: false, requests: 0 });
  });

  test("the metadata cache is read when it has the note: the field saved there counts, not an unsaved edit", async () => {
    await setUp("---\nimage-upload: false\n---\n");
    await v.app.metadataCache.indexed();
    expect(v.app.metadataCache.getFileCache(v.note)?.frontmatter).toEqual({ "image-upload": false });
    // Typed but not saved yet: Obsidian's cache still holds the saved field.
    v.view.editor.setValue("Intro\n");
    const { prevented } = await pasteImage(uniquePng());
    expect({ prevented, requests: net.count() }).toEqual({ prevented: false, requests: 0 });
  });
});

describe("a note that names another profile", () => {
  test("a pasted image lands in that profile's bucket", async () => {
    await setUp("---\nimage-upload: Other\n---\nIntro\n");
    const inMain = await keysIn(main);
    const png = uniquePng();
    const { prevented } = await pasteImage(png);
    expect(prevented).toBe(true);
    const url = linkIn(v.view.editor.getValue());
    expect(url).toContain(`/${other}/img/`);
    await expectServes(url, png);
    expect(await keysIn(main)).toEqual(inMain);
    expect(Notice.messages).toEqual([]);
  });

  test("a dropped image too; the name matches in any letter case and with spaces around it", async () => {
    await setUp("---\nimage-upload: '  other '\n---\n");
    const png = uniquePng();
    const { prevented } = await dropImage(png, "diagram.png");
    expect(prevented).toBe(true);
    const url = linkIn(v.view.editor.getValue());
    expect(url).toContain(`/${other}/img/`);
    await expectServes(url, png);
  });

  test("the note's field beats a folder rule", async () => {
    await setUp("---\nimage-upload: Other\n---\n");
    v.settings.folderRules = [{ pattern: "Blog", target: KEEP_LOCAL }];
    await pasteImage(uniquePng());
    expect(linkIn(v.view.editor.getValue())).toContain(`/${other}/img/`);
  });

  test("a folder rule sends the notes of its folder to its profile", async () => {
    await setUp("Intro\n");
    v.settings.folderRules = [
      { pattern: "Notes", target: KEEP_LOCAL },
      { pattern: "**/blog", target: "other" },
    ];
    await pasteImage(uniquePng());
    expect(linkIn(v.view.editor.getValue())).toContain(`/${other}/img/`);
  });

  test("without a field or a rule, the active profile's bucket", async () => {
    await setUp("---\nimage-upload: true\n---\n");
    await pasteImage(uniquePng());
    expect(linkIn(v.view.editor.getValue())).toContain(`/${main}/img/`);
  });
});

describe("a rule that cannot be followed uploads nothing, and the image is saved as usual", () => {
  test("an unknown profile name is named in a notice with the profiles there are", async () => {
    await setUp("---\nimage-upload: Nope\n---\n");
    const { outcome, prevented } = await pasteImage(uniquePng());
    expect({ outcome, prevented, requests: net.count() }).toEqual({ outcome: "default", prevented: false, requests: 0 });
    expect(Notice.messages).toEqual([
      'S3 Image Hosting did not upload this image: "Blog/Post.md" asks for the profile "Nope" (image-upload), but there is none of that name; the profiles are "Main", "Other". The image was saved in your vault as usual.',
    ]);
  });

  test("a folder rule whose profile was deleted", async () => {
    await setUp("");
    v.settings.folderRules = [{ pattern: "Blog", target: "deleted-id" }];
    const { prevented } = await dropImage(uniquePng(), "a.png");
    expect({ prevented, requests: net.count() }).toEqual({ prevented: false, requests: 0 });
    expect(Notice.messages).toEqual([
      'S3 Image Hosting did not upload this image: The folder rule "Blog" sends "Blog/Post.md" to a profile that was deleted; choose another in the settings. The image was saved in your vault as usual.',
    ]);
  });
});

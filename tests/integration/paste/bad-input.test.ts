/**
 * Paste and drop with awkward input, end to end against the real S3 server: empty files,
 * files over the size limit, files that only claim to be images, file names full of
 * characters that mean something to markdown, URLs or S3, and notes full of unfinished
 * markdown, and images whose key (by a template of file names) a different image already
 * has. Every outcome is either a link that serves the exact bytes or a notice in plain words
 * with the image kept in the vault.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { scanEmbeds } from "../../../src/core/markdown";
import { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { dropEvent, fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { placeholdersIn, type PasteVault } from "../../support/pasteVault";
import { AWKWARD_NAMES, expectPlainWords, expectServes, oneImageIn, paddedPng } from "../../support/badInput";
import { storedObject, uniquePng, useTestBucket } from "../../support/s3";
import type { RequestRecorder } from "../../support/requestRecorder";
import { startPasteRig } from "../../support/pasteRig";

jest.setTimeout(30_000);

let bucket: string;
useTestBucket("t-badinput-paste", (name) => (bucket = name));

let v: PasteVault;
let net: RequestRecorder;
let handler: PasteDropHandler;

/** `Blog/Post.md` holding `text`, open with the cursor at its end, and the plugin's handler listening. */
async function setUp(text = "Intro\n", keyTemplate?: string): Promise<void> {
  ({ v, net, handler } = await startPasteRig(bucket, { text, keyTemplate }));
}
afterEach(() => v.cleanup());

async function paste(bytes: Uint8Array, name: string, type = "image/png"): Promise<void> {
  const evt = pasteEvent({ files: [fileOf(bytes, name, type)] });
  expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("handled-by-plugin");
  await handler.idle();
}

const onDisk = (rel: string): Buffer => fs.readFileSync(path.join(v.dir, rel));

describe("files that cannot be uploaded are kept in the vault, with a notice that says why", () => {
  test("an empty (0-byte) image: nothing is sent, and the notice says it is empty", async () => {
    await setUp();
    await paste(new Uint8Array(0), "empty.png");
    expect(net.count("PUT")).toBe(0);
    expect(v.view.editor.getValue()).toBe("Intro\n![[empty.png]]");
    expect(onDisk("empty.png").length).toBe(0);
    expect(Notice.messages).toEqual(['"empty.png" is empty (0 bytes), so there is nothing to upload. The image was saved in your vault as empty.png.']);
    expectPlainWords(Notice.messages);
  });

  test("an image over the size limit: nothing is sent, and the notice gives both sizes and names the setting to change", async () => {
    await setUp();
    v.settings.maxFileSizeMB = 1;
    const big = paddedPng(uniquePng(), 1.5 * 1024 * 1024);
    await paste(big, "big photo.png");
    expect(net.count("PUT")).toBe(0);
    expect(v.view.editor.getValue()).toBe("Intro\n![[big photo.png]]");
    expect(Buffer.compare(onDisk("big photo.png"), Buffer.from(big))).toBe(0);
    expect(Notice.messages).toHaveLength(1);
    expect(Notice.messages[0]).toMatch(/^"big photo\.png" is 1\.5 MB, larger than the 1 MB limit\. /);
    // The setting is named as the settings tab shows it.
    expect(Notice.messages[0]).toContain('Raise "Largest upload (MB)" in the settings, or make the image smaller.');
    expect(Notice.messages[0]).toMatch(/The image was saved in your vault as big photo\.png\.$/);
    expectPlainWords(Notice.messages);
  });

  test("a raised size limit lets the same image through", async () => {
    await setUp();
    v.settings.maxFileSizeMB = 2;
    const big = paddedPng(uniquePng(), 1.5 * 1024 * 1024);
    await paste(big, "big photo.png");
    const { url } = oneImageIn(v.view.editor.getValue());
    await expectServes(url, big);
    expect(Notice.messages).toEqual([]);
  });

  test("a file that says it is a PNG but is not an image, with images only on: not uploaded, and the notice names the formats", async () => {
    await setUp();
    const notPng = new TextEncoder().encode("%PDF-1.7\n1 0 obj << >> endobj\n");
    await paste(notPng, "scan.png");
    expect(net.count("PUT")).toBe(0);
    expect(v.view.editor.getValue()).toBe("Intro\n![[scan.png]]");
    expect(Buffer.compare(onDisk("scan.png"), Buffer.from(notPng))).toBe(0);
    expect(Notice.messages).toEqual([
      '"scan.png" is not an image (PNG, JPEG, GIF, WebP, AVIF, SVG, BMP, TIFF, ICO). Turn off "Images only" in the settings to upload other files too. The image was saved in your vault as scan.png.',
    ]);
    expectPlainWords(Notice.messages);
  });

  test("a dropped text file is left to Obsidian: not taken, no notice, no request", async () => {
    await setUp();
    const evt = dropEvent({ files: [fileOf("just words", "notes.txt", "text/plain")] });
    expect(await dispatchEditorInput(v.app, "drop", evt, v.view)).toBe("default");
    expect(v.view.editor.getValue()).toBe("Intro\n![[notes.txt]]");
    expect(net.calls).toHaveLength(0);
    expect(Notice.messages).toEqual([]);
  });
});

describe("an image whose key a different image already has is kept in the vault, and the published image keeps its bytes", () => {
  // Each test names images in a folder of its own, so none finds another's image at its key.
  let folder = 0;
  let template = "";
  beforeEach(() => {
    template = `named${++folder}/{name}.{ext}`;
  });
  const key = () => template.replace("{name}.{ext}", "diagram.png");
  const bucketHolds = async (bytes: Uint8Array) => expect(Buffer.compare((await storedObject(bucket, key())).bytes, Buffer.from(bytes))).toBe(0);

  test("a second, different image pasted under the same name in one session: the notice names the key and the fix", async () => {
    await setUp("Intro\n", template);
    const first = uniquePng();
    const second = uniquePng();
    await paste(first, "diagram.png");
    v.view.editor.replaceSelection("\n");
    await paste(second, "diagram.png");
    expect(v.view.editor.getValue()).toMatch(new RegExp(`^Intro\\n!\\[diagram\\]\\(http://[^)]+/${key()}\\)\\n!\\[\\[diagram\\.png\\]\\]$`));
    expect(Buffer.compare(onDisk("diagram.png"), Buffer.from(second))).toBe(0);
    expect(Notice.messages).toEqual([
      `"diagram.png" was not uploaded: the key template gives it the key ${key()}, which a different image, "diagram.png", already has. ` +
        "Add {hash} to the key template so that each image gets its own key (the default img/{hash:32}.{ext} does), or rename one of the two files. " +
        "The image was saved in your vault as diagram.png.",
    ]);
    expectPlainWords(Notice.messages);
    expect(net.count("PUT")).toBe(1);
    await bucketHolds(first);
  });

  test("in a later session the bucket's different file is not replaced, the notice names the setting that allows it, and with it on it is", async () => {
    await setUp("Intro\n", template);
    const published = uniquePng();
    await paste(published, "diagram.png");
    v.cleanup();

    await setUp("Intro\n", template);
    await paste(uniquePng(), "diagram.png");
    expect(v.view.editor.getValue()).toBe("Intro\n![[diagram.png]]");
    expect(Notice.messages).toHaveLength(1);
    expect(Notice.messages[0]).toContain(`the bucket already holds a different file at ${key()}`);
    expect(Notice.messages[0]).toContain('turn on "Replace existing files" in the settings of the profile "Test server"');
    expect(Notice.messages[0]).toMatch(/The image was saved in your vault as diagram\.png\.$/);
    expectPlainWords(Notice.messages);
    expect(net.count("PUT")).toBe(0);
    await bucketHolds(published);

    v.settings.profiles[0].overwrite = true;
    Notice.reset();
    const replacement = uniquePng();
    await paste(replacement, "diagram.png");
    expect(Notice.messages).toEqual([]);
    await bucketHolds(replacement);
  });
});

describe("awkward file names round-trip: uploaded, linked as one image, served byte for byte", () => {
  test.each(AWKWARD_NAMES)("%s", async (name) => {
    // The name goes into the object key too, so it must survive in the URL as well as in the alt text.
    await setUp("Intro\n", "shots/{name}-{hash:12}.{ext}");
    const png = uniquePng();
    const evt = dropEvent({ files: [fileOf(png, name, "image/png")] });
    expect(await dispatchEditorInput(v.app, "drop", evt, v.view)).toBe("handled-by-plugin");
    await handler.idle();

    const text = v.view.editor.getValue();
    expect(text.startsWith("Intro\n")).toBe(true);
    expect(placeholdersIn(text)).toEqual([]);
    const inserted = text.slice("Intro\n".length);
    const { embed, url } = oneImageIn(inserted);
    expect(embed.raw).toBe(inserted);
    // The alt text keeps every letter, digit and emoji of the name without its extension.
    const readable = (s: string): string => s.replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]/gu, "");
    expect(readable(embed.alt)).toBe(readable(name.replace(/\.png$/, "")));
    expect(embed.target).toContain(`/${bucket}/shots/`);
    await expectServes(url, png);
    expect(Notice.messages).toEqual([]);
  });
});

describe("unfinished markdown around the place of a paste", () => {
  const broken = [
    "Unclosed [bracket and ![alt without end",
    "An empty start ![]( and a wiki start ![[ and a stray <img src=",
    'Half a tag <img src="x.png" and a lone ]] and )',
    "",
    "", // the paste goes on this line
    "",
    "```",
    "a fence that never closes ![[a.png]]",
    "",
  ].join("\n");

  test("the pasted image lands as the one image of the note, and every other character stays", async () => {
    const at = broken.indexOf("\n\n\n") + 2;
    await setUp(broken);
    v.view.editor.setCursor(v.view.editor.offsetToPos(at));
    expect(scanEmbeds(broken)).toEqual([]);
    const png = uniquePng();
    await paste(png, "diagram.png");

    const text = v.view.editor.getValue();
    const inserted = text.slice(at, text.length - (broken.length - at));
    expect(text.slice(0, at) + text.slice(at + inserted.length)).toBe(broken);
    const { url } = oneImageIn(inserted);
    expect(scanEmbeds(text).map((e) => e.raw)).toEqual([inserted]);
    await expectServes(url, png);
    expect(Notice.messages).toEqual([]);
  });
});

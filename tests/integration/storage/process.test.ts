/**
 * Processing end to end against the real S3 server: what the bucket holds is read back and
 * parsed by an independent parser (exifr), through the uploader, the paste flow and the
 * command-line tool; a second run over the same originals processes and uploads nothing.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as exifr from "exifr";
import * as jpegMetadata from "../../../src/core/prepare/processing/jpegMetadata";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import type { Asset } from "../../../src/core/types";
import { createUploader } from "../../../src/storage/uploader";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { cliEnv, makeVault, runCli, serverFlags, type CliJson } from "../../support/cli";
import { dropEvent, fileOf, pasteEvent } from "../../support/dataTransfer";
import { FakeClipboard } from "../../fakes/clipboard";
import { HOSTILE_SVG, jpegImageData, photoJpeg, photoPng } from "../../support/images";
import { startPasteRig } from "../../support/pasteRig";
import { RequestRecorder } from "../../support/requestRecorder";
import { storedObject, testCredentials, testProfile, useTestBucket } from "../../support/s3";

jest.setTimeout(60_000);

let bucket: string;
useTestBucket("t-process", (name) => (bucket = name));

const asset = (bytes: Uint8Array, name = "IMG_0001.jpg"): Asset => ({ bytes, name, notePath: "Trip.md" });

/** The bucket's copy is free of position and camera, keeps its rotation, and holds the same picture. */
async function expectCleanPhoto(bytes: Buffer, original: Uint8Array): Promise<void> {
  expect(await exifr.gps(bytes)).toBeUndefined();
  expect(await exifr.orientation(bytes)).toBe(6);
  expect(bytes.toString("latin1")).not.toContain("PhoneMaker");
  expect(jpegImageData(bytes)).toEqual(jpegImageData(original));
}

test("the uploader stores the photo without its GPS position, and a second run over the original neither processes nor uploads it", async () => {
  const photo = new Uint8Array(photoJpeg());
  const index = new MemoryUploadIndex();
  const first = createUploader({ profile: testProfile({ bucket }), credentials: testCredentials(), index });
  const stored = await first.upload(asset(photo));
  first.destroy();
  const object = await storedObject(bucket, stored.key);
  await expectCleanPhoto(object.bytes, photo);
  expect(object.contentType).toBe("image/jpeg");
  // The key's hash is of the bytes in the bucket.
  expect(stored.key).toContain(stored.sha256.slice(0, 16));
  expect(createHash("sha256").update(object.bytes).digest("hex")).toBe(stored.sha256);

  const net = new RequestRecorder();
  const strip = jest.spyOn(jpegMetadata, "stripJpegMetadata");
  const second = createUploader({ profile: testProfile({ bucket }), credentials: testCredentials(), index, requestHandler: net.handler });
  try {
    const again = await second.upload(asset(photo));
    expect(again).toEqual({ ...stored, reused: true });
    expect(strip).not.toHaveBeenCalled();
    expect(net.count("PUT")).toBe(0);
  } finally {
    strip.mockRestore();
    second.destroy();
  }
});

test("with metadata kept, the bucket holds the original bytes", async () => {
  const photo = new Uint8Array(photoJpeg());
  const uploader = createUploader({ profile: testProfile({ bucket, stripMetadata: false }), credentials: testCredentials(), index: new MemoryUploadIndex() });
  try {
    const stored = await uploader.upload(asset(photo));
    expect((await storedObject(bucket, stored.key)).bytes).toEqual(Buffer.from(photo));
  } finally {
    uploader.destroy();
  }
});

test("a pasted photo is linked to a copy without its GPS position", async () => {
  const { v, handler } = await startPasteRig(bucket);
  try {
    const photo = new Uint8Array(photoJpeg());
    const evt = pasteEvent({ files: [fileOf(photo, "IMG_0002.jpg", "image/jpeg")] });
    expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("handled-by-plugin");
    await handler.idle();
    const url = /\((http:\/\/[^)]+)\)/.exec(v.view.editor.getValue())?.[1];
    expect(url).toBeDefined();
    const key = decodeURIComponent(new URL(url!).pathname.split("/").slice(2).join("/"));
    await expectCleanPhoto((await storedObject(bucket, key)).bytes, photo);
    expect(Notice.messages).toEqual([]);
  } finally {
    v.cleanup();
  }
});

/** The object a note's first link points at. */
async function linkedObject(text: string): Promise<Buffer> {
  const url = /\((http:\/\/[^)]+)\)/.exec(text)?.[1];
  if (url === undefined) throw new Error(`no link in ${text}`);
  return (await storedObject(bucket, decodeURIComponent(new URL(url).pathname.split("/").slice(2).join("/")))).bytes;
}

describe("uploading one image as it is", () => {
  it("the command pastes the clipboard's image untouched, metadata included", async () => {
    const { v, handler } = await startPasteRig(bucket);
    try {
      const png = photoPng();
      const clipboard = new FakeClipboard([{ "text/html": "<img>", "image/png": png }]);
      await handler.pasteUnprocessed(v.view.editor as never, v.view as never, clipboard);
      await handler.idle();
      expect(clipboard.reads).toBe(1);
      expect(v.view.editor.getValue()).toMatch(/^Intro\n!\[Pasted image \d{14}\]\(http:\/\/[^)]+\.png\)$/);
      const bytes = await linkedObject(v.view.editor.getValue());
      expect(bytes).toEqual(png);
      expect((await exifr.gps(bytes)).latitude).toBeGreaterThan(48);
      expect(Notice.messages).toEqual([]);
    } finally {
      v.cleanup();
    }
  });

  it("the command says why when the clipboard cannot be read or holds no image, and changes nothing", async () => {
    const { v, handler } = await startPasteRig(bucket);
    try {
      await handler.pasteUnprocessed(v.view.editor as never, v.view as never, new FakeClipboard([{ "image/png": photoPng() }], false));
      await handler.pasteUnprocessed(v.view.editor as never, v.view as never, new FakeClipboard([{ "text/plain": "hello" }]));
      await handler.pasteUnprocessed(v.view.editor as never, v.view as never, undefined);
      await handler.idle();
      expect(v.view.editor.getValue()).toBe("Intro\n");
      expect(Notice.messages).toEqual([
        "Could not read the clipboard: reading it was not allowed (Obsidian must be the active window). Nothing was pasted.",
        "The clipboard holds no image, so nothing was pasted.",
        "This device does not let plugins read images from the clipboard. Nothing was pasted; drop the image with Shift held instead.",
      ]);
    } finally {
      v.cleanup();
    }
  });

  it("a drop with Shift held uploads the photo untouched; without it, stripped", async () => {
    const { v, handler } = await startPasteRig(bucket);
    try {
      const photo = new Uint8Array(photoJpeg());
      const drop = (shiftKey: boolean) => dropEvent({ files: [fileOf(photo, "IMG_0003.jpg", "image/jpeg")] }, { shiftKey });
      expect(await dispatchEditorInput(v.app, "drop", drop(true), v.view)).toBe("handled-by-plugin");
      await handler.idle();
      expect(await linkedObject(v.view.editor.getValue())).toEqual(Buffer.from(photo));
      v.view.editor.setValue("Intro\n");
      expect(await dispatchEditorInput(v.app, "drop", drop(false), v.view)).toBe("handled-by-plugin");
      await handler.idle();
      await expectCleanPhoto(await linkedObject(v.view.editor.getValue()), photo);
    } finally {
      v.cleanup();
    }
  });
});

describe("the command-line tool", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "s3ih-process-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function upload(vault: string, ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string }> {
    const run = await runCli(["upload", vault, ...serverFlags(bucket), ...flags, "--json"], cliEnv(work));
    return { code: run.code, out: JSON.parse(run.stdout) as CliJson, stderr: run.stderr };
  }

  it("uploads a photo without its GPS position and an SVG without its script; a rerun uploads nothing", async () => {
    const photo = new Uint8Array(photoJpeg());
    const vault = makeVault(work, { "N.md": "![](a.jpg)\n![](b.svg)\n", "a.jpg": photo, "b.svg": HOSTILE_SVG });
    const run = await upload(vault);
    expect(run.code).toBe(0);
    expect(run.out).toMatchObject({ uploaded: 2, failed: 0 });
    const note = readFileSync(path.join(vault, "N.md"), "utf8");
    const keys = [...note.matchAll(/\]\((http:\/\/[^)]+)\)/g)].map((m) => decodeURIComponent(new URL(m[1]).pathname.split("/").slice(2).join("/")));
    await expectCleanPhoto((await storedObject(bucket, keys[0])).bytes, photo);
    const svg = (await storedObject(bucket, keys[1])).bytes.toString("utf8");
    expect(svg).not.toContain("alert");
    expect(svg).toContain('<rect width="10" height="10" fill="red"/>');

    // The same originals again, in a fresh copy of the vault: found by their original hash.
    const copy = makeVault(work, { "N.md": "![](a.jpg)\n![](b.svg)\n", "a.jpg": photo, "b.svg": HOSTILE_SVG });
    const rerun = await upload(copy);
    expect(rerun.out).toMatchObject({ uploaded: 0, reused: 2, failed: 0 });
  });

  it("keeps the metadata with --keep-metadata, and refuses a damaged photo with advice naming it", async () => {
    const photo = new Uint8Array(photoJpeg());
    const vault = makeVault(work, { "N.md": "![](a.jpg)\n![](c.jpg)\n", "a.jpg": photo, "c.jpg": photo.subarray(0, 40) });
    const run = await upload(vault);
    expect(run.code).toBe(1);
    expect(run.out.failures.map((f) => f.message).join("\n")).toContain("its metadata could not be removed");
    expect(JSON.stringify(run.out.failures)).toContain("--keep-metadata");

    const kept = makeVault(work, { "N.md": "![](a.jpg)\n", "a.jpg": photo });
    expect((await upload(kept, "--keep-metadata")).code).toBe(0);
    const url = /\((http:\/\/[^)]+)\)/.exec(readFileSync(path.join(kept, "N.md"), "utf8"))![1];
    const bytes = (await storedObject(bucket, decodeURIComponent(new URL(url).pathname.split("/").slice(2).join("/")))).bytes;
    expect((await exifr.gps(bytes)).latitude).toBeGreaterThan(48);
  });
});

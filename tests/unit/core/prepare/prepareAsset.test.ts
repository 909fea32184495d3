import { createHash } from "node:crypto";
import { UploadError } from "../../../../src/core/errors";
import { prepareAsset, type PrepareOptions } from "../../../../src/core/prepare/prepareAsset";
import { newProfile } from "../../../../src/core/settings/settingsModel";
import type { Asset, Profile } from "../../../../src/core/types";

const PNG = new Uint8Array(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"));
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const PDF = new Uint8Array(Buffer.from("%PDF-1.7\n%âãÏÓ\n", "latin1"));
const NOW = new Date(2026, 2, 4, 5, 6, 7);
const hex = (algorithm: string, data: Uint8Array): string => createHash(algorithm).update(data).digest("hex");

const asset = (over: Partial<Asset> = {}): Asset => ({ bytes: PNG, name: "Pasted image.png", notePath: "Notes/Trip.md", ...over });
const profile = (over: Partial<Profile> = {}): Profile => ({ ...newProfile("generic", "p"), ...over });
const opts = (over: Partial<PrepareOptions> = {}): PrepareOptions => ({ now: NOW, ...over });

async function rejection(promise: Promise<unknown>): Promise<UploadError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof UploadError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("prepareAsset", () => {
  test("sniffs the type, hashes the bytes and renders the default key", async () => {
    const p = await prepareAsset(asset(), profile(), opts());
    const sha = hex("sha256", PNG);
    expect(p).toMatchObject({ contentType: "image/png", ext: "png", sha256: sha, key: `img/${sha.slice(0, 32)}.png` });
    expect(p.md5).toBeUndefined();
    expect(p.asset.bytes).toBe(PNG);
  });

  test("trusts the bytes over the file name and the reported type", async () => {
    const p = await prepareAsset(asset({ bytes: JPEG, name: "photo.png", reportedType: "image/png" }), profile(), opts());
    expect(p.contentType).toBe("image/jpeg");
    expect(p.ext).toBe("jpg");
    expect(p.key.endsWith(".jpg")).toBe(true);
  });

  test("computes the MD5 only for templates that use it", async () => {
    const p = await prepareAsset(asset(), profile({ keyTemplate: "{year}/{md5:8}-{name}.{ext}" }), opts());
    const md5 = hex("md5", PNG);
    expect(p.md5).toBe(md5);
    expect(p.key).toBe(`2026/${md5.slice(0, 8)}-Pasted-image.png`);
  });

  test("uses the given time and note for the key", async () => {
    const p = await prepareAsset(asset(), profile({ keyTemplate: "{note}/{year}-{month}-{day}/{hash:6}.{ext}" }), opts());
    expect(p.key).toBe(`Trip/2026-03-04/${hex("sha256", PNG).slice(0, 6)}.png`);
  });

  test("rejects an empty file with EmptyFile", async () => {
    const e = await rejection(prepareAsset(asset({ bytes: new Uint8Array() }), profile(), opts()));
    expect(e.code).toBe("EmptyFile");
    expect(e.message).toContain("Pasted image.png");
  });

  test("rejects a file over the limit with TooLarge, giving both sizes in MB", async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 1);
    big.set(PNG);
    const e = await rejection(prepareAsset(asset({ bytes: big }), profile(), opts({ maxBytes: 3 * 1024 * 1024 })));
    expect(e.code).toBe("TooLarge");
    expect(e.message).toContain("3.1 MB");
    expect(e.message).toContain("3 MB limit");
    expect(e.hint).toContain("Largest upload (MB)");
  });

  test("accepts a file exactly at the limit", async () => {
    const p = await prepareAsset(asset(), profile(), opts({ maxBytes: PNG.length }));
    expect(p.contentType).toBe("image/png");
  });

  test("rejects a file that is not an image with NotAnImage, listing the formats", async () => {
    const e = await rejection(prepareAsset(asset({ bytes: PDF, name: "paper.pdf" }), profile(), opts()));
    expect(e.code).toBe("NotAnImage");
    expect(e.message).toBe('"paper.pdf" is not an image (PNG, JPEG, GIF, WebP, AVIF, SVG, BMP, TIFF, ICO).');
  });

  test("with images only off, uploads other files with the reported type and their own extension", async () => {
    const p = await prepareAsset(asset({ bytes: PDF, name: "Paper.PDF", reportedType: "application/pdf" }), profile(), opts({ imagesOnly: false }));
    expect(p.contentType).toBe("application/pdf");
    expect(p.ext).toBe("pdf");
    expect(p.key.endsWith(".pdf")).toBe(true);
  });

  test("with images only off, never serves unproven bytes as a page or an SVG", async () => {
    for (const reportedType of ["text/html", "image/svg+xml", "application/javascript", "text/xml; charset=utf-8"]) {
      const p = await prepareAsset(asset({ bytes: PDF, name: "x.html", reportedType }), profile(), opts({ imagesOnly: false }));
      expect(p.contentType).toBe("application/octet-stream");
    }
  });

  test("with images only off and nothing known about a file, sends it as octet-stream with extension bin", async () => {
    const p = await prepareAsset(asset({ bytes: PDF, name: "README" }), profile(), opts({ imagesOnly: false }));
    expect(p.contentType).toBe("application/octet-stream");
    expect(p.ext).toBe("bin");
  });

  test("rejects a broken key template with InvalidSettings", async () => {
    const e = await rejection(prepareAsset(asset(), profile({ keyTemplate: "img/{nope}.{ext}" }), opts()));
    expect(e.code).toBe("InvalidSettings");
    expect(e.message).toContain("Unknown token {nope}");
  });
});

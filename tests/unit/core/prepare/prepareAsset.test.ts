import { createHash } from "node:crypto";
import { UploadError } from "../../../../src/core/errors";
import { prepareAsset, type PrepareOptions } from "../../../../src/core/prepare/prepareAsset";
import { newProfile } from "../../../../src/core/settings/settingsModel";
import type { Asset, Profile } from "../../../../src/core/types";
import { HOSTILE_SVG, photoJpeg, plainJpeg } from "../../../support/images";

const PNG = new Uint8Array(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"));
const JPEG = new Uint8Array(plainJpeg());
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

  describe("processing", () => {
    test("hashes and names the bytes as uploaded, without their metadata, and remembers the original's hash", async () => {
      const photo = new Uint8Array(photoJpeg());
      const p = await prepareAsset(asset({ bytes: photo, name: "IMG_1.jpg" }), profile({ keyTemplate: "{hash}-{md5}.{ext}" }), opts());
      expect(p.asset.bytes.length).toBeLessThan(photo.length);
      expect(Buffer.from(p.asset.bytes).toString("latin1")).not.toContain("PhoneMaker");
      expect(p.sha256).toBe(hex("sha256", p.asset.bytes));
      expect(p.md5).toBe(hex("md5", p.asset.bytes));
      expect(p.key).toBe(`${p.sha256}-${p.md5}.jpg`);
      expect(p.originalSha256).toBe(hex("sha256", photo));
    });

    test("uploads the bytes as they are when the profile keeps metadata, or the asset asks for no processing", async () => {
      const photo = new Uint8Array(photoJpeg());
      for (const [a, pr] of [
        [asset({ bytes: photo }), profile({ stripMetadata: false })],
        [asset({ bytes: photo, unprocessed: true }), profile()],
      ] as const) {
        const p = await prepareAsset(a, pr, opts());
        expect(p.asset.bytes).toBe(photo);
        expect(p.sha256).toBe(hex("sha256", photo));
        expect(p.originalSha256).toBe(p.sha256);
      }
    });

    test("refuses a damaged photo in the words of the face that uploads it", async () => {
      const damaged = new Uint8Array(photoJpeg().subarray(0, 40));
      const plugin = await rejection(prepareAsset(asset({ bytes: damaged, name: "IMG_2.jpg" }), profile({ name: "Blog" }), opts()));
      expect(plugin.code).toBe("MetadataNotRemoved");
      expect(plugin.message).toBe('"IMG_2.jpg" was not uploaded: its metadata could not be removed, because a JPEG segment runs past the end of the file.');
      expect(plugin.hint).toContain('turn off "Remove image metadata" in the settings of the profile "Blog"');
      const cli = await rejection(prepareAsset(asset({ bytes: damaged, name: "IMG_2.jpg" }), profile(), opts({ face: "cli" })));
      expect(cli.hint).toBe("To upload it as it is, metadata included, run with --keep-metadata.");
    });

    test("sanitises an SVG, and refuses one it cannot read with UnsafeSvg", async () => {
      const p = await prepareAsset(asset({ bytes: new TextEncoder().encode(HOSTILE_SVG), name: "x.svg" }), profile(), opts());
      expect(p.contentType).toBe("image/svg+xml");
      expect(Buffer.from(p.asset.bytes).toString("utf8")).not.toContain("alert");
      const e = await rejection(
        prepareAsset(asset({ bytes: new TextEncoder().encode("<svg onload=alert(1)/>"), name: "x.svg" }), profile(), opts({ face: "cli" })),
      );
      expect(e.code).toBe("UnsafeSvg");
      expect(e.hint).toBe("To upload it as it is, with anything in it that could run, run with --no-sanitize-svg.");
    });
  });
});

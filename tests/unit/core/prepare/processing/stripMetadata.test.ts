import * as exifr from "exifr";
import * as jpeg from "jpeg-js";
import { processImage, ProcessRefusal } from "../../../../../src/core/prepare/processing";
import { stripJpegMetadata } from "../../../../../src/core/prepare/processing/jpegMetadata";
import { stripPngMetadata } from "../../../../../src/core/prepare/processing/pngMetadata";
import { stripWebpMetadata } from "../../../../../src/core/prepare/processing/webpMetadata";
import { stripGifMetadata } from "../../../../../src/core/prepare/processing/gifMetadata";
import {
  animatedGif,
  animatedPng,
  animatedWebp,
  GPS,
  ICC,
  jpegImageData,
  phoneExif,
  photoJpeg,
  photoPng,
  photoWebp,
  plainJpeg,
  plainWebp,
  pngChunk,
  tiffBlock,
} from "../../../../support/images";

const STRIP = { stripMetadata: true, sanitizeSvg: true };

/** The chunk types of a PNG, read here without the code under test. */
function pngTypes(b: Uint8Array): string[] {
  const buf = Buffer.from(b);
  const out: string[] = [];
  for (let at = 8; at < buf.length; at += 12 + buf.readUInt32BE(at)) out.push(buf.toString("latin1", at + 4, at + 8));
  return out;
}

function pngChunkBytes(b: Uint8Array, type: string): Buffer[] {
  const buf = Buffer.from(b);
  const out: Buffer[] = [];
  for (let at = 8; at < buf.length; at += 12 + buf.readUInt32BE(at)) {
    if (buf.toString("latin1", at + 4, at + 8) === type) out.push(buf.subarray(at, at + 12 + buf.readUInt32BE(at)));
  }
  return out;
}

/** The RIFF chunks of a WebP, read here without the code under test. */
function webpChunks(b: Uint8Array): Array<{ fourcc: string; data: Buffer }> {
  const buf = Buffer.from(b);
  const out: Array<{ fourcc: string; data: Buffer }> = [];
  for (let at = 12; at < buf.length;) {
    const size = buf.readUInt32LE(at + 4);
    out.push({ fourcc: buf.toString("latin1", at, at + 4), data: buf.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  return out;
}

/** JPEG segments before the scan, read here without the code under test. */
function jpegSegments(b: Uint8Array): Array<{ marker: number; body: Buffer }> {
  const buf = Buffer.from(b);
  const out: Array<{ marker: number; body: Buffer }> = [];
  for (let at = 2; at < buf.length;) {
    const marker = buf[at + 1];
    const length = buf.readUInt16BE(at + 2);
    out.push({ marker, body: buf.subarray(at + 4, at + 2 + length) });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return out;
}

describe("JPEG metadata removal", () => {
  it("the test photo carries a GPS position and orientation 6 to begin with", async () => {
    const gps = await exifr.gps(photoJpeg());
    expect(gps.latitude).toBeCloseTo(GPS.latitude, 3);
    expect(await exifr.orientation(photoJpeg())).toBe(6);
  });

  it("leaves no GPS position, camera, XMP, IPTC or comment, and keeps orientation 6", async () => {
    const out = processImage(photoJpeg(), "image/jpeg", STRIP).bytes;
    expect(await exifr.gps(out)).toBeUndefined();
    expect(await exifr.orientation(out)).toBe(6);
    const all = await exifr.parse(out, { tiff: true, xmp: true, iptc: true, icc: false, exif: true, gps: true, interop: true, ifd1: true });
    expect(all).toEqual({ Orientation: "Rotate 90 CW" });
    const text = Buffer.from(out).toString("latin1");
    for (const gone of ["PhoneMaker", "SERIAL", "adobe:ns:meta", "Photoshop", "taken at home", "MPF"]) expect(text).not.toContain(gone);
  });

  it("keeps JFIF, the ICC profile and the Adobe segment, and the image data byte for byte", () => {
    const original = photoJpeg();
    const out = processImage(original, "image/jpeg", STRIP).bytes;
    const markers = jpegSegments(out).map((s) => s.marker);
    expect(markers.slice(0, 5)).toEqual([0xe0, 0xe1, 0xe2, 0xee, 0xdb]);
    expect(
      jpegSegments(out)
        .find((s) => s.marker === 0xe2)!
        .body.subarray(14),
    ).toEqual(ICC);
    expect(jpegImageData(out)).toEqual(jpegImageData(original));
    // The trailer a phone appends after the image, with its own EXIF, is gone.
    expect(Buffer.from(out).subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  });

  it("still decodes to the same pixels", () => {
    const out = processImage(photoJpeg(), "image/jpeg", STRIP).bytes;
    expect(Buffer.from(jpeg.decode(out).data)).toEqual(Buffer.from(jpeg.decode(plainJpeg()).data));
  });

  it("keeps no EXIF at all when the orientation is 1", async () => {
    const out = processImage(photoJpeg(1), "image/jpeg", STRIP).bytes;
    expect(jpegSegments(out).some((s) => s.marker === 0xe1)).toBe(false);
    expect(await exifr.orientation(out)).toBeUndefined();
  });

  it("returns the very same bytes when there is nothing to remove", () => {
    const plain = plainJpeg();
    expect(stripJpegMetadata(plain)).toBe(plain);
  });

  it("refuses, without throwing anything but a refusal, a JPEG cut short in its segments", () => {
    const photo = photoJpeg();
    for (const cut of [3, 10, 30, 200]) expect(() => stripJpegMetadata(photo.subarray(0, cut))).toThrow(ProcessRefusal);
    expect(() => stripJpegMetadata(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 1, 2]))).toThrow(ProcessRefusal);
  });

  it("strips a JPEG cut short inside its image data, keeping what is there", () => {
    const photo = photoJpeg();
    const cut = photo.subarray(0, photo.length - 400);
    const out = stripJpegMetadata(cut);
    expect(Buffer.from(out).toString("latin1")).not.toContain("PhoneMaker");
    expect(Buffer.from(out).subarray(-50)).toEqual(Buffer.from(cut).subarray(-50));
  });
});

describe("PNG metadata removal", () => {
  it("removes text, eXIf, tIME and private chunks; keeps iCCP, pHYs, the image, and orientation 6 alone", async () => {
    const original = photoPng();
    expect((await exifr.gps(original)).latitude).toBeCloseTo(GPS.latitude, 3);
    const out = processImage(original, "image/png", STRIP).bytes;
    expect(pngTypes(out)).toEqual(["IHDR", "iCCP", "pHYs", "eXIf", "IDAT", "IEND"]);
    expect(await exifr.gps(out)).toBeUndefined();
    expect(await exifr.orientation(out)).toBe(6);
    for (const type of ["IHDR", "iCCP", "pHYs", "IDAT", "IEND"]) expect(pngChunkBytes(out, type)).toEqual(pngChunkBytes(original, type));
  });

  it("writes the kept eXIf with a correct CRC", () => {
    const out = processImage(photoPng(), "image/png", STRIP).bytes;
    const [exif] = pngChunkBytes(out, "eXIf");
    expect(pngChunk("eXIf", exif.subarray(8, exif.length - 4))).toEqual(exif);
  });

  it("keeps no eXIf when the orientation is 1", () => {
    expect(pngTypes(processImage(photoPng(1), "image/png", STRIP).bytes)).not.toContain("eXIf");
  });

  it("keeps the frames of an APNG and removes its text", () => {
    const original = animatedPng();
    const out = stripPngMetadata(original);
    expect(pngTypes(out)).toEqual(["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "IEND"]);
    for (const type of ["acTL", "fcTL", "IDAT", "fdAT"]) expect(pngChunkBytes(out, type)).toEqual(pngChunkBytes(original, type));
  });

  it("refuses a PNG cut short, or with a chunk longer than the file", () => {
    const png = photoPng();
    for (const cut of [9, 20, png.length - 5]) expect(() => stripPngMetadata(png.subarray(0, cut))).toThrow(ProcessRefusal);
    const lying = Buffer.from(png);
    lying.writeUInt32BE(0x7ffffff0, 8);
    expect(() => stripPngMetadata(lying)).toThrow(ProcessRefusal);
  });
});

describe("WebP metadata removal", () => {
  it("removes EXIF and XMP, keeps ICCP and the image, clears the XMP flag and fixes the RIFF size", async () => {
    const original = photoWebp();
    const out = stripWebpMetadata(original);
    const chunks = webpChunks(out);
    expect(chunks.map((c) => c.fourcc)).toEqual(["VP8X", "ICCP", "ALPH", "VP8 ", "EXIF"]);
    expect(Buffer.from(out).readUInt32LE(4)).toBe(out.length - 8);
    const flags = chunks[0].data[0];
    expect(flags & 0x04).toBe(0);
    expect(flags & 0x08).toBe(0x08);
    expect(flags & 0x20).toBe(0x20);
    expect(chunks[1].data).toEqual(ICC);
    expect(chunks.slice(2, 4)).toEqual(webpChunks(plainWebp()).slice(1));
    const exif = chunks[4].data;
    expect(await exifr.gps(exif)).toBeUndefined();
    expect(await exifr.orientation(exif)).toBe(6);
    expect(await exifr.parse(exif, { tiff: true, exif: true, gps: true })).toEqual({ Orientation: "Rotate 90 CW" });
    expect(Buffer.from(out).toString("latin1")).not.toContain("adobe:ns:meta");
  });

  it("clears the EXIF flag too when the orientation is 1", () => {
    const out = stripWebpMetadata(photoWebp(1));
    const chunks = webpChunks(out);
    expect(chunks.map((c) => c.fourcc)).toEqual(["VP8X", "ICCP", "ALPH", "VP8 "]);
    expect(chunks[0].data[0] & 0x0c).toBe(0);
  });

  it("keeps an animated WebP's frames and its animation flag", () => {
    const original = animatedWebp();
    const out = stripWebpMetadata(original);
    const chunks = webpChunks(out);
    expect(chunks.map((c) => c.fourcc)).toEqual(["VP8X", "ANIM", "ANMF", "ANMF"]);
    expect(chunks[0].data[0]).toBe(0x10 | 0x02);
    expect(chunks.filter((c) => c.fourcc === "ANMF").map((c) => c.data)).toEqual(
      webpChunks(original)
        .filter((c) => c.fourcc === "ANMF")
        .map((c) => c.data),
    );
  });

  it("returns a WebP without metadata as it is, and refuses one cut short", () => {
    const plain = plainWebp();
    expect(stripWebpMetadata(plain)).toBe(plain);
    expect(() => stripWebpMetadata(photoWebp().subarray(0, 100))).toThrow(ProcessRefusal);
  });
});

describe("GIF metadata removal", () => {
  it("removes the comment and the XMP extension, keeping the loop and both frames", () => {
    const original = animatedGif();
    const out = Buffer.from(stripGifMetadata(original));
    expect(out.toString("latin1")).not.toContain("taken at home");
    expect(out.toString("latin1")).not.toContain("XMP Data");
    expect(out.toString("latin1")).toContain("NETSCAPE2.0");
    // Header, colour table and loop extension, then the two frames, unchanged.
    const framesAt = (b: Buffer): Buffer => b.subarray(b.indexOf(Buffer.from([0x21, 0xf9])));
    expect(framesAt(out)).toEqual(framesAt(original));
    expect(out.subarray(0, 19 + 19)).toEqual(original.subarray(0, 19 + 19));
  });

  it("refuses a GIF cut short", () => {
    const gif = animatedGif();
    expect(() => stripGifMetadata(gif.subarray(0, gif.length - 3))).toThrow(ProcessRefusal);
  });
});

describe("formats whose metadata cannot be removed", () => {
  it("refuses a TIFF holding GPS, and passes one without metadata as it is", () => {
    const withGps = tiffBlock([
      { tag: 0x0100, type: 3, values: [1] },
      { tag: 0x8825, ifd: [{ tag: 1, type: 2, values: "N" }] },
    ]);
    expect(() => processImage(withGps, "image/tiff", STRIP)).toThrow(/cannot be removed without converting/);
    const bare = tiffBlock([{ tag: 0x0100, type: 3, values: [1] }]);
    expect(processImage(bare, "image/tiff", STRIP).changed).toBe(false);
  });

  it("refuses a HEIC holding an Exif item, and passes one without as it is", () => {
    const heic = (itemType: string): Buffer => {
      const box = (type: string, body: Buffer): Buffer => Buffer.concat([u32(8 + body.length), Buffer.from(type), body]);
      const infe = box("infe", Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from([0, 1, 0, 0]), Buffer.from(itemType), Buffer.from("\0")]));
      const iinf = box("iinf", Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1]), infe]));
      return Buffer.concat([box("ftyp", Buffer.from("heic\0\0\0\0mif1heic")), box("meta", Buffer.concat([Buffer.alloc(4), iinf]))]);
    };
    expect(() => processImage(heic("Exif"), "image/heic", STRIP)).toThrow(ProcessRefusal);
    expect(processImage(heic("hvc1"), "image/heic", STRIP).changed).toBe(false);
    expect(() => processImage(heic("hvc1").subarray(0, 30), "image/heic", STRIP)).toThrow(ProcessRefusal);
  });

  it("changes nothing when metadata removal is off", () => {
    const photo = photoJpeg();
    expect(processImage(photo, "image/jpeg", { stripMetadata: false, sanitizeSvg: true }).bytes).toBe(photo);
  });

  it("reads the orientation of a little-endian EXIF block too", async () => {
    const big = phoneExif(8);
    const little = Buffer.from(tiffLittle(8));
    const jpegWith = (tiff: Buffer): Buffer => {
      const plain = plainJpeg();
      const app0End = 4 + plain.readUInt16BE(4);
      const body = Buffer.concat([Buffer.from("Exif\0\0"), tiff]);
      const head = Buffer.from([0xff, 0xe1, 0, 0]);
      head.writeUInt16BE(body.length + 2, 2);
      return Buffer.concat([plain.subarray(0, app0End), head, body, plain.subarray(app0End)]);
    };
    expect(await exifr.orientation(stripJpegMetadata(jpegWith(big)))).toBe(8);
    expect(await exifr.orientation(stripJpegMetadata(jpegWith(little)))).toBe(8);
  });
});

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

/** II*\0, IFD0 with Orientation and a Make, little-endian. */
function tiffLittle(orientation: number): Uint8Array {
  const b = Buffer.alloc(8 + 2 + 24 + 4);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(2, 8);
  b.writeUInt16LE(0x010f, 10);
  b.writeUInt16LE(2, 12);
  b.writeUInt32LE(4, 14);
  b.write("Cam\0", 18, "latin1");
  b.writeUInt16LE(0x0112, 22);
  b.writeUInt16LE(3, 24);
  b.writeUInt32LE(1, 26);
  b.writeUInt16LE(orientation, 30);
  return b;
}

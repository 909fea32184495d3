import fc from "fast-check";
import { extensionForMime, sniffImageType } from "../../../../src/core/prepare/sniff";

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : p)));
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

/** An ISO-BMFF `ftyp` box with the given major and compatible brands. */
function ftyp(major: string, compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], "ftyp", major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0x20], "meta");
}

describe("sniffImageType recognises images by their bytes", () => {
  const cases: Array<[string, Uint8Array, string, string]> = [
    ["a 1×1 PNG", b64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="), "image/png", "png"],
    ["a JFIF JPEG", bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], "JFIF", [0]), "image/jpeg", "jpg"],
    ["an Exif JPEG", bytes([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10], "Exif", [0, 0]), "image/jpeg", "jpg"],
    ["a GIF89a", b64("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), "image/gif", "gif"],
    ["a GIF87a", bytes("GIF87a", [1, 0, 1, 0]), "image/gif", "gif"],
    ["a lossless WebP", b64("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="), "image/webp", "webp"],
    ["an AVIF with avif as major brand", ftyp("avif", ["avif", "mif1", "miaf", "MA1B"]), "image/avif", "avif"],
    ["an AVIF sequence", ftyp("avis", ["avis", "msf1", "miaf"]), "image/avif", "avif"],
    ["an AVIF listing avif only as a compatible brand", ftyp("mif1", ["mif1", "avif", "miaf"]), "image/avif", "avif"],
    ["an iPhone HEIC", ftyp("heic", ["mif1", "heic"]), "image/heic", "heic"],
    ["a generic HEIF", ftyp("mif1", ["mif1"]), "image/heif", "heif"],
    ["a Windows BMP", bytes("BM", [0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0]), "image/bmp", "bmp"],
    ["a little-endian TIFF", bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), "image/tiff", "tiff"],
    ["a big-endian TIFF", bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), "image/tiff", "tiff"],
    ["an ICO", bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0]), "image/x-icon", "ico"],
    ["a bare SVG", utf8('<svg xmlns="http://www.w3.org/2000/svg"/>'), "image/svg+xml", "svg"],
    ["an SVG with BOM and leading blank lines", utf8('\ufeff\n\n  <svg width="1">'), "image/svg+xml", "svg"],
    [
      "an Inkscape SVG with declaration, comment and doctype",
      utf8(
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Created with Inkscape -->\n' +
          '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg\n xmlns="http://www.w3.org/2000/svg">',
      ),
      "image/svg+xml",
      "svg",
    ],
    ["an SVG whose doctype subset contains >", utf8('<!DOCTYPE svg [ <!ENTITY a "x>y"> ]><svg>'), "image/svg+xml", "svg"],
    ["an SVG in upper case", utf8("<SVG VIEWBOX='0 0 1 1'>"), "image/svg+xml", "svg"],
    ["a UTF-16 SVG", new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<svg/>", "utf16le")])), "image/svg+xml", "svg"],
  ];

  test.each(cases)("%s", (_label, input, mime, ext) => {
    expect(sniffImageType(input)).toEqual({ mime, ext });
  });
});

describe("sniffImageType refuses what is not an image", () => {
  const cases: Array<[string, Uint8Array]> = [
    ["no bytes", new Uint8Array()],
    ["a truncated PNG signature", bytes([0x89, 0x50, 0x4e, 0x47])],
    ["plain text", utf8("hello, world")],
    ["text that starts with BM", utf8("BMW makes cars, and this sentence is long enough")],
    ["an HTML page", utf8("<!doctype html><html><body><svg></svg></body></html>")],
    ["markup where svg is not the root", utf8("<div><svg></svg></div>")],
    ["a tag that only starts with svg", utf8("<svgfoo>")],
    ["a comment that never ends", utf8("<!-- <svg>")],
    ["an SVG behind a prolog longer than 4 KiB", utf8(`<!--${"x".repeat(5000)}--><svg>`)],
    ["a cursor file", bytes([0, 0, 2, 0, 1, 0, 16, 16])],
    ["an ICO header with no images", bytes([0, 0, 1, 0, 0, 0])],
    ["a PDF", utf8("%PDF-1.7\n")],
    ["a ZIP archive", bytes("PK", [3, 4, 20, 0])],
    ["an MP4 video", ftyp("isom", ["isom", "iso2", "mp41"])],
    ["a WAV file in a RIFF container", bytes("RIFF", [0, 0, 0, 0], "WAVEfmt ")],
  ];

  test.each(cases)("%s", (_label, input) => {
    expect(sniffImageType(input)).toBeNull();
  });
});

test("never answers with the wrong names image/jpg or image/svg, whatever the bytes", () => {
  const allowed = new Set([
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/heic",
    "image/heif",
    "image/svg+xml",
    "image/bmp",
    "image/tiff",
    "image/x-icon",
  ]);
  const prefixes = [[0xff, 0xd8, 0xff], [0x89, 0x50, 0x4e, 0x47], [...Buffer.from("<svg")], [0, 0, 1, 0], []];
  fc.assert(
    fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 64 }), (prefix, rest) => {
      const result = sniffImageType(new Uint8Array([...prefix, ...rest]));
      expect(result === null || allowed.has(result.mime)).toBe(true);
    }),
  );
});

describe("extensionForMime", () => {
  test("maps canonical and common misspelled types to canonical extensions", () => {
    expect(extensionForMime("image/jpeg")).toBe("jpg");
    expect(extensionForMime("image/jpg")).toBe("jpg");
    expect(extensionForMime("IMAGE/SVG+XML; charset=utf-8")).toBe("svg");
    expect(extensionForMime("image/svg")).toBe("svg");
    expect(extensionForMime("image/vnd.microsoft.icon")).toBe("ico");
  });

  test("returns undefined for types it does not know", () => {
    expect(extensionForMime("application/pdf")).toBeUndefined();
    expect(extensionForMime("")).toBeUndefined();
  });
});

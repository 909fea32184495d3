/**
 * Real images carrying metadata, built for the processing tests: a JPEG encoded by jpeg-js
 * with EXIF (GPS position, orientation 6, a thumbnail), XMP, IPTC, an ICC profile, an Adobe
 * segment, a comment and a phone-style trailer; PNGs with text, eXIf and APNG chunks; WebPs
 * (a still with alpha, and an animation) with EXIF, XMP and an ICC profile; an animated GIF with a comment and
 * XMP; SVGs with script. Every chunk has a correct length and CRC, so independent parsers
 * (exifr, jpeg-js) read them.
 */
import * as zlib from "node:zlib";
import * as jpeg from "jpeg-js";

/** A 16×16 lossy WebP with alpha (VP8X, ALPH, VP8), CPython's test image `imghdrdata/python.webp`. */
const PYTHON_WEBP = Buffer.from(
  "UklGRqgBAABXRUJQVlA4WAoAAAAQAAAADwAADwAAQUxQSMMAAAABJ6KokSTleucYX+ffKpmImP90cY3gJjDi4Yt3MsjBEVyDKzDosHgVjnhRNcEIDAJPkqBqsFUZHNa2bUYvTsZ2PLbtd/uvKa4hov9J0f2PkPe6REkkGzolkTTzFG0Ox9PlFiD0CxS+kOGDtxoynjaCfx0pfk52CPuInrOR75lzRugygtv4zEiy90UwfSD9NheMITJWLaXWayO8XeOlWRXVnIGk2W6WdYoYMQ+KqixQNPowgt+6a1BSKbUtz+lUFAoBAAAAVlA4IL4AAACQAgCdASoQABAAAwA0JbACdDBPCIUMfAMdCCz96AD+/XSg/QKbH4r3Q3ycN/bSDK/T/zVo4u6nvclvG/SqxWOuup+XhN9BojvaW+Tv+MvxvX/hr/o/5Qns9LtmX/+qKdl/yWznhuasl7nkxvSTI4xf3Y85VSB/lU/8Ofj/b9JrA+ifvIOYZm2x1RP/dhfmsf5diuSfR7+z+r/+HR3zEo/+XM/B+vkYw73Pzx+ROaAB/ZoBSzEs3rzZe6qsAAAA",
  "base64",
);

/** Where the test images say they were taken. */
export const GPS = { latitude: 48.8584, longitude: 2.2945 };

type TiffValue = { tag: number; type: 2 | 3 | 4 | 5; values: number[] | string } | { tag: number; ifd: TiffValue[] };

/** A big-endian TIFF block (EXIF) with IFD0 holding `entries`; sub-IFDs (EXIF, GPS) are written after it. */
export function tiffBlock(entries: TiffValue[]): Buffer {
  const chunks: Buffer[] = [Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8])];
  let size = 8;
  const writeIfd = (list: TiffValue[]): number => {
    const at = size;
    const sorted = [...list].sort((a, b) => a.tag - b.tag);
    const dir = Buffer.alloc(2 + sorted.length * 12 + 4);
    size += dir.length;
    chunks.push(dir);
    dir.writeUInt16BE(sorted.length, 0);
    sorted.forEach((e, i) => {
      const o = 2 + i * 12;
      dir.writeUInt16BE(e.tag, o);
      if ("ifd" in e) {
        dir.writeUInt16BE(4, o + 2);
        dir.writeUInt32BE(1, o + 4);
        dir.writeUInt32BE(writeIfd(e.ifd), o + 8);
        return;
      }
      let data: Buffer;
      if (e.type === 2) data = Buffer.from(`${e.values as string}\0`, "latin1");
      else if (e.type === 3) data = Buffer.concat((e.values as number[]).map((v) => Buffer.from([v >> 8, v & 0xff])));
      else if (e.type === 4) data = Buffer.concat((e.values as number[]).map((v) => u32(v)));
      else data = Buffer.concat((e.values as number[]).map((v) => Buffer.concat([u32(Math.round(v * 10000)), u32(10000)])));
      const count = e.type === 2 ? data.length : e.type === 5 ? data.length / 8 : (e.values as number[]).length;
      dir.writeUInt16BE(e.type, o + 2);
      dir.writeUInt32BE(count, o + 4);
      if (data.length <= 4) {
        data.copy(dir, o + 8);
      } else {
        dir.writeUInt32BE(size, o + 8);
        chunks.push(data);
        size += data.length;
      }
    });
    return at;
  };
  writeIfd(entries);
  return Buffer.concat(chunks);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** EXIF as a phone writes it: orientation, camera, date, and the GPS position. */
export function phoneExif(orientation = 6): Buffer {
  return tiffBlock([
    { tag: 0x010f, type: 2, values: "PhoneMaker" },
    { tag: 0x0110, type: 2, values: "Phone 15 Pro" },
    { tag: 0x0112, type: 3, values: [orientation] },
    { tag: 0x0132, type: 2, values: "2026:01:02 03:04:05" },
    {
      tag: 0x8769,
      ifd: [
        { tag: 0x9003, type: 2, values: "2026:01:02 03:04:05" },
        { tag: 0xa431, type: 2, values: "SERIAL-12345" },
      ],
    },
    {
      tag: 0x8825,
      ifd: [
        { tag: 0x0001, type: 2, values: "N" },
        { tag: 0x0002, type: 5, values: dms(GPS.latitude) },
        { tag: 0x0003, type: 2, values: "E" },
        { tag: 0x0004, type: 5, values: dms(GPS.longitude) },
      ],
    },
  ]);
}

function dms(deg: number): number[] {
  const d = Math.floor(deg);
  const m = Math.floor((deg - d) * 60);
  return [d, m, (deg - d - m / 60) * 3600];
}

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.504N" exif:GPSLongitude="2,17.67E"/></rdf:RDF></x:xmpmeta>`;

/** A small ICC profile's bytes: only carried, never interpreted, by the code under test. */
export const ICC = Buffer.concat([u32(132), Buffer.from("test", "ascii"), Buffer.alloc(124, 7)]);

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A baseline 16×16 JPEG from jpeg-js, with its JFIF segment: no metadata. Another `seed` gives another picture. */
export function plainJpeg(seed = 0): Buffer {
  const width = 16;
  const height = 16;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i + seed) % 256, (i * 7 + (seed >> 8)) % 256, (i * 13 + (seed >> 16)) % 256, 255], i * 4);
  return Buffer.from(jpeg.encode({ data, width, height }, 90).data);
}

/** The plain JPEG (of `seed`) with every kind of metadata a photo may carry, and a trailer after its end. */
export function photoJpeg(orientation = 6, seed = 0): Buffer {
  const plain = plainJpeg(seed);
  // jpeg-js writes SOI, then APP0 JFIF: the metadata goes after that, where cameras put it.
  const app0End = 4 + plain.readUInt16BE(4);
  const trailer = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe1, Buffer.concat([Buffer.from("Exif\0\0", "latin1"), phoneExif(1)])),
    Buffer.from([0xff, 0xd9]),
  ]);
  return Buffer.concat([
    plain.subarray(0, app0End),
    segment(0xe1, Buffer.concat([Buffer.from("Exif\0\0", "latin1"), phoneExif(orientation)])),
    segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${XMP}`, "latin1")),
    segment(0xe2, Buffer.concat([Buffer.from("ICC_PROFILE\0", "latin1"), Buffer.from([1, 1]), ICC])),
    segment(0xe2, Buffer.from("MPF\0MM\0*\0\0\0\x08", "latin1")),
    segment(0xed, Buffer.from("Photoshop 3.0\0" + "8BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x5a\0\x05Paris", "latin1")),
    segment(0xee, Buffer.from("Adobe\0\x64\0\0\0\0\x01", "latin1")),
    segment(0xfe, Buffer.from("taken at home", "latin1")),
    plain.subarray(app0End),
    trailer,
  ]);
}

/** The bytes from the first frame header (SOF0) to the end-of-image marker: tables, frame and scan data. */
export function jpegImageData(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
  const eoi = b.indexOf(Buffer.from([0xff, 0xd9]), sof);
  return b.subarray(sof, eoi + 2);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  return Buffer.concat([u32(data.length), body, u32(zlib.crc32(body))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdr(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(width, 0);
  b.writeUInt32BE(height, 4);
  b[8] = 8;
  b[9] = 6;
  return b;
}

function rgbaRows(width: number, height: number, seed: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 4);
    for (let x = 0; x < width; x++) row.set([(x * 16 + seed) % 256, (y * 16) % 256, seed % 256, 255], 1 + x * 4);
    rows.push(row);
  }
  return zlib.deflateSync(Buffer.concat(rows));
}

/** A 4×4 PNG with an ICC profile, text in all three forms, eXIf (GPS, orientation 6) and a time stamp. */
export function photoPng(orientation = 6): Buffer {
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr(4, 4)),
    pngChunk("iCCP", Buffer.concat([Buffer.from("test\0\0", "latin1"), zlib.deflateSync(ICC)])),
    pngChunk("pHYs", Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])),
    pngChunk("tEXt", Buffer.from("Comment\0taken at home", "latin1")),
    pngChunk("zTXt", Buffer.concat([Buffer.from("Author\0\0", "latin1"), zlib.deflateSync(Buffer.from("Jane Doe"))])),
    pngChunk("iTXt", Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP}`, "utf8")),
    pngChunk("eXIf", phoneExif(orientation)),
    pngChunk("tIME", Buffer.from([0x07, 0xea, 1, 2, 3, 4, 5])),
    pngChunk("prVt", Buffer.from("vendor data", "latin1")),
    pngChunk("IDAT", rgbaRows(4, 4, 1)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A 4×4 APNG of two frames, with a text chunk. */
export function animatedPng(): Buffer {
  const fctl = (seq: number): Buffer => {
    const b = Buffer.alloc(26);
    b.writeUInt32BE(seq, 0);
    b.writeUInt32BE(4, 4);
    b.writeUInt32BE(4, 8);
    b.writeUInt16BE(1, 20);
    b.writeUInt16BE(2, 22);
    return b;
  };
  const actl = Buffer.concat([u32(2), u32(0)]);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr(4, 4)),
    pngChunk("acTL", actl),
    pngChunk("tEXt", Buffer.from("Comment\0animated", "latin1")),
    pngChunk("fcTL", fctl(0)),
    pngChunk("IDAT", rgbaRows(4, 4, 1)),
    pngChunk("fcTL", fctl(1)),
    pngChunk("fdAT", Buffer.concat([u32(2), rgbaRows(4, 4, 200)])),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(data.length);
  return Buffer.concat([Buffer.from(fourcc, "ascii"), size, data, data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)]);
}

function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat(chunks);
  const head = Buffer.from("RIFF\0\0\0\0WEBP", "ascii");
  head.writeUInt32LE(body.length + 4, 4);
  return Buffer.concat([head, body]);
}

/** The chunks of the base WebP after its VP8X header: ALPH and VP8. */
export function webpImageChunks(): Buffer {
  const vp8xSize = PYTHON_WEBP.readUInt32LE(16);
  return PYTHON_WEBP.subarray(12 + 8 + vp8xSize);
}

function vp8x(flags: number): Buffer {
  const b = PYTHON_WEBP.subarray(20, 30);
  const out = Buffer.from(b);
  out[0] = flags;
  return out;
}

/** The 16×16 WebP with an ICC profile, EXIF (GPS, orientation 6) and XMP, flags set in its VP8X header. */
export function photoWebp(orientation = 6): Buffer {
  return riff([
    riffChunk("VP8X", vp8x(0x20 | 0x10 | 0x08 | 0x04)),
    riffChunk("ICCP", ICC),
    webpImageChunks(),
    riffChunk("EXIF", phoneExif(orientation)),
    riffChunk("XMP ", Buffer.from(XMP, "utf8")),
  ]);
}

/** A two-frame animated WebP whose frames are the base image's ALPH and VP8 chunks, with EXIF. */
export function animatedWebp(): Buffer {
  const frame = (x: number): Buffer => {
    const head = Buffer.alloc(16);
    head.writeUIntLE(x, 0, 3);
    head.writeUIntLE(15, 6, 3);
    head.writeUIntLE(15, 9, 3);
    head.writeUIntLE(100, 12, 3);
    return riffChunk("ANMF", Buffer.concat([head, webpImageChunks()]));
  };
  const canvas = Buffer.from(vp8x(0x10 | 0x08 | 0x02));
  canvas.writeUIntLE(31, 4, 3);
  return riff([riffChunk("VP8X", canvas), riffChunk("ANIM", Buffer.from([0, 0, 0, 0, 0, 0])), frame(0), frame(8), riffChunk("EXIF", phoneExif(1))]);
}

/** The base WebP as it is: VP8X, ALPH, VP8; no metadata. */
export function plainWebp(): Buffer {
  return Buffer.from(PYTHON_WEBP);
}

/** A 1×1 GIF of `frames` frames that loops, with a comment and an XMP application extension. */
export function animatedGif(frames = 2): Buffer {
  const frame = (colour: number): Buffer =>
    Buffer.concat([
      Buffer.from([0x21, 0xf9, 4, 0x04, 10, 0, 0, 0]),
      Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]),
      // LZW code size 2, one sub-block holding clear, the colour index, end.
      Buffer.from([2, 2, colour === 0 ? 0x44 : 0x4c, 1, 0]),
    ]);
  return Buffer.concat([
    Buffer.from("GIF89a", "ascii"),
    Buffer.from([1, 0, 1, 0, 0x80, 0, 0]),
    Buffer.from([0, 0, 0, 255, 255, 255]),
    Buffer.from([0x21, 0xff, 11, ...Buffer.from("NETSCAPE2.0", "ascii"), 3, 1, 0, 0, 0]),
    Buffer.from([0x21, 0xfe, 13, ...Buffer.from("taken at home", "ascii"), 0]),
    Buffer.from([0x21, 0xff, 11, ...Buffer.from("XMP DataXMP", "ascii"), 4, ...Buffer.from("<x/>", "ascii"), 0]),
    ...Array.from({ length: frames }, (_, i) => frame(i % 2)),
    Buffer.from([0x3b]),
  ]);
}

/** An SVG with every common way of running script, around a drawing that must survive. */
export const HOSTILE_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="evil.xsl"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">
  <script>alert(2)</script>
  <script type="text/javascript"><![CDATA[ if (a < b) alert(3) ]]></script>
  <rect width="10" height="10" fill="red" onclick = 'alert(4)'/>
  <a xlink:href="javascript:alert(5)"><circle r="2"/></a>
  <a href=" &#106;avascript:alert(6)"><circle r="3"/></a>
  <a href="https://example.com/"><text>ok</text></a>
  <image href="data:text/html,&lt;script&gt;alert(7)&lt;/script&gt;"/>
  <image href="data:image/png;base64,iVBORw0KGgo="/>
  <foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="javascript:alert(8)"></iframe></body></foreignObject>
  <use href="https://evil.example/sprite.svg#x"/>
  <use href="#local"/>
  <animate attributeName="href" to="javascript:alert(9)"/>
  <set attributeName="fill" to="blue"/>
  <html:div xmlns:html="http://www.w3.org/1999/xhtml"><html:img src="x" onerror="alert(10)"/></html:div>
  <embed src="evil.swf"/>
</svg>
`;

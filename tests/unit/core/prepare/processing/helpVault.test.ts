import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as jpeg from "jpeg-js";
import { processImage } from "../../../../../src/core/prepare/processing";
import { sniffImageType } from "../../../../../src/core/prepare/sniff";
import { helpVault, itWithHelpVault } from "../../../../support/fixtures";
import { jpegImageData } from "../../../../support/images";

/** The IDAT chunks of a PNG, read here without the code under test. */
function idat(b: Uint8Array): Buffer {
  const buf = Buffer.from(b);
  const out: Buffer[] = [];
  for (let at = 8; at + 8 <= buf.length; at += 12 + buf.readUInt32BE(at)) {
    if (buf.toString("latin1", at + 4, at + 8) === "IDAT") out.push(buf.subarray(at, at + 12 + buf.readUInt32BE(at)));
  }
  return Buffer.concat(out);
}

itWithHelpVault("processes every image of the Obsidian Help vault without refusing one or touching its pixels", async () => {
  const files = readdirSync(path.join(helpVault, "Attachments"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  const seen: Record<string, number> = {};
  for (const entry of files) {
    const bytes = new Uint8Array(readFileSync(path.join(entry.parentPath, entry.name)));
    const type = sniffImageType(bytes)?.mime;
    if (type === undefined) continue;
    seen[type] = (seen[type] ?? 0) + 1;
    const out = processImage(bytes, type, { stripMetadata: true, sanitizeSvg: true }).bytes;
    if (type === "image/png") expect({ file: entry.name, idat: idat(out).equals(idat(bytes)) }).toEqual({ file: entry.name, idat: true });
    if (type === "image/jpeg") {
      expect(jpegImageData(out)).toEqual(jpegImageData(bytes));
      expect(Buffer.from(jpeg.decode(out, { useTArray: true }).data).equals(Buffer.from(jpeg.decode(bytes, { useTArray: true }).data))).toBe(true);
    }
  }
  expect(seen["image/png"]).toBeGreaterThan(40);
  expect(seen["image/jpeg"]).toBeGreaterThan(0);
});

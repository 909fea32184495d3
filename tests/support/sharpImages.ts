/**
 * Real images made with sharp, for the tests of converting and scaling: a photo-like JPEG
 * (smooth gradients with fine grain, which compresses as photos do), an animated GIF and a
 * PNG too small to shrink. Each carries random bytes so its SHA-256 is its own.
 */
import { randomBytes } from "node:crypto";
import sharp from "sharp";

/** A photo-like JPEG of `width` × `height`; with `orientation`, stored with that EXIF orientation. */
export async function photoJpeg(width: number, height: number, opts: { orientation?: number; quality?: number } = {}): Promise<Uint8Array> {
  const seed = randomBytes(3);
  const raw = Buffer.alloc(width * height * 3);
  const grain = randomBytes(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const g = (grain[y * width + x] & 15) - 8;
      raw[i] = clamp(((x * 255) / width + seed[0] + g) % 256);
      raw[i + 1] = clamp(((y * 255) / height + seed[1] + g) % 256);
      raw[i + 2] = clamp(128 + 100 * Math.sin((x + y + seed[2]) / 90) + g);
    }
  }
  let image = sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: opts.quality ?? 92 });
  if (opts.orientation !== undefined) image = image.withMetadata({ orientation: opts.orientation });
  return new Uint8Array(await image.toBuffer());
}

/** A two-frame animated GIF of 32 × 32. */
export async function animatedGif(): Promise<Uint8Array> {
  const frame = (colour: Buffer): Promise<Buffer> =>
    sharp({ create: { width: 32, height: 32, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } })
      .png()
      .toBuffer();
  const frames = await Promise.all([frame(randomBytes(3)), frame(randomBytes(3))]);
  return new Uint8Array(
    await sharp(frames, { join: { animated: true } })
      .gif({ delay: [100, 100], loop: 0 })
      .toBuffer(),
  );
}

/** A one-colour 8 × 8 PNG: any JPEG of it is larger. */
export async function tinyPng(): Promise<Uint8Array> {
  const [r, g, b] = randomBytes(3);
  return new Uint8Array(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer(),
  );
}

/** Width, height, format and metadata of an image, as sharp reads them. */
export async function imageFacts(
  bytes: Uint8Array,
): Promise<{ format?: string; width?: number; height?: number; pages?: number; exif: boolean; orientation?: number }> {
  const m = await sharp(bytes).metadata();
  return { format: m.format, width: m.width, height: m.height, pages: m.pages, exif: m.exif !== undefined, orientation: m.orientation };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/**
 * The command-line tool's image codec, over sharp (libvips). sharp is a native module, so it
 * is kept out of the bundle and loaded only when a run converts or scales images: `--version`,
 * `--help` and plain uploads never load it.
 */
import type { DecodedImage, EncodableType, EncodeRequest, ImageCodec } from "../core/prepare/imageCodec";
import { UsageError } from "./args";

type SharpModule = typeof import("sharp").default;

/** What sharp's prebuilt libvips reads (HEIC is left out of it; SVG is never re-encoded here). */
const DECODABLE: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif", "image/tiff"]);

/**
 * Loads sharp and returns the codec over it.
 * @throws UsageError saying how to install sharp when it cannot be loaded on this machine.
 */
export async function loadSharpCodec(): Promise<ImageCodec> {
  let sharp: SharpModule;
  try {
    sharp = (await import("sharp")).default;
  } catch (e) {
    const reason = e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e);
    throw new UsageError(
      `Converting or scaling images needs the sharp package, which could not be loaded here (${reason}). ` +
        "Install the tool again with npm on this machine (npm install, with optional dependencies included) so that sharp's build for this system is installed, " +
        "or run without --convert, --max-width and --max-height.",
    );
  }
  return sharpCodec(sharp);
}

/** An `ImageCodec` over a loaded sharp. */
export function sharpCodec(sharp: SharpModule): ImageCodec {
  return {
    canDecode: (type) => DECODABLE.has(type),
    canEncode: () => Promise.resolve(true),
    async decode(bytes: Uint8Array): Promise<DecodedImage> {
      const meta = await sharp(bytes).metadata();
      if (!meta.width || !meta.height) throw new Error("the image has no size");
      // Orientations 5 to 8 turn the picture a quarter: its upright width is its stored height.
      const sideways = (meta.orientation ?? 1) >= 5;
      return {
        width: sideways ? meta.height : meta.width,
        height: sideways ? meta.width : meta.height,
        encode: (request) => encode(sharp, bytes, request),
        close: () => undefined,
      };
    },
  };
}

async function encode(sharp: SharpModule, bytes: Uint8Array, { width, height, type, quality }: EncodeRequest): Promise<Uint8Array> {
  // Upright first (rotate() with no angle follows EXIF), then scale; the output keeps no
  // metadata but the colour profile, so it looks as the original did.
  let image = sharp(bytes).rotate().resize(width, height, { fit: "fill" }).keepIccProfile();
  image = withFormat(image, type, quality);
  const out = await image.toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function withFormat(image: import("sharp").Sharp, type: EncodableType, quality: number): import("sharp").Sharp {
  switch (type) {
    case "image/jpeg":
      // JPEG has no transparency: transparent parts become white, as on a page, not black.
      return image.flatten({ background: "#ffffff" }).jpeg({ quality, mozjpeg: true });
    case "image/webp":
      return image.webp({ quality });
    case "image/avif":
      return image.avif({ quality });
    case "image/png":
      return image.png({ compressionLevel: 9 });
  }
}

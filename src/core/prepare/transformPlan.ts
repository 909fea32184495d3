/**
 * The plan for making an image web-ready, without touching a pixel: what the profile asks
 * (convert, quality, largest width and height), which type to write, what size to scale to,
 * and why an image is left as it is. Pure, so every face plans alike and tests need no codec.
 */
import type { EncodableType } from "./imageCodec";

/** What the profile's "Convert to" setting holds. */
export type ConvertSetting = "keep" | "webp" | "avif" | "jpeg";

export const CONVERT_SETTINGS: readonly ConvertSetting[] = ["keep", "webp", "avif", "jpeg"];

/** The quality a profile starts with: small files, no visible loss in photos. */
export const DEFAULT_QUALITY = 82;

/** The largest width or height a profile may ask for, far beyond any screen. */
export const MAX_SIDE_LIMIT = 100_000;

/** The transform a profile asks for, read from its text fields. */
export interface TransformSettings {
  convert: ConvertSetting;
  quality: number;
  maxWidth?: number;
  maxHeight?: number;
}

/** The profile fields the transform reads. */
export interface TransformFields {
  convert: ConvertSetting;
  quality: string;
  maxWidth: string;
  maxHeight: string;
}

/** Why an image is uploaded exactly as it was captured. */
export type SkipReason = "vector" | "animated" | "cannot-decode" | "cannot-encode" | "no-change" | "not-smaller" | "codec-failed";

/** What the transform did with one image. */
export type TransformOutcome =
  { applied: true; from: ImageFacts; to: ImageFacts } | { applied: false; reason: SkipReason; type: string; outputType?: EncodableType; detail?: string };

/** Type, byte size and (once decoded) pixel size of an image before or after the transform. */
export interface ImageFacts {
  type: string;
  bytes: number;
  width: number;
  height: number;
}

const OUTPUT_BY_SETTING: Record<Exclude<ConvertSetting, "keep">, EncodableType> = {
  webp: "image/webp",
  avif: "image/avif",
  jpeg: "image/jpeg",
};

const ENCODABLE: ReadonlySet<string> = new Set<EncodableType>(["image/jpeg", "image/png", "image/webp", "image/avif"]);

/** What is wrong with a quality, in words a person can act on; empty when usable. */
export function qualityMessages(text: string): string[] {
  const value = text.trim();
  if (value === "") return [];
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100) {
    return [`Quality must be a whole number from 1 to 100 (default ${DEFAULT_QUALITY}), not "${value}".`];
  }
  return [];
}

/** What is wrong with a largest width or height; empty (no limit) is fine. */
export function maxSideMessages(text: string, label: "Largest width" | "Largest height"): string[] {
  const value = text.trim();
  if (value === "") return [];
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_SIDE_LIMIT) {
    return [`${label} must be a whole number of pixels from 1 to ${MAX_SIDE_LIMIT}, or empty for no limit; not "${value}".`];
  }
  return [];
}

/**
 * The transform the fields ask for, or undefined when they ask for none (keep the type, no
 * size limit). Call only with fields that passed `qualityMessages` and `maxSideMessages`.
 */
export function transformSettings(fields: TransformFields): TransformSettings | undefined {
  const side = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text.trim()));
  const maxWidth = side(fields.maxWidth);
  const maxHeight = side(fields.maxHeight);
  if (fields.convert === "keep" && maxWidth === undefined && maxHeight === undefined) return undefined;
  const quality = fields.quality.trim() === "" ? DEFAULT_QUALITY : Number(fields.quality.trim());
  return { convert: fields.convert, quality, maxWidth, maxHeight };
}

/** A short, stable text of the settings, so an image converted once is known on the next run. */
export function transformRecipe(s: TransformSettings): string {
  return `${s.convert}:q${s.quality}:w${s.maxWidth ?? ""}:h${s.maxHeight ?? ""}`;
}

/** The type to write for an input of type `input`; undefined when its type is kept but cannot be written. */
export function outputTypeFor(settings: TransformSettings, input: string): EncodableType | undefined {
  if (settings.convert !== "keep") return OUTPUT_BY_SETTING[settings.convert];
  return ENCODABLE.has(input) ? (input as EncodableType) : undefined;
}

/**
 * The size that fits `width` × `height` within the limits, keeping the aspect ratio and never
 * enlarging. Each side is at least one pixel.
 */
export function fitWithin(width: number, height: number, maxWidth?: number, maxHeight?: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth === undefined ? 1 : maxWidth / width, maxHeight === undefined ? 1 : maxHeight / height);
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Why an image is not even decoded, or undefined when it should be. */
export function skipBeforeDecode(settings: TransformSettings, input: { type: string; animated: boolean }): SkipReason | undefined {
  if (input.type === "image/svg+xml") return "vector";
  if (input.animated) return "animated";
  if (outputTypeFor(settings, input.type) === undefined) return "cannot-encode";
  return undefined;
}

/**
 * The size to encode a decoded image at, or "no-change" when its type is kept and it already
 * fits: re-encoding it would only lose quality.
 */
export function planSize(settings: TransformSettings, decoded: { width: number; height: number }): { width: number; height: number } | "no-change" {
  const size = fitWithin(decoded.width, decoded.height, settings.maxWidth, settings.maxHeight);
  if (settings.convert === "keep" && size.width === decoded.width && size.height === decoded.height) return "no-change";
  return size;
}

const TYPE_NAMES: Record<string, string> = {
  "image/jpeg": "JPEG",
  "image/png": "PNG",
  "image/webp": "WebP",
  "image/avif": "AVIF",
  "image/gif": "GIF",
  "image/svg+xml": "SVG",
  "image/bmp": "BMP",
  "image/tiff": "TIFF",
  "image/x-icon": "ICO",
  "image/heic": "HEIC",
  "image/heif": "HEIF",
};

/** How a person reads a type: `image/webp` is WebP. */
export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

/** Why an image was uploaded as it was, as the end of "… was uploaded as it is: <reason>". */
export function skipText(outcome: Extract<TransformOutcome, { applied: false }>): string {
  switch (outcome.reason) {
    case "vector":
      return "SVG is a vector image and is never re-encoded";
    case "animated":
      return `it is an animated ${typeName(outcome.type)}, which is never re-encoded (only its first frame would be kept)`;
    case "cannot-decode":
      return `this device cannot read ${typeName(outcome.type)} images`;
    case "cannot-encode":
      return `this device cannot write ${typeName(outcome.outputType ?? outcome.type)} images`;
    case "no-change":
      return "it already fits the largest width and height";
    case "not-smaller":
      return `the ${typeName(outcome.outputType ?? outcome.type)} version was not smaller`;
    case "codec-failed":
      return `converting it failed${outcome.detail ? ` (${outcome.detail})` : ""}`;
  }
}

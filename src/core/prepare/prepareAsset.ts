/** The prepare stage: checks an asset, names its type from the bytes, processes it, hashes it and renders its key. */
import { UploadError } from "../errors";
import { imageLabel } from "./keyCollision";
import { processImage, ProcessRefusal, type ProcessOptions } from "./processing";
import { profileField, type Face } from "../settings/profileFields";
import { md5Hex, sha256Hex } from "./hash";
import { renderKey, templateNeedsMd5, validateKeyTemplate } from "./keyTemplate";
import { BYTES_PER_MB } from "../settings/settingsModel";
import { SUPPORTED_IMAGE_FORMATS, extensionForMime, sniffImageType } from "./sniff";
import type { Asset, PreparedAsset, Profile } from "../types";
import type { ImageCodec } from "./imageCodec";
import { transformForWeb } from "./transform";

export interface PrepareOptions {
  /** Time of the upload, for date tokens in the key. */
  now: Date;
  /** Largest accepted size in bytes; no limit when absent. */
  maxBytes?: number;
  /** Refuse files that are not a recognised image; true when absent. */
  imagesOnly?: boolean;
  /**
   * Lower-case hex SHA-256 of the bytes; `sha256Hex` (Web Crypto) when absent. The storage
   * layer passes a faster one where the platform has it (Node's native hash in the CLI).
   */
  sha256?: (bytes: Uint8Array) => Promise<string>;
  /** The platform's image codec, for the profile's convert and resize settings; nothing is converted without one. */
  codec?: ImageCodec;
  /** Whose words a refusal's advice uses: the plugin names its settings (the default), the tool its flags. */
  face?: Face;
  /** SHA-256 of the captured bytes, when the caller has hashed them already. */
  originalSha256?: string;
}

const OCTET_STREAM = "application/octet-stream";

/**
 * Types a browser would run as a page or script when opened from the bucket's domain.
 * A file that does not prove to be an image by its bytes is never served as one of these.
 */
const ACTIVE_TYPES = new Set([
  "text/html",
  "application/xhtml+xml",
  "image/svg+xml",
  "text/javascript",
  "application/javascript",
  "application/ecmascript",
  "text/xml",
  "application/xml",
]);

/** Text types no browser runs; other `text/*` types may be scripts or markup. */
const PLAIN_TEXT_TYPES = new Set(["text/plain", "text/csv", "text/markdown"]);

/**
 * Turns a captured asset into one ready to store. The bytes are processed first: metadata
 * removed and SVG made safe (see `processImage`), then converted and scaled when the profile
 * asks (see `transformForWeb`). The type, `{hash}`, `{md5}` and key are those of the bytes uploaded.
 * @throws UploadError `EmptyFile`, `TooLarge`, `NotAnImage`, `InvalidSettings` (a bad key
 *   template or image setting), `MetadataNotRemoved` or `UnsafeSvg` (an image processing cannot make safe).
 */
export async function prepareAsset(asset: Asset, profile: Profile, opts: PrepareOptions): Promise<PreparedAsset> {
  const size = asset.bytes.length;
  if (size === 0) {
    throw new UploadError("EmptyFile", `"${asset.name}" is empty (0 bytes), so there is nothing to upload.`);
  }
  if (opts.maxBytes !== undefined && size > opts.maxBytes) throw tooLargeError(asset.name, size, opts.maxBytes);
  const problems = validateKeyTemplate(profile.keyTemplate);
  if (problems.length > 0) {
    throw new UploadError("InvalidSettings", problems[0], `Fix the key template of the profile "${profile.name}".`);
  }

  const sniffed = sniffImageType(asset.bytes);
  let contentType: string;
  let ext: string;
  if (sniffed) {
    ({ mime: contentType, ext } = sniffed);
  } else if (opts.imagesOnly ?? true) {
    throw new UploadError(
      "NotAnImage",
      `"${asset.name}" is not an image (${SUPPORTED_IMAGE_FORMATS}).`,
      'Turn off "Images only" in the settings to upload other files too.',
    );
  } else {
    contentType = typeForUnknown(asset.reportedType);
    ext = extensionOf(asset.name) ?? extensionForMime(contentType) ?? "bin";
  }

  const hash = opts.sha256 ?? sha256Hex;
  const originalSha256 = opts.originalSha256 ?? (await hash(asset.bytes));
  const options: ProcessOptions = asset.unprocessed
    ? { stripMetadata: false, sanitizeSvg: false }
    : { stripMetadata: profile.stripMetadata, sanitizeSvg: profile.sanitizeSvg };
  let uploaded: Asset = asset;
  if (sniffed) {
    const bytes = processOrRefuse(asset, contentType, options, profile, opts.face ?? "plugin");
    if (bytes !== asset.bytes) uploaded = { ...asset, bytes };
  }
  // Converting and scaling come after the metadata is removed, so that an image kept as it was
  // (not smaller once converted, animated, a type the codec cannot write) is still without it.
  const transformed = sniffed && !asset.unprocessed ? await transformForWeb(uploaded, profile, opts.codec) : { asset: uploaded };
  if (transformed.asset !== uploaded) {
    uploaded = transformed.asset;
    const type = sniffImageType(uploaded.bytes);
    if (type) ({ mime: contentType, ext } = type);
  }
  const bytes = uploaded.bytes;
  const sha256 = bytes !== asset.bytes ? await hash(bytes) : originalSha256;
  const md5 = templateNeedsMd5(profile.keyTemplate) ? await md5Hex(bytes) : undefined;
  const key = renderKey(profile.keyTemplate, {
    date: opts.now,
    sha256,
    md5,
    name: asset.name,
    ext,
    notePath: asset.notePath,
  });
  return { asset: uploaded, contentType, ext, sha256, md5, key, originalSha256, ...(transformed.outcome && { transform: transformed.outcome }) };
}

/** The processed bytes, or the refusal in words the person can act on. */
function processOrRefuse(asset: Asset, type: string, options: ProcessOptions, profile: Profile, face: Face): Uint8Array {
  try {
    return processImage(asset.bytes, type, options).bytes;
  } catch (e) {
    if (!(e instanceof ProcessRefusal)) throw e;
    const name = imageLabel(asset);
    if (e.step === "svg") {
      return refuse(
        "UnsafeSvg",
        `"${name}" was not uploaded: it is an SVG file and ${e.message}.`,
        bypassAdvice("sanitizeSvg", face, profile, "upload it as it is, with anything in it that could run"),
      );
    }
    return refuse(
      "MetadataNotRemoved",
      `"${name}" was not uploaded: its metadata could not be removed, because ${e.message}.`,
      bypassAdvice("stripMetadata", face, profile, "upload it as it is, metadata included"),
    );
  }
}

function refuse(code: "UnsafeSvg" | "MetadataNotRemoved", message: string, hint: string): never {
  throw new UploadError(code, message, hint);
}

/** How to turn a processing step off: the setting in the plugin, the flag in the tool. */
function bypassAdvice(key: "stripMetadata" | "sanitizeSvg", face: Face, profile: Profile, what: string): string {
  const field = profileField(key);
  if (face === "cli") return `To ${what}, run with ${field.cli?.off?.flag ?? `"${key}": false in the config file`}.`;
  return `To ${what}, use the command "Paste image without processing", or turn off "${field.label}" in the settings of the profile "${profile.name}".`;
}

/**
 * The refusal of a file over the size limit. Faces that learn a file's size before reading
 * it refuse with this too, so the person reads the same words whichever check caught it.
 * @param name the file name to show
 * @param size the file's size in bytes
 * @param maxBytes the limit in bytes
 * @param hint what to do about it; by default, the plugin's setting to change
 */
export function tooLargeError(
  name: string,
  size: number,
  maxBytes: number,
  hint = 'Raise "Largest upload (MB)" in the settings, or make the image smaller.',
): UploadError {
  return new UploadError("TooLarge", `"${name}" is ${formatMB(size, Math.ceil)}, larger than the ${formatMB(maxBytes, Math.round)} limit.`, hint);
}

/** The reported type when it is well formed and cannot run as a page; otherwise a plain download. */
function typeForUnknown(reported: string | undefined): string {
  const type = (reported ?? "").split(";")[0].trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type)) return OCTET_STREAM;
  if (ACTIVE_TYPES.has(type) || (type.startsWith("text/") && !PLAIN_TEXT_TYPES.has(type))) return OCTET_STREAM;
  if (type === "image/jpg") return "image/jpeg";
  return type;
}

function extensionOf(name: string): string | undefined {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1].toLowerCase() : undefined;
}

/** The file's size is rounded up, so a file just over the limit never reads as equal to it. */
function formatMB(bytes: number, round: (x: number) => number): string {
  return `${round((bytes / BYTES_PER_MB) * 10) / 10} MB`;
}

/**
 * The lossy step of prepare: converts and scales an image as the profile asks, through the
 * platform's codec, and keeps the original whenever the result would not be better.
 */
import { UploadError, errorText } from "../errors";
import type { Asset, Profile } from "../types";
import { isAnimated } from "./animation";
import type { EncodableType, ImageCodec } from "./imageCodec";
import { sniffImageType } from "./sniff";
import {
  maxSideMessages,
  outputTypeFor,
  planSize,
  qualityMessages,
  skipBeforeDecode,
  transformSettings,
  type SkipReason,
  type TransformOutcome,
  type TransformSettings,
} from "./transformPlan";

/** An asset after the transform, and what was done to it (absent when the profile asks for nothing). */
export interface TransformedAsset {
  asset: Asset;
  outcome?: TransformOutcome;
}

/**
 * The transform the profile asks for, or undefined when it asks for none.
 * @throws UploadError `InvalidSettings` when its quality or largest width or height is not usable.
 */
export function profileTransform(profile: Profile): TransformSettings | undefined {
  const problems = [
    ...qualityMessages(profile.quality),
    ...maxSideMessages(profile.maxWidth, "Largest width"),
    ...maxSideMessages(profile.maxHeight, "Largest height"),
  ];
  if (problems.length > 0) throw new UploadError("InvalidSettings", problems[0], `Fix the image settings of the profile "${profile.name}".`);
  return transformSettings(profile);
}

/**
 * Converts and scales `asset` as the profile asks. SVG and animated images, types the codec
 * cannot read or write, images that already fit (when their type is kept) and results that
 * are not smaller than the original all keep the original bytes; the outcome says which.
 * The result's bytes carry no metadata but the colour profile, and its `reportedType` is the
 * type written.
 * @param codec the platform's codec; without one nothing is converted
 */
export async function transformForWeb(asset: Asset, profile: Profile, codec: ImageCodec | undefined): Promise<TransformedAsset> {
  const settings = profileTransform(profile);
  const type = settings && sniffImageType(asset.bytes)?.mime;
  if (!settings || !type) return { asset };
  const outputType = outputTypeFor(settings, type);
  const keep = (reason: SkipReason, detail?: string): TransformedAsset => ({
    asset,
    outcome: { applied: false, reason, type, outputType, detail },
  });

  const early = skipBeforeDecode(settings, { type, animated: isAnimated(asset.bytes, type) });
  if (early) return keep(early);
  const output = outputType as EncodableType;
  if (!codec || !codec.canDecode(type)) return keep("cannot-decode");
  if (!(await codec.canEncode(output))) return keep("cannot-encode");

  let bytes: Uint8Array;
  let from: { width: number; height: number };
  let to: { width: number; height: number };
  try {
    const image = await codec.decode(asset.bytes, type);
    try {
      from = { width: image.width, height: image.height };
      const size = planSize(settings, from);
      if (size === "no-change") return keep("no-change");
      to = size;
      bytes = await image.encode({ ...size, type: output, quality: settings.quality });
    } finally {
      image.close();
    }
  } catch (e) {
    return keep("codec-failed", errorText(e));
  }
  if (bytes.byteLength >= asset.bytes.byteLength) return keep("not-smaller");
  return {
    asset: { ...asset, bytes, reportedType: output },
    outcome: {
      applied: true,
      from: { type, bytes: asset.bytes.byteLength, ...from },
      to: { type: output, bytes: bytes.byteLength, ...to },
    },
  };
}

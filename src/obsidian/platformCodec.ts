/**
 * The plugin's image codec as the uploader sees it: the browser codec (canvasCodec.ts) is
 * loaded on first use only, so Obsidian's start-up never pays for it, and a type this device
 * cannot write is said once per session, not once per image.
 */
import type { EncodableType, ImageCodec } from "../core/prepare/imageCodec";
import { typeName } from "../core/prepare/transformPlan";

/** What every browser engine Obsidian runs on decodes (HEIC only on Apple's; it is left out). */
const DECODABLE: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/avif"]);

/**
 * An `ImageCodec` that loads the real one on first use and tells the person, once per type,
 * when this device cannot write the type the profile converts to (the image is then uploaded
 * as it is).
 * @param load imports the codec (`import("./canvasCodec")` in the plugin)
 * @param notify shows a message (a `Notice` in the plugin)
 */
export function platformCodec(load: () => Promise<ImageCodec>, notify: (message: string) => void): ImageCodec {
  let loading: Promise<ImageCodec> | undefined;
  const codec = (): Promise<ImageCodec> => (loading ??= load());
  const told = new Set<EncodableType>();
  return {
    canDecode: (type) => DECODABLE.has(type),
    async canEncode(type) {
      const can = await (await codec()).canEncode(type);
      if (!can && !told.has(type)) {
        told.add(type);
        notify(
          `This device cannot write ${typeName(type)} images, so images are uploaded without converting them. Choose WebP or JPEG in the profile's "Convert images to" to convert them here.`,
        );
      }
      return can;
    },
    decode: async (bytes, type) => (await codec()).decode(bytes, type),
  };
}

/** The types a codec can write, for the settings tab: "WebP, JPEG, PNG; not AVIF". */
export async function encodableSummary(codec: Pick<ImageCodec, "canEncode">): Promise<string> {
  const types: EncodableType[] = ["image/webp", "image/avif", "image/jpeg", "image/png"];
  const can = await Promise.all(types.map((t) => codec.canEncode(t)));
  const yes = types.filter((_, i) => can[i]).map(typeName);
  const no = types.filter((_, i) => !can[i]).map(typeName);
  if (yes.length === 0) return "This device cannot convert images: they are uploaded as they are.";
  return `This device can write ${yes.join(", ")}${no.length > 0 ? `; not ${no.join(", ")} (such images are uploaded as they are)` : ""}.`;
}

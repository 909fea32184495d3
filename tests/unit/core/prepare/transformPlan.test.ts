import {
  fitWithin,
  maxSideMessages,
  outputTypeFor,
  planSize,
  qualityMessages,
  skipBeforeDecode,
  transformRecipe,
  transformSettings,
} from "../../../../src/core/prepare/transformPlan";
import { isAnimated } from "../../../../src/core/prepare/animation";

const fields = (over: Partial<{ convert: "keep" | "webp" | "avif" | "jpeg"; quality: string; maxWidth: string; maxHeight: string }> = {}) => ({
  convert: "keep" as const,
  quality: "82",
  maxWidth: "",
  maxHeight: "",
  ...over,
});

describe("the transform settings", () => {
  test("ask for nothing when the type is kept and there is no size limit", () => {
    expect(transformSettings(fields())).toBeUndefined();
    expect(transformSettings(fields({ maxHeight: "900" }))).toEqual({ convert: "keep", quality: 82, maxWidth: undefined, maxHeight: 900 });
    expect(transformSettings(fields({ convert: "avif", quality: "" }))).toEqual({ convert: "avif", quality: 82, maxWidth: undefined, maxHeight: undefined });
  });

  test("refuse a quality outside 1 to 100 and a size that is not a whole number of pixels, saying the range", () => {
    expect(qualityMessages("82")).toEqual([]);
    expect(qualityMessages("")).toEqual([]);
    expect(qualityMessages("0")).toEqual(['Quality must be a whole number from 1 to 100 (default 82), not "0".']);
    expect(qualityMessages("90.5")).toHaveLength(1);
    expect(qualityMessages("101")).toHaveLength(1);
    expect(maxSideMessages("", "Largest width")).toEqual([]);
    expect(maxSideMessages("1600", "Largest width")).toEqual([]);
    expect(maxSideMessages("-5", "Largest height")).toEqual([
      'Largest height must be a whole number of pixels from 1 to 100000, or empty for no limit; not "-5".',
    ]);
    expect(maxSideMessages("1600px", "Largest width")).toHaveLength(1);
  });

  test("give each combination its own recipe, so other settings convert anew", () => {
    const a = transformRecipe(transformSettings(fields({ convert: "webp" }))!);
    const b = transformRecipe(transformSettings(fields({ convert: "webp", quality: "60" }))!);
    const c = transformRecipe(transformSettings(fields({ convert: "webp", maxWidth: "60" }))!);
    const d = transformRecipe(transformSettings(fields({ convert: "webp", maxHeight: "60" }))!);
    expect(new Set([a, b, c, d]).size).toBe(4);
  });
});

describe("the plan", () => {
  test("scales to fit the box keeping the proportions, and never enlarges", () => {
    expect(fitWithin(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(4000, 3000, 1600, 900)).toEqual({ width: 1200, height: 900 });
    expect(fitWithin(800, 600, 1600, 1600)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(10000, 1, 100)).toEqual({ width: 100, height: 1 });
  });

  test("writes the chosen type, or the image's own when kept and writable", () => {
    const webp = transformSettings(fields({ convert: "webp" }))!;
    const keep = transformSettings(fields({ maxWidth: "100" }))!;
    expect(outputTypeFor(webp, "image/png")).toBe("image/webp");
    expect(outputTypeFor(keep, "image/png")).toBe("image/png");
    expect(outputTypeFor(keep, "image/gif")).toBeUndefined();
    expect(outputTypeFor(keep, "image/bmp")).toBeUndefined();
  });

  test("never decodes SVG or an animated image, nor one whose kept type cannot be written", () => {
    const webp = transformSettings(fields({ convert: "webp" }))!;
    const keep = transformSettings(fields({ maxWidth: "100" }))!;
    expect(skipBeforeDecode(webp, { type: "image/svg+xml", animated: false })).toBe("vector");
    expect(skipBeforeDecode(webp, { type: "image/gif", animated: true })).toBe("animated");
    expect(skipBeforeDecode(webp, { type: "image/gif", animated: false })).toBeUndefined();
    expect(skipBeforeDecode(keep, { type: "image/tiff", animated: false })).toBe("cannot-encode");
  });

  test("leaves an image that fits alone when its type is kept, and re-encodes it when converting", () => {
    expect(planSize(transformSettings(fields({ maxWidth: "1600" }))!, { width: 800, height: 600 })).toBe("no-change");
    expect(planSize(transformSettings(fields({ convert: "jpeg", maxWidth: "1600" }))!, { width: 800, height: 600 })).toEqual({ width: 800, height: 600 });
    expect(planSize(transformSettings(fields({ maxWidth: "400" }))!, { width: 800, height: 600 })).toEqual({ width: 400, height: 300 });
  });
});

describe("isAnimated", () => {
  const gif = (frames: number): Uint8Array => {
    const frame = [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00];
    const gce = [0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00];
    const head = [...Buffer.from("GIF89a"), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
    return new Uint8Array([...head, ...Array.from({ length: frames }, () => [...gce, ...frame]).flat(), 0x3b]);
  };
  const chunk = (type: string, data: number[] = []): number[] => [0, 0, 0, data.length, ...Buffer.from(type), ...data, 0, 0, 0, 0];
  const png = (...types: string[]): Uint8Array =>
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...types.flatMap((t) => chunk(t, t === "IHDR" ? new Array<number>(13).fill(0) : []))]);
  const webp = (fourcc: string, flags: number): Uint8Array =>
    new Uint8Array([...Buffer.from("RIFF"), 30, 0, 0, 0, ...Buffer.from("WEBP"), ...Buffer.from(fourcc), 10, 0, 0, 0, flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

  test("counts a GIF's frames", () => {
    expect(isAnimated(gif(1), "image/gif")).toBe(false);
    expect(isAnimated(gif(2), "image/gif")).toBe(true);
  });

  test("finds an APNG's animation control before its image data only", () => {
    expect(isAnimated(png("IHDR", "acTL", "IDAT", "IEND"), "image/png")).toBe(true);
    expect(isAnimated(png("IHDR", "IDAT", "IEND"), "image/png")).toBe(false);
    expect(isAnimated(png("IHDR", "IDAT", "acTL", "IEND"), "image/png")).toBe(false);
  });

  test("reads the animation flag of an extended WebP", () => {
    expect(isAnimated(webp("VP8X", 0x02), "image/webp")).toBe(true);
    expect(isAnimated(webp("VP8X", 0x10), "image/webp")).toBe(false);
  });
});

import { isAnimated } from "../../../../../src/core/prepare/processing";
import { animatedGif, animatedPng, animatedWebp, photoJpeg, photoPng, photoWebp } from "../../../../support/images";

describe("isAnimated", () => {
  it("tells animated GIF, WebP and PNG from still ones", () => {
    expect(isAnimated(animatedGif(2), "image/gif")).toBe(true);
    expect(isAnimated(animatedGif(1), "image/gif")).toBe(false);
    expect(isAnimated(animatedWebp(), "image/webp")).toBe(true);
    expect(isAnimated(photoWebp(), "image/webp")).toBe(false);
    expect(isAnimated(animatedPng(), "image/png")).toBe(true);
    expect(isAnimated(photoPng(), "image/png")).toBe(false);
    expect(isAnimated(photoJpeg(), "image/jpeg")).toBe(false);
  });

  it("still answers for files cut short, without throwing", () => {
    const gif = animatedGif(3);
    expect(isAnimated(gif.subarray(0, gif.length - 4), "image/gif")).toBe(true);
    const apng = animatedPng();
    expect(isAnimated(apng.subarray(0, 60), "image/png")).toBe(true);
    expect(isAnimated(animatedWebp().subarray(0, 40), "image/webp")).toBe(true);
    expect(isAnimated(new Uint8Array([0x47, 0x49, 0x46]), "image/gif")).toBe(false);
  });
});

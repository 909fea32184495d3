/**
 * The plugin's image codec in a real browser engine: prepare (metadata removal, then
 * converting and scaling) with canvasCodec.ts behind platformCodec.ts, bundled as main.js is
 * and run in headless Chromium. Each output is decoded again in Node by sharp, and compared
 * pixel by pixel with what sharp makes of the same photo.
 */
import sharp from "sharp";
import { describeWithChromium, launchCodecBrowser, type CodecBrowser, type CodecPage, type PageMode } from "../../support/browser";
import { animatedGif, imageFacts, photoJpeg } from "../../support/sharpImages";

jest.setTimeout(60_000);

/** Mean absolute difference per channel (0 to 255) between two images of the same size. */
async function meanDifference(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((i) => sharp(i).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  expect([x.info.width, x.info.height]).toEqual([y.info.width, y.info.height]);
  let sum = 0;
  for (let i = 0; i < x.data.length; i++) sum += Math.abs(x.data[i] - y.data[i]);
  return sum / x.data.length;
}

describeWithChromium("the plugin's image codec in Chromium", () => {
  let browser: CodecBrowser;
  let photo: Uint8Array;
  // Stored 4000 × 3000 with EXIF orientation 6 (turn 90° clockwise): upright it is 3000 wide
  // and 4000 high, so at most 1600 wide it is 1600 × round(4000 × 1600 / 3000) = 1600 × 2133.
  const upright = { width: 3000, height: 4000 };
  const scaled = { width: 1600, height: 2133 };
  let reference: Uint8Array;

  beforeAll(async () => {
    [browser, photo] = await Promise.all([launchCodecBrowser(), photoJpeg(4000, 3000, { orientation: 6 })]);
    reference = new Uint8Array(await sharp(photo).rotate().resize(scaled.width, scaled.height, { fit: "fill" }).png().toBuffer());
  });
  afterAll(() => browser?.close());

  /** Converts the photo in a page of `mode` and checks it came out upright, scaled and smaller. */
  async function convertsUpright(page: CodecPage, convert: "webp" | "jpeg", format: string) {
    const out = await page.prepare(photo, "photo.jpg", { convert, maxWidth: "1600" });
    expect(out.outcome).toEqual({
      applied: true,
      from: { type: "image/jpeg", bytes: expect.any(Number) as number, ...upright },
      to: { type: `image/${convert}`, bytes: out.bytes.byteLength, ...scaled },
    });
    const facts = await imageFacts(out.bytes);
    expect(facts).toMatchObject({ format, ...scaled });
    // Turned upright in its pixels, so nothing may turn it again.
    expect(facts.orientation ?? 1).toBe(1);
    expect(out.bytes.byteLength).toBeLessThan(photo.byteLength / 4);
    expect(out.contentType).toBe(`image/${convert}`);
    // A photo turned the wrong way, mirrored, cropped or drawn at the wrong size differs by far more.
    expect(await meanDifference(out.bytes, reference)).toBeLessThan(4);
    return out;
  }

  const opened: CodecPage[] = [];
  async function open(mode: PageMode): Promise<CodecPage> {
    const page = await browser.open(mode);
    opened.push(page);
    return page;
  }
  afterEach(() => {
    // The codec's errors reach the person as a skipped conversion, never as an uncaught error.
    for (const page of opened.splice(0)) expect(page.errors.filter((e) => !e.includes("Content Security Policy"))).toEqual([]);
  });

  test("a sideways phone photo becomes an upright WebP 1600 px wide, encoded in a worker", async () => {
    const page = await open("full");
    await convertsUpright(page, "webp", "webp");
    expect(await page.trace()).toEqual({
      workers: 1,
      // The main thread decodes once, for the upright size; scaling and encoding run in the worker.
      mainThreadDecodes: 1,
      mainThreadScales: 0,
      mainThreadOffscreenEncodes: 0,
      mainThreadCanvasEncodes: 0,
    });
  });

  test("the same photo as JPEG, and a second image reuses the same worker", async () => {
    const page = await open("full");
    await convertsUpright(page, "jpeg", "jpeg");
    await convertsUpright(page, "webp", "webp");
    expect(await page.trace()).toMatchObject({ workers: 1, mainThreadScales: 0, mainThreadOffscreenEncodes: 0 });
  });

  test("says what this Chromium can write, and converting to a type it cannot write uploads the original with one notice", async () => {
    const page = await open("full");
    const can = {
      webp: await page.canEncode("image/webp"),
      jpeg: await page.canEncode("image/jpeg"),
      png: await page.canEncode("image/png"),
      avif: await page.canEncode("image/avif"),
    };
    expect([can.webp, can.jpeg, can.png]).toEqual([true, true, true]);
    expect(await page.summary()).toBe(
      can.avif ? "This device can write WebP, AVIF, JPEG, PNG." : "This device can write WebP, JPEG, PNG; not AVIF (such images are uploaded as they are).",
    );
    const first = await page.prepare(photo, "a.jpg", { convert: "avif", maxWidth: "1600" });
    const second = await page.prepare(photo, "b.jpg", { convert: "avif", maxWidth: "1600" });
    if (can.avif) {
      expect((await imageFacts(first.bytes)).format).toBe("heif");
      expect(await page.notices()).toEqual([]);
    } else {
      for (const out of [first, second]) {
        expect(out.outcome).toMatchObject({ applied: false, reason: "cannot-encode", outputType: "image/avif" });
        expect(await imageFacts(out.bytes)).toMatchObject({ format: "jpeg", width: 4000, height: 3000, orientation: 6 });
      }
      expect(await page.notices()).toEqual([
        'This device cannot write AVIF images, so images are uploaded without converting them. Choose WebP or JPEG in the profile\'s "Convert images to" to convert them here.',
      ]);
    }
  });

  test("without Worker, the photo is converted on the main thread", async () => {
    const page = await open("no-worker");
    await convertsUpright(page, "webp", "webp");
    expect(await page.trace()).toMatchObject({ workers: 0, mainThreadScales: 1, mainThreadOffscreenEncodes: 1 });
  });

  test("where a content security policy refuses the worker, the photo is converted on the main thread, and so are the next", async () => {
    const page = await open("worker-refused");
    await convertsUpright(page, "webp", "webp");
    await convertsUpright(page, "jpeg", "jpeg");
    expect(await page.trace()).toMatchObject({ mainThreadScales: 2, mainThreadOffscreenEncodes: 2 });
  });

  test("without OffscreenCanvas, a <canvas> writes the image on the main thread", async () => {
    const page = await open("no-offscreen");
    expect(await page.summary()).toMatch(/^This device can write WebP, (AVIF, )?JPEG, PNG/);
    await convertsUpright(page, "webp", "webp");
    expect(await page.trace()).toMatchObject({ workers: 0, mainThreadScales: 1, mainThreadCanvasEncodes: 1 });
  });

  test("a PNG with transparent parts becomes a JPEG whose transparent parts are white, and a WebP that keeps them", async () => {
    const page = await open("full");
    // 800 × 600 of noise (so the PNG is large), its left half fully transparent.
    const [w, h] = [800, 600];
    const raw = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      raw.set([(i * 7) % 251, (i * 13) % 241, Math.floor(Math.random() * 256), i % w < w / 2 ? 0 : 255], i * 4);
    }
    const png = new Uint8Array(
      await sharp(raw, { raw: { width: w, height: h, channels: 4 } })
        .png()
        .toBuffer(),
    );
    const pixel = async (bytes: Uint8Array, x: number, y: number) => {
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      return [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)];
    };

    const jpeg = await page.prepare(png, "cut-out.png", { convert: "jpeg", maxWidth: "400" });
    expect(jpeg.outcome).toMatchObject({ applied: true, to: { type: "image/jpeg", width: 400, height: 300 } });
    for (const value of await pixel(jpeg.bytes, 50, 150)) expect(value).toBeGreaterThan(245);

    const webp = await page.prepare(png, "cut-out.png", { convert: "webp", maxWidth: "400" });
    expect(await imageFacts(webp.bytes)).toMatchObject({ format: "webp", width: 400, height: 300 });
    expect((await pixel(webp.bytes, 50, 150))[3]).toBe(0);
    expect((await pixel(webp.bytes, 350, 150))[3]).toBe(255);
  });

  test("an animated GIF and an SVG are never handed to the codec", async () => {
    const page = await open("full");
    const gif = await animatedGif();
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="10" height="10"/></svg>');
    const animated = await page.prepare(gif, "moving.gif", { convert: "webp", maxWidth: "16" });
    const vector = await page.prepare(svg, "drawing.svg", { convert: "webp", maxWidth: "16" });
    expect(animated.outcome).toMatchObject({ applied: false, reason: "animated" });
    expect(await imageFacts(animated.bytes)).toMatchObject({ format: "gif", pages: 2, width: 32, height: 32 });
    expect([vector.outcome, vector.contentType]).toEqual([expect.objectContaining({ applied: false, reason: "vector" }), "image/svg+xml"]);
    expect(await page.trace()).toEqual({ workers: 0, mainThreadDecodes: 0, mainThreadScales: 0, mainThreadOffscreenEncodes: 0, mainThreadCanvasEncodes: 0 });
  });
});

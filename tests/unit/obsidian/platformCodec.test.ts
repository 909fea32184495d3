/**
 * The plugin's codec on a device that cannot write AVIF. What runs here is the real probe of
 * canvasCodec.ts over a stand-in `OffscreenCanvas` that answers as the HTML standard has a
 * canvas answer a type it cannot write: with a PNG. Decoding and drawing need a browser
 * engine and are not exercised here.
 */
import { transformForWeb } from "../../../src/core/prepare/transform";
import { newProfile } from "../../../src/core/settings/settingsModel";
import type { Profile } from "../../../src/core/types";
import { createCanvasCodec } from "../../../src/obsidian/canvasCodec";
import { encodableSummary, platformCodec } from "../../../src/obsidian/platformCodec";

/**
 * A canvas that writes PNG, JPEG and WebP, and PNG for anything else (as Safari and Firefox do
 * for AVIF); like Chromium's, it writes nothing until a rendering context has been asked for.
 */
class CanvasWithoutAvif {
  private context = false;
  getContext(): object {
    this.context = true;
    return {};
  }
  convertToBlob(options: { type?: string } = {}): Promise<Blob> {
    if (!this.context) return Promise.reject(new DOMException("The OffscreenCanvas has no rendering context.", "InvalidStateError"));
    const type = ["image/png", "image/jpeg", "image/webp"].includes(options.type ?? "") ? options.type! : "image/png";
    return Promise.resolve(new Blob([new Uint8Array([1, 2, 3])], { type }));
  }
}

const g = globalThis as { OffscreenCanvas?: unknown };
beforeEach(() => (g.OffscreenCanvas = CanvasWithoutAvif));
afterEach(() => delete g.OffscreenCanvas);

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
const asset = (name: string) => ({ bytes: JPEG, name, notePath: "N.md" });
const profile = (over: Partial<Profile>): Profile => ({ ...newProfile("generic", "p"), ...over });

describe("the plugin's codec on a device without an AVIF encoder", () => {
  test("finds which types the canvas writes: one that answers with PNG cannot write the type asked", async () => {
    const codec = createCanvasCodec();
    expect(await codec.canEncode("image/avif")).toBe(false);
    expect(await codec.canEncode("image/webp")).toBe(true);
    expect(await encodableSummary(codec)).toBe("This device can write WebP, JPEG, PNG; not AVIF (such images are uploaded as they are).");
  });

  test("uploads the original when AVIF is asked, and says so once however many images there are", async () => {
    const notices: string[] = [];
    let loads = 0;
    const codec = platformCodec(
      () => {
        loads++;
        return Promise.resolve(createCanvasCodec());
      },
      (m) => notices.push(m),
    );
    const avif = profile({ convert: "avif" });

    const results = [await transformForWeb(asset("a.jpg"), avif, codec), await transformForWeb(asset("b.jpg"), avif, codec)];

    for (const r of results) {
      expect(r.asset.bytes).toBe(JPEG);
      expect(r.outcome).toEqual({ applied: false, reason: "cannot-encode", type: "image/jpeg", outputType: "image/avif", detail: undefined });
    }
    expect(notices).toEqual([
      'This device cannot write AVIF images, so images are uploaded without converting them. Choose WebP or JPEG in the profile\'s "Convert images to" to convert them here.',
    ]);
    expect(loads).toBe(1);
  });

  test("is not loaded at all for a profile that converts nothing", async () => {
    let loads = 0;
    const codec = platformCodec(
      () => {
        loads++;
        return Promise.resolve(createCanvasCodec());
      },
      () => undefined,
    );
    const r = await transformForWeb(asset("a.jpg"), profile({}), codec);
    expect([r.asset.bytes === JPEG, r.outcome, loads]).toEqual([true, undefined, 0]);
  });

  test("finds no encoder at all where there is neither OffscreenCanvas nor a page's canvas", async () => {
    delete g.OffscreenCanvas;
    expect(await encodableSummary(createCanvasCodec())).toBe("This device cannot convert images: they are uploaded as they are.");
  });
});

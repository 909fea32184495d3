/**
 * What the browser tests and the bench load into headless Chromium: the plugin's prepare step
 * with its real browser codec (canvasCodec.ts behind platformCodec.ts), bundled by esbuild as
 * main.js is. It runs in the page, so it uses nothing but the browser's globals; bytes cross
 * to and from Node as base64.
 */
import { prepareAsset } from "../../src/core/prepare/prepareAsset";
import type { EncodableType } from "../../src/core/prepare/imageCodec";
import { newProfile } from "../../src/core/settings/settingsModel";
import type { TransformOutcome } from "../../src/core/prepare/transformPlan";
import type { Profile } from "../../src/core/types";
import { createCanvasCodec } from "../../src/obsidian/canvasCodec";
import { encodableSummary, platformCodec } from "../../src/obsidian/platformCodec";

/** What one prepare in the page gave back. */
export interface PagePrepared {
  /** The bytes to upload, base64. */
  bytes: string;
  contentType: string;
  outcome?: TransformOutcome;
  /** Time prepare took, in the page, ms. */
  ms: number;
  /** The longest the page's main thread went without running a timer while prepare ran, ms. */
  longestBlockMs: number;
}

/** The profile fields a test or the bench sets. */
export type PageProfile = Partial<Pick<Profile, "convert" | "quality" | "maxWidth" | "maxHeight" | "stripMetadata">>;

/** What the page offers Node, as `window.codecHarness`. */
export interface CodecHarness {
  prepare(base64: string, name: string, fields: PageProfile): Promise<PagePrepared>;
  canEncode(type: EncodableType): Promise<boolean>;
  summary(): Promise<string>;
  /** The messages the codec showed the person (a `Notice` in the plugin). */
  notices: string[];
}

const notices: string[] = [];
// One codec for the page, as the plugin keeps one for its session.
const codec = platformCodec(
  () => Promise.resolve(createCanvasCodec()),
  (m) => notices.push(m),
);

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let raw = "";
  for (let i = 0; i < bytes.length; i += 0x8000) raw += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(raw);
}

/** Measures the longest gap between timer callbacks until stopped: how long the main thread was blocked. */
function blockProbe(): () => number {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = (): void => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  return () => {
    running = false;
    return Math.max(longest, performance.now() - last);
  };
}

const harness: CodecHarness = {
  notices,
  async prepare(base64, name, fields) {
    const bytes = fromBase64(base64);
    const profile: Profile = { ...newProfile("generic", "browser"), ...fields };
    const stop = blockProbe();
    const t0 = performance.now();
    const prepared = await prepareAsset({ bytes, name, notePath: "Note.md" }, profile, { now: new Date(), codec });
    const ms = performance.now() - t0;
    const longestBlockMs = stop();
    return { bytes: toBase64(prepared.asset.bytes), contentType: prepared.contentType, outcome: prepared.transform, ms, longestBlockMs };
  },
  canEncode: (type) => codec.canEncode(type),
  summary: () => encodableSummary(codec),
};

(globalThis as { codecHarness?: CodecHarness }).codecHarness = harness;

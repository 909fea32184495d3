/**
 * A real browser engine for the plugin's image codec: headless Chromium (Debian's `chromium`
 * package, which `scripts/s3-server.sh install` installs with the S3 server), driven by
 * puppeteer-core, loading tests/support/codecPage.ts bundled by esbuild with main.js's
 * options. Suites that need it run when Chromium is there and are skipped, with the reason
 * printed, when it is not; where it must be there (CI sets `S3IH_REQUIRE_BROWSER=1`), its
 * absence fails the run instead.
 */
import { existsSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import esbuild from "esbuild";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { EncodableType } from "../../src/core/prepare/imageCodec";
import type { PagePrepared, PageProfile } from "./codecPage";

/** Where Chromium is looked for: `S3IH_CHROMIUM`, else Debian's and Ubuntu's paths. */
function candidates(): string[] {
  return process.env.S3IH_CHROMIUM ? [process.env.S3IH_CHROMIUM] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
}

/** The Chromium to run, or undefined when there is none. */
export function chromiumPath(): string | undefined {
  return candidates().find((p) => existsSync(p));
}

/** Why there is no Chromium to run, in words that say how to get one. */
function missingText(): string {
  return `Chromium is not installed at ${candidates().join(" or ")} (apt-get install chromium, or set S3IH_CHROMIUM to its path)`;
}

/** Whether Chromium is there; when it must be and is not, throws with where it was looked for. */
export function hasChromium(): boolean {
  if (chromiumPath()) return true;
  if (process.env.S3IH_REQUIRE_BROWSER) {
    throw new Error(`Chromium is required (S3IH_REQUIRE_BROWSER): ${missingText()}. scripts/s3-server.sh install installs it with the S3 server.`);
  }
  return false;
}

/**
 * `describe` for a suite that needs Chromium: runs it when it is there, and otherwise skips it
 * and prints why, so a skipped suite is never mistaken for a passing one.
 */
export function describeWithChromium(name: string, fn: () => void): void {
  if (hasChromium()) describe(name, fn);
  else {
    console.warn(`Skipped "${name}": ${missingText()}.`);
    describe.skip(name, fn);
  }
}

/** Why a bench step cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return chromiumPath() ? undefined : missingText();
}

/**
 * The platform a page gives the codec:
 * - `full`: as Chromium is (Worker and OffscreenCanvas);
 * - `no-worker`: no `Worker` (as where a platform offers none);
 * - `worker-refused`: a content security policy that refuses every worker (`worker-src 'none'`);
 * - `no-offscreen`: no `OffscreenCanvas` (iOS before 16.4), only `<canvas>`.
 */
export type PageMode = "full" | "no-worker" | "worker-refused" | "no-offscreen";

/** What the page counted of the codec's work on its main thread. */
export interface CodecTrace {
  /** Workers started. */
  workers: number;
  /** `createImageBitmap` calls on the main thread that scale (the encoder's), and those that only decode. */
  mainThreadScales: number;
  mainThreadDecodes: number;
  /** `OffscreenCanvas` and `<canvas>` encodes on the main thread, of images larger than 1 × 1 (the probes). */
  mainThreadOffscreenEncodes: number;
  mainThreadCanvasEncodes: number;
}

/** One page running the codec. */
export interface CodecPage {
  prepare(bytes: Uint8Array, name: string, fields: PageProfile): Promise<Omit<PagePrepared, "bytes"> & { bytes: Uint8Array }>;
  canEncode(type: EncodableType): Promise<boolean>;
  summary(): Promise<string>;
  notices(): Promise<string[]>;
  trace(): Promise<CodecTrace>;
  /** Errors the page reported to its console or threw. */
  errors: string[];
}

/**
 * Installed before the page's own scripts: takes away what `mode` says, and counts where the
 * codec's work runs. Sent as source text, so it uses nothing but the page's globals.
 */
function instrument(mode: PageMode): void {
  const trace = { workers: 0, mainThreadScales: 0, mainThreadDecodes: 0, mainThreadOffscreenEncodes: 0, mainThreadCanvasEncodes: 0 };
  const w = window as unknown as Record<string, unknown>;
  w.codecTrace = trace;
  if (mode === "no-worker") delete w.Worker;
  else {
    const NativeWorker = Worker;
    w.Worker = class extends NativeWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        trace.workers++;
      }
    };
  }
  const decode = createImageBitmap;
  w.createImageBitmap = (...args: unknown[]) => {
    const options = args[args.length - 1] as { resizeWidth?: number } | undefined;
    if (options && typeof options === "object" && options.resizeWidth !== undefined) trace.mainThreadScales++;
    else trace.mainThreadDecodes++;
    return (decode as (...a: unknown[]) => Promise<ImageBitmap>).apply(window, args);
  };
  if (mode === "no-offscreen") delete w.OffscreenCanvas;
  else {
    const convert = OffscreenCanvas.prototype.convertToBlob;
    OffscreenCanvas.prototype.convertToBlob = function (this: OffscreenCanvas, options?: ImageEncodeOptions) {
      if (this.width * this.height > 1) trace.mainThreadOffscreenEncodes++;
      return convert.call(this, options);
    };
  }
  const toBlob = HTMLCanvasElement.prototype.toBlob;
  HTMLCanvasElement.prototype.toBlob = function (this: HTMLCanvasElement, callback: BlobCallback, type?: string, quality?: number) {
    if (this.width * this.height > 1) trace.mainThreadCanvasEncodes++;
    toBlob.call(this, callback, type, quality);
  };
}

/** The page bundle, built once per process with the plugin's build options. */
let bundled: Promise<string> | undefined;
function pageBundle(repoRoot: string): Promise<string> {
  bundled ??= esbuild
    .build({
      entryPoints: [path.join(repoRoot, "tests/support/codecPage.ts")],
      absWorkingDir: repoRoot,
      bundle: true,
      write: false,
      // As esbuild.config.mjs builds main.js for production: the codec's worker source is its
      // own function's text, so it must survive minifying and this target.
      format: "iife",
      platform: "browser",
      target: "es2020",
      minify: true,
      treeShaking: true,
      legalComments: "none",
      logLevel: "silent",
    })
    .then((r) => r.outputFiles[0].text);
  return bundled;
}

/** Headless Chromium with a loopback server for its pages; `close` stops both. */
export interface CodecBrowser {
  open(mode: PageMode): Promise<CodecPage>;
  close(): Promise<void>;
}

/**
 * Starts Chromium and the server of its pages.
 * @param repoRoot the repository (the bench runs this bundled, from elsewhere)
 */
export async function launchCodecBrowser(repoRoot = path.resolve(__dirname, "../..")): Promise<CodecBrowser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(chromiumMissing());
  const script = await pageBundle(repoRoot);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/codec.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      res.end(script);
      return;
    }
    const headers: http.OutgoingHttpHeaders = { "Content-Type": "text/html; charset=utf-8" };
    if (url.searchParams.get("mode") === "worker-refused") headers["Content-Security-Policy"] = "worker-src 'none'";
    res.writeHead(200, headers);
    res.end(`<!doctype html><meta charset="utf-8"><title>codec</title><script src="/codec.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // Tests run as root in a container, where Chromium's sandbox cannot start.
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
  } catch (e) {
    server.close();
    throw e;
  }
  return {
    async open(mode) {
      const page: Page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e instanceof Error ? e.message : String(e)));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.evaluateOnNewDocument(instrument, mode);
      await page.goto(`${origin}/?mode=${mode}`, { waitUntil: "load" });
      const call = <T>(fn: string, ...args: unknown[]): Promise<T> =>
        page.evaluate(
          (f: string, a: unknown[]) => {
            const h = (window as unknown as { codecHarness: Record<string, (...x: unknown[]) => unknown> }).codecHarness;
            return h[f](...a);
          },
          fn,
          args,
        ) as Promise<T>;
      return {
        errors,
        async prepare(bytes, name, fields) {
          const r = await call<PagePrepared>("prepare", Buffer.from(bytes).toString("base64"), name, fields);
          return { ...r, bytes: new Uint8Array(Buffer.from(r.bytes, "base64")) };
        },
        canEncode: (type) => call<boolean>("canEncode", type),
        summary: () => call<string>("summary"),
        notices: () => page.evaluate(() => (window as unknown as { codecHarness: { notices: string[] } }).codecHarness.notices),
        trace: () => page.evaluate(() => ({ ...(window as unknown as { codecTrace: CodecTrace }).codecTrace })),
      };
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The browser's own image codec: `createImageBitmap` decodes (upright, as EXIF says) and
 * scales, an `OffscreenCanvas` encodes (a page's `<canvas>` where there is none, as on iOS
 * before 16.4). The work runs in a worker where the platform allows, so the editor never
 * waits on a large photo; where no worker can start, on the main thread.
 * Loaded on first use (see platformCodec.ts). No Node or Electron API: it runs on mobile.
 */
import type { DecodedImage, EncodableType, EncodeRequest, ImageCodec } from "../core/prepare/imageCodec";

/** What the encoder is sent: the original bytes, and what to make of them. */
interface EncodeJob extends EncodeRequest {
  bytes: ArrayBuffer;
  inputType: string;
}

interface Encoded {
  bytes: ArrayBuffer;
  type: string;
}

/**
 * Decodes, scales and encodes one image. Sent to the worker as its source text, so it uses
 * nothing but the platform's globals.
 */
async function encodeImage(job: EncodeJob): Promise<Encoded> {
  const bitmap = await createImageBitmap(new Blob([job.bytes], { type: job.inputType }), {
    imageOrientation: "from-image",
    resizeWidth: job.width,
    resizeHeight: job.height,
    resizeQuality: "high",
  });
  try {
    // A worker always has OffscreenCanvas where it can encode at all; a page without one has <canvas>.
    const offscreen = typeof OffscreenCanvas !== "undefined";
    // Not Obsidian's createEl: this function's text also runs in a worker, which has only the platform's globals.
    const canvas = offscreen ? new OffscreenCanvas(job.width, job.height) : document.createElement("canvas");
    canvas.width = job.width;
    canvas.height = job.height;
    const ctx = canvas.getContext("2d") as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (!ctx) throw new Error("no 2D canvas");
    if (job.type === "image/jpeg") {
      // JPEG has no transparency: transparent parts become white, as on a page, not black.
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, job.width, job.height);
    }
    ctx.drawImage(bitmap, 0, 0);
    const quality = job.quality / 100;
    const blob = offscreen
      ? await (canvas as OffscreenCanvas).convertToBlob({ type: job.type, quality })
      : await new Promise<Blob | null>((resolve) => (canvas as HTMLCanvasElement).toBlob(resolve, job.type, quality));
    if (!blob) throw new Error("the canvas wrote no image");
    return { bytes: await blob.arrayBuffer(), type: blob.type };
  } finally {
    bitmap.close();
  }
}

type Encoder = (job: EncodeJob) => Promise<Encoded>;

/** The worker could not do the work at all (a content security policy, a platform without OffscreenCanvas in workers). */
class WorkerUnavailable extends Error {}

/** An encoder in a worker, or undefined where none can be started (no Worker, no OffscreenCanvas, a CSP refusal). */
function workerEncoder(): Encoder | undefined {
  if (typeof Worker === "undefined" || typeof OffscreenCanvas === "undefined" || typeof URL.createObjectURL !== "function") return undefined;
  let worker: Worker;
  try {
    const source = `const encodeImage = ${encodeImage.toString()};
self.onmessage = async (e) => {
  try { const r = await encodeImage(e.data.job); self.postMessage({ id: e.data.id, r }, [r.bytes]); }
  catch (err) { self.postMessage({ id: e.data.id, error: String(err && err.message || err), unavailable: typeof OffscreenCanvas === "undefined" }); }
};`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    worker = new Worker(url);
    URL.revokeObjectURL(url);
  } catch {
    return undefined;
  }
  let next = 0;
  const waiting = new Map<number, { resolve: (r: Encoded) => void; reject: (e: Error) => void }>();
  worker.onmessage = (e: MessageEvent<{ id: number; r?: Encoded; error?: string; unavailable?: boolean }>) => {
    const w = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    if (e.data.r) w?.resolve(e.data.r);
    else if (e.data.unavailable) w?.reject(new WorkerUnavailable("the worker has no OffscreenCanvas"));
    else w?.reject(new Error(e.data.error ?? "the image could not be converted"));
  };
  let failed = false;
  worker.onerror = () => {
    failed = true;
    for (const w of waiting.values()) w.reject(new WorkerUnavailable("the worker did not run"));
    waiting.clear();
    worker.terminate();
  };
  return (job) =>
    new Promise((resolve, reject) => {
      if (failed) return reject(new WorkerUnavailable("the worker did not run"));
      const id = next++;
      waiting.set(id, { resolve, reject });
      // The bytes are the job's own copy: handed over, not copied again.
      worker.postMessage({ id, job }, [job.bytes]);
    });
}

/**
 * Whether this device's canvas writes `type`: one that cannot writes PNG instead, as the HTML
 * standard says. The canvas gets a 2D context first: one without any writes nothing at all
 * (Chromium refuses it), which would say no type can be written.
 */
async function probe(type: EncodableType): Promise<boolean> {
  try {
    let blob: Blob | null;
    if (typeof OffscreenCanvas !== "undefined") {
      const canvas = new OffscreenCanvas(1, 1);
      canvas.getContext("2d");
      blob = await canvas.convertToBlob({ type, quality: 0.8 });
    } else if (typeof document !== "undefined") {
      // The same canvas as the encoder's, which runs without Obsidian's globals.
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      canvas.getContext("2d");
      blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.8));
    } else return false;
    return blob?.type === type;
  } catch {
    return false;
  }
}

/** The codec over this device's browser engine. */
export function createCanvasCodec(): ImageCodec {
  const probes = new Map<EncodableType, Promise<boolean>>();
  let encoder: Encoder | undefined;
  const encode = async (request: EncodeRequest, bytes: Uint8Array, inputType: string): Promise<Encoded> => {
    // Each attempt gets its own copy of the bytes: a worker takes over the one it is sent.
    const job = (): EncodeJob => ({ ...request, bytes: bytes.slice().buffer, inputType });
    encoder ??= workerEncoder() ?? encodeImage;
    try {
      return await encoder(job());
    } catch (e) {
      // A worker the platform would not run: the main thread from then on.
      if (!(e instanceof WorkerUnavailable)) throw e;
      encoder = encodeImage;
      return encodeImage(job());
    }
  };
  return {
    canDecode: () => true,
    canEncode(type) {
      let known = probes.get(type);
      if (!known) probes.set(type, (known = probe(type)));
      return known;
    },
    async decode(bytes: Uint8Array, inputType: string): Promise<DecodedImage> {
      // Decoded once for its upright size; the encoder decodes it again, scaled, where it runs.
      const bitmap = await createImageBitmap(new Blob([bytes], { type: inputType }), { imageOrientation: "from-image" });
      const { width, height } = bitmap;
      bitmap.close();
      return {
        width,
        height,
        async encode(request) {
          const out = await encode(request, bytes, inputType);
          if (out.type !== request.type) throw new Error(`the device wrote ${out.type} instead of ${request.type}`);
          return new Uint8Array(out.bytes);
        },
        close: () => undefined,
      };
    },
  };
}

/**
 * A Smithy `HttpHandler` that sends the S3 SDK's requests through Obsidian's `requestUrl`.
 *
 * Inside Obsidian the SDK's own browser transport (`fetch`) is blocked by CORS, and Node's
 * is missing on mobile; `requestUrl` has neither problem. It has its own limits, which this
 * handler bridges: the whole body is held in memory (so only in-memory bodies are accepted),
 * it cannot be aborted (so a timeout and an abort signal settle the SDK's promise early), and
 * by default it throws on 4xx/5xx (so it is called with `throw: false`: the SDK needs the
 * status, the headers and the XML error body to name S3's error and to correct clock skew).
 */
import { HttpResponse, buildQueryString } from "@smithy/core/protocols";
import type { HttpHandler, HttpRequest } from "@smithy/core/protocols";
import type { HttpHandlerOptions } from "@smithy/types";
import { networkErrorCode } from "./networkErrors";

/** The part of Obsidian's `RequestUrlParam` this handler uses. */
export interface RequestUrlParamLike {
  url: string;
  method?: string;
  contentType?: string;
  body?: string | ArrayBuffer;
  headers?: Record<string, string>;
  throw?: boolean;
}

/** The part of Obsidian's `RequestUrlResponse` this handler reads. */
export interface RequestUrlResponseLike {
  status: number;
  headers: Record<string, string>;
  arrayBuffer: ArrayBuffer;
}

/** Obsidian's `requestUrl`, or anything with the same contract. */
export type RequestUrlFn = (p: RequestUrlParamLike) => Promise<RequestUrlResponseLike>;

/** Settings the SDK may read and change through `httpHandlerConfigs` / `updateHttpClientConfig`. */
export interface RequestUrlHandlerConfig {
  /** Milliseconds before a request is given up; 0 waits for ever. */
  requestTimeout?: number;
}

/** Default time a single request may take before it fails with a `TimeoutError`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

// Electron's network stack rejects these with net::ERR_INVALID_ARGUMENT (host and
// content-length are derived from the URL and the body), and the others describe the
// connection or the framing, which requestUrl owns. `expect: 100-continue` is pointless when
// the body is sent in one piece, and none of them is part of a SigV4 signature except
// host and content-length, whose values requestUrl reproduces exactly.
const HEADERS_REQUESTURL_SETS_ITSELF = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "trailer",
  "te",
  "cookie2",
  "expect",
]);

/**
 * Sends the SDK's HTTP requests with Obsidian's `requestUrl`.
 *
 * Responses of every status come back to the SDK with all headers (lower-case names) and the
 * body as a `Blob`, which both the SDK's Node and browser stream helpers can read, so XML
 * error bodies and `GetObject` bodies work alike. Network failures from `requestUrl` reach
 * the SDK as errors; Chromium's `net::ERR_…` failures get the matching Node `code` so the
 * SDK's retry strategy recognises them as transient.
 */
export class RequestUrlHttpHandler implements HttpHandler<RequestUrlHandlerConfig> {
  readonly metadata = { handlerProtocol: "http/1.1" };
  private config: RequestUrlHandlerConfig;

  constructor(
    private readonly requestUrl: RequestUrlFn,
    opts: { requestTimeoutMs?: number } = {},
  ) {
    this.config = { requestTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
  }

  /** Sends one request; resolves with the response whatever its status. */
  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const { abortSignal } = options;
    if (abortSignal?.aborted) throw abortError(abortSignal);

    const param = toRequestUrlParam(request);
    const timeoutMs = options.requestTimeout ?? this.config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;

    const cleanups: Array<() => void> = [];
    const racers: Array<Promise<RequestUrlResponseLike>> = [this.send(param)];
    if (timeoutMs > 0) {
      racers.push(
        new Promise<never>((_, reject) => {
          // Plain timers, not window's: this module also runs in Node (the command-line tool).
          const timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
          cleanups.push(() => clearTimeout(timer));
        }),
      );
    }
    if (abortSignal) {
      racers.push(
        new Promise<never>((_, reject) => {
          const onAbort = () => reject(abortError(abortSignal));
          const signal = abortSignal as Partial<EventTarget> & { onabort?: unknown };
          if (typeof signal.addEventListener === "function" && typeof signal.removeEventListener === "function") {
            signal.addEventListener("abort", onAbort, { once: true });
            cleanups.push(() => signal.removeEventListener?.("abort", onAbort));
          } else {
            signal.onabort = onAbort;
            cleanups.push(() => {
              signal.onabort = null;
            });
          }
        }),
      );
    }

    try {
      // The losing requestUrl call keeps running (it cannot be cancelled); its result is dropped.
      const res = await Promise.race(racers);
      return { response: toHttpResponse(res) };
    } finally {
      for (const cleanup of cleanups) cleanup();
    }
  }

  private async send(param: RequestUrlParamLike): Promise<RequestUrlResponseLike> {
    try {
      return await this.requestUrl(param);
    } catch (e) {
      throw asNetworkError(e);
    }
  }

  /** Called by the SDK's runtime extensions to change a setting (here only `requestTimeout`). */
  updateHttpClientConfig(key: keyof RequestUrlHandlerConfig, value: RequestUrlHandlerConfig[typeof key]): void {
    this.config = { ...this.config, [key]: value };
  }

  /** The current settings, as the SDK's runtime extensions read them. */
  httpHandlerConfigs(): RequestUrlHandlerConfig {
    return { ...this.config };
  }

  /** Nothing to release: requestUrl keeps no connections of ours. */
  destroy(): void {
    // requestUrl owns its connections; there is nothing to close here.
  }
}

/** Builds the `requestUrl` parameters for an SDK request. Exported for tests. */
export function toRequestUrlParam(request: HttpRequest): RequestUrlParamLike {
  const protocol = request.protocol.endsWith(":") ? request.protocol : `${request.protocol}:`;
  const port = request.port ? `:${request.port}` : "";
  const query = buildQueryString(request.query ?? {});
  // The path arrives already percent-encoded by the SDK (and signed that way): keep it as is.
  const url = `${protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ""}`;

  const headers: Record<string, string> = {};
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined || value === null) continue;
    const lower = name.toLowerCase();
    if (HEADERS_REQUESTURL_SETS_ITSELF.has(lower)) continue;
    if (lower === "content-type") {
      // Obsidian applies `contentType` as the Content-Type header; passing it there (and only
      // there) keeps one value, the one the signature covers.
      contentType = String(value);
      continue;
    }
    headers[name] = String(value);
  }

  const method = (request.method || "GET").toUpperCase();
  const param: RequestUrlParamLike = { url, method, headers, throw: false };
  if (contentType !== undefined) param.contentType = contentType;
  if (method !== "GET" && method !== "HEAD") {
    const body = toRequestBody(request.body);
    if (body !== undefined) param.body = body;
  }
  return param;
}

function toRequestBody(body: unknown): string | ArrayBuffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  // Tag checks rather than instanceof: bytes may come from another realm (a popout window,
  // Node's own Buffer inside a test sandbox), where instanceof ArrayBuffer is false.
  if (isArrayBuffer(body)) return body;
  if (ArrayBuffer.isView(body)) {
    const view = body;
    // requestUrl takes an ArrayBuffer and sends all of it, so a view into a larger buffer
    // (Node's Buffer pool, a subarray) must be copied out to its exact bytes.
    if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && isArrayBuffer(view.buffer)) {
      return view.buffer;
    }
    const copy = new Uint8Array(view.byteLength);
    copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return copy.buffer;
  }
  const kind = (body as { constructor?: { name?: string } }).constructor?.name ?? typeof body;
  throw new Error(
    `RequestUrlHttpHandler can only send bodies held in memory (Uint8Array, ArrayBuffer or string), not a ${kind}: requestUrl has no streaming, and S3-compatible services reject the chunked encoding the SDK uses for streams.`,
  );
}

function isArrayBuffer(v: unknown): v is ArrayBuffer {
  return Object.prototype.toString.call(v) === "[object ArrayBuffer]";
}

function isErrorLike(v: unknown): v is Error {
  return typeof v === "object" && v !== null && typeof (v as { message?: unknown }).message === "string";
}

function toHttpResponse(res: RequestUrlResponseLike): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers ?? {})) {
    const v = value as unknown;
    headers[name.toLowerCase()] = Array.isArray(v) ? v.map(String).join(", ") : String(v);
  }
  return new HttpResponse({ statusCode: res.status, headers, body: toResponseBody(res.arrayBuffer) });
}

// The SDK reads response bodies through its stream helpers, which accept a Node Readable, a
// Blob or a web ReadableStream; a Blob exists in Obsidian (desktop and mobile) and in Node.
function toResponseBody(buffer: ArrayBuffer | undefined): Blob | Uint8Array {
  const bytes = buffer ?? new ArrayBuffer(0);
  if (typeof Blob === "function") return new Blob([bytes]);
  return new Uint8Array(bytes);
}

function timeoutError(ms: number): Error {
  const e = new Error(`Request did not complete within ${ms} ms`);
  e.name = "TimeoutError";
  return e;
}

function abortError(signal: unknown): Error {
  const reason = (signal as { reason?: unknown }).reason;
  const e = new Error(isErrorLike(reason) ? reason.message : typeof reason === "string" ? reason : "Request aborted");
  e.name = "AbortError";
  if (isErrorLike(reason)) (e as { cause?: unknown }).cause = reason;
  return e;
}

// Keeps what requestUrl threw (its message is what a person needs) as an Error of this realm
// with a Node-style `code`: the SDK's retry strategy tells a transient network failure from a
// bug by that code, and it flattens anything that is not `instanceof Error` here (an error
// from another realm, such as Electron's IPC or Node's internals seen from a sandbox) into a
// bare message, losing the code.
function asNetworkError(e: unknown): Error {
  if (e instanceof Error) {
    addCode(e, networkErrorCode(e));
    return e;
  }
  if (!isErrorLike(e)) return new Error(typeof e === "string" ? e : "requestUrl failed");
  const copy = new Error(e.message);
  copy.name = e.name;
  for (const field of ["errno", "syscall", "address", "port", "hostname"] as const) {
    const value = (e as unknown as Record<string, unknown>)[field];
    if (value !== undefined) (copy as unknown as Record<string, unknown>)[field] = value;
  }
  addCode(copy, networkErrorCode(e));
  (copy as { cause?: unknown }).cause = e;
  return copy;
}

function addCode(err: Error, code: string | undefined): void {
  const withCode = err as Error & { code?: unknown };
  if (code === undefined || typeof withCode.code === "string") return;
  try {
    withCode.code = code;
  } catch {
    // A frozen error keeps its shape; it is still reported, just not retried.
  }
}

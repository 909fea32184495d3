/**
 * A faithful stand-in for Obsidian's `requestUrl`, over Node's http/https, so code written
 * for Obsidian's transport talks to real servers in tests.
 *
 * Behaviour copied from Obsidian (desktop, where requestUrl runs on Electron's `net`; evidence in
 * tests/fakes/BEHAVIOURS.md R1–R3):
 * - `throw` defaults to true: a status >= 400 rejects with `Error("Request failed, status N")`
 *   carrying `status` and `headers`; `throw: false` resolves with any status.
 * - `contentType` is applied as the Content-Type header first, then `headers` are applied as
 *   given (a `headers` entry of the same name wins).
 * - Headers Electron refuses to let callers set (Host, Content-Length, Transfer-Encoding, …)
 *   reject with `net::ERR_INVALID_ARGUMENT`: requestUrl derives them from the URL and the body.
 * - Body: a string (sent as UTF-8) or an ArrayBuffer, held in memory; no streaming.
 * - Response `headers` is a plain object with lower-case names; `arrayBuffer`, `text` and
 *   `json` (a getter that throws on invalid JSON) hold the body.
 * - The returned promise also has `.arrayBuffer`, `.text` and `.json` promise properties.
 * - Redirects are followed (up to 10), as Electron's net does.
 * - A failed connection rejects with Node's error (`connect ECONNREFUSED 127.0.0.1:1`, with
 *   `code`), where Obsidian would say `net::ERR_CONNECTION_REFUSED`.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { RequestUrlParam, RequestUrlResponse, RequestUrlResponsePromise } from "obsidian";

/** Headers Electron's net module refuses to let a caller set. */
export const ELECTRON_RESTRICTED_HEADERS: readonly string[] = [
  "host",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "trailer",
  "te",
  "cookie2",
];

const MAX_REDIRECTS = 10;

/** The error Obsidian's requestUrl rejects with for a status >= 400 when `throw` is not false. */
export interface RequestUrlHttpError extends Error {
  status: number;
  headers: Record<string, string>;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Obsidian's `requestUrl`, over Node's http/https. */
export function requestUrl(param: RequestUrlParam | string): RequestUrlResponsePromise {
  const p: RequestUrlParam = typeof param === "string" ? { url: param } : param;
  const promise = send(p).then((raw) => {
    const response = toResponse(raw);
    if (p.throw !== false && raw.status >= 400) {
      const error = new Error(`Request failed, status ${raw.status}`) as RequestUrlHttpError;
      error.status = raw.status;
      error.headers = raw.headers;
      throw error;
    }
    return response;
  });
  // Getters, not eager `then`s: a property nobody reads must not become an unhandled rejection.
  void Object.defineProperties(promise, {
    arrayBuffer: { get: () => promise.then((r) => r.arrayBuffer) },
    text: { get: () => promise.then((r) => r.text) },
    json: { get: () => promise.then((r) => r.json as unknown) },
  });
  return promise as RequestUrlResponsePromise;
}

/** A stand-in for the transport behind the `requestUrl` that "obsidian" exports. */
export type RequestUrlRoute = (param: RequestUrlParam) => Promise<RequestUrlResponse>;

let route: RequestUrlRoute | null = null;

/**
 * Test helper, not in Obsidian's API: sends every call of the `requestUrl` that code importing
 * "obsidian" gets through `fn` (e.g. `holdingRequestUrl(requestUrl).requestUrl`, to hold an
 * upload of the plugin in flight), until called with null.
 */
export function routeRequestUrl(fn: RequestUrlRoute | null): void {
  route = fn;
}

/** What "obsidian" exports as `requestUrl`: this module's `requestUrl`, or the route a test set. */
export function obsidianRequestUrl(param: RequestUrlParam | string): RequestUrlResponsePromise {
  if (!route) return requestUrl(param);
  const promise = route(typeof param === "string" ? { url: param } : param);
  void Object.defineProperties(promise, {
    arrayBuffer: { get: () => promise.then((r) => r.arrayBuffer) },
    text: { get: () => promise.then((r) => r.text) },
    json: { get: () => promise.then((r) => r.json as unknown) },
  });
  return promise as RequestUrlResponsePromise;
}

function toResponse(raw: RawResponse): RequestUrlResponse {
  const arrayBuffer = raw.body.buffer.slice(raw.body.byteOffset, raw.body.byteOffset + raw.body.byteLength);
  const text = new TextDecoder().decode(raw.body);
  return {
    status: raw.status,
    headers: raw.headers,
    arrayBuffer,
    text,
    get json(): unknown {
      return JSON.parse(text);
    },
  };
}

async function send(p: RequestUrlParam): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const setHeader = (name: string, value: string) => {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    headers[name] = value;
  };
  if (p.contentType) setHeader("Content-Type", p.contentType);
  for (const [name, value] of Object.entries(p.headers ?? {})) {
    if (ELECTRON_RESTRICTED_HEADERS.includes(name.toLowerCase())) throw new Error("net::ERR_INVALID_ARGUMENT");
    setHeader(name, String(value));
  }
  let body: Buffer | undefined;
  if (typeof p.body === "string") body = Buffer.from(p.body, "utf8");
  // A tag check, not instanceof: callers' buffers may come from another realm (jest's sandbox).
  else if (Object.prototype.toString.call(p.body) === "[object ArrayBuffer]") body = Buffer.from(p.body as ArrayBuffer);
  else if (p.body !== undefined) throw new TypeError("requestUrl body must be a string or an ArrayBuffer");

  let url = new URL(p.url);
  let method = (p.method ?? "GET").toUpperCase();
  for (let hop = 0; ; hop++) {
    const raw = await once(url, method, headers, body);
    const location = raw.headers["location"];
    if (!isRedirect(raw.status) || !location) return raw;
    if (hop >= MAX_REDIRECTS) throw new Error("net::ERR_TOO_MANY_REDIRECTS");
    const next = new URL(location, url);
    // Credentials are not carried to another origin, as in fetch.
    if (next.origin !== url.origin) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === "authorization") delete headers[name];
    }
    url = next;
    // As browsers and Electron do: 303 always, and 301/302 after a POST, become a GET without body.
    if (raw.status === 303 || ((raw.status === 301 || raw.status === 302) && method === "POST")) {
      if (method !== "HEAD") method = "GET";
      body = undefined;
      for (const name of Object.keys(headers)) if (name.toLowerCase() === "content-type") delete headers[name];
    }
  }
}

// Chromium states the length of every body it sends, and an explicit zero for a PUT/POST/PATCH
// without one; Node would otherwise fall back to chunked encoding, which S3 services refuse.
function contentLength(method: string, body: Buffer | undefined): Record<string, string> {
  if (body !== undefined) return { "Content-Length": String(body.byteLength) };
  return method === "PUT" || method === "POST" || method === "PATCH" ? { "Content-Length": "0" } : {};
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function once(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined): Promise<RawResponse> {
  const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!transport) return Promise.reject(new Error(`net::ERR_UNKNOWN_URL_SCHEME (${url.protocol})`));
  return new Promise<RawResponse>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        headers: { ...headers, ...contentLength(method, body) },
        // A fresh connection per request, like each requestUrl call; no pooled sockets outlive a test.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

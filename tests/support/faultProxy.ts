/**
 * A fault-injecting HTTP proxy for tests, in front of a real S3 server on loopback.
 *
 * Requests are forwarded with every header unchanged (Host included), so a SigV4 signature
 * made for the proxy's host:port still verifies upstream. Per request, a plan decides what
 * happens instead: answer with an S3 XML error, drop the connection before or after the
 * response headers, wait before forwarding, or serve a response of the test's own. Every
 * request is logged with what was done to it, so a test can count the attempts a client made.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the plan sees it. */
export interface ProxyRequest {
  /** 0-based position among all requests since the plan was last set. */
  index: number;
  method: string;
  /** The path without the query string, still percent-encoded. */
  path: string;
  /** The raw query string without `?`, or "". */
  query: string;
  /** Header names lower-cased. */
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
}

/** An answer made up by the proxy instead of the upstream server's. */
export interface Answer {
  status: number;
  /** S3 error code for the XML body; the status's usual code when left out. */
  code?: string;
  message?: string;
  /** Extra XML elements inside `<Error>`, e.g. `{ Endpoint: "…" }`. */
  fields?: Record<string, string>;
  headers?: Record<string, string>;
  /** A body of the test's own instead of the XML error. */
  body?: string | Uint8Array;
}

/**
 * What to do with one request:
 * - `"ok"` (or undefined): forward it;
 * - `"status:<n>"` or an `Answer`: answer without forwarding;
 * - `"reset"`: destroy the connection without answering;
 * - `"reset-after-headers"`: forward, send the upstream status and headers and part of the
 *   body, then destroy the connection;
 * - `"delay:<ms>"`: wait, then forward (a client that gave up meanwhile is not waited for,
 *   but the upstream server still gets the request, as a slow network would deliver it).
 */
export type FaultAction = "ok" | "reset" | "reset-after-headers" | `status:${number}` | `delay:${number}` | Answer;

/** Decides the action for a request; undefined forwards it. */
export type FaultPlan = (req: ProxyRequest) => FaultAction | undefined;

/** One request the proxy received. */
export interface LoggedRequest {
  index: number;
  method: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  /** The action in words: `ok`, `status:503`, `reset`, `delay:1500`, … */
  action: string;
  /** The status sent to the client; undefined when the connection was dropped. */
  status?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: use it as the endpoint (or public URL) in a profile. */
  url: string;
  /** Replaces the plan, and clears the log and the request counter. */
  setPlan(plan: FaultPlan): void;
  log: LoggedRequest[];
  /** Requests in the log with this method (and, when given, whose path contains `pathPart`). */
  count(method: string, pathPart?: string): number;
  close(): Promise<void>;
}

/** The code S3 services use with each status in these tests. */
const DEFAULT_CODES: Record<number, [string, string]> = {
  301: ["PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint."],
  400: ["InvalidRequest", "The request is not valid."],
  403: ["AccessDenied", "Access Denied"],
  404: ["NoSuchKey", "The specified key does not exist."],
  500: ["InternalError", "We encountered an internal error. Please try again."],
  501: ["NotImplemented", "A header you provided implies functionality that is not implemented."],
  503: ["SlowDown", "Please reduce your request rate."],
};

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The XML error body an S3 service sends. */
export function s3ErrorXml(code: string, message: string, fields: Record<string, string> = {}): string {
  const extra = Object.entries(fields)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>fault-proxy</RequestId></Error>`;
}

/** Plans for provider quirks and common fault sequences. */
export const rules = {
  /** Cloudflare R2: any `x-amz-acl` header is answered 501 NotImplemented. */
  r2RejectsAcl: ((req) =>
    req.headers["x-amz-acl"] !== undefined
      ? {
          status: 501,
          code: "NotImplemented",
          message: "A header you provided implies functionality that is not implemented.",
          fields: { Header: "x-amz-acl" },
        }
      : undefined) as FaultPlan,
  /** Backblaze B2 and OVH before they supported checksums: any `x-amz-checksum-*` header is answered 400. */
  rejectsChecksumHeaders: ((req) => {
    const header = Object.keys(req.headers).find((h) => h.startsWith("x-amz-checksum-") || h === "x-amz-sdk-checksum-algorithm");
    return header
      ? { status: 400, code: "InvalidArgument", message: `Unsupported header '${header}' received for this API call.`, fields: { ArgumentName: header } }
      : undefined;
  }) as FaultPlan,
  /** The first `n` requests matching `method` get `action`; everything else is forwarded. */
  firstN(n: number, method: string, action: FaultAction): FaultPlan {
    let seen = 0;
    return (req) => (req.method === method && seen++ < n ? action : undefined);
  },
  /** Every request matching `method` gets `action`. */
  always(method: string, action: FaultAction): FaultPlan {
    return (req) => (req.method === method ? action : undefined);
  },
  /** The first plan that decides anything wins. */
  all(...plans: FaultPlan[]): FaultPlan {
    return (req) => {
      for (const plan of plans) {
        const action = plan(req);
        if (action !== undefined && action !== "ok") return action;
      }
      return undefined;
    };
  },
};

function describe(action: FaultAction): string {
  return typeof action === "string" ? action : `status:${action.status}${action.code ? ` ${action.code}` : ""}`;
}

/** Starts the proxy on a free loopback port in front of `upstream` (an http:// URL). */
export async function startFaultProxy(opts: { upstream: string; plan?: FaultPlan }): Promise<FaultProxy> {
  const up = new URL(opts.upstream);
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let plan: FaultPlan = opts.plan ?? (() => undefined);
  let counter = 0;
  const log: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const server = http.createServer((req, res) => {
    res.on("error", () => undefined);
    const [path, query = ""] = (req.url ?? "/").split(/\?(.*)/s, 2);
    const index = counter++;
    const entry: LoggedRequest = { index, method: req.method ?? "", path, query, headers: req.headers, action: "ok" };

    // "reset" drops the connection before reading anything, as a broken link would.
    const early = plan({ index, method: entry.method, path, query, headers: req.headers, bodyBytes: Number(req.headers["content-length"] ?? 0) });
    if (early === "reset") {
      entry.action = "reset";
      log.push(entry);
      req.socket.destroy();
      return;
    }

    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => undefined);
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const action: FaultAction = early ?? "ok";
      entry.action = describe(action);
      log.push(entry);

      const answer = toAnswer(action);
      if (answer) {
        entry.status = answer.status;
        const payload =
          answer.body ??
          s3ErrorXml(
            answer.code ?? DEFAULT_CODES[answer.status]?.[0] ?? `Status${answer.status}`,
            answer.message ?? DEFAULT_CODES[answer.status]?.[1] ?? "",
            answer.fields,
          );
        const bytes = typeof payload === "string" ? Buffer.from(payload) : Buffer.from(payload);
        const headers: Record<string, string> = {
          "Content-Type": answer.body === undefined ? "application/xml" : "application/octet-stream",
          Date: new Date().toUTCString(),
          ...answer.headers,
          "Content-Length": String(bytes.length),
        };
        res.writeHead(answer.status, headers);
        res.end(req.method === "HEAD" ? undefined : bytes);
        return;
      }

      const forward = (): void => {
        if (closing) {
          req.socket.destroy();
          return;
        }
        const preq = http.request(
          { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers, agent: upstreamAgent },
          (pres) => {
            entry.status = pres.statusCode;
            if (action === "reset-after-headers") {
              breakAfterHeaders(pres, res, req);
              return;
            }
            res.writeHead(pres.statusCode ?? 502, pres.headers);
            pres.pipe(res);
          },
        );
        preq.on("error", (e) => res.destroy(e));
        preq.end(body);
      };

      const delay = typeof action === "string" && action.startsWith("delay:") ? Number(action.slice(6)) : 0;
      if (delay > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          forward();
        }, delay);
        timers.add(timer);
      } else {
        forward();
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setPlan(next: FaultPlan) {
      plan = next;
      counter = 0;
      log.length = 0;
    },
    log,
    count(method: string, pathPart?: string) {
      return log.filter((e) => e.method === method && (pathPart === undefined || e.path.includes(pathPart))).length;
    },
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      upstreamAgent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function toAnswer(action: FaultAction): Answer | undefined {
  if (typeof action !== "string") return action;
  if (action.startsWith("status:")) return { status: Number(action.slice(7)) };
  return undefined;
}

// Declares a body longer than what is sent (or a chunked one that never ends), so the client
// has the status and headers but sees the connection break while reading the body.
function breakAfterHeaders(pres: http.IncomingMessage, res: http.ServerResponse, req: http.IncomingMessage): void {
  const parts: Buffer[] = [];
  pres.on("data", (c: Buffer) => parts.push(c));
  pres.on("end", () => {
    const whole = Buffer.concat(parts);
    const headers = { ...pres.headers };
    delete headers["content-length"];
    delete headers["transfer-encoding"];
    if (whole.length > 0) headers["content-length"] = String(whole.length);
    res.writeHead(pres.statusCode ?? 502, headers);
    if (whole.length > 0) res.write(whole.subarray(0, Math.floor(whole.length / 2)));
    else res.flushHeaders();
    setTimeout(() => req.socket.destroy(), 20);
  });
}

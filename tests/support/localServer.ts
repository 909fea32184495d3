/**
 * A tiny HTTP server on loopback for transport tests: it echoes what it received and can
 * answer with a chosen status, redirect, or wait before answering.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What `/echo` reports about the request it received. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Request body, base64. */
  body: string;
}

export interface LocalServer {
  url: string;
  /** Every request received, in order. */
  seen: Echo[];
  /** Answers GETs of `path` (e.g. `/img/a.png`) with 200 and `body`; `headers` default to a PNG's type. */
  serve(path: string, body: Uint8Array | string, headers?: Record<string, string>): string;
  close(): Promise<void>;
}

export async function startLocalServer(): Promise<LocalServer> {
  const seen: Echo[] = [];
  const served = new Map<string, { body: Uint8Array | string; headers: Record<string, string> }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const echo: Echo = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("base64") };
      seen.push(echo);
      const u = new URL(req.url ?? "/", "http://localhost");
      const file = served.get(u.pathname);
      if (file) {
        res.writeHead(200, file.headers);
        res.end(file.body);
        return;
      }
      const parts = u.pathname.split("/").filter(Boolean);
      switch (parts[0]) {
        case "echo":
          res.writeHead(200, { "Content-Type": "application/json", "X-Mixed-Case": "Yes" });
          res.end(JSON.stringify(echo));
          return;
        case "status": {
          const status = Number(parts[1]);
          res.writeHead(status, { "Content-Type": "application/xml", "X-Status": String(status) });
          res.end(`<Error><Code>Status${status}</Code></Error>`);
          return;
        }
        case "redirect": {
          // /redirect/<status>/<hops>: redirects <hops> times, then lands on /echo.
          const status = Number(parts[1]);
          const hops = Number(parts[2]);
          res.writeHead(status, { Location: hops > 1 ? `/redirect/${status}/${hops - 1}` : "/echo" });
          res.end();
          return;
        }
        case "bad-json":
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end("{not json");
          return;
        case "cookies":
          res.setHeader("Set-Cookie", ["a=1", "b=2"]);
          res.writeHead(200);
          res.end("ok");
          return;
        case "slow": {
          const ms = Number(parts[1]);
          const timer = setTimeout(() => {
            res.writeHead(200);
            res.end("late");
          }, ms);
          res.on("close", () => clearTimeout(timer));
          return;
        }
        case "bytes": {
          const body = Buffer.from([0, 1, 2, 253, 254, 255]);
          res.writeHead(200, { "Content-Type": "application/octet-stream", Date: new Date(0).toUTCString() });
          res.end(body);
          return;
        }
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    serve(path, body, headers = { "Content-Type": "image/png" }) {
      served.set(path, { body, headers });
      return `http://127.0.0.1:${port}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

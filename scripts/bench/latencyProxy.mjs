// An HTTP proxy on loopback that holds every request for a fixed time before forwarding it,
// to stand in for a bucket far away, and counts the requests it sees by method.
//
// Headers (Host included) are forwarded unchanged, so a SigV4 signature made for the
// proxy's host:port still verifies at the server behind it. Paths under /__proxy/ are the
// proxy's own: GET /__proxy/stats returns the counts since the last GET /__proxy/reset.
//
//   node scripts/bench/latencyProxy.mjs UPSTREAM_URL DELAY_MS
// prints one JSON line {"url": "http://127.0.0.1:PORT"} once it listens.
import http from "node:http";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * @param {{ upstream: string, delayMs: number, port?: number }} opts
 * @returns {Promise<{ url: string, stats(): Record<string, number>, reset(): void, close(): Promise<void> }>}
 */
export function startLatencyProxy({ upstream, delayMs, port = 0 }) {
  const up = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let counts = {};
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/__proxy/")) {
      if (req.url === "/__proxy/reset") counts = {};
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(counts));
      return;
    }
    const method = req.method ?? "GET";
    counts[method] = (counts[method] ?? 0) + 1;
    const forward = () => {
      const out = http.request({ host: up.hostname, port: up.port, method, path: req.url, headers: req.headers, agent }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      out.on("error", (e) => res.destroy(e));
      req.pipe(out);
    };
    if (delayMs > 0) setTimeout(forward, delayMs);
    else forward();
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
        stats: () => ({ ...counts }),
        reset: () => {
          counts = {};
        },
        close: () => {
          agent.destroy();
          server.closeAllConnections();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [upstream, delay] = process.argv.slice(2);
  if (!upstream) {
    console.error("usage: node latencyProxy.mjs UPSTREAM_URL DELAY_MS");
    process.exit(2);
  }
  const proxy = await startLatencyProxy({ upstream, delayMs: Number(delay ?? 0) });
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/**
 * An https server on loopback with a certificate nobody trusts (made with openssl for this
 * run), for tests of what a person is told about a certificate the device cannot verify.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface SelfSignedServer {
  url: string;
  close(): Promise<void>;
}

export async function startSelfSignedServer(): Promise<SelfSignedServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
      ],
      { cwd: dir, stdio: "ignore" },
    );
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) }, (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("a server nobody should trust");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `https://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

import * as path from "node:path";
import { Readable } from "node:stream";
import { HttpRequest, collectBody } from "@smithy/core/protocols";
import { isTransientError } from "@smithy/core/retry";
import { sdkStreamMixin, streamCollector } from "@smithy/core/serde";
import { DEFAULT_REQUEST_TIMEOUT_MS, RequestUrlHttpHandler, toRequestUrlParam } from "../../../src/storage/requestUrlHandler";
import type { RequestUrlFn, RequestUrlParamLike } from "../../../src/storage/requestUrlHandler";
import { requestUrl } from "../../fakes/requestUrl";
import { startLocalServer, unusedPort } from "../../support/localServer";
import type { Echo, LocalServer } from "../../support/localServer";

// The SDK's browser stream helpers, the ones the Obsidian build uses, loaded by file because
// the package only exposes them under the "browser" export condition.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file path, not a package export, so import cannot name it
const browserSerde = require(path.join(path.dirname(require.resolve("@smithy/core/package.json")), "dist-cjs/submodules/serde/index.browser.js")) as {
  sdkStreamMixin: typeof sdkStreamMixin;
  streamCollector: (s: unknown) => Promise<Uint8Array>;
};

const obsidianRequestUrl = requestUrl as unknown as RequestUrlFn;

let server: LocalServer;
let base: URL;
beforeAll(async () => {
  server = await startLocalServer();
  base = new URL(server.url);
});
afterAll(() => server.close());

function req(over: Partial<ConstructorParameters<typeof HttpRequest>[0]> = {}): HttpRequest {
  return new HttpRequest({ protocol: "http:", hostname: base.hostname, port: Number(base.port), method: "GET", path: "/echo", ...over });
}

async function echoed(body: unknown): Promise<Echo> {
  const bytes = await streamCollector(body as Blob);
  return JSON.parse(new TextDecoder().decode(bytes)) as Echo;
}

describe("toRequestUrlParam", () => {
  test("builds the URL from protocol, host, port, the already-encoded path and a sorted query with repeated keys", () => {
    const p = toRequestUrlParam(
      new HttpRequest({
        protocol: "https:",
        hostname: "s3.example.com",
        port: 8443,
        method: "GET",
        path: "/bucket/img/a%20b%2Bc.png",
        query: { "x-id": "GetObject", uploads: null as unknown as string, tag: ["b", "a c"], prefix: "ä/é" },
      }),
    );
    expect(p.url).toBe("https://s3.example.com:8443/bucket/img/a%20b%2Bc.png?prefix=%C3%A4%2F%C3%A9&tag=b&tag=a%20c&uploads&x-id=GetObject");
  });

  test("leaves the port out when the request has none, and accepts a protocol without its colon", () => {
    expect(toRequestUrlParam(new HttpRequest({ protocol: "https", hostname: "h.example", path: "/k" })).url).toBe("https://h.example/k");
  });

  test("passes signed headers as given, moves Content-Type to contentType and drops the ones requestUrl sets itself", () => {
    const p = toRequestUrlParam(
      req({
        method: "PUT",
        headers: {
          host: "127.0.0.1:9000",
          "content-length": "3",
          "Content-Type": "image/png",
          Expect: "100-continue",
          "transfer-encoding": "chunked",
          authorization: "AWS4-HMAC-SHA256 Credential=x",
          "x-amz-date": "20260101T000000Z",
          "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
          "Cache-Control": "public, max-age=31536000, immutable",
        },
        body: new Uint8Array([1, 2, 3]),
      }),
    );
    expect(p.contentType).toBe("image/png");
    expect(p.headers).toEqual({
      authorization: "AWS4-HMAC-SHA256 Credential=x",
      "x-amz-date": "20260101T000000Z",
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      "Cache-Control": "public, max-age=31536000, immutable",
    });
    expect(p.throw).toBe(false);
    expect(p.method).toBe("PUT");
  });

  test("sends a Uint8Array that is a view into a larger buffer as exactly its own bytes", () => {
    const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const p = toRequestUrlParam(req({ method: "PUT", body: big.subarray(2, 5) }));
    expect([...new Uint8Array(p.body as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  test("passes string and ArrayBuffer bodies through, and sends no body with GET or HEAD", () => {
    expect(toRequestUrlParam(req({ method: "POST", body: "<xml/>" })).body).toBe("<xml/>");
    const ab = new Uint8Array([5]).buffer;
    expect(toRequestUrlParam(req({ method: "PUT", body: ab })).body).toBe(ab);
    expect(toRequestUrlParam(req({ method: "HEAD", body: new Uint8Array([1]) })).body).toBeUndefined();
  });

  test.each([
    ["a Node stream", () => Readable.from([Buffer.from("x")])],
    ["a web stream", () => new ReadableStream()],
  ])("refuses %s with an error that says to send bytes", (_label, make) => {
    expect(() => toRequestUrlParam(req({ method: "PUT", body: make() }))).toThrow(/only send bodies held in memory \(Uint8Array/);
  });
});

describe("RequestUrlHttpHandler over the requestUrl double", () => {
  test("sends the request and returns status, lower-case headers and a body the SDK can read", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    const { response } = await handler.handle(
      req({ method: "PUT", path: "/echo", query: { a: "1" }, headers: { "X-Amz-Meta-Note": "hi" }, body: new Uint8Array([104, 105]) }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-mixed-case"]).toBe("Yes");
    const e = await echoed(response.body);
    expect(e.url).toBe("/echo?a=1");
    expect(e.headers["x-amz-meta-note"]).toBe("hi");
    expect(Buffer.from(e.body, "base64").toString()).toBe("hi");
  });

  test("error statuses resolve (they are not thrown) with their XML body and headers intact", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    const { response } = await handler.handle(req({ path: "/status/403" }));
    expect(response.statusCode).toBe(403);
    expect(response.headers["x-status"]).toBe("403");
    const bytes = await collectBody(response.body, { streamCollector });
    expect(new TextDecoder().decode(bytes)).toBe("<Error><Code>Status403</Code></Error>");
  });

  test("passes the Date header through, which the SDK needs to correct clock skew", async () => {
    const { response } = await new RequestUrlHttpHandler(obsidianRequestUrl).handle(req({ path: "/bytes" }));
    expect(response.headers.date).toBe(new Date(0).toUTCString());
  });

  test("the response body works with the SDK's Node and browser stream helpers alike", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    const node = sdkStreamMixin((await handler.handle(req({ path: "/bytes" }))).response.body);
    expect([...(await node.transformToByteArray())]).toEqual([0, 1, 2, 253, 254, 255]);
    const browser = browserSerde.sdkStreamMixin((await handler.handle(req({ path: "/bytes" }))).response.body);
    expect([...(await browser.transformToByteArray())]).toEqual([0, 1, 2, 253, 254, 255]);
    const text = browserSerde.sdkStreamMixin((await handler.handle(req({ path: "/status/404" }))).response.body);
    expect(await text.transformToString()).toBe("<Error><Code>Status404</Code></Error>");
    const web = browserSerde.sdkStreamMixin((await handler.handle(req({ path: "/bytes" }))).response.body);
    expect(web.transformToWebStream()).toBeInstanceOf(ReadableStream);
  });

  test("a request slower than the timeout rejects with a TimeoutError the SDK retries", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl, { requestTimeoutMs: 50 });
    const started = Date.now();
    const err = (await handler.handle(req({ path: "/slow/2000" })).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(isTransientError(err as never)).toBe(true);
  });

  test("the timeout defaults to 30 s and can be changed per request or through the SDK's config hooks", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    expect(handler.httpHandlerConfigs()).toEqual({ requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS });
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(30_000);
    await expect(handler.handle(req({ path: "/slow/2000" }), { requestTimeout: 40 })).rejects.toMatchObject({ name: "TimeoutError" });
    handler.updateHttpClientConfig("requestTimeout", 40);
    expect(handler.httpHandlerConfigs().requestTimeout).toBe(40);
    await expect(handler.handle(req({ path: "/slow/2000" }))).rejects.toMatchObject({ name: "TimeoutError" });
    const { response } = await handler.handle(req({ path: "/slow/100" }), { requestTimeout: 1000 });
    expect(response.statusCode).toBe(200);
  });

  test("an abort during the request rejects at once with an AbortError", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    await expect(handler.handle(req({ path: "/slow/2000" }), { abortSignal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("an already aborted signal rejects without sending anything", async () => {
    const sent: RequestUrlParamLike[] = [];
    const handler = new RequestUrlHttpHandler((p) => {
      sent.push(p);
      return obsidianRequestUrl(p);
    });
    const controller = new AbortController();
    controller.abort();
    await expect(handler.handle(req(), { abortSignal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(sent).toHaveLength(0);
  });

  test("a refused connection propagates Node's error as an Error of this realm, which the SDK classifies as transient", async () => {
    const port = await unusedPort();
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    const err = (await handler.handle(req({ port })).catch((e: unknown) => e)) as Error & { code?: string };
    // Node's own errors fail instanceof Error inside jest's sandbox, as an error from another
    // window would in Obsidian; the SDK flattens such values and loses their code.
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.code).toBe("ECONNREFUSED");
    expect(isTransientError(err as never)).toBe(true);
  });

  test("Chromium's net errors (Obsidian desktop) get the matching Node code so the SDK retries them", async () => {
    const handler = new RequestUrlHttpHandler(() => Promise.reject(new Error("net::ERR_CONNECTION_RESET")));
    const err = (await handler.handle(req()).catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.message).toBe("net::ERR_CONNECTION_RESET");
    expect(err.code).toBe("ECONNRESET");
    expect(isTransientError(err as never)).toBe(true);
  });

  test("the request reaches requestUrl without headers Electron would refuse", async () => {
    const handler = new RequestUrlHttpHandler(obsidianRequestUrl);
    const { response } = await handler.handle(
      req({ method: "PUT", headers: { host: `${base.host}`, "content-length": "2", expect: "100-continue" }, body: new Uint8Array([1, 2]) }),
    );
    expect(response.statusCode).toBe(200);
    const e = await echoed(response.body);
    expect(e.headers["content-length"]).toBe("2");
    expect(e.headers.expect).toBeUndefined();
  });
});

import { requestUrl } from "../../fakes/requestUrl";
import type { RequestUrlHttpError } from "../../fakes/requestUrl";
import { startLocalServer, unusedPort } from "../../support/localServer";
import type { Echo, LocalServer } from "../../support/localServer";

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());

function echoOf(json: unknown): Echo {
  return json as Echo;
}

describe("the requestUrl test double behaves like Obsidian's", () => {
  test("a GET resolves with status, lower-case headers and the body as text, bytes and JSON", async () => {
    const res = await requestUrl({ url: `${server.url}/echo?a=1` });
    expect(res.status).toBe(200);
    expect(res.headers["x-mixed-case"]).toBe("Yes");
    expect(Object.keys(res.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(echoOf(res.json).url).toBe("/echo?a=1");
    expect(JSON.parse(res.text)).toEqual(res.json);
    expect(new TextDecoder().decode(res.arrayBuffer)).toBe(res.text);
  });

  test("a plain string argument is a GET of that URL", async () => {
    const res = await requestUrl(`${server.url}/echo`);
    expect(echoOf(res.json).method).toBe("GET");
  });

  test("binary bodies arrive byte for byte in arrayBuffer", async () => {
    const res = await requestUrl({ url: `${server.url}/bytes` });
    expect([...new Uint8Array(res.arrayBuffer)]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  test("the json getter throws on a body that is not JSON, while text still works", async () => {
    const res = await requestUrl({ url: `${server.url}/bad-json` });
    expect(res.text).toBe("{not json");
    expect(() => res.json as unknown).toThrow(SyntaxError);
  });

  test("by default a status >= 400 rejects with an Error carrying status and headers", async () => {
    const err = (await requestUrl({ url: `${server.url}/status/404` }).catch((e: unknown) => e)) as RequestUrlHttpError;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("Request failed, status 404");
    expect(err.status).toBe(404);
    expect(err.headers["x-status"]).toBe("404");
  });

  test("with throw: false an error status resolves with its body", async () => {
    const res = await requestUrl({ url: `${server.url}/status/503`, throw: false });
    expect(res.status).toBe(503);
    expect(res.text).toBe("<Error><Code>Status503</Code></Error>");
  });

  test("contentType becomes the Content-Type header, and a headers entry of the same name wins", async () => {
    const a = echoOf((await requestUrl({ url: `${server.url}/echo`, method: "POST", contentType: "image/png", body: "x" })).json);
    expect(a.headers["content-type"]).toBe("image/png");
    const b = echoOf(
      (await requestUrl({ url: `${server.url}/echo`, method: "POST", contentType: "image/png", headers: { "content-type": "text/plain" }, body: "x" })).json,
    );
    expect(b.headers["content-type"]).toBe("text/plain");
  });

  test("a string body is sent as UTF-8 and an ArrayBuffer body byte for byte, each with its exact length", async () => {
    const s = echoOf((await requestUrl({ url: `${server.url}/echo`, method: "PUT", body: "é€" })).json);
    expect(Buffer.from(s.body, "base64").toString("utf8")).toBe("é€");
    expect(s.headers["content-length"]).toBe("5");
    const bytes = new Uint8Array([9, 8, 7, 0, 255]);
    const b = echoOf((await requestUrl({ url: `${server.url}/echo`, method: "PUT", body: bytes.buffer })).json);
    expect([...Buffer.from(b.body, "base64")]).toEqual([9, 8, 7, 0, 255]);
    expect(b.headers["transfer-encoding"]).toBeUndefined();
  });

  test("a PUT without a body states Content-Length: 0 rather than using chunked encoding", async () => {
    const e = echoOf((await requestUrl({ url: `${server.url}/echo`, method: "PUT" })).json);
    expect(e.headers["content-length"]).toBe("0");
    expect(e.headers["transfer-encoding"]).toBeUndefined();
  });

  test("custom headers are sent with their values", async () => {
    const e = echoOf((await requestUrl({ url: `${server.url}/echo`, headers: { "X-Amz-Date": "20260101T000000Z", Authorization: "AWS4 x" } })).json);
    expect(e.headers["x-amz-date"]).toBe("20260101T000000Z");
    expect(e.headers.authorization).toBe("AWS4 x");
  });

  test.each(["Host", "content-length", "Transfer-Encoding"])("setting the %s header rejects with net::ERR_INVALID_ARGUMENT, as Electron does", async (name) => {
    await expect(requestUrl({ url: `${server.url}/echo`, headers: { [name]: "1" } })).rejects.toThrow("net::ERR_INVALID_ARGUMENT");
  });

  test("the returned promise also offers text, json and arrayBuffer as promises", async () => {
    expect(await requestUrl({ url: `${server.url}/bad-json` }).text).toBe("{not json");
    expect(echoOf(await requestUrl({ url: `${server.url}/echo` }).json).method).toBe("GET");
    expect((await requestUrl({ url: `${server.url}/bytes` }).arrayBuffer).byteLength).toBe(6);
  });

  test("repeated response headers are joined into one value", async () => {
    const res = await requestUrl({ url: `${server.url}/cookies` });
    expect(res.headers["set-cookie"]).toBe("a=1, b=2");
  });

  test("redirects are followed to the final answer", async () => {
    const res = await requestUrl({ url: `${server.url}/redirect/302/3` });
    expect(res.status).toBe(200);
    expect(echoOf(res.json).url).toBe("/echo");
  });

  test("a 303 after a PUT continues as a GET without the body", async () => {
    const res = await requestUrl({ url: `${server.url}/redirect/303/1`, method: "PUT", body: "data" });
    const e = echoOf(res.json);
    expect(e.method).toBe("GET");
    expect(e.body).toBe("");
  });

  test("a 307 keeps the method and the body", async () => {
    const res = await requestUrl({ url: `${server.url}/redirect/307/1`, method: "PUT", body: "data" });
    const e = echoOf(res.json);
    expect(e.method).toBe("PUT");
    expect(Buffer.from(e.body, "base64").toString()).toBe("data");
  });

  test("more than 10 redirects reject", async () => {
    await expect(requestUrl({ url: `${server.url}/redirect/302/12` })).rejects.toThrow(/TOO_MANY_REDIRECTS/);
  });

  test("a refused connection rejects with Node's error, ECONNREFUSED in message and code", async () => {
    const port = await unusedPort();
    const err = (await requestUrl({ url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.code).toBe("ECONNREFUSED");
  });

  test("an unread promise property does not turn a rejection into an unhandled one", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on("unhandledRejection", onUnhandled);
    try {
      await expect(requestUrl({ url: `${server.url}/status/500` })).rejects.toThrow("status 500");
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

/**
 * Secrets stay secret and keys stay in their folder.
 *
 * Every kind of error is provoked with distinctive credentials, and servers that echo the
 * request's Authorization header, signature and signing details back into their error
 * bodies (as AWS does for SignatureDoesNotMatch); no message, hint, notice text or
 * `String(error)` may contain the secret, the key id or a signature. And a file name built to
 * climb out of the key template's folder lands inside it, in the real bucket.
 */
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Credentials, Profile } from "../../../src/core/types";
import { UploadError } from "../../../src/core/errors";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { toUploadError } from "../../../src/storage/errorMapping";
import { RequestUrlHttpHandler, type RequestUrlFn, type RequestUrlParamLike } from "../../../src/storage/requestUrlHandler";
import { createUploader } from "../../../src/storage/uploader";
import { requestUrl } from "../../fakes/requestUrl";
import { diagnose } from "../../support/diagnose";
import { type Answer, type FaultProxy, type ProxyRequest } from "../../support/faultProxy";
import { unusedPort } from "../../support/localServer";
import type { SelfSignedServer } from "../../support/selfSignedServer";
import { adminClient, anonymousGet, testCredentials, testProfile, uniquePng, useDiagnosticsRig } from "../../support/s3";

jest.setTimeout(30_000);

/** Credentials nobody else uses, shaped like real ones (the secret has / + =). */
const CANARY: Credentials = { accessKeyId: "AKIAS3IHCANARY7Q2XZW", secretAccessKey: "s3ih/Canary+Secret=DoNotPrint/9f8e7d6c5b4a" };

let bucket: string;
let proxy: FaultProxy;
let tls: SelfSignedServer;
useDiagnosticsRig("t-secrets", (rig) => ({ bucket, proxy, tls } = rig));

/** Signatures (and the rest of the Authorization header) of every request a transport sent. */
class SentRequests {
  readonly signatures = new Set<string>();
  readonly authorizations = new Set<string>();
  wrap(inner: RequestUrlFn): RequestUrlFn {
    return (p: RequestUrlParamLike) => {
      const auth = Object.entries(p.headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
      if (auth) {
        this.authorizations.add(auth);
        const sig = /Signature=([0-9a-f]+)/.exec(auth)?.[1];
        if (sig) this.signatures.add(sig);
      }
      return inner(p);
    };
  }
}

/** An answer that repeats everything secret-looking the request carried, the way a chatty server or proxy might. */
function leakyAnswer(status: number, code: string, extra: Partial<Answer> = {}): (req: ProxyRequest) => Answer {
  return (req) => {
    const auth = String(req.headers.authorization ?? "");
    const sig = /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? "";
    const credential = /Credential=([^,]+)/.exec(auth)?.[1] ?? "";
    return {
      status,
      code,
      message: `Request ${req.method} ${req.path}?X-Amz-Credential=${encodeURIComponent(credential)}&X-Amz-Signature=${sig} failed. Authorization: ${auth}`,
      fields: {
        AWSAccessKeyId: credential.split("/")[0],
        SignatureProvided: sig,
        StringToSign: `AWS4-HMAC-SHA256\n20260101T000000Z\n${credential}\n${sig}`,
        CanonicalRequest: `${req.method}\n${req.path}\n\nauthorization:${auth}`,
      },
      ...extra,
    };
  };
}

function texts(e: UploadError): string[] {
  return [e.message, e.hint, e.toUserText(), String(e)];
}

function expectNothingSecret(shown: string[], credentials: Credentials, sent: SentRequests): void {
  for (const text of shown) {
    expect(text).not.toContain(credentials.secretAccessKey);
    expect(text).not.toContain(credentials.accessKeyId);
    for (const sig of sent.signatures) expect(text).not.toContain(sig);
    expect(text).not.toMatch(/Signature=(?!\[redacted\])/i);
    expect(text).not.toMatch(/AWS4-HMAC-SHA256 Credential/);
  }
}

async function uploadError(profile: Profile, credentials: Credentials, sent: SentRequests, inner: RequestUrlFn = requestUrl): Promise<UploadError> {
  const handler = new RequestUrlHttpHandler(sent.wrap(inner), { requestTimeoutMs: 300 });
  const uploader = createUploader({ profile, credentials, requestHandler: handler, index: new MemoryUploadIndex() });
  try {
    const e = await uploader.upload({ bytes: uniquePng(), name: "shot.png", notePath: "Note.md" }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UploadError);
    return e as UploadError;
  } finally {
    uploader.destroy();
  }
}

describe("no error text shows a credential or a signature", () => {
  const real = () => testCredentials();

  test.each([
    ["InvalidAccessKeyId", () => ({ profile: testProfile({ bucket }), credentials: CANARY })],
    [
      "SignatureDoesNotMatch",
      () => ({ profile: testProfile({ bucket }), credentials: { accessKeyId: real().accessKeyId, secretAccessKey: CANARY.secretAccessKey } }),
    ],
    ["NoSuchBucket", () => ({ profile: testProfile({ bucket: `${bucket}-gone` }), credentials: real() })],
  ])("%s from the real server", async (code, setup) => {
    const { profile, credentials } = setup();
    const sent = new SentRequests();
    const e = await uploadError(profile, credentials, sent);
    expect(e.code).toBe(code);
    expect(sent.signatures.size).toBeGreaterThan(0);
    expectNothingSecret(texts(e), credentials, sent);
  });

  test.each<[string, (req: ProxyRequest) => Answer, Partial<Profile>]>([
    ["SignatureDoesNotMatch", leakyAnswer(403, "SignatureDoesNotMatch"), {}],
    ["AccessDenied", leakyAnswer(403, "AccessDenied"), {}],
    ["NoSuchBucket", leakyAnswer(404, "NoSuchBucket"), {}],
    ["WrongRegion", leakyAnswer(301, "PermanentRedirect"), {}],
    ["ClockSkew", leakyAnswer(403, "RequestTimeTooSkewed"), {}],
    ["AclNotSupported", leakyAnswer(501, "NotImplemented"), { acl: "public-read" }],
    ["ChecksumNotSupported", leakyAnswer(400, "InvalidArgument", { fields: { ArgumentName: "x-amz-checksum-crc32" } }), {}],
    ["ServerError", leakyAnswer(500, "InternalError"), {}],
    ["Unknown", leakyAnswer(400, "InvalidRequest"), {}],
  ])("%s from a server that echoes the request's signature", async (code, answer, overrides) => {
    proxy.setPlan(answer);
    const sent = new SentRequests();
    const e = await uploadError(testProfile({ bucket, endpoint: proxy.url, ...overrides }), CANARY, sent);
    expect(e.code).toBe(code);
    expect(sent.signatures.size).toBeGreaterThan(0);
    expectNothingSecret(texts(e), CANARY, sent);
  });

  test("ChecksumNotSupported for a client with the SDK's default checksums", async () => {
    proxy.setPlan(leakyAnswer(400, "InvalidArgument", { fields: { ArgumentName: "x-amz-checksum-crc32" } }));
    const client = new S3Client({ endpoint: proxy.url, region: "us-east-1", forcePathStyle: true, credentials: CANARY, maxAttempts: 1 });
    try {
      const raw = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "k.png", Body: new Uint8Array([1]) })).catch((err: unknown) => err);
      const e = toUploadError(raw, { profile: testProfile({ bucket, endpoint: proxy.url }), secrets: [CANARY.accessKeyId, CANARY.secretAccessKey] });
      expect(e.code).toBe("ChecksumNotSupported");
      const sig = /Signature=([0-9a-f]+)/.exec(String(proxy.log[0].headers.authorization))?.[1];
      expect(sig).toBeDefined();
      for (const text of texts(e)) {
        expect(text).not.toContain(CANARY.secretAccessKey);
        expect(text).not.toContain(sig);
      }
    } finally {
      client.destroy();
    }
  });

  test.each<[string, () => Promise<Partial<Profile>>, RequestUrlFn | undefined]>([
    ["DnsFailure", async () => ({ endpoint: "http://s3.canary.invalid" }), undefined],
    ["ConnectionRefused", async () => ({ endpoint: `http://127.0.0.1:${await unusedPort()}` }), undefined],
    ["TlsError", async () => ({ endpoint: tls.url }), undefined],
    ["Timeout", async () => ({ endpoint: proxy.url }), undefined],
    // A transport whose failure message quotes the whole request, headers and all.
    [
      "NetworkError",
      async () => ({ endpoint: proxy.url }),
      (p: RequestUrlParamLike) =>
        Promise.reject(new Error(`net::ERR_CONNECTION_RESET ${p.method} ${p.url} ${JSON.stringify(p.headers)} secretAccessKey=${CANARY.secretAccessKey}`)),
    ],
  ])("%s from the network", async (code, endpoint, transport) => {
    proxy.setPlan(() => "delay:1000");
    const sent = new SentRequests();
    const e = await uploadError(testProfile({ bucket, ...(await endpoint()) }), CANARY, sent, transport);
    expect(e.code).toBe(code);
    expect(sent.signatures.size).toBeGreaterThan(0);
    expectNothingSecret(texts(e), CANARY, sent);
  });

  test("Test connection's steps, including the public-link failures, show no credential or signature", async () => {
    proxy.setPlan((req) => (req.method === "GET" ? leakyAnswer(403, "AccessDenied")(req) : undefined));
    const sent = new SentRequests();
    const handler = new RequestUrlHttpHandler(sent.wrap(requestUrl));
    const credentials = testCredentials();
    const forbidden = await diagnose(testProfile({ bucket, acl: "public-read", publicBaseUrl: `${proxy.url}/${bucket}` }), credentials, {
      requestHandler: handler,
    });
    const wrongKey = await diagnose(testProfile({ bucket }), CANARY, { requestHandler: handler });
    expect(forbidden.find((s) => s.id === "public")?.code).toBe("PublicUrlForbidden");
    expect(wrongKey.find((s) => s.id === "upload")?.code).toBe("InvalidAccessKeyId");
    expectNothingSecret(
      forbidden.flatMap((s) => [s.message, s.hint ?? ""]),
      credentials,
      sent,
    );
    expectNothingSecret(
      wrongKey.flatMap((s) => [s.message, s.hint ?? ""]),
      CANARY,
      sent,
    );
  });
});

describe("object keys stay under the key template's folder", () => {
  test("a file named ../../etc/passwd.png from a note in ../../etc lands under the template's folder in the bucket", async () => {
    const profile = testProfile({ bucket, acl: "public-read", keyTemplate: "blog/{note}/{name}.{ext}" });
    const uploader = createUploader({
      profile,
      credentials: testCredentials(),
      requestHandler: new RequestUrlHttpHandler(requestUrl),
      index: new MemoryUploadIndex(),
    });
    try {
      const names = ["../../etc/passwd.png", "..\\..\\Windows\\win.ini.png", "/absolute/root.png", "./../.hidden.png"];
      const stored = [];
      for (const name of names) stored.push(await uploader.upload({ bytes: uniquePng(), name, notePath: "../../etc/../notes/..md" }));

      const admin = adminClient();
      const keys = ((await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "" }))).Contents ?? []).map((o) => o.Key ?? "");
      admin.destroy();
      for (const s of stored) {
        expect(keys).toContain(s.key);
        expect(s.key.startsWith("blog/")).toBe(true);
        expect(s.key.split("/")).toHaveLength(3);
        expect(s.key.split("/").some((seg) => seg === ".." || seg === "." || seg === "")).toBe(false);
        // The link, too, points inside the folder, and serves the image.
        expect(new URL(s.url).pathname.startsWith(`/${bucket}/blog/`)).toBe(true);
        expect((await anonymousGet(s.url)).status).toBe(200);
      }
      expect(keys.filter((k) => !k.startsWith("blog/"))).toEqual([]);
    } finally {
      uploader.destroy();
    }
  });
});

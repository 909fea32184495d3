import { S3ServiceException } from "@aws-sdk/client-s3";
import { HttpResponse } from "@smithy/core/protocols";
import { UploadError } from "../../../src/core/errors";
import type { Profile } from "../../../src/core/types";
import { credentialValues, redactSecrets } from "../../../src/core/redact";
import { toUploadError } from "../../../src/storage/errorMapping";
import { networkErrorCode } from "../../../src/storage/networkErrors";

const profile: Profile = {
  id: "p1",
  name: "Blog",
  provider: "generic",
  endpoint: "https://s3.example.com",
  region: "us-east-1",
  bucket: "my-images",
  forcePathStyle: true,
  publicBaseUrl: "",
  keyTemplate: "img/{hash}.{ext}",
  acl: "none",
  cacheControl: "",
  overwrite: false,
  convert: "keep",
  quality: "82",
  maxWidth: "",
  maxHeight: "",
  stripMetadata: true,
  sanitizeSvg: true,
  accessKeyIdSecret: "blog-key-id",
  secretAccessKeySecret: "blog-secret",
};

const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/** An error shaped exactly as the SDK throws it after parsing an S3 XML error body. */
function serviceError(code: string, status: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): S3ServiceException {
  const e = new S3ServiceException({
    name: code,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    message: typeof extra.Message === "string" ? extra.Message : "UnknownError",
  });
  Object.assign(e, code === "Unknown" || code === "NotFound" ? {} : { Code: code }, extra);
  e.$response = new HttpResponse({ statusCode: status, headers: { "content-type": "application/xml", ...headers } });
  return e;
}

/** A Node-style network error (what http/https and requestUrl's Node fake reject with). */
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("toUploadError: answers from the storage service", () => {
  test("an unknown access key id says the key is not known and points at the access key secret", () => {
    const u = toUploadError(serviceError("InvalidAccessKeyId", 403), { profile });
    expect(u.code).toBe("InvalidAccessKeyId");
    expect(u.message).toMatch(/^The access key id is not known to this service: check the Access key secret in the profile/);
  });

  test("in the command-line tool, the words name its environment variables and flags, not the plugin's settings", () => {
    const cli = { profile, face: "cli" as const };
    expect(toUploadError(serviceError("InvalidAccessKeyId", 403), cli).message).toBe(
      "The access key id is not known to this service: check S3_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID), and that the key belongs to this provider and account.",
    );
    expect(toUploadError(serviceError("SignatureDoesNotMatch", 403), cli).hint).toBe(
      "Check S3_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY), and --region (now us-east-1).",
    );
    const acl = toUploadError(serviceError("AccessControlListNotSupported", 400), { ...cli, profile: { ...profile, acl: "public-read" } });
    expect(acl.message).toContain("set --acl to none.");
    expect(toUploadError(serviceError("SomethingOdd", 418), cli).hint).toBe("Check --endpoint, --bucket and --region.");
    for (const e of [serviceError("InvalidAccessKeyId", 403), serviceError("SignatureDoesNotMatch", 403), serviceError("SomethingOdd", 418)]) {
      expect(toUploadError(e, cli).toUserText()).not.toContain("profile");
    }
  });

  test("a signature mismatch blames the secret key or the region in plain words", () => {
    const u = toUploadError(serviceError("SignatureDoesNotMatch", 403), { profile });
    expect(u.code).toBe("SignatureDoesNotMatch");
    expect(u.message).toBe("The service rejected the request signature: the secret access key is wrong, or the region does not match the bucket's region.");
    expect(u.hint).toContain("us-east-1");
  });

  test("access denied points at the key's scope and the bucket policy", () => {
    const u = toUploadError(serviceError("AccessDenied", 403, { Message: "Access Denied" }), { profile, operation: "upload img/a.png" });
    expect(u.code).toBe("AccessDenied");
    expect(u.message).toContain('bucket "my-images"');
    expect(u.message).toContain("upload img/a.png");
    expect(u.hint).toMatch(/scope/);
    expect(u.hint).toMatch(/bucket policy/);
  });

  test("a 403 to a HEAD, which carries no reason, is access denied and mentions a wrong secret as a cause", () => {
    const u = toUploadError(serviceError("Unknown", 403), { profile });
    expect(u.code).toBe("AccessDenied");
    expect(u.message).toContain("without saying why");
    expect(u.hint).toMatch(/wrong secret access key/);
  });

  test("a missing bucket is named with the endpoint's host", () => {
    const u = toUploadError(serviceError("NoSuchBucket", 404, { BucketName: "my-images" }), { profile });
    expect(u.code).toBe("NoSuchBucket");
    expect(u.message).toBe('The bucket "my-images" does not exist at s3.example.com.');
  });

  test("a permanent redirect is a wrong region, and the hint names the bucket's region from the response header", () => {
    const u = toUploadError(
      serviceError("PermanentRedirect", 301, { Endpoint: "my-images.s3.eu-west-1.amazonaws.com" }, { "x-amz-bucket-region": "eu-west-1" }),
      { profile },
    );
    expect(u.code).toBe("WrongRegion");
    expect(u.hint).toBe("Set the region to eu-west-1.");
  });

  test("an authorization header naming another region is a wrong region", () => {
    const u = toUploadError(
      serviceError("AuthorizationHeaderMalformed", 400, {
        Message: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-2'",
        Region: "ap-southeast-2",
      }),
      { profile },
    );
    expect(u.code).toBe("WrongRegion");
    expect(u.hint).toBe("Set the region to ap-southeast-2.");
  });

  test("a bare 301 (a HEAD to a bucket in another region) is a wrong region", () => {
    const u = toUploadError(serviceError("Unknown", 301), { profile });
    expect(u.code).toBe("WrongRegion");
    expect(u.hint).toContain("now us-east-1");
  });

  test("a skewed clock tells the user to fix the device's date and time", () => {
    const u = toUploadError(serviceError("RequestTimeTooSkewed", 403, { ServerTime: "2030-01-01T00:00:00Z" }), { profile });
    expect(u.code).toBe("ClockSkew");
    expect(u.hint).toMatch(/date and time/);
  });

  test("NotImplemented while the profile sends an ACL says to set ACL to none", () => {
    const u = toUploadError(serviceError("NotImplemented", 501, { Message: "Header 'x-amz-acl' with value 'public-read' not implemented" }), {
      profile: { ...profile, acl: "public-read" },
    });
    expect(u.code).toBe("AclNotSupported");
    expect(u.message).toContain("set ACL to none in the profile");
  });

  test("AccessControlListNotSupported (AWS buckets with ACLs disabled) is AclNotSupported", () => {
    const u = toUploadError(serviceError("AccessControlListNotSupported", 400, { Message: "The bucket does not allow ACLs" }), {
      profile: { ...profile, acl: "public-read" },
    });
    expect(u.code).toBe("AclNotSupported");
  });

  test("NotImplemented when no ACL was sent is a server-side limitation, not an ACL problem", () => {
    const u = toUploadError(serviceError("NotImplemented", 501, { Message: "Not implemented" }), { profile });
    expect(u.code).toBe("ServerError");
    expect(u.message).toContain("HTTP 501");
  });

  test("a 400 naming x-amz-checksum-crc32 is ChecksumNotSupported", () => {
    const u = toUploadError(serviceError("InvalidArgument", 400, { Message: "Unsupported header 'x-amz-checksum-crc32' received for this API call." }), {
      profile,
    });
    expect(u.code).toBe("ChecksumNotSupported");
  });

  test("a 501 about checksums is ChecksumNotSupported even when an ACL was also sent", () => {
    const u = toUploadError(serviceError("NotImplemented", 501, { Header: "x-amz-sdk-checksum-algorithm" }), { profile: { ...profile, acl: "public-read" } });
    expect(u.code).toBe("ChecksumNotSupported");
  });

  test.each([500, 502, 503])("HTTP %i is a server error that says to try again", (status) => {
    const u = toUploadError(serviceError(status === 503 ? "SlowDown" : "InternalError", status), { profile });
    expect(u.code).toBe("ServerError");
    expect(u.message).toContain(`HTTP ${status}`);
    expect(u.hint).toMatch(/try again/);
  });

  test("an unrecognised 4xx keeps the service's code and message", () => {
    const u = toUploadError(serviceError("InvalidRequest", 400, { Message: "Something odd" }), { profile });
    expect(u.code).toBe("Unknown");
    expect(u.message).toContain("HTTP 400 (InvalidRequest)");
    expect(u.message).toContain('"Something odd"');
  });

  test("the SDK's placeholder message UnknownError is not shown as the service's words", () => {
    const u = toUploadError(serviceError("InvalidRequest", 400), { profile });
    expect(u.message).not.toContain("UnknownError");
  });
});

describe("toUploadError: network failures", () => {
  test.each([
    ["ENOTFOUND", nodeError("ENOTFOUND", "getaddrinfo ENOTFOUND s3.example.com")],
    ["EAI_AGAIN", nodeError("EAI_AGAIN", "getaddrinfo EAI_AGAIN s3.example.com")],
    ["Chromium's name-not-resolved", new Error("net::ERR_NAME_NOT_RESOLVED")],
  ])("%s is a DNS failure naming the host", (_label, e) => {
    const u = toUploadError(e, { profile });
    expect(u.code).toBe("DnsFailure");
    expect(u.message).toContain("s3.example.com");
  });

  test.each([
    ["Node", nodeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9")],
    ["Chromium", new Error("net::ERR_CONNECTION_REFUSED")],
  ])("a refused connection (%s) is ConnectionRefused", (_label, e) => {
    expect(toUploadError(e, { profile }).code).toBe("ConnectionRefused");
  });

  test.each([
    nodeError("CERT_HAS_EXPIRED", "certificate has expired"),
    nodeError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
    nodeError("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames"),
    new Error("net::ERR_CERT_AUTHORITY_INVALID"),
  ])("a certificate problem (%p) is a TLS error", (e) => {
    expect(toUploadError(e, { profile }).code).toBe("TlsError");
  });

  test("the transport's TimeoutError and Node's ETIMEDOUT are timeouts", () => {
    const timeout = Object.assign(new Error("Request did not complete within 30000 ms"), { name: "TimeoutError" });
    expect(toUploadError(timeout, { profile }).code).toBe("Timeout");
    expect(toUploadError(nodeError("ETIMEDOUT", "connect ETIMEDOUT 10.0.0.1:443"), { profile }).code).toBe("Timeout");
  });

  test("a reset connection and a failed fetch are network errors", () => {
    expect(toUploadError(nodeError("ECONNRESET", "socket hang up"), { profile }).code).toBe("NetworkError");
    expect(toUploadError(new TypeError("Failed to fetch"), { profile }).code).toBe("NetworkError");
  });

  test("a network error that went through the SDK's retries (metadata, no status) is still classified by its code", () => {
    const e = Object.assign(nodeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"), { $metadata: { attempts: 3, totalRetryDelay: 200 } });
    expect(toUploadError(e, { profile }).code).toBe("ConnectionRefused");
  });

  test("networkErrorCode reads Node codes and translates Chromium's net errors", () => {
    expect(networkErrorCode(nodeError("EPIPE", "write EPIPE"))).toBe("EPIPE");
    expect(networkErrorCode(new Error("net::ERR_CONNECTION_RESET"))).toBe("ECONNRESET");
    expect(networkErrorCode(new Error("net::ERR_INTERNET_DISCONNECTED"))).toBe("ENETUNREACH");
    expect(networkErrorCode(new Error("plain"))).toBeUndefined();
  });
});

describe("toUploadError: everything else", () => {
  test("an UploadError passes through as the same object", () => {
    const original = new UploadError("TooLarge", "Too big.", "Shrink it.");
    expect(toUploadError(original, { profile })).toBe(original);
  });

  test("a missing credential provider is MissingCredentials", () => {
    const e = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    expect(toUploadError(e).code).toBe("MissingCredentials");
  });

  test("an unrelated error or a thrown string is Unknown and keeps its text", () => {
    expect(toUploadError(new RangeError("boom")).message).toContain("boom");
    expect(toUploadError(new RangeError("boom")).code).toBe("Unknown");
    expect(toUploadError("weird").code).toBe("Unknown");
  });

  test("the original error is kept as the cause", () => {
    const e = serviceError("NoSuchBucket", 404);
    expect((toUploadError(e, { profile }) as { cause?: unknown }).cause).toBe(e);
  });
});

describe("redactSecrets and secrets in messages", () => {
  test("removes Authorization values, presigned-URL signatures, credentials and key ids", () => {
    const text = [
      `Authorization: AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abcdef0123456789`,
      `GET https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${ACCESS_KEY_ID}%2F20260101&X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok123`,
      `<AWSAccessKeyId>${ACCESS_KEY_ID}</AWSAccessKeyId><SignatureProvided>deadbeef</SignatureProvided><StringToSign>AWS4-HMAC-SHA256 x</StringToSign>`,
      `{"accessKeyId":"${ACCESS_KEY_ID}","secretAccessKey":"${SECRET}"}`,
      `key ${ACCESS_KEY_ID} alone`,
    ].join("\n");
    const out = redactSecrets(text);
    expect(out).not.toContain(ACCESS_KEY_ID);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain("abcdef0123456789");
    expect(out).not.toContain("deadbeef");
    expect(out).not.toContain("tok123");
    expect(out).toContain("X-Amz-Signature=[redacted]");
    expect(out).toContain("X-Amz-Algorithm=AWS4-HMAC-SHA256");
  });

  test("removes literal secret values it is given, and leaves ordinary text alone", () => {
    expect(redactSecrets(`token r2secretvalue1234 in text`, ["r2secretvalue1234"])).toBe("token [redacted] in text");
    expect(redactSecrets("Upload of img/2026/a.png failed")).toBe("Upload of img/2026/a.png failed");
  });

  test("removes both keys of a set of credentials, a key that holds the other as a whole", () => {
    const credentials = { accessKeyId: "plainkeyid01", secretAccessKey: "plainkeyid01-and-more" };
    expect(redactSecrets("id=plainkeyid01 sig over plainkeyid01-and-more/x", credentialValues(credentials))).toBe("id=[redacted] sig over [redacted]/x");
    expect(redactSecrets("nothing to hide", credentialValues(undefined))).toBe("nothing to hide");
  });

  test("no mapped message or hint repeats a credential or signature that appeared in the error", () => {
    const leaky = [
      serviceError("InvalidRequest", 400, { Message: `Bad request for Credential=${ACCESS_KEY_ID}/x Signature=cafebabe and ${SECRET}` }),
      nodeError("ECONNRESET", `socket hang up on https://h/k?X-Amz-Credential=${ACCESS_KEY_ID}&X-Amz-Signature=cafebabe`),
      new Error(`weird failure with ${SECRET}`),
    ];
    for (const e of leaky) {
      const u = toUploadError(e, { profile, secrets: [ACCESS_KEY_ID, SECRET] });
      const shown = u.toUserText();
      expect(shown).not.toContain(ACCESS_KEY_ID);
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain("cafebabe");
    }
  });
});

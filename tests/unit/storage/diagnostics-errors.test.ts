/**
 * Error shapes the diagnostics meet beyond the SDK's own: Chromium's TLS failures, errors the
 * SDK wrapped or copied across realms (only the message is left), Node's fetch hiding the
 * socket error in its cause, and failures at the public link rather than the endpoint.
 */
import type { Profile } from "../../../src/core/types";
import { newProfile } from "../../../src/core/settings/settingsModel";
import { toUploadError } from "../../../src/storage/errorMapping";
import { networkErrorCode } from "../../../src/storage/networkErrors";
import { publicFetchError } from "../../../src/storage/publicCheck";

const profile: Profile = { ...newProfile("generic", "p"), endpoint: "https://s3.example.com", region: "us-east-1", bucket: "pics" };

test.each([
  ["Chromium's protocol error", new Error("net::ERR_SSL_PROTOCOL_ERROR")],
  [
    "OpenSSL's wrong version number",
    Object.assign(new Error("write EPROTO 40E8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number"), { code: "EPROTO" }),
  ],
])("%s means the port does not speak TLS, and the hint suggests http://", (_what, e) => {
  const u = toUploadError(e, { profile });
  expect(u.code).toBe("TlsError");
  expect(u.message).toBe("The secure (https) connection to s3.example.com failed: the server there does not answer with TLS on that port.");
  expect(u.hint).toMatch(/start the endpoint with http:\/\//);
});

test("Chromium's untrusted certificate is a certificate problem", () => {
  const u = toUploadError(new Error("net::ERR_CERT_AUTHORITY_INVALID"), { profile });
  expect(u.code).toBe("TlsError");
  expect(u.message).toMatch(/its certificate could not be verified/);
});

test("an error the SDK wrapped keeps only its message, and is still classified by the code in it, without the wrapper's words", () => {
  const wrapped = new Error("AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND s3.example.com");
  expect(networkErrorCode(wrapped)).toBe("ENOTFOUND");
  expect(toUploadError(wrapped, { profile }).code).toBe("DnsFailure");
  const refused = toUploadError(new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 10.0.0.1:9000"), { profile });
  expect(refused.code).toBe("ConnectionRefused");
  const cert = toUploadError(new Error("AWS SDK error wrapper for Error: self-signed certificate"), { profile });
  expect(cert.message).toBe("The secure connection to s3.example.com failed: its certificate could not be verified (self-signed certificate).");
});

test("Node's fetch failure is classified by the socket error in its cause", () => {
  const e = new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND img.example.com"), { code: "ENOTFOUND" }) });
  expect(networkErrorCode(e)).toBe("ENOTFOUND");
});

test.each([
  [
    "DnsFailure",
    Object.assign(new Error("getaddrinfo ENOTFOUND img.example.com"), { code: "ENOTFOUND" }),
    "The public link's host name img.example.com could not be resolved.",
  ],
  [
    "ConnectionRefused",
    Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    "Nothing accepted the connection at img.example.com (the public link's server).",
  ],
  [
    "Timeout",
    Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }),
    "The public link's server img.example.com did not answer in time (while trying to open https://img.example.com/img/a.png).",
  ],
])("a %s at the public link names the public host, not the endpoint", (code, e, message) => {
  const u = publicFetchError(e, profile, "https://img.example.com/img/a.png");
  expect(u.code).toBe(code);
  expect(u.message).toBe(message);
  expect(u.hint).not.toMatch(/the endpoint/);
});

test("AuthorizationHeaderMalformed names the expected region from its message when no header does", () => {
  const e = Object.assign(new Error("The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-3'"), {
    name: "AuthorizationHeaderMalformed",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
  const u = toUploadError(e, { profile });
  expect(u.code).toBe("WrongRegion");
  expect(u.hint).toBe("Set the region to eu-west-3.");
});

test("a server error after several attempts says how many, and SlowDown asks to wait", () => {
  const e = Object.assign(new Error("Please reduce your request rate."), {
    name: "SlowDown",
    $fault: "server",
    $metadata: { httpStatusCode: 503, attempts: 3 },
  });
  const u = toUploadError(e, { profile, operation: "upload img/a.png" });
  expect(u.message).toBe(
    'The storage service failed with HTTP 503 (SlowDown) on all 3 attempts (while trying to upload img/a.png). The service said: "Please reduce your request rate."',
  );
  expect(u.hint).toBe("The service is busy or limiting requests; wait a minute and try again (fewer uploads at once helps).");
});

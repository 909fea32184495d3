/**
 * "Test connection" when the network, not the service, is the problem: a host name that
 * resolves nowhere, a port nothing listens on, https to a plain-http port, a certificate the
 * device cannot verify, a server too slow to answer. Everything stays on loopback (`.invalid`
 * names never resolve). One test per explanation.
 */
import { diagnose, outline, step } from "../../support/diagnose";
import { rules, type FaultProxy } from "../../support/faultProxy";
import { unusedPort } from "../../support/localServer";
import type { SelfSignedServer } from "../../support/selfSignedServer";
import { s3TestEnv, testCredentials, testProfile, useDiagnosticsRig } from "../../support/s3";

jest.setTimeout(30_000);

let bucket: string;
let proxy: FaultProxy;
let tls: SelfSignedServer;
useDiagnosticsRig("t-diag-net", (rig) => ({ bucket, proxy, tls } = rig));

test("an endpoint whose host name resolves nowhere: DnsFailure", async () => {
  const steps = await diagnose(testProfile({ bucket, endpoint: "http://s3.no-such-provider.invalid" }), testCredentials());
  expect(outline(steps)).toEqual(["settings:pass", "credentials:pass", "upload:fail", "public:skip", "cleanup:skip"]);
  const upload = step(steps, "upload");
  expect(upload.code).toBe("DnsFailure");
  expect(upload.message).toBe("The endpoint's host name s3.no-such-provider.invalid could not be resolved.");
  expect(upload.hint).toBe("Check the endpoint for typos, and that this device is online.");
});

test("an endpoint where nothing listens: ConnectionRefused", async () => {
  const port = await unusedPort();
  const steps = await diagnose(testProfile({ bucket, endpoint: `http://127.0.0.1:${port}` }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("ConnectionRefused");
  expect(upload.message).toBe(`Nothing accepted the connection at 127.0.0.1:${port}.`);
  expect(upload.hint).toBe("Check the endpoint's host and port (http:// and https:// use different ports), and that the server is running.");
});

test("an https:// endpoint on a port that only speaks plain HTTP: TlsError, suggesting http://", async () => {
  const plain = new URL(s3TestEnv().endpoint);
  const steps = await diagnose(testProfile({ bucket, endpoint: `https://${plain.host}` }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("TlsError");
  expect(upload.message).toBe(`The secure (https) connection to ${plain.host} failed: the server there does not answer with TLS on that port.`);
  expect(upload.hint).toBe("If the server only speaks plain HTTP (common on a home network), start the endpoint with http://; otherwise check the port.");
});

test("an https endpoint whose certificate the device cannot verify: TlsError about the certificate", async () => {
  const host = new URL(tls.url).host;
  const steps = await diagnose(testProfile({ bucket, endpoint: tls.url }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("TlsError");
  expect(upload.message).toBe(`The secure connection to ${host} failed: its certificate could not be verified (self-signed certificate).`);
  expect(upload.hint).toBe(
    "Check that the endpoint uses https with a valid certificate for that host name (bucket names with dots break virtual-hosted style: turn on path style).",
  );
});

test("a service slower than the request timeout on every attempt: Timeout", async () => {
  proxy.setPlan(rules.always("PUT", "delay:2000"));
  const started = Date.now();
  const steps = await diagnose(testProfile({ bucket, endpoint: proxy.url }), testCredentials(), { requestTimeoutMs: 300 });
  const upload = step(steps, "upload");
  expect(upload.code).toBe("Timeout");
  expect(upload.message).toMatch(
    /^The storage service at 127\.0\.0\.1:\d+ did not answer in time on any of 3 attempts \(while trying to upload img\/s3ih-probe-[0-9a-f]{12}\.png\)\.$/,
  );
  expect(upload.hint).toBe("Check that this device is online and try again; on a slow or busy network, try again later.");
  expect(proxy.count("PUT")).toBe(3);
  expect(Date.now() - started).toBeLessThan(2_000 + 3 * 300);
});

test("a public base URL whose host name resolves nowhere: DnsFailure about the public link", async () => {
  const steps = await diagnose(testProfile({ bucket, acl: "public-read", publicBaseUrl: "https://img.no-such-domain.invalid" }), testCredentials());
  expect(outline(steps)).toEqual(["settings:pass", "credentials:pass", "upload:pass", "public:fail", "cleanup:pass"]);
  const pub = step(steps, "public");
  expect(pub.code).toBe("DnsFailure");
  expect(pub.message).toBe("The public link's host name img.no-such-domain.invalid could not be resolved.");
  expect(pub.hint).toBe("Check the public base URL for typos; a custom domain also needs its DNS record (usually a CNAME to the bucket's public address).");
});

test("a public link too slow to answer: Timeout about the public link", async () => {
  proxy.setPlan(rules.always("GET", "delay:2000"));
  const steps = await diagnose(testProfile({ bucket, acl: "public-read", publicBaseUrl: `${proxy.url}/${bucket}` }), testCredentials(), {
    requestTimeoutMs: 300,
  });
  const pub = step(steps, "public");
  expect(pub.code).toBe("Timeout");
  expect(pub.message).toMatch(
    /^The public link's server 127\.0\.0\.1:\d+ did not answer in time \(while trying to open http:\/\/127\.0\.0\.1:\d+\/[^ ]+\.png\)\.$/,
  );
  expect(step(steps, "cleanup").status).toBe("pass");
});

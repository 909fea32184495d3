/**
 * `s3-image-hosting doctor`: the same checks over Node's transport and Node's http, printed
 * as `✓/✗ label: message` with the hint below, and an exit code for scripts.
 */
import { runDoctor } from "../../../src/cli/doctor";
import type { Credentials, Profile } from "../../../src/core/types";
import { rules, type FaultProxy } from "../../support/faultProxy";
import { unusedPort } from "../../support/localServer";
import type { SelfSignedServer } from "../../support/selfSignedServer";
import { s3TestEnv, testCredentials, testProfile, useDiagnosticsRig } from "../../support/s3";

jest.setTimeout(30_000);

let bucket: string;
let proxy: FaultProxy;
let tls: SelfSignedServer;
useDiagnosticsRig("t-doctor", (rig) => ({ bucket, proxy, tls } = rig));
beforeEach(() => proxy.setPlan(() => undefined));

async function doctor(profile: Profile, opts: { credentials?: Credentials | null; timeoutMs?: number } = {}): Promise<{ code: number; text: string }> {
  let text = "";
  const credentials = opts.credentials === null ? undefined : (opts.credentials ?? testCredentials());
  const code = await runDoctor(profile, credentials, { write: (s: string) => (text += s) }, { timeoutMs: opts.timeoutMs });
  return { code, text };
}

test("a working profile prints a tick for every step and exits 0", async () => {
  const { code, text } = await doctor(testProfile({ bucket, acl: "public-read" }));
  expect(code).toBe(0);
  const lines = text.trimEnd().split("\n");
  expect(lines.map((l) => l.replace(/:.*/, ""))).toEqual([
    "✓ Settings",
    "✓ Access key",
    "✓ Upload a test image",
    "✓ Public link",
    "✓ Remove the test image",
    "All checks passed",
  ]);
  expect(lines[3]).toMatch(
    /^✓ Public link: http:\/\/127\.0\.0\.1:\d+\/t-doctor-[0-9a-f]+\/img\/s3ih-probe-[0-9a-f]{12}\.png shows the image to anyone \(image\/png\)\.$/,
  );
});

test("a failure prints a cross, the explanation, the hint indented below it, skips what cannot be checked, and exits 1", async () => {
  const { code, text } = await doctor(testProfile({ bucket }), {
    credentials: { accessKeyId: "NOSUCHKEYID0000000000", secretAccessKey: "whatever-secret-0000" },
  });
  expect(code).toBe(1);
  expect(text).toContain(
    "✗ Upload a test image: The access key id is not known to this service: check S3_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID), and that the key belongs to this provider and account.\n" +
      "    Keys are per provider (and, for R2, per account): a key from elsewhere is rejected by ",
  );
  expect(text).toContain(
    "- Public link: Not checked: no test image was uploaded.\n- Remove the test image: Not checked: no test image was uploaded.\n1 check failed.\n",
  );
});

test("settings that cannot work are reported without any request, with the flags and variables to fix", async () => {
  const { code, text } = await doctor(testProfile({ bucket: "My_Bucket", endpoint: "s3.example.com" }), { credentials: null });
  expect(code).toBe(1);
  expect(text).toMatch(
    /^✗ Settings: Endpoint must be a full URL starting with https:\/\/ .*Bucket names use lowercase letters only\..*\n {4}Fix --endpoint and --bucket\.\n/,
  );
  expect(text).toContain(
    "✗ Access key: No access key is set in the environment.\n    Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) in the environment.\n",
  );
  expect(text).toContain("- Upload a test image: Not checked: fix the problems above first.\n");
});

describe("failures over Node's transport and http are explained like Obsidian's", () => {
  test("a private object: the public link refuses visitors", async () => {
    const { code, text } = await doctor(testProfile({ bucket, acl: "none" }));
    expect(code).toBe(1);
    expect(text).toMatch(/✗ Public link: The public link \S+ refuses visitors \(HTTP 403\)/);
    expect(text).toContain("✓ Remove the test image");
  });

  test("an endpoint host that resolves nowhere", async () => {
    const { text } = await doctor(testProfile({ bucket, endpoint: "http://s3.no-such-provider.invalid" }));
    expect(text).toContain("✗ Upload a test image: The endpoint's host name s3.no-such-provider.invalid could not be resolved.\n");
  });

  test("a public link host that resolves nowhere", async () => {
    const { text } = await doctor(testProfile({ bucket, acl: "public-read", publicBaseUrl: "https://img.no-such-domain.invalid" }));
    expect(text).toContain("✗ Public link: The public link's host name img.no-such-domain.invalid could not be resolved.\n");
  });

  test("a port nothing listens on", async () => {
    const port = await unusedPort();
    const { text } = await doctor(testProfile({ bucket, endpoint: `http://127.0.0.1:${port}` }));
    expect(text).toContain(`✗ Upload a test image: Nothing accepted the connection at 127.0.0.1:${port}.\n`);
  });

  test("https to a plain-http port", async () => {
    const plain = new URL(s3TestEnv().endpoint);
    const { text } = await doctor(testProfile({ bucket, endpoint: `https://${plain.host}` }));
    expect(text).toContain(
      `✗ Upload a test image: The secure (https) connection to ${plain.host} failed: the server there does not answer with TLS on that port.\n`,
    );
  });

  test("a certificate that cannot be verified, at the endpoint and at the public link", async () => {
    const host = new URL(tls.url).host;
    const atEndpoint = await doctor(testProfile({ bucket, endpoint: tls.url }));
    expect(atEndpoint.text).toContain(
      `✗ Upload a test image: The secure connection to ${host} failed: its certificate could not be verified (self-signed certificate).\n`,
    );
    const atPublicLink = await doctor(testProfile({ bucket, acl: "public-read", publicBaseUrl: tls.url }));
    expect(atPublicLink.text).toMatch(
      new RegExp(
        `✗ Public link: The secure connection to ${host.replace(/\./g, "\\.")} failed: its certificate could not be verified \\(.*\\)\\.\\n {4}The public domain needs a valid certificate`,
      ),
    );
  });

  test("a server slower than the timeout, at the endpoint and at the public link", async () => {
    proxy.setPlan(rules.always("PUT", "delay:2000"));
    const atEndpoint = await doctor(testProfile({ bucket, endpoint: proxy.url }), { timeoutMs: 300 });
    expect(atEndpoint.text).toMatch(/✗ Upload a test image: The storage service at 127\.0\.0\.1:\d+ did not answer in time on any of 3 attempts/);
    expect(proxy.count("PUT")).toBe(3);

    proxy.setPlan(rules.always("GET", "delay:2000"));
    const atPublicLink = await doctor(testProfile({ bucket, acl: "public-read", publicBaseUrl: `${proxy.url}/${bucket}` }), { timeoutMs: 300 });
    expect(atPublicLink.text).toMatch(/✗ Public link: The public link's server 127\.0\.0\.1:\d+ did not answer in time/);
  });
});

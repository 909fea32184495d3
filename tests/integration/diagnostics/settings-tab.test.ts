/**
 * The settings tab's "Test connection" as the plugin runs it: keys read from secret storage by
 * name, S3 requests and the public fetch through requestUrl, against the real S3 server.
 */
import { testConnection } from "../../../src/obsidian/connectionTest";
import type { DiagnosticStep } from "../../../src/storage/diagnostics";
import { requestUrl } from "../../fakes/requestUrl";
import { createTestBucket, testCredentials, testProfile } from "../../support/s3";

function secretStorage(values: Record<string, string>) {
  return { getSecret: (id: string) => values[id] ?? null };
}

describe("Test connection in the settings tab", () => {
  it("passes every step for a public-read bucket and reports them in order as they finish", async () => {
    const bucket = await createTestBucket("settings-test");
    const creds = testCredentials();
    const profile = testProfile({ bucket, acl: "public-read", accessKeyIdSecret: "id", secretAccessKeySecret: "secret" });
    const seen: DiagnosticStep[] = [];
    const steps = await testConnection(
      { requestUrl: requestUrl, secretStorage: secretStorage({ id: creds.accessKeyId, secret: creds.secretAccessKey }) },
      profile,
      (s) => seen.push(s),
    );
    expect(steps.map((s) => `${s.id}:${s.status}`)).toEqual(["settings:pass", "credentials:pass", "upload:pass", "public:pass", "cleanup:pass"]);
    expect(seen).toEqual(steps);
  });

  it("fails the key step and skips the network when a secret is missing from this device", async () => {
    const profile = testProfile({ accessKeyIdSecret: "id", secretAccessKeySecret: "gone" });
    const steps = await testConnection(
      { requestUrl: requestUrl, secretStorage: secretStorage({ id: testCredentials().accessKeyId }) },
      profile,
      () => undefined,
    );
    const credentials = steps.find((s) => s.id === "credentials");
    expect(credentials?.status).toBe("fail");
    expect(steps.find((s) => s.id === "upload")?.status).toBe("skip");
  });
});

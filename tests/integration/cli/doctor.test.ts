/**
 * `s3-image-hosting doctor` as a user runs it: the built tool, real credentials from the
 * environment, the real S3 server.
 */
import { runCli } from "../../support/cli";
import { createTestBucket, s3TestEnv } from "../../support/s3";

describe("s3-image-hosting doctor", () => {
  const env = s3TestEnv();
  const creds = { S3_ACCESS_KEY_ID: env.accessKeyId, S3_SECRET_ACCESS_KEY: env.secretAccessKey };
  const flags = (bucket: string) => ["--endpoint", env.endpoint, "--region", env.region, "--bucket", bucket, "--path-style"];

  it("passes every step and exits 0 for a working public-read bucket", async () => {
    const bucket = await createTestBucket("doctor-ok");
    const run = await runCli(["doctor", ...flags(bucket), "--acl", "public-read"], creds);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("All checks passed");
    expect(run.stdout).not.toContain("✗");
  });

  it("names the failing step with a fix and exits 1 when the public link refuses visitors", async () => {
    const bucket = await createTestBucket("doctor-private");
    const run = await runCli(["doctor", ...flags(bucket), "--acl", "private"], creds);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ Public link: .*HTTP 403/);
    expect(run.stdout).toContain("set --acl to public-read");
  });

  it("explains a wrong secret without printing it", async () => {
    const bucket = await createTestBucket("doctor-secret");
    const secret = "WRONG-SECRET-value-1234567890";
    const run = await runCli(["doctor", ...flags(bucket)], { ...creds, S3_SECRET_ACCESS_KEY: secret });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("secret access key is wrong");
    expect(run.stdout + run.stderr).not.toContain(secret);
  });
});

import { newProfile } from "../../../src/core/settings/settingsModel";
import { createS3Client, LOGGER_MIDDLEWARE } from "../../../src/storage/s3Client";

describe("createS3Client", () => {
  it("leaves out the SDK's logger step, whose masked copies of every request no logger reads", () => {
    const profile = { ...newProfile("generic", "p"), endpoint: "http://127.0.0.1:9", region: "us-east-1", bucket: "b", forcePathStyle: true };
    const client = createS3Client(profile, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });
    try {
      const steps = client.middlewareStack.identify();
      // The stack is the SDK's own otherwise: the step that signs requests is still there.
      expect(steps.some((s) => s.startsWith("awsAuthMiddleware") || s.startsWith("httpSigningMiddleware"))).toBe(true);
      expect(steps.filter((s) => s.startsWith(LOGGER_MIDDLEWARE))).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});

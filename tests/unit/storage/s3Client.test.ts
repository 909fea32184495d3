import { newProfile } from "../../../src/core/settings/settingsModel";
import { Readable } from "node:stream";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { HttpResponse } from "@smithy/core/protocols";
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

  it("asks the SDK for a signer once and signs every request with it, each with its own time and scope", async () => {
    const profile = { ...newProfile("generic", "p"), endpoint: "http://127.0.0.1:9", region: "eu-west-3", bucket: "b", forcePathStyle: true };
    const seen: Array<Record<string, string>> = [];
    const handler = {
      handle: (request: { headers: Record<string, string> }) => {
        seen.push({ ...request.headers });
        return Promise.resolve({ response: new HttpResponse({ statusCode: 200, headers: { etag: '"e"' }, body: Readable.from([]) }) });
      },
      destroy: () => undefined,
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const client = createS3Client(profile, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, handler);
    try {
      const signer = (client.config as unknown as { signer: () => Promise<unknown> }).signer;
      const [a, b] = await Promise.all([signer(), signer()]);
      expect(a).toBe(b);
      expect(await signer()).toBe(a);

      await client.send(new PutObjectCommand({ Bucket: "b", Key: "one.png", Body: new Uint8Array([1]), ContentType: "image/png" }));
      await client.send(new PutObjectCommand({ Bucket: "b", Key: "two.png", Body: new Uint8Array([2]), ContentType: "image/png" }));
      expect(seen).toHaveLength(2);
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, "");
      for (const h of seen) {
        expect(h.authorization).toMatch(
          new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${day}/eu-west-3/s3/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`),
        );
        expect(h["x-amz-date"]).toMatch(new RegExp(`^${day}T\\d{6}Z$`));
      }
      // Two bodies, two signatures: nothing of one request is kept for the next.
      expect(seen[0].authorization).not.toBe(seen[1].authorization);
    } finally {
      client.destroy();
    }
  });
});

import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { UploadError } from "../../../src/core/errors";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { bucketScope } from "../../../src/core/link/publicUrl";
import type { Credentials, Profile } from "../../../src/core/types";
import { createS3Client } from "../../../src/storage/s3Client";
import { createUploader } from "../../../src/storage/uploader";
import { createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let bucket: string;
beforeAll(async () => {
  bucket = await createTestBucket("t-errors");
});
afterAll(() => removeTestBucket(bucket));

const asset = () => ({ bytes: uniquePng(), name: "shot.png", notePath: "a.md" });

/** The error an upload ends with, over Obsidian's transport, or over the SDK's own Node transport (the CLI's). */
async function uploadError(
  profile: Profile,
  credentials: Credentials,
  index = new MemoryUploadIndex(),
  over: "requestUrl" | "node" = "requestUrl",
): Promise<UploadError> {
  const requestHandler = over === "requestUrl" ? new RequestRecorder().handler : undefined;
  const uploader = createUploader({ profile, credentials, requestHandler, index });
  try {
    const outcome = await uploader.upload(asset()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(UploadError);
    return outcome as UploadError;
  } finally {
    uploader.destroy();
  }
}

async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("what the user is told when the server says no", () => {
  const WRONG_SECRET = "ThisIsNotTheSecretKey0123456789";

  test("a wrong secret key is SignatureDoesNotMatch, explained in plain words, and the message holds no secret", async () => {
    const real = testCredentials();
    const e = await uploadError(testProfile({ bucket }), { accessKeyId: real.accessKeyId, secretAccessKey: WRONG_SECRET });
    expect(e.code).toBe("SignatureDoesNotMatch");
    expect(e.message).toBe("The service rejected the request signature: the secret access key is wrong, or the region does not match the bucket's region.");
    const shown = e.toUserText();
    expect(shown).not.toContain(WRONG_SECRET);
    expect(shown).not.toContain(real.secretAccessKey);
    expect(shown).not.toContain(real.accessKeyId);
    expect(shown).not.toMatch(/Signature=|X-Amz-Credential|AWS4-HMAC-SHA256/);
  });

  test("a wrong secret key is still reported as such when the upload starts by checking an indexed object", async () => {
    const real = testCredentials();
    const profile = testProfile({ bucket });
    const index = new MemoryUploadIndex();
    // The index claims these bytes were uploaded before, so the upload begins with a HEAD,
    // whose 403 carries no reason; the PUT that follows gets the real one.
    const png = uniquePng();
    index.set(bucketScope(profile), createHash("sha256").update(png).digest("hex"), { key: "img/gone.png", at: 0 });
    const transport = new RequestRecorder();
    const uploader = createUploader({
      profile,
      credentials: { accessKeyId: real.accessKeyId, secretAccessKey: WRONG_SECRET },
      requestHandler: transport.handler,
      index,
    });
    try {
      const e = (await uploader.upload({ bytes: png, name: "x.png", notePath: "a.md" }).catch((err: unknown) => err)) as UploadError;
      expect(transport.count("HEAD")).toBe(1);
      expect(e.code).toBe("SignatureDoesNotMatch");
    } finally {
      uploader.destroy();
    }
  });

  test("an access key id the server does not know is InvalidAccessKeyId", async () => {
    const e = await uploadError(testProfile({ bucket }), { accessKeyId: "NOSUCHACCESSKEY", secretAccessKey: WRONG_SECRET });
    expect(e.code).toBe("InvalidAccessKeyId");
    expect(e.message).toMatch(/^The access key id is not known to this service/);
    expect(e.toUserText()).not.toContain(WRONG_SECRET);
  });

  test("a bucket that does not exist is NoSuchBucket, named in the message", async () => {
    const missing = `${bucket}-missing`;
    const e = await uploadError(testProfile({ bucket: missing }), testCredentials());
    expect(e.code).toBe("NoSuchBucket");
    expect(e.message).toContain(`"${missing}"`);
  });

  test.each(["requestUrl", "node"] as const)("a key pasted with a character no request header can carry is explained as such, over %s", async (over) => {
    const real = testCredentials();
    // As copied from a page that shortened the key with an ellipsis.
    const pasted = `${real.accessKeyId.slice(0, 6)}…`;
    const e = await uploadError(testProfile({ bucket }), { accessKeyId: pasted, secretAccessKey: real.secretAccessKey }, new MemoryUploadIndex(), over);
    expect(e.code).toBe("InvalidSettings");
    expect(e.message).toBe('The access key or secret key holds characters that cannot be sent in a request: "…" (U+2026).');
    expect(e.hint).toMatch(/^Copy the keys again from the provider's console/);
    expect(e.toUserText()).not.toContain(pasted);
    expect(e.toUserText()).not.toMatch(/connection|online/i);
  });

  test("an endpoint where nothing listens is ConnectionRefused", async () => {
    const port = await unusedPort();
    const e = await uploadError(testProfile({ bucket, endpoint: `http://127.0.0.1:${port}` }), testCredentials());
    expect(e.code).toBe("ConnectionRefused");
    expect(e.message).toContain(`127.0.0.1:${port}`);
  });
});

describe("S3's XML error bodies reach the SDK through requestUrl", () => {
  test("the SDK error is named with S3's own code and carries the HTTP status", async () => {
    const transport = new RequestRecorder();
    const client = createS3Client(testProfile({ bucket }), testCredentials(), transport.handler, { maxAttempts: 1 });
    try {
      await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: "no/such/key.png" }))).rejects.toMatchObject({
        name: "NoSuchKey",
        Code: "NoSuchKey",
        $metadata: { httpStatusCode: 404 },
      });
      await expect(client.send(new PutObjectCommand({ Bucket: `${bucket}-nope`, Key: "k", Body: new Uint8Array([1]) }))).rejects.toMatchObject({
        name: "NoSuchBucket",
        BucketName: `${bucket}-nope`,
        $metadata: { httpStatusCode: 404 },
      });
    } finally {
      client.destroy();
    }
  });

  test("a rejected signature arrives as SignatureDoesNotMatch, not a generic failure", async () => {
    const client = createS3Client(
      testProfile({ bucket }),
      { accessKeyId: testCredentials().accessKeyId, secretAccessKey: "wrong-secret-key-0000" },
      new RequestRecorder().handler,
      {
        maxAttempts: 1,
      },
    );
    try {
      await expect(client.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: new Uint8Array([1]) }))).rejects.toMatchObject({
        name: "SignatureDoesNotMatch",
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      client.destroy();
    }
  });
});

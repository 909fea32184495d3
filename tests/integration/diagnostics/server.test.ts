/**
 * "Test connection" against the real S3 server, and against the fault proxy where the server
 * cannot produce an answer itself (regions, provider quirks, a stuck clock). One test per
 * explanation a person can get: each asserts the code, the words and the hint.
 */
import { CreateBucketCommand, DeleteBucketPolicyCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { toUploadError } from "../../../src/storage/errorMapping";
import { diagnose, outline, step } from "../../support/diagnose";
import { rules, startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, testCredentials, testProfile } from "../../support/s3";

jest.setTimeout(30_000);

let bucket: string;
let proxy: FaultProxy;
beforeAll(async () => {
  bucket = await createTestBucket("t-diag");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});
afterAll(async () => {
  await proxy.close();
  await removeTestBucket(bucket);
});
beforeEach(() => proxy.setPlan(() => undefined));

async function keysIn(name: string): Promise<string[]> {
  const admin = adminClient();
  try {
    return ((await admin.send(new ListObjectsV2Command({ Bucket: name }))).Contents ?? []).map((o) => o.Key ?? "");
  } finally {
    admin.destroy();
  }
}

test("a working public profile passes every step, and the test image is gone afterwards", async () => {
  const profile = testProfile({ bucket, acl: "public-read", keyTemplate: "blog/img/{hash:16}.{ext}" });
  const steps = await diagnose(profile, testCredentials());
  expect(outline(steps)).toEqual(["settings:pass", "credentials:pass", "upload:pass", "public:pass", "cleanup:pass"]);
  expect(step(steps, "upload").message).toMatch(
    new RegExp(`^Uploaded a test image to bucket "${bucket}" as blog/img/s3ih-probe-[0-9a-f]{12}\\.png with ACL public-read\\.$`),
  );
  expect(step(steps, "public").message).toMatch(
    new RegExp(`^${s3TestEnv().endpoint}/${bucket}/blog/img/s3ih-probe-[0-9a-f]{12}\\.png shows the image to anyone \\(image/png\\)\\.$`),
  );
  expect(await keysIn(bucket)).toEqual([]);
});

test("an access key id the server does not know: InvalidAccessKeyId", async () => {
  const steps = await diagnose(testProfile({ bucket }), { accessKeyId: "NOSUCHKEYID0000000000", secretAccessKey: "whatever-secret-0000" });
  expect(outline(steps)).toEqual(["settings:pass", "credentials:pass", "upload:fail", "public:skip", "cleanup:skip"]);
  const upload = step(steps, "upload");
  expect(upload.code).toBe("InvalidAccessKeyId");
  expect(upload.message).toBe(
    "The access key id is not known to this service: check the Access key secret in the profile, and that the key belongs to this provider and account.",
  );
  expect(upload.hint).toBe(
    "Keys are per provider (and, for R2, per account): a key from elsewhere is rejected by 127.0.0.1:" + new URL(s3TestEnv().endpoint).port + ".",
  );
});

test("a wrong secret access key: SignatureDoesNotMatch, naming the secret and the region", async () => {
  const steps = await diagnose(testProfile({ bucket }), { accessKeyId: testCredentials().accessKeyId, secretAccessKey: "not-the-secret-key-at-all" });
  const upload = step(steps, "upload");
  expect(upload.code).toBe("SignatureDoesNotMatch");
  expect(upload.message).toBe("The service rejected the request signature: the secret access key is wrong, or the region does not match the bucket's region.");
  expect(upload.hint).toBe("Check the Secret access key in the profile, and the region (now us-east-1).");
});

test("a key that may not write to the bucket (a bucket policy denies it): AccessDenied", async () => {
  const denied = await createTestBucket("t-diag-denied");
  const admin = adminClient();
  await admin.send(
    new PutBucketPolicyCommand({
      Bucket: denied,
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Principal: "*", Action: ["s3:PutObject"], Resource: [`arn:aws:s3:::${denied}/*`] }],
      }),
    }),
  );
  try {
    const steps = await diagnose(testProfile({ bucket: denied }), testCredentials());
    const upload = step(steps, "upload");
    expect(upload.code).toBe("AccessDenied");
    expect(upload.message).toMatch(
      new RegExp(
        `^The service refused access to the bucket "${denied}": the key is valid but not allowed to do this \\(while trying to upload img/s3ih-probe-[0-9a-f]{12}\\.png\\)\\.$`,
      ),
    );
    expect(upload.hint).toBe("Check the key's scope (it needs object read and write on this bucket) and any bucket policy that denies it.");
  } finally {
    await admin.send(new DeleteBucketPolicyCommand({ Bucket: denied }));
    admin.destroy();
    await removeTestBucket(denied);
  }
});

test("a bucket that does not exist: NoSuchBucket", async () => {
  const steps = await diagnose(testProfile({ bucket: `${bucket}-missing` }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("NoSuchBucket");
  expect(upload.message).toBe(`The bucket "${bucket}-missing" does not exist at ${new URL(s3TestEnv().endpoint).host}.`);
  expect(upload.hint).toBe("Check the bucket name (it is case-sensitive) and that the endpoint belongs to the account that owns the bucket.");
});

test("a bucket in another region (301 PermanentRedirect): WrongRegion, naming the bucket's region", async () => {
  proxy.setPlan(() => ({
    status: 301,
    code: "PermanentRedirect",
    message: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
    fields: { Endpoint: `${bucket}.s3.eu-central-1.amazonaws.com`, Bucket: bucket },
    headers: { "x-amz-bucket-region": "eu-central-1" },
  }));
  const steps = await diagnose(testProfile({ bucket, endpoint: proxy.url }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("WrongRegion");
  expect(upload.message).toBe(`The bucket "${bucket}" is in a different region than the profile says.`);
  expect(upload.hint).toBe("Set the region to eu-central-1.");
  // A wrong region is not worth retrying: one request.
  expect(proxy.count("PUT")).toBe(1);
});

test("a clock the server keeps rejecting (RequestTimeTooSkewed with no usable server time): ClockSkew", async () => {
  proxy.setPlan(
    rules.always("PUT", { status: 403, code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large." }),
  );
  const steps = await diagnose(testProfile({ bucket, endpoint: proxy.url }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("ClockSkew");
  expect(upload.message).toBe("The service rejected the request because this device's clock differs too much from the server's.");
  expect(upload.hint).toBe("Set the device's date and time to update automatically, then try again.");
});

test("an ACL header on a server without ACLs (R2 answers 501): AclNotSupported, saying to set ACL to none", async () => {
  proxy.setPlan(rules.r2RejectsAcl);
  const steps = await diagnose(testProfile({ bucket, endpoint: proxy.url, acl: "public-read" }), testCredentials());
  const upload = step(steps, "upload");
  expect(upload.code).toBe("AclNotSupported");
  expect(upload.message).toBe('The service does not accept per-object ACLs, and this profile sends "public-read": set ACL to none in the profile.');
  expect(upload.hint).toBe("Make objects public with a bucket setting, a bucket policy or a public domain (R2 public bucket, CloudFront, …) instead.");
});

test("checksum headers on a server without checksum support (B2 answers 400): ChecksumNotSupported; the plugin's own probe sends none", async () => {
  proxy.setPlan(rules.rejectsChecksumHeaders);
  // A client with the SDK's defaults sends x-amz-checksum-crc32 on every upload.
  const env = s3TestEnv();
  const defaults = new S3Client({ endpoint: proxy.url, region: env.region, forcePathStyle: true, credentials: testCredentials(), maxAttempts: 1 });
  try {
    const e = await defaults
      .send(new PutObjectCommand({ Bucket: bucket, Key: "img/default-checksums.png", Body: new Uint8Array([1, 2, 3]) }))
      .catch((err: unknown) => err);
    const u = toUploadError(e, { profile: testProfile({ bucket, endpoint: proxy.url }) });
    expect(u.code).toBe("ChecksumNotSupported");
    expect(u.message).toBe("The service does not accept the checksum headers this upload sent.");
    expect(u.hint).toBe(
      "This provider does not support S3 checksum headers. They are sent only where S3 requires them, so this operation cannot work with this provider as it is.",
    );
  } finally {
    defaults.destroy();
  }
  const steps = await diagnose(testProfile({ bucket, endpoint: proxy.url, acl: "public-read" }), testCredentials());
  expect(step(steps, "upload").status).toBe("pass");
});

test("a public link that refuses visitors (a private object on a private bucket): PublicUrlForbidden, and the test image is still removed", async () => {
  const steps = await diagnose(testProfile({ bucket, acl: "none" }), testCredentials());
  expect(outline(steps)).toEqual(["settings:pass", "credentials:pass", "upload:pass", "public:fail", "cleanup:pass"]);
  const pub = step(steps, "public");
  expect(pub.code).toBe("PublicUrlForbidden");
  expect(pub.message).toMatch(
    /^The public link http:\/\/127\.0\.0\.1:\d+\/[^ ]+\/img\/s3ih-probe-[0-9a-f]{12}\.png refuses visitors \(HTTP 403\): the image would not show for anyone reading the note\.$/,
  );
  expect(pub.hint).toBe(
    "Allow anonymous downloads from the bucket (or its image folder) with a bucket policy (with MinIO: mc anonymous set download <alias>/<bucket>), or set ACL to public-read if the server supports ACLs.",
  );
  expect(await keysIn(bucket)).toEqual([]);
});

test("a public base URL that points at a path where the image is not: PublicUrlNotFound", async () => {
  // A bucket anyone may list answers 404 (not 403) for a key that is not there.
  const open = `${bucket}-open`;
  const admin = adminClient();
  await admin.send(new CreateBucketCommand({ Bucket: open, ACL: "public-read" }));
  admin.destroy();
  try {
    const publicBaseUrl = `${s3TestEnv().endpoint}/${open}/wrong-folder`;
    const steps = await diagnose(testProfile({ bucket: open, acl: "public-read", publicBaseUrl }), testCredentials());
    const pub = step(steps, "public");
    expect(pub.code).toBe("PublicUrlNotFound");
    expect(pub.message).toMatch(
      new RegExp(`^The public link ${publicBaseUrl}/img/s3ih-probe-[0-9a-f]{12}\\.png does not find the uploaded image \\(HTTP 404\\)\\.$`),
    );
    expect(pub.hint).toMatch(
      /^The public base URL must be the bucket's root: a link is that address followed by the object key \(img\/s3ih-probe-[0-9a-f]{12}\.png\)\. Check it for a missing or extra path segment \(such as the bucket name\), and that it serves this bucket\.$/,
    );
    expect(step(steps, "cleanup").status).toBe("pass");
  } finally {
    await removeTestBucket(open);
  }
});

test("a public base URL that serves a web page instead of the image: PublicUrlNotImage", async () => {
  proxy.setPlan((req) =>
    req.path.startsWith("/site/")
      ? { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body: "<html><body>Welcome to my site</body></html>" }
      : undefined,
  );
  const steps = await diagnose(testProfile({ bucket, acl: "public-read", publicBaseUrl: `${proxy.url}/site` }), testCredentials());
  const pub = step(steps, "public");
  expect(pub.code).toBe("PublicUrlNotImage");
  expect(pub.message).toMatch(
    /^The public link http:\/\/127\.0\.0\.1:\d+\/site\/img\/s3ih-probe-[0-9a-f]{12}\.png answers with "text\/html" instead of an image, so notes would show a broken image\.$/,
  );
  expect(pub.hint).toBe(
    "That address serves a web page (a landing, login or error page) rather than the bucket's files: check the public base URL, and that its domain is connected to this bucket.",
  );
});

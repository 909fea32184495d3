/**
 * Shared pieces for tests against the real S3 server the global setup provides (Ceph RGW on
 * loopback): its address and keys, a profile for it, fresh buckets, anonymous reads, the
 * Obsidian transport over the requestUrl double, and real images with unique bytes.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { newProfile } from "../../src/core/settings/settingsModel";
import type { Credentials, Profile } from "../../src/core/types";
import { startFaultProxy, type FaultProxy } from "./faultProxy";
import { startSelfSignedServer, type SelfSignedServer } from "./selfSignedServer";

/** Where the test server is and the keys of its one user (set by tests/setup/s3GlobalSetup.cjs). */
export function s3TestEnv(): { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } {
  const endpoint = process.env.S3_TEST_ENDPOINT;
  if (!endpoint) throw new Error("S3_TEST_ENDPOINT is not set: run these tests through the integration project, whose global setup starts the server");
  return {
    endpoint,
    region: process.env.S3_TEST_REGION || "us-east-1",
    accessKeyId: process.env.S3_TEST_ACCESS_KEY || "TESTACCESSKEY",
    secretAccessKey: process.env.S3_TEST_SECRET_KEY || "TESTSECRETKEY123",
  };
}

/** The test server's credentials. */
export function testCredentials(): Credentials {
  const { accessKeyId, secretAccessKey } = s3TestEnv();
  return { accessKeyId, secretAccessKey };
}

/** A path-style profile for the test server (no public base URL, ACL none); override any field. */
export function testProfile(overrides: Partial<Profile> = {}): Profile {
  const env = s3TestEnv();
  return {
    ...newProfile("generic", "test"),
    name: "Test server",
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    accessKeyIdSecret: "test-access-key-id",
    secretAccessKeySecret: "test-secret-access-key",
    ...overrides,
  };
}

/** An SDK client for the test server over the SDK's own Node transport, for setting up and checking. */
export function adminClient(): S3Client {
  const env = s3TestEnv();
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Creates a bucket with a fresh name starting with `prefix` and returns the name. */
export async function createTestBucket(prefix: string): Promise<string> {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "t";
  const name = `${clean}-${randomBytes(6).toString("hex")}`;
  const client = adminClient();
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    client.destroy();
  }
  return name;
}

/**
 * A bucket of its own for the tests of one file: created before the first test and emptied
 * and removed after the last. `ready` receives its name, for the file's own `bucket` variable.
 */
export function useTestBucket(prefix: string, ready: (bucket: string) => void): void {
  let bucket: string | undefined;
  beforeAll(async () => {
    bucket = await createTestBucket(prefix);
    ready(bucket);
  });
  afterAll(async () => {
    if (bucket) await removeTestBucket(bucket);
  });
}

/** Deletes every object in the bucket, then the bucket (one DeleteObject per key). */
export async function removeTestBucket(bucket: string): Promise<void> {
  const client = adminClient();
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

/** What the diagnostics tests stand on: their own bucket, a fault proxy in front of the server, and a TLS server no device trusts. */
export interface DiagnosticsRig {
  bucket: string;
  proxy: FaultProxy;
  tls: SelfSignedServer;
  close(): Promise<void>;
}

export async function startDiagnosticsRig(bucketPrefix: string): Promise<DiagnosticsRig> {
  const bucket = await createTestBucket(bucketPrefix);
  const proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
  const tls = await startSelfSignedServer();
  return {
    bucket,
    proxy,
    tls,
    async close() {
      await tls.close();
      await proxy.close();
      await removeTestBucket(bucket);
    },
  };
}

/** The diagnostics rig for the tests of one file: started before the first test, closed after the last. */
export function useDiagnosticsRig(bucketPrefix: string, ready: (rig: DiagnosticsRig) => void): void {
  let rig: DiagnosticsRig | undefined;
  beforeAll(async () => {
    rig = await startDiagnosticsRig(bucketPrefix);
    ready(rig);
  });
  afterAll(async () => {
    await rig?.close();
  });
}

/** A plain HTTP GET with no credentials, as a browser showing the note's image would make it. */
export function anonymousGet(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(url);
  const transport = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.get(u, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
  });
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([head, body, crc]);
}

/** A valid 1×1 PNG whose bytes (and so SHA-256) are unique to this call. */
export function uniquePng(): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const pixel = Buffer.concat([Buffer.from([0]), randomBytes(4)]);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(pixel)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return new Uint8Array(png);
}

/** An object as the bucket holds it, read with the test user's keys. */
export async function storedObject(bucket: string, key: string): Promise<{ contentType?: string; bytes: Buffer }> {
  const admin = adminClient();
  try {
    const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { contentType: got.ContentType, bytes: Buffer.from(await got.Body!.transformToByteArray()) };
  } finally {
    admin.destroy();
  }
}

/**
 * `copy` against the real S3 server: two buckets on it stand for two profiles. The copy made
 * inside the service, the one downloaded and uploaded (another endpoint address, or a service
 * that refuses CopyObject), a different file at the destination never replaced, and only the
 * links of copied images moved.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, uniquePng } from "../../support/s3";
import { cliEnv, makeVault, runCli, serverFlags, sha256, snapshot } from "../../support/cli";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";

jest.setTimeout(60_000);

let work: string;
let from: string;
let to: string;
let admin: S3Client;
let proxy: FaultProxy;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-copy-"));
  from = await createTestBucket("cli-copy-from");
  to = await createTestBucket("cli-copy-to");
  admin = adminClient();
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});

afterAll(async () => {
  await proxy.close();
  admin.destroy();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(from);
  await removeTestBucket(to);
});

const urlOf = (bucket: string, key: string): string => `${s3TestEnv().endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;

let n = 0;
/** Puts a fresh image in the source bucket and returns its key, bytes and public URL. */
async function put(bucket = from, bytes: Uint8Array = uniquePng(), key = `t/img-${++n}.png`): Promise<{ key: string; url: string; bytes: Uint8Array }> {
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: "image/png" }));
  return { key, url: urlOf(bucket, key), bytes };
}

async function read(bucket: string, key: string): Promise<{ bytes: Buffer; sha256?: string; cacheControl?: string } | null> {
  try {
    await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch {
    return null;
  }
  const out = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    bytes: Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    sha256: out.Metadata?.sha256,
    cacheControl: out.CacheControl,
  };
}

/** The destination profile's settings file; `endpoint` is where requests go, links point at the server itself. */
function destConfig(endpoint = s3TestEnv().endpoint): string {
  const file = path.join(work, `to-${++n}.json`);
  const env = s3TestEnv();
  writeFileSync(
    file,
    JSON.stringify({
      endpoint,
      region: env.region,
      bucket: to,
      forcePathStyle: true,
      acl: "public-read",
      keyTemplate: "t/{hash:64}.{ext}",
      publicBaseUrl: `${env.endpoint}/${to}`,
      cacheControl: "public, max-age=60",
    }),
  );
  return file;
}

type CopyJson = { images: { key: string; outcome: string; via?: string }[]; links: number; notes: number; left: unknown[]; failed: unknown[] };

describe("copy", () => {
  it("copies inside the service when both profiles share endpoint and keys, verifies the bytes, and moves only those links", async () => {
    const a = await put();
    const missing = `t/never-uploaded-${++n}.png`;
    const post = `Intro\n![a](${a.url} "title")\n![gone](${urlOf(from, missing)})\n![web](https://example.com/x.png)\n`;
    const vault = makeVault(work, { "Post.md": post, "Other.md": "no images\n" });
    proxy.setPlan(() => undefined);
    const run = await runCli(["copy", vault, "--to-config", destConfig(), "--json", ...serverFlags(from)], cliEnv(work));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as CopyJson;
    expect(json.images).toEqual([{ key: a.key, outcome: "copied", via: "server" }, expect.objectContaining({ key: missing, outcome: "missing" })]);
    expect(json.links).toBe(1);
    const copy = await read(to, a.key);
    expect(copy && sha256(copy.bytes)).toBe(sha256(a.bytes));
    expect(copy?.sha256).toBe(sha256(a.bytes));
    expect(copy?.cacheControl).toBe("public, max-age=60");
    // Only the base of the copied image's link changed; the missing one still points at the source.
    expect(readFileSync(path.join(vault, "Post.md"), "utf8")).toBe(post.replace(a.url, urlOf(to, a.key)));
    expect(await read(from, a.key)).not.toBeNull();
  });

  it("downloads and uploads when the destination is reached at another address, and changes nothing with --dry-run", async () => {
    const a = await put();
    const post = `![a](${a.url})\n`;
    const vault = makeVault(work, { "Post.md": post });
    const config = destConfig(proxy.url);
    const before = await snapshot(vault);
    const dry = await runCli(["copy", vault, "--to-config", config, "--dry-run", ...serverFlags(from)], cliEnv(work));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run: would copy 1 image");
    expect(dry.stdout).toContain(`would copy ${a.key} (download and upload)`);
    expect(await snapshot(vault)).toEqual(before);
    expect(await read(to, a.key)).toBeNull();

    proxy.setPlan(() => undefined);
    const run = await runCli(["copy", vault, "--to-config", config, ...serverFlags(from)], cliEnv(work));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain(`copied ${a.key} (downloaded and uploaded)`);
    expect(proxy.log.some((r) => r.method === "PUT" && r.headers["x-amz-copy-source"] === undefined)).toBe(true);
    expect(proxy.log.some((r) => r.headers["x-amz-copy-source"] !== undefined)).toBe(false);
    expect(sha256((await read(to, a.key))?.bytes ?? Buffer.alloc(0))).toBe(sha256(a.bytes));
    expect(readFileSync(path.join(vault, "Post.md"), "utf8")).toBe(`![a](${urlOf(to, a.key)})\n`);

    // Run again over the moved links: nothing of the source's is linked any more.
    const again = await runCli(["copy", vault, "--to-config", config, "--json", ...serverFlags(from)], cliEnv(work));
    expect(JSON.parse(again.stdout)).toMatchObject({ images: [], links: 0 });
  });

  it("falls back to downloading when the service refuses CopyObject", async () => {
    const a = await put();
    const vault = makeVault(work, { "Post.md": `![a](${a.url})\n` });
    proxy.setPlan((req) => (req.headers["x-amz-copy-source"] !== undefined ? "status:403" : undefined));
    const run = await runCli(["copy", vault, "--to-config", destConfig(proxy.url), "--json", ...serverFlags(from, proxy.url)], cliEnv(work));
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as CopyJson).images).toEqual([{ key: a.key, outcome: "copied", via: "download" }]);
    expect(proxy.log.filter((r) => r.headers["x-amz-copy-source"] !== undefined)).toHaveLength(1);
    expect(sha256((await read(to, a.key))?.bytes ?? Buffer.alloc(0))).toBe(sha256(a.bytes));
  });

  it("never replaces a different file at the destination, and leaves that image's links; the same bytes there count as copied", async () => {
    const taken = await put();
    const theirs = await put(to, uniquePng(), taken.key);
    const same = await put();
    await put(to, same.bytes, same.key);
    const fresh = await put();
    const post = `![t](${taken.url}) ![s](${same.url}) ![f](${fresh.url})\n`;
    const vault = makeVault(work, { "Post.md": post });
    proxy.setPlan(() => undefined);
    const run = await runCli(["copy", vault, "--to-config", destConfig(), ...serverFlags(from)], cliEnv(work));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`refused ${taken.key}: the bucket "${to}" already holds a different file at ${taken.key}`);
    expect(run.stdout).toContain("Copied 1 image");
    expect(run.stdout).toContain("(1 already there)");
    expect(sha256((await read(to, taken.key))?.bytes ?? Buffer.alloc(0))).toBe(sha256(theirs.bytes));
    expect(readFileSync(path.join(vault, "Post.md"), "utf8")).toBe(`![t](${taken.url}) ![s](${urlOf(to, same.key)}) ![f](${urlOf(to, fresh.key)})\n`);
  });

  it("needs --to-config", async () => {
    const run = await runCli(["copy", work, ...serverFlags(from)], cliEnv(work));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("copy needs --to-config FILE");
  });
});

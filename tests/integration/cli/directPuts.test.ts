/**
 * The command-line tool's uploads after the first go out past the SDK's per-request pipeline
 * (src/storage/directPut.ts): seen through a proxy in front of the real S3 server, the first
 * PUT carries the SDK's invocation id and the others do not, and every object holds its bytes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { cliEnv, runCli, serverFlags, sha256 } from "../../support/cli";
import { s3TestEnv, storedObject, uniquePng, useTestBucket } from "../../support/s3";

let work: string;
let bucket: string;
useTestBucket("t-direct-cli", (b) => (bucket = b));
let proxy: FaultProxy;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-direct-cli-"));
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});
afterAll(async () => {
  await proxy.close();
  rmSync(work, { recursive: true, force: true });
});

test("after the first upload, the tool sends its uploads itself, and each object holds its image", async () => {
  const dir = path.join(work, "vault");
  mkdirSync(path.join(dir, "images"), { recursive: true });
  const images: Record<string, Uint8Array> = { "first.png": uniquePng(), "截图 1.png": uniquePng(), "a+b (2).png": uniquePng(), "スクショ.png": uniquePng() };
  for (const [name, bytes] of Object.entries(images)) writeFileSync(path.join(dir, "images", name), bytes);
  writeFileSync(
    path.join(dir, "Post.md"),
    Object.keys(images)
      .map((name) => `![](<images/${name}>)\n`)
      .join(""),
  );

  proxy.setPlan(() => undefined);
  // One upload at a time, so that the first is done before the next starts.
  const run = await runCli(["upload", dir, ...serverFlags(bucket, proxy.url), "--json", "--concurrency", "1"], cliEnv(path.join(work, "cache")));
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: 4, failed: 0 });

  const puts = proxy.log.filter((r) => r.method === "PUT");
  expect(puts.map((r) => [r.headers["amz-sdk-invocation-id"] !== undefined, r.status])).toEqual([
    [true, 200],
    [false, 200],
    [false, 200],
    [false, 200],
  ]);
  for (const bytes of Object.values(images)) {
    const key = `t/${sha256(bytes)}.png`;
    expect(Buffer.compare((await storedObject(bucket, key)).bytes, Buffer.from(bytes))).toBe(0);
    expect(readFileSync(path.join(dir, "Post.md"), "utf8")).toContain(`${s3TestEnv().endpoint}/${bucket}/${key}`);
  }
});

/**
 * The command-line tool with a key template that is not content-addressed, against the real
 * S3 server behind a counting proxy: two different images that get one key, then a bucket
 * that already holds other bytes at the key, then `--overwrite`, then the same bytes again.
 * The default template still sends its first PUT with no HEAD before it.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { cliEnv, runCli, sha256 } from "../../support/cli";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, storedObject, uniquePng } from "../../support/s3";

let work: string;
let bucket: string;
let proxy: FaultProxy;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-collide-cli-"));
  bucket = await createTestBucket("t-collide-cli");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});
afterAll(async () => {
  await proxy.close();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

/** A vault of its own: each image gets a note of the same name linking it. */
function vault(name: string, images: Record<string, Uint8Array>): string {
  const dir = path.join(work, name);
  for (const [file, bytes] of Object.entries(images)) {
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(dir, file), bytes);
    writeFileSync(path.join(dir, `${path.dirname(file)}.md`), `Figure:\n![](${file})\n`);
  }
  return dir;
}

const note = (dir: string, name: string): string => readFileSync(path.join(dir, name), "utf8");

function flags(...extra: string[]): string[] {
  return ["--endpoint", proxy.url, "--region", s3TestEnv().region, "--bucket", bucket, "--path-style", "--json", "--concurrency", "1", ...extra];
}

async function upload(dir: string, cache: string, ...extra: string[]) {
  proxy.setPlan(() => undefined);
  const run = await runCli(["upload", dir, ...flags(...extra)], cliEnv(path.join(work, cache)));
  expect(run.stderr).toBe("");
  return { code: run.code, out: JSON.parse(run.stdout), methods: proxy.log.map((l) => l.method), log: [...proxy.log] };
}

describe("img/{name}.{ext} over a/shot.png and b/shot.png, two different images", () => {
  const a = uniquePng();
  const b = uniquePng();
  const key = "img/shot.png";
  const url = () => `${proxy.url}/${bucket}/${key}`;
  let dir: string;
  beforeAll(() => {
    dir = vault("names", { "a/shot.png": a, "b/shot.png": b });
  });

  test("the first is uploaded and linked; the second is a KeyCollision naming both, its link unchanged, exit 1", async () => {
    const { code, out } = await upload(dir, "cache", "--key-template", "img/{name}.{ext}");
    expect(code).toBe(1);
    expect(out).toMatchObject({ uploaded: 1, reused: 0, rewritten: 1, failed: 1, skipped: 0 });
    expect(out.failures).toEqual([{ note: "b.md", link: "![](b/shot.png)", code: "KeyCollision", message: expect.any(String) }]);
    const message = out.failures[0].message as string;
    expect(message).toContain('"b/shot.png" was not uploaded');
    expect(message).toContain('"a/shot.png"');
    expect(message).toContain("{hash}");
    expect(note(dir, "a.md")).toBe(`Figure:\n![shot](${url()})\n`);
    expect(note(dir, "b.md")).toBe("Figure:\n![](b/shot.png)\n");
    expect(Buffer.compare((await storedObject(bucket, key)).bytes, Buffer.from(a))).toBe(0);
    const admin = adminClient();
    try {
      expect((await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Metadata).toEqual({ sha256: sha256(a) });
    } finally {
      admin.destroy();
    }
  });

  test("run again, the bucket's other bytes at the key are not replaced: one HEAD, no PUT, exit 1", async () => {
    const { code, out, methods } = await upload(dir, "cache", "--key-template", "img/{name}.{ext}");
    expect(code).toBe(1);
    expect(out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 1 });
    expect(out.failures[0]).toMatchObject({ note: "b.md", code: "KeyCollision" });
    expect(out.failures[0].message).toContain(`the bucket already holds a different file at ${key}`);
    expect(out.failures[0].message).toContain("run again with --overwrite");
    expect(methods).toEqual(["HEAD"]);
    expect(note(dir, "b.md")).toBe("Figure:\n![](b/shot.png)\n");
    expect(Buffer.compare((await storedObject(bucket, key)).bytes, Buffer.from(a))).toBe(0);
  });

  test("with --overwrite the object is replaced and the link rewritten, exit 0", async () => {
    const { code, out, methods } = await upload(dir, "cache", "--key-template", "img/{name}.{ext}", "--overwrite");
    expect(code).toBe(0);
    expect(out).toMatchObject({ uploaded: 1, rewritten: 1, failed: 0 });
    expect(methods).toEqual(["PUT"]);
    expect(note(dir, "b.md")).toBe(`Figure:\n![shot](${url()})\n`);
    expect(Buffer.compare((await storedObject(bucket, key)).bytes, Buffer.from(b))).toBe(0);
  });

  test("the same bytes already at the key are linked with no PUT, even with an empty upload cache", async () => {
    const again = vault("same-bytes", { "c/shot.png": b });
    const { code, out, methods } = await upload(again, "fresh-cache", "--key-template", "img/{name}.{ext}");
    expect(code).toBe(0);
    expect(out).toMatchObject({ uploaded: 0, reused: 1, rewritten: 1, failed: 0 });
    expect(methods).toEqual(["HEAD"]);
    expect(note(again, "c.md")).toBe(`Figure:\n![shot](${url()})\n`);
  });
});

test("the default template lists its folder once, then sends each first upload straight to PUT, with its SHA-256 as x-amz-meta-sha256", async () => {
  const images = { "p/one.png": uniquePng(), "q/two.png": uniquePng() };
  const { code, out, log } = await upload(vault("default", images), "default-cache");
  expect(code).toBe(0);
  expect(out).toMatchObject({ uploaded: 2, rewritten: 2 });
  expect(log.map((l) => (l.query.includes("list-type=2") ? "LIST" : l.method))).toEqual(["LIST", "PUT", "PUT"]);
  expect(
    log
      .filter((l) => l.method === "PUT")
      .map((l) => l.headers["x-amz-meta-sha256"])
      .sort(),
  ).toEqual(Object.values(images).map(sha256).sort());
});

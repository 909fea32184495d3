/**
 * `upload --remote` (dist/cli.cjs) against the real S3 server and a web server on loopback:
 * images linked from other websites are fetched, uploaded and relinked; a page that is not an
 * image, a missing image, a denied host and a link the bucket already serves keep their links.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, makeVault, runCli, serverFlags, sha256, type CliJson } from "../../support/cli";
import { startLocalServer, type LocalServer } from "../../support/localServer";
import { s3TestEnv, storedObject, uniquePng, useTestBucket } from "../../support/s3";

let work: string;
let bucket: string;
let server: LocalServer;
useTestBucket("cli-rehost", (b) => (bucket = b));

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-rehost-"));
  server = await startLocalServer();
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

async function upload(target: string, ...flags: string[]): Promise<{ code: number; out: CliJson & { reused: number }; stderr: string; stdout: string }> {
  const run = await runCli(["upload", target, ...serverFlags(bucket), "--site", "obsidian", ...flags, "--json"], cliEnv(work));
  return { code: run.code, out: JSON.parse(run.stdout) as CliJson & { reused: number }, stderr: run.stderr, stdout: run.stdout };
}

const read = (vault: string, note: string): string => readFileSync(path.join(vault, note), "utf8");
const bucketUrl = (key: string): string => `${s3TestEnv().endpoint}/${bucket}/${key}`;

describe("upload --remote", () => {
  it("re-hosts web images, and keeps the links of a page, a missing image, a denied host and an image the bucket serves", async () => {
    const png = uniquePng();
    const web = server.serve(`/pics/${sha256(png).slice(0, 8)}.png`, png);
    const page = server.serve("/pics/page.png", "<html>a page</html>", { "Content-Type": "text/html" });
    const missing = `${server.url}/pics/missing.png`;
    const denied = web.replace("127.0.0.1", "localhost");
    const hosted = bucketUrl(`t/${sha256(uniquePng())}.png`);
    const note = `![web](${web} "t")\n![page](${page})\n![gone](${missing})\n![denied](${denied})\n![ours](${hosted})\n`;
    const vault = makeVault(work, { "N.md": note });
    const before = server.seen.length;

    const { code, out } = await upload(vault, "--remote", "--remote-deny", "localhost");

    expect(code).toBe(1);
    expect(out).toMatchObject({ uploaded: 1, rewritten: 1, skipped: 1, failed: 2 });
    expect(out.failures.map((f) => [f.link, f.code])).toEqual([
      [`![page](${page})`, "PublicUrlNotImage"],
      [`![gone](${missing})`, "PublicUrlNotFound"],
    ]);
    const key = `t/${sha256(png)}.png`;
    expect(read(vault, "N.md")).toBe(note.replace(web, bucketUrl(key)));
    expect(sha256((await storedObject(bucket, key)).bytes)).toBe(sha256(png));
    // The denied host and the bucket's own link were never asked for.
    expect(server.seen.slice(before).map((r) => r.url)).toEqual(expect.arrayContaining([new URL(web).pathname, "/pics/page.png", "/pics/missing.png"]));
    expect(server.seen.slice(before)).toHaveLength(3);
  });

  it("leaves web images alone without --remote, and takes only allowed hosts with --remote-allow", async () => {
    const png = uniquePng();
    const web = server.serve(`/allow/${sha256(png).slice(0, 8)}.png`, png);
    const viaName = web.replace("127.0.0.1", "localhost");
    const note = `![a](${web}) ![b](${viaName})\n`;
    const vault = makeVault(work, { "N.md": note });

    const plain = await upload(vault);
    expect(plain.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 0 });
    expect(read(vault, "N.md")).toBe(note);

    const allowed = await upload(vault, "--remote", "--remote-allow", "127.0.0.1");
    expect(allowed.out).toMatchObject({ uploaded: 1, rewritten: 1, skipped: 1, failed: 0 });
    expect(read(vault, "N.md")).toBe(`![a](${bucketUrl(`t/${sha256(png)}.png`)}) ![b](${viaName})\n`);
  });

  it("refuses host lists without --remote, and a host list entry that is not a host name", async () => {
    const vault = makeVault(work, { "N.md": "x\n" });
    const without = await runCli(["upload", vault, ...serverFlags(bucket), "--remote-deny", "example.com"], cliEnv(work));
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/add --remote/);
    const bad = await runCli(["upload", vault, ...serverFlags(bucket), "--remote", "--remote-allow", "http://x/"], cliEnv(work));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must be a host name/);
  });
});

// `npm start`: the whole pipeline on a throwaway bucket, with no account and no setup.
//
// Starts an in-process S3 server (s3rver) on loopback, copies demo/ (a note embedding two
// local images) to a temporary folder, runs the built command-line tool on it, prints the
// rewritten note, then fetches one uploaded link with a plain anonymous GET and compares it
// with the local file. Expects `npm run build` to have produced dist/cli.cjs.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.cjs");
const noteName = "Trip notes.md";
const bucket = "demo-images";

if (!existsSync(cli)) {
  console.error("dist/cli.cjs is missing: run `npm run build` first (`npm start` does).");
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), "s3ih-demo-"));
// s3rver accepts any well-formed signature with its fixed S3RVER/S3RVER key pair and serves
// every object to anonymous GETs, so the uploaded links work straight away.
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory: join(work, "s3"),
  configureBuckets: [{ name: bucket, configs: [] }],
});

let exitCode = 0;
try {
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const vault = join(work, "vault");
  await cp(join(root, "demo"), vault, { recursive: true });
  console.log(`S3 server (s3rver) on ${endpoint}, bucket "${bucket}"; demo vault copied to ${vault}\n`);
  console.log(`--- ${noteName}, before ---\n${await readFile(join(vault, noteName), "utf8")}`);

  const args = [
    cli, "upload", vault,
    "--endpoint", endpoint, "--region", "us-east-1", "--bucket", bucket, "--path-style",
    "--acl", "public-read", "--key-template", "demo/{hash:16}.{ext}",
    "--cache", join(work, "uploads.json"),
  ];
  console.log(`$ s3-image-hosting ${args.slice(1).map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  const run = await runNode(args, { ...process.env, S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  console.log(`(exit code ${run.code})\n`);
  if (run.code !== 0) throw new Error("the upload did not succeed");

  const rewritten = await readFile(join(vault, noteName), "utf8");
  console.log(`--- ${noteName}, after ---\n${rewritten}`);

  // Check the second link: the one whose local file name has a space in it.
  const links = [...rewritten.matchAll(/\]\((http[^)\s]+)\)/g)].map((m) => m[1]).filter((u) => u.startsWith(endpoint));
  const url = links[1] ?? links[0];
  if (!url) throw new Error("no rewritten link found in the note");
  const local = await readFile(join(vault, "attachments", "my diagram.png"));
  const res = await fetch(url);
  const body = new Uint8Array(await res.arrayBuffer());
  const same = body.length === local.length && body.every((b, i) => b === local[i]);
  console.log(`GET ${url}`);
  console.log(`  status ${res.status}, Content-Type ${res.headers.get("content-type")}, ${body.length} bytes (local file "attachments/my diagram.png": ${local.length} bytes, ${same ? "identical" : "DIFFERENT"})`);
  if (res.status !== 200 || !same) throw new Error("the uploaded object does not match the local file");
} catch (e) {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  exitCode = 1;
} finally {
  await server.close().catch(() => {});
  await rm(work, { recursive: true, force: true });
}
process.exitCode = exitCode;

function runNode(args, env) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

// `npm start`: what the tool promises, on a throwaway bucket, with no account and no setup.
//
// Starts an in-process S3 server (s3rver) on loopback and, in front of it, a small HTTP
// server standing in for the CDN that serves a real bucket under its own host name
// (img.localhost). Then, with the built command-line tool on a copy of demo/:
//   1. uploads the note's local images and rewrites their links to the CDN host, and fetches
//      one link back to show it serves the same bytes as the local file;
//   2. runs again on a fresh copy of the same note: nothing is uploaded, the links point at
//      the images already in the bucket;
//   3. runs with an access key the server does not know: nothing is uploaded, the note stays as it was, and the
//      tool says what went wrong and what to do.
// Everything it makes stays in one folder, printed at the start and the end, for the reader
// to open (the vault folders are Obsidian vaults). `npm start -- --serve` keeps both servers
// running afterwards, so the links also work in a browser or in Obsidian until Ctrl-C.
// Expects `npm run build` to have produced dist/cli.cjs (`npm start` does).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.cjs");
const noteName = "Trip notes.md";
const bucket = "demo-images";
// Every *.localhost name is loopback (RFC 6761): browsers and curl resolve it without asking
// DNS, so the links work on this machine without touching /etc/hosts or needing root.
const cdnHost = "img.localhost";
const serve = process.argv.includes("--serve");

if (!existsSync(cli)) {
  console.error("dist/cli.cjs is missing: run `npm run build` first (`npm start` does).");
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), "s3ih-demo-"));
const cache = join(work, "upload-index.json");
// s3rver knows one access key, S3RVER (secret S3RVER), and refuses any other; it does not check
// SigV4 signatures, so a wrong secret would pass here where a real provider refuses it. It
// serves every object to anonymous GETs, as a public bucket does.
const s3 = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory: join(work, "bucket"),
  configureBuckets: [{ name: bucket, configs: [] }],
});
const keys = { S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" };
let puts = 0;
s3.on("event", (event) => {
  if (event.Records?.some((r) => String(r.eventName).startsWith("ObjectCreated:"))) puts++;
});

let cdn;
let exitCode = 0;
let sampleLink;
try {
  const { port: s3Port } = await s3.run();
  const endpoint = `http://127.0.0.1:${s3Port}`;
  cdn = await startCdn(endpoint);
  const publicUrl = `http://${cdnHost}:${cdn.address().port}`;
  const upload = (vault, index = cache) => [
    "upload",
    vault,
    "--endpoint",
    endpoint,
    "--region",
    "us-east-1",
    "--bucket",
    bucket,
    "--path-style",
    "--public-url",
    publicUrl,
    "--cache",
    index,
  ];

  console.log("S3 Image Hosting demo");
  console.log(`  S3 endpoint (s3rver, in this process): ${endpoint}, bucket "${bucket}"`);
  console.log(`  public base URL (a stand-in for your CDN, in front of the bucket): ${publicUrl}`);
  console.log(`  files: ${work}\n`);

  heading("1. Upload the images of a note and link them from the CDN");
  const first = await copyVault("vault");
  console.log(`--- ${noteName}, before ---\n${await readFile(join(first, noteName), "utf8")}`);
  let run = await cliRun(upload(first), keys);
  expect(run.code === 0, `the upload exited with ${run.code}`);
  expect(puts === 2, `the S3 server received ${puts} uploads instead of 2`);
  const rewritten = await readFile(join(first, noteName), "utf8");
  console.log(`--- ${noteName}, after ---\n${rewritten}`);
  const links = [...rewritten.matchAll(/\]\((http[^)\s]+)\)/g)].map((m) => m[1]).filter((u) => u.startsWith(`${publicUrl}/`));
  expect(links.length === 2, `the note links ${links.length} images from ${publicUrl} instead of 2`);
  // The second link is the one whose local file name has a space in it.
  const url = links[1] ?? links[0];
  if (url) {
    sampleLink = url;
    const local = await readFile(join(first, "attachments", "my diagram.png"));
    const res = await getThroughLoopback(url);
    const same = res.body.equals(local);
    console.log(`GET ${url}`);
    console.log(
      `  ${res.status}, ${res.headers["content-type"]}, Cache-Control ${res.headers["cache-control"]}, ${res.body.length} bytes: ${same ? "identical to" : "DIFFERENT from"} attachments/my diagram.png\n`,
    );
    expect(res.status === 200 && same, "the public link does not serve the uploaded image");
  }

  heading("2. The same note again, from a fresh copy: nothing is uploaded");
  const second = await copyVault("vault-again");
  const putsBefore = puts;
  run = await cliRun(upload(second), keys);
  expect(run.code === 0, `the second upload exited with ${run.code}`);
  const again = await readFile(join(second, noteName), "utf8");
  const sameLinks = again === rewritten;
  console.log(`The S3 server received ${puts - putsBefore} uploads; the note's links are ${sameLinks ? "the same as in step 1" : "DIFFERENT from step 1"}.`);
  console.log("The tool's upload index (--cache) remembers each image by its SHA-256, and the bucket is asked whether it still holds it.\n");
  expect(puts === putsBefore, "the second run uploaded again");
  expect(sameLinks, "the second run wrote different links");

  heading("3. A wrong access key: nothing is uploaded, the note stays as it was, and the tool says why");
  const third = await copyVault("vault-wrong-key");
  const original = await readFile(join(third, noteName), "utf8");
  // A fresh upload index, as on a machine that has not uploaded these images yet.
  run = await cliRun(upload(third, join(work, "upload-index-wrong-key.json")), { ...keys, S3_ACCESS_KEY_ID: "NOT-MY-KEY" });
  const untouched = (await readFile(join(third, noteName), "utf8")) === original;
  console.log(`${noteName} ${untouched ? "is unchanged" : "WAS CHANGED"}; exit code ${run.code} means some image could not be uploaded.\n`);
  expect(run.code === 1, `the run with a wrong key exited with ${run.code} instead of 1`);
  expect(untouched, "the run with a wrong key changed the note");
} catch (e) {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  exitCode = 1;
}

console.log(exitCode === 0 ? "Everything above went as expected." : 'Something above did not go as expected (see the lines marked "demo:").');
console.log(`The demo's files are in ${work}:`);
console.log("  vault/, vault-again/, vault-wrong-key/  the notes of steps 1 to 3 (each can be opened as an Obsidian vault)");
console.log("  bucket/                                  what the S3 server stored (s3rver's layout)");
console.log("  upload-index*.json                       the tool's records of what it uploaded (step 3 has its own)");
if (serve && exitCode === 0) {
  console.log(`\nServing the links until Ctrl-C: open ${sampleLink} in a browser, or open ${join(work, "vault")} as a vault in Obsidian.`);
  await new Promise((resolve) => process.once("SIGINT", resolve));
  console.log("Stopped; the files stay where they are.");
} else {
  console.log(`The links in them work while the demo runs: \`npm start -- --serve\` keeps it running. Remove the folder with: rm -r '${work}'`);
}
cdn?.close();
cdn?.closeAllConnections();
await s3.close().catch(() => {});
process.exitCode = exitCode;

/** Prints a step's title. */
function heading(title) {
  console.log(`${title}\n${"-".repeat(title.length)}`);
}

/** Records an unmet expectation: the demo goes on, so its output shows the whole story, and exits 1. */
function expect(ok, what) {
  if (ok) return;
  console.error(`demo: ${what}`);
  exitCode = 1;
}

/** A fresh copy of demo/ under the work folder. */
async function copyVault(name) {
  const dir = join(work, name);
  await cp(join(root, "demo"), dir, { recursive: true });
  return dir;
}

/** Runs the built tool as a person would, printing the command line and what it printed. */
function cliRun(args, credentials) {
  const shown = args.map((a) => (/[^\w@%+=:,./-]/.test(a) ? `'${a}'` : a)).join(" ");
  console.log(`$ s3-image-hosting ${shown}`);
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...credentials } }, (error, stdout, stderr) => {
      process.stdout.write(stdout);
      process.stdout.write(stderr);
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The CDN: serves `/<key>` from the bucket, as a CDN or a custom domain in front of a bucket
 * does. Only GET and HEAD, as a public host answers anonymous readers.
 */
function startCdn(origin) {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const key = new URL(req.url ?? "/", "http://cdn").pathname;
    const upstream = http.request(`${origin}/${bucket}${key}`, { method: req.method, agent: false }, (answer) => {
      const headers = {};
      for (const name of ["content-type", "content-length", "cache-control", "etag", "last-modified"]) {
        if (answer.headers[name] !== undefined) headers[name] = answer.headers[name];
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    upstream.end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/**
 * GETs a link on the CDN host. Node asks the system resolver, which may not know *.localhost
 * names (browsers and curl never ask it), so the connection goes to loopback directly and the
 * host name travels in the Host header, as it does from a browser.
 */
function getThroughLoopback(link) {
  const url = new URL(link);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: url.port, path: url.pathname, headers: { host: url.host } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

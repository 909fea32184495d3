// Starts the S3 server the integration tests run against (Ceph RGW on loopback), unless
// S3_TEST_ENDPOINT already points at one. Exposes it to the tests through S3_TEST_* variables.
// With it comes a second gateway to the same cluster whose clock runs 20 minutes ahead
// (S3_TEST_SKEWED_ENDPOINT), for the clock-skew tests; a given S3_TEST_ENDPOINT may come with
// its own S3_TEST_SKEWED_ENDPOINT, and without one those tests are skipped.
require("./quietSdk.cjs");
const { execFileSync } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");
const os = require("node:os");
const fs = require("node:fs");

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function warmUp() {
  // The first CreateBucket and PutObject on a new RGW each take ~2 s (pools are created
  // lazily); pay that once here rather than inside a test's timeout.
  const { S3Client, CreateBucketCommand, PutObjectCommand, DeleteObjectCommand } = require("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint: process.env.S3_TEST_ENDPOINT,
    region: process.env.S3_TEST_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.S3_TEST_ACCESS_KEY, secretAccessKey: process.env.S3_TEST_SECRET_KEY },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = "warm-up";
  try {
    await client.send(new CreateBucketCommand({ Bucket }));
  } catch (e) {
    if (e.name !== "BucketAlreadyOwnedByYou" && e.name !== "BucketAlreadyExists") throw e;
  }
  await client.send(new PutObjectCommand({ Bucket, Key: "warm-up", Body: new Uint8Array([1]) }));
  await client.send(new DeleteObjectCommand({ Bucket, Key: "warm-up" }));
  client.destroy();
}

module.exports = async function globalSetup() {
  if (process.env.S3_TEST_ENDPOINT) {
    process.env.S3_TEST_REGION ||= "us-east-1";
    process.env.S3_TEST_ACCESS_KEY ||= process.env.S3_ACCESS_KEY_ID || "TESTACCESSKEY";
    process.env.S3_TEST_SECRET_KEY ||= process.env.S3_SECRET_ACCESS_KEY || "TESTSECRETKEY123";
    await warmUp();
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-rgw-"));
  const env = { ...process.env, AK: "TESTACCESSKEY", SK: "TESTSECRETKEY123" };
  const script = path.join(__dirname, "../../scripts/s3-server.sh");
  // A free port can be taken by another process between probing and binding, and a daemon
  // can fail to come up on a loaded machine: start afresh on new ports once before giving up.
  let port;
  for (let attempt = 1; ; attempt++) {
    const monPort = await freePort();
    port = await freePort();
    try {
      execFileSync("bash", [script, "up", dir, String(port), String(monPort)], { env, stdio: ["ignore", "ignore", "inherit"] });
      break;
    } catch (e) {
      execFileSync("bash", [script, "down", dir], { stdio: "inherit" });
      if (attempt >= 2) throw e;
      console.error(`S3 test server did not start (attempt ${attempt}); trying again on new ports.`);
    }
  }
  process.env.S3_TEST_STATE_DIR = dir;
  // Joins the cluster that is already up, so it costs a fraction of a second.
  const skewPort = await freePort();
  try {
    execFileSync("bash", [script, "skew", dir, String(skewPort), "+20m"], { env, stdio: ["ignore", "ignore", "inherit"] });
  } catch (e) {
    // Jest runs no teardown after a failed setup: stop the cluster here.
    execFileSync("bash", [script, "down", dir], { stdio: "inherit" });
    throw e;
  }
  process.env.S3_TEST_SKEWED_ENDPOINT = `http://127.0.0.1:${skewPort}`;
  process.env.S3_TEST_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.S3_TEST_REGION = "us-east-1";
  process.env.S3_TEST_ACCESS_KEY = env.AK;
  process.env.S3_TEST_SECRET_KEY = env.SK;
  await warmUp();
};

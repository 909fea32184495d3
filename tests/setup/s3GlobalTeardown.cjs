// Stops the S3 server that the global setup started (never one given by S3_TEST_ENDPOINT).
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const fs = require("node:fs");

module.exports = async function globalTeardown() {
  const dir = process.env.S3_TEST_STATE_DIR;
  if (!dir) return;
  execFileSync("bash", [path.join(__dirname, "../../scripts/s3-server.sh"), "down", dir], { stdio: "inherit" });
  fs.rmSync(dir, { recursive: true, force: true });
};

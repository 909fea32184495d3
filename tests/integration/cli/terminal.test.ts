/**
 * What the command-line tool writes for a person, when file names and the server's messages
 * hold control characters (ESC, BEL, CR) and a bidi override, against the real S3 server:
 * nothing reaches the terminal raw except the tool's own progress-line sequence.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli as runCliInProcess } from "../../../src/cli/run";
import { startFaultProxy, type FaultProxy } from "../../support/faultProxy";
import { cliEnv, remoteLinkCount, runCli, serverFlags, sha256 } from "../../support/cli";
import { createTestBucket, removeTestBucket, s3TestEnv, uniquePng } from "../../support/s3";

let work: string;
let bucket: string;
let proxy: FaultProxy;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-terminal-"));
  bucket = await createTestBucket("cli-terminal");
  proxy = await startFaultProxy({ upstream: s3TestEnv().endpoint });
});

afterAll(async () => {
  await proxy.close();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

/** A title change, a bell, a carriage return that would overwrite the line, and a right-to-left override. */
const NOTE = "Evil \x1b]0;owned\x07\r\u202eton.md";
const SHOWN_NOTE = "Evil \\x1b]0;owned\\x07\\r\\u202eton.md";
/** A screen clear, a bell and a right-to-left override. */
const IMAGE = "pic\x1b[2J\x07\u202egnp.png";
const SHOWN_IMAGE = "pic\\x1b[2J\\x07\\u202egnp.png";
const SERVER_SAYS = "Denied\x1b]0;owned\x07\u202e by policy";
const SHOWN_SERVER_SAYS = "Denied\\x1b]0;owned\\x07\\u202e by policy";

/** Any control or direction character left in `text`, shown as code points. */
function rawControls(text: string): string[] {
  return [...text.matchAll(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g)].map(
    (m) => `U+${m[0].charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function makeVault(): { vault: string; refused: Uint8Array } {
  const vault = mkdtempSync(path.join(work, "vault-"));
  mkdirSync(vault, { recursive: true });
  const refused = uniquePng();
  writeFileSync(path.join(vault, NOTE), `![[${IMAGE}]]\n![[refused.png]]\n![[gone\x1b[31m.png]]\n`);
  writeFileSync(path.join(vault, IMAGE), uniquePng());
  writeFileSync(path.join(vault, "refused.png"), refused);
  return { vault, refused };
}

describe("control characters in names and server messages", () => {
  beforeEach(() => {
    proxy.setPlan(() => undefined);
  });

  it("reach the summary and failure lines only as visible escapes", async () => {
    const { vault, refused } = makeVault();
    const refusedKey = `t/${sha256(refused)}.png`;
    proxy.setPlan((req) =>
      req.method === "PUT" && req.path.endsWith(refusedKey) ? { status: 400, code: "PolicyViolation", message: SERVER_SAYS } : undefined,
    );
    const run = await runCli(["upload", vault, ...serverFlags(bucket, proxy.url)], cliEnv(work));

    expect(run.code).toBe(1);
    expect(rawControls(run.stdout)).toEqual([]);
    expect(rawControls(run.stderr)).toEqual([]);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("1 note scanned: 1 uploaded, 0 already in the bucket; 1 link rewritten, 0 skipped, 2 failed.");
    expect(lines).toContain(
      `  ${SHOWN_NOTE}: ![[gone\\x1b[31m.png]] — The image "gone\\x1b[31m.png" linked in "${SHOWN_NOTE}" is not in the vault; the link was left as it was.`,
    );
    const refusedLine = lines.find((l) => l.startsWith(`  ${SHOWN_NOTE}: ![[refused.png]] — `));
    expect(refusedLine).toContain(SHOWN_SERVER_SAYS);
    // The note itself keeps its name and gets its link.
    expect(remoteLinkCount(readFileSync(path.join(vault, NOTE), "utf8"))).toBe(1);
  });

  it("reach the progress line only as visible escapes, around the tool's own line-clearing sequence", async () => {
    const { vault } = makeVault();
    let out = "";
    let err = "";
    const code = await runCliInProcess(["upload", vault, ...serverFlags(bucket, proxy.url)], {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t), isTTY: true },
      env: cliEnv(work),
    });
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`\r\x1b\\[KUploading [12] of 2: ${SHOWN_IMAGE.replace(/[\\[\]]/g, "\\$&")}\r`));
    expect(rawControls(err.split("\r\x1b[K").join(""))).toEqual([]);
    expect(rawControls(out)).toEqual([]);
  });

  it("stay exact in --json, which escapes the bidi override too", async () => {
    const { vault } = makeVault();
    const run = await runCli(["upload", vault, ...serverFlags(bucket, proxy.url), "--json"], cliEnv(work));
    expect(rawControls(run.stdout)).toEqual([]);
    const failures = (JSON.parse(run.stdout) as { failures: { note: string; link: string }[] }).failures;
    expect(failures.map((f) => f.note)).toEqual([NOTE]);
    expect(failures.map((f) => f.link)).toEqual(["![[gone\x1b[31m.png]]"]);
  });
});

/**
 * `npm start` is the first thing a new user runs: the demo must keep working as the tool
 * changes. It runs the built command-line tool against its own in-process S3 server, so
 * this needs the build `npm test` makes first, and no S3 server of ours.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";

jest.setTimeout(60_000);

const root = path.resolve(__dirname, "../../..");

test("the demo runs its three steps and says everything went as expected", async () => {
  expect(existsSync(path.join(root, "dist/cli.cjs"))).toBe(true);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [path.join(root, "scripts/demo.mjs")], { cwd: root }, (_e, out, err) =>
      resolve({ code: child.exitCode, stdout: out, stderr: err }),
    );
  });
  const folder = /The demo's files are in (\S+):/.exec(stdout)?.[1];
  try {
    expect({ code, stderr: stderr.trim() }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("Everything above went as expected.");
    expect(stdout).not.toContain("demo:");
    // Step 1 rewrote the note's links to the CDN host; the copy the demo started from is unchanged.
    expect(folder).toBeDefined();
    const note = readFileSync(path.join(folder!, "vault", "Trip notes.md"), "utf8");
    expect(note).toMatch(/\]\(http:\/\/img\.localhost:\d+\//);
    expect(readFileSync(path.join(root, "demo", "Trip notes.md"), "utf8")).not.toContain("img.localhost");
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
});

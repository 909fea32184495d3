/**
 * The built tool as a command on the PATH, the way `npm link` (or `npm install -g .`)
 * installs it: a link named after package.json's `bin` entry, pointing at dist/cli.cjs, run
 * as a program rather than through `node`.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliPath, repoRoot } from "../../support/cli";

interface PackageJson {
  version: string;
  bin: Record<string, string>;
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-command-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function runCommand(file: string, args: string[], pathDirs: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: pathDirs.join(path.delimiter) } }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe("the s3-image-hosting command", () => {
  it("starts from a folder on the PATH through a link to the built file, and prints the package's version", async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as PackageJson;
    const target = path.resolve(repoRoot, pkg.bin["s3-image-hosting"]);
    expect(target).toBe(cliPath);

    const bin = path.join(work, "bin");
    mkdirSync(bin);
    symlinkSync(target, path.join(bin, "s3-image-hosting"));

    // The shebang finds `node` on the PATH, as it does in a person's shell.
    const run = await runCommand("s3-image-hosting", ["--version"], [bin, path.dirname(process.execPath)]);
    expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });
});

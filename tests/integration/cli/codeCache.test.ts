/**
 * The built command (dist/cli.cjs) keeps V8's compiled code of the tool's bundle in the
 * person's cache folder between runs: written once per command by a run that succeeds,
 * taken as it is by the next runs, written again when V8 refuses it, and never a reason for
 * the tool to fail. Needs no S3 server: `--version`, `--help` and a wrong command only.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliPath, repoRoot } from "../../support/cli";

const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-code-cache-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH ?? "", HOME: work, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** A fresh cache home for one test, and the tool's folder inside it. */
function cacheHome(name: string): { env: Record<string, string>; dir: string } {
  const home = path.join(work, name);
  return { env: { XDG_CACHE_HOME: home }, dir: path.join(home, "s3-image-hosting") };
}

function caches(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith(".v8cache"))
      .sort();
  } catch {
    return [];
  }
}

describe("the compiled-code cache of the command", () => {
  it("is written by the first run of a command, for that command, readable by its owner only", async () => {
    const { env, dir } = cacheHome("first");
    const first = await run(["--version"], env);
    expect(first).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    const files = caches(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^cli-main-[0-9a-f]{8}-\\d+-\\d+-${process.version.replace(/\./g, "\\.")}-${process.arch}-other\\.v8cache$`));
    const st = statSync(path.join(dir, files[0]));
    expect(st.size).toBeGreaterThan(10_000);
    expect(st.mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    // Another command gets its own cache, and its help one of its own: `--version` and
    // `--help` compile little of what `upload` runs.
    expect((await run(["upload", "--help"], env)).code).toBe(0);
    expect((await run(["upload", "--dry-run", "--help"], env)).code).toBe(0);
    const kind = (n: string): string => n.slice(n.indexOf(`-${process.arch}-`) + process.arch.length + 2);
    expect(caches(dir).map(kind)).toEqual(["other.v8cache", "upload-help.v8cache"]);
  });

  it("is taken as it is by the next runs, which print the same", async () => {
    const { env, dir } = cacheHome("again");
    const first = await run(["--help"], env);
    expect(first.code).toBe(0);
    const [file] = caches(dir);
    const before = statSync(path.join(dir, file));
    const bytes = readFileSync(path.join(dir, file));
    const second = await run(["--help"], env);
    expect(second).toEqual(first);
    // Written again only when V8 refuses it: untouched means it was used.
    const after = statSync(path.join(dir, file));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(path.join(dir, file)).equals(bytes)).toBe(true);
  });

  it("is written again when V8 refuses it, and a damaged one changes nothing the tool prints", async () => {
    const { env, dir } = cacheHome("damaged");
    expect((await run(["--version"], env)).code).toBe(0);
    const [file] = caches(dir);
    const damaged = Buffer.alloc(4096, 0x5a);
    writeFileSync(path.join(dir, file), damaged);
    const run2 = await run(["--version"], env);
    expect(run2).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    const rewritten = readFileSync(path.join(dir, file));
    expect(rewritten.equals(damaged)).toBe(false);
    expect(rewritten.length).toBeGreaterThan(10_000);
  });

  it("is not written by a run that fails", async () => {
    const { env, dir } = cacheHome("failed");
    const wrong = await run(["uplaod"], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^s3-image-hosting: Unknown command "uplaod"/);
    expect(caches(dir)).toEqual([]);
  });

  it("replaces the caches of this install's earlier builds and leaves other installs' alone", async () => {
    const { env, dir } = cacheHome("builds");
    expect((await run(["--version"], env)).code).toBe(0);
    const [current] = caches(dir);
    const install = /^cli-main-[0-9a-f]{8}-/.exec(current)?.[0] as string;
    const earlier = `${install}1-2-${process.version}-${process.arch}-doctor.v8cache`;
    const otherInstall = `cli-main-00000000-1-2-${process.version}-${process.arch}-doctor.v8cache`;
    writeFileSync(path.join(dir, earlier), "old");
    writeFileSync(path.join(dir, otherInstall), "other");
    writeFileSync(path.join(dir, "uploads.json"), "{}");

    expect((await run(["doctor", "--help"], env)).code).toBe(0);
    const left = caches(dir);
    expect(left).not.toContain(earlier);
    expect(left).toContain(otherInstall);
    expect(left).toContain(current);
    expect(left.filter((n) => n.startsWith(install) && n.endsWith("-doctor-help.v8cache"))).toHaveLength(1);
    // Other files in the folder (the upload cache lives there too) are never touched.
    expect(readFileSync(path.join(dir, "uploads.json"), "utf8")).toBe("{}");
  });

  it("is off with NODE_DISABLE_COMPILE_CACHE, and a cache folder that cannot be made only slows the start", async () => {
    const off = cacheHome("off");
    expect(await run(["--version"], { ...off.env, NODE_DISABLE_COMPILE_CACHE: "1" })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(caches(off.dir)).toEqual([]);

    // The cache home is a file: no folder can be made in it.
    const blocked = path.join(work, "blocked");
    writeFileSync(blocked, "");
    expect(await run(["--version"], { XDG_CACHE_HOME: blocked })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(await run(["--version"], { XDG_CACHE_HOME: blocked })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("reads the bundle's text as it is written: the build's ASCII-only bundle, and any other as UTF-8", async () => {
    expect(readFileSync(path.join(path.dirname(cliPath), "cli-main.cjs")).every((b) => b < 0x80)).toBe(true);
    const beside = path.join(work, "texts");
    mkdirSync(beside);
    copyFileSync(cliPath, path.join(beside, "cli.cjs"));
    // A stand-in bundle that prints a text outside ASCII, written in UTF-8 as an editor would.
    writeFileSync(path.join(beside, "cli-main.cjs"), `process.stdout.write("上传 ok\\n"); // 图片\n`, "utf8");
    for (const env of [cacheHome("texts").env, cacheHome("texts").env, { NODE_DISABLE_COMPILE_CACHE: "1" }]) {
      const out = await new Promise<string>((resolve) => {
        execFile(process.execPath, [path.join(beside, "cli.cjs"), "--version"], { env: { PATH: process.env.PATH ?? "", HOME: work, ...env } }, (_e, stdout) =>
          resolve(stdout),
        );
      });
      expect(out).toBe("上传 ok\n");
    }
  });

  it("says in words, without a stack trace, when the bundle is not beside the command", async () => {
    const alone = path.join(work, "alone");
    mkdirSync(alone);
    copyFileSync(cliPath, path.join(alone, "cli.cjs"));
    for (const env of [cacheHome("alone").env, { NODE_DISABLE_COMPILE_CACHE: "1" }]) {
      const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(alone, "cli.cjs"), "--version"],
          { env: { PATH: process.env.PATH ?? "", HOME: work, ...env } },
          (error, _out, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `s3-image-hosting: ${path.join(alone, "cli-main.cjs")} is missing. The command needs the tool's bundle beside it: build the tool again (npm run build) or copy both files of dist/.\n`,
      );
    }
  });
});

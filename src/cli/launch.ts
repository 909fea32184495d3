/**
 * The `s3-image-hosting` command as installed (dist/cli.cjs): starts the tool's bundle
 * (dist/cli-main.cjs) with V8's compiled code kept from an earlier run.
 *
 * Node compiles the whole 1.3 MB bundle before running a line of it, and then every function
 * the run calls, on every start: 30 to 65 ms of a 200-image upload, and 12 to 15 ms of `--version`.
 * V8 can hand that work back as a code cache and take it again on the next start. Node 22
 * does this for any program (`module.enableCompileCache`); this file does it on Node 20 as well,
 * through `vm.Script`'s `cachedData`.
 *
 * - One cache per command (`upload`, `download`, ..., `--help` and `--dry-run` apart,
 *   everything else as one): a cache holds the functions its run compiled, and `--version`
 *   compiles few of those an upload needs. It is written when a run of that command ends with exit code 0 and no
 *   usable cache was there.
 * - It lives in the tool's cache folder beside the upload index (`$XDG_CACHE_HOME` or
 *   `~/.cache`, then `s3-image-hosting/`), never in a folder shared between users. Its name
 *   carries the install's folder (hashed), the bundle's size and time of change, Node's
 *   version and the processor's architecture; V8 refuses a cache made by another V8 or other
 *   flags, and a refused one is written again. Writing one removes the caches of the same
 *   install's earlier builds.
 * - `NODE_DISABLE_COMPILE_CACHE=1`, Node's own switch for its cache, turns it off. Any failure
 *   to read or write it (no cache folder, no permission, a full disk) only means a slower start.
 *
 * Nothing here may fail the tool: whatever goes wrong, the bundle is loaded the plain way.
 */
/* global __dirname -- this file is bundled as CommonJS (dist/cli.cjs), where Node defines it */
import { Buffer, isAscii } from "node:buffer";
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import * as path from "node:path";
import process from "node:process";
import * as vm from "node:vm";

const MAIN = path.join(__dirname, "cli-main.cjs");
/** Loads the bundle as Node loads any CommonJS file: the way when there is no usable cache. */
const plainRequire = createRequire(MAIN);
const PREFIX = "cli-main-";
const SUFFIX = ".v8cache";

start();

function start(): void {
  const dir = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : cacheFolder();
  const source = dir === undefined ? undefined : readMain();
  if (dir === undefined || source === undefined) {
    loadPlain();
    return;
  }
  // This install of the tool, then this build of it on this Node.
  const install = `${PREFIX}${fnv1a(MAIN)}-`;
  const build = `${install}${source.size}-${Math.trunc(source.mtimeMs)}-${process.version}-${process.arch}-`;
  const file = path.join(dir, `${build}${commandKey(process.argv.slice(2))}${SUFFIX}`);
  const cachedData = readOptional(file);
  let script: vm.Script;
  try {
    // Wrapped as Node wraps a CommonJS module, so that line numbers in traces are the file's.
    // The bundle has no import() (the build turns each into a require()): a script compiled
    // here could not run one without a loader that Node 20 counts as experimental.
    script = new vm.Script(Module.wrap(source.text), { filename: MAIN, cachedData });
  } catch {
    loadPlain();
    return;
  }
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once("exit", (code) => {
      if (code === 0) writeCache(dir, install, build, file, script);
    });
  }
  const run = script.runInThisContext() as (
    exports: unknown,
    require: ReturnType<typeof createRequire>,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {}, filename: MAIN, id: MAIN, loaded: false };
  run.call(mod.exports, mod.exports, createRequire(MAIN), mod, MAIN, path.dirname(MAIN));
}

/** Loads the bundle without the cache; says so in words when it is not beside this file. */
function loadPlain(): void {
  try {
    plainRequire(MAIN);
  } catch (e) {
    const missing = (e as { code?: unknown } | null)?.code === "MODULE_NOT_FOUND" && String((e as Error).message).includes(MAIN);
    if (!missing) throw e;
    process.stderr.write(
      `s3-image-hosting: ${MAIN} is missing. The command needs the tool's bundle beside it: build the tool again (npm run build) or copy both files of dist/.\n`,
    );
    process.exitCode = 1;
  }
}

/**
 * The bundle's text with its size and time of change, or undefined when it cannot be read.
 * The build writes it in ASCII only, which reads as Latin-1 (the same text) several times
 * faster than through a UTF-8 decoder, and makes a one-byte string for V8; any other text is
 * read as UTF-8.
 */
function readMain(): { text: string; size: number; mtimeMs: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(MAIN, "r");
    const { size, mtimeMs } = fstatSync(fd);
    const bytes = readFileSync(fd);
    return { text: bytes.toString(isAscii(bytes) ? "latin1" : "utf8"), size, mtimeMs };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The tool's cache folder, where its upload index lives too (`defaultCachePath`):
 * `$XDG_CACHE_HOME/s3-image-hosting`, else `~/.cache/s3-image-hosting`. Undefined when there is
 * no home folder to put it in.
 */
function cacheFolder(): string | undefined {
  const xdg = process.env.XDG_CACHE_HOME;
  try {
    const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), ".cache");
    return path.isAbsolute(base) ? path.join(base, "s3-image-hosting") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which cache a run uses: its command word, with `--help` and `--dry-run` apart (they run little
 * of what the command itself runs, and a cache made by them would be the one taken from then
 * on); "other" for anything else.
 */
function commandKey(args: string[]): string {
  const first = args[0] ?? "";
  const word = /^[a-z][a-z-]{0,23}$/.test(first) ? first : "other";
  if (args.includes("--help") || args.includes("-h")) return `${word}-help`;
  return args.includes("--dry-run") ? `${word}-dry` : word;
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes the code V8 compiled in this run (complete, or not at all), and removes the caches
 * of this install's earlier builds. Installs in other folders keep theirs.
 */
function writeCache(dir: string, install: string, build: string, file: string, script: vm.Script): void {
  try {
    const data = script.createCachedData();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(install) && name.endsWith(SUFFIX) && !name.startsWith(build)) unlinkSync(path.join(dir, name));
    }
  } catch {
    // A slower next start, nothing more.
  }
}

/** A short hash of a text (FNV-1a, 32 bits), as hex: tells apart two installs of the tool. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

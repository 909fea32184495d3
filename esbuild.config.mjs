// Builds the plugin (main.js, for Obsidian desktop and mobile) and the command-line tool
// (dist/cli.cjs, for Node). `node esbuild.config.mjs production` builds both once;
// without an argument it watches the plugin.
import esbuild from "esbuild";
import process from "node:process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const prod = process.argv[2] === "production";
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const require = createRequire(import.meta.url);
const { lazyArrows } = require("./scripts/build/lazyArrows.cjs");

// ---------------------------------------------------------------------------------------
// Plugin size. Obsidian reads and evaluates all of main.js when it starts, so the S3 SDK in
// it is kept to what the plugin uses. Two build steps do that; neither changes what the
// SDK does at run time:
//
// 1. `@aws-sdk/client-s3` is imported from its own modules (the client class and each
//    command the plugin names), not from the package index. The index also exports the
//    aggregated `S3` client, every command, paginators and waiters, and because the SDK
//    is loaded lazily (`await import(...)` in src/obsidian/sdkUploader.ts) esbuild keeps
//    every export of it. The names come from the imports in src/: a new command is picked
//    up by the next build, and a name that cannot be found fails the build.
//
// 2. The S3 schemas module names its keys through string constants (`{ [_hH]: "x-amz-acl" }`
//    with `const _hH = "httpHeader"`). esbuild cannot prove such a computed key free of side
//    effects, so it keeps all ~1,500 schemas of every S3 operation. Folding each constant
//    into its key (`{ "httpHeader": "x-amz-acl" }`) lets it drop the schemas no command
//    uses. The production build checks that the folded module exports exactly the same
//    values as the original (every schema, error registry and lazy reference), and fails
//    otherwise.
// ---------------------------------------------------------------------------------------

const S3_PACKAGE = "@aws-sdk/client-s3";
const s3Dir = path.dirname(require.resolve(`${S3_PACKAGE}/package.json`));
const s3Es = path.join(s3Dir, "dist-es");
const SCHEMAS_FILE = path.join(s3Es, "schemas", "schemas_0.js");

function tsFilesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFilesUnder(full));
    else if (e.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

/** The value names src/ imports from the S3 package, or null when one import takes all of it. */
function s3NamesUsedBySource() {
  const names = new Set();
  const quoted = S3_PACKAGE.replace(/[/\\^$*+?.()|[\]{}-]/g, "\\$&");
  const named = new RegExp(`(?:import|export)\\s+(type\\s+)?\\{([^}]*)\\}\\s*from\\s*["']${quoted}["']`, "g");
  const whole = new RegExp(`(?:import|export)\\s+(?!type\\b)[^;{]*\\bfrom\\s*["']${quoted}["']|import\\(\\s*["']${quoted}["']`);
  for (const file of tsFilesUnder("src")) {
    const text = readFileSync(file, "utf8");
    if (whole.test(text)) return null;
    for (const m of text.matchAll(named)) {
      if (m[1]) continue;
      for (const part of m[2].split(",")) {
        const spec = part.trim();
        if (!spec || spec.startsWith("type ")) continue;
        names.add(spec.split(/\s+as\s+/)[0].trim());
      }
    }
  }
  return names;
}

/** The module of the S3 package that declares `name`. */
function s3ModuleDeclaring(name) {
  const command = path.join(s3Es, "commands", `${name}.js`);
  if (existsSync(command)) return command;
  const candidates = ["S3Client.js", "schemas/schemas_0.js", "models/errors.js", "models/enums.js", "models/S3ServiceException.js"];
  const declaration = new RegExp(`^export (?:class|const|var|let|function) ${name}\\b`, "m");
  for (const rel of candidates) {
    const file = path.join(s3Es, rel);
    if (declaration.test(readFileSync(file, "utf8"))) return file;
  }
  throw new Error(`${S3_PACKAGE} exports no "${name}" from a module of its own; import it differently or extend esbuild.config.mjs.`);
}

const s3OwnModules = {
  name: "s3-own-modules",
  setup(build) {
    const names = s3NamesUsedBySource();
    if (names === null) return;
    const contents = [...names]
      .sort()
      .map((n) => `export { ${n} } from ${JSON.stringify(s3ModuleDeclaring(n))};`)
      .join("\n");
    build.onResolve({ filter: /^@aws-sdk\/client-s3$/ }, () => ({ path: S3_PACKAGE, namespace: "s3-own-modules" }));
    build.onLoad({ filter: /.*/, namespace: "s3-own-modules" }, () => ({ contents, resolveDir: s3Es, loader: "js" }));
  },
};

/** `{ [_hH]: x }` → `{ "httpHeader": x }` for every top-level `const _hH = "httpHeader";`. */
function foldConstantKeys(source) {
  const strings = new Map();
  for (const m of source.matchAll(/^const (_[A-Za-z0-9_]+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
  let folded = 0;
  const text = source.replace(/([{,]\s*)\[(_[A-Za-z0-9_]+)\](\s*:)/g, (all, before, name, colon) => {
    const value = strings.get(name);
    if (value === undefined) return all;
    folded++;
    return `${before}${value}${colon}`;
  });
  return { text, folded };
}

const foldSchemaKeys = {
  name: "fold-schema-keys",
  setup(build) {
    build.onLoad({ filter: /[\\/]client-s3[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, (args) => ({
      contents: foldConstantKeys(readFileSync(args.path, "utf8")).text,
      loader: "js",
    }));
  },
};

/**
 * Two more parts of the SDK the plugin never runs, replaced in main.js only (the
 * command-line tool keeps the SDK whole):
 *
 * - Event streams (about 15 KB). Only S3's SelectObjectContent and WriteGetObjectResponse
 *   stream events, and the plugin sends neither. The client still builds a marshaller when
 *   it starts, so the replacement keeps that step; any real use throws and says why. An
 *   SDK update that imports another name from the module fails the build ("No matching
 *   export"), rather than silently changing behaviour.
 * - The SDK's package.json (about 2.5 KB), read only for its version in the user agent.
 * - S3's endpoint rule set and its evaluator (about 25 KB): src/storage/s3Endpoint.ts takes
 *   its place. createS3Client gives every client it as its endpoint provider; the SDK also
 *   asks the rule set for the signing scheme of each request, and in main.js gets the same
 *   answer from s3Endpoint.ts. A unit test compares s3Endpoint.ts with the rule set.
 * - Checksum algorithms no request of the plugin asks for (SHA-1, CRC-64/NVME, CRC-32C: about
 *   4.5 KB): checksums are computed only where S3 requires one (DeleteObjects), with CRC-32,
 *   and responses are checked only when a request enables it, which none does. The adaptive
 *   retry strategy and its rate limiter (about 3.6 KB): the client uses the standard one.
 *   Each is replaced by a class that throws when constructed.
 * - The multi-region signer's SigV4a branches (about 3 KB, mostly messages): SigV4a signs only
 *   requests to multi-region access points, which s3Endpoint.ts refuses. The replacement
 *   signs as the SDK's does (its SigV4 signer) and refuses a request for SigV4a.
 * - AWS's partition table (about 5 KB), read by S3's endpoint rules, which main.js leaves
 *   out, and by the user agent for a prefix that stays empty unless an application sets
 *   another table, which the plugin never does.
 */
const EVENT_STREAMS_FREE = `
const unsupported = () => { throw new Error("S3 event streams are not supported by this plugin."); };
export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
export const eventStreamSerdeProvider = () => ({ serialize: unsupported, deserialize: unsupported });
export class EventStreamSerde { constructor() { unsupported(); } }
`;

/** Modules of the SDK replaced in main.js by a class that throws: file name → class. */
const UNUSED_SDK_CLASSES = [
  [/[\\/]checksums[\\/]dist-es[\\/]submodules[\\/]sha[\\/]sha1[\\/]Sha1Js\.js$/, "Sha1Js"],
  [/[\\/]checksums[\\/]dist-es[\\/]submodules[\\/]crc[\\/]crc64-nvme[\\/]Crc64NvmeJs\.js$/, "Crc64NvmeJs"],
  [/[\\/]checksums[\\/]dist-es[\\/]submodules[\\/]crc[\\/]crc32c[\\/]Crc32cJs\.js$/, "Crc32cJs"],
  [/[\\/]retry[\\/]util-retry[\\/]AdaptiveRetryStrategy\.js$/, "AdaptiveRetryStrategy"],
  [/[\\/]retry[\\/]util-retry[\\/]DefaultRateLimiter\.js$/, "DefaultRateLimiter"],
];

const SIGV4_ONLY_SIGNER = `
import { SignatureV4SignWithCredentials } from "./SignatureV4SignWithCredentials";
const sigv4a = () => Promise.reject(new Error("SigV4a signing (multi-region access points) is not part of this plugin's S3 client."));
export class SignatureV4MultiRegion {
  static sigv4aDependency() { return "none"; }
  constructor(options) { this.sigv4Signer = new SignatureV4SignWithCredentials(options); }
  sign(r, o = {}) { return o.signingRegion === "*" ? sigv4a() : this.sigv4Signer.sign(r, o); }
  signWithCredentials(r, c, o = {}) { return o.signingRegion === "*" ? sigv4a() : this.sigv4Signer.signWithCredentials(r, c, o); }
  presign(r, o = {}) { return o.signingRegion === "*" ? sigv4a() : this.sigv4Signer.presign(r, o); }
  presignWithCredentials(r, c, o = {}) { return o.signingRegion === "*" ? sigv4a() : this.sigv4Signer.presignWithCredentials(r, c, o); }
}
`;

const NO_PARTITIONS = `
export const getUserAgentPrefix = () => "";
export const partition = () => { throw new Error("AWS's partition table is not part of this plugin's S3 client (src/storage/s3Endpoint.ts resolves endpoints)."); };
export const setPartitionInfo = () => { throw new Error("AWS's partition table is not part of this plugin's S3 client."); };
export const useDefaultPartitionInfo = () => {};
`;

const pluginOnlySdkParts = {
  name: "plugin-only-sdk-parts",
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => ({ path: "event-streams", namespace: "sdk-event-streams-free" }));
    build.onLoad({ filter: /.*/, namespace: "sdk-event-streams-free" }, () => ({ contents: EVENT_STREAMS_FREE, loader: "js" }));
    build.onLoad({ filter: /[\\/]client-s3[\\/]dist-es[\\/]endpoint[\\/]endpointResolver\.js$/ }, () => ({
      contents: `export { s3Endpoint as defaultEndpointResolver } from ${JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), "src/storage/s3Endpoint.ts"))};`,
      loader: "js",
    }));
    build.onLoad({ filter: /[\\/]signature-v4-multi-region[\\/]dist-es[\\/]SignatureV4MultiRegion\.js$/ }, (args) => ({
      contents: SIGV4_ONLY_SIGNER,
      loader: "js",
      resolveDir: path.dirname(args.path),
    }));
    build.onLoad({ filter: /[\\/]util-endpoints[\\/]lib[\\/]aws[\\/]partition\.js$/ }, () => ({ contents: NO_PARTITIONS, loader: "js" }));
    for (const [filter, name] of UNUSED_SDK_CLASSES) {
      build.onLoad({ filter }, () => ({
        contents: `export class ${name} { constructor() { throw new Error("${name} is not part of this plugin's S3 client."); } }`,
        loader: "js",
      }));
    }
    build.onLoad({ filter: /[\\/]client-s3[\\/]package\.json$/ }, (args) => ({
      contents: `export default { version: ${JSON.stringify(JSON.parse(readFileSync(args.path, "utf8")).version)} };`,
      loader: "js",
    }));
  },
};

/**
 * Obsidian evaluates main.js inside a function, where V8 parses every arrow function in full
 * at once, called or not; a minified bundle wraps each module it loads on first use (the S3
 * SDK among them) in one. scripts/build/lazyArrows.cjs rewrites the bundle's top-level arrows
 * as function expressions, which V8 only pre-parses until they are called: about a quarter
 * less time to evaluate main.js. Minified builds only: the unminified (watch) build wraps
 * those modules in methods, which are already lazy, and keeps its source map exact.
 */
const lazyTopLevelArrows = {
  name: "lazy-top-level-arrows",
  setup(build) {
    const { outfile, minify, write, absWorkingDir } = build.initialOptions;
    if (!minify) return;
    // It rewrites the file esbuild has written; a build that writes nothing would keep its arrows.
    if (write === false || !outfile) throw new Error("lazy-top-level-arrows needs a build that writes its outfile.");
    const file = path.resolve(absWorkingDir ?? process.cwd(), outfile);
    build.onEnd((result) => {
      if (result.errors.length === 0) writeFileSync(file, lazyArrows(readFileSync(file, "utf8"), file).text);
    });
  },
};

/** Evaluates the schemas module as built with `plugins` and returns its exports. */
async function evaluateSchemas(plugins) {
  const result = await esbuild.build({
    stdin: { contents: `export * from ${JSON.stringify(SCHEMAS_FILE)};`, resolveDir: s3Dir, loader: "js" },
    bundle: true,
    write: false,
    format: "cjs",
    platform: "node",
    logLevel: "silent",
    plugins,
  });
  const module = { exports: {} };
  vm.runInNewContext(result.outputFiles[0].text, { module, exports: module.exports, require, console }, { filename: "schemas.js" });
  return module.exports;
}

/** Structural equality that follows lazy references (`() => Schema$`) and compares classes by name. */
function sameValue(a, b, seen = new Map()) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (typeof a === "function") {
    const isClass = (f) => /^class\b/.test(Function.prototype.toString.call(f));
    if (isClass(a) || isClass(b) || a.length > 0 || b.length > 0) return a.name === b.name && isClass(a) === isClass(b);
    return sameValue(a(), b(), seen);
  }
  if (typeof a !== "object") return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a)?.constructor?.name !== Object.getPrototypeOf(b)?.constructor?.name) return false;
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    return [...a].every(([k, v]) => b.has(k) && sameValue(v, b.get(k), seen));
  }
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameValue(a[k], b[k], seen));
}

/** Fails the build unless folding changed keys and left every exported value as it was. */
async function assertSchemaFoldKeepsValues() {
  const { folded } = foldConstantKeys(readFileSync(SCHEMAS_FILE, "utf8"));
  const [original, changed] = await Promise.all([evaluateSchemas([]), evaluateSchemas([foldSchemaKeys])]);
  const names = Object.keys(original);
  const differing = names.filter((n) => !sameValue(original[n], changed[n]));
  if (folded === 0 || names.length === 0 || differing.length > 0 || Object.keys(changed).length !== names.length) {
    console.error(
      `Folding the keys of ${path.relative(process.cwd(), SCHEMAS_FILE)} (${folded} keys) changed its exports` +
        (differing.length ? `: ${differing.slice(0, 5).join(", ")}` : "") +
        ". Remove foldSchemaKeys from esbuild.config.mjs, or fix it for this SDK version.",
    );
    process.exit(1);
  }
}

export const pluginOptions = {
  banner: { js: "/* S3 Image Hosting - an Obsidian plugin. Bundled by esbuild. */" },
  entryPoints: ["src/main.ts"],
  bundle: true,
  external: [
    "obsidian",
    "electron",
    "@codemirror/autocomplete",
    "@codemirror/collab",
    "@codemirror/commands",
    "@codemirror/language",
    "@codemirror/lint",
    "@codemirror/search",
    "@codemirror/state",
    "@codemirror/view",
    "@lezer/common",
    "@lezer/highlight",
    "@lezer/lr",
    ...nodeBuiltins,
  ],
  format: "cjs",
  platform: "browser",
  target: "es2020",
  logLevel: "info",
  sourcemap: prod ? false : "inline",
  treeShaking: true,
  minify: prod,
  legalComments: "none",
  // Non-ASCII text (catalogs, names) as UTF-8 rather than \uXXXX escapes: a CJK character
  // is 3 bytes instead of 6.
  charset: "utf8",
  outfile: "main.js",
  metafile: true,
  plugins: [s3OwnModules, foldSchemaKeys, pluginOnlySdkParts, lazyTopLevelArrows],
};

/**
 * Parts of what the command-line tool bundles that it replaces with smaller ones. None changes
 * what a run does; each only takes work off every start of the tool.
 *
 * - The tool always hands the S3 client its keys (S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY,
 *   or the --config file's), so AWS's default credential chain (SSO, STS, web identity,
 *   instance metadata, ~/.aws files, with the clients they need: about 220 KB of the bundle,
 *   compiled and initialised on every start) can never run. It is replaced by a provider that
 *   says so, should a client ever be made without keys.
 * - The SDK's Node HTTP handler requires Node's `http2` at its top, for its HTTP/2 handler,
 *   which the tool never uses (S3 is HTTP/1.1): compiling `http2` and what it pulls in is about
 *   3 ms of every start. It gets a stand-in that loads the real module on first use.
 */
const cliOnlySdkParts = {
  name: "cli-only-sdk-parts",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: "credential-provider-node", namespace: "cli-no-default-credentials" }));
    build.onLoad({ filter: /.*/, namespace: "cli-no-default-credentials" }, () => ({
      contents: `export const defaultProvider = () => () => Promise.reject(new Error("This S3 client was made without keys: the command-line tool gives every client its keys itself and does not read AWS's default credential chain."));`,
      loader: "js",
    }));
    const httpHandler = `${path.sep}@smithy${path.sep}node-http-handler${path.sep}`;
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      args.importer.includes(httpHandler) ? { path: "http2", namespace: "cli-http2-on-first-use" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "cli-http2-on-first-use" }, () => ({
      contents: [
        `let http2;`,
        `const real = () => (http2 ??= require("node:http2"));`,
        `module.exports = {`,
        `  connect: (...args) => real().connect(...args),`,
        `  constants: new Proxy({}, { get: (_, name) => real().constants[name] }),`,
        `};`,
      ].join("\n"),
      loader: "js",
    }));
  },
};

/**
 * dist/cli.cjs reads the bundle as Latin-1 when it is ASCII only, which is several times
 * faster than decoding UTF-8 (and makes a one-byte string for V8). esbuild escapes every
 * non-ASCII character in code (its default charset) but leaves comments as they are: those
 * it left are written as \uXXXX, which inside a comment changes nothing.
 */
function asciiOnly(file) {
  const text = readFileSync(file, "utf8");
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

const cliOptions = {
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  // A native module with a prebuilt binary per system: installed beside the tool by npm, loaded at run time.
  external: ["sharp"],
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "info",
  treeShaking: true,
  minify: false,
  legalComments: "none",
  // Started by dist/cli.cjs (below), which keeps V8's compiled code of it between runs. It
  // compiles the bundle as a vm.Script, where import() needs a loader that Node 20 calls
  // experimental (and warns about on stderr): every import() becomes a require().
  supported: { "dynamic-import": false },
  outfile: "dist/cli-main.cjs",
  // The same two steps as the plugin's: every run of the tool that uploads compiles and
  // initialises the S3 SDK it holds, and without them that is every S3 command and schema.
  // About a sixth less of the bundle, and about 40 ms less CPU for a run of 200 uploads.
  plugins: [s3OwnModules, foldSchemaKeys, cliOnlySdkParts],
};

/** The `s3-image-hosting` command itself (package.json's `bin`): loads dist/cli-main.cjs. */
const cliLauncherOptions = {
  banner: { js: "#!/usr/bin/env node" },
  entryPoints: ["src/cli/launch.ts"],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "info",
  legalComments: "none",
  outfile: "dist/cli.cjs",
};

/**
 * The plugin must run on Obsidian mobile, where neither Node nor Electron exists: fail the
 * build if anything in main.js would load one of their modules.
 */
function assertNoNodeModules(file) {
  const text = readFileSync(file, "utf8");
  const banned = new Set([...nodeBuiltins, "electron"]);
  const found = new Set();
  for (const m of text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)) {
    if (banned.has(m[1])) found.add(m[1]);
  }
  if (found.size > 0) {
    console.error(`${file} requires Node/Electron modules: ${[...found].join(", ")}`);
    process.exit(1);
  }
}

/** dist/cli.cjs runs the tool's bundle as a vm.Script, which has no loader for import(). */
function assertNoDynamicImport(file) {
  if (/\bimport\(/.test(readFileSync(file, "utf8"))) {
    console.error(`${file} calls import(), which dist/cli.cjs cannot run: make it a require() (the build's "dynamic-import" setting).`);
    process.exit(1);
  }
}

/**
 * A community plugin ships as one main.js, which Obsidian downloads and parses on every
 * start: the build fails when it grows past this size rather than let it creep.
 */
const MAIN_JS_LIMIT = 450_000;

function assertSize(file, limit) {
  const size = statSync(file).size;
  if (size > limit) {
    console.error(
      `${file} is ${size} bytes, over its limit of ${limit}. Load less on the plugin's path, or move code only the command-line tool uses out of it.`,
    );
    process.exit(1);
  }
}

// Imported by a test (which builds parts of the plugin with the same options): build nothing.
const runAsScript = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);

if (runAsScript && prod) {
  await assertSchemaFoldKeepsValues();
  await esbuild.build(pluginOptions);
  assertNoNodeModules("main.js");
  assertSize("main.js", MAIN_JS_LIMIT);
  await esbuild.build(cliOptions);
  assertNoDynamicImport(cliOptions.outfile);
  asciiOnly(cliOptions.outfile);
  await esbuild.build(cliLauncherOptions);
  // package.json's `bin` runs this file as a program (`npm link` puts it on the PATH). npm
  // marks it executable only when it links it, and esbuild writes a new file with mode 644,
  // so without this a build into an emptied dist/ would leave the linked command refusing
  // to start ("Permission denied").
  chmodSync(cliLauncherOptions.outfile, 0o755);
} else if (runAsScript) {
  const context = await esbuild.context(pluginOptions);
  await context.watch();
}

// Builds the plugin (main.js, for Obsidian desktop and mobile) and the command-line tool
// (dist/cli.cjs, for Node). `node esbuild.config.mjs production` builds both once;
// without an argument it watches the plugin.
import esbuild from "esbuild";
import process from "node:process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";

const prod = process.argv[2] === "production";
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const pluginOptions = {
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
  outfile: "main.js",
  metafile: true,
};

const cliOptions = {
  banner: { js: "#!/usr/bin/env node" },
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "info",
  treeShaking: true,
  minify: false,
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

if (prod) {
  await esbuild.build(pluginOptions);
  assertNoNodeModules("main.js");
  await esbuild.build(cliOptions);
} else {
  const context = await esbuild.context(pluginOptions);
  await context.watch();
}

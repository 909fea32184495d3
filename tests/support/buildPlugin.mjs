// Builds main.js exactly as `node esbuild.config.mjs production` does, into the file named by
// the first argument, so a test can load the plugin as Obsidian does without touching the
// repository's main.js.
import esbuild from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pluginOptions } from "../../esbuild.config.mjs";

const out = process.argv[2];
if (!out) {
  console.error("usage: node tests/support/buildPlugin.mjs OUTFILE");
  process.exit(2);
}
await esbuild.build({
  ...pluginOptions,
  absWorkingDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."),
  outfile: out,
  minify: true,
  sourcemap: false,
  metafile: false,
  logLevel: "error",
});

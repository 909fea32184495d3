// Builds tests/support/pluginStorageEntry.ts with main.js's build options (browser
// platform, minified, the SDK trimmed as main.js trims it) into the file named by the first
// argument, as CommonJS a Node test can require.
import esbuild from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pluginOptions } from "../../esbuild.config.mjs";

const out = process.argv[2];
if (!out) {
  console.error("usage: node tests/support/buildPluginStorage.mjs OUTFILE");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
await esbuild.build({
  ...pluginOptions,
  absWorkingDir: root,
  entryPoints: [path.join(root, "tests/support/pluginStorageEntry.ts")],
  outfile: out,
  minify: true,
  sourcemap: false,
  metafile: false,
  banner: undefined,
  logLevel: "error",
});

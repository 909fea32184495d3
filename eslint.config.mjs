// Lint: eslint-plugin-obsidianmd's recommended config (ESLint core, type-checked
// typescript-eslint, Obsidian rules), plus the layer rules of the code's architecture.
import { defineConfig } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";
import { builtinModules } from "node:module";

const nodeModules = [...builtinModules.map((m) => `node:${m}`), ...builtinModules];

const layer = (forbidden) => ({
  "no-restricted-imports": ["error", { patterns: forbidden }],
});

const corePure = [
  { group: ["obsidian"], message: "core is pure: no Obsidian API." },
  { group: nodeModules, message: "core is pure: no Node modules." },
  { group: ["@aws-sdk/*", "@smithy/*"], message: "core is pure: the S3 SDK belongs in storage." },
  { group: ["**/storage/**", "**/obsidian/**", "**/cli/**"], message: "core imports nothing of ours outside core." },
];

const markdownEntry = { group: ["**/markdown/*"], message: "Use the markdown scanner through core/markdown (its index.ts) only." };

export default defineConfig([
  { ignores: ["main.js", "dist/**", "node_modules/**", "coverage/**", "tests/**", "scripts/**", "*.cjs", "*.mjs", "versions.json"] },
  ...obsidianmd.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.mjs", "esbuild.config.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // core: pure, and importing nothing of ours outside core. Its folders name the pipeline's
  // steps; the markdown scanner is entered only through markdown/index.ts.
  {
    files: ["src/core/*.ts"],
    rules: layer([...corePure, { group: ["../*"], message: "core imports nothing of ours outside core." }, markdownEntry]),
  },
  {
    files: ["src/core/*/*.ts"],
    ignores: ["src/core/markdown/*.ts"],
    rules: layer([...corePure, { group: ["../../*"], message: "core imports nothing of ours outside core." }, markdownEntry]),
  },
  {
    files: ["src/core/markdown/*.ts"],
    rules: layer([...corePure, { group: ["../../*"], message: "core imports nothing of ours outside core." }]),
  },
  {
    files: ["src/storage/**/*.ts"],
    rules: layer([
      { group: ["obsidian"], message: "storage gets Obsidian's transport injected; it never imports obsidian." },
      { group: nodeModules, message: "storage runs on mobile too: Node's transport lives in cli." },
      { group: ["**/obsidian/**", "**/cli/**"], message: "storage imports only core." },
      markdownEntry,
    ]),
  },
  {
    files: ["src/obsidian/**/*.ts", "src/main.ts"],
    // Obsidian provides its CodeMirror 6 packages at run time (they are external in
    // esbuild.config.mjs); npm installs them as the peer dependencies of `obsidian`.
    settings: { "import/core-modules": ["@codemirror/state", "@codemirror/view"] },
    rules: {
      ...layer([
        { group: nodeModules, message: "The plugin runs on mobile: no Node modules." },
        { group: ["**/cli/**"], message: "obsidian and cli never import each other." },
        markdownEntry,
      ]),
      "obsidianmd/no-nodejs-modules": "error",
    },
  },
  {
    files: ["src/cli/**/*.ts"],
    rules: {
      ...layer([
        { group: ["obsidian"], message: "The command-line tool runs without Obsidian." },
        { group: ["**/obsidian/**"], message: "obsidian and cli never import each other." },
        markdownEntry,
      ]),
      "obsidianmd/no-nodejs-modules": "off",
      "import/no-nodejs-modules": "off",
    },
  },
]);

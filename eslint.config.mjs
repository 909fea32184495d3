// Lint: eslint-plugin-obsidianmd's recommended config (ESLint core, type-checked
// typescript-eslint, Obsidian rules), plus the layer rules of the code's architecture.
import { defineConfig } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";
import globals from "globals";
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

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

// Obsidian's own rules are about code that runs inside Obsidian; tests and scripts run in Node.
const obsidianRulesOff = Object.fromEntries(Object.keys(obsidianmd.rules).map((rule) => [`obsidianmd/${rule}`, "off"]));

const markdownEntry = { group: ["**/markdown/*"], message: "Use the markdown scanner through core/markdown (its index.ts) only." };

export default defineConfig([
  { ignores: ["main.js", "dist/**", "node_modules/**", "coverage/**", "*.cjs", "*.mjs", "versions.json"] },
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
  // Tests and scripts run in Node under jest or from npm scripts. They keep the recommended
  // and type-checked TypeScript rules that catch mistakes (unused names, promises left
  // floating, awaiting a non-promise), but not those about code shipped in the plugin:
  // Obsidian's rules, Node modules, and `any` from JSON.parse and mocks (the no-unsafe-* family).
  {
    files: ["tests/**", "scripts/**"],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      ...obsidianRulesOff,
      "import/no-nodejs-modules": "off",
      // The fakes and the bench load CodeMirror as Obsidian provides it: a peer dependency of `obsidian`.
      "import/no-extraneous-dependencies": "off",
      "no-restricted-globals": "off",
      // Tests of terminal output match control characters on purpose.
      "no-control-regex": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // `expect(obj.method).toHaveBeenCalled()` passes a method unbound on purpose.
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // The fakes copy obsidian.d.ts's signatures, `any` included.
  { files: ["tests/fakes/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  // TypeScript checks names itself (and knows ambient ones such as NodeJS).
  { files: ["tests/**/*.ts", "scripts/**/*.ts"], rules: { "no-undef": "off" } },
  // Plain JavaScript in tests and scripts (jest's setup files, the bench and demo runners) is
  // not part of the TypeScript project, so it gets the untyped rules only.
  {
    files: ["tests/**/*.{cjs,mjs,js}", "scripts/**/*.{cjs,mjs,js}"],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
]);

// Preloaded into the command-line tool by tests (NODE_OPTIONS=--require ...): writes the
// Node built-in modules the process loaded, one per line, to BUILTIN_RECORD_FILE at exit.
const Module = require("node:module");
const fs = require("node:fs");

const loaded = new Set();
const original = Module.prototype.require;
Module.prototype.require = function (id) {
  if (typeof id === "string" && (id.startsWith("node:") || Module.isBuiltin(id))) loaded.add(id.replace(/^node:/, ""));
  return original.apply(this, arguments);
};
process.on("exit", () => {
  fs.writeFileSync(process.env.BUILTIN_RECORD_FILE, [...loaded].sort().join("\n"));
});

/**
 * main.js evaluated as Obsidian evaluates a plugin: its text inside
 * `(function anonymous(require,module,exports){…})` with a `//# sourceURL=plugin:…` line, given
 * to a global eval, and called with a `require` that serves only the modules Obsidian provides.
 */
import * as vm from "node:vm";
import * as cmState from "@codemirror/state";
import * as cmView from "@codemirror/view";
import * as obsidian from "../fakes/obsidian";

/** The modules Obsidian hands to a plugin's `require`: its API (the test double) and the CodeMirror 6 packages of its editor. */
export const OBSIDIAN_MODULES: Readonly<Record<string, unknown>> = { obsidian, "@codemirror/state": cmState, "@codemirror/view": cmView };

/**
 * Evaluates `code` and returns what it exports. A module `modules` does not hold makes
 * `require` throw, as on Obsidian mobile; `required` (when given) collects every id asked for.
 */
export function evaluatePluginSource(
  code: string,
  pluginId: string,
  modules: Readonly<Record<string, unknown>> = OBSIDIAN_MODULES,
  required?: string[],
): Record<string, unknown> {
  const factory = vm.runInThisContext(`(function anonymous(require,module,exports){${code}\n})\n//# sourceURL=plugin:${pluginId}\n`) as (
    r: (id: string) => unknown,
    m: { exports: Record<string, unknown> },
    e: Record<string, unknown>,
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  factory(
    (id) => {
      required?.push(id);
      if (id in modules) return modules[id];
      throw new Error(`main.js required "${id}", which Obsidian does not provide`);
    },
    module,
    module.exports,
  );
  return module.exports;
}

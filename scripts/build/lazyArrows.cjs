// Rewrites the arrow functions at the top level of a bundle as function expressions, so that
// V8 compiles them only when they are first called.
//
// Obsidian evaluates main.js as the body of a function:
//   window.eval("(function anonymous(require,module,exports){" + main.js + "\n})")
// so everything at the top level of main.js is inside a function, and V8 parses an arrow
// function inside another function in full at once (its parser lazily parses only arrows at
// the very top of a script: "consider lazy-parsing inner arrow functions too" in
// src/parsing/parser-base.h). Ordinary function expressions it only pre-parses until called.
//
// A minified esbuild bundle wraps every module that is loaded on first use in an arrow
// (`var init = f(() => { ...module... })`), so without this each start of the plugin parses
// every such module, the S3 SDK included, whether or not it runs.
//
// Arrows shorter than `minLength` characters (64 unless told) stay as they are: parsing one
// in full costs less than the bytes its rewrite adds to the file.
//
// An arrow is rewritten only when nothing in it depends on being an arrow: it must not use
// `this`, `arguments`, `super` or `new.target` (which a function expression would bind
// itself) outside nested functions of its own, nor begin a statement (where `function` would
// start a declaration). Names stay as they were: `var a = function () {}` names the function
// "a" just as `var a = () => {}` does.
"use strict";

const ts = require("typescript");
const vm = require("node:vm");

/** Nodes that give `this`, `arguments`, `super` and `new.target` a meaning of their own. */
function bindsThis(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Whether `node` uses, outside nested functions of its own, anything an arrow takes from around it. */
function usesEnclosingBindings(node) {
  let found = false;
  const visit = (n) => {
    if (found) return;
    if (
      n.kind === ts.SyntaxKind.ThisKeyword ||
      n.kind === ts.SyntaxKind.SuperKeyword ||
      (ts.isIdentifier(n) && n.text === "arguments") ||
      (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.NewKeyword)
    ) {
      found = true;
      return;
    }
    // A class's methods bind `this` themselves, but its field initializers and computed keys
    // are not functions: those are searched like any other code (a class found here keeps
    // the arrow as it is if any of them uses `this`).
    if (bindsThis(n)) return;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

/** Nodes inside which code is not at the top level of the bundle. */
function isFunctionScope(node) {
  return ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node) || ts.isPropertyDeclaration(node);
}

/**
 * The text of `code` with each top-level arrow function that can be, rewritten as a function
 * expression. Throws when V8 cannot compile `code`, or the result, inside the function
 * Obsidian wraps a plugin in.
 *
 * @returns {{ text: string, rewritten: number, kept: number }} `kept`: top-level arrows left as
 *   they were because they depend on being arrows (short ones are counted in neither).
 */
function lazyArrows(code, fileName = "bundle.js", { minLength = 64 } = {}) {
  assertCompiles(code, fileName);
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits = [];
  let kept = 0;
  const visit = (node) => {
    if (ts.isArrowFunction(node)) {
      if (node.end - node.getStart(source) < minLength) return;
      const rewrite = rewriteArrow(node, source);
      if (rewrite) edits.push(rewrite);
      else kept++;
      return; // everything inside it is inside a function
    }
    if (isFunctionScope(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(source);

  let text = "";
  let at = 0;
  for (const e of edits) {
    text += code.slice(at, e.start) + e.text;
    at = e.end;
  }
  text += code.slice(at);
  assertCompiles(text, `${fileName} after rewriting its arrows`);
  return { text, rewritten: edits.length, kept };
}

/** The edit that turns `arrow` into a function expression, or null when it must stay an arrow. */
function rewriteArrow(arrow, source) {
  if (ts.isExpressionStatement(arrow.parent) || usesEnclosingBindings(arrow)) return null;
  const code = source.text;
  const isAsync = (arrow.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  const start = arrow.getStart(source);
  const arrowToken = arrow.equalsGreaterThanToken.getStart(source);
  // `(a, b) =>` keeps its parentheses; `a =>` gets them.
  const paramsFrom = isAsync ? arrow.modifiers[arrow.modifiers.length - 1].end : start;
  let params = code.slice(paramsFrom, arrowToken).trim();
  if (!params.startsWith("(")) params = `(${params})`;
  const body = code.slice(arrow.body.getStart(source), arrow.end);
  const block = ts.isBlock(arrow.body) ? body : `{return ${body}}`;
  return { start, end: arrow.end, text: `${isAsync ? "async " : ""}function${params}${block}` };
}

/** Compiles (never runs) `code` as Obsidian evaluates main.js: the body of a function. */
function assertCompiles(code, what) {
  try {
    new vm.Script(`(function anonymous(require,module,exports){${code}\n})`, { filename: what });
  } catch (e) {
    // Not `instanceof Error`: an error from another realm (a test runner's) would fail it.
    throw new Error(`${what} does not compile: ${typeof e?.message === "string" ? e.message : String(e)}`);
  }
}

module.exports = { lazyArrows };

/**
 * The build step that turns main.js's top-level arrow functions into function expressions
 * (scripts/build/lazyArrows.cjs): what it rewrites, what it must leave, and that the result
 * computes what the original does.
 */
import { evaluatePluginSource } from "../../support/pluginLoader";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS build helper that esbuild.config.mjs loads too
const build = require("../../../scripts/build/lazyArrows.cjs") as {
  lazyArrows: (code: string, fileName?: string, options?: { minLength?: number }) => { text: string; rewritten: number; kept: number };
};

/** Every top-level arrow considered, however short: the examples here are small. */
const lazyArrows = (code: string, fileName?: string) => build.lazyArrows(code, fileName, { minLength: 0 });

/** Evaluates `code` the way Obsidian evaluates main.js (no modules to require) and returns what it exports. */
const evaluate = (code: string) => evaluatePluginSource(code, "lazy-arrows-test", {});

test("an esbuild module wrapper, a const and an async arrow become function expressions", () => {
  const code = [
    `"use strict";var f=(e,t)=>()=>(e&&(t=e(e=0)),t);`,
    `var a,init=f(()=>{a=1});`,
    `var add=(x,y=2)=>x+y;`,
    `var one=e=>({v:e});`,
    `var later=async(x)=>{await null;return x};`,
    `var spread=(...xs)=>xs.length;`,
    `var pick=({a:b},[c])=>b+c;`,
  ].join("");
  const { text, rewritten, kept } = lazyArrows(code);
  expect(text).toBe(
    [
      `"use strict";var f=function(e,t){return ()=>(e&&(t=e(e=0)),t)};`,
      `var a,init=f(function(){a=1});`,
      `var add=function(x,y=2){return x+y};`,
      `var one=function(e){return ({v:e})};`,
      `var later=async function(x){await null;return x};`,
      `var spread=function(...xs){return xs.length};`,
      `var pick=function({a:b},[c]){return b+c};`,
    ].join(""),
  );
  expect({ rewritten, kept }).toEqual({ rewritten: 7, kept: 0 });
});

test("arrows that use this or arguments, or that begin a statement, stay arrows", () => {
  const code = [
    `var a=()=>this;`,
    `var b=()=>arguments.length;`,
    `var c=()=>{return ()=>this.x};`,
    `var d=(x=this)=>x;`,
    `var e=()=>class{y=this.z};`,
    `()=>{};`,
  ].join("\n");
  const { text, rewritten, kept } = lazyArrows(code);
  expect(text).toBe(code);
  expect({ rewritten, kept }).toEqual({ rewritten: 0, kept: 6 });
});

test("this inside a nested function of its own does not keep an arrow", () => {
  const { text } = lazyArrows(`var a=()=>function(){return this};var b=()=>({m(){return arguments.length}});var c=()=>class{m(){return this}};`);
  expect(text).toBe(
    `var a=function(){return function(){return this}};var b=function(){return ({m(){return arguments.length}})};var c=function(){return class{m(){return this}}};`,
  );
});

test("arrows inside functions and class bodies are left alone: only the top level is rewritten", () => {
  const code = `function g(){return()=>1}var o={m(){return()=>2}};class K{f=()=>3;static{var s=()=>4}}var h=()=>()=>5;`;
  const { text, rewritten } = lazyArrows(code);
  expect(text).toBe(`function g(){return()=>1}var o={m(){return()=>2}};class K{f=()=>3;static{var s=()=>4}}var h=function(){return ()=>5};`);
  expect(rewritten).toBe(1);
});

test("the rewritten code computes what the original does", () => {
  const code = [
    `"use strict";var f=(e,t)=>()=>(e&&(t=e(e=0)),t);`,
    `var log=[],a,init=f(()=>{log.push("init");a=40});`,
    `var add=(x,y=2)=>x+y,one=e=>({v:e}),spread=(...xs)=>xs.length,pick=({a:b},[c])=>b+c;`,
    `var named=()=>0,keyed={k:()=>0};`,
    `var later=async(x)=>{await null;return x*2};`,
    `exports.run=()=>{init();init();return [a,add(a),one(7).v,spread(1,2,3),pick({a:1},[2]),log.join(),named.name,keyed.k.name]};`,
    `exports.later=later;`,
  ].join("\n");
  const { text, rewritten } = lazyArrows(code);
  expect(rewritten).toBe(10);
  const before = evaluate(code);
  const after = evaluate(text);
  const expected = [40, 42, 7, 3, 3, "init", "named", "k"];
  expect((before.run as () => unknown)()).toEqual(expected);
  expect((after.run as () => unknown)()).toEqual(expected);
  return expect((after.later as (x: number) => Promise<number>)(21)).resolves.toBe(42);
});

test("by default an arrow shorter than 64 characters stays as it is", () => {
  const long = `a${"+a".repeat(30)}`;
  const code = `var init=f(()=>{x()});var sum=(a)=>${long};`;
  const { text, rewritten } = build.lazyArrows(code);
  expect(text).toBe(`var init=f(()=>{x()});var sum=function(a){return ${long}};`);
  expect(rewritten).toBe(1);
});

test("code V8 cannot compile inside Obsidian's wrapper is refused, with V8's reason", () => {
  expect(() => lazyArrows("var a=()=>{", "broken.js")).toThrow(/^broken\.js does not compile: Unexpected token '\)'$/);
  // TypeScript's parser accepts this; V8 does not.
  expect(() => lazyArrows("let a=1;let a=2;", "twice.js")).toThrow(/^twice\.js does not compile: Identifier 'a' has already been declared$/);
});

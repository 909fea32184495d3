/**
 * Image fields of a note's front matter: YAML between `---` lines or TOML between `+++`
 * lines at the very start. Only as much of YAML and TOML is read as image fields use: keys,
 * nested maps and tables (`header.image`), plain and quoted scalars, flow lists
 * (`[a.png, b.png]`) and block lists (`- a.png`). Anything else (block scalars, anchors,
 * lists of maps) is passed over, never guessed at.
 */

/** How a front matter value is written, which decides how a new value must be quoted. */
export type FrontMatterSyntax = "yaml" | "yaml-flow" | "toml";

/** One value of an image field: its span in the note (quotes included) and its text, unquoted. */
export interface FrontMatterValue {
  start: number;
  end: number;
  value: string;
  syntax: FrontMatterSyntax;
}

interface Line {
  start: number;
  text: string;
}

function linesOf(text: string, from: number, to: number): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let pos = from;
  while (pos < to) {
    re.lastIndex = pos;
    const m = re.exec(text);
    const end = m && m.index < to ? m.index : to;
    lines.push({ start: pos, text: text.slice(pos, end) });
    pos = m && m.index < to ? m.index + m[0].length : to;
  }
  return lines;
}

/** The front matter block at the start of `text`: its body and where the note after it starts. */
export function frontMatterBlock(text: string): { language: "yaml" | "toml"; bodyStart: number; bodyEnd: number; end: number } | null {
  const first = /^(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)/.exec(text);
  if (!first) return null;
  const fence = first[1] === "---" ? "---" : "\\+\\+\\+";
  const close = new RegExp(`(^|\\r\\n|\\r|\\n)${fence}[ \\t]*(?:\\r\\n|\\r|\\n|$)`, "g");
  close.lastIndex = first[0].length - 1;
  const m = close.exec(text);
  if (!m) return null;
  return { language: first[1] === "---" ? "yaml" : "toml", bodyStart: first[0].length, bodyEnd: m.index + m[1].length, end: m.index + m[0].length };
}

/** A YAML scalar starting at `i` of `s`: plain, 'single' or "double" quoted, on one line. */
function yamlScalar(s: string, i: number, flow: boolean): { end: number; value: string } | null {
  const c = s.charAt(i);
  if (c === '"') {
    let j = i + 1;
    while (j < s.length && s.charAt(j) !== '"') j += s.charAt(j) === "\\" ? 2 : 1;
    if (j >= s.length) return null;
    return { end: j + 1, value: s.slice(i + 1, j).replace(/\\(.)/g, (_m, e: string) => ({ n: "\n", t: "\t" })[e] ?? e) };
  }
  if (c === "'") {
    let j = i + 1;
    for (;;) {
      j = s.indexOf("'", j);
      if (j < 0) return null;
      if (s.charAt(j + 1) !== "'") break;
      j += 2;
    }
    return { end: j + 1, value: s.slice(i + 1, j).replace(/''/g, "'") };
  }
  // A plain scalar cannot start with an indicator and ends at ` #` (and, in a flow list, at `,` or `]`).
  if (c === "" || /[-?:,[\]{}#&*!|>'"%@`\s]/.test(c)) return null;
  const stop = flow ? /[ \t]#|[,\]{}]/g : /[ \t]#/g;
  stop.lastIndex = i;
  const m = stop.exec(s);
  const end = i + s.slice(i, m ? m.index : s.length).trimEnd().length;
  return { end, value: s.slice(i, end) };
}

function restIsEmpty(s: string, i: number): boolean {
  return /^[ \t]*(?:#.*)?$/.test(s.slice(i));
}

const YAML_KEY = /^( *)((?:[^\s:#'"?[\]{},&*!|>%@`-]|-(?=\S))(?:[^:\r\n]|:(?![ \t]|$))*?|"[^"\r\n]*"|'[^'\r\n]*')[ \t]*:(?:[ \t]+|$)/;

function yamlValues(text: string, from: number, to: number, wanted: (key: string) => boolean): FrontMatterValue[] {
  const out: FrontMatterValue[] = [];
  const keys: { indent: number; key: string }[] = [];
  const path = (): string => keys.map((k) => k.key).join(".");
  let blockScalarOf = -1;
  const scalar = (line: Line, at: number, flow: boolean): number => {
    const v = yamlScalar(line.text, at, flow);
    if (!v) return -1;
    out.push({ start: line.start + at, end: line.start + v.end, value: v.value, syntax: flow ? "yaml-flow" : "yaml" });
    return v.end;
  };
  for (const line of linesOf(text, from, to)) {
    if (/^[ \t]*(?:#.*)?$/.test(line.text)) continue;
    const indent = /^ */.exec(line.text)?.[0].length ?? 0;
    if (blockScalarOf >= 0) {
      if (indent > blockScalarOf) continue;
      blockScalarOf = -1;
    }
    const item = /^( *)-(?:[ \t]+|$)/.exec(line.text);
    if (item) {
      while (keys.length > 0 && keys[keys.length - 1].indent > indent) keys.pop();
      const at = item[0].length;
      // A list of maps (`- src: a.png`) is not a list of paths.
      if (keys.length > 0 && wanted(path()) && !YAML_KEY.test(line.text.slice(at))) {
        const len = out.length;
        const end = scalar(line, at, false);
        if (end >= 0 && !restIsEmpty(line.text, end)) out.length = len;
      }
      continue;
    }
    const m = YAML_KEY.exec(line.text);
    if (!m) continue;
    while (keys.length > 0 && keys[keys.length - 1].indent >= indent) keys.pop();
    keys.push({ indent, key: /^["']/.test(m[2]) ? m[2].slice(1, -1) : m[2] });
    const at = m[0].length;
    const rest = line.text.slice(at);
    if (/^[|>]/.test(rest)) {
      blockScalarOf = indent;
      continue;
    }
    if (!wanted(path())) continue;
    if (rest.startsWith("[")) {
      const len = out.length;
      let j = at + 1;
      let closed = false;
      for (;;) {
        while (/[ \t]/.test(line.text.charAt(j))) j += 1;
        if (line.text.charAt(j) === "]") {
          closed = restIsEmpty(line.text, j + 1);
          break;
        }
        const end = scalar(line, j, true);
        if (end < 0) break;
        j = end;
        while (/[ \t]/.test(line.text.charAt(j))) j += 1;
        if (line.text.charAt(j) === ",") j += 1;
        else if (line.text.charAt(j) !== "]") break;
      }
      if (!closed) out.length = len;
    } else {
      const len = out.length;
      const end = scalar(line, at, false);
      if (end >= 0 && !restIsEmpty(line.text, end)) out.length = len;
    }
  }
  return out;
}

const TOML_KEY_PART = `(?:[A-Za-z0-9_-]+|"[^"\\r\\n]*"|'[^'\\r\\n]*')`;
const TOML_KEY = `${TOML_KEY_PART}(?:[ \\t]*\\.[ \\t]*${TOML_KEY_PART})*`;
const TOML_TABLE = new RegExp(`^[ \\t]*\\[\\[?[ \\t]*(${TOML_KEY})[ \\t]*\\]\\]?[ \\t]*(?:#.*)?$`);
const TOML_PAIR = new RegExp(`^[ \\t]*(${TOML_KEY})[ \\t]*=[ \\t]*`);

function tomlKey(raw: string): string {
  return [...raw.matchAll(new RegExp(TOML_KEY_PART, "g"))].map((p) => (/^["']/.test(p[0]) ? p[0].slice(1, -1) : p[0])).join(".");
}

/** A TOML string at `i`: "basic" or 'literal', on one line (multi-line strings are not paths). */
function tomlString(s: string, i: number): { end: number; value: string } | null {
  const c = s.charAt(i);
  if ((c !== '"' && c !== "'") || s.startsWith(c.repeat(3), i)) return null;
  let j = i + 1;
  while (j < s.length && s.charAt(j) !== c && s.charAt(j) !== "\n" && s.charAt(j) !== "\r") j += c === '"' && s.charAt(j) === "\\" ? 2 : 1;
  if (s.charAt(j) !== c) return null;
  const inner = s.slice(i + 1, j);
  return { end: j + 1, value: c === "'" ? inner : inner.replace(/\\(.)/g, (_m, e: string) => ({ n: "\n", t: "\t" })[e] ?? e) };
}

function tomlValues(text: string, from: number, to: number, wanted: (key: string) => boolean): FrontMatterValue[] {
  const out: FrontMatterValue[] = [];
  const body = text.slice(0, to);
  let table = "";
  let resumeAt = from;
  for (const line of linesOf(text, from, to)) {
    if (line.start < resumeAt) continue;
    const header = TOML_TABLE.exec(line.text);
    if (header) {
      table = `${tomlKey(header[1])}.`;
      continue;
    }
    const pair = TOML_PAIR.exec(line.text);
    if (!pair || !wanted(table + tomlKey(pair[1]))) continue;
    let j = line.start + pair[0].length;
    if (body.charAt(j) !== "[") {
      const v = tomlString(body, j);
      if (v && restIsEmpty(body.slice(v.end).split(/\r\n|\r|\n/)[0], 0)) out.push({ start: j, end: v.end, value: v.value, syntax: "toml" });
      continue;
    }
    // An array may run over lines, with comments and a trailing comma.
    const len = out.length;
    j += 1;
    for (;;) {
      const skip = /^(?:[ \t\r\n,]|#[^\r\n]*)*/.exec(body.slice(j))?.[0].length ?? 0;
      j += skip;
      if (body.charAt(j) === "]") {
        resumeAt = j + 1;
        break;
      }
      const v = tomlString(body, j);
      if (!v) {
        out.length = len;
        break;
      }
      out.push({ start: j, end: v.end, value: v.value, syntax: "toml" });
      j = v.end;
    }
  }
  return out;
}

/** The values of the `keys` fields in the front matter of `text`. */
export function frontMatterValues(text: string, keys: ReadonlySet<string>): FrontMatterValue[] {
  const block = frontMatterBlock(text);
  if (!block) return [];
  const wanted = (key: string): boolean => keys.has(key);
  return block.language === "yaml" ? yamlValues(text, block.bodyStart, block.bodyEnd, wanted) : tomlValues(text, block.bodyStart, block.bodyEnd, wanted);
}

/**
 * The one value of the top-level field `key` of the front matter of `text`: `undefined` when
 * the field is not there or has no value (`key:` alone, as Obsidian's properties leave a new
 * one), `null` when it is there but is not one plain value (a list, a block scalar, written
 * twice), which a caller must report rather than guess at. YAML values are unquoted; a TOML
 * `true` or `false` is given as its word.
 */
export function frontMatterScalar(text: string, key: string): string | null | undefined {
  const block = frontMatterBlock(text);
  if (!block) return undefined;
  const wanted = (k: string): boolean => k === key;
  const lines = linesOf(text, block.bodyStart, block.bodyEnd);
  if (block.language === "toml") {
    const values = tomlValues(text, block.bodyStart, block.bodyEnd, wanted);
    // Pairs before the first table header are the top level.
    const firstTable = lines.findIndex((l) => TOML_TABLE.test(l.text));
    const top = firstTable < 0 ? lines : lines.slice(0, firstTable);
    const pairs = top.filter((l) => {
      const pair = TOML_PAIR.exec(l.text);
      return pair !== null && tomlKey(pair[1]) === key;
    });
    if (pairs.length === 0) return undefined;
    if (pairs.length > 1) return null;
    if (values.length === 1 && values[0].start >= pairs[0].start && values[0].end <= pairs[0].start + pairs[0].text.length) return values[0].value;
    const bare = /=[ \t]*(true|false)[ \t]*(?:#.*)?$/.exec(pairs[0].text);
    return bare ? bare[1] : null;
  }
  const keyLines = lines.filter((l) => {
    const m = YAML_KEY.exec(l.text);
    return m !== null && m[1] === "" && (/^["']/.test(m[2]) ? m[2].slice(1, -1) : m[2]) === key;
  });
  if (keyLines.length === 0) return undefined;
  if (keyLines.length > 1) return null;
  const line = keyLines[0];
  const values = yamlValues(text, block.bodyStart, block.bodyEnd, wanted);
  const onLine = values.filter((v) => v.start >= line.start && v.end <= line.start + line.text.length);
  if (values.length === 1 && onLine.length === 1 && onLine[0].syntax === "yaml") return onLine[0].value;
  const rest = line.text.slice(YAML_KEY.exec(line.text)?.[0].length ?? line.text.length);
  // `key:` with nothing after it and nothing under it: a field without a value.
  if (values.length === 0 && restIsEmpty(rest, 0)) {
    const after = lines[lines.indexOf(line) + 1];
    if (after === undefined || !/^[ \t]/.test(after.text) || /^[ \t]*(?:#.*)?$/.test(after.text)) return undefined;
  }
  return null;
}

/**
 * A JSON reader that keeps where every value is written, so that a document can be changed
 * by replacing a few spans of its text: the rest keeps its bytes (indentation, key order,
 * number spellings, escapes) exactly as they were.
 */
import type { TextChange } from "../apply/textChanges";

/** A JSON value and the span of its text (`start` inclusive, `end` exclusive, UTF-16 offsets). */
export type JsonSpan =
  | { kind: "object"; start: number; end: number; members: JsonMember[] }
  | { kind: "array"; start: number; end: number; items: JsonSpan[] }
  | {
      kind: "string";
      start: number;
      end: number;
      value: string;
      /** Where each UTF-16 unit of `value` is written (`rawAt[i]`), and `rawAt[value.length]` the closing quote. */
      rawAt: number[];
    }
  | { kind: "literal"; start: number; end: number; value: number | boolean | null };

/** `"key": value` in an object: `start` is the key's opening quote, `end` the end of the value. */
export interface JsonMember {
  key: string;
  start: number;
  /** The end of the key's closing quote. */
  keyEnd: number;
  end: number;
  value: JsonSpan;
}

/** Thrown for text that is not JSON, with the offset where reading stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

// Nesting deeper than any canvas needs is refused, so a hostile file cannot exhaust the stack.
const MAX_DEPTH = 256;

/**
 * Reads `text` as one JSON value (RFC 8259; a leading byte order mark is allowed).
 * @throws JsonSyntaxError when it is not.
 */
export function readJsonSpans(text: string): JsonSpan {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (what: string): never => {
    const line = text.slice(0, at).split("\n").length;
    throw new JsonSyntaxError(`${what} at line ${line}`, at);
  };
  const skipSpace = (): void => {
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      at++;
    }
  };

  const readString = (): JsonSpan & { kind: "string" } => {
    const start = at++;
    let value = "";
    const rawAt: number[] = [];
    for (;;) {
      if (at >= text.length) fail("unfinished string");
      const c = text[at];
      if (c === '"') break;
      if (c.charCodeAt(0) < 0x20) fail("control character in a string");
      if (c !== "\\") {
        rawAt.push(at);
        value += c;
        at++;
        continue;
      }
      const from = at;
      const e = text[at + 1];
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e !== undefined && e in simple) {
        rawAt.push(from);
        value += simple[e];
        at += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
        rawAt.push(from);
        value += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
        at += 6;
      } else {
        fail("bad escape in a string");
      }
    }
    rawAt.push(at);
    at++;
    return { kind: "string", start, end: at, value, rawAt };
  };

  const readValue = (depth: number): JsonSpan => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    skipSpace();
    const start = at;
    const c = text[at];
    if (c === "{") {
      at++;
      const members: JsonMember[] = [];
      skipSpace();
      if (text[at] === "}") return { kind: "object", start, end: ++at, members };
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail("expected a key");
        const key = readString();
        skipSpace();
        if (text[at] !== ":") fail('expected ":"');
        at++;
        const value = readValue(depth + 1);
        members.push({ key: key.value, start: key.start, keyEnd: key.end, end: value.end, value });
        skipSpace();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") return { kind: "object", start, end: ++at, members };
        fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      at++;
      const items: JsonSpan[] = [];
      skipSpace();
      if (text[at] === "]") return { kind: "array", start, end: ++at, items };
      for (;;) {
        items.push(readValue(depth + 1));
        skipSpace();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") return { kind: "array", start, end: ++at, items };
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return readString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 400));
    if (!literal) return fail(at >= text.length ? "unexpected end" : "unexpected character");
    at += literal[0].length;
    const raw = literal[0];
    const value = raw === "true" ? true : raw === "false" ? false : raw === "null" ? null : Number(raw);
    return { kind: "literal", start, end: at, value };
  };

  const root = readValue(0);
  skipSpace();
  if (at < text.length) fail("unexpected text after the end");
  return root;
}

/** The plain value a span holds. */
export function jsonValue(span: JsonSpan): unknown {
  switch (span.kind) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const m of span.members) out[m.key] = jsonValue(m.value);
      return out;
    }
    case "array":
      return span.items.map(jsonValue);
    default:
      return span.value;
  }
}

/** The last member named `key` (as `JSON.parse` keeps the last of duplicate keys), or undefined. */
export function member(span: JsonSpan, key: string): JsonMember | undefined {
  if (span.kind !== "object") return undefined;
  for (let i = span.members.length - 1; i >= 0; i--) if (span.members[i].key === key) return span.members[i];
  return undefined;
}

/**
 * The text a string value is written as, with JSON's own escapes (as `JSON.stringify` writes
 * them, and Obsidian writes canvases with it), without the quotes.
 */
export function jsonStringBody(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Changes to the decoded text of the string `value` (offsets into `value.value`) as changes to
 * the JSON text that holds it: each character of the string is where the reader found it,
 * escapes included, and the inserted text is written with JSON's escapes.
 */
export function changesInString(value: JsonSpan & { kind: "string" }, changes: readonly TextChange[]): TextChange[] {
  return changes.map((c) => ({ from: value.rawAt[c.from], to: value.rawAt[c.to], insert: jsonStringBody(c.insert) }));
}

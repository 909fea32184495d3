/**
 * Object keys from a template such as `img/{year}/{hash:16}.{ext}`.
 *
 * Values that come from outside (file and note names) are cleaned so they can never add
 * path segments, climb out of the template's folder, or put characters in the key that
 * break a link. Literal text in the template is checked by `validateKeyTemplate` instead
 * of being rewritten, so the person sees their own folder names in the bucket.
 */
import { fileStem, lastSegment } from "../paths";
import { cleanFreeText, isInvisible, isLoneSurrogate, UNSAFE_CHARS, utf8Length } from "./keyText";

/**
 * Content-addressed: the same bytes always get the same key, in any month and on any
 * device, so a second paste of an image finds it already in the bucket and the
 * `immutable` cache header is always true. 32 hex digits (128 bits) make collisions
 * between different images practically impossible.
 */
export const DEFAULT_KEY_TEMPLATE = "img/{hash:32}.{ext}";

/** S3's own limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** What a key is rendered from. */
export interface KeyVars {
  /** The time of the upload; rendered in the local time zone, as PicGo does. */
  date: Date;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  /** Lower-case hex MD5 of the bytes; required when the template uses `{md5}`. */
  md5?: string;
  /** Original file name, with or without extension. */
  name: string;
  /** Extension without dot (`png`). */
  ext: string;
  /** Vault-relative path of the note (`Blog/Post.md`). */
  notePath: string;
}

interface TokenSpec {
  description: string;
  /** Longest prefix `{token:N}` may ask for; absent when the token takes no length. */
  maxLength?: number;
}

const TOKENS: Record<string, TokenSpec> = {
  year: { description: "four-digit year" },
  month: { description: "month, 01–12" },
  day: { description: "day of the month, 01–31" },
  hour: { description: "hour, 00–23" },
  minute: { description: "minute, 00–59" },
  second: { description: "second, 00–59" },
  timestamp: { description: "milliseconds since 1970" },
  hash: { description: "SHA-256 of the image; {hash:N} keeps the first N hex digits", maxLength: 64 },
  md5: { description: "MD5 of the image; {md5:N} keeps the first N hex digits", maxLength: 32 },
  name: { description: "original file name without extension" },
  ext: { description: "file extension from the image type, e.g. png" },
  note: { description: "name of the note the image is pasted into" },
};

/** The tokens a key template may use, for help text in the settings. */
export const KEY_TEMPLATE_TOKENS: ReadonlyArray<{ token: string; description: string }> = Object.entries(TOKENS).map(([name, spec]) => ({
  token: `{${name}}`,
  description: spec.description,
}));

/** Tokens that can make keys differ between images; only a long enough hash guarantees it. */
const DISTINGUISHING = new Set(["hash", "md5", "name"]);

/**
 * Fewest hex digits of the SHA-256 that make a template content-addressed. 16 digits are 64
 * bits: among a million images, the chance that any two share a prefix is about 3 in 100
 * million. `{hash:8}` (32 bits) already gives a 1 % chance at ten thousand images, so shorter
 * prefixes are treated like names: two images may meet at one key.
 */
export const CONTENT_ADDRESS_MIN_SHA256_DIGITS = 16;

/**
 * MD5 counts only whole (32 digits): it exists for templates carried over from PicGo, and two
 * different files with one MD5 can be made on purpose, so a prefix of it is not trusted at all.
 */
export const CONTENT_ADDRESS_MIN_MD5_DIGITS = 32;

/** Longest rendering of each token, used to check that a template can fit in a key. */
const FIXED_TOKEN_BYTES: Record<string, number> = { year: 6, timestamp: 16, ext: 16 };
/** Free text from names is capped so one long file name cannot use up the key. */
const FREE_TEXT_MAX_BYTES = 200;

type Part = { kind: "text"; text: string } | { kind: "token"; name: string; length?: number };

interface Parsed {
  parts: Part[];
  errors: string[];
}

function parse(template: string): Parsed {
  const parts: Part[] = [];
  const errors: string[] = [];
  let text = "";
  let at = 0;
  while (at < template.length) {
    const c = template[at];
    if (c === "}") {
      errors.push(`Unbalanced braces in the key template: the } at position ${at + 1} has no opening {.`);
      at++;
      continue;
    }
    if (c !== "{") {
      text += c;
      at++;
      continue;
    }
    const close = template.indexOf("}", at + 1);
    const nextOpen = template.indexOf("{", at + 1);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      errors.push(`Unbalanced braces in the key template: the { at position ${at + 1} has no closing }.`);
      at++;
      continue;
    }
    if (text) parts.push({ kind: "text", text });
    text = "";
    const raw = template.slice(at, close + 1);
    const token = parseToken(raw, errors);
    if (token) parts.push(token);
    at = close + 1;
  }
  if (text) parts.push({ kind: "text", text });
  return { parts, errors };
}

function parseToken(raw: string, errors: string[]): Part | null {
  const body = raw.slice(1, -1);
  const colon = body.indexOf(":");
  const name = colon < 0 ? body : body.slice(0, colon);
  const spec = Object.prototype.hasOwnProperty.call(TOKENS, name) ? TOKENS[name] : undefined;
  if (!spec) {
    const known = KEY_TEMPLATE_TOKENS.map((t) => t.token).join(", ");
    errors.push(`Unknown token ${raw} in the key template. Known tokens: ${known}.`);
    return null;
  }
  if (colon < 0) return { kind: "token", name };
  const arg = body.slice(colon + 1);
  if (spec.maxLength === undefined) {
    errors.push(`${raw} takes no length; use {${name}}.`);
    return null;
  }
  const length = /^\d{1,3}$/.test(arg) ? Number(arg) : NaN;
  if (!(length >= 1 && length <= spec.maxLength)) {
    errors.push(`${raw} needs a length from 1 to ${spec.maxLength}.`);
    return null;
  }
  return { kind: "token", name, length };
}

/**
 * Checks a key template.
 * @returns messages a person can act on; an empty array means the template is valid.
 */
export function validateKeyTemplate(template: string): string[] {
  return [...compile(template).problems];
}

/** A template parsed and checked once: the parts to render, and what is wrong with it. */
interface Compiled {
  parts: Part[];
  problems: string[];
  needsMd5: boolean;
  contentAddressed: boolean;
}

// Every image of a bulk upload is named by the same template, and the settings tab checks
// it on each keystroke: parsing and checking are kept for the few templates last seen.
const compiledTemplates = new Map<string, Compiled>();
const COMPILED_KEPT = 16;

function compile(template: string): Compiled {
  let c = compiledTemplates.get(template);
  if (c === undefined) {
    const { parts, problems } = check(template);
    c = {
      parts,
      problems,
      needsMd5: parts.some((p) => p.kind === "token" && p.name === "md5"),
      contentAddressed: problems.length === 0 && parts.some(addressesContent),
    };
    if (compiledTemplates.size >= COMPILED_KEPT) compiledTemplates.delete(compiledTemplates.keys().next().value as string);
    compiledTemplates.set(template, c);
  }
  return c;
}

function check(template: string): { parts: Part[]; problems: string[] } {
  if (template.trim() === "") {
    return { parts: [], problems: [`The key template is empty. The default is ${DEFAULT_KEY_TEMPLATE}.`] };
  }
  const { parts, errors } = parse(template);
  const literal = parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
  const unsafe = new Set(literal.match(UNSAFE_CHARS)?.filter((c) => c !== "/") ?? []);
  if (unsafe.size > 0) {
    const list = [...unsafe].map((c) => `"${c}"`).join(" ");
    errors.push(`The key template contains ${list}, which break links. Use - or _ instead.`);
  }
  if (/\s/.test(literal) || [...literal].some((ch) => isInvisible(ch) || isLoneSurrogate(ch))) {
    errors.push("The key template contains spaces or invisible characters, which break links. Use - or _ instead.");
  }
  if (template.startsWith("/")) {
    errors.push("The key template must not start with /: keys are relative to the bucket.");
  }
  if (template.endsWith("/")) {
    errors.push("The key template must end with a file name, not with /.");
  }
  if (template.split("/").some((segment) => segment === "." || segment === "..")) {
    errors.push("The key template must not contain . or .. as a folder name.");
  }
  if (errors.length === 0 && !parts.some((p) => p.kind === "token" && DISTINGUISHING.has(p.name))) {
    errors.push(
      `The key template must contain {hash}, {md5} or {name}: without one of them every image gets the same key. ${DEFAULT_KEY_TEMPLATE} gives each image its own.`,
    );
  }
  if (errors.length === 0 && longestRendering(parts) > MAX_KEY_BYTES) {
    errors.push(`The key template is too long: keys are limited to ${MAX_KEY_BYTES} bytes.`);
  }
  return { parts, problems: errors };
}

/**
 * True when `template` gives different images different keys: it holds at least
 * `CONTENT_ADDRESS_MIN_SHA256_DIGITS` digits of the SHA-256 (`{hash}`, `{hash:16}` and longer)
 * or the whole MD5 (`{md5}`, `{md5:32}`). The digits go into the key as they are, so two
 * images with the same names and date get keys that differ where their hashes do; with
 * other names, two keys could only meet if a name spelled out the other image's hash. Such a
 * key can be written without first asking the bucket what is there: whatever is there holds
 * these very bytes. Every other valid template (`{name}`, `{note}`, `{hash:8}`, dates) can
 * give two images one key. False for an invalid template.
 */
export function isContentAddressed(template: string): boolean {
  return compile(template).contentAddressed;
}

function addressesContent(p: Part): boolean {
  if (p.kind !== "token") return false;
  if (p.name === "hash") return (p.length ?? 64) >= CONTENT_ADDRESS_MIN_SHA256_DIGITS;
  if (p.name === "md5") return (p.length ?? 32) >= CONTENT_ADDRESS_MIN_MD5_DIGITS;
  return false;
}

/**
 * What a valid template means for keeping images apart, in words for the settings and the
 * command line; empty for an invalid template (its problems say enough).
 */
export function keyTemplateUniqueness(template: string): string {
  const c = compile(template);
  if (c.problems.length > 0) return "";
  if (c.contentAddressed) return "Each image gets its own key: the key holds the image's hash, so different images never share one.";
  return (
    "Two different images can get the same key with this template: two files named shot.png in different folders, say, or names that differ only in spaces or punctuation. " +
    `The second one is then not uploaded, and a file already in the bucket is only replaced if you allow it. Add {hash} (at least {hash:${CONTENT_ADDRESS_MIN_SHA256_DIGITS}}) to give each image its own key.`
  );
}

/** True when rendering `template` needs the MD5 of the bytes, which costs a JavaScript hash pass. */
export function templateNeedsMd5(template: string): boolean {
  return compile(template).needsMd5;
}

/**
 * Renders an object key. Name-derived values are cleaned (Unicode NFC, control characters
 * dropped, `/` and link-breaking characters and whitespace turned into `-`), so the key
 * always stays under the template's own folder; `//` collapses, `.`/`..` cannot form a
 * folder, and the key fits S3's 1024-byte limit. Non-Latin letters and emoji are kept;
 * the public URL percent-encodes them.
 * @throws Error when the template is invalid (see `validateKeyTemplate`) or `{md5}` is
 *   used without `vars.md5`.
 */
export function renderKey(template: string, vars: KeyVars): string {
  const { parts, problems } = compile(template);
  if (problems.length > 0) throw new Error(problems.join(" "));
  for (let cap = FREE_TEXT_MAX_BYTES; ; cap = Math.floor(cap / 2)) {
    const key = normalizeKey(parts.map((p) => (p.kind === "text" ? p.text : tokenValue(p, vars, cap))).join(""));
    if (utf8Length(key) <= MAX_KEY_BYTES) return key;
    if (cap === 0) throw new Error(`The rendered key is longer than ${MAX_KEY_BYTES} bytes.`);
  }
}

/** Date tokens use local time, as PicGo does: `{day}` is the day on the person's calendar. */
const DATE_VALUES: Record<string, (d: Date) => string> = {
  year: (d) => String(d.getFullYear()),
  month: (d) => pad2(d.getMonth() + 1),
  day: (d) => pad2(d.getDate()),
  hour: (d) => pad2(d.getHours()),
  minute: (d) => pad2(d.getMinutes()),
  second: (d) => pad2(d.getSeconds()),
  timestamp: (d) => String(d.getTime()),
};

function tokenValue(part: { name: string; length?: number }, vars: KeyVars, cap: number): string {
  const date = DATE_VALUES[part.name];
  if (date) return date(vars.date);
  switch (part.name) {
    case "hash":
      return hexPrefix(vars.sha256, 64, part.length, "sha256");
    case "md5":
      return hexPrefix(vars.md5, 32, part.length, "md5");
    case "name":
      return cleanFreeText(fileStem(lastSegment(vars.name)), cap) || "image";
    case "ext":
      return vars.ext
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, FIXED_TOKEN_BYTES.ext);
    case "note":
      return cleanFreeText(lastSegment(vars.notePath).replace(/\.md$/i, ""), cap);
    default:
      throw new Error(`Unknown token {${part.name}}.`);
  }
}

function hexPrefix(value: string | undefined, full: number, length: number | undefined, label: string): string {
  const hex = (value ?? "").toLowerCase();
  if (hex.length !== full || !/^[0-9a-f]*$/.test(hex)) {
    throw new Error(`The key template needs the ${label} of the image as ${full} hex digits.`);
  }
  return hex.slice(0, length ?? full);
}

/** Drops empty segments (so `//` and a leading `/` vanish) and defuses `.` and `..`. */
function normalizeKey(key: string): string {
  return key
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => (segment === "." || segment === ".." ? `${segment}-` : segment))
    .join("/");
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** Upper bound of a rendered key with empty names, to reject templates that cannot fit. */
function longestRendering(parts: Part[]): number {
  return parts.reduce((sum, p) => {
    if (p.kind === "text") return sum + utf8Length(p.text);
    if (p.name === "hash" || p.name === "md5") return sum + (p.length ?? TOKENS[p.name].maxLength ?? 0);
    if (p.name === "name") return sum + "image".length;
    return sum + (FIXED_TOKEN_BYTES[p.name] ?? 2);
  }, 0);
}

/**
 * The folder every key of `template` starts with: its literal text before the first token,
 * up to and including the last `/` (`img/{hash:32}.{ext}` → `img/`). Empty when the template
 * starts with a token or has no folder before one, or is invalid. Listing the bucket under
 * this prefix finds every key the template can give.
 */
export function keyTemplatePrefix(template: string): string {
  const { parts, problems } = compile(template);
  if (problems.length > 0 || parts[0]?.kind !== "text") return "";
  // Normalized as rendered keys are (`a//b/` renders as `a/b/`).
  const folder = normalizeKey(parts[0].text.slice(0, parts[0].text.lastIndexOf("/") + 1));
  return folder === "" ? "" : `${folder}/`;
}

/**
 * The hex digits of the SHA-256 that `template` put into `key`, when the key reads as that
 * template rendered it and the template has a `{hash}` token; otherwise undefined. A
 * download checks the bytes it gets against these digits. Only a key the whole template
 * matches counts, so a key made under another template is not read for digits it never held.
 */
export function sha256PrefixInKey(template: string, key: string): string | undefined {
  const { parts, problems } = compile(template);
  if (problems.length > 0 || !parts.some((p) => p.kind === "token" && p.name === "hash")) return undefined;
  let pattern = "";
  for (const p of parts) {
    if (p.kind === "text") pattern += escapeRegExp(p.text);
    else if (p.name === "hash") pattern += `([0-9a-f]{${p.length ?? 64}})`;
    else if (p.name === "md5") pattern += `[0-9a-f]{${p.length ?? 32}}`;
    else if (p.name in DATE_VALUES) pattern += "[0-9]+";
    else pattern += "[^/]*?";
  }
  const m = new RegExp(`^${pattern}$`).exec(key);
  if (!m) return undefined;
  const digits = m.slice(1).sort((a, b) => b.length - a.length);
  // A template may hold the hash twice; each place must agree with the longest.
  return digits.every((d) => digits[0].startsWith(d)) ? digits[0] : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Moving links to a new address: every image link of a note served under one base URL is
 * made to point under another. Only the base of each URL changes (scheme, host and leading
 * path as written); the key after it, the alt text, titles, size hints and every other byte
 * of the note stay as they are. In a canvas, the links of its text cards (markdown, as in a
 * note) and the address of each web-page card move, as changes to those spans of its JSON.
 */
import { errorText, UploadError } from "../errors";
import { isCanvasPath, readCanvas } from "../canvas/canvasDocument";
import { changesInString, member } from "../canvas/jsonSpans";
import { parseOpenTag, percentDecode, scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import type { TextChange } from "../apply/textChanges";
import { applyTextChanges } from "../apply/textChanges";
import { keysOfTarget, servedBase, type ServedBase } from "./profileLinks";

/** The two addresses of a relink: links under `from` move under `to` (which ends in `/`). */
export interface RelinkBases {
  from: ServedBase;
  to: string;
}

/**
 * Checks the two base URLs a person gave.
 * @throws UploadError `InvalidSettings` when either is not an http(s) URL without query and
 *   fragment, or both are the same address.
 */
export function relinkBases(from: string, to: string): RelinkBases {
  const fromBase = servedBase(from);
  if (!fromBase)
    throw new UploadError(
      "InvalidSettings",
      `"${from}" is not a base URL to move links from.`,
      "Give an http(s) address such as https://old.example.com/images.",
    );
  const toBase = servedBase(to);
  if (!toBase)
    throw new UploadError("InvalidSettings", `"${to}" is not a base URL to move links to.`, "Give an http(s) address such as https://cdn.example.com/images.");
  if (toBase.host === fromBase.host && toBase.path === fromBase.path) {
    throw new UploadError("InvalidSettings", `"${from}" and "${to}" are the same address, so no link would change.`);
  }
  return { from: fromBase, to: `${to.trim().replace(/\/+$/, "")}/` };
}

/** What a relink of one note would do. */
export interface RelinkPlan {
  /** Offsets into the note's text; apply them all or none. */
  changes: TextChange[];
  /** Image links moved (a reference definition used twice moves once and counts twice). */
  links: number;
  /** Links under `from` left as they were, and why. */
  left: { link: string; reason: string }[];
}

/** Plans the relink of one note's text; with `only`, of the links whose keys it accepts. */
export function planRelink(text: string, bases: RelinkBases, options?: ScanOptions, only?: (keys: string[]) => boolean): RelinkPlan {
  const embeds = scanEmbeds(text, options);
  const plan: RelinkPlan = { changes: [], links: 0, left: [] };
  const planned = new Map<number, TextChange>();
  const moved: Embed[] = [];
  for (const e of embeds) {
    if (!e.isRemote) continue;
    const keys = keysOfTarget(e.target, [bases.from]);
    // Links `only` does not accept stay as they are, and are not reported as left.
    if (keys.length === 0 || (only && !only(keys))) continue;
    const span = urlSpan(e);
    const change = planned.get(span.start) ?? writtenBase(text, span, bases);
    if (!change) {
      plan.left.push({
        link: e.raw,
        reason: "the address is written in a way (escapes, character references) that cannot be changed without rewriting the link",
      });
      continue;
    }
    planned.set(span.start, change);
    moved.push(e);
  }
  if (moved.length === 0) return plan;
  const changes = [...planned.values()];
  // The note read after the change must hold the same links, each moved one now under `to`
  // with the same key, and nothing else different.
  const after = scanEmbeds(applyTextChanges(text, changes), options);
  const toBase = servedBase(bases.to) as ServedBase;
  const same = after.length === embeds.length && embeds.every((e, i) => sameLinkAfter(e, after[i], moved.includes(e), bases.from, toBase));
  if (!same) {
    for (const e of moved) plan.left.push({ link: e.raw, reason: "changing its address would change how the note reads around it" });
    return plan;
  }
  plan.changes = changes;
  plan.links = moved.length;
  return plan;
}

/**
 * Plans the relink of a canvas's text: each text card's markdown as a note's, and the address
 * of each web-page card (`type` "link", `url`), all as changes to the canvas's JSON text.
 * @throws UploadError `UnreadableFile` when it is not a canvas (see `readCanvas`).
 */
export function planCanvasRelink(text: string, canvasPath: string, bases: RelinkBases, options?: ScanOptions, only?: (keys: string[]) => boolean): RelinkPlan {
  const plan: RelinkPlan = { changes: [], links: 0, left: [] };
  for (const node of readCanvas(text, canvasPath).nodes) {
    const value = node.type === "text" || node.type === "link" ? member(node.span, node.type === "text" ? "text" : "url")?.value : undefined;
    if (value?.kind !== "string") continue;
    const card = node.type === "text" ? planRelink(value.value, bases, options, only) : planUrlRelink(value.value, bases, only);
    plan.changes.push(...changesInString(value, card.changes));
    plan.links += card.links;
    plan.left.push(...card.left);
  }
  return plan;
}

/** Plans the move of a web-page card's address (as written, percent-encoded or not). */
function planUrlRelink(url: string, bases: RelinkBases, only?: (keys: string[]) => boolean): RelinkPlan {
  const plan: RelinkPlan = { changes: [], links: 0, left: [] };
  const keys = keysOfTarget(percentDecode(url), [bases.from]);
  if (keys.length === 0 || (only && !only(keys))) return plan;
  const change = writtenBase(url, { start: 0, end: url.length }, bases);
  const now = change ? keysOfTarget(percentDecode(applyTextChanges(url, [change])), [servedBase(bases.to) as ServedBase]) : [];
  if (!change || now.length !== keys.length || !keys.every((k, i) => k === now[i])) {
    plan.left.push({ link: url, reason: "the address is written in a way that cannot be changed at its start alone" });
    return plan;
  }
  return { changes: [change], links: 1, left: [] };
}

/** Where in the note the embed's URL is written: its definition, its destination, the `src` of a whole `<img>` tag, or the embed. */
function urlSpan(e: Embed): { start: number; end: number } {
  if (e.definition) return { start: e.definition.start, end: e.definition.end };
  if (e.path) return { start: e.path.start, end: e.path.end };
  if (e.kind === "html" && e.raw.startsWith("<")) {
    // Callout prefixes inside a tag that runs over lines are blanked (offsets kept) so it parses.
    const src = parseOpenTag(e.raw.replace(/\n[ \t>]*/g, (m) => "\n" + " ".repeat(m.length - 1)))?.attributes.find((a) => a.name === "src");
    if (src) return { start: e.start + src.valueStart, end: e.start + src.valueEnd };
  }
  return { start: e.start, end: e.end };
}

function sameLinkAfter(before: Embed, after: Embed, moved: boolean, from: ServedBase, to: ServedBase): boolean {
  if (before.kind !== after.kind || before.alt !== after.alt || before.title !== after.title || before.fragment !== after.fragment) return false;
  if (!moved) return before.target === after.target;
  const keys = keysOfTarget(before.target, [from]);
  const now = keysOfTarget(after.target, [to]);
  return keys.length === now.length && keys.every((k, i) => k === now[i]);
}

/**
 * The change that puts `to` in place of the base as written at the start of the first URL
 * in `span`, or undefined when no URL there starts with the base in a form read as written.
 */
function writtenBase(text: string, span: { start: number; end: number }, bases: RelinkBases): TextChange | undefined {
  const slice = text.slice(span.start, span.end);
  const urlStart = /(?:https?:)?\/\//gi;
  for (let m = urlStart.exec(slice); m !== null; m = urlStart.exec(slice)) {
    const hostStart = m.index + m[0].length;
    const hostEnd = hostStart + (/^[^/?#\s"'<>()\\]*/.exec(slice.slice(hostStart))?.[0].length ?? 0);
    const host = normalizeHost(slice.slice(hostStart, hostEnd), m[0]);
    if (host !== bases.from.host) continue;
    // The shortest written path after the host that reads as the base's path.
    for (let j = hostEnd; j < slice.length; j++) {
      const c = slice[j];
      if (/[\s"'<>()\\?#]/.test(c)) break;
      if (c !== "/") continue;
      const path = slice.slice(hostEnd, j + 1);
      if (percentDecode(path) === bases.from.path) return { from: span.start + m.index, to: span.start + j + 1, insert: bases.to };
      if (path.length > bases.from.path.length * 3) break;
    }
  }
  return undefined;
}

function normalizeHost(written: string, scheme: string): string {
  let host = written.toLowerCase();
  const at = host.lastIndexOf("@");
  if (at >= 0) host = host.slice(at + 1);
  const s = scheme.toLowerCase();
  if (!s.startsWith("http:") && host.endsWith(":443")) host = host.slice(0, -4);
  if (!s.startsWith("https:") && host.endsWith(":80")) host = host.slice(0, -3);
  return host;
}

/** What relinking a set of notes did (or would do). */
export interface RelinkTally {
  /** Notes with at least one link moved. */
  notes: number;
  links: number;
  left: { note: string; link: string; reason: string }[];
  failed: { note: string; reason: string }[];
}

/** The notes as a relink needs them: read, and rewritten atomically (`MigrationPorts.rewriteNote`). */
export interface RelinkPorts {
  readNote(note: string): Promise<string>;
  rewriteNote(note: string, edit: (text: string) => TextChange[]): Promise<void>;
}

/**
 * Plans (or, with `write`, makes) the relink of each note (or canvas), one atomic rewrite per note; with
 * `only`, of the links whose keys it accepts. A note that fails is counted and the rest go on.
 */
export async function relinkEach(
  notes: readonly string[],
  ports: RelinkPorts,
  bases: RelinkBases,
  opts: { write: boolean; scan?: ScanOptions; only?: (keys: string[]) => boolean; reason?: (e: unknown) => string },
): Promise<RelinkTally> {
  const tally: RelinkTally = { notes: 0, links: 0, left: [], failed: [] };
  for (const note of notes) {
    let plan: RelinkPlan | undefined;
    try {
      const planOf = (text: string): RelinkPlan =>
        isCanvasPath(note) ? planCanvasRelink(text, note, bases, opts.scan, opts.only) : planRelink(text, bases, opts.scan, opts.only);
      if (!opts.write) plan = planOf(await ports.readNote(note));
      else
        await ports.rewriteNote(note, (text) => {
          plan = planOf(text);
          return plan.changes;
        });
    } catch (e) {
      tally.failed.push({ note, reason: (opts.reason ?? errorText)(e) });
      continue;
    }
    if (!plan) continue;
    if (plan.links > 0) tally.notes++;
    tally.links += plan.links;
    tally.left.push(...plan.left.map((l) => ({ note, ...l })));
  }
  return tally;
}

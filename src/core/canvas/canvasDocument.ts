/**
 * A canvas (`.canvas`, JSON Canvas 1.0, jsoncanvas.org) as the image pipeline sees it: its
 * nodes, where each is written in the file, and the images they show. A `file` node shows a
 * vault file by its full vault path; a `text` node is a markdown card whose embeds are
 * found by the same scanner as notes. Links, groups and edges hold no local image.
 */
import { UploadError } from "../errors";
import { hasImageExtension } from "../imageExtensions";
import { scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import { JsonSyntaxError, member, readJsonSpans, type JsonSpan } from "./jsonSpans";

/** True for a canvas file's path (by its extension, in any letter case). */
export function isCanvasPath(path: string): boolean {
  return /\.canvas$/i.test(path);
}

/** One node of a canvas: its id and type, and the span of its object in the file's text. */
export interface CanvasNode {
  id: string;
  type: string;
  span: JsonSpan & { kind: "object" };
  /** A file node's vault path. */
  file?: string;
  /** A text node's markdown. */
  text?: string;
}

export interface CanvasDocument {
  nodes: CanvasNode[];
}

/**
 * Reads a canvas. Nodes without a string `id` and `type` are left out (no change can be
 * made to them); a node whose id is used twice is left out too, since a change addressed
 * to that id could land on either.
 * @throws UploadError `UnreadableFile` when the text is not JSON or not a canvas (`nodes` not a list).
 */
export function readCanvas(text: string, canvasPath: string): CanvasDocument {
  let root: JsonSpan;
  try {
    root = readJsonSpans(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw notACanvas(canvasPath, `it is not valid JSON (${e.message})`);
  }
  if (root.kind !== "object") throw notACanvas(canvasPath, "it is not a JSON object");
  const list = member(root, "nodes")?.value;
  if (list === undefined) return { nodes: [] };
  if (list.kind !== "array") throw notACanvas(canvasPath, 'its "nodes" is not a list');
  const nodes: CanvasNode[] = [];
  const seen = new Map<string, number>();
  for (const span of list.items) {
    if (span.kind !== "object") continue;
    const id = stringAt(span, "id");
    const type = stringAt(span, "type");
    if (id === undefined || type === undefined) continue;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const node: CanvasNode = { id, type, span };
    const file = stringAt(span, "file");
    if (type === "file" && file !== undefined) node.file = file;
    const text = stringAt(span, "text");
    if (type === "text" && text !== undefined) node.text = text;
    nodes.push(node);
  }
  return { nodes: nodes.filter((n) => seen.get(n.id) === 1) };
}

function stringAt(span: JsonSpan, key: string): string | undefined {
  const value = member(span, key)?.value;
  return value?.kind === "string" ? value.value : undefined;
}

function notACanvas(canvasPath: string, why: string): UploadError {
  return new UploadError("UnreadableFile", `The canvas "${canvasPath}" could not be read: ${why}; it was left as it was.`);
}

/**
 * An image a canvas shows: a file node of an image (`embed` is absent), or an embed in the
 * markdown of a text node (offsets into that node's text).
 */
export type CanvasImage = { node: string; kind: "file"; path: string } | { node: string; kind: "text"; embed: Embed };

/**
 * The images of a canvas in node order: file nodes whose file has an image extension, and
 * every embed the scanner finds in text nodes (local or remote; the caller decides which
 * it wants, as for notes).
 */
export function canvasImages(doc: CanvasDocument, scan?: ScanOptions): CanvasImage[] {
  const out: CanvasImage[] = [];
  for (const node of doc.nodes) {
    if (node.file !== undefined && hasImageExtension(node.file)) out.push({ node: node.id, kind: "file", path: node.file });
    if (node.text !== undefined) for (const embed of scanEmbeds(node.text, scan)) out.push({ node: node.id, kind: "text", embed });
  }
  return out;
}

/**
 * Every string a canvas holds (paths, markdown, labels, unknown fields), decoded and one per
 * line, for a search for a file's name that JSON escapes must not hide; the text as it is
 * when it is not JSON.
 */
export function canvasStrings(text: string): string {
  let root: JsonSpan;
  try {
    root = readJsonSpans(text);
  } catch {
    return text;
  }
  const out: string[] = [];
  const walk = (span: JsonSpan): void => {
    if (span.kind === "string") out.push(span.value);
    else if (span.kind === "array") span.items.forEach(walk);
    else if (span.kind === "object")
      for (const m of span.members) {
        out.push(m.key);
        walk(m.value);
      }
  };
  walk(root);
  return out.join("\n");
}

/**
 * What a canvas shows as markdown, one text per node, for searches that read notes as
 * markdown (which notes link which objects of a bucket): each text card's markdown, and a web
 * page node's URL as an image of that URL, since it shows what is at that address.
 * @throws UploadError `UnreadableFile` as `readCanvas` does.
 */
export function canvasMarkdown(text: string, canvasPath: string): string[] {
  const out: string[] = [];
  for (const node of readCanvas(text, canvasPath).nodes) {
    if (node.text !== undefined) out.push(node.text);
    const url = node.type === "link" ? member(node.span, "url")?.value : undefined;
    if (url?.kind === "string") out.push(`![](<${url.value.replace(/[<>\n]/g, encodeURIComponent)}>)`);
  }
  return out;
}

/**
 * The apply step for a canvas: uploaded images written into the canvas file, one atomic
 * rewrite, as changes to spans of its JSON text so that every other byte (the other nodes,
 * their order, the edges, indentation, unknown fields) stays as it was.
 *
 * A file node showing an uploaded image becomes a text node (a markdown card) holding the
 * image's markdown link, which Obsidian renders as the image; a link node would show the URL
 * as a web page in a frame instead. The node keeps its id, so edges to it stay valid, and
 * its position, size, colour and any field this code does not know; only `type` changes,
 * `file` becomes `text`, and `subpath`, which means nothing for an image, goes. An embed in
 * a text node's markdown is rewritten as in a note. The way back (an image downloaded into
 * the vault) makes a card that holds nothing but the image's link a file node again.
 */
import { rewriteEmbed } from "../link/embedLink";
import type { LinkStyle } from "../link/linkWriter";
import type { Embed, ScanOptions } from "../markdown";
import { linkChanges, NoteShifts, plannedReplacements, recordShifts, type LinkOutcome } from "../apply/writeLinks";
import type { TextChange } from "../apply/textChanges";
import { readCanvas, type CanvasNode, type CanvasImage } from "./canvasDocument";
import { changesInString, jsonStringBody, member, type JsonMember } from "./jsonSpans";

/** An image of a canvas (as `canvasImages` found it) and the URL its file now has. */
export interface CanvasUploadedLink {
  image: CanvasImage;
  url: string;
  /** For a text node's link: the whole text that takes its place, as `UploadedLink.replacement`. */
  replacement?: string;
  /**
   * For a text node's link: the vault file the node shows instead, as a file node, when its
   * text is nothing but this link (otherwise `replacement` is written).
   */
  file?: string;
}

/** What earlier rewrites did to the text of each text node, so a later batch finds its links. */
export class CanvasShifts {
  private readonly byNode = new Map<string, NoteShifts>();

  of(node: string): NoteShifts {
    let shifts = this.byNode.get(node);
    if (!shifts) {
      shifts = new NoteShifts();
      this.byNode.set(node, shifts);
    }
    return shifts;
  }
}

/**
 * The stand-in embed of a file node, for the link writer and for reports: a wiki embed of
 * the node's vault path (`raw` is the path as the node holds it).
 */
export function fileNodeEmbed(path: string): Embed {
  return { kind: "wiki", start: 0, end: path.length, raw: path, target: path, alt: "", isRemote: false };
}

/** The markdown a file node's text becomes once its image is at `url`: `![name](url)`. */
export function fileNodeMarkdown(path: string, url: string, style?: LinkStyle): string {
  return rewriteEmbed(fileNodeEmbed(path), url, style);
}

/**
 * Rewrites `links` in one atomic rewrite of the canvas and says, link by link, what became of
 * it: "rewritten"; "changed" when the node is gone, is no longer the same file, or its text no
 * longer holds the link where it was (the canvas was edited meanwhile), or when the canvas no
 * longer reads as one; "unreadable" as for notes. `canvasPath` names it in errors.
 * Rejects when `rewrite` does.
 */
export async function writeCanvasLinks(
  canvasPath: string,
  links: CanvasUploadedLink[],
  shifts: CanvasShifts,
  rewrite: (edit: (text: string) => TextChange[]) => Promise<void>,
  options?: ScanOptions,
  style?: LinkStyle,
): Promise<LinkOutcome[]> {
  // Text links grouped by node, each with its planned replacement.
  const textLinks = new Map<string, { at: number[]; links: { embed: Embed; url: string; replacement?: string; file?: string }[] }>();
  links.forEach((l, i) => {
    if (l.image.kind !== "text") return;
    let group = textLinks.get(l.image.node);
    if (!group) textLinks.set(l.image.node, (group = { at: [], links: [] }));
    group.at.push(i);
    group.links.push({ embed: l.image.embed, url: l.url, replacement: l.replacement, file: l.file });
  });
  const planned = new Map([...textLinks].map(([node, g]) => [node, plannedReplacements(g.links, shifts.of(node), options, style)]));
  let outcome: LinkOutcome[] = links.map(() => "changed");

  await rewrite((text) => {
    outcome = links.map(() => "changed");
    let nodes: Map<string, CanvasNode>;
    try {
      nodes = new Map(readCanvas(text, canvasPath).nodes.map((n) => [n.id, n]));
    } catch {
      return [];
    }
    const changes: TextChange[] = [];
    links.forEach((l, i) => {
      if (l.image.kind !== "file") return;
      const node = nodes.get(l.image.node);
      if (node?.type !== "file" || node.file !== l.image.path) return;
      const made = swapCard(node, "text", fileNodeMarkdown(l.image.path, l.url, style));
      if (made === null) return;
      changes.push(...made);
      outcome[i] = "rewritten";
    });
    for (const [id, group] of textLinks) {
      const node = nodes.get(id);
      const value = node?.type === "text" ? member(node.span, "text")?.value : undefined;
      if (!node || value?.kind !== "string") continue;
      const only = group.links.length === 1 ? group.links[0] : undefined;
      const asFile = only?.file !== undefined && value.value === only.embed.raw ? swapCard(node, "file", only.file) : null;
      if (asFile) {
        changes.push(...asFile);
        outcome[group.at[0]] = "rewritten";
        continue;
      }
      const made = linkChanges(value.value, planned.get(id) ?? [], options);
      group.at.forEach((linkAt, k) => (outcome[linkAt] = made.outcome[k]));
      changes.push(...changesInString(value, made.changes));
    }
    return changes;
  });

  for (const [id, group] of textLinks) {
    recordShifts(
      group.links,
      planned.get(id) ?? [],
      group.at.map((i) => outcome[i]),
      shifts.of(id),
    );
  }
  return outcome;
}

/**
 * The changes that make a file node a text node holding `value` (`to` "text"), or a text node
 * a file node of the vault path `value` (`to` "file"): the `type` value, the member `file`
 * renamed `text` (or back) with `value` as its value, and `subpath` removed. Null when the
 * node already has a member named `to`, which this would duplicate, or repeats a key this
 * changes: which of the two a reader keeps is not for this code to guess.
 */
function swapCard(node: CanvasNode, to: "text" | "file", value: string): TextChange[] | null {
  const members = node.span.members;
  const from = to === "text" ? "file" : "text";
  const type = member(node.span, "type");
  const old = member(node.span, from);
  const count = (key: string): number => members.filter((m) => m.key === key).length;
  if (!type || !old || member(node.span, to) || count("type") > 1 || count(from) > 1 || count("subpath") > 1) return null;
  const changes: TextChange[] = [
    { from: type.value.start, to: type.value.end, insert: `"${to}"` },
    { from: old.start, to: old.keyEnd, insert: `"${to}"` },
    { from: old.value.start, to: old.value.end, insert: `"${jsonStringBody(value)}"` },
  ];
  const subpath = member(node.span, "subpath");
  if (subpath) changes.push(removal(members, subpath));
  return changes;
}

/** The change that removes member `m` and one comma next to it, keeping the object valid. */
function removal(members: readonly JsonMember[], m: JsonMember): TextChange {
  const i = members.indexOf(m);
  if (i > 0) return { from: members[i - 1].end, to: m.end, insert: "" };
  if (members.length > 1) return { from: m.start, to: members[1].start, insert: "" };
  return { from: m.start, to: m.end, insert: "" };
}

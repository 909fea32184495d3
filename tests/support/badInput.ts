/**
 * Checks shared by the bad-input and concurrent-use tests: that what a person reads is plain
 * words, and that a link the plugin or the tool wrote is one image whose address serves
 * exactly the uploaded bytes.
 */
import * as zlib from "node:zlib";
import { scanEmbeds, type Embed } from "../../src/core/markdown";
import { anonymousGet } from "./s3";

/**
 * File names people really have, each with what makes it awkward somewhere: spaces and
 * parentheses (markdown destinations), `#` (URL fragment, Obsidian heading link), `%`
 * (percent-encoding), brackets (markdown link text), CJK and Japanese letters and fullwidth
 * punctuation (non-ASCII keys), emoji (astral code points).
 */
export const AWKWARD_NAMES = [
  "my screenshot (1).png",
  "shot #1.png",
  "100% done.png",
  "[draft] v2.png",
  "截图（1）2026.png",
  "スクリーンショット 2026-01-01.png",
  "🎉 party 🎈.png",
];

/**
 * A name whose Unicode forms differ, each way round: a file named decomposed (NFD, as macOS
 * names files) linked composed (NFC, as most keyboards type it), and the reverse. Each case
 * is [what, the form the files are named in, the form the note links them in].
 */
export const UNICODE_FORM_CASES: [string, string, string][] = [
  ["a file named in NFD, linked in NFC", "Cafe\u0301", "Caf\u00e9"],
  ["a file named in NFC, linked in NFD", "Caf\u00e9", "Cafe\u0301"],
];

/**
 * A note linking two images by the name `linkForm` (a wiki embed with a size, and a markdown
 * image in a folder of that name), and the files named `fileForm` it is meant to find.
 */
export function unicodeFormVault(
  fileForm: string,
  linkForm: string,
  photo: Uint8Array,
  menu: Uint8Array,
): { note: string; files: Record<string, string | Uint8Array> } {
  const note = `# ${linkForm} au lait\n\n![[${linkForm}.png|300]]\n![${linkForm}](Menus/${linkForm}/carte.png)\n`;
  return { note, files: { "N.md": note, [`${fileForm}.png`]: photo, [`Menus/${fileForm}/carte.png`]: menu } };
}

/**
 * A note of unfinished markdown around one real embed (`good.png`): unclosed brackets, empty
 * starts, an embed that the broken text around it would take in once rewritten (`my shot.png`),
 * and a fence that never closes over a second `good.png`.
 */
export const UNFINISHED_MARKDOWN_NOTE = [
  "Unclosed [bracket and ![alt without end and a lone ]] and )",
  "An empty start ![]( and a wiki start ![[ and a stray <img src=",
  "A link that broken markdown around it would swallow: ![](![[my shot.png|shot]])",
  "![[good.png]]",
  "",
  "```",
  "a fence that never closes ![[good.png]]",
  "",
].join("\n");

/** Asserts each message reads as plain words: no stack trace, no error class prefix, no unfilled value. */
export function expectPlainWords(messages: readonly string[]): void {
  for (const message of messages) {
    expect({
      message,
      stackLine: /^\s+at\s/m.test(message),
      errorPrefix: /^\s*[A-Za-z]*Error:/m.test(message),
      objectText: message.includes("[object Object]"),
      unfilled: /\b(?:undefined|NaN)\b/.test(message),
    }).toEqual({ message, stackLine: false, errorPrefix: false, objectText: false, unfilled: false });
  }
}

/** The destination of a markdown image as written (`<…>` removed); the image has no title. */
function writtenDestination(raw: string): string {
  const dest = raw.slice(raw.lastIndexOf("](") + 2, -1);
  return dest.startsWith("<") && dest.endsWith(">") ? dest.slice(1, -1) : dest;
}

/**
 * Asserts that `text` holds exactly one image, a markdown image with a remote destination,
 * and that the destination as written is a plain ASCII URL the scanner reads back (decoded)
 * as the embed's target. Returns the embed and the written URL.
 */
export function oneImageIn(text: string): { embed: Embed; url: string } {
  const embeds = scanEmbeds(text);
  expect(embeds.map((e) => e.raw)).toHaveLength(1);
  const embed = embeds[0];
  expect({ kind: embed.kind, isRemote: embed.isRemote }).toEqual({ kind: "markdown", isRemote: true });
  const url = writtenDestination(embed.raw);
  expect(url).toMatch(/^https?:\/\/[\x21-\x7e]+$/);
  expect(embed.target).toBe(decodeURIComponent(url));
  return { embed, url };
}

/** Asserts that an anonymous GET of `url` answers 200 with exactly `bytes`, typed as `type`. */
export async function expectServes(url: string, bytes: Uint8Array, type = "image/png"): Promise<void> {
  const got = await anonymousGet(url);
  expect({ url, status: got.status, type: got.headers["content-type"], same: Buffer.compare(got.body, Buffer.from(bytes)) === 0 }).toEqual({
    url,
    status: 200,
    type,
    same: true,
  });
}

/**
 * A valid PNG padded to at least `size` bytes by a public ancillary chunk no decoder knows
 * (decoders skip it; metadata removal keeps it, since it is not private), before IEND.
 */
export function paddedPng(png: Uint8Array, size: number): Uint8Array {
  const extra = size - png.length - 12;
  if (extra < 0) return png;
  const iend = png.length - 12;
  const body = Buffer.concat([Buffer.from("pADd", "ascii"), Buffer.alloc(extra)]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(extra);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return new Uint8Array(Buffer.concat([png.subarray(0, iend), head, body, crc, png.subarray(iend)]));
}

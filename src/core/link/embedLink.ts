/**
 * The link text that replaces an embed once its image is hosted: what the user wrote is
 * kept (alt text, title, `|300` size hint, `#fragment`), only the destination changes.
 */
import { scanEmbeds, type Embed } from "../markdown";
import { parseOpenTag } from "../markdown";
import { readableRewrites } from "../apply/readability";
import type { Replacement } from "../apply/replacements";
import { altTextFromName, escapeAltText, markdownImage, percentEncode } from "./markdownLink";

function escapeAttribute(s: string): string {
  return [...s]
    .map((ch) => ((ch.codePointAt(0) ?? 0) <= 0x20 || ch === "\x7f" ? percentEncode(ch) : ch))
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function sizeHint(e: Embed): string | undefined {
  if (!e.size) return undefined;
  const pipe = e.raw.includes("\\|") ? "\\|" : "|";
  return `${pipe}${e.size.width}${e.size.height !== undefined ? `x${e.size.height}` : ""}`;
}

/**
 * Puts `href` in place of the `src` value of an `<img>` tag, keeping every other byte.
 * The tag may run over lines inside a callout, where each line starts with `> `; those
 * prefixes are blanked in a copy (offsets unchanged) so the attributes parse.
 */
function replaceImgSrc(raw: string, href: string): string | null {
  const last = raw.length - 1;
  const parseable = raw.replace(/\n[ \t>]*/g, (m, at: number) => {
    const keep = at + m.length - 1 === last ? 1 : 0;
    return "\n" + " ".repeat(m.length - 1 - keep) + (keep ? ">" : "");
  });
  const src = parseOpenTag(parseable)?.attributes.find((a) => a.name === "src");
  if (!src) return null;
  return `${raw.slice(0, src.valueStart)}"${escapeAttribute(href)}"${raw.slice(src.valueEnd)}`;
}

/**
 * The link that replaces embed `e` once its file lives at `url`, written by `markdownImage`
 * like every other link.
 *
 * - Markdown `![alt|300](a.png "t")` → `![alt|300](url "t")`: alt text kept as written
 *   (line breaks become spaces so a callout keeps its `> ` prefixes), title kept.
 * - Reference `![alt][ref]` → `![alt](url "title")` with the definition's title. The
 *   definition stays: other links may still use it, and an unused one renders nothing.
 * - Wiki `![[folder/My shot.png|300]]` → `![My shot|300](url)`: the display text, or else
 *   the alt text a pasted file of that name gets (`altTextFromName`). `|300x200` stays; a
 *   `\|` written inside a table stays `\|`.
 * - HTML `<img …>` stays a tag with only `src` replaced.
 *
 * A `#fragment` is appended to the URL in every case.
 * @throws UploadError `MalformedLink` when the URL is not an absolute http(s) URL.
 */
export function rewriteEmbed(e: Embed, url: string): string {
  const href = e.fragment !== undefined ? `${url}#${e.fragment}` : url;
  switch (e.kind) {
    case "html":
      return replaceImgSrc(e.raw, href) ?? `<img src="${escapeAttribute(href)}">`;
    case "wiki": {
      const alt = e.alt !== "" ? escapeAltText(e.alt) : altTextFromName(e.target);
      return markdownImage(alt, href, { sizeHint: sizeHint(e) });
    }
    default:
      return markdownImage(e.alt, href, { title: e.title });
  }
}

/**
 * Scans `text` and plans one replacement per embed that `urlFor` gives a URL; embeds it
 * returns undefined for are left alone, and so are those that unfinished markdown around
 * them would take in once rewritten (see `readableRewrites`). Feed the result to
 * `applyReplacements`.
 */
export function planEmbedRewrites(text: string, urlFor: (e: Embed) => string | undefined): Replacement[] {
  const embeds = scanEmbeds(text);
  const reps: Replacement[] = [];
  for (const e of embeds) {
    const url = urlFor(e);
    if (url !== undefined) reps.push({ start: e.start, end: e.end, expected: e.raw, replacement: rewriteEmbed(e, url) });
  }
  return readableRewrites(text, embeds, reps).kept;
}

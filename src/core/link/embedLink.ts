/**
 * The link text that replaces an embed once its image is hosted: what the user wrote is
 * kept (alt text, title, `|300` size hint, `#fragment`), only the destination changes.
 */
import { parseOpenTag, scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import { readableRewrites } from "../apply/readability";
import type { Replacement } from "../apply/replacements";
import { attributeValue, escapeAttribute, frontMatterValue, hexoArgument, hexoAssetTag, hugoParameter, srcsetUrl } from "./formLinks";
import { altTextFromName, escapeAltText, imageDestination, markdownDestination, markdownImage } from "./markdownLink";

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

/** `e.raw` with its `path` span replaced by `replacement`. */
function replacePath(e: Embed & { path: { start: number; end: number } }, replacement: string): string {
  return e.raw.slice(0, e.path.start - e.start) + replacement + e.raw.slice(e.path.end - e.start);
}

/**
 * The link that replaces embed `e` once its file lives at `url`. Only the path changes:
 * alt text, titles, attributes, quotes and line breaks stay byte for byte.
 *
 * - Markdown `![alt|300](a.png "t")` → `![alt|300](url "t")`: only the destination is
 *   replaced, so an alt text that runs over lines (in a callout, with its `> `) is kept.
 * - Reference `![alt][ref]` → `![alt](url "title")` with the definition's title. The
 *   definition stays: other links may still use it, and an unused one renders nothing.
 * - Wiki `![[folder/My shot.png|300]]` → `![My shot|300](url)`: the display text, or else
 *   the alt text a pasted file of that name gets (`altTextFromName`). `|300x200` stays; a
 *   `\|` written inside a table stays `\|`.
 * - HTML `<img …>` stays a tag with only `src` replaced; a `src` or `srcset` candidate on
 *   its own is replaced in its quotes.
 * - Front matter values keep their quotes (see `frontMatterValue`); Hexo and Hugo tags keep
 *   every other argument (see `hexoAssetTag`); a Liquid expression is replaced whole.
 *
 * A `#fragment` is appended to the URL in every case.
 * @throws UploadError `MalformedLink` when the URL is not an absolute http(s) URL.
 */
export function rewriteEmbed(e: Embed, url: string): string {
  const href = e.fragment !== undefined ? `${url}#${e.fragment}` : url;
  const path = e.path;
  switch (e.kind) {
    case "html":
      if (!e.raw.startsWith("<")) return attributeValue(e.raw, href);
      return replaceImgSrc(e.raw, href) ?? `<img src="${escapeAttribute(href)}">`;
    case "srcset":
      return srcsetUrl(href);
    case "wiki": {
      const alt = e.alt !== "" ? escapeAltText(e.alt) : altTextFromName(e.target);
      return markdownImage(alt, href, { sizeHint: sizeHint(e) });
    }
    case "front-matter":
      return frontMatterValue(e.raw, href, e.syntax ?? "yaml");
    case "hexo-asset":
      return hexoAssetTag(e, href);
    case "hexo-img":
      return hexoArgument(e.raw, href);
    case "hugo-figure":
      return hugoParameter(e.raw, href);
    case "markdown":
      return path ? replacePath({ ...e, path }, markdownDestination(href)) : markdownImage(e.alt, href, { title: e.title });
    case "reference":
      return path ? replacePath({ ...e, path }, `]${imageDestination(href, e.title)}`) : markdownImage(e.alt, href, { title: e.title });
  }
}

/**
 * Scans `text` and plans one replacement per embed that `urlFor` gives a URL; embeds it
 * returns undefined for are left alone, and so are those that unfinished markdown around
 * them would take in once rewritten (see `readableRewrites`). `options` says which forms
 * are read, as for `scanEmbeds`. Feed the result to
 * `applyReplacements`.
 */
export function planEmbedRewrites(text: string, urlFor: (e: Embed) => string | undefined, options?: ScanOptions): Replacement[] {
  const embeds = scanEmbeds(text, options);
  const reps: Replacement[] = [];
  for (const e of embeds) {
    const url = urlFor(e);
    if (url !== undefined) reps.push({ start: e.start, end: e.end, expected: e.raw, replacement: rewriteEmbed(e, url) });
  }
  return readableRewrites(text, embeds, reps, options).kept;
}

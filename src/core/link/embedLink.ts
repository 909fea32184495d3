/**
 * The link text that replaces an embed once its image is hosted: what the user wrote is
 * kept (alt text, title, `|300` size hint, `#fragment`), only the destination changes; a
 * local image we make a link for is written in the chosen link format (see `linkWriter.ts`).
 */
import { parseOpenTag, scanEmbeds, unescapeMarkdown, type Embed, type ScanOptions } from "../markdown";
import { readableRewrites } from "../apply/readability";
import type { Replacement } from "../apply/replacements";
import { attributeValue, escapeAttribute, frontMatterValue, hexoArgument, hexoAssetTag, hugoParameter, srcsetUrl } from "./formLinks";
import { DEFAULT_LINK_STYLE, writeImageLink, type LinkStyle } from "./linkWriter";
import { altTextFromName, imageDestination, markdownDestination, markdownImage } from "./markdownLink";

/**
 * Whether a rewrite of `e` makes a new link in the chosen link format: a wiki embed, or a
 * markdown or reference image of a local file. Every other form (HTML, front matter, blog
 * tags, and web images being re-hosted) keeps its form and changes only its URL.
 */
export function takesLinkFormat(e: Embed): boolean {
  return e.kind === "wiki" || ((e.kind === "markdown" || e.kind === "reference") && !e.isRemote);
}

/** The alt text of a markdown or reference image as plain text: on one line, without its size hint or escapes. */
function plainAlt(e: Embed): string {
  let alt = e.alt.replace(/[ \t]*(?:\r\n|\r|\n)[ \t>]*/g, " ");
  if (e.size) alt = /^\s*\d+(?:\s*x\s*\d+)?\s*$/.test(alt) ? "" : alt.replace(/\s*\\?\|\s*\d+(?:\s*x\s*\d+)?\s*$/, "");
  return unescapeMarkdown(alt);
}

/** An embed's image as the link writer takes it. */
function newLink(e: Embed, url: string, alt: string): Parameters<typeof writeImageLink>[0] {
  return { url, name: e.target, alt, width: e.size?.width, height: e.size?.height, title: e.title, inTable: e.raw.includes("\\|") };
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
 * The link that replaces embed `e` once its file lives at `url`. In the markdown format only
 * the path changes: alt text, titles, attributes, quotes and line breaks stay byte for byte.
 * In the html and custom formats (`style`), a local image's wiki, markdown or reference
 * link becomes the format's link (see `takesLinkFormat` and `writeImageLink`); every other
 * form changes as below.
 *
 * - Markdown `![alt|300](a.png "t")` → `![alt|300](url "t")`: only the destination is
 *   replaced, so an alt text that runs over lines (in a callout, with its `> `) is kept. An
 *   empty alt text of a local image becomes the one a pasted file of that name gets.
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
export function rewriteEmbed(e: Embed, url: string, style: LinkStyle = DEFAULT_LINK_STYLE): string {
  const href = e.fragment !== undefined ? `${url}#${e.fragment}` : url;
  const path = e.path;
  if (style.format !== "markdown" && takesLinkFormat(e)) return writeImageLink(newLink(e, href, e.kind === "wiki" ? e.alt : plainAlt(e)), style);
  switch (e.kind) {
    case "html":
      if (!e.raw.startsWith("<")) return attributeValue(e.raw, href);
      return replaceImgSrc(e.raw, href) ?? `<img src="${escapeAttribute(href)}">`;
    case "srcset":
      return srcsetUrl(href);
    case "wiki":
      return writeImageLink(newLink(e, href, e.alt), style);
    case "front-matter":
      return frontMatterValue(e.raw, href, e.syntax ?? "yaml");
    case "hexo-asset":
      return hexoAssetTag(e, href);
    case "hexo-img":
      return hexoArgument(e.raw, href);
    case "hugo-figure":
      return hugoParameter(e.raw, href);
    case "markdown": {
      if (!path) return markdownImage(e.alt, href, { title: e.title });
      const link = replacePath({ ...e, path }, markdownDestination(href));
      return e.alt === "" && !e.isRemote ? `![${altTextFromName(e.target)}${link.slice(2)}` : link;
    }
    case "reference":
      return path ? replacePath({ ...e, path }, `]${imageDestination(href, e.title)}`) : markdownImage(e.alt, href, { title: e.title });
  }
}

/**
 * The replacement of embed `e` by its link to `url` (`rewriteEmbed`), marked `loose` when it
 * is a custom template's link that does not read back as one image.
 */
export function embedReplacement(e: Embed, url: string, style: LinkStyle = DEFAULT_LINK_STYLE, options?: ScanOptions): Replacement {
  const replacement = rewriteEmbed(e, url, style);
  const rep: Replacement = { start: e.start, end: e.end, expected: e.raw, replacement };
  if (style.format === "custom" && takesLinkFormat(e)) {
    const back = scanEmbeds(replacement, options);
    if (back.length !== 1 || back[0].start !== 0 || back[0].end !== replacement.length) rep.loose = true;
  }
  return rep;
}

/**
 * Scans `text` and plans one replacement per embed that `urlFor` gives a URL; embeds it
 * returns undefined for are left alone, and so are those that unfinished markdown around
 * them would take in once rewritten (see `readableRewrites`). `options` says which forms
 * are read, as for `scanEmbeds`; `style` how new links are written. Feed the result to
 * `applyReplacements`.
 */
export function planEmbedRewrites(text: string, urlFor: (e: Embed) => string | undefined, options?: ScanOptions, style?: LinkStyle): Replacement[] {
  const embeds = scanEmbeds(text, options);
  const reps: Replacement[] = [];
  for (const e of embeds) {
    const url = urlFor(e);
    if (url !== undefined) reps.push(embedReplacement(e, url, style, options));
  }
  return readableRewrites(text, embeds, reps, options).kept;
}

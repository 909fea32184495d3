/**
 * What the scanner reports: one image a note embeds, with exact offsets so a caller can
 * rewrite just that span.
 */
import type { FrontMatterSyntax } from "./frontMatter";

/**
 * The form an image is written in:
 * - `markdown` `![alt](path "title")`, `reference` `![alt][ref]`, `wiki` `![[path|300]]`;
 * - `html` an `<img src>` (the whole tag, or only the `src` value when the tag has a `srcset`);
 * - `srcset` one candidate URL of an `<img srcset>` or `<source srcset>`;
 * - `front-matter` a value of an image field in YAML or TOML front matter;
 * - `hexo-asset` `{% asset_img slug %}`, `{% asset_image %}` or `{% asset_path slug %}`: the
 *   slug names a file in the post's asset folder (`source/_posts/p/` for `source/_posts/p.md`);
 * - `hexo-img` the path argument of `{% img /path %}`;
 * - `hugo-figure` the `src` of a `{{< figure >}}` shortcode.
 */
export type EmbedKind = "markdown" | "reference" | "wiki" | "html" | "srcset" | "front-matter" | "hexo-asset" | "hexo-img" | "hugo-figure";

/** Width and optional height in pixels, from `|300`, `|300x200` or `width`/`height` attributes. */
export interface EmbedSize {
  width: number;
  height?: number;
}

export interface Embed {
  kind: EmbedKind;
  /** UTF-16 offsets of the whole embed in the note: `text.slice(start, end) === raw`. */
  start: number;
  end: number;
  /**
   * The embed as written; for reference style only the `![alt][ref]` usage; for forms that
   * sit inside a larger construct (srcset candidates, front matter values, `src` of a figure
   * or of an `<img>` with a `srcset`, the path of `{% img %}`) only the value, quotes included.
   */
  raw: string;
  /**
   * The destination, decoded: escapes, character references and `%XX` resolved, `<>` and
   * quotes removed, `#fragment` split off for local paths. Wiki embeds: the link path as
   * written. Hexo asset tags: the slug as written. Liquid: the site-absolute path.
   */
  target: string;
  /**
   * Markdown and reference style: the alt text as written between the brackets, size
   * suffix included (`Engelbart|100`), so a rewrite can keep it byte for byte. Wiki: the
   * display text unless it is only a size. HTML: the decoded `alt` attribute.
   */
  alt: string;
  title?: string;
  size?: EmbedSize;
  /** The part after `#` of a wiki embed or of a local markdown/HTML destination. */
  fragment?: string;
  /** A URL (`https:`, `data:`, any scheme) or a protocol-relative `//host` link. */
  isRemote: boolean;
  /** Reference style: the `[ref]: dest` definition this usage resolved to. */
  definition?: { start: number; end: number; raw: string; label: string };
  /**
   * Note offsets of what a rewrite replaces inside the embed: the destination of a markdown
   * image (`<>` included), the `][ref]` after a reference image's alt text, the slug of a
   * Hexo asset tag. Absent when the rewrite replaces the whole embed.
   */
  path?: { start: number; end: number };
  /** The path was written through Liquid (`{{ site.baseurl }}/…`, `| relative_url`); a rewrite replaces the whole expression. */
  liquid?: boolean;
  /** Front matter: how the value is written, which decides how a new value is quoted. */
  syntax?: FrontMatterSyntax;
}

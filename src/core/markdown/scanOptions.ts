/**
 * Which forms of image a scan reads. A site engine decides what a note can hold: Obsidian
 * reads markdown, reference, wiki and HTML images; Hexo, Hugo, Jekyll, Next.js and Astro
 * blogs add front matter fields, template tags and Liquid prefixes. A form that the note's
 * renderer does not know is text, not an image, so it is not scanned.
 */

/** A way of writing an image in a note; every `Embed` has one as its `kind`, except `liquid`, which wraps others. */
export type EmbedForm = "markdown" | "reference" | "wiki" | "html" | "srcset" | "front-matter" | "hexo-asset" | "hexo-img" | "hugo-figure" | "liquid";

/** Front matter keys read as images when no other list is given; a dot joins nested YAML maps and TOML tables. */
export const DEFAULT_FRONT_MATTER_KEYS: readonly string[] = [
  "cover",
  "cover_image",
  "coverImage",
  "image",
  "images",
  "thumbnail",
  "banner",
  "featured_image",
  "featuredImage",
  "og_image",
  "ogImage",
  "cover.image",
  "header.image",
  "header.teaser",
  "header.overlay_image",
  "hero",
  "heroImage",
];

/** What Obsidian renders: its own forms plus `srcset` candidates of HTML images. */
export const OBSIDIAN_FORMS: readonly EmbedForm[] = ["markdown", "reference", "wiki", "html", "srcset"];

/** Every form the scanner knows. */
export const ALL_FORMS: readonly EmbedForm[] = [...OBSIDIAN_FORMS, "front-matter", "hexo-asset", "hexo-img", "hugo-figure", "liquid"];

export interface ScanOptions {
  /** The forms to read; the rest are left as text. Default: {@link OBSIDIAN_FORMS}. */
  forms?: readonly EmbedForm[];
  /** Front matter keys read in addition to {@link DEFAULT_FRONT_MATTER_KEYS}. */
  frontMatterKeys?: readonly string[];
}

/** Scan options with every default filled in. */
export interface ScanSettings {
  forms: ReadonlySet<EmbedForm>;
  frontMatterKeys: ReadonlySet<string>;
}

/** Fills in the defaults of `options`. */
export function scanSettings(options: ScanOptions = {}): ScanSettings {
  return {
    forms: new Set(options.forms ?? OBSIDIAN_FORMS),
    frontMatterKeys: new Set([...DEFAULT_FRONT_MATTER_KEYS, ...(options.frontMatterKeys ?? [])]),
  };
}

/**
 * The kinds of folder the tool works on, as data: how each is recognised from its root,
 * where its static files live, which folders are build output and never read, how its
 * relative links resolve, and whether a bare file name may be looked up anywhere.
 *
 * Every rule here is one the site's generator (or Obsidian) applies itself, from its
 * documentation: Hexo serves `source/` and the theme's `source/`, and copies a post's
 * asset folder beside the post; Hugo serves `static/` (and a theme's), publishes a page
 * bundle's resources beside its `index.md`; Jekyll copies every other file of the site root;
 * Next.js and Astro serve `public/` at the site root.
 *
 * Which forms of image a note is scanned for follows what the site's renderer reads: a Hexo
 * tag in a Hugo post is text, so it is not an image there.
 */
import { ALL_FORMS, OBSIDIAN_FORMS, type EmbedForm } from "../markdown";

export type SiteKind = "obsidian" | "hexo" | "hugo" | "jekyll" | "next" | "astro" | "plain";

/** Something at a site's root that tells what the site is. */
export type SiteMarker = { file: string } | { dir: string } | { filePrefix: string };

/** How a relative link (`img/a.png`, `./a.png`, `../a.png`) may find its file. */
export type RelativeRule =
  /** Against the note's own folder, as every Markdown renderer and editor reads it. */
  | "note-folder"
  /** Hexo: `source/_posts/p.md` links `a.png` for `source/_posts/p/a.png` (its post asset folder). */
  | "post-asset-folder"
  /** Against the root of the folder, as Obsidian reads a link that is not `./` or `../`. */
  | "vault-root";

/**
 * Where a relative front matter value (`cover: a.png`) may find its file. Front matter is
 * read by the theme, not the generator, so these follow what the popular themes do:
 * - `site-root`: as a site-absolute path, through the site's static folders: Hexo themes pass
 *   it to `url_for` (Butterfly, Icarus), Hugo's PaperMod to `absURL`, Jekyll's minimal-mistakes
 *   to `absolute_url`, all of which read it from the site root;
 * - `note-folder`: against the note's folder (a Hugo page bundle: PaperMod looks the cover up
 *   among the bundle's resources; Astro's `image()` schema reads it beside the entry);
 * - `post-asset-folder`: Hexo's `source/_posts/p/` for `p.md`.
 * `guess` marks a reading that no documented rule of the generator or of those themes makes.
 */
export interface FrontMatterRule {
  rule: "site-root" | "note-folder" | "post-asset-folder";
  guess: boolean;
}

export interface SiteType {
  kind: SiteKind;
  /** The name a person knows it by. */
  name: string;
  /** Recognised when every marker of one of these sets is at the root. */
  markers: readonly (readonly SiteMarker[])[];
  /** Files at the root the settings (`theme`, `post_asset_folder`) are read from, first found wins. */
  configFiles: readonly string[];
  /**
   * Folders (relative to the root, `""` for the root itself) a site-absolute link `/x` is
   * looked up under, in tiers of the generator's precedence: the first tier holding the file
   * wins (the site's own `static/` over its theme's); two files in one tier are ambiguous.
   */
  staticRoots(settings: SiteSettings): string[][];
  /** Folders the generator writes its output to: never read, never scanned for notes. */
  buildOutputs: readonly string[];
  /** The rules relative links resolve by; the files they find must agree, or the link is ambiguous. */
  relative: readonly RelativeRule[];
  /** Whether a link may find its file by name alone, anywhere (Obsidian's shortest-path rule). */
  nameOnly: boolean;
  /** What a relative link found beside its note is called for this kind (`page-bundle` for Hugo's `index.md`). */
  besideNote(notePath: string): "relative" | "page-bundle" | "co-located";
  /** The forms of image its notes are scanned for. */
  forms: readonly EmbedForm[];
  /** How a relative front matter value finds its file; two readings finding two files make it ambiguous. */
  frontMatter: readonly FrontMatterRule[];
}

/** What a site's configuration says that changes where files are found. */
export interface SiteSettings {
  /** Themes in use, first has precedence (Hexo has one; Hugo may list several). */
  themes: string[];
  /** Hexo's `post_asset_folder: true`. */
  postAssetFolder: boolean;
}

const relative = (): "relative" => "relative";

/** In the order detection tries them: the first whose markers are all there wins. */
export const SITE_TYPES: readonly SiteType[] = [
  {
    kind: "hexo",
    name: "Hexo site",
    markers: [[{ file: "_config.yml" }, { dir: "source" }]],
    configFiles: ["_config.yml"],
    staticRoots: (s) => [["source"], ...s.themes.map((t) => [`themes/${t}/source`])],
    buildOutputs: ["public"],
    relative: ["note-folder", "post-asset-folder"],
    nameOnly: false,
    besideNote: relative,
    forms: ["markdown", "reference", "html", "srcset", "front-matter", "hexo-asset", "hexo-img"],
    frontMatter: [
      { rule: "site-root", guess: false },
      { rule: "post-asset-folder", guess: true },
    ],
  },
  {
    kind: "hugo",
    name: "Hugo site",
    markers: [
      [{ file: "hugo.toml" }],
      [{ file: "hugo.yaml" }],
      [{ file: "hugo.json" }],
      [{ file: "config.toml" }, { dir: "content" }],
      [{ file: "config.yaml" }, { dir: "content" }],
    ],
    configFiles: ["hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml"],
    staticRoots: (s) => [["static"], ["assets"], ...s.themes.map((t) => [`themes/${t}/static`]), ...s.themes.map((t) => [`themes/${t}/assets`])],
    buildOutputs: ["public", "resources/_gen"],
    relative: ["note-folder"],
    nameOnly: false,
    besideNote: (note) => (/(^|\/)_?index\.md$/i.test(note) ? "page-bundle" : "relative"),
    forms: ["markdown", "reference", "html", "srcset", "front-matter", "hugo-figure"],
    frontMatter: [
      { rule: "note-folder", guess: false },
      { rule: "site-root", guess: false },
    ],
  },
  {
    kind: "jekyll",
    name: "Jekyll site",
    markers: [[{ file: "_config.yml" }, { dir: "_posts" }]],
    configFiles: ["_config.yml"],
    staticRoots: () => [[""]],
    buildOutputs: ["_site"],
    relative: ["note-folder"],
    nameOnly: false,
    besideNote: relative,
    forms: ["markdown", "reference", "html", "srcset", "front-matter", "liquid"],
    frontMatter: [{ rule: "site-root", guess: false }],
  },
  {
    kind: "next",
    name: "Next.js site",
    markers: [[{ filePrefix: "next.config." }]],
    configFiles: [],
    staticRoots: () => [["public"]],
    buildOutputs: ["out", ".next"],
    relative: ["note-folder"],
    nameOnly: false,
    besideNote: () => "co-located",
    forms: ["markdown", "reference", "html", "srcset", "front-matter"],
    frontMatter: [
      { rule: "note-folder", guess: true },
      { rule: "site-root", guess: true },
    ],
  },
  {
    kind: "astro",
    name: "Astro site",
    markers: [[{ filePrefix: "astro.config." }]],
    configFiles: [],
    staticRoots: () => [["public"]],
    buildOutputs: ["dist"],
    relative: ["note-folder"],
    nameOnly: false,
    besideNote: () => "co-located",
    forms: ["markdown", "reference", "html", "srcset", "front-matter"],
    frontMatter: [{ rule: "note-folder", guess: false }],
  },
  {
    kind: "obsidian",
    name: "Obsidian vault",
    markers: [[{ dir: ".obsidian" }]],
    configFiles: [],
    staticRoots: () => [[""]],
    buildOutputs: [],
    relative: ["vault-root", "note-folder"],
    nameOnly: true,
    besideNote: relative,
    forms: OBSIDIAN_FORMS,
    frontMatter: [],
  },
  {
    kind: "plain",
    name: "folder of notes",
    markers: [[]],
    configFiles: [],
    staticRoots: () => [[""]],
    buildOutputs: [],
    relative: ["note-folder", "vault-root"],
    nameOnly: false,
    besideNote: relative,
    forms: ALL_FORMS,
    frontMatter: [
      { rule: "note-folder", guess: false },
      { rule: "site-root", guess: false },
    ],
  },
];

export const SITE_KINDS: readonly SiteKind[] = SITE_TYPES.map((t) => t.kind);

/** The site type of `kind`. */
export function siteType(kind: SiteKind): SiteType {
  const found = SITE_TYPES.find((t) => t.kind === kind);
  if (!found) throw new Error(`no site type ${kind}`);
  return found;
}

/** Whether a root-relative path is inside one of the site's build-output folders. */
export function inBuildOutput(site: SiteType, path: string): boolean {
  return site.buildOutputs.some((out) => path === out || path.startsWith(`${out}/`));
}

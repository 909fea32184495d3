/**
 * Link resolution by a site's own rules (see `siteTypes.ts`), over a fixed list of the
 * site's files (root-relative, `/`-separated).
 *
 * - A site-absolute link `/x` is looked up under the site's static roots, tier by tier
 *   (`source/` before the theme's `source/` for Hexo); nothing else, so a stale copy in build
 *   output is never taken. Matching nothing is a `MissingFile` naming the folders tried.
 * - A relative link is looked up by each of the site's relative rules (the note's folder;
 *   for Hexo also the post's asset folder; for a plain folder also the root). When two rules
 *   find two different files, the link is ambiguous: the resolver never picks one.
 * - An Obsidian vault resolves as Obsidian does (`VaultPathIndex`, with its name-only
 *   lookup), which refuses a link that several files match equally well.
 * - Files in build output are not there as far as links go.
 *
 * A link is tried as written and percent-decoded; a file whose name differs only in its
 * Unicode form (NFC/NFD) is found too, and two such files make the link ambiguous.
 *
 * The form a link is written in changes where it looks (given the embed):
 * - Hexo's `{% asset_img slug %}` / `{% asset_path slug %}` name a file of the post's asset
 *   folder and nothing else (`source/_posts/p/slug` for `source/_posts/p.md`), as written;
 * - a Liquid path (`{{ site.baseurl }}/x`, `{{ "/x" | relative_url }}`) is site-absolute;
 * - a Hugo `figure`'s `src` is looked up as Hugo's figure shortcode does: a resource of the
 *   page, then a global resource (`assets/`), then as it is written (`static/` for `/x`);
 * - a relative front matter value by the site's front matter rules (`siteTypes.ts`).
 */
import { UploadError } from "../errors";
import { percentDecode, type Embed } from "../markdown";
import { ambiguousLinkError, equallyGoodError, VaultPathIndex } from "../migrate/vaultPathIndex";
import { folderOf, joinPath } from "../paths";
import { inBuildOutput, type SiteSettings, type SiteType } from "./siteTypes";

/** How a link found its file; see `isGuess` for which of these are guesses. */
export type LinkRule =
  /** The path the link spells, from the vault root or the note (Obsidian's own rule). */
  | "path"
  /** Against the note's folder. */
  | "relative"
  /** Hugo: a resource beside its page bundle's `index.md`. */
  | "page-bundle"
  /** Next.js, Astro: an image kept beside the page that imports it. */
  | "co-located"
  /** Hexo: `p.md` → `p/<file>`. */
  | "post-asset-folder"
  /** `/x` → a static root's `x`. */
  | "static-root"
  /** `/x` or `x` → the root's `x`, in a plain folder. */
  | "site-root"
  /** By the file name alone, anywhere in an Obsidian vault. */
  | "name-only";

export interface ResolvedLink {
  /** Root-relative path of the file. */
  path: string;
  rule: LinkRule;
  /**
   * The site's generator would not be sure to serve this file for this link: it was found by
   * name alone, or by Hexo's post asset folder while `_config.yml` does not turn it on.
   */
  guess: boolean;
}

export interface SiteResolverOptions {
  settings: SiteSettings;
  /** Folders (root-relative) that replace the site's static roots, one tier each, in order. */
  staticDirs?: readonly string[];
  /** Told to the person when a site-absolute link matches nothing (how to name other static roots). */
  staticHint?: string;
  /** Told to the person when only a name-only lookup, which this site does not do, would find the file. */
  nameOnlyHint?: string;
}

export class SiteResolver {
  private readonly files = new Set<string>();
  /** NFC path → the paths spelled that way once composed. */
  private readonly composed = new Map<string, string[]>();
  /** Build-output files, only to say why a link did not find them. */
  private readonly unpublished = new Set<string>();
  private readonly names: VaultPathIndex;
  private readonly obsidian?: VaultPathIndex;
  private readonly tiers: string[][];

  constructor(
    readonly site: SiteType,
    paths: readonly string[],
    private readonly opts: SiteResolverOptions,
  ) {
    const published: string[] = [];
    for (const p of paths) {
      if (inBuildOutput(site, p)) {
        this.unpublished.add(p);
        continue;
      }
      published.push(p);
      this.files.add(p);
      const nfc = p.normalize("NFC");
      this.composed.set(nfc, [...(this.composed.get(nfc) ?? []), p]);
    }
    for (const same of this.composed.values()) same.sort();
    this.names = new VaultPathIndex(published, { nameOnly: site.nameOnly });
    if (site.kind === "obsidian") this.obsidian = this.names;
    this.tiers = opts.staticDirs !== undefined ? opts.staticDirs.map((d) => [d]) : site.staticRoots(opts.settings);
  }

  /** The folders `/x` links are looked up under, in order. */
  staticRoots(): string[] {
    return this.tiers.flat();
  }

  /**
   * The file `linkpath` (as the note has it, fragment removed) points to from `notePath`,
   * or null when nothing matches.
   * @throws UploadError `AmbiguousLink` when several files fit equally; `MissingFile` with a
   *   hint for a site-absolute link no static root holds, or a name this site does not look up.
   */
  resolve(linkpath: string, notePath: string, embed?: Embed): ResolvedLink | null {
    if (this.obsidian) {
      const hit = this.obsidian.resolveHit(linkpath, notePath);
      return hit === null ? null : { path: hit.path, rule: hit.byName ? "name-only" : "path", guess: hit.byName };
    }
    const link = linkpath.trim();
    if (link === "") return null;
    if (embed?.kind === "hexo-asset") return this.resolveAsset(link, linkpath, notePath);
    const spellings = [...new Set([link, percentDecode(link)])];
    for (const spelling of spellings) {
      let found: ResolvedLink | null;
      if (embed?.kind === "hugo-figure") found = this.resolveFigure(spelling, linkpath, notePath);
      else if (spelling.startsWith("/")) found = this.resolveAbsolute(spelling, linkpath, notePath);
      else if (embed?.kind === "front-matter") found = this.resolveFrontMatter(spelling, linkpath, notePath);
      else found = this.resolveRelative(spelling, linkpath, notePath);
      if (found !== null) return found;
    }
    if (link.startsWith("/")) throw this.notInStaticRoots(linkpath, notePath, spellings);
    if (!link.startsWith("./") && !link.startsWith("../") && this.names.hasNameMatch(link)) {
      throw new UploadError(
        "MissingFile",
        `The image "${linkpath}" linked in "${notePath}" is not at the path the link gives; a file of that name is elsewhere, but in a ${this.site.name} links are not looked up by name alone. The link was left as it was.`,
        this.opts.nameOnlyHint ?? "",
      );
    }
    return null;
  }

  /** The files at `path`: itself, or the files whose name is the same once composed (NFC). */
  private lookup(path: string, linkpath: string, notePath: string): string | null {
    if (this.files.has(path)) return path;
    const same = this.composed.get(path.normalize("NFC")) ?? [];
    if (same.length > 1) throw ambiguousLinkError(linkpath, notePath, same);
    return same[0] ?? null;
  }

  /**
   * A Hexo asset tag's slug: the file of that path in the post's asset folder, as written
   * (Hexo looks the slug up among the post's assets without decoding it). In a folder that
   * is not a Hexo site the same convention is a guess.
   */
  private resolveAsset(slug: string, linkpath: string, notePath: string): ResolvedLink | null {
    const hexo = this.site.kind === "hexo";
    if (hexo && !isHexoPost(notePath)) {
      throw new UploadError(
        "MissingFile",
        `The image "${linkpath}" in "${notePath}" is a Hexo asset tag, which names a file of a post's asset folder, but "${notePath}" is not a post (source/_posts/ or source/_drafts/); the link was left as it was.`,
        "Write the image as a path, {% img /path %} or ![](/path), from the site's source/ folder.",
      );
    }
    const at = joinPath(notePath.replace(/\.[^./]+$/, ""), slug);
    const hit = at === null || at === "" ? null : this.lookup(at, linkpath, notePath);
    return hit === null ? null : { path: hit, rule: "post-asset-folder", guess: !hexo || !this.opts.settings.postAssetFolder };
  }

  /**
   * Hugo's `figure` shortcode: a resource of the page (beside a page bundle's `index.md`), else
   * a global resource (`assets/`), else the path as written, which for `/x` is `static/x`. A
   * site-absolute path found both in `assets/` and in `static/` is ambiguous, since which one
   * Hugo takes depends on how it trims the slash.
   */
  private resolveFigure(link: string, linkpath: string, notePath: string): ResolvedLink | null {
    const assets =
      this.opts.staticDirs === undefined && this.site.kind === "hugo" ? ["assets", ...this.opts.settings.themes.map((t) => `themes/${t}/assets`)] : [];
    if (!link.startsWith("/")) {
      const beside = joinPath(folderOf(notePath), link);
      const hit = beside === null || beside === "" ? null : this.lookup(beside, linkpath, notePath);
      if (hit !== null) return { path: hit, rule: this.site.besideNote(notePath), guess: false };
      for (const root of assets) {
        const at = joinPath(root, link);
        const found = at === null || at === "" ? null : this.lookup(at, linkpath, notePath);
        if (found !== null) return { path: found, rule: "static-root", guess: false };
      }
      return this.site.kind === "hugo" ? null : this.resolveRelative(link, linkpath, notePath);
    }
    const inAssets = assets.map((root) => joinPath(root, link)).find((at) => at !== null && at !== "" && this.lookup(at, linkpath, notePath) !== null);
    const asWritten = this.resolveAbsolute(link, linkpath, notePath);
    const fromAssets = inAssets === undefined ? null : this.lookup(inAssets as string, linkpath, notePath);
    if (fromAssets !== null && asWritten !== null && fromAssets !== asWritten.path) {
      throw equallyGoodError(linkpath, notePath, [fromAssets, asWritten.path], "as a Hugo figure's global resource and as a static file");
    }
    return asWritten ?? (fromAssets === null ? null : { path: fromAssets, rule: "static-root", guess: false });
  }

  /** A relative front matter value, by the site's front matter rules; two rules finding two files make it ambiguous. */
  private resolveFrontMatter(link: string, linkpath: string, notePath: string): ResolvedLink | null {
    const hits = new Map<string, ResolvedLink>();
    for (const { rule, guess } of this.site.frontMatter) {
      let found: ResolvedLink | null = null;
      if (rule === "site-root") {
        const abs = joinPath("", link);
        found = abs === null || abs === "" ? null : this.resolveAbsolute(`/${abs}`, linkpath, notePath);
      } else {
        const at =
          rule === "note-folder" ? joinPath(folderOf(notePath), link) : isHexoPost(notePath) ? joinPath(notePath.replace(/\.[^./]+$/, ""), link) : null;
        const hit = at === null || at === "" ? null : this.lookup(at, linkpath, notePath);
        found = hit === null ? null : { path: hit, rule: rule === "note-folder" ? this.site.besideNote(notePath) : "post-asset-folder", guess: false };
      }
      if (found !== null && !hits.has(found.path)) hits.set(found.path, { ...found, guess: found.guess || guess });
    }
    if (hits.size > 1) {
      throw equallyGoodError(
        linkpath,
        notePath,
        [...hits.keys()],
        `by different readings of a front matter path in a ${this.site.name} (${[...hits.values()].map((h) => h.rule).join(", ")})`,
      );
    }
    for (const hit of hits.values()) return hit;
    return null;
  }

  private resolveAbsolute(link: string, linkpath: string, notePath: string): ResolvedLink | null {
    for (const tier of this.tiers) {
      const hits = new Set<string>();
      for (const root of tier) {
        const at = joinPath(root, link);
        const hit = at === null || at === "" ? null : this.lookup(at, linkpath, notePath);
        if (hit !== null) hits.add(hit);
      }
      if (hits.size > 1) throw equallyGoodError(linkpath, notePath, [...hits], "in static folders of the same precedence");
      for (const hit of hits) return { path: hit, rule: tier.includes("") ? "site-root" : "static-root", guess: false };
    }
    return null;
  }

  private resolveRelative(link: string, linkpath: string, notePath: string): ResolvedLink | null {
    const hits = new Map<string, ResolvedLink>();
    const explicit = link.startsWith("./") || link.startsWith("../");
    for (const rule of this.site.relative) {
      let at: string | null = null;
      let found: Omit<ResolvedLink, "path"> | null = null;
      if (rule === "note-folder") {
        at = joinPath(folderOf(notePath), link);
        found = { rule: this.site.besideNote(notePath), guess: false };
      } else if (rule === "post-asset-folder" && isHexoPost(notePath)) {
        at = joinPath(notePath.replace(/\.[^./]+$/, ""), link);
        found = { rule: "post-asset-folder", guess: !this.opts.settings.postAssetFolder };
      } else if (rule === "vault-root" && !explicit) {
        at = joinPath("", link);
        found = { rule: "site-root", guess: false };
      }
      const hit = at === null || at === "" || found === null ? null : this.lookup(at, linkpath, notePath);
      if (hit !== null && found !== null && !hits.has(hit)) hits.set(hit, { path: hit, ...found });
    }
    if (hits.size > 1)
      throw equallyGoodError(
        linkpath,
        notePath,
        [...hits.keys()],
        `by different rules of a ${this.site.name} (${[...hits.values()].map((h) => h.rule).join(", ")})`,
      );
    for (const hit of hits.values()) return hit;
    return null;
  }

  private notInStaticRoots(linkpath: string, notePath: string, spellings: readonly string[]): UploadError {
    const tried = this.staticRoots().map((root) => joinPath(root, spellings[spellings.length - 1]) ?? root);
    const stale = spellings.map((s) => joinPath("", s)).find((p) => p !== null && [...this.unpublished].some((u) => u.endsWith(`/${p}`)));
    const build = stale ? `; a copy in build output (${this.site.buildOutputs.join(", ")}) is never used` : "";
    const where =
      tried.length === 0
        ? `is not found: no static folder is set`
        : this.tiers.length === 1 && this.tiers[0].length === 1 && this.tiers[0][0] === ""
          ? `is not in this ${this.site.name} (looked for ${tried.join(", ")} from its root)`
          : `is in none of the static folders of this ${this.site.name} (looked for ${tried.join(", ")}${build})`;
    return new UploadError("MissingFile", `The image "${linkpath}" linked in "${notePath}" ${where}; the link was left as it was.`, this.opts.staticHint ?? "");
  }
}

/** A Hexo post or draft, whose asset folder is named after it. */
function isHexoPost(notePath: string): boolean {
  return /^source\/_(posts|drafts)\/.+\.md$/i.test(notePath);
}

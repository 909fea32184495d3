import { UploadError } from "../../../../src/core/errors";
import type { Embed } from "../../../../src/core/markdown";
import { SiteResolver } from "../../../../src/core/sites/siteResolver";
import { siteType, type SiteKind, type SiteSettings } from "../../../../src/core/sites/siteTypes";

const NO_SETTINGS: SiteSettings = { themes: [], postAssetFolder: false };

function resolver(kind: SiteKind, files: string[], settings = NO_SETTINGS, staticDirs?: string[]): SiteResolver {
  return new SiteResolver(siteType(kind), files, { settings, staticDirs, staticHint: "STATIC-HINT", nameOnlyHint: "NAME-HINT" });
}

function refusal(fn: () => unknown): UploadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UploadError) return e;
    throw e;
  }
  throw new Error("no refusal");
}

describe("SiteResolver for Hexo", () => {
  const files = [
    "_config.yml",
    "source/_posts/first-post.md",
    "source/_posts/second-post.md",
    "source/_posts/first-post/1.png",
    "source/_posts/second-post/1.png",
    "source/img/x.png",
    "public/img/x.png",
    "public/img/only-built.png",
    "themes/landscape/source/css/logo.png",
    "source/about/index.md",
    "source/about/me.png",
  ];
  const on = { themes: ["landscape"], postAssetFolder: true };

  it("links each post's own asset, never the other post's file of the same name", () => {
    const r = resolver("hexo", files, on);
    expect(r.resolve("1.png", "source/_posts/first-post.md")).toEqual({ path: "source/_posts/first-post/1.png", rule: "post-asset-folder", guess: false });
    expect(r.resolve("1.png", "source/_posts/second-post.md")).toEqual({ path: "source/_posts/second-post/1.png", rule: "post-asset-folder", guess: false });
  });

  it("calls the post asset folder a guess when _config.yml does not turn it on", () => {
    expect(resolver("hexo", files).resolve("1.png", "source/_posts/first-post.md")).toEqual({
      path: "source/_posts/first-post/1.png",
      rule: "post-asset-folder",
      guess: true,
    });
  });

  it("takes /x from source/, then the theme's source/, never from public/", () => {
    const r = resolver("hexo", files, on);
    expect(r.resolve("/img/x.png", "source/_posts/first-post.md")).toEqual({ path: "source/img/x.png", rule: "static-root", guess: false });
    expect(r.resolve("/css/logo.png", "source/_posts/first-post.md")?.path).toBe("themes/landscape/source/css/logo.png");
    expect(r.staticRoots()).toEqual(["source", "themes/landscape/source"]);
  });

  it("refuses a /x link only build output holds, naming the folders tried and the hint", () => {
    const e = refusal(() => resolver("hexo", files, on).resolve("/img/only-built.png", "source/_posts/first-post.md"));
    expect(e.code).toBe("MissingFile");
    expect(e.message).toBe(
      'The image "/img/only-built.png" linked in "source/_posts/first-post.md" is in none of the static folders of this Hexo site (looked for source/img/only-built.png, themes/landscape/source/img/only-built.png; a copy in build output (public) is never used); the link was left as it was.',
    );
    expect(e.hint).toBe("STATIC-HINT");
  });

  it("resolves a page's relative link beside it, and refuses one that two rules read as two files", () => {
    expect(resolver("hexo", files, on).resolve("me.png", "source/about/index.md")).toEqual({ path: "source/about/me.png", rule: "relative", guess: false });
    const both = resolver("hexo", [...files, "source/_posts/1.png"], on);
    const e = refusal(() => both.resolve("1.png", "source/_posts/first-post.md"));
    expect(e.code).toBe("AmbiguousLink");
    expect(e.message).toContain('"source/_posts/1.png" and "source/_posts/first-post/1.png"');
  });

  it("does not look a bare name up elsewhere, and says why", () => {
    const e = refusal(() => resolver("hexo", files, on).resolve("me.png", "source/_posts/first-post.md"));
    expect(e.code).toBe("MissingFile");
    expect(e.hint).toBe("NAME-HINT");
  });

  it("uses --static-dir folders instead of the site's own", () => {
    const r = resolver("hexo", files, on, ["themes/landscape/source"]);
    expect(() => r.resolve("/img/x.png", "source/_posts/first-post.md")).toThrow(/\(looked for themes\/landscape\/source\/img\/x.png;/);
  });
});

describe("SiteResolver for Hugo, Jekyll, Next.js and Astro", () => {
  it("Hugo: a page bundle's resource, static/ before assets/ and the theme's, never public/ or resources/_gen", () => {
    const r = resolver(
      "hugo",
      [
        "content/posts/trip/index.md",
        "content/posts/trip/map.png",
        "static/a.png",
        "assets/a.png",
        "assets/b.png",
        "themes/t/static/c.png",
        "public/d.png",
        "resources/_gen/images/e.png",
      ],
      {
        themes: ["t"],
        postAssetFolder: false,
      },
    );
    expect(r.resolve("map.png", "content/posts/trip/index.md")).toEqual({ path: "content/posts/trip/map.png", rule: "page-bundle", guess: false });
    expect(r.resolve("/a.png", "content/posts/trip/index.md")?.path).toBe("static/a.png");
    expect(r.resolve("/b.png", "content/posts/trip/index.md")?.path).toBe("assets/b.png");
    expect(r.resolve("/c.png", "content/posts/trip/index.md")?.path).toBe("themes/t/static/c.png");
    expect(() => r.resolve("/d.png", "content/posts/trip/index.md")).toThrow(/none of the static folders of this Hugo site/);
    expect(() => r.resolve("/images/e.png", "content/posts/trip/index.md")).toThrow(/MissingFile|none of the static folders/);
  });

  it("Hugo: a theme's static folder counts only when the config names the theme", () => {
    expect(() => resolver("hugo", ["themes/t/static/c.png", "content/a.md"]).resolve("/c.png", "content/a.md")).toThrow(
      /looked for static\/c.png, assets\/c.png\)/,
    );
  });

  it("Jekyll: /x from the site root, never from _site/", () => {
    const r = resolver("jekyll", ["_posts/2024-01-01-a.md", "assets/a.png", "_site/assets/b.png"]);
    expect(r.resolve("/assets/a.png", "_posts/2024-01-01-a.md")).toEqual({ path: "assets/a.png", rule: "site-root", guess: false });
    expect(() => r.resolve("/assets/b.png", "_posts/2024-01-01-a.md")).toThrow(/is not in this Jekyll site \(looked for assets\/b.png from its root\)/);
  });

  it("Next.js and Astro: /x from public/, co-located images beside the page, never out/, .next/ or dist/", () => {
    const next = resolver("next", ["public/a.png", "out/b.png", ".next/c.png", "posts/p.md", "posts/p.png"]);
    expect(next.resolve("/a.png", "posts/p.md")?.path).toBe("public/a.png");
    expect(next.resolve("./p.png", "posts/p.md")).toEqual({ path: "posts/p.png", rule: "co-located", guess: false });
    expect(() => next.resolve("/b.png", "posts/p.md")).toThrow(/build output \(out, \.next\)/);
    const astro = resolver("astro", ["public/a.png", "dist/a.png", "src/content/blog/p.md", "src/content/blog/img/p.png"]);
    expect(astro.resolve("/a.png", "src/content/blog/p.md")?.path).toBe("public/a.png");
    expect(astro.resolve("img/p.png", "src/content/blog/p.md")?.path).toBe("src/content/blog/img/p.png");
  });
});

describe("SiteResolver for Obsidian vaults and plain folders", () => {
  it("Obsidian: by name alone when one file fits, reported as a guess; refused when two fit equally", () => {
    const r = resolver("obsidian", ["Notes/n.md", "Attachments/a.png", "x/b.png", "y/b.png"]);
    expect(r.resolve("a.png", "Notes/n.md")).toEqual({ path: "Attachments/a.png", rule: "name-only", guess: true });
    expect(r.resolve("Attachments/a.png", "Notes/n.md")).toEqual({ path: "Attachments/a.png", rule: "path", guess: false });
    expect(refusal(() => r.resolve("b.png", "Notes/n.md")).code).toBe("AmbiguousLink");
  });

  it("plain: relative to the note and from the root, never by name alone; two readings of two files are refused", () => {
    const r = resolver("plain", ["posts/p.md", "posts/img/a.png", "img/b.png", "img/a.png", "Attachments/c.png"]);
    expect(r.resolve("img/b.png", "posts/p.md")).toEqual({ path: "img/b.png", rule: "site-root", guess: false });
    expect(r.resolve("/img/b.png", "posts/p.md")).toEqual({ path: "img/b.png", rule: "site-root", guess: false });
    expect(refusal(() => r.resolve("img/a.png", "posts/p.md")).code).toBe("AmbiguousLink");
    expect(r.resolve("./img/a.png", "posts/p.md")?.path).toBe("posts/img/a.png");
    const e = refusal(() => r.resolve("c.png", "posts/p.md"));
    expect([e.code, e.hint]).toEqual(["MissingFile", "NAME-HINT"]);
    expect(r.resolve("nothing.png", "posts/p.md")).toBeNull();
  });

  it("finds a file whose name is spelled in the other Unicode form, percent-encoded or not", () => {
    const nfd = "Cafe\u0301";
    const r = resolver("hexo", [`source/_posts/p/${nfd}.png`, "source/_posts/p.md"], { themes: [], postAssetFolder: true });
    expect(r.resolve("Caf%C3%A9.png", "source/_posts/p.md")?.path).toBe(`source/_posts/p/${nfd}.png`);
    const two = resolver("plain", [`${nfd}.png`, "Caf\u00e9.png", "n.md"]);
    expect(two.resolve(`${nfd}.png`, "n.md")?.path).toBe(`${nfd}.png`);
    expect(two.resolve("Caf\u00e9.png", "n.md")?.path).toBe("Caf\u00e9.png");
    const mixed = resolver("plain", ["R\u00e9sum\u00e9.png", "Re\u0301sume\u0301.png", "n.md"]);
    expect(refusal(() => mixed.resolve("R\u00e9sume\u0301.png", "n.md")).code).toBe("AmbiguousLink");
  });
});

describe("SiteResolver by the form a link is written in", () => {
  const embed = (kind: Embed["kind"], target: string, liquid?: boolean): Embed => ({
    kind,
    start: 0,
    end: 1,
    raw: target,
    target,
    alt: "",
    isRemote: false,
    liquid,
  });
  const hexo = [
    "source/_posts/a.md",
    "source/_posts/b.md",
    "source/_posts/a/1.png",
    "source/_posts/b/1.png",
    "source/about/index.md",
    "source/1.png",
    "source/img/cover.png",
    "source/_posts/a/cover.png",
  ];
  const on = { themes: [], postAssetFolder: true };

  it("finds an asset_img slug in its own post's asset folder only, and calls it a guess when post asset folders are off", () => {
    const r = resolver("hexo", hexo, on);
    expect(r.resolve("1.png", "source/_posts/a.md", embed("hexo-asset", "1.png"))).toEqual({
      path: "source/_posts/a/1.png",
      rule: "post-asset-folder",
      guess: false,
    });
    expect(r.resolve("1.png", "source/_posts/b.md", embed("hexo-asset", "1.png"))).toEqual({
      path: "source/_posts/b/1.png",
      rule: "post-asset-folder",
      guess: false,
    });
    expect(resolver("hexo", hexo).resolve("1.png", "source/_posts/a.md", embed("hexo-asset", "1.png"))?.guess).toBe(true);
    // The site's source/1.png is not an asset of the post, even though a relative link would not find it either.
    expect(r.resolve("2.png", "source/_posts/a.md", embed("hexo-asset", "2.png"))).toBeNull();
  });

  it("refuses an asset tag in a page that is not a post, saying why", () => {
    const e = refusal(() => resolver("hexo", hexo, on).resolve("1.png", "source/about/index.md", embed("hexo-asset", "1.png")));
    expect(e.code).toBe("MissingFile");
    expect(e.message).toContain('"source/about/index.md" is not a post');
  });

  it("reads a relative Hexo cover from source/ as url_for does, and refuses it when the post's asset folder holds another file of that path", () => {
    const r = resolver("hexo", hexo, on);
    expect(r.resolve("img/cover.png", "source/_posts/b.md", embed("front-matter", "img/cover.png"))).toEqual({
      path: "source/img/cover.png",
      rule: "static-root",
      guess: false,
    });
    expect(r.resolve("cover.png", "source/_posts/a.md", embed("front-matter", "cover.png"))).toEqual({
      path: "source/_posts/a/cover.png",
      rule: "post-asset-folder",
      guess: true,
    });
    const both = resolver("hexo", [...hexo, "source/cover.png"], on);
    expect(refusal(() => both.resolve("cover.png", "source/_posts/a.md", embed("front-matter", "cover.png"))).code).toBe("AmbiguousLink");
  });

  it("reads a Liquid path from the Jekyll site root, and a relative front matter value too (absolute_url)", () => {
    const r = resolver("jekyll", ["_posts/2024-01-01-p.md", "assets/a.png", "_posts/assets/a.png"]);
    expect(r.resolve("/assets/a.png", "_posts/2024-01-01-p.md", embed("markdown", "/assets/a.png", true))?.path).toBe("assets/a.png");
    expect(r.resolve("assets/a.png", "_posts/2024-01-01-p.md", embed("front-matter", "assets/a.png"))).toEqual({
      path: "assets/a.png",
      rule: "site-root",
      guess: false,
    });
  });

  it("reads a Hugo figure's src as a page resource, then a global resource in assets/, then static/", () => {
    const files = ["content/p/index.md", "content/p/a.png", "assets/b.png", "static/c.png", "assets/d.png", "static/d.png"];
    const r = resolver("hugo", files);
    const fig = (src: string) => r.resolve(src, "content/p/index.md", embed("hugo-figure", src));
    expect(fig("a.png")).toEqual({ path: "content/p/a.png", rule: "page-bundle", guess: false });
    expect(fig("b.png")).toEqual({ path: "assets/b.png", rule: "static-root", guess: false });
    expect(fig("/c.png")).toEqual({ path: "static/c.png", rule: "static-root", guess: false });
    expect(fig("/b.png")?.path).toBe("assets/b.png");
    expect(refusal(() => fig("/d.png")).code).toBe("AmbiguousLink");
    // A plain markdown link does not look in assets/ by a relative path.
    expect(refusal(() => r.resolve("b.png", "content/p/index.md", embed("markdown", "b.png"))).code).toBe("MissingFile");
  });

  it("reads a Hugo cover from the page bundle or from static/, and refuses it when both hold a file", () => {
    const r = resolver("hugo", ["content/p/index.md", "content/p/cover.png", "static/img/x.png", "content/q/index.md", "content/q/x.png"]);
    expect(r.resolve("cover.png", "content/p/index.md", embed("front-matter", "cover.png"))).toEqual({
      path: "content/p/cover.png",
      rule: "page-bundle",
      guess: false,
    });
    expect(r.resolve("img/x.png", "content/p/index.md", embed("front-matter", "img/x.png"))).toEqual({
      path: "static/img/x.png",
      rule: "static-root",
      guess: false,
    });
    const both = resolver("hugo", ["content/p/index.md", "content/p/img/x.png", "static/img/x.png"]);
    expect(refusal(() => both.resolve("img/x.png", "content/p/index.md", embed("front-matter", "img/x.png"))).code).toBe("AmbiguousLink");
  });
});

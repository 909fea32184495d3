/**
 * One small site per generator, written to a temporary folder, with the traps real blog
 * repositories hold: two posts with an image of the same name, stale build output with
 * other bytes at the paths a link spells, alt text over two lines, notes with CRLF line
 * endings, Chinese file and folder names (linked as written and percent-encoded). Each site
 * says how its generator serves a reference, from the generator's documentation, for the
 * independent check in `siteChecker.ts`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { decoded, folder, normalize, type CheckedSite, type Reference } from "./siteChecker";
import { uniquePng } from "./s3";

export type FixtureKind = "hexo" | "hugo" | "jekyll" | "next" | "astro" | "obsidian";

export interface FixtureSite extends CheckedSite {
  kind: FixtureKind;
  root: string;
  /** The folder of notes to give the tool (inside the root, which it must find by itself). */
  target: string;
  /** Links the tool should list as guesses: `note → file (rule)`. */
  guesses: string[];
}

const crlf = (s: string): string => s.replace(/\n/g, "\r\n");

/** The first of `paths` that exists. */
const first = (paths: string[], has: (p: string) => boolean): string | null => paths.find(has) ?? null;

/** What each generator's documentation says it serves. */
const SITES: Record<
  FixtureKind,
  () => { files: Record<string, string | Uint8Array>; target: string; notes: string[]; guesses?: string[]; serve: CheckedSite["serve"] }
> = {
  // Hexo: `source/` and the theme's `source/` are copied to the site root; with
  // post_asset_folder, `source/_posts/p/` is published beside the post p, so `x.png` in p
  // means `source/_posts/p/x.png`.
  hexo: () => ({
    files: {
      "_config.yml": "title: Blog\ntheme: landscape\npost_asset_folder: true\n",
      "package.json": "{}\n",
      "source/_posts/first-post.md": crlf(
        [
          "---",
          "title: First",
          "cover: img/cover.png",
          "images:",
          "  - /img/logo.png",
          "---",
          "![red](1.png)",
          "![logo over",
          "two lines](/img/logo.png)",
          '{% asset_img 1.png "First one" %}',
          "{% img left /img/logo.png 300 %}",
          '<img srcset="/img/logo.png 1x, /img/cover.png 2x" src="/img/logo.png" alt="logo">',
          "",
        ].join("\n"),
      ),
      "source/_posts/second-post.md":
        '---\ncover: "/img/cover.png"\n---\n![blue](1.png)\n<img src="/img/logo.png" alt="logo">\n\n![remote](https://example.com/r.png)\n{% asset_img big 1.png 600 400 "Second one" %}\n',
      "source/img/cover.png": uniquePng(),
      "public/img/cover.png": uniquePng(),
      "source/_posts/first-post/1.png": uniquePng(),
      "source/_posts/second-post/1.png": uniquePng(),
      "source/img/logo.png": uniquePng(),
      "public/img/logo.png": uniquePng(),
      "public/2024/01/01/first-post/1.png": uniquePng(),
      "source/_posts/旅行日记.md":
        "![照片](照片.png)\n![编码](%E7%85%A7%E7%89%87.png)\n![主题](/images/图标.png)\n{% asset_img 照片.png 旅行 %}\n{% img /images/图标.png %}\n",
      "source/_posts/旅行日记/照片.png": uniquePng(),
      "themes/landscape/source/images/图标.png": uniquePng(),
      "public/images/图标.png": uniquePng(),
    },
    target: "source/_posts",
    notes: ["source/_posts/first-post.md", "source/_posts/second-post.md", "source/_posts/旅行日记.md"],
    serve: (ref, note, has) => {
      // asset_img looks its slug up among the post's assets as written.
      if (ref.kind === "hexo-asset") return normalize(`${note.replace(/\.md$/, "")}/${ref.url}`);
      const url = decoded(ref.url);
      // Themes pass a front matter path to url_for, which makes it site-absolute.
      const path = ref.kind === "front-matter" && !url.startsWith("/") ? `/${url}` : url;
      if (path.startsWith("/")) return first([normalize(`source${path}`), normalize(`themes/landscape/source${path}`)], has);
      return normalize(`${note.replace(/\.md$/, "")}/${url}`);
    },
  }),
  // Hugo: `static/` (then the configured theme's `static/`) is copied to the site root; a
  // page bundle's resources are published beside its index.md.
  hugo: () => ({
    files: {
      "hugo.toml": 'title = "Blog"\ntheme = "ananke"\n',
      "content/posts/trip/index.md": crlf(
        [
          "+++",
          'title = "Trip"',
          "images = ['/images/a.png', \"map.png\"]",
          "[cover]",
          'image = "map.png"',
          "+++",
          "![map](map.png)",
          "![static over",
          "two lines](/images/a.png)",
          '{{< figure src="map.png" title="The map" >}}',
          "{{% figure src=/images/theme.png caption=`theme` %}}",
          '{{< figure src="global.png" >}}',
          "",
        ].join("\n"),
      ),
      "assets/global.png": uniquePng(),
      "content/posts/trip/map.png": uniquePng(),
      "content/posts/other/index.md": "---\ncover:\n  image: map.png\n  alt: The map\n---\n![map](map.png)\n![theme](/images/theme.png)\n",
      "content/posts/other/map.png": uniquePng(),
      "static/images/a.png": uniquePng(),
      "themes/ananke/static/images/theme.png": uniquePng(),
      "public/images/a.png": uniquePng(),
      "public/posts/trip/map.png": uniquePng(),
      "resources/_gen/images/a.png": uniquePng(),
      "content/文章/旅行/index.md": '![照片](照片.png)\n<img src="/images/%E5%9B%BE.png">\n{{< figure src="照片.png" >}}\n',
      "content/文章/旅行/照片.png": uniquePng(),
      "static/images/图.png": uniquePng(),
    },
    target: "content",
    notes: ["content/posts/other/index.md", "content/posts/trip/index.md", "content/文章/旅行/index.md"],
    serve: (ref, note, has) => {
      const url = decoded(ref.url);
      const bundle = normalize(`${folder(note)}/${url}`);
      // figure: a page resource, else a global resource (assets/), else the path as written.
      if (ref.kind === "hugo-figure" && !url.startsWith("/")) return first([bundle, normalize(`assets/${url}`)], has);
      // PaperMod: a cover among the bundle's resources, else the path from the site root.
      if (ref.kind === "front-matter" && !url.startsWith("/")) return first([bundle, normalize(`static/${url}`)], has);
      if (url.startsWith("/")) return first([normalize(`static${url}`), normalize(`themes/ananke/static${url}`)], has);
      return bundle;
    },
  }),
  // Jekyll: every file of the site root that is not a special folder is copied as it is;
  // `/x` is the root's `x`.
  jekyll: () => ({
    files: {
      "_config.yml": "title: Blog\n",
      Gemfile: "source 'https://rubygems.org'\n",
      "_posts/2024-01-01-hello.md": crlf(
        [
          "---",
          "layout: post",
          "header:",
          "  image: /assets/2024/cat.png",
          "  teaser: assets/2025/cat.png",
          "---",
          "![cat over",
          "two lines](/assets/2024/cat.png)",
          "![liquid]({{ site.baseurl }}/assets/2025/cat.png)",
          '<img src="{{ site.url }}{{ site.baseurl }}/assets/2024/cat.png" alt="both">',
          '![filter]({{ "assets/图片/猫.png" | relative_url }})',
          "",
        ].join("\n"),
      ),
      "_posts/2025-01-01-again.md": '<img src="/assets/2025/cat.png" alt="cat">\n\n![猫](/assets/%E5%9B%BE%E7%89%87/%E7%8C%AB.png)\n',
      "assets/2024/cat.png": uniquePng(),
      "assets/2025/cat.png": uniquePng(),
      "assets/图片/猫.png": uniquePng(),
      "_site/assets/2024/cat.png": uniquePng(),
      "_site/assets/2025/cat.png": uniquePng(),
    },
    target: "_posts",
    notes: ["_posts/2024-01-01-hello.md", "_posts/2025-01-01-again.md"],
    serve: (ref, note) => {
      const url = decoded(ref.url);
      // A Liquid path is site-absolute; minimal-mistakes passes header images to absolute_url.
      return url.startsWith("/") || ref.kind === "front-matter" ? normalize(url) : normalize(`${folder(note)}/${url}`);
    },
  }),
  // Next.js: `public/` is served at the site root; a page imports images kept beside it.
  next: () => ({
    files: {
      "next.config.mjs": "export default {};\n",
      "posts/a/index.md": crlf(
        '---\ncoverImage: "/img/logo.png"\n---\n![cover](./cover.png)\n![logo over\ntwo lines](/img/logo.png)\n<img srcset="./cover.png 1x, /img/logo.png 2x" src="./cover.png">\n',
      ),
      "posts/a/cover.png": uniquePng(),
      "posts/b/index.md": "![cover](./cover.png)\n",
      "posts/b/cover.png": uniquePng(),
      "public/img/logo.png": uniquePng(),
      "out/img/logo.png": uniquePng(),
      "posts/中文/文章.md": "![图](图.png)\n![标](/img/%E6%A0%87.png)\n",
      "posts/中文/图.png": uniquePng(),
      "public/img/标.png": uniquePng(),
    },
    target: "posts",
    notes: ["posts/a/index.md", "posts/b/index.md", "posts/中文/文章.md"],
    serve: (ref, note) => {
      const url = decoded(ref.url);
      return url.startsWith("/") ? normalize(`public${url}`) : normalize(`${folder(note)}/${url}`);
    },
  }),
  // Astro: `public/` is served at the site root; content images are relative to the entry.
  astro: () => ({
    files: {
      "astro.config.mjs": "export default {};\n",
      "src/content/blog/first/index.md": crlf("---\ntitle: First\nheroImage: ./cover.png\n---\n![cover over\ntwo lines](./cover.png)\n![og](/og.png)\n"),
      "src/content/blog/first/cover.png": uniquePng(),
      "src/content/blog/second/index.md": "![cover](./cover.png)\n",
      "src/content/blog/second/cover.png": uniquePng(),
      "public/og.png": uniquePng(),
      "dist/og.png": uniquePng(),
      "src/content/博客/文章.md": "![图](./图片/图.png)\n",
      "src/content/博客/图片/图.png": uniquePng(),
    },
    target: "src/content",
    notes: ["src/content/blog/first/index.md", "src/content/blog/second/index.md", "src/content/博客/文章.md"],
    serve: (ref, note) => {
      const url = decoded(ref.url);
      return url.startsWith("/") ? normalize(`public${url}`) : normalize(`${folder(note)}/${url}`);
    },
  }),
  // Obsidian: a link names a path, or a name: the file of that name beside the note, else the
  // one file of that name in the vault.
  obsidian: () => ({
    files: {
      ".obsidian/app.json": "{}\n",
      "Notes/A.md": crlf("![[shot.png]]\n![shot over\ntwo lines](../Attachments/shot.png)\n"),
      "Attachments/shot.png": uniquePng(),
      "Trips/2024/trip.md": "![[1.png]]\n",
      "Trips/2024/1.png": uniquePng(),
      "Trips/2025/trip.md": "![[1.png|300]]\n",
      "Trips/2025/1.png": uniquePng(),
      "笔记/猫.md": "![[猫.png]]\n![猫](../%E9%99%84%E4%BB%B6/%E7%8C%AB.png)\n",
      "附件/猫.png": uniquePng(),
    },
    target: "",
    notes: ["Notes/A.md", "Trips/2024/trip.md", "Trips/2025/trip.md", "笔记/猫.md"],
    guesses: ["Notes/A.md → Attachments/shot.png (name-only)", "笔记/猫.md → 附件/猫.png (name-only)"],
    serve: (ref, note, has) => {
      const url = ref.kind === "wiki" ? ref.url : decoded(ref.url);
      if (ref.kind !== "wiki") return normalize(`${folder(note)}/${url}`);
      return has(normalize(`${folder(note)}/${url}`)) ? normalize(`${folder(note)}/${url}`) : (OBSIDIAN_NAMES.get(url) ?? null);
    },
  }),
};

/** The Obsidian fixture's attachments by name (each name is in one folder only, or beside its note). */
const OBSIDIAN_NAMES = new Map([
  ["shot.png", "Attachments/shot.png"],
  ["猫.png", "附件/猫.png"],
]);

/** Writes the fixture site of `kind` into a new folder under `parent`. */
export function makeSite(parent: string, kind: FixtureKind): FixtureSite {
  const spec = SITES[kind]();
  const root = mkdtempSync(path.join(parent, `${kind}-`));
  for (const [p, content] of Object.entries(spec.files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
  return { kind, root, target: path.join(root, spec.target), notes: spec.notes, serve: spec.serve, guesses: spec.guesses ?? [] };
}

export const FIXTURE_KINDS: readonly FixtureKind[] = ["hexo", "hugo", "jekyll", "next", "astro", "obsidian"];

export type { Reference };

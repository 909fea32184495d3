import { detectSite, readSiteSettings } from "../../../../src/core/sites/detectSite";
import { siteType } from "../../../../src/core/sites/siteTypes";

describe("detectSite", () => {
  const at = (files: string[], dirs: string[] = []) => detectSite({ files, dirs });

  it("tells each generator from the files at its root", () => {
    expect(at(["_config.yml", "package.json"], ["source", "themes"])).toBe("hexo");
    expect(at(["hugo.toml"], [])).toBe("hugo");
    expect(at(["hugo.yaml"], [])).toBe("hugo");
    expect(at(["hugo.json"], [])).toBe("hugo");
    expect(at(["config.toml"], ["content"])).toBe("hugo");
    expect(at(["config.yaml"], ["content"])).toBe("hugo");
    expect(at(["_config.yml", "Gemfile"], ["_posts"])).toBe("jekyll");
    expect(at(["next.config.mjs"], ["public"])).toBe("next");
    expect(at(["astro.config.ts"], ["src"])).toBe("astro");
    expect(at([], [".obsidian"])).toBe("obsidian");
    expect(at(["README.md"], ["img"])).toBe("plain");
  });

  it("needs every marker of a set: a config file alone, or a folder alone, is a plain folder", () => {
    expect(at(["_config.yml"], [])).toBe("plain");
    expect(at(["config.toml"], [])).toBe("plain");
    expect(at([], ["content", "source", "_posts"])).toBe("plain");
  });

  it("prefers a site's own markers over an Obsidian vault kept inside it", () => {
    expect(at(["hugo.toml"], [".obsidian", "content"])).toBe("hugo");
  });
});

describe("readSiteSettings", () => {
  const read = (files: Record<string, string>) => (name: string) => files[name];

  it("reads Hexo's theme and post_asset_folder from _config.yml", () => {
    expect(readSiteSettings(siteType("hexo"), read({ "_config.yml": "title: Blog\r\ntheme: landscape\r\npost_asset_folder: true # per post\r\n" }))).toEqual({
      themes: ["landscape"],
      postAssetFolder: true,
    });
    expect(readSiteSettings(siteType("hexo"), read({ "_config.yml": "post_asset_folder: false\n" }))).toEqual({ themes: [], postAssetFolder: false });
  });

  it("reads Hugo's theme in TOML, YAML (inline and block list) and JSON, hugo.* before config.*", () => {
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.toml": 'theme = "ananke"\n' })).themes).toEqual(["ananke"]);
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.toml": "theme = ['a', \"b\"]\n" })).themes).toEqual(["a", "b"]);
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.yaml": "theme:\n  - one\n  - two\ntitle: x\n" })).themes).toEqual(["one", "two"]);
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.json": '{"theme":"j"}' })).themes).toEqual(["j"]);
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.toml": 'theme = "new"', "config.toml": 'theme = "old"' })).themes).toEqual(["new"]);
  });

  it("ignores a theme name that would lead out of themes/, and a broken JSON file", () => {
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.toml": 'theme = "../../etc"' })).themes).toEqual([]);
    expect(readSiteSettings(siteType("hugo"), read({ "hugo.json": "{" })).themes).toEqual([]);
  });
});

import { isGlob, matchesPath, normalizePattern } from "../../../../src/core/rules/pathPattern";

describe("folder path patterns", () => {
  test("a folder path takes the notes in it at any depth, whole segments only", () => {
    expect(matchesPath("Blog", "Blog/post.md")).toBe(true);
    expect(matchesPath("Blog", "Blog/2024/05/post.md")).toBe(true);
    expect(matchesPath("Blog", "Blogroll/x.md")).toBe(false);
    expect(matchesPath("Blog", "Old/Blog/x.md")).toBe(false);
    expect(matchesPath("Blog/drafts", "Blog/drafts/a.md")).toBe(true);
    expect(matchesPath("Blog/drafts", "Blog/drafts-old/a.md")).toBe(false);
    expect(matchesPath("Blog/drafts", "Blog/a.md")).toBe(false);
  });

  test("a path that names a note takes that note", () => {
    expect(matchesPath("Blog/post.md", "Blog/post.md")).toBe(true);
    expect(matchesPath("Blog/post.md", "Blog/post.md.bak/x.md")).toBe(false);
    expect(matchesPath("Blog/post", "Blog/post.md")).toBe(false);
  });

  test("leading, trailing and repeated slashes and surrounding spaces do not matter", () => {
    for (const p of ["/Blog/drafts", "Blog/drafts/", "/Blog//drafts/", "  Blog/drafts  "]) {
      expect([p, matchesPath(p, "Blog/drafts/a.md")]).toEqual([p, true]);
      expect([p, matchesPath(p, "Blog/a.md")]).toEqual([p, false]);
    }
    expect(normalizePattern("//a//b/")).toBe("a/b");
  });

  test("an empty pattern, or one of slashes only, matches nothing", () => {
    expect(matchesPath("", "a.md")).toBe(false);
    expect(matchesPath(" / ", "a.md")).toBe(false);
  });

  test("letter case is not compared", () => {
    expect(matchesPath("blog/Drafts", "Blog/drafts/a.md")).toBe(true);
    expect(matchesPath("**/PRIVATE/**", "x/private/a.md")).toBe(true);
    expect(matchesPath("*.EXCALIDRAW.md", "d/Plan.excalidraw.MD")).toBe(true);
  });

  test("Chinese folder and note names", () => {
    expect(matchesPath("博客/草稿", "博客/草稿/第一篇.md")).toBe(true);
    expect(matchesPath("博客", "博客园/a.md")).toBe(false);
    expect(matchesPath("**/私人/**", "日记/私人/a.md")).toBe(true);
    expect(matchesPath("博客/?稿", "博客/草稿/a.md")).toBe(true);
    expect(matchesPath("博客/?稿", "博客/旧草稿/a.md")).toBe(false);
    expect(matchesPath("*.画板.md", "设计/首页.画板.md")).toBe(true);
  });
});

describe("glob patterns", () => {
  test("are told from folder paths by * or ?", () => {
    expect(isGlob("Blog/drafts")).toBe(false);
    expect(isGlob("**/private/**")).toBe(true);
    expect(isGlob("Blog/draft?")).toBe(true);
  });

  test("** stands for any number of folders, none too", () => {
    expect(matchesPath("**/private/**", "private/a.md")).toBe(true);
    expect(matchesPath("**/private/**", "a/b/private/c/d.md")).toBe(true);
    expect(matchesPath("**/private/**", "a/privateer/b.md")).toBe(false);
    expect(matchesPath("**/private/**", "a/b.md")).toBe(false);
    expect(matchesPath("Blog/**/draft.md", "Blog/draft.md")).toBe(true);
    expect(matchesPath("Blog/**/draft.md", "Blog/a/b/draft.md")).toBe(true);
    expect(matchesPath("Blog/**/draft.md", "Other/draft.md")).toBe(false);
  });

  test("* and ? stay within one folder or name", () => {
    expect(matchesPath("Blog/*.md", "Blog/a.md")).toBe(true);
    expect(matchesPath("Blog/*.md", "Blog/sub/a.md")).toBe(false);
    expect(matchesPath("Blog/20??/*.md", "Blog/2024/a.md")).toBe(true);
    expect(matchesPath("Blog/20??/*.md", "Blog/202/a.md")).toBe(false);
    expect(matchesPath("Blog/20??/*.md", "Blog/20245/a.md")).toBe(false);
  });

  test("a glob that matches a folder takes the notes in it", () => {
    expect(matchesPath("**/private", "x/private/y/z.md")).toBe(true);
    expect(matchesPath("Blog/draft*", "Blog/drafts/a.md")).toBe(true);
    expect(matchesPath("Blog/draft*", "Blog/post.md")).toBe(false);
  });

  test("a glob without / is matched against each name, at any depth", () => {
    expect(matchesPath("*.excalidraw.md", "Drawing.excalidraw.md")).toBe(true);
    expect(matchesPath("*.excalidraw.md", "a/b/Drawing.excalidraw.md")).toBe(true);
    expect(matchesPath("*.excalidraw.md", "a/Drawing.md")).toBe(false);
    expect(matchesPath("draft*", "Blog/drafts/a.md")).toBe(true);
  });

  test("characters that mean something in a regular expression are plain", () => {
    expect(matchesPath("Notes (old)/*.md", "Notes (old)/a.md")).toBe(true);
    expect(matchesPath("a+b/*", "aab/x.md")).toBe(false);
    expect(matchesPath("[x]/*", "x/a.md")).toBe(false);
    expect(matchesPath("[x]/*", "[x]/a.md")).toBe(true);
  });
});

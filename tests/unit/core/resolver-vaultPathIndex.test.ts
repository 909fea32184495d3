import { VaultPathIndex } from "../../../src/core/linkResolver";

describe("VaultPathIndex.resolve", () => {
  const vault = new VaultPathIndex([
    "Home.md",
    "Notes/Plan.md",
    "Notes/Plan.png",
    "Attachments/shot.png",
    "Attachments/my shot.png",
    "Attachments/a%20b.png",
    "posts/p.md",
    "posts/img/local.png",
    "img/local.png",
    "img/only-root.png",
    "blog/img/deep.png",
    "dup/x/same.png",
    "dup/same.png",
    "dup/y/z/same.png",
    "case/Photo.png",
    "other/photo.png",
  ]);

  it("finds a file by its full vault path", () => {
    expect(vault.resolve("Attachments/shot.png", "Home.md")).toBe("Attachments/shot.png");
  });

  it("treats a leading slash as the vault root", () => {
    expect(vault.resolve("/Attachments/shot.png", "posts/p.md")).toBe("Attachments/shot.png");
  });

  it("finds a file by name alone, wherever it is", () => {
    expect(vault.resolve("shot.png", "posts/p.md")).toBe("Attachments/shot.png");
  });

  it("matches names case-insensitively", () => {
    expect(vault.resolve("SHOT.PNG", "Home.md")).toBe("Attachments/shot.png");
  });

  it("prefers the file whose name matches in exact case", () => {
    expect(vault.resolve("photo.png", "Home.md")).toBe("other/photo.png");
    expect(vault.resolve("Photo.png", "Home.md")).toBe("case/Photo.png");
  });

  it("prefers the file in the source note's folder among files with the same name", () => {
    expect(vault.resolve("same.png", "dup/y/z/note.md")).toBe("dup/y/z/same.png");
    expect(vault.resolve("same.png", "dup/x/note.md")).toBe("dup/x/same.png");
  });

  it("otherwise prefers the shortest path", () => {
    expect(vault.resolve("same.png", "Home.md")).toBe("dup/same.png");
  });

  it("resolves ./ and ../ relative to the source note's folder", () => {
    expect(vault.resolve("./img/local.png", "posts/p.md")).toBe("posts/img/local.png");
    expect(vault.resolve("../img/only-root.png", "posts/p.md")).toBe("img/only-root.png");
    expect(vault.resolve("../Attachments/shot.png", "posts/p.md")).toBe("Attachments/shot.png");
  });

  it("does not climb above the vault root or fall back to a name match for ./ and ../ links", () => {
    expect(vault.resolve("../../shot.png", "posts/p.md")).toBeNull();
    expect(vault.resolve("./shot.png", "posts/p.md")).toBeNull();
  });

  it("resolves a plain relative path the way markdown links write it", () => {
    expect(vault.resolve("img/deep.png", "blog/post.md")).toBe("blog/img/deep.png");
  });

  it("prefers the vault-absolute reading of a path over the relative one", () => {
    expect(vault.resolve("img/local.png", "posts/p.md")).toBe("img/local.png");
  });

  it("matches a partial path against the end of full paths", () => {
    expect(vault.resolve("img/deep.png", "Home.md")).toBe("blog/img/deep.png");
    expect(vault.resolve("x/same.png", "Home.md")).toBe("dup/x/same.png");
  });

  it("reads a link without extension as a note, never as an image of that name", () => {
    expect(vault.resolve("Plan", "Home.md")).toBe("Notes/Plan.md");
    expect(vault.resolve("Notes/Plan", "Home.md")).toBe("Notes/Plan.md");
    expect(vault.resolve("shot", "Home.md")).toBeNull();
  });

  it("percent-decodes the link, but first tries it as written", () => {
    expect(vault.resolve("my%20shot.png", "Home.md")).toBe("Attachments/my shot.png");
    expect(vault.resolve("a%20b.png", "Home.md")).toBe("Attachments/a%20b.png");
  });

  it("returns null for a file that is not in the vault", () => {
    expect(vault.resolve("missing.png", "Home.md")).toBeNull();
    expect(vault.resolve("", "Home.md")).toBeNull();
  });

  it("does not depend on the order paths were listed in", () => {
    const paths = ["b/c/t.png", "a/t.png", "z/t.png"];
    const forward = new VaultPathIndex(paths);
    const backward = new VaultPathIndex([...paths].reverse());
    expect(forward.resolve("t.png", "Home.md")).toBe("a/t.png");
    expect(backward.resolve("t.png", "Home.md")).toBe("a/t.png");
  });
});

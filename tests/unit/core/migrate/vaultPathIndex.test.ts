import { UploadError } from "../../../../src/core/errors";
import { VaultPathIndex } from "../../../../src/core/migrate/vaultPathIndex";

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
    const paths = ["b/c/t.png", "a/t.png", "zz/t.png"];
    const forward = new VaultPathIndex(paths);
    const backward = new VaultPathIndex([...paths].reverse());
    expect(forward.resolve("t.png", "Home.md")).toBe("a/t.png");
    expect(backward.resolve("t.png", "Home.md")).toBe("a/t.png");
  });

  it("refuses a name two files match equally well (same distance, same length) instead of picking the first alphabetically", () => {
    const paths = ["first-post/1.png", "other-post/1.png", "source/_posts/first-post.md"];
    for (const order of [paths, [...paths].reverse()]) {
      const vault = new VaultPathIndex(order);
      let thrown: unknown;
      try {
        vault.resolve("1.png", "source/_posts/first-post.md");
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(UploadError);
      expect((thrown as UploadError).code).toBe("AmbiguousLink");
      expect((thrown as UploadError).message).toBe(
        'The image "1.png" linked in "source/_posts/first-post.md" matches 2 files equally well: "first-post/1.png" and "other-post/1.png"; the link was left as it was.',
      );
    }
  });

  it("refuses a path that matches two files differing only in case when neither matches in exact case", () => {
    const vault = new VaultPathIndex(["img/Photo.png", "img/PHOTO.png"]);
    expect(() => vault.resolve("img/photo.png", "N.md")).toThrow(/matches 2 files equally well/);
    expect(vault.resolve("img/Photo.png", "N.md")).toBe("img/Photo.png");
  });

  it("says whether a file was found by name alone, and finds nothing by name when that lookup is off", () => {
    const vault = new VaultPathIndex(["Attachments/shot.png", "Home.md"]);
    expect(vault.resolveHit("shot.png", "Home.md")).toEqual({ path: "Attachments/shot.png", byName: true });
    expect(vault.resolveHit("Attachments/shot.png", "Home.md")).toEqual({ path: "Attachments/shot.png", byName: false });
    const strict = new VaultPathIndex(["Attachments/shot.png", "Home.md"], { nameOnly: false });
    expect(strict.resolve("shot.png", "Home.md")).toBeNull();
    expect(strict.hasNameMatch("shot.png")).toBe(true);
    expect(strict.resolve("Attachments/shot.png", "Home.md")).toBe("Attachments/shot.png");
  });
});

describe("VaultPathIndex.resolve with names in different Unicode forms", () => {
  // "Café" with é as one character (NFC, as most keyboards type it) and as e + U+0301 (NFD, as macOS names files).
  const nfc = "Caf\u00e9";
  const nfd = "Cafe\u0301";

  it("finds a file named in NFD from a link typed in NFC, by name and by path", () => {
    const vault = new VaultPathIndex([`Photos/${nfd}.png`, "N.md"]);
    expect(vault.resolve(`${nfc}.png`, "N.md")).toBe(`Photos/${nfd}.png`);
    expect(vault.resolve(`Photos/${nfc}.png`, "N.md")).toBe(`Photos/${nfd}.png`);
  });

  it("finds a file named in NFC from a link written in NFD", () => {
    const vault = new VaultPathIndex([`Photos/${nfc}.png`, "N.md"]);
    expect(vault.resolve(`${nfd}.png`, "N.md")).toBe(`Photos/${nfc}.png`);
  });

  it("matches folders and the source note under normalization too, and a percent-encoded link", () => {
    const vault = new VaultPathIndex([`${nfd}/a.png`, `${nfd}/Note.md`]);
    expect(vault.resolve("./a.png", `${nfc}/Note.md`)).toBe(`${nfd}/a.png`);
    expect(vault.resolve(encodeURI(`${nfc}/a.png`), "Other.md")).toBe(`${nfd}/a.png`);
  });

  it("prefers a file whose name matches as written over one that matches only once normalized", () => {
    const vault = new VaultPathIndex([`a/${nfd}.png`, `b/${nfc}.png`]);
    expect(vault.resolve(`${nfc}.png`, "N.md")).toBe(`b/${nfc}.png`);
    expect(vault.resolve(`${nfd}.png`, "N.md")).toBe(`a/${nfd}.png`);
  });

  it("refuses to pick between two files that only normalization makes the same name, and names both", () => {
    // Both spellings side by side (possible on Linux); the link mixes the two forms, so neither matches as written.
    const mixed = "R\u00e9sume\u0301";
    const vault = new VaultPathIndex([`cv/${"R\u00e9sum\u00e9"}.png`, `cv/${"Re\u0301sume\u0301"}.png`]);
    let thrown: unknown;
    try {
      vault.resolve(`${mixed}.png`, "N.md");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UploadError);
    const error = thrown as UploadError;
    expect(error.code).toBe("AmbiguousLink");
    expect(error.message).toBe(
      `The image "${mixed}.png" linked in "N.md" matches 2 files whose names look the same but spell their accented letters differently: ` +
        `"cv/Re\u0301sume\u0301.png" (decomposed letters, as macOS writes them) and "cv/R\u00e9sum\u00e9.png" (composed letters); the link was left as it was.`,
    );
    expect(error.hint).toBe("Rename or remove all but one of them, then run again.");
  });

  it("still returns null when no form of the name is in the vault", () => {
    const vault = new VaultPathIndex([`Photos/${nfd}.png`]);
    expect(vault.resolve("Cafe.png", "N.md")).toBeNull();
    expect(vault.resolve(`${nfc}.jpg`, "N.md")).toBeNull();
  });
});

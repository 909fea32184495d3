import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FileBuffers } from "../../../src/cli/fileBuffers";
import { collectNotes, createFsPorts, walkFiles, writeFileAtomic } from "../../../src/cli/fsPorts";
import { UploadError } from "../../../src/core/errors";
import type { ImageUploader } from "../../../src/core/ports";
import { denyListing } from "../../support/osFaults";

describe("collectNotes", () => {
  let vault: string;
  beforeAll(() => {
    vault = mkdtempSync(path.join(tmpdir(), "s3ih-notes-"));
    const files = ["Home.md", "a.png", "sub/One.md", "sub/deep/Two.MD", "subway/Other.md", ".drafts/Draft.md", "node_modules/pkg/README.md"];
    for (const f of files) {
      mkdirSync(path.dirname(path.join(vault, f)), { recursive: true });
      writeFileSync(path.join(vault, f), "text");
    }
  });
  afterAll(() => rmSync(vault, { recursive: true, force: true }));

  const at = (...p: string[]): string => path.join(vault, ...p);
  const sorted = (xs: string[]): string[] => [...xs].sort();

  it("takes a folder's notes from the vault walk exactly as walking the folder finds them", async () => {
    const vaultFiles = await walkFiles(vault);
    for (const input of [vault, at("sub"), at("sub", "deep"), at(".drafts")]) {
      expect(sorted(await collectNotes(vault, [input], vaultFiles))).toEqual(sorted(await collectNotes(vault, [input])));
    }
  });

  it("keeps a folder to itself, walks a dot-folder named on purpose, and skips hidden ones inside", async () => {
    const vaultFiles = await walkFiles(vault);
    expect(sorted(await collectNotes(vault, [at("sub")], vaultFiles))).toEqual(["sub/One.md", "sub/deep/Two.MD"]);
    expect(await collectNotes(vault, [at(".drafts")], vaultFiles)).toEqual([".drafts/Draft.md"]);
    expect(sorted(await collectNotes(vault, [vault], vaultFiles))).toEqual(["Home.md", "sub/One.md", "sub/deep/Two.MD", "subway/Other.md"]);
    expect(await collectNotes(vault, [at("Home.md"), at("sub")], vaultFiles)).toEqual(["Home.md", "sub/One.md", "sub/deep/Two.MD"]);
  });
});

describe("createFsPorts: what is read and written", () => {
  let work: string;
  let vault: string;
  let outside: string;
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
  const noUploads: ImageUploader = { upload: () => Promise.reject(new Error("no uploads in this test")) };

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), "s3ih-ports-"));
    vault = path.join(work, "vault");
    outside = path.join(work, "outside");
    mkdirSync(path.join(vault, "img"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(outside, "private.png"), png);
    writeFileSync(path.join(outside, "Elsewhere.md"), "![[a.png]]\n");
    writeFileSync(path.join(vault, "img", "a.png"), png);
    writeFileSync(path.join(vault, "N.md"), "![[a.png]]\n");
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(work, { recursive: true, force: true });
  });

  const rejection = async (p: Promise<unknown>): Promise<UploadError> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UploadError);
    return e as UploadError;
  };

  it("refuses an image linked to a file outside the vault, when the link is resolved and when it is read, and never reads it", async () => {
    symlinkSync(path.join(outside, "private.png"), path.join(vault, "img", "leak.png"));
    const reads = jest.spyOn(FileBuffers.prototype, "read");
    const ports = createFsPorts(vault, await walkFiles(vault), noUploads);

    expect(() => ports.resolve("leak.png", "N.md")).toThrow(
      new UploadError(
        "OutsideVault",
        `The image "img/leak.png" linked in "N.md" leads outside the vault through a symbolic link, to "${path.join(outside, "private.png")}"; nothing was uploaded and the link was left as it was.`,
      ),
    );
    const refused = await rejection(ports.readFile("img/leak.png"));
    expect(refused.code).toBe("OutsideVault");
    expect(refused.message).toContain(path.join(outside, "private.png"));
    expect(reads).not.toHaveBeenCalled();
  });

  it("reads an image linked to a file inside the vault, and a vault reached through a linked folder", async () => {
    symlinkSync(path.join(vault, "img", "a.png"), path.join(vault, "alias.png"));
    const linkedVault = path.join(work, "linked-vault");
    symlinkSync(vault, linkedVault);
    for (const root of [vault, linkedVault]) {
      const ports = createFsPorts(root, await walkFiles(root), noUploads);
      expect(ports.resolve("alias.png", "N.md")).toBe("alias.png");
      expect(Buffer.from(await ports.readFile("alias.png")).equals(png)).toBe(true);
      expect(Buffer.from(await ports.readFile("img/a.png")).equals(png)).toBe(true);
    }
  });

  it("neither reads nor writes a note linked to a file outside the vault", async () => {
    symlinkSync(path.join(outside, "Elsewhere.md"), path.join(vault, "Linked.md"));
    const ports = createFsPorts(vault, await walkFiles(vault), noUploads);

    const unread = await rejection(ports.readNote("Linked.md"));
    expect(unread.code).toBe("OutsideVault");
    expect(unread.hint).toBe("To migrate it, run the tool on the folder it really is in.");
    expect(unread.message).toBe(
      `The note "Linked.md" leads outside the vault through a symbolic link, to "${path.join(outside, "Elsewhere.md")}"; it was not read, and nothing it links to was uploaded.`,
    );
    const unwritten = await rejection(ports.rewriteNote("Linked.md", (text) => [{ from: 0, to: text.length, insert: "changed" }]));
    expect(unwritten.code).toBe("OutsideVault");
    expect(readFileSync(path.join(outside, "Elsewhere.md"), "utf8")).toBe("![[a.png]]\n");
    expect(lstatSync(path.join(vault, "Linked.md")).isSymbolicLink()).toBe(true);
  });

  it("writes a note linked to another file in the vault through the link, keeping the link", async () => {
    symlinkSync(path.join(vault, "N.md"), path.join(vault, "Alias.md"));
    const ports = createFsPorts(vault, await walkFiles(vault), noUploads);
    await ports.rewriteNote("Alias.md", (text) => [{ from: 0, to: text.length, insert: "changed\n" }]);
    expect(readFileSync(path.join(vault, "N.md"), "utf8")).toBe("changed\n");
    expect(lstatSync(path.join(vault, "Alias.md")).isSymbolicLink()).toBe(true);
  });

  it("refuses an image over the size limit by its size on disk, with the size, the limit and the tool's flag, without reading it", async () => {
    // A PNG header stretched to 5 GiB by a sparse tail: the size is real, the disk holds nearly nothing.
    writeFileSync(path.join(vault, "img", "huge.png"), png);
    truncateSync(path.join(vault, "img", "huge.png"), 5 * 1024 ** 3);
    const reads = jest.spyOn(FileBuffers.prototype, "read");
    const ports = createFsPorts(vault, await walkFiles(vault), noUploads, { maxBytes: 20 * 1024 * 1024 });

    const refused = await rejection(ports.readFile("img/huge.png"));
    expect({ code: refused.code, message: refused.message, hint: refused.hint }).toEqual({
      code: "TooLarge",
      message: '"huge.png" is 5120 MB, larger than the 20 MB limit.',
      hint: "Raise the limit with --max-size MB, or make the image smaller.",
    });
    expect(reads).not.toHaveBeenCalled();
    expect(Buffer.from(await ports.readFile("img/a.png")).equals(png)).toBe(true);
  });

  it("says what happened when a file cannot be read: gone since the walk, or a folder", async () => {
    const ports = createFsPorts(vault, [...(await walkFiles(vault)), "img/gone.png", "img"], noUploads);
    const gone = await rejection(ports.readFile("img/gone.png"));
    expect({ code: gone.code, message: gone.message }).toEqual({
      code: "MissingFile",
      message: '"img/gone.png" is no longer in the vault; the link was left as it was.',
    });
    const folder = await rejection(ports.readFile("img"));
    expect({ code: folder.code, message: folder.message }).toEqual({
      code: "UnreadableFile",
      message: '"img" could not be read (it is a folder, not a file); the link was left as it was.',
    });
  });
});

describe("writeFileAtomic", () => {
  it("refuses to write through a link to a file outside the folder it must stay in", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "s3ih-atomic-"));
    try {
      mkdirSync(path.join(work, "vault"));
      writeFileSync(path.join(work, "target.md"), "outside\n");
      symlinkSync(path.join(work, "target.md"), path.join(work, "vault", "N.md"));
      await expect(writeFileAtomic(path.join(work, "vault", "N.md"), "changed", { inside: path.join(work, "vault") })).rejects.toMatchObject({
        code: "OutsideVault",
      });
      expect(readFileSync(path.join(work, "target.md"), "utf8")).toBe("outside\n");
      expect(readdirSync(work).sort()).toEqual(["target.md", "vault"]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("walkFiles over folders that cannot be read", () => {
  let vault: string;
  beforeAll(() => {
    vault = mkdtempSync(path.join(tmpdir(), "s3ih-walk-"));
    for (const f of ["A.md", "private/Secret.md", "private/deep/More.md", "public/B.md"]) {
      mkdirSync(path.dirname(path.join(vault, f)), { recursive: true });
      writeFileSync(path.join(vault, f), "text");
    }
  });
  afterAll(() => rmSync(vault, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  it("skips a folder it may not list, tells the caller which and why, and walks the rest", async () => {
    denyListing(path.join(vault, "private"));
    const skipped: [string, string | undefined][] = [];
    const files = await walkFiles(vault, vault, (folder, e) => skipped.push([folder, (e as { code?: string }).code]));
    expect(files).toEqual(["A.md", "public/B.md"]);
    expect(skipped).toEqual([["private", "EACCES"]]);
  });

  it("still fails when the root itself cannot be listed", async () => {
    denyListing(vault);
    await expect(walkFiles(vault, vault, () => undefined)).rejects.toMatchObject({ code: "EACCES" });
  });

  it("reports a folder given to collectNotes that cannot be listed, instead of failing", async () => {
    denyListing(path.join(vault, "private"));
    const skipped: string[] = [];
    const notes = await collectNotes(
      vault,
      [path.join(vault, "private"), path.join(vault, "A.md")],
      await walkFiles(vault, vault, (f) => skipped.push(f)),
      (f) => skipped.push(f),
    );
    expect(notes).toEqual(["A.md"]);
    expect(skipped).toEqual(["private", "private"]);
  });
});

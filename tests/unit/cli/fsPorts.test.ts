import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { collectNotes, walkFiles } from "../../../src/cli/fsPorts";
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
    const notes = await collectNotes(vault, [path.join(vault, "private"), path.join(vault, "A.md")], await walkFiles(vault, vault, (f) => skipped.push(f)), (f) => skipped.push(f));
    expect(notes).toEqual(["A.md"]);
    expect(skipped).toEqual(["private", "private"]);
  });
});

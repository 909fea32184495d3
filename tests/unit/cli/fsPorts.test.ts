import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { collectNotes, walkFiles } from "../../../src/cli/fsPorts";

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

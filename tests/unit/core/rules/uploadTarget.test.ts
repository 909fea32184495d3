import { frontMatterScalar } from "../../../../src/core/markdown";
import { newProfile } from "../../../../src/core/settings/settingsModel";
import {
  fieldRequest,
  folderRuleProblems,
  KEEP_LOCAL,
  textFieldRequest,
  uploadTargetFor,
  type FolderRule,
  type UploadTarget,
} from "../../../../src/core/rules/uploadTarget";
import type { Profile } from "../../../../src/core/types";

const main: Profile = { ...newProfile("generic", "main"), name: "Main" };
const other: Profile = { ...newProfile("generic", "other"), name: "  Other Bucket " };
const profiles = [main, other];

function target(path: string, field: unknown, folderRules: FolderRule[] = []): UploadTarget {
  return uploadTargetFor(path, fieldRequest(field), { profiles, folderRules }, main);
}
const brief = (t: UploadTarget): string => (t.kind === "upload" ? `upload:${t.profile.id}` : t.kind);

describe("the image-upload field", () => {
  test("false and local keep images local; true, no value and no field change nothing", () => {
    expect([false, "false", "FALSE", "local", " Local "].map((v) => fieldRequest(v).kind)).toEqual(["local", "local", "local", "local", "local"]);
    expect([undefined, null, true, "true", "", "  "].map((v) => fieldRequest(v).kind)).toEqual(["none", "none", "none", "none", "none", "none"]);
  });

  test("other text, or a number, names a profile; a list or a map cannot be followed", () => {
    expect(fieldRequest(" Other Bucket ")).toEqual({ kind: "profile", name: "Other Bucket" });
    expect(fieldRequest(2024)).toEqual({ kind: "profile", name: "2024" });
    expect(fieldRequest(["Main"]).kind).toBe("invalid");
    expect(fieldRequest({ a: 1 }).kind).toBe("invalid");
    expect(textFieldRequest(null).kind).toBe("invalid");
    expect(textFieldRequest(undefined).kind).toBe("none");
  });
});

describe("a note's target", () => {
  test("a profile name in the front matter is matched trimmed and in any letter case", () => {
    expect(brief(target("a.md", "other bucket"))).toBe("upload:other");
    expect(brief(target("a.md", "OTHER BUCKET  "))).toBe("upload:other");
  });

  test("an unknown profile name uploads nothing and names the known profiles", () => {
    const t = target("Blog/a.md", "Nope");
    expect(t).toEqual({
      kind: "problem",
      message: '"Blog/a.md" asks for the profile "Nope" (image-upload), but there is none of that name; the profiles are "Main", "  Other Bucket ".',
    });
  });

  test("the first matching folder rule decides; without one, the active profile", () => {
    const rules: FolderRule[] = [
      { pattern: "Blog/drafts", target: KEEP_LOCAL },
      { pattern: "Blog", target: "other" },
    ];
    expect(brief(target("Blog/drafts/a.md", undefined, rules))).toBe("local");
    expect(brief(target("Blog/a.md", undefined, rules))).toBe("upload:other");
    expect(brief(target("Notes/a.md", undefined, rules))).toBe("upload:main");
    expect(target("Blog/a.md", undefined, rules)).toMatchObject({ source: { by: "folder-rule", pattern: "Blog" } });
  });

  test("the front matter beats the folder rules", () => {
    const rules: FolderRule[] = [{ pattern: "Blog", target: KEEP_LOCAL }];
    expect(brief(target("Blog/a.md", "Main", rules))).toBe("upload:main");
    expect(brief(target("Notes/a.md", false, [{ pattern: "Notes", target: "other" }]))).toBe("local");
    // `true` is no choice of its own: the folder rules still apply.
    expect(brief(target("Blog/a.md", true, rules))).toBe("local");
  });

  test("a rule whose profile was deleted uploads nothing for the notes it matches, and says so", () => {
    const rules: FolderRule[] = [{ pattern: "Blog", target: "gone" }];
    expect(target("Blog/a.md", undefined, rules)).toEqual({
      kind: "problem",
      message: 'The folder rule "Blog" sends "Blog/a.md" to a profile that was deleted; choose another in the settings.',
    });
    expect(brief(target("Notes/a.md", undefined, rules))).toBe("upload:main");
  });

  test("a rule without a pattern stops uploads of every note no earlier rule took", () => {
    const rules: FolderRule[] = [
      { pattern: "Blog", target: "other" },
      { pattern: " / ", target: KEEP_LOCAL },
    ];
    expect(brief(target("Blog/a.md", undefined, rules))).toBe("upload:other");
    expect(target("Notes/a.md", undefined, rules).kind).toBe("problem");
  });

  test("a field that is not one value is a problem", () => {
    expect(uploadTargetFor("a.md", textFieldRequest(null), { profiles, folderRules: [] }, main)).toMatchObject({ kind: "problem" });
  });
});

describe("folder rule problems for the settings", () => {
  test("no pattern, and a deleted profile, are reported by the rule's place", () => {
    const problems = folderRuleProblems(
      [
        { pattern: "Blog", target: "other" },
        { pattern: "", target: KEEP_LOCAL },
        { pattern: "X", target: "gone" },
      ],
      profiles,
    );
    expect(problems.map((p) => p.index)).toEqual([1, 2]);
    expect(problems[1].message).toMatch(/profile was deleted/);
  });
});

describe("reading image-upload from a note's text", () => {
  const read = (text: string) => frontMatterScalar(text, "image-upload");

  test("plain, quoted and commented YAML values", () => {
    expect(read("---\ntitle: x\nimage-upload: false\n---\nbody")).toBe("false");
    expect(read('---\nimage-upload: "Other Bucket"\n---\n')).toBe("Other Bucket");
    expect(read("---\nimage-upload: 'it''s'  # a comment\n---\n")).toBe("it's");
    expect(read("---\r\nimage-upload: local\r\n---\r\n")).toBe("local");
    expect(read('---\n"image-upload": Main\n---\n')).toBe("Main");
  });

  test("no front matter, no field, or a field without a value is undefined", () => {
    expect(read("image-upload: false\n")).toBeUndefined();
    expect(read("---\ntitle: x\n---\nimage-upload: false\n")).toBeUndefined();
    expect(read("---\nimage-upload:\ntitle: x\n---\n")).toBeUndefined();
    expect(read("---\nimage-upload:   # later\n---\n")).toBeUndefined();
  });

  test("a nested field of the same name is not the note's", () => {
    expect(read("---\nblog:\n  image-upload: false\n---\n")).toBeUndefined();
  });

  test("a list, a block, or the field twice is not one value", () => {
    expect(read("---\nimage-upload: [Main]\n---\n")).toBeNull();
    expect(read("---\nimage-upload:\n  - Main\n---\n")).toBeNull();
    expect(read("---\nimage-upload: |\n  Main\n---\n")).toBeNull();
    expect(read("---\nimage-upload: false\nimage-upload: Main\n---\n")).toBeNull();
  });

  test("TOML front matter: strings and bare true or false, at the top level only", () => {
    expect(read('+++\nimage-upload = "Other"\n+++\n')).toBe("Other");
    expect(read("+++\nimage-upload = false\n+++\n")).toBe("false");
    expect(read('+++\n[params]\nimage-upload = "x"\n+++\n')).toBeUndefined();
    expect(read("+++\nimage-upload = 3\n+++\n")).toBeNull();
  });
});

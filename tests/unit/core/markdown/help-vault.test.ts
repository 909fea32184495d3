import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planEmbedRewrites } from "../../../../src/core/link/embedLink";
import { isLocalImageEmbed, scanEmbeds, type Embed } from "../../../../src/core/markdown";
import { VaultPathIndex } from "../../../../src/core/migrate/vaultPathIndex";
import { applyReplacements } from "../../../../src/core/apply/replacements";
import { describeWithHelpVault, helpVault } from "../../../support/fixtures";

/**
 * Local image embeds of the Obsidian Help vault whose file is not in the vault, as
 * `note: embed`. There are none: every image the help notes embed ships with them.
 */
const KNOWN_MISSING: string[] = [];

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

describeWithHelpVault("scanning the Obsidian Help vault", () => {
  let vault: string;
  let files: string[];
  let notes: Map<string, string>;
  let index: VaultPathIndex;

  beforeAll(() => {
    vault = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-help-vault-"));
    fs.cpSync(helpVault, vault, { recursive: true });
    files = listFiles(vault);
    notes = new Map(files.filter((f) => f.endsWith(".md")).map((f) => [f, fs.readFileSync(path.join(vault, f), "utf8")]));
    index = new VaultPathIndex(files);
  });

  afterAll(() => {
    if (vault) fs.rmSync(vault, { recursive: true, force: true });
  });

  function embedsOf(note: string): Embed[] {
    const text = notes.get(note);
    if (text === undefined) throw new Error(`No note ${note} in the fixture vault`);
    return scanEmbeds(text);
  }

  it("scans every note without throwing, with each embed's span equal to its raw text", () => {
    expect(notes.size).toBe(173);
    let embeds = 0;
    for (const [, text] of notes) {
      for (const e of scanEmbeds(text)) {
        expect(text.slice(e.start, e.end)).toBe(e.raw);
        embeds += 1;
      }
    }
    expect(embeds).toBe(290);
  });

  it("resolves every local image embed to a file in the vault", () => {
    let local = 0;
    const unresolved: string[] = [];
    for (const [note, text] of notes) {
      for (const e of scanEmbeds(text).filter(isLocalImageEmbed)) {
        local += 1;
        const found = index.resolve(e.target, note);
        if (found === null) unresolved.push(`${note}: ${e.raw}`);
        else expect(fs.existsSync(path.join(vault, found))).toBe(true);
      }
    }
    console.log(`${notes.size} notes, ${local} local image embeds, ${unresolved.length} of them unresolved`);
    expect(local).toBe(250);
    expect(unresolved).toEqual(KNOWN_MISSING);
  });

  it("reads the sized, fragment and remote embeds of 'Embed files' and skips its code examples", () => {
    const embeds = embedsOf("Linking notes and files/Embed files.md");
    expect(embeds.find((e) => e.raw === "![[Engelbart.jpg#outline|100]]")).toMatchObject({
      kind: "wiki",
      target: "Engelbart.jpg",
      fragment: "outline",
      size: { width: 100 },
    });
    expect(embeds.find((e) => e.raw.startsWith("![250]("))).toMatchObject({ kind: "markdown", isRemote: true, size: { width: 250 } });
    // `![[Engelbart.jpg|100x145]]` and `![[Document.pdf]]` appear only inside ```md examples.
    expect(embeds.map((e) => e.raw)).not.toContain("![[Engelbart.jpg|100x145]]");
    expect(embeds.map((e) => e.raw)).not.toContain("![[Document.pdf]]");
    const audio = embeds.find((e) => e.target === "Excerpt from Mother of All Demos (1968).ogg");
    expect(audio && isLocalImageEmbed(audio)).toBe(false);
  });

  it("reads the table embed with an escaped pipe inside a callout in 'Advanced formatting syntax'", () => {
    const sized = embedsOf("Editing and formatting/Advanced formatting syntax.md").filter((e) => e.raw === "![[Engelbart.jpg\\|200]]");
    // The same line also appears in a fenced example just above; only the rendered one counts.
    expect(sized).toHaveLength(1);
    expect(sized[0].size).toEqual({ width: 200 });
    expect(index.resolve(sized[0].target, "Editing and formatting/Advanced formatting syntax.md")).toBe("Attachments/Engelbart.jpg");
  });

  it("finds the embed inside the rendered callout of 'Callouts' but not the one in its code example", () => {
    const engelbart = embedsOf("Editing and formatting/Callouts.md").filter((e) => e.target === "Engelbart.jpg");
    expect(engelbart).toHaveLength(1);
    const text = notes.get("Editing and formatting/Callouts.md") as string;
    const lineStart = text.lastIndexOf("\n", engelbart[0].start) + 1;
    expect(text.slice(lineStart, engelbart[0].end)).toBe("> ![[Engelbart.jpg]]");
  });

  it("resolves an image whose name has a space in 'Style guide', ignoring the one in backticks", () => {
    const embeds = embedsOf("Contributing to Obsidian/Style guide.md").filter((e) => e.target === "Vault picker.png");
    expect(embeds.map((e) => e.raw)).toEqual(["![[Vault picker.png#interface]]", "![[Vault picker.png]]"]);
    expect(index.resolve("Vault picker.png", "Contributing to Obsidian/Style guide.md")).toBe("Attachments/Vault picker.png");
  });

  it("reads the markdown image with a fragment in 'Introduction to Bases'", () => {
    const e = embedsOf("Bases/Introduction to Bases.md").find((x) => x.kind === "markdown");
    expect(e).toMatchObject({ target: "bases-noshadow.png", fragment: "interface", isRemote: false });
    expect(index.resolve((e as Embed).target, "Bases/Introduction to Bases.md")).toBe("Attachments/bases-noshadow.png");
  });

  it("finds only the rendered remote image in 'Basic formatting syntax', past its code and %% comments", () => {
    const embeds = embedsOf("Editing and formatting/Basic formatting syntax.md");
    expect(embeds.map((e) => [e.kind, e.target])).toEqual([["markdown", "https://history-computer.com/ModernComputer/Basis/images/Engelbart.jpg"]]);
  });

  it("rewrites each note only at its embed spans, and a second pass changes nothing", () => {
    let rewritten = 0;
    for (const [note, text] of notes) {
      const urlFor = (e: Embed): string | undefined => {
        if (!isLocalImageEmbed(e)) return undefined;
        const file = index.resolve(e.target, note);
        return file === null ? undefined : `https://cdn.example.com/${encodeURI(file)}`;
      };
      const embeds = scanEmbeds(text);
      const reps = planEmbedRewrites(text, urlFor);
      const result = applyReplacements(text, reps);
      expect(result.skipped).toEqual([]);
      expect(result.applied).toHaveLength(embeds.filter(isLocalImageEmbed).length);

      // Re-splice the original at the embed spans: it must give the result exactly.
      const spans = new Map(embeds.map((e) => [e.start, e]));
      let rebuilt = "";
      let pos = 0;
      for (const r of result.applied) {
        expect(spans.get(r.start)?.end).toBe(r.end);
        rebuilt += text.slice(pos, r.start) + r.replacement;
        pos = r.end;
      }
      expect(result.text).toBe(rebuilt + text.slice(pos));

      expect(scanEmbeds(result.text)).toHaveLength(embeds.length);
      expect(planEmbedRewrites(result.text, urlFor)).toEqual([]);
      rewritten += result.applied.length;
    }
    expect(rewritten).toBe(250);
  });
});

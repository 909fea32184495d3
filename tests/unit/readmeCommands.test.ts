/**
 * The commands README.md and docs/ show are pasted into a shell by people trying the tool for
 * the first time: each must be valid shell as written, with placeholders the shell reads as
 * plain words, and every `s3-image-hosting` command must be one the tool accepts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "../../src/cli/args";

const repoRoot = path.resolve(__dirname, "../..");

interface Doc {
  name: string;
  text: string;
}

function docs(): Doc[] {
  const docsDir = path.join(repoRoot, "docs");
  const names = ["README.md", ...(existsSync(docsDir) ? readdirSync(docsDir) : []).filter((n) => n.endsWith(".md")).map((n) => `docs/${n}`)];
  return names.map((name) => ({ name, text: readFileSync(path.join(repoRoot, name), "utf8") }));
}

interface ShellBlock {
  doc: string;
  /** Where the block starts in its document, to order what it says against the others. */
  at: number;
  code: string;
}

function shellBlocks(doc: Doc): ShellBlock[] {
  return [...doc.text.matchAll(/^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm)].map((m) => ({ doc: doc.name, at: m.index, code: m[1] }));
}

const README = docs().find((d) => d.name === "README.md") as Doc;
const blocks = docs().flatMap(shellBlocks);
// The tool as installed, or run straight from the build.
const TOOL = /^(?:s3-image-hosting|node dist\/cli\.cjs)(?=\s|$)/;

/** The tool's commands a block runs, one per logical line (continuation lines joined). */
function toolCommands(block: ShellBlock): string[] {
  return block.code
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => TOOL.test(line));
}

/**
 * The arguments bash would pass to the tool for `command`, without running the tool. It runs
 * in an empty folder: a stray `>` in a documented command must not write into the project.
 */
function argvOf(command: string): string[] {
  const rest = command.replace(TOOL, "");
  const out = spawnSync("bash", ["--noprofile", "--norc", "-c", `set -f; printf '%s\\0'${rest}`], { encoding: "utf8", env: {}, cwd: scratch });
  if (out.status !== 0) throw new Error(`bash could not read: ${command}\n${out.stderr}`);
  return out.stdout.split("\0").slice(0, -1);
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "s3ih-readme-"));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("commands in the documentation", () => {
  it("finds the shell blocks of README.md, including its command-line example", () => {
    expect(shellBlocks(README).length).toBeGreaterThanOrEqual(4);
    expect(blocks.some((b) => toolCommands(b).some((c) => /\bupload\b/.test(c)))).toBe(true);
  });

  it("shows only shell that bash can parse, with no <placeholder> it would take as a redirection and no … it would keep as a value", () => {
    const problems: string[] = [];
    for (const block of blocks) {
      const parsed = spawnSync("bash", ["--noprofile", "--norc", "-n"], { input: block.code, encoding: "utf8" });
      if (parsed.status !== 0) problems.push(`${block.doc}: bash cannot parse\n${block.code}${parsed.stderr}`);
      for (const line of block.code.split("\n")) {
        for (const m of line.matchAll(/<[A-Za-z][^<>]*>|…/g)) problems.push(`${block.doc}: "${m[0]}" in ${line}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("shows only s3-image-hosting commands the tool accepts", () => {
    const commands = blocks.flatMap(toolCommands);
    expect(commands.length).toBeGreaterThan(0);
    const refused: string[] = [];
    for (const command of commands) {
      try {
        parseArgs(argvOf(command));
      } catch (e) {
        refused.push(`${command}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it("says how to install the s3-image-hosting command before the README first runs it", () => {
    // Offsets into README.md of the first `npm link` line and of the first line running the tool.
    const firstOffset = (match: (line: string) => boolean): number => {
      for (const block of shellBlocks(README)) {
        let offset = block.at;
        for (const line of block.code.split("\n")) {
          if (match(line.trim())) return offset;
          offset += line.length + 1;
        }
      }
      return Infinity;
    };
    const install = firstOffset((line) => /^npm link\b/.test(line));
    const firstUse = firstOffset((line) => /^s3-image-hosting(?=\s|$)/.test(line));
    expect(firstUse).toBeLessThan(Infinity);
    expect(install).toBeLessThan(firstUse);
  });
});

/**
 * The command-line tool (dist/cli.cjs) over canvases, against the real S3 server: found in a
 * vault's folders or given by name, their image file nodes and text cards uploaded and
 * rewritten, a second run changing nothing, and canvases refused outside Obsidian vaults.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, makeVault, runCli, serverFlags, type CliJson } from "../../support/cli";
import { anonymousGet, createTestBucket, removeTestBucket, uniquePng } from "../../support/s3";

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-cli-canvas-"));
  bucket = await createTestBucket("cli-canvas");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

async function upload(targets: string[], ...flags: string[]): Promise<{ code: number; out: CliJson; stderr: string; stdout: string }> {
  const run = await runCli(["upload", ...targets, ...serverFlags(bucket), ...flags, "--json"], cliEnv(work));
  let out = {} as CliJson;
  try {
    out = JSON.parse(run.stdout) as CliJson;
  } catch {
    // Left empty: the test looks at stderr.
  }
  return { code: run.code, out, stderr: run.stderr, stdout: run.stdout };
}

/** A canvas as Obsidian writes it: tab-indented, one node or edge a line. */
function canvas(nodes: object[], edges: object[] = []): string {
  const list = (items: object[]): string => items.map((n) => `\t\t${JSON.stringify(n)}`).join(",\n");
  return `{\n\t"nodes":[\n${list(nodes)}\n\t],\n\t"edges":[\n${list(edges)}\n\t]\n}`;
}

type Node = { id: string; type: string; text?: string; file?: string };
const nodesOf = (vault: string, file: string): Map<string, Node> =>
  new Map((JSON.parse(readFileSync(path.join(vault, file), "utf8")) as { nodes: Node[] }).nodes.map((n) => [n.id, n]));

describe("canvases in the command-line tool", () => {
  it("finds the canvases of an Obsidian vault, uploads their images, and a second run changes nothing", async () => {
    const [photo, card] = [uniquePng(), uniquePng()];
    const board = canvas(
      [
        { id: "a", type: "file", file: "Anhänge/Sonnenuntergang 1.png", x: 0, y: 0, width: 400, height: 300 },
        { id: "b", type: "text", text: "Notiz\n\n![Karte](card.png)", x: 0, y: 320, width: 300, height: 200 },
        { id: "c", type: "file", file: "Note.md", x: 420, y: 0, width: 300, height: 300 },
      ],
      [{ id: "e", fromNode: "a", toNode: "b" }],
    );
    const vault = makeVault(work, { "Boards/Board.canvas": board, "Anhänge/Sonnenuntergang 1.png": photo, "Boards/card.png": card, "Note.md": "text\n" });
    mkdirSync(path.join(vault, ".obsidian"));

    const first = await upload([vault]);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
    expect(first.out).toMatchObject({ uploaded: 2, rewritten: 2, failed: 0 });
    const nodes = nodesOf(vault, "Boards/Board.canvas");
    expect(nodes.get("a")?.type).toBe("text");
    expect(nodes.get("c")).toMatchObject({ type: "file", file: "Note.md" });
    const urls = [
      /^!\[Sonnenuntergang 1\]\((http[^)\s]+)\)$/.exec(nodes.get("a")?.text ?? "")?.[1],
      /!\[Karte\]\((http[^)\s]+)\)/.exec(nodes.get("b")?.text ?? "")?.[1],
    ];
    for (const [url, bytes] of [
      [urls[0], photo],
      [urls[1], card],
    ] as const) {
      expect(url).toBeDefined();
      const res = await anonymousGet(url as string);
      expect({ status: res.status, same: res.body.equals(Buffer.from(bytes)) }).toEqual({ status: 200, same: true });
    }
    const after = readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8");
    expect(after.split("\n").filter((line, i) => line !== board.split("\n")[i]).length).toBe(2);

    const second = await upload([vault]);
    expect(second.out).toMatchObject({ uploaded: 0, reused: 0, rewritten: 0, failed: 0 });
    expect(readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8")).toBe(after);
  });

  it("takes a canvas given by name", async () => {
    const vault = makeVault(work, { "One.canvas": canvas([{ id: "a", type: "file", file: "x.png", x: 0, y: 0, width: 1, height: 1 }]), "x.png": uniquePng() });
    const run = await upload([path.join(vault, "One.canvas")], "--site", "obsidian");
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(nodesOf(vault, "One.canvas").get("a")?.text).toMatch(/^!\[x\]\(http/);
  });

  it("refuses a canvas given in a folder that is not an Obsidian vault, and leaves the canvases of such a folder alone", async () => {
    const text = canvas([{ id: "a", type: "file", file: "x.png", x: 0, y: 0, width: 1, height: 1 }]);
    const vault = makeVault(work, { "One.canvas": text, "x.png": uniquePng(), "N.md": "no images\n" });
    const refused = await upload([path.join(vault, "One.canvas")], "--site", "plain");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `One.canvas is a canvas, which the tool reads only in an Obsidian vault (a folder with .obsidian at its root, or --site obsidian); ${vault} was read as a folder of notes.`,
    );
    const folder = await upload([vault], "--site", "plain");
    expect(folder.out).toMatchObject({ uploaded: 0, rewritten: 0, failed: 0 });
    expect(readFileSync(path.join(vault, "One.canvas"), "utf8")).toBe(text);
  });
});

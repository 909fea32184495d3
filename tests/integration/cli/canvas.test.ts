/**
 * The command-line tool (dist/cli.cjs) over canvases, against the real S3 server: found in a
 * vault's folders or given by name, their image file nodes and text cards uploaded and
 * rewritten, a second run changing nothing, and canvases refused outside Obsidian vaults;
 * then `relink`, `copy` and `download` over the same canvases.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliEnv, makeVault, runCli, serverFlags, sha256, type CliJson } from "../../support/cli";
import { anonymousGet, createTestBucket, removeTestBucket, s3TestEnv, uniquePng } from "../../support/s3";

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

/** A vault with `.obsidian`, whose canvas's image card and text card were uploaded: the canvas before and after, and the images. */
async function uploadedBoard(): Promise<{ vault: string; before: string; uploaded: string; photo: Uint8Array; card: Uint8Array }> {
  const [photo, card] = [uniquePng(), uniquePng()];
  const before = canvas(
    [
      { id: "a", type: "file", file: "Anhänge/Gipfel.png", x: 0, y: 0, width: 400, height: 300, color: "3" },
      { id: "b", type: "text", text: "Notiz\n\n![Karte](card.png)", x: 0, y: 320, width: 300, height: 200 },
      { id: "c", type: "file", file: "Note.md", subpath: "#Teil", x: 420, y: 0, width: 300, height: 300 },
    ],
    [{ id: "e", fromNode: "a", toNode: "b" }],
  );
  const vault = makeVault(work, { "Boards/Board.canvas": before, "Anhänge/Gipfel.png": photo, "Boards/card.png": card, "Note.md": "text\n" });
  mkdirSync(path.join(vault, ".obsidian"));
  const up = await upload([vault]);
  expect(up.out).toMatchObject({ uploaded: 2, rewritten: 2, failed: 0 });
  return { vault, before, uploaded: readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8"), photo, card };
}

const changedLines = (before: string, after: string): number[] => after.split("\n").flatMap((line, i) => (line === before.split("\n")[i] ? [] : [i]));

describe("relink, copy and download on canvases", () => {
  it("relink moves text cards and web-page cards of a vault's canvases, changing only those spans; a second run moves nothing", async () => {
    const base = `${s3TestEnv().endpoint}/${bucket}`;
    const board = canvas([
      { id: "t", type: "text", text: `![Gipfel](${base}/t/a.png)`, x: 0, y: 0, width: 10, height: 10 },
      { id: "l", type: "link", url: `${base}/t/b%20c.png`, x: 0, y: 20, width: 10, height: 10 },
      { id: "f", type: "file", file: "x.png", x: 0, y: 40, width: 10, height: 10 },
    ]);
    const vault = makeVault(work, { "Board.canvas": board, "N.md": `![n](${base}/t/n.png)\n` });
    mkdirSync(path.join(vault, ".obsidian"));
    const relink = (): Promise<{ code: number; stdout: string; stderr: string }> =>
      runCli(["relink", vault, "--from", base, "--to", "https://cdn.example.com/pics/", "--json"], {});
    const first = await relink();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(first.stdout)).toMatchObject({ notes: 2, links: 3, left: [], failed: [] });
    const after = readFileSync(path.join(vault, "Board.canvas"), "utf8");
    expect(after).toBe(
      board.replace(`](${base}/t/a.png)`, "](https://cdn.example.com/pics/t/a.png)").replace(`${base}/t/b%20c.png`, "https://cdn.example.com/pics/t/b%20c.png"),
    );
    const second = await relink();
    expect(JSON.parse(second.stdout)).toMatchObject({ notes: 0, links: 0 });
    expect(readFileSync(path.join(vault, "Board.canvas"), "utf8")).toBe(after);

    const plain = makeVault(work, { "Board.canvas": board });
    const refused = await runCli(["relink", path.join(plain, "Board.canvas"), "--from", base, "--to", "https://cdn.example.com/pics/", "--site", "plain"], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Board.canvas is a canvas, which the tool reads only in an Obsidian vault");
    expect(readFileSync(path.join(plain, "Board.canvas"), "utf8")).toBe(board);
  });

  it("copy copies the images a canvas shows to the other bucket and moves its links there; a second run copies nothing", async () => {
    const { vault, uploaded, photo, card } = await uploadedBoard();
    const to = await createTestBucket("cli-canvas-to");
    try {
      const env = s3TestEnv();
      const config = path.join(work, "to.json");
      writeFileSync(
        config,
        JSON.stringify({ endpoint: env.endpoint, region: env.region, bucket: to, forcePathStyle: true, acl: "public-read", keyTemplate: "t/{hash:64}.{ext}" }),
      );
      const copy = (): Promise<{ code: number; stdout: string; stderr: string }> =>
        runCli(["copy", vault, "--to-config", config, "--json", ...serverFlags(bucket)], cliEnv(work));
      const first = await copy();
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
      expect(JSON.parse(first.stdout)).toMatchObject({ links: 2, notes: 1 });
      const after = readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8");
      expect(after).toBe(uploaded.split(`${env.endpoint}/${bucket}/`).join(`${env.endpoint}/${to}/`));
      for (const [url, bytes] of [
        [/!\[Gipfel\]\((http[^)\s]+)\)/.exec(after)?.[1], photo],
        [/!\[Karte\]\((http[^)\s]+)\)/.exec(after)?.[1], card],
      ] as const) {
        expect(url).toContain(`/${to}/`);
        const res = await anonymousGet(url as string);
        expect({ status: res.status, same: res.body.equals(Buffer.from(bytes)) }).toEqual({ status: 200, same: true });
      }
      const second = await copy();
      expect(JSON.parse(second.stdout)).toMatchObject({ images: [], links: 0, notes: 0 });
      expect(readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8")).toBe(after);
    } finally {
      await removeTestBucket(to);
    }
  });

  it("download puts the images back and the image card back as it was; a second run changes nothing", async () => {
    const { vault, before, uploaded, photo, card } = await uploadedBoard();
    rmSync(path.join(vault, "Anhänge"), { recursive: true });
    rmSync(path.join(vault, "Boards/card.png"));
    const download = (): Promise<{ code: number; stdout: string; stderr: string }> =>
      runCli(["download", vault, ...serverFlags(bucket), "--json"], cliEnv(work));
    const first = await download();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(first.stdout)).toEqual({ downloaded: 2, rewritten: 2, skipped: 0, failed: 0, failures: [] });
    expect(sha256(readFileSync(path.join(vault, "Anhänge/Gipfel.png")))).toBe(sha256(photo));
    expect(sha256(readFileSync(path.join(vault, "Boards/card.png")))).toBe(sha256(card));
    const after = readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8");
    expect(changedLines(uploaded, after)).toEqual([2, 3]);
    // The image card is the node it was before the upload, byte for byte.
    expect(after.split("\n")[2]).toBe(before.split("\n")[2]);
    expect(nodesOf(vault, "Boards/Board.canvas").get("b")).toMatchObject({ type: "text", text: "Notiz\n\n![[card.png|Karte]]" });

    const second = await download();
    expect(JSON.parse(second.stdout)).toEqual({ downloaded: 0, rewritten: 0, skipped: 0, failed: 0, failures: [] });
    expect(readFileSync(path.join(vault, "Boards/Board.canvas"), "utf8")).toBe(after);
  });
});

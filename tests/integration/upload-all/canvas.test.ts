/**
 * "Upload all local images" over canvases inside (a faithful fake of) Obsidian, uploading for
 * real to the S3 test server: the canvas's file menu, a folder's canvases, a second run that
 * changes nothing, and the trash step keeping an image another canvas still shows.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, Plugin as ObsidianPlugin, TFile as ObsidianTFile } from "obsidian";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { uploadAllLocalImages, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { registerUploadAll } from "../../../src/obsidian/uploadAllCommand";
import { Menu, Notice, Plugin, type App, type TFile } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { refreshResolvedLinks } from "../../fakes/uploadAllFakes";
import { anonymousGet, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";
import { vaultIn, sdkUploaders } from "../../support/uploadAllRig";
import { RequestRecorder } from "../../support/requestRecorder";

let work: string;
let bucket: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-canvas-"));
  bucket = await createTestBucket("canvas");
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

function deps(app: App, transport: RequestRecorder, settings: Partial<PluginSettings> = {}): UploadAllDeps {
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, acl: "public-read" });
  const current = { ...readySettings(profile), concurrency: 2, ...settings };
  const index = new MemoryUploadIndex();
  return {
    settings: () => current,
    getUploader: sdkUploaders(transport, index),
  };
}

const asApp = (app: App): ObsidianApp => app as unknown as ObsidianApp;
const asFile = (file: TFile | null): ObsidianTFile => {
  if (!file) throw new Error("no such file");
  return file as unknown as ObsidianTFile;
};

class TestPlugin extends Plugin {}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A canvas as Obsidian writes it: tab-indented, one node or edge a line. */
function canvas(nodes: object[], edges: object[] = []): string {
  const list = (items: object[]): string => items.map((n) => `\t\t${JSON.stringify(n)}`).join(",\n");
  return `{\n\t"nodes":[\n${list(nodes)}\n\t],\n\t"edges":[\n${list(edges)}\n\t]\n}`;
}

type Node = { id: string; type: string; text?: string; file?: string; x: number; y: number; width: number; height: number; color?: string };

const IMAGE_URL = /^!\[[^\]]*\]\((http[^)\s]+)\)$/;

describe("upload all local images on a canvas", () => {
  it("turns the image file nodes of a canvas into cards of the uploaded images, from its file menu, and a second run changes nothing", async () => {
    const [photo, map] = [uniquePng(), uniquePng()];
    const before = canvas(
      [
        { id: "g", type: "group", label: "Wanderung", x: -50, y: -50, width: 900, height: 600 },
        { id: "a", type: "file", file: "Bilder/Gipfel über Zürich.png", x: 0, y: 0, width: 400, height: 300, color: "3" },
        { id: "n", type: "file", file: "Plan.md", subpath: "#Route", x: 420, y: 0, width: 300, height: 300 },
        { id: "t", type: "text", text: "Karte:\n\n![[map.png|200]]", x: 0, y: 320, width: 300, height: 200 },
      ],
      [{ id: "e", fromNode: "a", fromSide: "right", toNode: "t", toSide: "left" }],
    );
    const app = vaultIn(work, { "Trips/Board.canvas": before, "Bilder/Gipfel über Zürich.png": photo, "Trips/map.png": map, "Plan.md": "# Route\n" });
    const p = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
    const transport = new RequestRecorder();
    registerUploadAll(p as unknown as ObsidianPlugin, deps(app, transport));
    const menu = new Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("Trips/Board.canvas"), "file-explorer");
    expect(menu.items.map((i) => i.title)).toEqual(["Upload all local images"]);

    menu.items[0].callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Upload all local images (Trips/Board.canvas)")), "the summary notice");
    expect(Notice.messages.find((m) => m.startsWith("Upload all local images (Trips/Board.canvas)"))).toContain(
      "2 uploaded, 0 already in the bucket; 2 links rewritten",
    );

    const canvasFile = app.vault.getFileByPath("Trips/Board.canvas") as TFile;
    const after = await app.vault.read(canvasFile);
    const nodes = (JSON.parse(after) as { nodes: Node[]; edges: { fromNode: string; toNode: string }[] }).nodes;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(byId.get("a")).toMatchObject({ type: "text", x: 0, y: 0, width: 400, height: 300, color: "3" });
    expect(byId.get("a")).not.toHaveProperty("file");
    expect(byId.get("n")).toMatchObject({ type: "file", file: "Plan.md", subpath: "#Route" });
    const photoUrl = IMAGE_URL.exec(byId.get("a")?.text ?? "")?.[1];
    const mapUrl = /!\[map\|200\]\((http[^)\s]+)\)/.exec(byId.get("t")?.text ?? "")?.[1];
    for (const [url, bytes] of [
      [photoUrl, photo],
      [mapUrl, map],
    ] as const) {
      expect(url).toBeDefined();
      const res = await anonymousGet(url as string);
      expect({ status: res.status, same: res.body.equals(Buffer.from(bytes)) }).toEqual({ status: 200, same: true });
    }
    // Only the two nodes changed: every other line is as it was, tabs included.
    const changed = after.split("\n").filter((line, i) => line !== before.split("\n")[i]);
    expect(changed.map((l) => /"id":"(\w+)"/.exec(l)?.[1])).toEqual(["a", "t"]);

    const puts = transport.count("PUT");
    const again = await uploadAllLocalImages(asApp(app), [asFile(canvasFile)], deps(app, transport));
    expect(again.report).toMatchObject({ uploaded: 0, reused: 0, rewritten: 0, failed: 0, files: [] });
    expect(transport.count("PUT")).toBe(puts);
    expect(await app.vault.read(canvasFile)).toBe(after);
  });

  it("includes the canvases of a folder with its notes, and offers nothing for a file that is neither", async () => {
    const app = vaultIn(work, {
      "Blog/Board.canvas": canvas([{ id: "a", type: "file", file: "Blog/x.png", x: 0, y: 0, width: 10, height: 10 }]),
      "Blog/Post.md": "![[x.png]]",
      "Blog/x.png": uniquePng(),
      "Blog/doc.pdf": "%PDF-1.4",
    });
    const p = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
    registerUploadAll(p as unknown as ObsidianPlugin, deps(app, new RequestRecorder()));
    const menuFor = (filePath: string): Menu => {
      const menu = new Menu();
      app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(filePath), "file-explorer");
      return menu;
    };
    expect(menuFor("Blog/doc.pdf").items).toHaveLength(0);
    menuFor("Blog").items[0].callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Upload all local images (2 notes)")), "the summary notice");
    const board = JSON.parse(await app.vault.read(app.vault.getFileByPath("Blog/Board.canvas") as TFile)) as { nodes: Node[] };
    expect(board.nodes[0].text).toMatch(IMAGE_URL);
    expect(await app.vault.read(app.vault.getFileByPath("Blog/Post.md") as TFile)).toMatch(/^!\[x\]\(http/);
  });

  it("with trash after upload, keeps an image another canvas still shows and trashes one only this canvas showed", async () => {
    const app = vaultIn(work, {
      "Board.canvas": canvas([
        { id: "a", type: "file", file: "only.png", x: 0, y: 0, width: 10, height: 10 },
        { id: "b", type: "file", file: "shared.png", x: 0, y: 20, width: 10, height: 10 },
      ]),
      // Obsidian writes names as they are; another program may escape them, which must not hide the name.
      "Other.canvas": '{"nodes":[{"id":"s","type":"file","file":"sh\\u0061red.png","x":0,"y":0,"width":1,"height":1}]}',
      "only.png": uniquePng(),
      "shared.png": uniquePng(),
    });
    await refreshResolvedLinks(app);
    const { report, trashed } = await uploadAllLocalImages(
      asApp(app),
      [asFile(app.vault.getFileByPath("Board.canvas"))],
      deps(app, new RequestRecorder(), { trashAfterUpload: true }),
    );
    expect(report).toMatchObject({ uploaded: 2, rewritten: 2 });
    expect(trashed).toEqual(["only.png"]);
    expect(app.vault.getFileByPath("shared.png")).not.toBeNull();
    const dir = (app.vault as unknown as { baseDir: string }).baseDir;
    expect(readFileSync(path.join(dir, "Other.canvas"), "utf8")).toContain("sh\\u0061red.png");
  });

  it("reports a canvas that is not valid JSON and leaves it as it was", async () => {
    const app = vaultIn(work, { "Broken.canvas": '{"nodes":[{"id":"a","type":"file","file":"a.png"', "a.png": uniquePng() });
    const { report } = await uploadAllLocalImages(asApp(app), [asFile(app.vault.getFileByPath("Broken.canvas"))], deps(app, new RequestRecorder()));
    expect(report.failures).toEqual([
      {
        note: "Broken.canvas",
        link: "",
        code: "UnreadableFile",
        message: 'The canvas "Broken.canvas" could not be read: it is not valid JSON (expected "," or "}" at line 1); it was left as it was.',
      },
    ]);
    expect(await app.vault.read(app.vault.getFileByPath("Broken.canvas") as TFile)).toBe('{"nodes":[{"id":"a","type":"file","file":"a.png"');
  });
});

/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 *
 * Inside (a faithful fake of) Obsidian, against the real S3 test server: "Download images back"
 * brings uploaded images back as attachments linked in the vault's style, and a second
 * "Upload all" then puts nothing and writes the same links; "Upload all" re-hosts web images
 * when asked; "Upload and link everywhere" uploads one image and relinks it in every note.
 */
// The fake goes first: it gives jsdom the TextEncoder the SDK needs when it loads.
import { createFakeApp, Menu, Modal, Notice, Plugin, type App, type FileManagerOptions, type TFile } from "../../fakes/obsidian";
import { sdkUploaders } from "../../support/uploadAllRig";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App as ObsidianApp, Plugin as ObsidianPlugin, TFile as ObsidianTFile } from "obsidian";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { MemoryUploadIndex } from "../../../src/core/settings/uploadIndex";
import { bucketScope } from "../../../src/core/link/publicUrl";
import { downloadImagesBack } from "../../../src/obsidian/downloadBack";
import { registerDownloadCommands } from "../../../src/obsidian/downloadCommands";
import { uploadAllLocalImages, type UploadAllDeps } from "../../../src/obsidian/uploadAll";
import { refreshResolvedLinks } from "../../fakes/uploadAllFakes";
import { startLocalServer, type LocalServer } from "../../support/localServer";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";
import { RequestRecorder } from "../../support/requestRecorder";
import { adminClient, createTestBucket, removeTestBucket, testCredentials, testProfile, uniquePng } from "../../support/s3";

let work: string;
let bucket: string;
let server: LocalServer;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-lifecycle-"));
  bucket = await createTestBucket("lifecycle");
  server = await startLocalServer();
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});
beforeEach(() => Notice.reset());

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

const dirs = new Map<App, string>();
function vault(files: Record<string, string | Uint8Array>, options: FileManagerOptions = {}): App {
  const dir = mkdtempSync(path.join(work, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  const app = createFakeApp(dir, options);
  dirs.set(app, dir);
  return app;
}

interface Rig {
  deps: UploadAllDeps;
  settings: PluginSettings;
  transport: RequestRecorder;
  index: MemoryUploadIndex;
}

/** Settings whose active profile is the test bucket (keys `img/<sha256>.<ext>`), with its keys stored. */
function rig(app: App, settings: Partial<PluginSettings> = {}): Rig {
  const creds = testCredentials();
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket, acl: "public-read", keyTemplate: "img/{hash}.{ext}" });
  const current = { ...readySettings(profile), concurrency: 4, ...settings };
  const index = new MemoryUploadIndex();
  const transport = new RequestRecorder();
  return {
    settings: current,
    transport,
    index,
    deps: {
      settings: () => current,
      getUploader: sdkUploaders(transport, index),
    },
  };
}

const asApp = (app: App): ObsidianApp => app as unknown as ObsidianApp;
const file = (app: App, p: string): ObsidianTFile => {
  const f = app.vault.getFileByPath(p);
  if (!f) throw new Error(`no ${p}`);
  return f as unknown as ObsidianTFile;
};
const read = (app: App, p: string): Promise<string> => app.vault.read(app.vault.getFileByPath(p) as TFile);
const bytesOf = (app: App, p: string): Buffer => readFileSync(path.join(dirs.get(app) as string, p));
const publicUrl = (key: string): string => `${process.env.S3_TEST_ENDPOINT}/${bucket}/${key}`;

async function putPublic(key: string, bytes: Uint8Array): Promise<string> {
  const client = adminClient();
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ACL: "public-read", ContentType: "image/png" }));
  } finally {
    client.destroy();
  }
  return publicUrl(key);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what} ${JSON.stringify(Notice.messages)} ${Modal.openModals.length}`);
}

const buttonOf = (modal: Modal, text: string): HTMLButtonElement => {
  const button = [...modal.contentEl.querySelectorAll("button")].find((b) => b.textContent === text);
  if (!button) throw new Error(`no button "${text}"`);
  return button;
};

class TestPlugin extends Plugin {}
const plugin = (app: App): TestPlugin =>
  new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });

describe("Download images back", () => {
  it.each<[string, FileManagerOptions]>([
    ["wikilinks, attachments folder", { attachmentFolderPath: "Attachments" }],
    ["markdown links beside the note", { useMarkdownLinks: true, attachmentFolderPath: "./" }],
  ])(
    "%s: after Upload all and Download back, every note shows the same images from local files; a second Upload all puts nothing and writes the same links",
    async (_n, options) => {
      const a = uniquePng();
      const b = uniquePng();
      const app = vault({ "Notes/One.md": "![[a.png|100]] and ![Bee](b.png)\n", "Two.md": "![[a.png]]\n", "a.png": a, "Notes/b.png": b }, options);
      const { deps, transport } = rig(app);
      const notes = [file(app, "Notes/One.md"), file(app, "Two.md")];

      const first = await uploadAllLocalImages(asApp(app), notes, deps);
      expect(first.report).toMatchObject({ uploaded: 2, rewritten: 3, failed: 0 });
      const linked = { one: await read(app, "Notes/One.md"), two: await read(app, "Two.md") };
      await app.vault.delete(app.vault.getFileByPath("a.png") as TFile);
      await app.vault.delete(app.vault.getFileByPath("Notes/b.png") as TFile);

      const back = await downloadImagesBack(asApp(app), ["Notes/One.md", "Two.md"], deps.settings());
      expect(back).toMatchObject({ downloaded: 2, rewritten: 3, skipped: 0, failed: 0 });
      const savedA = back.files.find((f) => f.url.endsWith(`${sha256(a)}.png`))?.path as string;
      const savedB = back.files.find((f) => f.url.endsWith(`${sha256(b)}.png`))?.path as string;
      expect(sha256(bytesOf(app, savedA))).toBe(sha256(a));
      expect(sha256(bytesOf(app, savedB))).toBe(sha256(b));
      if (options.useMarkdownLinks) {
        expect([savedA, savedB]).toEqual([`Notes/${sha256(a)}.png`, `Notes/${sha256(b)}.png`]);
        expect(await read(app, "Notes/One.md")).toBe(`![a|100](${sha256(a)}.png) and ![Bee](${sha256(b)}.png)\n`);
        // "Shortest path": the bare name, as no other file has it.
        expect(await read(app, "Two.md")).toBe(`![a](${sha256(a)}.png)\n`);
      } else {
        expect([savedA, savedB]).toEqual([`Attachments/${sha256(a)}.png`, `Attachments/${sha256(b)}.png`]);
        expect(await read(app, "Notes/One.md")).toBe(`![[${sha256(a)}.png|a|100]] and ![[${sha256(b)}.png|Bee]]\n`);
        // The upload wrote `![a](…)` for `![[a.png]]`: the alt text comes back as display text.
        expect(await read(app, "Two.md")).toBe(`![[${sha256(a)}.png|a]]\n`);
      }

      const putsBefore = transport.count("PUT");
      const second = await uploadAllLocalImages(asApp(app), notes, deps);
      expect(second.report).toMatchObject({ uploaded: 0, reused: 2, rewritten: 3, failed: 0 });
      expect(transport.count("PUT")).toBe(putsBefore);
      expect(await read(app, "Notes/One.md")).toBe(linked.one);
      expect(await read(app, "Two.md")).toBe(linked.two);
    },
  );

  it("refuses bytes that do not have the hash in their key and a missing image, keeping their links; the menu items and notice say so", async () => {
    const real = uniquePng();
    const wrong = await putPublic(`img/${sha256(real)}.png`, uniquePng());
    const missing = publicUrl(`img/${sha256(uniquePng())}.png`);
    const good = uniquePng();
    const fine = await putPublic(`img/${sha256(good)}.png`, good);
    const note = `![w](${wrong}) ![m](${missing}) ![g](${fine}) ![web](${server.url}/elsewhere.png)\n`;
    const app = vault({ "Blog/N.md": note, "Other.md": "nothing\n" });
    const { deps } = rig(app);
    const p = plugin(app);
    registerDownloadCommands(p as unknown as ObsidianPlugin, deps);
    const menuFor = (target: string): Menu => {
      const menu = new Menu();
      app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(target), "file-explorer");
      return menu;
    };
    expect(menuFor("Blog/N.md").items.map((i) => i.title)).toEqual(["Download images back"]);
    expect(menuFor("Blog").items.map((i) => i.title)).toEqual(["Download images back in this folder"]);
    expect(menuFor("/").items.map((i) => i.title)).toEqual(["Download images back in the whole vault"]);

    menuFor("/").items[0].callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Download images back (the vault)")), "the summary");

    const summary = Notice.messages.find((m) => m.startsWith("Download images back (the vault)")) as string;
    expect(summary).toContain("1 downloaded; 1 link rewritten, 0 skipped, 2 failed.");
    expect(summary).toMatch(/Blog\/N\.md: !\[w\]\([^)]+\) — "[^"]+" answered with other bytes than the image its key names/);
    expect(summary).toMatch(/!\[m\]\([^)]+\) — "[^"]+" refused the download \(HTTP 403\)/);
    expect(await read(app, "Blog/N.md")).toBe(note.replace(`![g](${fine})`, `![[${sha256(good)}.png|g]]`));
    expect(
      app.vault
        .getFiles()
        .filter((f) => f.extension === "png")
        .map((f) => f.path),
    ).toEqual([`${sha256(good)}.png`]);
  });
});

describe("Download images back to the path it was uploaded from", () => {
  it("puts an image back at its old vault path when that is free, links the file there when it holds the same bytes, and goes where attachments go when a file with other bytes has it", async () => {
    const a = uniquePng();
    const b = uniquePng();
    const c = uniquePng();
    const note = "![[photo 1.png]] ![[ünï b.png]] ![[c.png]]\n";
    const app = vault({ "Notes/One.md": note, "Notes/Deep/photo 1.png": a, "Pics/ünï b.png": b, "c.png": c }, { attachmentFolderPath: "Attachments" });
    await refreshResolvedLinks(app);
    const { deps, index, settings } = rig(app);
    const first = await uploadAllLocalImages(asApp(app), [file(app, "Notes/One.md")], deps);
    expect(first.report).toMatchObject({ uploaded: 3, rewritten: 3, failed: 0 });
    const scope = bucketScope(settings.profiles[0]);
    expect(index.get(scope, sha256(a))?.path).toBe("Notes/Deep/photo 1.png");
    expect(index.get(scope, sha256(b))?.path).toBe("Pics/ünï b.png");

    // The first file and its folder are gone; another picture now has the second's path; the third is still there.
    await app.vault.delete(app.vault.getFileByPath("Notes/Deep/photo 1.png") as TFile);
    await app.vault.delete(app.vault.getAbstractFileByPath("Notes/Deep") as never);
    await app.vault.delete(app.vault.getFileByPath("Pics/ünï b.png") as TFile);
    const other = uniquePng();
    await app.vault.createBinary("Pics/ünï b.png", new Uint8Array(other).buffer);

    const p = plugin(app);
    registerDownloadCommands(p as unknown as ObsidianPlugin, { ...deps, uploads: async () => index });
    const menu = new Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("Notes/One.md"), "file-explorer");
    menu.items[0].callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Download images back (Notes/One.md)")), "the summary");
    expect(Notice.messages.at(-1)).toBe("Download images back (Notes/One.md): 3 downloaded; 3 links rewritten, 0 skipped, 0 failed.");

    expect(sha256(bytesOf(app, "Notes/Deep/photo 1.png"))).toBe(sha256(a));
    expect(sha256(bytesOf(app, "Pics/ünï b.png"))).toBe(sha256(other));
    expect(sha256(bytesOf(app, `Attachments/${sha256(b)}.png`))).toBe(sha256(b));
    expect(sha256(bytesOf(app, "c.png"))).toBe(sha256(c));
    expect(
      app.vault
        .getFiles()
        .filter((f) => f.extension === "png")
        .map((f) => f.path)
        .sort(),
    ).toEqual([`Attachments/${sha256(b)}.png`, "Notes/Deep/photo 1.png", "Pics/ünï b.png", "c.png"]);
    expect(await read(app, "Notes/One.md")).toBe(`![[photo 1.png|photo 1]] ![[${sha256(b)}.png|ünï b]] ![[c.png|c]]\n`);
  });
});

describe("Re-host web images", () => {
  it("with the setting on, uploads web images, keeps the links of a page, a missing image and a denied host, and never re-hosts the bucket's own links", async () => {
    const png = uniquePng();
    const web = server.serve(`/p/${sha256(png).slice(0, 10)}.png`, png);
    const page = server.serve("/p/page.png", "<html></html>", { "Content-Type": "text/html" });
    const missing = `${server.url}/p/missing.png`;
    const denied = web.replace("127.0.0.1", "localhost");
    const ours = await putPublic(`img/${sha256(uniquePng())}.png`, uniquePng());
    const note = `![w](${web}) ![p](${page}) ![m](${missing}) ![d](${denied}) ![o](${ours})\n`;
    const app = vault({ "N.md": note });
    const { deps } = rig(app, { rehostWebImages: true, webImageDeny: ["localhost"] });
    const asked = server.seen.length;

    const { report } = await uploadAllLocalImages(asApp(app), [file(app, "N.md")], deps);

    expect(report).toMatchObject({ uploaded: 1, rewritten: 1, skipped: 1, failed: 2 });
    expect(report.failures.map((f) => f.code)).toEqual(["PublicUrlNotImage", "PublicUrlNotFound"]);
    expect(report.skippedHosts).toEqual([{ note: "N.md", link: `![d](${denied})` }]);
    expect(await read(app, "N.md")).toBe(note.replace(web, publicUrl(`img/${sha256(png)}.png`)));
    expect(server.seen.length - asked).toBe(3);
  });

  it("is off by default: web images keep their links and nothing is fetched", async () => {
    const web = server.serve("/p/off.png", uniquePng());
    const app = vault({ "N.md": `![](${web})\n` });
    const asked = server.seen.length;
    const { report } = await uploadAllLocalImages(asApp(app), [file(app, "N.md")], rig(app).deps);
    expect(report).toMatchObject({ uploaded: 0, rewritten: 0, failed: 0 });
    expect(server.seen.length).toBe(asked);
  });
});

describe("Upload and link everywhere", () => {
  it("from the file menu of an image: uploads it, rewrites every link to it in every note and no other link, then trashes the local copy", async () => {
    const shot = uniquePng();
    const app = vault({
      "A.md": "![[shot.png|200]] and ![[other.png]]\n",
      "Deep/B.md": "![x](../shot.png)\n",
      "C.md": "no images\n",
      "shot.png": shot,
      "other.png": uniquePng(),
    });
    await refreshResolvedLinks(app);
    const { deps, transport } = rig(app, { trashAfterUpload: true });
    registerDownloadCommands(plugin(app) as unknown as ObsidianPlugin, deps);
    const menu = new Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("shot.png"), "file-explorer");
    expect(menu.items.map((i) => i.title)).toEqual(["Upload and link everywhere"]);

    menu.items[0].callback?.({} as MouseEvent);
    // The file will be trashed: the dialog says so, with the number of notes, before anything happens.
    await until(() => Modal.openModals.length === 1, "the confirmation");
    const dialog = Modal.openModals[0];
    expect(dialog.contentEl.textContent).toContain("every link to it in 2 notes will become its public URL");
    expect(dialog.contentEl.textContent).toContain("shot.png will be moved to the trash");
    expect(transport.count() + Notice.messages.length).toBe(0);
    buttonOf(dialog, "Upload, change 2 notes and trash the file").click();
    await until(() => Notice.messages.some((m) => m.startsWith("Upload and link everywhere (")), "the summary");

    const url = publicUrl(`img/${sha256(shot)}.png`);
    expect(await read(app, "A.md")).toBe(`![shot|200](${url}) and ![[other.png]]\n`);
    expect(await read(app, "Deep/B.md")).toBe(`![x](${url})\n`);
    expect(Notice.messages.find((m) => m.startsWith("Upload and link everywhere ("))).toContain("(shot.png, linked from 2 notes): 1 uploaded");
    expect(app.vault.getFileByPath("shot.png")).toBeNull();
    expect(app.vault.getFileByPath("other.png")).not.toBeNull();
  });

  it("with the trash setting on, Cancel in the confirmation uploads nothing and changes nothing", async () => {
    const shot = uniquePng();
    const app = vault({ "A.md": "![[shot.png]]\n", "shot.png": shot });
    await refreshResolvedLinks(app);
    const { deps, transport } = rig(app, { trashAfterUpload: true });
    registerDownloadCommands(plugin(app) as unknown as ObsidianPlugin, deps);
    const menu = new Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("shot.png"), "file-explorer");
    menu.items[0].callback?.({} as MouseEvent);
    await until(() => Modal.openModals.length === 1, "the confirmation");
    expect(Modal.openModals[0].contentEl.textContent).toContain("in 1 note will");
    buttonOf(Modal.openModals[0], "Cancel").click();
    await new Promise((r) => setTimeout(r, 200));
    expect(Modal.openModals).toHaveLength(0);
    expect(transport.count()).toBe(0);
    expect(await read(app, "A.md")).toBe("![[shot.png]]\n");
    expect(bytesOf(app, "shot.png").equals(Buffer.from(shot))).toBe(true);
  });

  it("from the editor menu of a local embed under the cursor, and not elsewhere in the note", async () => {
    const shot = uniquePng();
    const app = vault({ "A.md": "text here\n![[shot.png]]\n", "B.md": "![[shot.png]]\n", "shot.png": shot });
    await refreshResolvedLinks(app);
    const { deps } = rig(app);
    registerDownloadCommands(plugin(app) as unknown as ObsidianPlugin, deps);
    const view = await app.workspace.openFile(app.vault.getFileByPath("A.md") as TFile);
    const menuAt = (line: number, ch: number): Menu => {
      view.editor.setCursor({ line, ch });
      const menu = new Menu();
      app.workspace.trigger("editor-menu", menu, view.editor, view);
      return menu;
    };
    expect(menuAt(0, 2).items).toHaveLength(0);
    const menu = menuAt(1, 4);
    expect(menu.items.map((i) => i.title)).toEqual(["Upload and link everywhere"]);

    menu.items[0].callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Upload and link everywhere (")), "the summary");
    const url = publicUrl(`img/${sha256(shot)}.png`);
    expect(view.editor.getValue()).toBe(`text here\n![shot](${url})\n`);
    expect(await read(app, "B.md")).toBe(`![shot](${url})\n`);
    // Trash after upload is off: the local file stays.
    expect(app.vault.getFileByPath("shot.png")).not.toBeNull();
  });
});

/** A canvas as Obsidian writes it: tab-indented, one node or edge a line. */
function canvas(nodes: object[], edges: object[] = []): string {
  const list = (items: object[]): string => items.map((n) => `\t\t${JSON.stringify(n)}`).join(",\n");
  return `{\n\t"nodes":[\n${list(nodes)}\n\t],\n\t"edges":[\n${list(edges)}\n\t]\n}`;
}

describe("Canvases", () => {
  it("Download back from a canvas's file menu undoes Upload all: the image card comes back as it was, a text card's link becomes a local embed; a second run changes nothing", async () => {
    const [photo, map] = [uniquePng(), uniquePng()];
    const imageCard = { id: "a", type: "file", file: "Bilder/Gipfel.png", x: 0, y: 0, width: 400, height: 300, color: "3" };
    const before = canvas(
      [
        imageCard,
        { id: "t", type: "text", text: "Karte:\n\n![[map.png|200]]", x: 0, y: 320, width: 300, height: 200 },
        { id: "n", type: "file", file: "Plan.md", subpath: "#Route", x: 420, y: 0, width: 300, height: 300 },
      ],
      [{ id: "e", fromNode: "a", fromSide: "right", toNode: "t", toSide: "left" }],
    );
    const app = vault(
      { "Trips/Board.canvas": before, "Bilder/Gipfel.png": photo, "Trips/map.png": map, "Plan.md": "# Route\n" },
      { attachmentFolderPath: "Attachments" },
    );
    const { deps, index } = rig(app);
    const up = await uploadAllLocalImages(asApp(app), [file(app, "Trips/Board.canvas")], deps);
    expect(up.report).toMatchObject({ uploaded: 2, rewritten: 2, failed: 0 });
    const uploaded = await read(app, "Trips/Board.canvas");
    expect(JSON.parse(uploaded).nodes[0]).toMatchObject({ type: "text", text: `![Gipfel](${publicUrl(`img/${sha256(photo)}.png`)})` });
    await app.vault.delete(app.vault.getFileByPath("Bilder/Gipfel.png") as TFile);
    await app.vault.delete(app.vault.getFileByPath("Trips/map.png") as TFile);

    const p = plugin(app);
    registerDownloadCommands(p as unknown as ObsidianPlugin, { ...deps, uploads: async () => index });
    const menu = new Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("Trips/Board.canvas"), "file-explorer");
    expect(menu.items.map((i) => i.title)).toEqual(["Download images back"]);
    menu.items[0].callback?.({} as MouseEvent);
    await until(() => Notice.messages.some((m) => m.startsWith("Download images back (Trips/Board.canvas)")), "the summary");
    expect(Notice.messages.at(-1)).toBe("Download images back (Trips/Board.canvas): 2 downloaded; 2 links rewritten, 0 skipped, 0 failed.");

    expect(bytesOf(app, "Bilder/Gipfel.png").equals(Buffer.from(photo))).toBe(true);
    expect(bytesOf(app, "Trips/map.png").equals(Buffer.from(map))).toBe(true);
    const after = await read(app, "Trips/Board.canvas");
    expect(after).toBe(before.replace('"text":"Karte:\\n\\n![[map.png|200]]"', '"text":"Karte:\\n\\n![[map.png|map|200]]"'));

    const again = await downloadImagesBack(asApp(app), ["Trips/Board.canvas"], rig(app).settings, { uploads: index });
    expect(again).toMatchObject({ downloaded: 0, rewritten: 0, failed: 0, files: [] });
    expect(await read(app, "Trips/Board.canvas")).toBe(after);
  });

  it("Upload and link everywhere counts and rewrites the canvases that show the image, as image card or embed, and trashes it only after asking", async () => {
    const shot = uniquePng();
    const board = canvas([
      { id: "a", type: "file", file: "Pics/shot.png", x: 0, y: 0, width: 10, height: 10 },
      { id: "t", type: "text", text: "![[shot.png]] and ![[other.png]]", x: 0, y: 20, width: 10, height: 10 },
      { id: "o", type: "file", file: "other.png", x: 0, y: 40, width: 10, height: 10 },
    ]);
    const unrelated = canvas([{ id: "o", type: "file", file: "other.png", x: 0, y: 0, width: 10, height: 10 }]);
    const app = vault({ "Boards/Board.canvas": board, "Unrelated.canvas": unrelated, "Pics/shot.png": shot, "other.png": uniquePng() });
    await refreshResolvedLinks(app);
    const { deps } = rig(app, { trashAfterUpload: true });
    registerDownloadCommands(plugin(app) as unknown as ObsidianPlugin, deps);
    const menu = new Menu();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("Pics/shot.png"), "file-explorer");
    menu.items[0].callback?.({} as MouseEvent);
    await until(() => Modal.openModals.length === 1, "the confirmation");
    expect(Modal.openModals[0].contentEl.textContent).toContain("every link to it in 1 note will become its public URL");
    buttonOf(Modal.openModals[0], "Upload, change 1 note and trash the file").click();
    await until(() => Notice.messages.some((m) => m.startsWith("Upload and link everywhere (")), "the summary");
    expect(Notice.messages.at(-1)).toContain("(Pics/shot.png, linked from 1 note): 1 uploaded");

    const url = publicUrl(`img/${sha256(shot)}.png`);
    const after = await read(app, "Boards/Board.canvas");
    const nodes = JSON.parse(after).nodes as { type: string; text?: string }[];
    expect(nodes[0]).toMatchObject({ type: "text", text: `![shot](${url})` });
    expect(nodes[1].text).toBe(`![shot](${url}) and ![[other.png]]`);
    expect(after.split("\n")[4]).toBe(board.split("\n")[4]);
    expect(await read(app, "Unrelated.canvas")).toBe(unrelated);
    expect(app.vault.getFileByPath("Pics/shot.png")).toBeNull();
  });
});

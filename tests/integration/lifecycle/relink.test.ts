/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 *
 * "Rewrite links to a new public base URL" inside (a fake of) Obsidian: the dialog starts
 * from the active profile's public base URL, previews the numbers, writes nothing before the
 * person confirms, then moves only the base of each link, per note, and sums up. The new
 * links are checked against the real S3 server: each names an object that is there.
 */
// The fake goes first: it gives jsdom the TextEncoder the SDK needs when it loads.
import { Menu, Modal, Notice, Plugin, type App, type TFile } from "../../fakes/obsidian";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { keyOfUrl, servedBase, type ServedBase } from "../../../src/core/lifecycle/profileLinks";
import type { PluginSettings } from "../../../src/core/settings/settingsModel";
import { registerLifecycleCommands } from "../../../src/obsidian/lifecycleCommands";
import { RequestRecorder } from "../../support/requestRecorder";
import { readySettings } from "../../support/pasteVault";
import { adminClient, createTestBucket, removeTestBucket, s3TestEnv, testProfile } from "../../support/s3";
import { vaultIn } from "../../support/uploadAllRig";

jest.setTimeout(60_000);

const OLD = "https://old.example.com/media";
let work: string;
let bucket: string;
let admin: S3Client;
let NEW: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "s3ih-relink-"));
  bucket = await createTestBucket("relink");
  admin = adminClient();
  NEW = `${s3TestEnv().endpoint}/${bucket}`;
  for (const key of ["a.png", "b c.png", "img/d.png"]) await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(key) }));
});

afterAll(async () => {
  admin.destroy();
  rmSync(work, { recursive: true, force: true });
  await removeTestBucket(bucket);
});

beforeEach(() => Notice.reset());

class TestPlugin extends Plugin {}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${JSON.stringify(Notice.messages)}`);
}

function setUp(files: Record<string, string>): { app: App; plugin: TestPlugin; transport: RequestRecorder } {
  const app = vaultIn(work, files);
  const { accessKeyIdSecret: _a, secretAccessKeySecret: _s, ...profile } = testProfile({ bucket });
  const settings: PluginSettings = readySettings({ ...profile, publicBaseUrl: OLD });
  const plugin = new TestPlugin(app, { id: "s3-image-hosting", name: "S3 Image Hosting", version: "0", minAppVersion: "1.5.0", author: "", description: "" });
  const transport = new RequestRecorder();
  registerLifecycleCommands(plugin as unknown as ObsidianPlugin, { settings: () => settings, requestUrl: transport.requestUrl });
  return { app, plugin, transport };
}

const read = (app: App, p: string): Promise<string> => app.vault.read(app.vault.getFileByPath(p) as TFile);
const button = (modal: Modal, start: string): HTMLButtonElement => {
  const b = [...modal.contentEl.querySelectorAll("button")].find((x) => x.textContent?.startsWith(start));
  if (!b) throw new Error(`no button "${start}"`);
  return b;
};
const inputs = (modal: Modal): HTMLInputElement[] => [...modal.contentEl.querySelectorAll("input")];
const type = (input: HTMLInputElement, value: string): void => {
  input.value = value;
  input.dispatchEvent(new Event("input"));
};

/** Opens the folder's (or the vault's) menu item and waits for the dialog. */
async function openFromMenu(app: App, folder: string): Promise<Modal> {
  const menu = new Menu();
  app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(folder), "file-explorer");
  const item = menu.items.find((i) => i.title.startsWith("Rewrite links to a new public base URL"));
  if (!item) throw new Error("no menu item");
  item.callback?.({} as MouseEvent);
  await until(() => Modal.openModals.length === 1, "the dialog");
  return Modal.openModals[0];
}

async function objectAt(url: string, base: ServedBase): Promise<string> {
  const key = keyOfUrl(url, [base]);
  if (!key) throw new Error(`${url} is not under the bucket`);
  const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await got.Body?.transformToString()) ?? "";
}

const A = `# A\n\nSee ![a](${OLD}/a.png "A title") and ![|200](${OLD}/b%20c.png).\nText ${OLD}/a.png stays.\n![far](https://elsewhere.example/a.png)\n`;
const B = `[ref]: ${OLD}/img/d.png\n\n![d][ref] ![d again][ref]\n`;
const C = `![c](${OLD}/a.png)\n`;

it("in a folder: previews the numbers, writes nothing before the confirmation, then moves only the base of each link there", async () => {
  const { app, transport } = setUp({ "Blog/A.md": A, "Blog/Deep/B.md": B, "Other/C.md": C });
  const modal = await openFromMenu(app, "Blog");
  expect(modal.title).toBe("Rewrite links to a new public base URL");
  expect(modal.contentEl.textContent).toContain("Image links in the folder Blog (2 notes)");
  const [from, to] = inputs(modal);
  expect(from.value).toBe(OLD);
  expect(button(modal, "Rewrite").disabled).toBe(true);
  type(to, NEW);
  button(modal, "Preview").click();
  await until(() => !button(modal, "Rewrite").disabled, "the preview");
  expect(modal.contentEl.textContent).toContain(`4 links in 2 notes will move to ${NEW}/.`);
  expect(button(modal, "Rewrite").textContent).toBe("Rewrite 4 links in 2 notes");
  expect([await read(app, "Blog/A.md"), await read(app, "Blog/Deep/B.md")]).toEqual([A, B]);

  button(modal, "Rewrite 4").click();
  await until(() => Notice.messages.some((m) => m.startsWith("Rewrite links to a new public base URL (the folder Blog)")), "the summary");
  expect(Notice.messages.at(-1)).toBe(`Rewrite links to a new public base URL (the folder Blog): moved 4 links in 2 notes to ${NEW}/.`);
  const a = await read(app, "Blog/A.md");
  expect(a).toBe(A.replace(`![a](${OLD}/a.png`, `![a](${NEW}/a.png`).replace(`![|200](${OLD}/b%20c.png`, `![|200](${NEW}/b%20c.png`));
  expect(await read(app, "Blog/Deep/B.md")).toBe(B.replace(OLD, NEW));
  expect(await read(app, "Other/C.md")).toBe(C);
  // Each moved link names an object that is in the bucket at the new address.
  const base = servedBase(NEW) as ServedBase;
  expect(await objectAt(`${NEW}/a.png`, base)).toBe("a.png");
  expect(await objectAt(`${NEW}/b%20c.png`, base)).toBe("b c.png");
  expect(await objectAt(`${NEW}/img/d.png`, base)).toBe("img/d.png");
  expect(transport.count()).toBe(0);
});

it("refuses bad addresses in plain words, and a change after the preview needs a new one", async () => {
  const { app } = setUp({ "A.md": A });
  const modal = await openFromMenu(app, "/");
  expect(modal.contentEl.textContent).toContain("Image links in the vault (1 note)");
  const [from, to] = inputs(modal);
  type(to, "ftp://cdn.example.com");
  button(modal, "Preview").click();
  await until(() => (modal.contentEl.textContent ?? "").includes("is not a base URL"), "the refusal");
  expect(modal.contentEl.textContent).toContain('"ftp://cdn.example.com" is not a base URL to move links to.');
  type(to, `${OLD}/`);
  button(modal, "Preview").click();
  await until(() => (modal.contentEl.textContent ?? "").includes("are the same address"), "the refusal");
  expect(button(modal, "Rewrite").disabled).toBe(true);

  type(from, "https://nothing.example.com");
  type(to, NEW);
  button(modal, "Preview").click();
  await until(() => (modal.contentEl.textContent ?? "").includes("No image link in the vault starts with nothing.example.com/."), "the empty preview");
  expect(button(modal, "Rewrite").disabled).toBe(true);

  type(from, OLD);
  button(modal, "Preview").click();
  await until(() => !button(modal, "Rewrite").disabled, "the preview");
  type(to, "https://other.example.com");
  expect(button(modal, "Rewrite").disabled).toBe(true);
  button(modal, "Cancel").click();
  expect(Modal.openModals).toHaveLength(0);
  expect(await read(app, "A.md")).toBe(A);
});

it("for the active note: the command rewrites it in its editor, unsaved typing kept", async () => {
  const { app, plugin } = setUp({ "A.md": A, "C.md": C });
  const view = await app.workspace.openFile(app.vault.getFileByPath("A.md") as TFile);
  view.editor.replaceRange("typed ", { line: 0, ch: 0 });
  const command = plugin.commands.find((c) => c.id.endsWith("rewrite-links-base-url"));
  expect(command?.editorCheckCallback?.(true, view.editor, view)).toBe(true);
  command?.editorCheckCallback?.(false, view.editor, view);
  await until(() => Modal.openModals.length === 1, "the dialog");
  const modal = Modal.openModals[0];
  expect(modal.contentEl.textContent).toContain("Image links in A.md (1 note)");
  type(inputs(modal)[1], NEW);
  button(modal, "Preview").click();
  await until(() => !button(modal, "Rewrite").disabled, "the preview");
  button(modal, "Rewrite 2 links in 1 note").click();
  await until(() => Notice.messages.some((m) => m.includes("moved 2 links in 1 note")), "the summary");
  expect(view.editor.getValue()).toBe(`typed ${A.replace(`](${OLD}/a.png`, `](${NEW}/a.png`).replace(`](${OLD}/b%20c.png`, `](${NEW}/b%20c.png`)}`);
  expect(await read(app, "C.md")).toBe(C);
});

/** A canvas as Obsidian writes it: tab-indented, one node or edge a line. */
function canvas(nodes: object[], edges: object[] = []): string {
  const list = (items: object[]): string => items.map((n) => `\t\t${JSON.stringify(n)}`).join(",\n");
  return `{\n\t"nodes":[\n${list(nodes)}\n\t],\n\t"edges":[\n${list(edges)}\n\t]\n}`;
}

it("in a folder, takes in its canvases: text cards and web-page cards move, every other byte stays, and a second run finds nothing", async () => {
  const board = canvas(
    [
      { id: "t", type: "text", text: `Bild:\n\n![Gipfel](${OLD}/a.png)`, x: 0, y: 0, width: 400, height: 300, color: "3" },
      { id: "l", type: "link", url: `${OLD}/b%20c.png`, x: 0, y: 320, width: 400, height: 300 },
      { id: "f", type: "file", file: "Blog/A.md", x: 420, y: 0, width: 300, height: 300 },
      { id: "w", type: "link", url: "https://elsewhere.example/a.png", x: 420, y: 320, width: 300, height: 300 },
    ],
    [{ id: "e", fromNode: "t", toNode: "l", label: `${OLD}/a.png` }],
  );
  const { app } = setUp({ "Blog/A.md": C, "Blog/Board.canvas": board, "Other.canvas": board });
  const modal = await openFromMenu(app, "Blog");
  expect(modal.contentEl.textContent).toContain("Image links in the folder Blog (2 notes)");
  type(inputs(modal)[1], NEW);
  button(modal, "Preview").click();
  await until(() => !button(modal, "Rewrite").disabled, "the preview");
  expect(button(modal, "Rewrite").textContent).toBe("Rewrite 3 links in 2 notes");
  expect(await read(app, "Blog/Board.canvas")).toBe(board);

  button(modal, "Rewrite 3").click();
  await until(() => Notice.messages.some((m) => m.includes("moved 3 links in 2 notes")), "the summary");
  const after = await read(app, "Blog/Board.canvas");
  expect(after).toBe(board.replace(`](${OLD}/a.png)`, `](${NEW}/a.png)`).replace(`"url":"${OLD}/b%20c.png"`, `"url":"${NEW}/b%20c.png"`));
  expect(await read(app, "Other.canvas")).toBe(board);
  const nodes = (JSON.parse(after) as { nodes: { text?: string; url?: string }[] }).nodes;
  const base = servedBase(NEW) as ServedBase;
  expect(await objectAt(/\((http[^)]+)\)/.exec(nodes[0].text ?? "")?.[1] ?? "", base)).toBe("a.png");
  expect(await objectAt(nodes[1].url ?? "", base)).toBe("b c.png");

  const again = await openFromMenu(app, "Blog");
  type(inputs(again)[1], NEW);
  button(again, "Preview").click();
  await until(() => (again.contentEl.textContent ?? "").includes("No image link in the folder Blog starts with"), "the empty preview");
  expect(await read(app, "Blog/Board.canvas")).toBe(after);
});

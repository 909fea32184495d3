/**
 * Paste and drop end to end: the fake editor and vault, the real uploader (S3 SDK over
 * RequestUrlHttpHandler over the requestUrl double), the real S3 server. Requests can be held
 * back so the test can edit the note while an upload is in flight.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { dropEvent, fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { placeholdersIn, type PasteVault } from "../../support/pasteVault";
import { testCredentials, uniquePng, useTestBucket } from "../../support/s3";
import type { RequestRecorder } from "../../support/requestRecorder";
import { startPasteRig, type PasteRigOptions } from "../../support/pasteRig";
import { expectServes } from "../../support/badInput";

jest.setTimeout(30_000);

const PASTED_NAME = "Pasted image 20261122183000.png";
const LINK = /!\[[^\]]*\]\((http:\/\/[^)]+)\)/g;

let bucket: string;
useTestBucket("t-paste", (name) => (bucket = name));

let v: PasteVault;
let net: RequestRecorder;
let handler: PasteDropHandler;

async function setUp(opts: PasteRigOptions & { bucket?: string } = {}): Promise<void> {
  ({ v, net, handler } = await startPasteRig(opts.bucket ?? bucket, opts));
}
afterEach(() => v.cleanup());

const links = (text: string) => [...text.matchAll(LINK)].map((m) => m[1]);

async function paste(bytes: Uint8Array, name = "image.png"): Promise<void> {
  const evt = pasteEvent({ files: [fileOf(bytes, name, "image/png")] });
  expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("handled-by-plugin");
}

test("the placeholder becomes the link, and the link serves exactly the pasted bytes", async () => {
  await setUp();
  const png = uniquePng();
  await paste(png);
  expect(placeholdersIn(v.view.editor.getValue())).toHaveLength(1);
  await handler.idle();
  const text = v.view.editor.getValue();
  expect(placeholdersIn(text)).toEqual([]);
  expect(text).toMatch(/^Intro\n!\[Pasted image 20261122183000\]\(http:\/\/[^)]+\/img\/[0-9a-f]{32}\.png\)$/);
  await expectServes(links(text)[0], png);
  expect(Notice.messages).toEqual([]);
});

test("text typed above the placeholder during the upload stays, and the link lands where the placeholder moved", async () => {
  await setUp();
  net.hold();
  const png = uniquePng();
  await paste(png);
  await net.waitForHeld();
  const editor = v.view.editor;
  editor.replaceRange("# Title\n\n", { line: 0, ch: 0 });
  editor.replaceRange(" and more", { line: 2, ch: 5 });
  const [placeholder] = placeholdersIn(editor.getValue());
  editor.replaceRange("\nafter", editor.offsetToPos(editor.getValue().indexOf(placeholder) + placeholder.length));
  net.releaseAll();
  await handler.idle();
  const text = editor.getValue();
  const [url] = links(text);
  expect(text).toBe(`# Title\n\nIntro and more\n![Pasted image 20261122183000](${url})\nafter`);
  await expectServes(url, png);
});

test("a placeholder the user deleted during the upload gets nothing inserted", async () => {
  await setUp();
  net.hold();
  await paste(uniquePng());
  await net.waitForHeld();
  const editor = v.view.editor;
  const [placeholder] = placeholdersIn(editor.getValue());
  const at = editor.getValue().indexOf(placeholder);
  editor.replaceRange("", editor.offsetToPos(at), editor.offsetToPos(at + placeholder.length));
  editor.replaceRange("changed my mind", editor.getCursor());
  net.releaseAll();
  await handler.idle();
  expect(editor.getValue()).toBe("Intro\nchanged my mind");
  expect(net.count("PUT")).toBe(1);
  expect(fs.readdirSync(v.dir).filter((f) => f.endsWith(".png"))).toEqual([]);
});

test("when the editor has moved on to another note, the link is written into the note file", async () => {
  await setUp();
  net.hold();
  const png = uniquePng();
  await paste(png);
  await net.waitForHeld();
  const other = await v.app.vault.create("Other.md", "other note");
  await v.view.leaf.openFile(other);
  expect(placeholdersIn(fs.readFileSync(path.join(v.dir, "Blog/Post.md"), "utf8"))).toHaveLength(1);
  net.releaseAll();
  await handler.idle();
  const onDisk = fs.readFileSync(path.join(v.dir, "Blog/Post.md"), "utf8");
  const [url] = links(onDisk);
  expect(onDisk).toBe(`Intro\n![Pasted image 20261122183000](${url})`);
  expect(v.view.editor.getValue()).toBe("other note");
  await expectServes(url, png);
});

test("with a wrong secret key the image is saved in the vault, embedded at the placeholder, and the notice says why", async () => {
  await setUp({ secretAccessKey: "not-the-right-secret-key" });
  net.hold();
  const png = uniquePng();
  await paste(png);
  await net.waitForHeld();
  v.view.editor.replaceRange("typed first\n", { line: 0, ch: 0 });
  net.releaseAll();
  await handler.idle();
  expect(v.view.editor.getValue()).toBe(`typed first\nIntro\n![[${PASTED_NAME}]]`);
  expect(Buffer.compare(fs.readFileSync(path.join(v.dir, PASTED_NAME)), Buffer.from(png))).toBe(0);
  expect(Notice.messages).toHaveLength(1);
  expect(Notice.messages[0]).toContain("secret access key is wrong");
  expect(Notice.messages[0]).toMatch(new RegExp(`The image was saved in your vault as ${PASTED_NAME}\\.$`));
  expect(Notice.messages[0]).not.toContain("not-the-right-secret-key");
  expect(Notice.messages[0]).not.toContain(testCredentials().accessKeyId);
});

test("when the bucket does not exist, the image follows the vault's attachment and link settings", async () => {
  await setUp({ bucket: `${bucket}-missing`, fileManager: { attachmentFolderPath: "./assets", useMarkdownLinks: true } });
  const png = uniquePng();
  await paste(png, "diagram.png");
  await handler.idle();
  expect(v.view.editor.getValue()).toBe("Intro\n![](diagram.png)");
  expect(Buffer.compare(fs.readFileSync(path.join(v.dir, "Blog/assets/diagram.png")), Buffer.from(png))).toBe(0);
  expect(Notice.messages).toEqual([expect.stringContaining("does not exist")]);
  expect(Notice.messages[0]).toContain("The image was saved in your vault as Blog/assets/diagram.png.");
});

test("a plain-text paste reaches the editor unchanged and sends no request", async () => {
  await setUp();
  const evt = pasteEvent({ text: "![not an upload](x.png) and text" });
  expect(await dispatchEditorInput(v.app, "paste", evt, v.view)).toBe("default");
  expect(evt.defaultPrevented).toBe(false);
  expect(v.view.editor.getValue()).toBe("Intro\n![not an upload](x.png) and text");
  expect(net.calls).toHaveLength(0);
});

test("several images dropped at once all become links, in the order they were dropped", async () => {
  await setUp();
  const pngs = [uniquePng(), uniquePng(), uniquePng()];
  const evt = dropEvent({ files: pngs.map((b, i) => fileOf(b, `shot ${i + 1}.png`, "image/png")) });
  expect(await dispatchEditorInput(v.app, "drop", evt, v.view)).toBe("handled-by-plugin");
  await handler.idle();
  const text = v.view.editor.getValue();
  const urls = links(text);
  expect(text).toBe(`Intro\n![shot 1](${urls[0]})\n![shot 2](${urls[1]})\n![shot 3](${urls[2]})`);
  for (let i = 0; i < 3; i++) await expectServes(urls[i], pngs[i]);
});

test("the same image pasted twice is uploaded once and linked twice", async () => {
  await setUp();
  const png = uniquePng();
  await paste(png);
  await handler.idle();
  v.view.editor.replaceSelection("\n");
  await paste(png);
  await handler.idle();
  const urls = links(v.view.editor.getValue());
  expect(urls).toHaveLength(2);
  expect(urls[1]).toBe(urls[0]);
  expect(net.count("PUT")).toBe(1);
  await expectServes(urls[0], png);
});

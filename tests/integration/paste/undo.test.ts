/**
 * Undo and redo around a pasted image, end to end against the real S3 server, in an editor
 * with CodeMirror's own undo history and the plugin's editor extension installed. After every
 * undo and redo the note holds either nothing of the paste or a working link or embed, never
 * a placeholder that no upload will replace.
 *
 * CodeMirror joins edits less than 500 ms apart into one undo step. A person who pastes an
 * image and presses undo after its link appeared has paused longer than that while it
 * uploaded, so these tests pause too (`userPause`) where the timing matters.
 */
import * as fs from "node:fs";
import type { PasteDropHandler } from "../../../src/obsidian/pasteDrop";
import { dropEvent, fileOf, pasteEvent } from "../../support/dataTransfer";
import { dispatchEditorInput, Notice } from "../../fakes/obsidian";
import { placeholdersIn, type PasteVault } from "../../support/pasteVault";
import { expectPlainWords, expectServes, oneImageIn } from "../../support/badInput";
import { uniquePng, useTestBucket } from "../../support/s3";
import { startPasteRig } from "../../support/pasteRig";
import { RequestRecorder } from "../../support/requestRecorder";

jest.setTimeout(30_000);

let bucket: string;
useTestBucket("t-paste-undo", (name) => (bucket = name));

let v: PasteVault;
let net: RequestRecorder;
let handler: PasteDropHandler;

async function setUp(opts: { bucket?: string } = {}): Promise<void> {
  ({ v, net, handler } = await startPasteRig(opts.bucket ?? bucket));
}
afterEach(() => v.cleanup());

/** Longer than CodeMirror's 500 ms for joining edits into one undo step. */
const userPause = () => new Promise((r) => setTimeout(r, 600));

const text = () => v.view.editor.getValue();
const vaultImages = (): string[] =>
  fs
    .readdirSync(v.dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".png"));

/** Pastes `files` (one image unless given), waits until the PUTs are held, and lets the person pause. */
async function pasteHeld(files = [fileOf(uniquePng(), "shot.png", "image/png")], kind: "paste" | "drop" = "paste"): Promise<void> {
  net.hold();
  const evt = kind === "paste" ? pasteEvent({ files }) : dropEvent({ files });
  expect(await dispatchEditorInput(v.app, kind, evt, v.view)).toBe("handled-by-plugin");
  await net.waitForHeld(files.length);
  await userPause();
}

/** Lets the uploads finish and waits until their results are in the note. */
async function finishUploads(): Promise<void> {
  net.releaseAll();
  await handler.idle();
}

function undo(): string {
  v.view.editor.undo();
  expect(placeholdersIn(text())).toEqual([]);
  return text();
}

function redo(): string {
  v.view.editor.redo();
  expect(placeholdersIn(text())).toEqual([]);
  return text();
}

describe("undo after the link landed", () => {
  test("one undo takes the whole paste back, and redo brings the link back, not the placeholder", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld([fileOf(png, "shot.png", "image/png")]);
    await finishUploads();
    const linked = text();
    const { url } = oneImageIn(linked.slice("Intro\n".length));
    await expectServes(url, png);

    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe(linked);
    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe(linked);
    // Nothing is left to undo of the paste, and nothing before it was touched.
    expect(undo()).toBe("Intro\n");
    expect(undo()).toBe("Intro\n");
    expect(Notice.messages).toEqual([]);
  });

  test("text typed meanwhile stays when the image is undone, and the next undo takes the typing back", async () => {
    await setUp();
    await pasteHeld();
    v.view.editor.replaceRange("Typed while it uploads. ", { line: 0, ch: 0 });
    await userPause();
    await finishUploads();
    const linked = text();
    expect(linked.startsWith("Typed while it uploads. Intro\n")).toBe(true);
    oneImageIn(linked.slice("Typed while it uploads. Intro\n".length));

    // The link arriving is the latest change to the note, so it goes first.
    expect(undo()).toBe("Typed while it uploads. Intro\n");
    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe("Typed while it uploads. Intro\n");
    expect(redo()).toBe(linked);
  });

  test("text typed after the link landed is undone first, then the image", async () => {
    await setUp();
    await pasteHeld();
    await finishUploads();
    const linked = text();
    await userPause();
    v.view.editor.replaceRange("\nTyped after.", v.view.editor.offsetToPos(linked.length));
    await userPause();
    expect(undo()).toBe(linked);
    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe(linked);
    expect(redo()).toBe(`${linked}\nTyped after.`);
  });

  test("several images pasted at once come back out with one undo and back in with one redo", async () => {
    await setUp();
    const pngs = [uniquePng(), uniquePng(), uniquePng()];
    await pasteHeld(
      pngs.map((b, i) => fileOf(b, `shot ${i + 1}.png`, "image/png")),
      "drop",
    );
    await finishUploads();
    const linked = text();
    const lines = linked.slice("Intro\n".length).split("\n");
    expect(lines).toHaveLength(3);
    for (let i = 0; i < 3; i++) await expectServes(oneImageIn(lines[i]).url, pngs[i]);

    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe(linked);
    expect(undo()).toBe("Intro\n");
  });

  test("when the upload failed, undo takes the local embed back, redo brings it back, and the saved image stays in the vault", async () => {
    await setUp({ bucket: `${bucket}-missing` });
    await pasteHeld();
    await finishUploads();
    expect(text()).toBe("Intro\n![[shot.png]]");
    expect(vaultImages()).toEqual(["shot.png"]);
    expect(Notice.messages).toEqual([expect.stringMatching(/does not exist.*The image was saved in your vault as shot\.png\.$/)]);

    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe("Intro\n![[shot.png]]");
    expect(undo()).toBe("Intro\n");
    expect(vaultImages()).toEqual(["shot.png"]);
  });
});

describe("undo while the image uploads, redo after it finished", () => {
  test("redo brings the link, not the placeholder, and undo and redo keep working on it", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld([fileOf(png, "shot.png", "image/png")]);
    expect(undo()).toBe("Intro\n");
    await finishUploads();
    expect(text()).toBe("Intro\n");
    expect(Notice.messages).toEqual([expect.stringMatching(/^shot\.png was uploaded to \S+, but its placeholder is no longer in the note/)]);

    const linked = redo();
    const { url } = oneImageIn(linked.slice("Intro\n".length));
    await expectServes(url, png);
    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe(linked);
    expect(net.count("PUT")).toBe(1);
  });

  test("several images: redo brings every link back, each on its own line", async () => {
    await setUp();
    const pngs = [uniquePng(), uniquePng()];
    await pasteHeld(pngs.map((b, i) => fileOf(b, `shot ${i + 1}.png`, "image/png")));
    expect(undo()).toBe("Intro\n");
    await finishUploads();
    const linked = redo();
    const lines = linked.slice("Intro\n".length).split("\n");
    expect(lines).toHaveLength(2);
    for (let i = 0; i < 2; i++) await expectServes(oneImageIn(lines[i]).url, pngs[i]);
    expect(undo()).toBe("Intro\n");
  });

  test("when the upload failed meanwhile, redo brings nothing back and the notice says the image was not kept", async () => {
    await setUp({ bucket: `${bucket}-missing` });
    await pasteHeld();
    expect(undo()).toBe("Intro\n");
    await finishUploads();
    expect(vaultImages()).toEqual([]);
    Notice.reset();

    expect(redo()).toBe("Intro\n");
    expect(Notice.messages).toEqual([
      "shot.png could not be uploaded and was not saved in your vault, so it cannot come back into the note. Paste or drop it again.",
    ]);
    expectPlainWords(Notice.messages);
  });

  test("a redo while the upload still runs brings the placeholder back, and the link replaces it when the upload ends", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld([fileOf(png, "shot.png", "image/png")]);
    v.view.editor.undo();
    v.view.editor.redo();
    expect(placeholdersIn(text())).toHaveLength(1);
    await finishUploads();
    const linked = text();
    await expectServes(oneImageIn(linked.slice("Intro\n".length)).url, png);
    expect(undo()).toBe("Intro\n");
    expect(redo()).toBe(linked);
  });
});

describe("a placeholder deleted by hand while its image uploaded", () => {
  test("undoing the deletion after the upload ended brings the link", async () => {
    await setUp();
    const png = uniquePng();
    await pasteHeld([fileOf(png, "shot.png", "image/png")]);
    const [placeholder] = placeholdersIn(text());
    const at = text().indexOf(placeholder);
    v.view.editor.replaceRange("", v.view.editor.offsetToPos(at), v.view.editor.offsetToPos(at + placeholder.length));
    await finishUploads();
    expect(text()).toBe("Intro\n");

    const linked = undo();
    await expectServes(oneImageIn(linked.slice("Intro\n".length)).url, png);
    expect(undo()).toBe("Intro\n");
  });
});

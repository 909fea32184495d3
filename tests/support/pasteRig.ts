/**
 * The paste and drop handler as the plugin sets it up, for tests against the real S3 server:
 * `Blog/Post.md` open with the cursor at the end of its `Intro\n`, the handler listening to
 * `editor-paste` and `editor-drop` with its editor extension installed, uploads through the
 * real SDK over the requestUrl double, with requests a test can hold in flight.
 */
import type { App as ObsidianApp } from "obsidian";
import { MemoryUploadIndex } from "../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../src/obsidian/pasteDrop";
import { sdkUploaderFactory } from "../../src/obsidian/sdkUploader";
import { UploaderCache } from "../../src/obsidian/uploaderCache";
import { Notice } from "../fakes/obsidian";
import { pasteVault, type PasteVault } from "./pasteVault";
import { testCredentials, testProfile } from "./s3";
import { RequestRecorder } from "./requestRecorder";

export interface PasteRig {
  v: PasteVault;
  net: RequestRecorder;
  handler: PasteDropHandler;
}

/** A fresh vault and handler uploading public-read to `bucket`; notices so far are cleared. */
export async function startPasteRig(bucket: string): Promise<PasteRig> {
  const v = await pasteVault({ text: "Intro\n", profile: testProfile({ bucket, acl: "public-read" }), credentials: testCredentials() });
  v.view.editor.setCursor({ line: 1, ch: 0 });
  const net = new RequestRecorder();
  const uploaders = new UploaderCache(sdkUploaderFactory({ requestUrl: net.requestUrl, index: new MemoryUploadIndex() }));
  const handler = new PasteDropHandler({
    app: v.app as unknown as ObsidianApp,
    settings: () => v.settings,
    getUploader: async (config) => uploaders.uploaderFor(config),
    now: () => new Date(2026, 10, 22, 18, 30, 0),
  });
  v.app.workspace.on("editor-paste", handler.onPaste);
  v.app.workspace.on("editor-drop", handler.onDrop);
  v.app.workspace.installEditorExtension(handler.editorExtension);
  Notice.reset();
  return { v, net, handler };
}

/**
 * The paste and drop handler as the plugin sets it up, for tests against the real S3 server:
 * `Blog/Post.md` open with the cursor at the end of its text (`Intro\n` unless given), the handler listening to
 * `editor-paste` and `editor-drop` with its editor extension installed, uploads through the
 * real SDK over the requestUrl double, with requests a test can hold in flight.
 */
import type { App as ObsidianApp } from "obsidian";
import { MemoryUploadIndex } from "../../src/core/settings/uploadIndex";
import { PasteDropHandler } from "../../src/obsidian/pasteDrop";
import { sdkUploaderFactory } from "../../src/obsidian/sdkUploader";
import { UploaderCache } from "../../src/obsidian/uploaderCache";
import { Notice, type FileManagerOptions } from "../fakes/obsidian";
import { pasteVault, type PasteVault } from "./pasteVault";
import { testCredentials, testProfile } from "./s3";
import { RequestRecorder } from "./requestRecorder";

export interface PasteRig {
  v: PasteVault;
  net: RequestRecorder;
  handler: PasteDropHandler;
}

/** What a test may change in the rig: the note's text, the key template, the secret key, the vault's link options. */
export interface PasteRigOptions {
  text?: string;
  keyTemplate?: string;
  /** A secret key other than the test user's, to see a signature refused. */
  secretAccessKey?: string;
  fileManager?: FileManagerOptions;
}

/** A fresh vault and handler uploading public-read to `bucket`; notices so far are cleared. */
export async function startPasteRig(bucket: string, opts: PasteRigOptions = {}): Promise<PasteRig> {
  const text = opts.text ?? "Intro\n";
  const creds = testCredentials();
  const v = await pasteVault({
    text,
    profile: testProfile({ bucket, acl: "public-read", ...(opts.keyTemplate ? { keyTemplate: opts.keyTemplate } : {}) }),
    credentials: { ...creds, secretAccessKey: opts.secretAccessKey ?? creds.secretAccessKey },
    fileManager: opts.fileManager,
  });
  v.view.editor.setCursor(v.view.editor.offsetToPos(text.length));
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

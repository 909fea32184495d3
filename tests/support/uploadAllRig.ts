/**
 * Shared set-up of the "Upload all local images" tests: a fake vault over real files, and a
 * requestUrl transport that can hold chosen uploads while the test edits the note.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { UploadIndex } from "../../src/core/ports";
import type { UploaderConfig } from "../../src/obsidian/uploaderCache";
import { RequestUrlHttpHandler } from "../../src/storage/requestUrlHandler";
import { createUploader, type Uploader } from "../../src/storage/uploader";
import { createFakeApp, type App } from "../fakes/obsidian";
import type { RequestRecorder } from "./requestRecorder";

/** A new vault directory under `parent` holding these files, and a fake app over it. */
export function vaultIn(parent: string, files: Record<string, string | Uint8Array>): App {
  const dir = mkdtempSync(path.join(parent, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return createFakeApp(dir);
}

/**
 * The real S3 uploader for each configuration a run asks for, over `transport` (the requestUrl
 * double) and sharing `index`: the `getUploader` of a run's dependencies.
 */
export function sdkUploaders(transport: RequestRecorder, index: UploadIndex): (config: UploaderConfig) => Promise<Uploader> {
  return async (config) =>
    createUploader({
      profile: config.profile,
      credentials: config.credentials,
      requestHandler: new RequestUrlHttpHandler(transport.requestUrl),
      index,
      maxBytes: config.maxBytes,
      imagesOnly: config.imagesOnly,
    });
}

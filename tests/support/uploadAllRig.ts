/**
 * Shared set-up of the "Upload all local images" tests: a fake vault over real files, and a
 * requestUrl transport that can hold chosen uploads while the test edits the note.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { createFakeApp, type App } from "../fakes/obsidian";

/** A new vault directory under `parent` holding these files, and a fake app over it. */
export function vaultIn(parent: string, files: Record<string, string | Uint8Array>): App {
  const dir = mkdtempSync(path.join(parent, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return createFakeApp(dir);
}

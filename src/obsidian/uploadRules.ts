/**
 * A note's upload target inside Obsidian: its `image-upload` field as Obsidian's metadata
 * cache holds it, then the folder rules of the settings (`core/rules/uploadTarget.ts`).
 *
 * The cache is filled some time after a note is written, and holds nothing for a note it has
 * not indexed yet (a note just created). Then the note's text is read with the plugin's own
 * front matter reader: the editor's text for paste and drop, the file's for "Upload all".
 */
import type { App, TFile } from "obsidian";
import { frontMatterScalar } from "../core/markdown";
import { fieldRequest, textFieldRequest, UPLOAD_FIELD, uploadTargetFor, type FieldRequest, type UploadTarget } from "../core/rules/uploadTarget";
import type { PluginSettings } from "../core/settings/settingsModel";
import type { Profile } from "../core/types";
import { activeProfile } from "./readiness";

/** What the rules need of the app. */
export type RulesApp = Pick<App, "metadataCache" | "vault">;

/** The field as the metadata cache holds it, or undefined when the cache has no entry for the note. */
function cachedRequest(app: RulesApp, file: TFile): FieldRequest | undefined {
  const cache = app.metadataCache.getFileCache(file);
  if (!cache) return undefined;
  return fieldRequest(cache.frontmatter?.[UPLOAD_FIELD]);
}

function decide(settings: PluginSettings, path: string, request: FieldRequest): UploadTarget {
  const active = activeProfile(settings);
  if (!active) return { kind: "problem", message: "No bucket is set up yet." };
  return uploadTargetFor(path, request, settings, active);
}

/** The target of the note open in an editor; `text` gives the editor's text, read only when the cache has no entry. */
export function editorNoteTarget(app: RulesApp, settings: PluginSettings, file: TFile | null, text: () => string): UploadTarget {
  const request = (file && cachedRequest(app, file)) ?? textFieldRequest(frontMatterScalar(text(), UPLOAD_FIELD));
  return decide(settings, file?.path ?? "", request);
}

/** The target of a note of the vault; its file is read only when the cache has no entry. */
export async function vaultNoteTarget(app: RulesApp, settings: PluginSettings, file: TFile): Promise<UploadTarget> {
  const request = cachedRequest(app, file) ?? textFieldRequest(frontMatterScalar(await app.vault.cachedRead(file), UPLOAD_FIELD));
  return decide(settings, file.path, request);
}

/**
 * The profile to check for readiness: none (the active one, with its own first-run message)
 * when no rule chose it, else the profile a rule chose.
 */
export function chosenProfile(target: Extract<UploadTarget, { kind: "upload" }>): Profile | undefined {
  return target.source.by === "active" ? undefined : target.profile;
}

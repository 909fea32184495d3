/**
 * A vault with one open note and settings for a usable profile, for paste and drop tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { migrateSettings } from "../../src/core/settings/storedSettings";
import { type PluginSettings } from "../../src/core/settings/settingsModel";
import type { Profile } from "../../src/core/types";
import { createFakeApp, type App, type FileManagerOptions, type MarkdownView, type TFile } from "../fakes/obsidian";

/** Secret names the harness profile points at, and their values in the fake secret storage. */
export const SECRET_NAMES = { accessKeyId: "s3-access-key-id", secretAccessKey: "s3-secret-access-key" } as const;

export interface PasteVault {
  dir: string;
  app: App;
  note: TFile;
  view: MarkdownView;
  settings: PluginSettings;
  cleanup(): void;
}

/**
 * Settings whose active profile is complete (and so ready once its secrets are stored); the
 * profile always names the secrets under `SECRET_NAMES`.
 */
export function readySettings(profile: Partial<Profile> = {}): PluginSettings {
  const settings = migrateSettings(undefined);
  const { id: _ignored, ...fields } = profile;
  Object.assign(settings.profiles[0], {
    endpoint: "https://s3.example.com",
    region: "us-east-1",
    bucket: "images",
    ...fields,
    accessKeyIdSecret: SECRET_NAMES.accessKeyId,
    secretAccessKeySecret: SECRET_NAMES.secretAccessKey,
  });
  return settings;
}

/**
 * A temp vault with `Blog/Post.md` (holding `text`) open in the active leaf, secrets stored
 * under `SECRET_NAMES`, and settings from `readySettings(profile)`.
 */
export async function pasteVault(
  opts: {
    text?: string;
    profile?: Partial<Profile>;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    fileManager?: FileManagerOptions;
  } = {},
): Promise<PasteVault> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3ih-vault-"));
  const app = createFakeApp(dir, opts.fileManager);
  const creds = opts.credentials ?? { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  app.secretStorage.setSecret(SECRET_NAMES.accessKeyId, creds.accessKeyId);
  app.secretStorage.setSecret(SECRET_NAMES.secretAccessKey, creds.secretAccessKey);
  await app.vault.createFolder("Blog");
  const note = await app.vault.create("Blog/Post.md", opts.text ?? "");
  const view = await app.workspace.openFile(note);
  return {
    dir,
    app,
    note,
    view,
    settings: readySettings(opts.profile),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Placeholders currently in `text`. */
export function placeholdersIn(text: string): string[] {
  return text.match(/!\[Uploading [^\]]*\]\(s3ih-uploading-[0-9a-f]+\)/g) ?? [];
}

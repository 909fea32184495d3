/**
 * Settings as the plugin loads them: migrated from whatever data.json holds, with any access
 * keys an older version or a PicGo import left in plain text moved into secret storage.
 */
import type { SecretStorage } from "obsidian";
import { findPlaintextCredentials, migrateSettings, type PluginSettings } from "../core/settings";

/** The loaded settings and how many profiles had plain-text keys moved to secret storage. */
export interface LoadedSettings {
  settings: PluginSettings;
  movedCredentials: number;
}

/** A secret id from free text: lowercase letters, digits and single dashes. */
export function secretIdFrom(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "profile"
  );
}

/** `base`, or `base-2`, `base-3`… — the first id not already holding a different value. */
function freeSecretId(storage: Pick<SecretStorage, "getSecret">, base: string, value: string): string {
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const existing = storage.getSecret(id);
    if (existing === null || existing === value) return id;
  }
}

/**
 * Settings from `loadData()`'s result. Plain-text key pairs found in it are stored as
 * secrets named `s3-image-hosting-<profile>-access-key-id` / `-secret-access-key`, and the
 * profile is pointed at them, so the next save leaves no key in data.json.
 */
export function loadPluginSettings(raw: unknown, storage: Pick<SecretStorage, "getSecret" | "setSecret">): LoadedSettings {
  const settings = migrateSettings(raw);
  let moved = 0;
  for (const { profileId, credentials } of findPlaintextCredentials(raw)) {
    const profile = settings.profiles.find((p) => p.id === profileId);
    if (!profile) continue;
    const base = `s3-image-hosting-${secretIdFrom(profileId)}`;
    const before = moved;
    if (!profile.accessKeyIdSecret) {
      profile.accessKeyIdSecret = freeSecretId(storage, `${base}-access-key-id`, credentials.accessKeyId);
      storage.setSecret(profile.accessKeyIdSecret, credentials.accessKeyId);
      moved = before + 1;
    }
    if (!profile.secretAccessKeySecret) {
      profile.secretAccessKeySecret = freeSecretId(storage, `${base}-secret-access-key`, credentials.secretAccessKey);
      storage.setSecret(profile.secretAccessKeySecret, credentials.secretAccessKey);
      moved = before + 1;
    }
  }
  return { settings, movedCredentials: moved };
}

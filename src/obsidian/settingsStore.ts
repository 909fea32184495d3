/**
 * Settings as the plugin loads them: migrated from whatever data.json holds, with any access
 * keys an older version or a PicGo import left in plain text moved into secret storage.
 */
import type { SecretStorage } from "obsidian";
import { findPlaintextCredentials, hasPlaintextCredentials, migrateSettings } from "../core/settings/storedSettings";
import { type PluginSettings } from "../core/settings/settingsModel";
import type { Profile } from "../core/types";

/** The loaded settings and what was done about plain-text keys. */
export interface LoadedSettings {
  settings: PluginSettings;
  /** Profiles whose plain-text keys were stored in secret storage. */
  movedCredentials: number;
  /**
   * data.json holds keys in plain text; the caller must save the settings now, which leaves
   * them out (moved keys are in secret storage, the others were already there).
   */
  plaintextFound: boolean;
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

const FIELDS = [
  { plain: "accessKeyId", named: "accessKeyIdSecret", suffix: "access-key-id" },
  { plain: "secretAccessKey", named: "secretAccessKeySecret", suffix: "secret-access-key" },
] as const;

/**
 * Puts one plain-text key where the profile will find it; true when it stored something.
 * A profile that names no secret gets a new one (`s3-image-hosting-<profile>-access-key-id`
 * / `-secret-access-key`). A named secret that holds a value is kept and the plain text is
 * just dropped; a named secret that is missing or empty receives the plain value.
 */
function storePlaintextKey(storage: Pick<SecretStorage, "getSecret" | "setSecret">, profile: Profile, field: (typeof FIELDS)[number], value: string): boolean {
  const name = profile[field.named].trim();
  if (name) {
    if ((storage.getSecret(name) ?? "").trim() !== "") return false;
    try {
      storage.setSecret(name, value);
      return true;
    } catch {
      // A name secret storage does not accept (not lowercase letters, digits and dashes):
      // store the key under a new name instead.
    }
  }
  const id = freeSecretId(storage, `s3-image-hosting-${secretIdFrom(profile.id)}-${field.suffix}`, value);
  storage.setSecret(id, value);
  profile[field.named] = id;
  return true;
}

/**
 * Settings from `loadData()`'s result. Plain-text keys found in it end up in secret storage
 * (see `storePlaintextKey`) and never in the returned settings; `plaintextFound` says that
 * data.json must be rewritten without them.
 */
export function loadPluginSettings(raw: unknown, storage: Pick<SecretStorage, "getSecret" | "setSecret">): LoadedSettings {
  const settings = migrateSettings(raw);
  let moved = 0;
  for (const { profileId, credentials } of findPlaintextCredentials(raw)) {
    const profile = settings.profiles.find((p) => p.id === profileId);
    if (!profile) continue;
    let stored = false;
    for (const field of FIELDS) {
      const value = credentials[field.plain];
      if (value && storePlaintextKey(storage, profile, field, value)) stored = true;
    }
    if (stored) moved++;
  }
  return { settings, movedCredentials: moved, plaintextFound: hasPlaintextCredentials(raw) };
}

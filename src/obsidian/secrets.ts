/**
 * Credentials come from Obsidian's secret storage, looked up by the names a profile holds.
 * data.json only ever contains those names, so a synced or shared vault leaks no key.
 */
import type { SecretStorage } from "obsidian";
import type { Credentials, Profile } from "../core/types";

/** The credentials, or what the user has to set before uploads can work. */
export type CredentialsResult = { ok: true; credentials: Credentials } | { ok: false; problems: string[] };

const FIELDS = [
  { field: "accessKeyIdSecret", label: "access key ID" },
  { field: "secretAccessKeySecret", label: "secret access key" },
] as const;

/**
 * Reads the profile's access key ID and secret access key from secret storage. Problems say
 * which secret is unset or missing by its name only; a secret's value never appears in them.
 */
export function readCredentials(
  storage: Pick<SecretStorage, "getSecret">,
  profile: Pick<Profile, "accessKeyIdSecret" | "secretAccessKeySecret">,
): CredentialsResult {
  const problems: string[] = [];
  const values: string[] = [];
  for (const { field, label } of FIELDS) {
    const name = profile[field].trim();
    if (!name) {
      problems.push(`Choose the secret that holds the ${label}.`);
      continue;
    }
    const value = storage.getSecret(name)?.trim() ?? "";
    if (!value) {
      problems.push(`The secret "${name}" for the ${label} is not in this device's secret storage; add it in the plugin settings.`);
      continue;
    }
    values.push(value);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, credentials: { accessKeyId: values[0], secretAccessKey: values[1] } };
}

/**
 * Whether paste and drop can upload right now, and if not, what the user has to set. An
 * unusable profile never swallows an image: Obsidian then saves it as it always does.
 */
import type { SecretStorage } from "obsidian";
import { linkStyleOf, maxUploadBytes, type PluginSettings } from "../core/settings/settingsModel";
import { linkStyleProblem } from "../core/link/linkWriter";
import { validateProfile } from "../core/settings/profileValidation";
import { unsendableKeyMessage } from "../core/credentialText";
import type { Profile } from "../core/types";
import { readCredentials } from "./secrets";
import type { UploaderConfig } from "./uploaderCache";

/** Ready with everything an uploader needs, or the reasons it is not. */
export type Readiness =
  | { ok: true; config: UploaderConfig }
  | {
      ok: false;
      /** True when the profile was never filled in: the user has not set the plugin up at all. */
      unconfigured: boolean;
      /** What to fix, in the user's words; the first is the most basic. */
      problems: string[];
    };

/** The profile uploads go to: the active one, or the first if the active id is stale. */
export function activeProfile(settings: PluginSettings): Profile | undefined {
  return settings.profiles.find((p) => p.id === settings.activeProfileId) ?? settings.profiles[0];
}

function untouched(p: Profile): boolean {
  return !p.endpoint.trim() && !p.bucket.trim() && !p.accessKeyIdSecret.trim() && !p.secretAccessKeySecret.trim();
}

/**
 * Checks a profile's fields (the active profile's unless `chosen` is given, as a note's upload
 * rule chooses one), the link template, and that both of the profile's secrets are present on
 * this device.
 */
export function checkReadiness(settings: PluginSettings, secrets: Pick<SecretStorage, "getSecret">, chosen?: Profile): Readiness {
  const profile = chosen ?? activeProfile(settings);
  if (chosen && untouched(chosen)) {
    return { ok: false, unconfigured: false, problems: [`The profile "${chosen.name}" has no bucket set up yet.`] };
  }
  if (!profile || untouched(profile)) {
    return { ok: false, unconfigured: true, problems: ["No bucket is set up yet."] };
  }
  const problems = validateProfile(profile).map((m) => m.message);
  const linkProblem = linkStyleProblem(linkStyleOf(settings));
  if (linkProblem) problems.push(`${linkProblem} Fix it under "Link format" in the settings.`);
  const credentials = readCredentials(secrets, profile);
  if (!credentials.ok) {
    for (const p of credentials.problems) if (!problems.includes(p)) problems.push(p);
  } else {
    const keys = [
      { value: credentials.credentials.accessKeyId, name: profile.accessKeyIdSecret.trim(), what: "access key ID" },
      { value: credentials.credentials.secretAccessKey, name: profile.secretAccessKeySecret.trim(), what: "secret access key" },
    ];
    for (const k of keys) {
      const message = unsendableKeyMessage(
        k.value,
        `The secret "${k.name}" (the ${k.what})`,
        `Store the ${k.what} in it again, exactly as your provider shows it.`,
      );
      if (message) problems.push(message);
    }
  }
  if (problems.length > 0 || !credentials.ok) return { ok: false, unconfigured: false, problems };
  return {
    ok: true,
    config: {
      profile,
      credentials: credentials.credentials,
      maxBytes: maxUploadBytes(settings),
      imagesOnly: settings.imagesOnly,
    },
  };
}

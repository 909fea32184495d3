import { promises as fs } from "node:fs";
import * as path from "node:path";
import { newProfile } from "../core/settings/settingsModel";
import { validateProfile } from "../core/settings/profileValidation";
import { applyPreset } from "../core/providers";
import { PROFILE_FIELDS, profileField, type ProfileField } from "../core/settings/profileFields";
import { unsendableKeyMessage } from "../core/credentialText";
import type { Credentials, Profile } from "../core/types";
import { CREDENTIALS_FROM_ENV, UsageError, type CliArgs } from "./args";
import { LINK_FORMATS, linkTemplateProblem, type LinkFormat, type LinkStyle } from "../core/link/linkWriter";
import { LINK_CONFIG_KEYS } from "./options";

/** Environment variables, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** Reads the `--config` file: a JSON object with the fields of a settings profile. */
export async function loadConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    throw new UsageError(`The config file ${file} could not be read.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`The config file ${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`The config file ${file} must hold a JSON object with the bucket settings.`);
  }
  return value as Record<string, unknown>;
}

/**
 * The profile to upload with: the provider's preset, then the config file's fields, then
 * the flags. The config file takes the keys the profile field table marks for it, each of
 * the field's kind. Throws `UsageError` listing every problem `validateProfile` finds.
 */
export function buildProfile(config: Record<string, unknown> | undefined, args: CliArgs): Profile {
  const c = config ?? {};
  // Explicit settings: the config file's, then the flags on top.
  const given: Partial<Profile> = {};
  for (const [key, value] of Object.entries(c)) {
    if (/^(accessKeyId|secretAccessKey|sessionToken|credentials)$/i.test(key)) {
      throw new UsageError(`The config file holds "${key}". ${CREDENTIALS_FROM_ENV}`);
    }
    if (LINK_CONFIG_KEYS.includes(key)) continue;
    const field = PROFILE_FIELDS.find((f) => f.key === key && f.config !== undefined);
    if (!field) throw new UsageError(`The config file has an unknown setting "${key}".`);
    if (value === undefined || field.config === "ignore") continue;
    Object.assign(given, { [key]: configValue(field, value) });
  }
  for (const [k, v] of Object.entries(args.profile)) if (v !== undefined) Object.assign(given, { [k]: v });

  // A provider preset fills what was not given (region from the endpoint's host where the
  // provider names it there, addressing style, ACL), as choosing a provider does in the settings.
  const provider = given.provider;
  const base = newProfile(provider);
  const profile: Profile = { ...(provider ? applyPreset({ ...base, endpoint: given.endpoint ?? "" }, provider) : base), ...given };

  // The secret names only matter inside Obsidian; the tool takes credentials from the environment.
  profile.accessKeyIdSecret = "";
  profile.secretAccessKeySecret = "";

  const problems = validateProfile(profile).filter((p) => profileField(p.field).kind !== "secret");
  if (problems.length > 0) {
    throw new UsageError(["The bucket settings are not usable:", ...problems.map((p) => `  ${p.field}: ${p.message}`)].join("\n"));
  }
  return profile;
}

/**
 * How the links made for local images are written: `--link-format` and `--link-template`
 * over the config file's `linkFormat` and `linkTemplate`. A template given without a format
 * means the custom format.
 * @throws UsageError for an unknown format, a template that is not usable (an unknown
 * placeholder is named), or a template flag beside a format that does not use it.
 */
export function linkStyleFrom(config: Record<string, unknown> | undefined, args: Pick<CliArgs, "linkFormat" | "linkTemplate">): LinkStyle {
  const c = config ?? {};
  if (c.linkFormat !== undefined && !(typeof c.linkFormat === "string" && (LINK_FORMATS as readonly string[]).includes(c.linkFormat))) {
    throw new UsageError(`"linkFormat" in the config file must be one of ${LINK_FORMATS.join(", ")}.`);
  }
  if (c.linkTemplate !== undefined && typeof c.linkTemplate !== "string") throw new UsageError(`"linkTemplate" in the config file must be a string.`);
  const configFormat = c.linkFormat as LinkFormat | undefined;
  const configTemplate = c.linkTemplate;
  const template = args.linkTemplate ?? configTemplate;
  const format = args.linkFormat ?? configFormat ?? (template !== undefined ? "custom" : "markdown");
  if (format !== "custom") {
    if (args.linkTemplate !== undefined) throw new UsageError(`--link-template is the template of --link-format custom, but the link format is ${format}.`);
    return { format, template: "" };
  }
  if (template === undefined) throw new UsageError('The custom link format needs its template: give --link-template T (or "linkTemplate" in the config file).');
  const problem = linkTemplateProblem(template);
  if (problem) throw new UsageError(`${args.linkTemplate !== undefined ? "--link-template" : '"linkTemplate" in the config file'}: ${problem}`);
  return { format, template };
}

/** A config file's value for `field`, checked against the field's kind. */
function configValue(field: ProfileField, value: unknown): unknown {
  if (field.kind === "toggle") {
    if (typeof value !== "boolean") throw new UsageError(`"${field.key}" in the config file must be true or false.`);
    return value;
  }
  if (field.kind === "choice") {
    const allowed = (field.choices ?? []).map((ch) => ch.value);
    if (typeof value !== "string" || !allowed.includes(value)) {
      throw new UsageError(`"${field.key}" in the config file must be one of ${allowed.join(", ")}.`);
    }
    return value;
  }
  if (field.numeric && typeof value === "number") return String(value);
  if (typeof value !== "string") throw new UsageError(`"${field.key}" in the config file must be ${field.numeric ? "a number" : "a string"}.`);
  return value;
}

/** Keys in the environment that no request can carry: bad usage, even where missing keys are not. */
export class UnsendableCredentials extends UsageError {}

/**
 * Credentials from `S3_*`, else `AWS_*` environment variables; a pair is never mixed.
 * @throws UsageError when none or half a pair is set; `UnsendableCredentials` when a key holds
 * characters no request can carry.
 */
export function credentialsFromEnv(env: Env): Credentials {
  for (const prefix of ["S3", "AWS"]) {
    const accessKeyId = env[`${prefix}_ACCESS_KEY_ID`];
    const secretAccessKey = env[`${prefix}_SECRET_ACCESS_KEY`];
    if (accessKeyId && secretAccessKey) {
      const problems = [
        unsendableKeyMessage(accessKeyId, `${prefix}_ACCESS_KEY_ID`, "Set it to the access key ID exactly as your provider shows it."),
        unsendableKeyMessage(secretAccessKey, `${prefix}_SECRET_ACCESS_KEY`, "Set it to the secret access key exactly as your provider shows it."),
      ].filter((m) => m !== undefined);
      if (problems.length > 0) throw new UnsendableCredentials(problems.join("\n"));
      return { accessKeyId, secretAccessKey };
    }
    if (accessKeyId || secretAccessKey) {
      throw new UsageError(`Only one of ${prefix}_ACCESS_KEY_ID and ${prefix}_SECRET_ACCESS_KEY is set; set both.`);
    }
  }
  throw new UsageError(`No credentials. ${CREDENTIALS_FROM_ENV}`);
}

/** Where the upload index lives between runs: `$XDG_CACHE_HOME/s3-image-hosting/uploads.json`. */
export function defaultCachePath(env: Env, home: string): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, ".cache");
  return path.join(base, "s3-image-hosting", "uploads.json");
}

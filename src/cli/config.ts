import { promises as fs } from "node:fs";
import * as path from "node:path";
import { newProfile } from "../core/settings/settingsModel";
import { PROVIDER_IDS } from "../core/providers";
import { validateProfile } from "../core/settings/profileValidation";
import { applyPreset } from "../core/providers";
import type { AclSetting, Credentials, Profile, ProviderId } from "../core/types";
import { CREDENTIALS_FROM_ENV, UsageError, type CliArgs } from "./args";

/** Environment variables, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

type StringField = "id" | "name" | "endpoint" | "region" | "bucket" | "publicBaseUrl" | "keyTemplate" | "cacheControl";

const STRING_FIELDS: readonly StringField[] = ["id", "name", "endpoint", "region", "bucket", "publicBaseUrl", "keyTemplate", "cacheControl"];

/** Names of secrets in Obsidian's secret storage: meaningless outside Obsidian, so ignored. */
const SECRET_NAME_FIELDS = ["accessKeyIdSecret", "secretAccessKeySecret"];

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
 * the flags. Throws `UsageError` listing every problem `validateProfile` finds.
 */
export function buildProfile(config: Record<string, unknown> | undefined, args: CliArgs): Profile {
  const c = config ?? {};
  for (const key of Object.keys(c)) {
    if (/^(accessKeyId|secretAccessKey|sessionToken|credentials)$/i.test(key)) {
      throw new UsageError(`The config file holds "${key}". ${CREDENTIALS_FROM_ENV}`);
    }
    if (![...STRING_FIELDS, "provider", "forcePathStyle", "acl", "overwrite", ...SECRET_NAME_FIELDS].includes(key)) {
      throw new UsageError(`The config file has an unknown setting "${key}".`);
    }
  }

  // Explicit settings: the config file's, then the flags on top.
  const given: Partial<Profile> = {};
  for (const field of STRING_FIELDS) {
    const v = c[field];
    if (v === undefined) continue;
    if (typeof v !== "string") throw new UsageError(`"${field}" in the config file must be a string.`);
    given[field] = v;
  }
  if (c.forcePathStyle !== undefined) {
    if (typeof c.forcePathStyle !== "boolean") throw new UsageError(`"forcePathStyle" in the config file must be true or false.`);
    given.forcePathStyle = c.forcePathStyle;
  }
  if (c.overwrite !== undefined) {
    if (typeof c.overwrite !== "boolean") throw new UsageError(`"overwrite" in the config file must be true or false.`);
    given.overwrite = c.overwrite;
  }
  if (c.acl !== undefined) given.acl = oneOf<AclSetting>(c.acl, "acl", ["none", "public-read", "private"]);
  const flags: Partial<Profile> = {
    endpoint: args.endpoint,
    region: args.region,
    bucket: args.bucket,
    forcePathStyle: args.pathStyle,
    publicBaseUrl: args.publicUrl,
    keyTemplate: args.keyTemplate,
    acl: args.acl,
    overwrite: args.overwrite,
  };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) Object.assign(given, { [k]: v });

  // A provider preset fills what was not given (region from the endpoint's host where the
  // provider names it there, addressing style, ACL), as choosing a provider does in the settings.
  const provider = args.provider ?? (c.provider === undefined ? undefined : oneOf<ProviderId>(c.provider, "provider", PROVIDER_IDS));
  const base = newProfile(provider);
  const profile: Profile = { ...(provider ? applyPreset({ ...base, endpoint: given.endpoint ?? "" }, provider) : base), ...given };

  // The secret names only matter inside Obsidian; the tool takes credentials from the environment.
  profile.accessKeyIdSecret = "";
  profile.secretAccessKeySecret = "";

  const problems = validateProfile(profile).filter((p) => !SECRET_NAME_FIELDS.includes(p.field));
  if (problems.length > 0) {
    throw new UsageError(["The bucket settings are not usable:", ...problems.map((p) => `  ${p.field}: ${p.message}`)].join("\n"));
  }
  return profile;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new UsageError(`"${field}" in the config file must be one of ${allowed.join(", ")}.`);
  }
  return value as T;
}

/** Credentials from `S3_*`, else `AWS_*` environment variables; a pair is never mixed. */
export function credentialsFromEnv(env: Env): Credentials {
  for (const prefix of ["S3", "AWS"]) {
    const accessKeyId = env[`${prefix}_ACCESS_KEY_ID`];
    const secretAccessKey = env[`${prefix}_SECRET_ACCESS_KEY`];
    if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
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

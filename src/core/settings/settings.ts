/**
 * The settings model: defaults, migration from whatever `loadData()` returns, and
 * profile validation that speaks to a person. Secrets never live here: a profile only
 * names the secrets in Obsidian's secret storage.
 */
import { DEFAULT_KEY_TEMPLATE, validateKeyTemplate } from "../prepare/keyTemplate";
import type { UploadRecord } from "../ports";
import type { AclSetting, Profile, ProviderId } from "../types";
import { cleanUploadIndexData } from "./uploadIndex";
import { parseHttpUrl } from "../link/httpUrl";
import { randomHex } from "../randomHex";

export const SETTINGS_VERSION = 1;

export interface PluginSettings {
  version: number;
  profiles: Profile[];
  activeProfileId: string;
  uploadOnPaste: boolean;
  uploadOnDrop: boolean;
  maxFileSizeMB: number;
  imagesOnly: boolean;
  /** Uploads in flight during "upload all", 1 to `MAX_CONCURRENCY`. */
  concurrency: number;
  trashAfterUpload: boolean;
  /** scope (see `bucketScope`) → SHA-256 → record. */
  uploadIndex: Record<string, Record<string, UploadRecord>>;
}

/** Keys are content-addressed, so the bytes behind a URL never change and CDNs may keep them forever. */
export const DEFAULT_CACHE_CONTROL = "public, max-age=31536000, immutable";
export const PROVIDER_IDS: readonly ProviderId[] = ["r2", "b2", "minio", "aws", "aliyun-oss", "tencent-cos", "generic"];
export const MAX_CONCURRENCY = 32;
/** "MB" in the settings means MiB. */
export const BYTES_PER_MB = 1024 * 1024;
/** A single PUT takes at most 5 GiB, and the body is held in memory anyway. */
const MAX_FILE_SIZE_MB = 5 * 1024;
const DEFAULT_PROFILE_ID = "default";
const ACLS: readonly AclSetting[] = ["none", "public-read", "private"];

/** A profile with generic defaults; apply a provider preset (storage/presets) for provider specifics. */
export function newProfile(provider: ProviderId = "generic", id: string = randomHex(8)): Profile {
  return {
    id,
    name: "My bucket",
    provider,
    endpoint: "",
    region: "",
    bucket: "",
    forcePathStyle: true,
    publicBaseUrl: "",
    keyTemplate: DEFAULT_KEY_TEMPLATE,
    acl: "none",
    cacheControl: DEFAULT_CACHE_CONTROL,
    overwrite: false,
    accessKeyIdSecret: "",
    secretAccessKeySecret: "",
  };
}

function defaultSettings(): PluginSettings {
  return {
    version: SETTINGS_VERSION,
    profiles: [newProfile("generic", DEFAULT_PROFILE_ID)],
    activeProfileId: DEFAULT_PROFILE_ID,
    uploadOnPaste: true,
    uploadOnDrop: true,
    maxFileSizeMB: 20,
    imagesOnly: true,
    // Measured with `npm run bench` (200 × 200 KB through the engine): 16 in flight moves
    // 1.6× as many images per second as 8 with 80 ms per request and 1.8× with 200 ms, and is
    // as fast as any setting on loopback; peak memory of the CLI migrating 4 MB images grows
    // from ~145 to ~165 MB. Beyond 16 the gains shrink on a near server while memory, and the
    // chance of a provider's SlowDown, keep growing.
    concurrency: 16,
    trashAfterUpload: false,
    uploadIndex: {},
  };
}

/** The defaults. Shared: take a fresh, mutable copy with `migrateSettings(undefined)`. */
export const DEFAULT_SETTINGS: PluginSettings = defaultSettings();

/** The size limit of `settings` in bytes. */
export function maxUploadBytes(settings: Pick<PluginSettings, "maxFileSizeMB">): number {
  return Math.round(settings.maxFileSizeMB * BYTES_PER_MB);
}

/**
 * Settings from anything `loadData()` may return: nothing or garbage gives the defaults;
 * a flat single-bucket object (an older shape, or a PicGo S3 config) becomes one profile;
 * unknown fields are dropped and mistyped ones replaced by defaults. Plaintext credentials
 * are never carried over (see `findPlaintextCredentials` to move them to secret storage).
 * The result has at least one profile and an `activeProfileId` naming one of them.
 */
export function migrateSettings(raw: unknown): PluginSettings {
  const settings = defaultSettings();
  const source = unwrapPicGo(raw);
  if (!source) return settings;
  const profiles = rawProfiles(source).map(({ id, data }) => readProfile(data, id));
  if (profiles.length > 0) settings.profiles = profiles;
  const active = source.activeProfileId;
  settings.activeProfileId =
    typeof active === "string" && settings.profiles.some((p) => p.id === active) ? active : settings.profiles[0].id;
  settings.uploadOnPaste = bool(source.uploadOnPaste, settings.uploadOnPaste);
  settings.uploadOnDrop = bool(source.uploadOnDrop, settings.uploadOnDrop);
  settings.imagesOnly = bool(source.imagesOnly, settings.imagesOnly);
  settings.trashAfterUpload = bool(source.trashAfterUpload, settings.trashAfterUpload);
  const size = source.maxFileSizeMB;
  if (typeof size === "number" && Number.isFinite(size) && size > 0) {
    settings.maxFileSizeMB = Math.min(size, MAX_FILE_SIZE_MB);
  }
  const concurrency = source.concurrency;
  if (typeof concurrency === "number" && Number.isFinite(concurrency)) {
    settings.concurrency = Math.min(MAX_CONCURRENCY, Math.max(1, Math.round(concurrency)));
  }
  settings.uploadIndex = cleanUploadIndexData(source.uploadIndex);
  return settings;
}

const ACCESS_KEY_FIELDS = ["accessKeyId", "accessKeyID", "accessKey", "secretId", "AccessKeyId"];
const SECRET_KEY_FIELDS = ["secretAccessKey", "secretKey", "accessKeySecret", "SecretAccessKey"];

/** Plain-text keys of one profile; either may be missing (half a pair is still a key). */
export interface PlaintextCredentials {
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * Keys stored in plain text in old settings, by the id of the profile `migrateSettings` makes
 * from them, so the plugin can move them into secret storage before the migrated settings
 * (which drop them) are saved.
 */
export function findPlaintextCredentials(raw: unknown): Array<{ profileId: string; credentials: PlaintextCredentials }> {
  const source = unwrapPicGo(raw);
  if (!source) return [];
  return rawProfiles(source).flatMap(({ id, data }) => {
    const accessKeyId = firstString(data, ACCESS_KEY_FIELDS);
    const secretAccessKey = firstString(data, SECRET_KEY_FIELDS);
    if (!accessKeyId && !secretAccessKey) return [];
    const credentials: PlaintextCredentials = {};
    if (accessKeyId) credentials.accessKeyId = accessKeyId;
    if (secretAccessKey) credentials.secretAccessKey = secretAccessKey;
    return [{ profileId: id, credentials }];
  });
}

/**
 * Whether `raw` holds a key in plain text anywhere — in a profile, at the top level, under
 * another PicGo uploader — so that data.json must be rewritten (by the migrated settings,
 * which carry none of these fields) even when there is nothing to move.
 */
export function hasPlaintextCredentials(raw: unknown): boolean {
  const fields = new Set([...ACCESS_KEY_FIELDS, ...SECRET_KEY_FIELDS]);
  const seen = new Set<unknown>();
  const visit = (value: unknown): boolean => {
    if (typeof value !== "object" || value === null || seen.has(value)) return false;
    seen.add(value);
    if (Array.isArray(value)) return value.some(visit);
    return Object.entries(value).some(([k, v]) => (fields.has(k) && typeof v === "string" && v.trim() !== "") || visit(v));
  };
  return visit(raw);
}

/** PicGo keeps the S3 uploader's settings under `picBed["aws-s3"]`. */
function unwrapPicGo(raw: unknown): Record<string, unknown> | undefined {
  if (!isObject(raw)) return undefined;
  const picBed = raw.picBed;
  if (isObject(picBed) && isObject(picBed["aws-s3"])) return picBed["aws-s3"];
  return raw;
}

/** The raw profiles with the ids they will have: stored ids when usable, else stable ones. */
function rawProfiles(source: Record<string, unknown>): Array<{ id: string; data: Record<string, unknown> }> {
  const list = Array.isArray(source.profiles)
    ? source.profiles.filter(isObject)
    : ["endpoint", "bucket", "bucketName"].some((k) => typeof source[k] === "string")
      ? [source]
      : [];
  const seen = new Set<string>();
  return list.map((data, i) => {
    const stored = typeof data.id === "string" ? data.id.trim() : "";
    let id = stored || (list.length === 1 ? DEFAULT_PROFILE_ID : `profile-${i + 1}`);
    for (let n = 2; seen.has(id); n++) id = `${stored || "profile"}-${n}`;
    seen.add(id);
    return { id, data };
  });
}

function readProfile(raw: Record<string, unknown>, id: string): Profile {
  const provider = PROVIDER_IDS.find((p) => p === raw.provider) ?? "generic";
  const p = newProfile(provider, id);
  p.name = str(raw.name)?.trim() || p.name;
  const endpoint = str(raw.endpoint)?.trim() ?? "";
  // PicGo accepted a bare host name as the endpoint.
  p.endpoint = endpoint && !endpoint.includes("://") ? `https://${endpoint}` : endpoint;
  p.region = str(raw.region)?.trim() ?? "";
  p.bucket = (str(raw.bucket) ?? str(raw.bucketName) ?? "").trim();
  p.forcePathStyle = bool(raw.forcePathStyle ?? raw.pathStyleAccess, p.forcePathStyle);
  p.publicBaseUrl = (str(raw.publicBaseUrl) ?? str(raw.urlPrefix) ?? "").trim();
  const template = str(raw.keyTemplate) ?? picGoTemplate(str(raw.uploadPath));
  if (template !== undefined && template.trim() !== "") p.keyTemplate = template.trim();
  p.acl = ACLS.find((a) => a === raw.acl) ?? p.acl;
  p.cacheControl = str(raw.cacheControl) ?? p.cacheControl;
  // Profiles saved before this setting existed never replaced a file knowingly: they keep it off.
  p.overwrite = bool(raw.overwrite, p.overwrite);
  p.accessKeyIdSecret = str(raw.accessKeyIdSecret) ?? "";
  p.secretAccessKeySecret = str(raw.secretAccessKeySecret) ?? "";
  return p;
}

/** PicGo's upload path tokens in this plugin's names; tokens with no equivalent are left for validation to report. */
function picGoTemplate(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return path
    .replace(/^\/+/, "")
    .replace(/\{fullName\}/g, "{name}.{ext}")
    .replace(/\{fileName\}/g, "{name}")
    .replace(/\{extName\}/g, "{ext}")
    .replace(/\{sha256\}/g, "{hash}");
}

export interface FieldMessage {
  field: keyof Profile;
  message: string;
}

/** What is wrong with a profile, per field, in words a person can act on; empty when usable. */
export function validateProfile(p: Profile): FieldMessage[] {
  const out: FieldMessage[] = [];
  const add = (field: keyof Profile, messages: string[]): void => {
    for (const message of messages) out.push({ field, message });
  };
  add("endpoint", endpointMessages(p));
  add("region", regionMessages(p));
  add("bucket", bucketMessages(p.bucket.trim()));
  add("publicBaseUrl", publicBaseUrlMessages(p));
  add("keyTemplate", validateKeyTemplate(p.keyTemplate));
  add("cacheControl", cacheControlMessages(p.cacheControl.trim()));
  if (p.acl !== "none" && (p.provider === "r2" || p.provider === "b2")) {
    const why = p.provider === "r2" ? "Cloudflare R2 rejects the ACL header" : "Backblaze B2 has no per-file ACLs";
    add("acl", [`${why}; set the ACL to none.`]);
  }
  if (p.provider === "aliyun-oss" && p.forcePathStyle) {
    add("forcePathStyle", ["Aliyun OSS accepts only virtual-hosted addressing; turn path-style off."]);
  }
  if (!p.accessKeyIdSecret.trim()) add("accessKeyIdSecret", ["Choose the secret that holds the access key ID."]);
  if (!p.secretAccessKeySecret.trim()) {
    add("secretAccessKeySecret", ["Choose the secret that holds the secret access key."]);
  } else if (p.secretAccessKeySecret.trim() === p.accessKeyIdSecret.trim()) {
    add("secretAccessKeySecret", ["The access key ID and the secret access key must be two different secrets."]);
  }
  return out;
}

function endpointMessages(p: Profile): string[] {
  const text = p.endpoint.trim();
  if (!text) return ["Endpoint is required: the S3 API address of your provider, e.g. https://s3.us-west-004.backblazeb2.com."];
  const url = parseHttpUrl(text);
  if (!url) {
    return ["Endpoint must be a full URL starting with https:// (or http:// for a server on your own network)."];
  }
  const out: string[] = [];
  const bucket = p.bucket.trim().toLowerCase();
  const host = url.hostname.toLowerCase();
  if (url.username || url.password) out.push("Endpoint must not contain a user name or password.");
  if (url.search || url.hash) out.push("Endpoint must not have a query (?…) or a fragment (#…).");
  if (bucket && url.pathname.split("/")[1]?.toLowerCase() === bucket) {
    out.push("Remove the bucket name from the endpoint; it goes in the Bucket field only.");
  }
  if (bucket && host.startsWith(`${bucket}.`)) {
    out.push("Remove the bucket name from the start of the endpoint's host; the plugin adds it where needed.");
  }
  if (host.endsWith(".r2.dev")) {
    out.push("An r2.dev address is the public URL, not the endpoint: use https://<account-id>.r2.cloudflarestorage.com.");
  }
  return out;
}

function regionMessages(p: Profile): string[] {
  const region = p.region.trim();
  if (!region) return ["Region is required; for R2 use auto."];
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(region)) {
    return [`"${region}" is not a region name; they look like us-east-1 (or auto for R2).`];
  }
  if (p.provider === "r2" && region !== "auto" && region !== "us-east-1") return ["Cloudflare R2 uses the region auto."];
  const b2 = /^s3\.([a-z0-9-]+)\.backblazeb2\.com$/.exec(parseHttpUrl(p.endpoint.trim())?.hostname.toLowerCase() ?? "");
  if (p.provider === "b2" && b2 && b2[1] !== region) return [`The region must match the endpoint: ${b2[1]}.`];
  return [];
}

function bucketMessages(bucket: string): string[] {
  if (!bucket) return ["Bucket is required."];
  if (bucket.includes("/")) return ["Enter only the bucket's name; put folders in the key template."];
  const out: string[] = [];
  if (bucket.length < 3 || bucket.length > 63) out.push("Bucket names are 3 to 63 characters long.");
  if (/[A-Z]/.test(bucket)) out.push("Bucket names use lowercase letters only.");
  const bad = [...new Set(bucket.replace(/[a-zA-Z0-9.-]/g, ""))];
  if (bad.length > 0) out.push(`Bucket names may contain only letters, digits, dots and hyphens, not ${bad.join(" ")}.`);
  if (!/^[a-zA-Z0-9].*[a-zA-Z0-9]$|^[a-zA-Z0-9]$/.test(bucket)) out.push("Bucket names start and end with a letter or digit.");
  if (bucket.includes("..")) out.push("Bucket names cannot contain two dots in a row.");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) out.push("Bucket names cannot look like an IP address.");
  return out;
}

function publicBaseUrlMessages(p: Profile): string[] {
  const text = p.publicBaseUrl.trim();
  if (!text) {
    return p.provider === "r2"
      ? ["R2 serves files publicly only from the bucket's r2.dev address or a custom domain; enter that URL here."]
      : [];
  }
  const url = parseHttpUrl(text);
  if (!url) return ["Public base URL must be a full URL starting with https://, e.g. https://img.example.com."];
  const out: string[] = [];
  if (url.username || url.password) out.push("Public base URL must not contain a user name or password.");
  if (url.search || url.hash) out.push("Public base URL must not have a query (?…) or a fragment (#…).");
  if (url.hostname.toLowerCase().endsWith(".r2.cloudflarestorage.com")) {
    out.push("That is R2's S3 endpoint, which always asks for a signature; use the r2.dev address or a custom domain.");
  }
  return out;
}

function cacheControlMessages(value: string): string[] {
  if (!value) return [];
  if ([...value].some((ch) => ch < " " || ch > "~")) return ["Cache-Control may contain only plain printable characters."];
  for (const directive of value.split(",").map((d) => d.trim())) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|[A-Za-z0-9!#$%&'*+.^_`|~-]+))?$/.exec(directive);
    if (!m) return [`Cache-Control has an invalid part "${directive}"; write it like ${DEFAULT_CACHE_CONTROL}.`];
    if (/^(max-age|s-maxage)$/i.test(m[1]) && !/^\d+$/.test(m[2] ?? "")) {
      return [`${m[1]} needs a number of seconds, e.g. ${m[1]}=31536000.`];
    }
  }
  return [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}

function firstString(data: Record<string, unknown>, fields: string[]): string | undefined {
  for (const field of fields) {
    const value = data[field];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return undefined;
}

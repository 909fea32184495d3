/**
 * Reading whatever `loadData()` returns into the settings model: older shapes, PicGo's S3
 * uploader config, garbage. Also finds the keys old settings kept in plain text, so they can
 * be moved to secret storage.
 */
import type { Profile } from "../types";
import { PROVIDER_IDS } from "../providers";
import { CONVERT_SETTINGS } from "../prepare/transformPlan";
import { cleanUploadIndexData } from "./uploadIndex";
import { LINK_FORMATS } from "../link/linkWriter";
import { KEEP_LOCAL, type FolderRule } from "../rules/uploadTarget";
import { ACLS, DEFAULT_PROFILE_ID, MAX_CONCURRENCY, MAX_FILE_SIZE_MB, defaultSettings, newProfile, type PluginSettings } from "./settingsModel";

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
  settings.activeProfileId = typeof active === "string" && settings.profiles.some((p) => p.id === active) ? active : settings.profiles[0].id;
  settings.uploadOnPaste = bool(source.uploadOnPaste, settings.uploadOnPaste);
  settings.uploadOnDrop = bool(source.uploadOnDrop, settings.uploadOnDrop);
  const attachments = source.uploadAttachments;
  if (attachments === "auto" || typeof attachments === "boolean") settings.uploadAttachments = attachments;
  settings.imagesOnly = bool(source.imagesOnly, settings.imagesOnly);
  settings.trashAfterUpload = bool(source.trashAfterUpload, settings.trashAfterUpload);
  settings.rehostWebImages = bool(source.rehostWebImages, settings.rehostWebImages);
  settings.downloadAllWebImages = bool(source.downloadAllWebImages, settings.downloadAllWebImages);
  // Settings saved before the link format existed wrote markdown links.
  settings.linkFormat = LINK_FORMATS.find((f) => f === source.linkFormat) ?? settings.linkFormat;
  // Kept as written, even when unusable: validation says what is wrong rather than a silent default.
  settings.linkTemplate = str(source.linkTemplate) ?? settings.linkTemplate;
  settings.webImageAllow = hostList(source.webImageAllow);
  settings.webImageDeny = hostList(source.webImageDeny);
  settings.folderRules = folderRules(source.folderRules);
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

/** A stored list of host names: the strings in it, trimmed; anything else is dropped. */
function hostList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

/**
 * Stored folder rules, in order. A rule is kept as written even when unusable (no pattern, a
 * deleted profile): the settings show what is wrong and it uploads nothing meanwhile.
 */
function folderRules(value: unknown): FolderRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((r) => ({ pattern: str(r.pattern) ?? "", target: str(r.target) ?? KEEP_LOCAL }));
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
  p.convert = CONVERT_SETTINGS.find((c) => c === raw.convert) ?? p.convert;
  // Kept as written, even when unusable: validation says what is wrong rather than a silent default.
  p.quality = numberText(raw.quality) ?? p.quality;
  p.maxWidth = numberText(raw.maxWidth) ?? p.maxWidth;
  p.maxHeight = numberText(raw.maxHeight) ?? p.maxHeight;
  // Profiles saved before these settings existed get them on: a published GPS position cannot be taken back.
  p.stripMetadata = bool(raw.stripMetadata, p.stripMetadata);
  p.sanitizeSvg = bool(raw.sanitizeSvg, p.sanitizeSvg);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A number field as the form's text: numbers become their digits, text is kept. */
function numberText(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return str(value)?.trim();
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

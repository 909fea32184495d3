/**
 * The settings model and its defaults. Secrets never live here: a profile only names the
 * secrets in Obsidian's secret storage.
 */
import type { UploadRecord } from "../ports";
import { randomHex } from "../randomHex";
import type { Profile, ProviderId } from "../types";
import type { FolderRule } from "../rules/uploadTarget";
import { PROFILE_FIELDS } from "./profileFields";

export { ACLS, DEFAULT_CACHE_CONTROL } from "./profileFields";

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
  /** "Upload all" also uploads images notes link from other websites, and relinks them. */
  rehostWebImages: boolean;
  /** Hosts web images are re-hosted from (their subdomains too); empty: any host not denied. */
  webImageAllow: string[];
  /** Hosts web images are never fetched from. */
  webImageDeny: string[];
  /** "Download images back" takes every web image, not only those a profile serves. */
  downloadAllWebImages: boolean;
  /** Where notes of some folders upload to (or that they keep their images), first match wins; a note's front matter comes first. */
  folderRules: FolderRule[];
  /** scope (see `bucketScope`) → SHA-256 → record. */
  uploadIndex: Record<string, Record<string, UploadRecord>>;
}

export const MAX_CONCURRENCY = 32;
/** "MB" in the settings means MiB. */
export const BYTES_PER_MB = 1024 * 1024;
/** A single PUT takes at most 5 GiB, and the body is held in memory anyway. */
export const MAX_FILE_SIZE_MB = 5 * 1024;
/** The id of the profile fresh settings start with. */
export const DEFAULT_PROFILE_ID = "default";

/** A profile with generic defaults; `applyPreset` (core/providers) adds a provider's specifics. */
export function newProfile(provider: ProviderId = "generic", id: string = randomHex(8)): Profile {
  const profile = Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, f.default])) as unknown as Profile;
  return { ...profile, id, provider };
}

/** Fresh, mutable default settings with one generic profile. */
export function defaultSettings(): PluginSettings {
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
    rehostWebImages: false,
    webImageAllow: [],
    webImageDeny: [],
    downloadAllWebImages: false,
    folderRules: [],
    uploadIndex: {},
  };
}

/** The defaults. Shared: take a fresh, mutable copy with `migrateSettings(undefined)`. */
export const DEFAULT_SETTINGS: PluginSettings = defaultSettings();

/** The size limit of `settings` in bytes. */
export function maxUploadBytes(settings: Pick<PluginSettings, "maxFileSizeMB">): number {
  return Math.round(settings.maxFileSizeMB * BYTES_PER_MB);
}

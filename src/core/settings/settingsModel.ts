/**
 * The settings model and its defaults. Secrets never live here: a profile only names the
 * secrets in Obsidian's secret storage.
 */
import type { UploadRecord } from "../ports";
import type { LinkFormat, LinkStyle } from "../link/linkWriter";
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
  /**
   * Upload images that Obsidian itself saves into the vault and embeds in the note being
   * edited (the attach button, the camera, the share sheet). "auto" follows the device: on
   * on phones and tablets, where those are the ways images arrive, off on desktop.
   */
  uploadAttachments: AttachmentUploads;
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
  /** How links to uploaded local and pasted images are written; see `linkWriter.ts`. */
  linkFormat: LinkFormat;
  /** The template of the `custom` link format. */
  linkTemplate: string;
  /** Where notes of some folders upload to (or that they keep their images), first match wins; a note's front matter comes first. */
  folderRules: FolderRule[];
  /** scope (see `bucketScope`) → SHA-256 → record. */
  uploadIndex: Record<string, Record<string, UploadRecord>>;
}

/** An explicit choice, or "auto": whatever the device suggests (`uploadsAttachments`). */
export type AttachmentUploads = "auto" | boolean;

/** Whether attached images are uploaded on this device: an explicit choice wins over "auto". */
export function uploadsAttachments(settings: Pick<PluginSettings, "uploadAttachments">, mobile: boolean): boolean {
  return settings.uploadAttachments === "auto" ? mobile : settings.uploadAttachments;
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
    uploadAttachments: "auto",
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
    linkFormat: "markdown",
    linkTemplate: "",
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

/** The link style of `settings`, as the link writer takes it. */
export function linkStyleOf(settings: Pick<PluginSettings, "linkFormat" | "linkTemplate">): LinkStyle {
  return { format: settings.linkFormat, template: settings.linkTemplate };
}

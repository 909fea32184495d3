/** Shared vocabulary of the pipeline: capture → prepare → store → link → apply. */
import type { ConvertSetting, TransformOutcome } from "./prepare/transformPlan";

/** Which header the profile sends for object ACLs. `none` sends no `x-amz-acl` at all. */
export type AclSetting = "none" | "public-read" | "private";

/** Provider presets; each fills a profile's fields and encodes that provider's quirks. */
export type ProviderId = "r2" | "b2" | "minio" | "aws" | "aliyun-oss" | "tencent-cos" | "generic";

/** One bucket the user can upload to. Stored in data.json: holds no secret, only secret names. */
export interface Profile {
  id: string;
  name: string;
  provider: ProviderId;
  /** S3 API endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`. */
  endpoint: string;
  region: string;
  bucket: string;
  /** `https://host/bucket/key` when true, `https://bucket.host/key` when false. */
  forcePathStyle: boolean;
  /** Public (CDN / custom domain) base URL; empty = derive the link from the endpoint. */
  publicBaseUrl: string;
  /** Object key template, e.g. `img/{year}/{month}/{hash:16}.{ext}`. */
  keyTemplate: string;
  acl: AclSetting;
  cacheControl: string;
  /**
   * Replace a different file already at an image's key in the bucket. Off (the default), such
   * an image is not uploaded, so nothing already published changes behind the person's back.
   */
  overwrite: boolean;
  /** The type images are converted to before upload; `keep` leaves their type as it is. */
  convert: ConvertSetting;
  /** Quality of converted and scaled images, 1 to 100, as text (the form's and the flag's). */
  quality: string;
  /** Largest width in pixels images are scaled down to; empty for no limit. Never enlarges. */
  maxWidth: string;
  /** Largest height in pixels images are scaled down to; empty for no limit. Never enlarges. */
  maxHeight: string;
  /**
   * Remove metadata (EXIF with its GPS position, XMP, IPTC, comments, text chunks) before
   * uploading, without touching pixels. On by default: a phone photo carries where it was taken.
   */
  stripMetadata: boolean;
  /** Remove from SVG files what could run script when the file is opened from the bucket. */
  sanitizeSvg: boolean;
  /** Name (id) of the secret holding the access key id in Obsidian's secret storage. */
  accessKeyIdSecret: string;
  /** Name (id) of the secret holding the secret access key in Obsidian's secret storage. */
  secretAccessKeySecret: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What capture hands to the pipeline: the bytes of one image and where it came from. */
export interface Asset {
  bytes: Uint8Array;
  /** Original file name (`Screenshot 2026-01-01.png`), or a generated one for a pasted blob. */
  name: string;
  /** Vault-relative path of the note the image belongs to (`Blog/Post.md`). */
  notePath: string;
  /**
   * Vault-relative path of the image file, when it is one (upload all, the command-line
   * tool); absent for a pasted or dropped image. Messages name the image by it.
   */
  sourcePath?: string;
  /** MIME type the platform reported, if any; the sniffed type wins. */
  reportedType?: string;
  /** Upload the bytes exactly as they are: no metadata removal, no SVG sanitising, whatever the profile says. */
  unprocessed?: boolean;
}

/** An asset ready to store: sniffed type, content hashes, object key. */
export interface PreparedAsset {
  /** The asset as it will be uploaded: its bytes are the processed ones. */
  asset: Asset;
  contentType: string;
  /** Canonical extension for the sniffed type, without dot (`png`, `jpg`, `svg`). */
  ext: string;
  /** Lower-case hex SHA-256 of the bytes to upload. */
  sha256: string;
  /**
   * Lower-case hex SHA-256 of the bytes as captured, before processing; equal to `sha256` when
   * processing changed nothing.
   */
  originalSha256?: string;
  /** Lower-case hex MD5 of the bytes, when the key template needs it. */
  md5?: string;
  /** Object key rendered from the profile's template. */
  key: string;
  /** What converting and scaling did, when the profile asks for it; `asset` holds the bytes to upload. */
  transform?: TransformOutcome;
}

/** Result of storing one asset. */
export interface StoredAsset {
  key: string;
  /** Public link to the object. */
  url: string;
  /** True when the bytes were already in the bucket and no upload was made. */
  reused: boolean;
  sha256: string;
}

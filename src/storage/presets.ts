/**
 * What each provider needs by default: region, addressing style, ACL, and the help a
 * person needs to find the endpoint and a public URL.
 */
import type { AclSetting, Profile, ProviderId } from "../core/types";

export interface ProviderPreset {
  id: ProviderId;
  label: string;
  endpointPlaceholder: string;
  endpointHelp: string;
  /** Region to use when it cannot be read from the endpoint; empty when there is no sensible guess. */
  defaultRegion: string;
  forcePathStyle: boolean;
  acl: AclSetting;
  /** False where the provider rejects or ignores per-object ACL headers, so the setting is hidden. */
  aclSupported: boolean;
  publicUrlHelp: string;
  /**
   * True where the provider documents `If-None-Match: *` on PutObject (write only if the key
   * is free), so a check of the key and the write cannot be overtaken by another writer.
   * False where it is missing (B2) or unverified; the key is still checked with a HEAD first.
   */
  conditionalWrites: boolean;
  /** The signing region the endpoint implies, when its host name spells it out. */
  regionFromEndpoint?: (endpoint: string) => string | undefined;
}

/** Lower-case host name of an endpoint, tolerating a missing scheme. */
function hostOf(endpoint: string): string | undefined {
  const text = endpoint.trim();
  if (!text) return undefined;
  try {
    return new URL(text.includes("://") ? text : `https://${text}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function fromHost(pattern: RegExp): (endpoint: string) => string | undefined {
  return (endpoint) => {
    const host = hostOf(endpoint);
    return host ? pattern.exec(host)?.[1] : undefined;
  };
}

function awsRegion(endpoint: string): string | undefined {
  const host = hostOf(endpoint);
  if (!host) return undefined;
  if (host === "s3.amazonaws.com" || host === "s3-external-1.amazonaws.com") return "us-east-1";
  return /^s3[.-](?:dualstack\.)?([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

export const PROVIDER_PRESETS: Record<ProviderId, ProviderPreset> = {
  r2: {
    id: "r2",
    label: "Cloudflare R2",
    endpointPlaceholder: "https://<account-id>.r2.cloudflarestorage.com",
    endpointHelp: "The S3 API address on the bucket's settings page in the Cloudflare dashboard, without the bucket name.",
    defaultRegion: "auto",
    forcePathStyle: true,
    acl: "none",
    aclSupported: false,
    conditionalWrites: true,
    publicUrlHelp:
      "The S3 endpoint always asks for a signature, so links need the bucket's public r2.dev address or a custom domain connected to the bucket.",
    regionFromEndpoint: () => "auto",
  },
  b2: {
    id: "b2",
    label: "Backblaze B2",
    endpointPlaceholder: "https://s3.<region>.backblazeb2.com",
    endpointHelp:
      "The S3 endpoint shown on the bucket's card, e.g. https://s3.us-west-004.backblazeb2.com. Use an application key, not the master key.",
    defaultRegion: "",
    forcePathStyle: false,
    acl: "none",
    aclSupported: false,
    conditionalWrites: false,
    publicUrlHelp:
      "For a public bucket, https://f00X.backblazeb2.com/file/<bucket> (from a file's friendly URL), or a Cloudflare domain with a rewrite rule to /file/<bucket>. Empty: links use https://<bucket>.s3.<region>.backblazeb2.com.",
    regionFromEndpoint: fromHost(/^s3\.([a-z0-9-]+)\.backblazeb2\.com$/),
  },
  minio: {
    id: "minio",
    label: "MinIO or other self-hosted",
    endpointPlaceholder: "http://192.168.1.10:9000",
    endpointHelp: "The server's S3 API address, often plain http on your network. Ceph RGW and Garage work the same way.",
    defaultRegion: "us-east-1",
    forcePathStyle: true,
    acl: "none",
    aclSupported: true,
    conditionalWrites: true,
    publicUrlHelp:
      "Empty: links use <endpoint>/<bucket>/<key>, which needs a bucket policy that allows anonymous reads. Set a reverse proxy or CDN address here otherwise.",
  },
  aws: {
    id: "aws",
    label: "Amazon S3",
    endpointPlaceholder: "https://s3.<region>.amazonaws.com",
    endpointHelp: "https://s3.<region>.amazonaws.com with the bucket's region, e.g. https://s3.eu-central-1.amazonaws.com.",
    defaultRegion: "us-east-1",
    forcePathStyle: false,
    acl: "none",
    aclSupported: true,
    conditionalWrites: true,
    publicUrlHelp:
      "Buckets created since 2023 block ACLs: make files public with a bucket policy or serve them through CloudFront, and enter that address here.",
    regionFromEndpoint: awsRegion,
  },
  "aliyun-oss": {
    id: "aliyun-oss",
    label: "Aliyun OSS",
    endpointPlaceholder: "https://oss-<region>.aliyuncs.com",
    endpointHelp: "The bucket's region endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com. OSS works with virtual-hosted addressing only.",
    defaultRegion: "",
    forcePathStyle: false,
    acl: "none",
    aclSupported: true,
    conditionalWrites: false,
    publicUrlHelp: "A custom domain bound to the bucket, or empty for https://<bucket>.oss-<region>.aliyuncs.com.",
    regionFromEndpoint: fromHost(/^(?:s3\.)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/),
  },
  "tencent-cos": {
    id: "tencent-cos",
    label: "Tencent COS",
    endpointPlaceholder: "https://cos.<region>.myqcloud.com",
    endpointHelp: "https://cos.<region>.myqcloud.com, e.g. https://cos.ap-guangzhou.myqcloud.com. The bucket name includes its APPID suffix (name-1250000000).",
    defaultRegion: "",
    forcePathStyle: false,
    acl: "none",
    aclSupported: true,
    conditionalWrites: false,
    publicUrlHelp: "A custom or CDN domain bound to the bucket, or empty for https://<bucket>.cos.<region>.myqcloud.com.",
    regionFromEndpoint: fromHost(/^cos\.([a-z0-9-]+)\.myqcloud\.com$/),
  },
  generic: {
    id: "generic",
    label: "Other S3-compatible service",
    endpointPlaceholder: "https://s3.example.com",
    endpointHelp: "The provider's S3 API address, e.g. https://s3.<region>.qiniucs.com for Qiniu Kodo.",
    defaultRegion: "us-east-1",
    forcePathStyle: true,
    acl: "none",
    aclSupported: true,
    conditionalWrites: false,
    publicUrlHelp: "The address files are publicly served from (CDN or custom domain); empty: links are built from the endpoint.",
    regionFromEndpoint: fromHost(/^s3\.([a-z0-9-]+)\.qiniucs\.com$/),
  },
};

/**
 * A copy of `profile` switched to `provider`, with that provider's region (read from the
 * endpoint when its host name names one), addressing style and ACL. Endpoint, bucket,
 * public URL, key template and secret names are kept.
 */
export function applyPreset(profile: Profile, provider: ProviderId): Profile {
  const preset = PROVIDER_PRESETS[provider];
  return {
    ...profile,
    provider,
    region: preset.regionFromEndpoint?.(profile.endpoint) ?? preset.defaultRegion,
    forcePathStyle: preset.forcePathStyle,
    acl: preset.acl,
  };
}

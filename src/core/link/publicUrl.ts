/** The link a note gets for an object key, and the name of the bucket it lives in. */
import { UploadError } from "../errors";
import type { Profile } from "../types";
import { parseHttpUrl } from "./httpUrl";
import { percentEncode } from "./markdownLink";

/** A key made only of characters that stand for themselves in a URL path (as default keys are). */
const URL_SAFE_KEY = /^[A-Za-z0-9\-._~/]*$/;

/**
 * Percent-encodes each `/`-separated segment of a key and keeps the slashes. Encodes
 * everything but `A–Z a–z 0–9 - . _ ~` (the set SigV4 leaves alone too), so spaces, `#`,
 * `?`, `%`, parentheses and non-ASCII names cannot break a URL or a markdown link.
 */
export function encodeKeyForUrl(key: string): string {
  if (URL_SAFE_KEY.test(key)) return key;
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, percentEncode))
    .join("/");
}

/**
 * The public link to `key`. With a public base URL (CDN, custom domain, r2.dev) the link is
 * that base plus the key; the base may carry a path (`https://cdn.example.com/blog`).
 * Without one the link is built from the S3 endpoint in the profile's addressing style,
 * which only works where the bucket allows anonymous reads at its S3 endpoint.
 * @throws UploadError `InvalidSettings` when neither URL is usable.
 */
export function buildPublicUrl(profile: PublicUrlFields, key: string): string {
  return publicUrlPrefix(profile) + encodeKeyForUrl(key);
}

type PublicUrlFields = Pick<Profile, "publicBaseUrl" | "endpoint" | "bucket" | "forcePathStyle">;

// Every link of a bulk upload starts the same way: the last prefix built is kept.
let lastPrefix: { fields: PublicUrlFields; prefix: string } | undefined;

/** Everything of a link before the key, ending in `/`. */
function publicUrlPrefix(profile: PublicUrlFields): string {
  const last = lastPrefix;
  if (
    last !== undefined &&
    last.fields.publicBaseUrl === profile.publicBaseUrl &&
    last.fields.endpoint === profile.endpoint &&
    last.fields.bucket === profile.bucket &&
    last.fields.forcePathStyle === profile.forcePathStyle
  ) {
    return last.prefix;
  }
  const { publicBaseUrl, endpoint, bucket, forcePathStyle } = profile;
  const prefix = buildPrefix(profile);
  lastPrefix = { fields: { publicBaseUrl, endpoint, bucket, forcePathStyle }, prefix };
  return prefix;
}

function buildPrefix(profile: PublicUrlFields): string {
  const base = profile.publicBaseUrl.trim();
  if (base !== "") return `${base.replace(/\/+$/, "")}/`;

  const endpoint = parseEndpoint(profile.endpoint);
  const bucket = profile.bucket.trim();
  const path = endpoint.pathname.replace(/\/+$/, "");
  // Dotted bucket names break wildcard TLS certificates as subdomains; the AWS SDK falls
  // back to path style for them over HTTPS, and so does the link.
  const dottedOverTls = bucket.includes(".") && endpoint.protocol === "https:";
  if (profile.forcePathStyle || dottedOverTls) {
    return `${endpoint.origin}${path}/${encodeURIComponent(bucket)}/`;
  }
  return `${endpoint.protocol}//${bucket}.${endpoint.host}${path}/`;
}

/**
 * A stable name for one bucket (normalized endpoint + `|` + bucket), the scope of the
 * upload index. Scheme and host case, default ports and trailing slashes do not change it.
 */
export function bucketScope(profile: Pick<Profile, "endpoint" | "bucket">): string {
  const bucket = profile.bucket.trim();
  let endpoint: string;
  try {
    const url = new URL(profile.endpoint.trim());
    endpoint = url.origin + url.pathname.replace(/\/+$/, "");
  } catch {
    endpoint = profile.endpoint.trim().toLowerCase().replace(/\/+$/, "");
  }
  return `${endpoint}|${bucket}`;
}

function parseEndpoint(raw: string): URL {
  const text = raw.trim();
  const url = parseHttpUrl(text);
  if (!url) {
    throw new UploadError(
      "InvalidSettings",
      text === ""
        ? "No public base URL and no endpoint are set, so there is no link to insert."
        : `The endpoint "${text}" is not an http(s) URL, so no link can be built from it.`,
      "Set the public base URL (your CDN or custom domain) in the profile settings.",
    );
  }
  return url;
}

/** The link a note gets for an object key, and the name of the bucket it lives in. */
import { UploadError } from "./errors";
import type { Profile } from "./types";
import { parseHttpUrl } from "./httpUrl";

/**
 * Percent-encodes each `/`-separated segment of a key and keeps the slashes. Encodes
 * everything but `A–Z a–z 0–9 - . _ ~` (the set SigV4 leaves alone too), so spaces, `#`,
 * `?`, `%`, parentheses and non-ASCII names cannot break a URL or a markdown link.
 */
export function encodeKeyForUrl(key: string): string {
  return key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
}

/**
 * The public link to `key`. With a public base URL (CDN, custom domain, r2.dev) the link is
 * that base plus the key; the base may carry a path (`https://cdn.example.com/blog`).
 * Without one the link is built from the S3 endpoint in the profile's addressing style,
 * which only works where the bucket allows anonymous reads at its S3 endpoint.
 * @throws UploadError `InvalidSettings` when neither URL is usable.
 */
export function buildPublicUrl(
  profile: Pick<Profile, "publicBaseUrl" | "endpoint" | "bucket" | "forcePathStyle">,
  key: string,
): string {
  const encodedKey = encodeKeyForUrl(key);
  const base = profile.publicBaseUrl.trim();
  if (base !== "") return `${base.replace(/\/+$/, "")}/${encodedKey}`;

  const endpoint = parseEndpoint(profile.endpoint);
  const bucket = profile.bucket.trim();
  const path = endpoint.pathname.replace(/\/+$/, "");
  // Dotted bucket names break wildcard TLS certificates as subdomains; the AWS SDK falls
  // back to path style for them over HTTPS, and so does the link.
  const dottedOverTls = bucket.includes(".") && endpoint.protocol === "https:";
  if (profile.forcePathStyle || dottedOverTls) {
    return `${endpoint.origin}${path}/${encodeURIComponent(bucket)}/${encodedKey}`;
  }
  return `${endpoint.protocol}//${bucket}.${endpoint.host}${path}/${encodedKey}`;
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

// Links of a bulk upload are all built from the same endpoint: the last one parsed is kept.
let lastEndpoint: { text: string; url: URL } | undefined;

function parseEndpoint(raw: string): URL {
  const text = raw.trim();
  if (lastEndpoint?.text === text) return lastEndpoint.url;
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
  lastEndpoint = { text, url };
  return url;
}

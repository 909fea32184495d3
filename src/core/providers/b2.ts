/**
 * Backblaze B2. The endpoint's host name carries the region (`s3.us-west-004.backblazeb2.com`)
 * and the signature must use that one. No per-object ACLs (an object's ACL can only equal the
 * bucket's), no conditional writes, and the SDK's default checksum headers are refused (400).
 * Public files live at `https://f00X.backblazeb2.com/file/<bucket>/<key>`; a custom domain in
 * front needs a rewrite of `/<key>` to `/file/<bucket>/<key>`.
 */
import { httpHost, regionFromHost, type Provider } from "./provider";

const regionFromEndpoint = regionFromHost(/^s3\.([a-z0-9-]+)\.backblazeb2\.com$/);

export const b2: Provider = {
  id: "b2",
  label: "Backblaze B2",
  endpointPlaceholder: "https://s3.<region>.backblazeb2.com",
  endpointHelp: "The S3 endpoint shown on the bucket's card, e.g. https://s3.us-west-004.backblazeb2.com. Use an application key, not the master key.",
  defaultRegion: "",
  forcePathStyle: false,
  acl: "none",
  aclRefusal: "Backblaze B2 has no per-file ACLs",
  conditionalWrites: false,
  regionFromEndpoint,
  regionProblem: (region, endpoint) => {
    // Only a well-formed endpoint is compared: a malformed one has its own message.
    const implied = httpHost(endpoint) ? regionFromEndpoint(endpoint) : undefined;
    return implied && implied !== region ? `The region must match the endpoint: ${implied}.` : undefined;
  },
  publicUrlHelp:
    "For a public bucket, https://f00X.backblazeb2.com/file/<bucket> (from a file's friendly URL), or a Cloudflare domain with a rewrite rule to /file/<bucket>. Empty: links use https://<bucket>.s3.<region>.backblazeb2.com.",
  publicForbiddenHint:
    "Make the bucket public in Backblaze (Buckets → Bucket Settings → Files in Bucket are: Public); a private B2 bucket serves files only with a token.",
  publicNotFoundHint: (publicBaseUrl, bucket) => {
    const name = bucket || "<bucket>";
    let host = "";
    try {
      host = new URL(publicBaseUrl).host;
    } catch {
      host = "";
    }
    if (/\.backblazeb2\.com$/i.test(host)) {
      return `B2's public address for a file is https://f00X.backblazeb2.com/file/${name}/<key>: the public base URL must end with /file/${name}.`;
    }
    return `A custom domain in front of B2 needs a rewrite rule (with Cloudflare, a Transform Rule) that turns /<key> into /file/${name}/<key>: check that the rule exists, is enabled and matches this domain.`;
  },
};

/**
 * Cloudflare R2. Signs with the region `auto` (empty and us-east-1 are accepted as aliases).
 * Sends no ACL header: `public-read` is answered 501. Rejects the SDK's default CRC32 checksum
 * headers (501), which is why no client sends them unless an operation requires them. The S3
 * endpoint always asks for a signature, so public links need the r2.dev address or a custom
 * domain connected to the bucket; they are never derived from the endpoint.
 */
import type { Provider } from "./provider";

export const r2: Provider = {
  id: "r2",
  label: "Cloudflare R2",
  endpointPlaceholder: "https://<account-id>.r2.cloudflarestorage.com",
  endpointHelp: "The S3 API address on the bucket's settings page in the Cloudflare dashboard, without the bucket name.",
  defaultRegion: "auto",
  forcePathStyle: true,
  acl: "none",
  aclRefusal: "Cloudflare R2 rejects the ACL header",
  conditionalWrites: true,
  signingRegion: "auto",
  regionFromEndpoint: () => "auto",
  regionProblem: (region) => (region !== "auto" && region !== "us-east-1" ? "Cloudflare R2 uses the region auto." : undefined),
  publicUrlHelp: "The S3 endpoint always asks for a signature, so links need the bucket's public r2.dev address or a custom domain connected to the bucket.",
  publicUrlRequired: "R2 serves files publicly only from the bucket's r2.dev address or a custom domain; enter that URL here.",
  publicForbiddenWithoutBaseUrlHint:
    "R2's S3 endpoint never serves files without a signature: set the public base URL to the bucket's r2.dev address or a custom domain connected to the bucket.",
  publicForbiddenHint:
    "Allow public access for the bucket in the Cloudflare dashboard (R2 → the bucket → Settings: enable the r2.dev subdomain or connect a custom domain), and use that address as the public base URL.",
  publicNotFoundHint: () =>
    "The domain answers, but not with this bucket's files: check that the custom domain (or r2.dev address) is connected to this bucket, and that the public base URL has no extra path.",
};

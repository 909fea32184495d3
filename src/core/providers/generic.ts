/**
 * Any other S3-compatible service (Qiniu Kodo, Wasabi, …): path-style addressing, the region
 * us-east-1 unless the endpoint names one, and no reliance on conditional writes.
 */
import { SELF_HOSTED_FORBIDDEN_HINT } from "./minio";
import { regionFromHost, type Provider } from "./provider";

export const generic: Provider = {
  id: "generic",
  label: "Other S3-compatible service",
  endpointPlaceholder: "https://s3.example.com",
  endpointHelp: "The provider's S3 API address, e.g. https://s3.<region>.qiniucs.com for Qiniu Kodo.",
  defaultRegion: "us-east-1",
  forcePathStyle: true,
  acl: "none",
  conditionalWrites: false,
  regionFromEndpoint: regionFromHost(/^s3\.([a-z0-9-]+)\.qiniucs\.com$/),
  publicUrlHelp: "The address files are publicly served from (CDN or custom domain); empty: links are built from the endpoint.",
  publicForbiddenHint: SELF_HOSTED_FORBIDDEN_HINT,
};

/**
 * Amazon S3. Needs the bucket's real region, which the regional endpoint spells out; without
 * an endpoint the SDK derives AWS's own from the region. Buckets created since 2023 block ACLs
 * (Object Ownership "bucket owner enforced"): an `x-amz-acl` header then fails with
 * AccessControlListNotSupported, so none is sent by default.
 */
import { hostOf, type Provider } from "./provider";

function regionFromEndpoint(endpoint: string): string | undefined {
  const host = hostOf(endpoint);
  if (!host) return undefined;
  if (host === "s3.amazonaws.com" || host === "s3-external-1.amazonaws.com") return "us-east-1";
  return /^s3[.-](?:dualstack\.)?([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

export const aws: Provider = {
  id: "aws",
  label: "Amazon S3",
  endpointPlaceholder: "https://s3.<region>.amazonaws.com",
  endpointHelp: "https://s3.<region>.amazonaws.com with the bucket's region, e.g. https://s3.eu-central-1.amazonaws.com.",
  defaultRegion: "us-east-1",
  forcePathStyle: false,
  acl: "none",
  conditionalWrites: true,
  endpointFromRegion: true,
  regionFromEndpoint,
  publicUrlHelp: "Buckets created since 2023 block ACLs: make files public with a bucket policy or serve them through CloudFront, and enter that address here.",
  publicForbiddenHint:
    "S3 buckets block public access by default: turn off Block Public Access for this bucket and add a bucket policy that allows s3:GetObject to everyone, or serve the bucket through CloudFront and use that address as the public base URL.",
};

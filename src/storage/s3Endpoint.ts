/**
 * Where a request for a bucket goes, for the S3 client: the SDK's endpoint rules, narrowed to
 * what a profile can ask for. The SDK's own resolver evaluates S3's whole rule set (access
 * points, S3 Express, Outposts, FIPS, dual-stack, acceleration: about 25 KB of main.js);
 * profiles only ever ask for a bucket by name, at a custom endpoint or at AWS's regional one,
 * path-style or virtual-hosted. For those this returns exactly what the SDK's resolver
 * returns (a unit test compares the two over many endpoints, regions and bucket names); for
 * anything else it refuses with a message, rather than guessing.
 */
import type { EndpointParameters, EndpointV2 } from "@smithy/types";
import { UploadError } from "../core/errors";

/** The DNS suffix of AWS's partitions other than the main one, by region name. */
const AWS_PARTITIONS: readonly (readonly [RegExp, string])[] = [
  [/^cn-\w+-\d+$/, "amazonaws.com.cn"],
  [/^eusc-de-\w+-\d+$/, "amazonaws.eu"],
  [/^us-iso-\w+-\d+$/, "c2s.ic.gov"],
  [/^us-isob-\w+-\d+$/, "sc2s.sgov.gov"],
  [/^eu-isoe-\w+-\d+$/, "cloud.adc-e.uk"],
  [/^us-isof-\w+-\d+$/, "csp.hci.ic.gov"],
];

const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/** A bucket name that can be the first label of a host name (`bucket.host`). */
function virtualHostable(bucket: string): boolean {
  return bucket.length >= 3 && bucket.length <= 63 && HOST_LABEL.test(bucket) && bucket === bucket.toLowerCase() && !IPV4.test(bucket);
}

function isIpHost(hostname: string): boolean {
  return IPV4.test(hostname) || hostname.startsWith("[");
}

function unsupported(what: string): never {
  throw new UploadError(
    "InvalidSettings",
    `This profile asks for ${what}, which is not supported.`,
    "Enter a plain bucket name and the provider's S3 endpoint.",
  );
}

/** Percent-encodes a bucket name for a path, as the SDK's rules do (RFC 3986 unreserved kept). */
function encodeBucket(bucket: string): string {
  return encodeURIComponent(bucket).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function flag(v: unknown): boolean {
  return v === true;
}

/** The endpoint of one request: the SDK's `endpointProvider` contract. */
export function s3Endpoint(params: EndpointParameters): EndpointV2 {
  if (flag(params.UseFIPS)) unsupported("a FIPS endpoint");
  if (flag(params.UseDualStack)) unsupported("a dual-stack endpoint");
  if (flag(params.Accelerate)) unsupported("Transfer Acceleration");
  if (flag(params.UseObjectLambdaEndpoint) || flag(params.UseS3ExpressControlEndpoint)) unsupported("a special S3 endpoint");
  const bucket = typeof params.Bucket === "string" ? params.Bucket : undefined;
  if (bucket !== undefined && (bucket.startsWith("arn:") || /--[a-z0-9-]*-s3$/.test(bucket))) {
    unsupported(`the bucket "${bucket}" (an access point or a directory bucket)`);
  }
  const region = typeof params.Region === "string" ? params.Region : "";
  if (!region)
    throw new UploadError("InvalidSettings", "The profile has no region.", "Enter the region of the bucket (us-east-1 for most self-hosted servers).");
  // A region goes into host names: one DNS label. The SDK lets some others through to
  // requests that cannot resolve; a message now is clearer.
  if (!HOST_LABEL.test(region)) {
    throw new UploadError(
      "InvalidSettings",
      `The region "${region}" is not a valid region name.`,
      "Enter the bucket's region as the provider names it, e.g. eu-central-1.",
    );
  }
  const pathStyle = flag(params.ForcePathStyle);
  // AWS's pseudo-region for its global endpoint is signed for us-east-1; its others are not for profiles.
  const global = region === "aws-global";
  if (!global && region.endsWith("-global")) unsupported(`the pseudo-region "${region}"`);
  const signingRegion = global ? "us-east-1" : region;

  if (typeof params.Endpoint === "string") {
    const url = new URL(params.Endpoint);
    const path = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
    const origin = `${url.protocol}//${url.host}`;
    if (bucket === undefined) return endpoint(`${origin}${url.pathname}`, signingRegion);
    if (!pathStyle && virtualHostable(bucket) && !isIpHost(url.hostname))
      return endpoint(`${url.protocol}//${bucket}.${url.host}${url.pathname}`, signingRegion);
    return endpoint(`${origin}${path}${encodeBucket(bucket)}`, signingRegion);
  }

  if (global) return awsEndpoint("s3.amazonaws.com", bucket, pathStyle, signingRegion);
  const suffix = AWS_PARTITIONS.find(([re]) => re.test(region))?.[1] ?? "amazonaws.com";
  return awsEndpoint(`s3.${region}.${suffix}`, bucket, pathStyle, region);
}

function awsEndpoint(host: string, bucket: string | undefined, pathStyle: boolean, signingRegion: string): EndpointV2 {
  if (bucket === undefined) return endpoint(`https://${host}/`, signingRegion);
  if (!pathStyle && virtualHostable(bucket)) return endpoint(`https://${bucket}.${host}/`, signingRegion);
  return endpoint(`https://${host}/${encodeBucket(bucket)}`, signingRegion);
}

function endpoint(href: string, signingRegion: string): EndpointV2 {
  // The shape S3's rule set gives (its `disableDoubleEncoding` is not in the SDK's AuthScheme type).
  const authSchemes = [{ disableDoubleEncoding: true, name: "sigv4", signingName: "s3", signingRegion }];
  return { url: new URL(href), properties: { authSchemes } as unknown as EndpointV2["properties"], headers: {} };
}

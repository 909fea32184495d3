/**
 * `s3Endpoint` against the SDK's own endpoint resolver (S3's full rule set), over every
 * combination of endpoint, region, bucket name and addressing style below: wherever a
 * profile can lead, the two must give the same URL, signing properties and headers, or
 * both refuse. The only differences allowed are ours refusing, with its message, what it
 * does not support (access points, directory buckets, pseudo-regions) and regions that
 * cannot be a DNS label (the SDK lets some through to host names that cannot resolve).
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { EndpointParameters, EndpointV2 } from "@smithy/types";
import { UploadError } from "../../../src/core/errors";
import { s3Endpoint } from "../../../src/storage/s3Endpoint";

// The SDK's resolver logs each host name it cannot build before it throws.
jest.spyOn(console, "error").mockImplementation(() => undefined);
const sdkClient = new S3Client({ region: "us-east-1" });
const sdkResolve = (p: EndpointParameters): EndpointV2 => sdkClient.config.endpointProvider(p);
afterAll(() => sdkClient.destroy());

const ENDPOINTS = [
  undefined,
  "https://s3.example.com",
  "https://s3.example.com:9000",
  "http://minio.local:9000",
  "https://minio.local:9000/base",
  "https://minio.local:9000/base/",
  "https://ns.example.org/a/b",
  "http://127.0.0.1:9000",
  "http://localhost:9000",
  "http://[::1]:9000",
  "https://0123456789abcdef.r2.cloudflarestorage.com",
  "https://s3.us-west-004.backblazeb2.com",
  "https://oss-cn-hangzhou.aliyuncs.com",
  "https://cos.ap-guangzhou.myqcloud.com",
  "https://s3.eu-central-1.amazonaws.com",
];
const REGIONS = [
  "us-east-1",
  "us-west-2",
  "eu-central-1",
  "ap-east-2",
  "auto",
  "cn-north-1",
  "cn-northwest-1",
  "us-gov-west-1",
  "us-iso-east-1",
  "us-isob-east-1",
  "eu-isoe-west-1",
  "us-isof-south-1",
  "eusc-de-east-1",
  "ap-guangzhou",
  "oss-cn-hangzhou",
  "us-west-004",
  "aws-global",
  "aws-cn-global",
  "mars-north-9",
  "weird_region",
  "us east 1",
  "US-EAST-1",
  "eu-west-1.",
];
const BUCKETS = [
  undefined,
  "my-bucket",
  "my.bucket",
  "My_Bucket",
  "ab",
  "abc",
  "1.2.3.4",
  "images-2024",
  "a".repeat(63),
  "a".repeat(64),
  "b b",
  "-bucket",
  "bucket-",
  "图片",
  "x(1)!*'",
];

/** Operation parameters the SDK also passes for some requests (listing, copying); they must not matter here. */
const EXTRAS = [{}, { Prefix: "img/", CopySource: "other/img/a.png", DisableS3ExpressSessionAuth: false, UseArnRegion: true, DisableAccessPoints: false }];

const COMMON = { UseFIPS: false, UseDualStack: false, Accelerate: false, UseGlobalEndpoint: false, DisableMultiRegionAccessPoints: false, Key: "img/a b.png" };

type Outcome = { ok: true; url: string; properties: unknown; headers: unknown } | { ok: false; refusal?: "unsupported" | "region" };

/** One DNS label: what a region must be to go into a host name (checked here independently of the code). */
const dnsLabel = (s: string) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(s);

function run(resolve: (p: EndpointParameters) => EndpointV2, p: EndpointParameters): Outcome {
  try {
    const r = resolve(p);
    return { ok: true, url: r.url.href, properties: r.properties, headers: r.headers ?? {} };
  } catch (e) {
    if (!(e instanceof UploadError)) return { ok: false };
    if (/is not supported/.test(e.message)) return { ok: false, refusal: "unsupported" };
    if (/is not a valid region name/.test(e.message)) return { ok: false, refusal: "region" };
    return { ok: false };
  }
}

test("gives what the SDK's resolver gives, for every endpoint, region, bucket and style", () => {
  const differences: string[] = [];
  let compared = 0;
  for (const Endpoint of ENDPOINTS)
    for (const Region of REGIONS)
      for (const Bucket of BUCKETS)
        for (const ForcePathStyle of [false, true])
          for (const extra of EXTRAS) {
            const p: EndpointParameters = { ...COMMON, ...extra, Region, ForcePathStyle };
            if (Endpoint !== undefined) p.Endpoint = Endpoint;
            if (Bucket !== undefined) p.Bucket = Bucket;
            const theirs = run(sdkResolve, p);
            const ours = run(s3Endpoint, p);
            compared++;
            const same =
              theirs.ok && ours.ok
                ? JSON.stringify(theirs) === JSON.stringify(ours)
                : theirs.ok === ours.ok || (!ours.ok && (ours.refusal === "unsupported" || (ours.refusal === "region" && !dnsLabel(Region))));
            if (!same)
              differences.push(
                `${JSON.stringify({ Endpoint, Region, Bucket, ForcePathStyle })}\n  sdk:  ${JSON.stringify(theirs)}\n  ours: ${JSON.stringify(ours)}`,
              );
          }
  expect(compared).toBe(ENDPOINTS.length * REGIONS.length * BUCKETS.length * 2 * EXTRAS.length);
  expect(`${differences.length} differences\n${differences.slice(0, 10).join("\n")}`).toBe("0 differences\n");
});

test("refuses access points and directory buckets with a message instead of guessing", () => {
  for (const Bucket of ["arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap", "my-bucket--usw2-az1--x-s3"]) {
    expect(() => s3Endpoint({ ...COMMON, Region: "us-east-1", Bucket })).toThrow(/is not supported/);
  }
  expect(() => s3Endpoint({ ...COMMON, Region: "us-east-1", Bucket: "b", UseFIPS: true })).toThrow(/FIPS/);
});

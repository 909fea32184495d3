import { PROVIDER_IDS } from "../../../src/core/providers";
import { newProfile } from "../../../src/core/settings/settingsModel";
import { validateProfile } from "../../../src/core/settings/profileValidation";
import type { Profile, ProviderId } from "../../../src/core/types";
import { PROVIDERS, applyPreset } from "../../../src/core/providers";

const withEndpoint = (endpoint: string, over: Partial<Profile> = {}): Profile => ({ ...newProfile("generic", "p"), endpoint, ...over });
const regionFor = (provider: ProviderId, endpoint: string): string | undefined => PROVIDERS[provider].regionFromEndpoint?.(endpoint);

test("every provider has a preset filed under its own id, with help text", () => {
  for (const id of PROVIDER_IDS) {
    const preset = PROVIDERS[id];
    expect(preset.id).toBe(id);
    expect(preset.label).not.toBe("");
    expect(preset.endpointPlaceholder).toMatch(/^https?:\/\//);
    expect(preset.endpointHelp).not.toBe("");
    expect(preset.publicUrlHelp).not.toBe("");
  }
  expect(Object.keys(PROVIDERS).sort()).toEqual([...PROVIDER_IDS].sort());
});

test("no preset sends an ACL header by default", () => {
  for (const id of PROVIDER_IDS) expect(PROVIDERS[id].acl).toBe("none");
});

describe("Cloudflare R2", () => {
  test("uses region auto and hides the ACL setting", () => {
    const p = applyPreset(withEndpoint("https://abc.r2.cloudflarestorage.com", { acl: "public-read" }), "r2");
    expect(p).toMatchObject({ provider: "r2", region: "auto", acl: "none" });
    expect(PROVIDERS.r2.aclRefusal).toMatch(/R2/);
  });

  test("explains that links need the r2.dev address or a custom domain", () => {
    expect(PROVIDERS.r2.publicUrlHelp).toMatch(/r2\.dev/);
  });
});

describe("Backblaze B2", () => {
  test("reads the region from the endpoint", () => {
    expect(regionFor("b2", "https://s3.us-west-004.backblazeb2.com")).toBe("us-west-004");
    expect(regionFor("b2", "https://s3.eu-central-003.backblazeb2.com/")).toBe("eu-central-003");
    expect(regionFor("b2", "https://example.com")).toBeUndefined();
  });

  test("fills the region from the endpoint, uses virtual-hosted links and no ACL", () => {
    const p = applyPreset(withEndpoint("https://s3.us-west-004.backblazeb2.com", { acl: "private" }), "b2");
    expect(p).toMatchObject({ region: "us-west-004", forcePathStyle: false, acl: "none" });
    expect(PROVIDERS.b2.aclRefusal).toMatch(/B2/);
  });

  test("leaves the region empty rather than guessing when there is no endpoint yet", () => {
    expect(applyPreset(withEndpoint("", { region: "us-east-1" }), "b2").region).toBe("");
  });
});

describe("Amazon S3", () => {
  test.each([
    ["https://s3.eu-central-1.amazonaws.com", "eu-central-1"],
    ["https://s3-eu-west-1.amazonaws.com", "eu-west-1"],
    ["https://s3.dualstack.ap-south-1.amazonaws.com", "ap-south-1"],
    ["https://s3.amazonaws.com", "us-east-1"],
    ["https://s3.cn-north-1.amazonaws.com.cn", "cn-north-1"],
  ])("reads the region of %s", (endpoint, region) => {
    expect(regionFor("aws", endpoint)).toBe(region);
  });

  test("uses virtual-hosted addressing and falls back to us-east-1", () => {
    expect(applyPreset(withEndpoint(""), "aws")).toMatchObject({ region: "us-east-1", forcePathStyle: false, acl: "none" });
  });
});

describe("Aliyun OSS", () => {
  test.each([
    ["https://oss-cn-hangzhou.aliyuncs.com", "cn-hangzhou"],
    ["https://oss-cn-hangzhou-internal.aliyuncs.com", "cn-hangzhou"],
    ["https://s3.oss-ap-southeast-1.aliyuncs.com", "ap-southeast-1"],
  ])("reads the region id after oss- from %s", (endpoint, region) => {
    expect(regionFor("aliyun-oss", endpoint)).toBe(region);
  });

  test("uses virtual-hosted addressing, the only style OSS accepts", () => {
    expect(applyPreset(withEndpoint("https://oss-cn-beijing.aliyuncs.com"), "aliyun-oss")).toMatchObject({
      region: "cn-beijing",
      forcePathStyle: false,
    });
  });
});

describe("Tencent COS", () => {
  test("reads the region from the endpoint and uses virtual-hosted addressing", () => {
    expect(applyPreset(withEndpoint("https://cos.ap-guangzhou.myqcloud.com"), "tencent-cos")).toMatchObject({
      region: "ap-guangzhou",
      forcePathStyle: false,
    });
  });
});

describe("MinIO and generic services", () => {
  test("MinIO uses path-style addressing and us-east-1", () => {
    expect(applyPreset(withEndpoint("http://192.168.1.10:9000", { forcePathStyle: false }), "minio")).toMatchObject({
      region: "us-east-1",
      forcePathStyle: true,
    });
  });

  test("the generic preset reads Qiniu Kodo's region from its endpoint", () => {
    expect(applyPreset(withEndpoint("https://s3.cn-east-1.qiniucs.com"), "generic").region).toBe("cn-east-1");
  });
});

describe("applyPreset", () => {
  test("keeps the fields the person typed and does not change the profile it was given", () => {
    const before = withEndpoint("https://s3.us-west-004.backblazeb2.com", {
      bucket: "photos",
      publicBaseUrl: "https://img.example.com",
      keyTemplate: "blog/{hash:16}.{ext}",
      accessKeyIdSecret: "id",
      secretAccessKeySecret: "secret",
      acl: "public-read",
    });
    const snapshot = { ...before };
    const after = applyPreset(before, "b2");
    expect(before).toEqual(snapshot);
    expect(after).toMatchObject({
      id: "p",
      endpoint: before.endpoint,
      bucket: "photos",
      publicBaseUrl: "https://img.example.com",
      keyTemplate: "blog/{hash:16}.{ext}",
      accessKeyIdSecret: "id",
      secretAccessKeySecret: "secret",
    });
  });

  test.each([
    ["r2", "https://abc.r2.cloudflarestorage.com", "https://pub-1.r2.dev"],
    ["b2", "https://s3.us-west-004.backblazeb2.com", ""],
    ["aws", "https://s3.eu-central-1.amazonaws.com", ""],
    ["aliyun-oss", "https://oss-cn-hangzhou.aliyuncs.com", ""],
    ["tencent-cos", "https://cos.ap-guangzhou.myqcloud.com", ""],
    ["minio", "http://192.168.1.10:9000", ""],
  ] as const)("a %s profile made from its preset passes validation once endpoint, bucket and secrets are set", (provider, endpoint, publicBaseUrl) => {
    const filled = withEndpoint(endpoint, { bucket: "photos-1250000000", publicBaseUrl, accessKeyIdSecret: "a", secretAccessKeySecret: "b" });
    expect(validateProfile(applyPreset(filled, provider))).toEqual([]);
  });
});

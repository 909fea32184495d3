/**
 * What "Test connection" says before it touches the network, and the public-link part of the
 * error catalog: which answer of the public link means what, with the hint for each provider.
 */
import { formatStep } from "../../../src/cli/doctor";
import { newProfile } from "../../../src/core/settings/settingsModel";
import type { Profile } from "../../../src/core/types";
import { runDiagnostics, type DiagnosticStep } from "../../../src/storage/diagnostics";
import { publicUrlProblem } from "../../../src/storage/publicCheck";
import type { SdkHttpHandler } from "../../../src/storage/s3Client";

const CREDS = { accessKeyId: "AKIDEXAMPLE0000", secretAccessKey: "secret-example-0000" };

function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    ...newProfile("generic", "p1"),
    endpoint: "https://s3.example.com",
    region: "us-east-1",
    bucket: "images",
    accessKeyIdSecret: "id",
    secretAccessKeySecret: "secret",
    ...overrides,
  };
}

/** A transport and a public fetch that fail the test if anything is sent. */
const noNetwork = {
  requestHandler: {
    handle: () => Promise.reject(new Error("no request may be sent")),
    destroy: () => undefined,
  } as unknown as SdkHttpHandler,
  fetchPublic: () => Promise.reject(new Error("no public fetch may be made")),
};

describe("runDiagnostics before any request", () => {
  test("settings that cannot address a bucket fail with every problem, and nothing is sent", async () => {
    const seen: DiagnosticStep[] = [];
    const steps = await runDiagnostics({
      profile: profile({ endpoint: "s3.example.com", bucket: "My_Bucket" }),
      credentials: CREDS,
      ...noNetwork,
      onStep: (s) => seen.push(s),
    });
    expect(steps.map((s) => `${s.id}:${s.status}`)).toEqual(["settings:fail", "credentials:pass", "upload:skip", "public:skip", "cleanup:skip"]);
    expect(steps[0]).toEqual({
      id: "settings",
      label: "Settings",
      status: "fail",
      code: "InvalidSettings",
      message:
        "Endpoint must be a full URL starting with https:// (or http:// for a server on your own network). Bucket names use lowercase letters only. Bucket names may contain only letters, digits, dots and hyphens, not _.",
      hint: "Fix the endpoint and the bucket in the profile.",
    });
    expect(steps[2].message).toBe("Not checked: fix the problems above first.");
    expect(seen).toEqual(steps);
  });

  test("missing keys fail the access key step, with the settings' own words about which secret to choose", async () => {
    const steps = await runDiagnostics({ profile: profile({ accessKeyIdSecret: "", secretAccessKeySecret: "" }), credentials: undefined, ...noNetwork });
    expect(steps.map((s) => `${s.id}:${s.status}`)).toEqual(["settings:pass", "credentials:fail", "upload:skip", "public:skip", "cleanup:skip"]);
    expect(steps[1]).toMatchObject({
      code: "MissingCredentials",
      message: "No access key is set for this profile.",
      hint: "Choose the secret that holds the access key ID. Choose the secret that holds the secret access key.",
    });
  });

  test("a profile from the command line (no secret names) with keys passes the access key step", async () => {
    const steps = await runDiagnostics({
      profile: profile({ endpoint: "not a url", accessKeyIdSecret: "", secretAccessKeySecret: "" }),
      credentials: CREDS,
      ...noNetwork,
    });
    expect(steps[1]).toMatchObject({ status: "pass" });
    expect(steps[0].message).not.toMatch(/secret/i);
  });
});

describe("publicUrlProblem: what the public link's answer means", () => {
  const url = "https://img.example.com/img/a.png";
  const res = (status: number, type = "image/png") => ({ status, headers: { "Content-Type": type } });

  test("an image answer is fine, whatever the case of the header or its parameters", () => {
    expect(publicUrlProblem(profile(), url, "img/a.png", { status: 200, headers: { "content-type": "IMAGE/PNG; charset=binary" } })).toBeUndefined();
  });

  test("403 from a bucket the profile writes private says the ACL makes it unreadable", () => {
    const e = publicUrlProblem(profile({ acl: "private" }), url, "img/a.png", res(403, "application/xml"));
    expect(e?.code).toBe("PublicUrlForbidden");
    expect(e?.hint).toMatch(/^This profile uploads with ACL private/);
  });

  test.each<[Profile["provider"], Partial<Profile>, RegExp]>([
    ["r2", { publicBaseUrl: "" }, /^R2's S3 endpoint never serves files without a signature: set the public base URL/],
    ["r2", { publicBaseUrl: "https://img.example.com" }, /Allow public access for the bucket in the Cloudflare dashboard/],
    ["b2", {}, /Files in Bucket are: Public/],
    ["aws", {}, /Block Public Access .* bucket policy that allows s3:GetObject .* CloudFront/],
    ["aliyun-oss", {}, /ACL to public read in the OSS console/],
    ["tencent-cos", {}, /public read \/ private write in the COS console/],
    ["minio", {}, /mc anonymous set download/],
  ])("403 on %s (%o) gets that provider's way to make files public", (provider, overrides, hint) => {
    const e = publicUrlProblem(profile({ provider, ...overrides }), url, "img/a.png", res(403, "application/xml"));
    expect(e?.code).toBe("PublicUrlForbidden");
    expect(e?.message).toBe(`The public link ${url} refuses visitors (HTTP 403): the image would not show for anyone reading the note.`);
    expect(e?.hint).toMatch(hint);
  });

  test.each<[string, Partial<Profile>, string]>([
    [
      "no public base URL",
      { publicBaseUrl: "" },
      "The link is built from the endpoint, which this bucket is not served from publicly: set the public base URL to the address the bucket's files are served from.",
    ],
    [
      "B2's friendly URL without /file/<bucket>",
      { provider: "b2", bucket: "pics", publicBaseUrl: "https://f004.backblazeb2.com" },
      "B2's public address for a file is https://f00X.backblazeb2.com/file/pics/<key>: the public base URL must end with /file/pics.",
    ],
    [
      "a custom domain in front of B2",
      { provider: "b2", bucket: "pics", publicBaseUrl: "https://img.example.com" },
      "A custom domain in front of B2 needs a rewrite rule (with Cloudflare, a Transform Rule) that turns /<key> into /file/pics/<key>: check that the rule exists, is enabled and matches this domain.",
    ],
    [
      "an R2 custom domain",
      { provider: "r2", region: "auto", publicBaseUrl: "https://img.example.com" },
      "The domain answers, but not with this bucket's files: check that the custom domain (or r2.dev address) is connected to this bucket, and that the public base URL has no extra path.",
    ],
    [
      "any other public base URL",
      { publicBaseUrl: "https://cdn.example.com/images" },
      "The public base URL must be the bucket's root: a link is that address followed by the object key (img/a.png). Check it for a missing or extra path segment (such as the bucket name), and that it serves this bucket.",
    ],
  ])("404 with %s says where the link goes wrong", (_case, overrides, hint) => {
    const e = publicUrlProblem(profile(overrides), url, "img/a.png", res(404, "application/xml"));
    expect(e?.code).toBe("PublicUrlNotFound");
    expect(e?.hint).toBe(hint);
  });

  test("a web page instead of the image is PublicUrlNotImage, pointing at the domain", () => {
    const e = publicUrlProblem(profile(), url, "img/a.png", res(200, "text/html; charset=utf-8"));
    expect(e?.code).toBe("PublicUrlNotImage");
    expect(e?.message).toBe(`The public link ${url} answers with "text/html" instead of an image, so notes would show a broken image.`);
  });

  test("an image served as a download (no type, or octet-stream) blames the server or CDN dropping the type", () => {
    for (const headers of [{}, { "content-type": "application/octet-stream" }] as Record<string, string>[]) {
      const e = publicUrlProblem(profile(), url, "img/a.png", { status: 200, headers });
      expect(e?.code).toBe("PublicUrlNotImage");
      expect(e?.hint).toMatch(/^The image is served without its image type/);
    }
  });

  test("a 502 from the public link is a server error there, not a settings problem", () => {
    const e = publicUrlProblem(profile(), url, "img/a.png", res(502, "text/html"));
    expect(e?.code).toBe("ServerError");
    expect(e?.message).toBe("The public link's server img.example.com failed with HTTP 502.");
  });
});

describe("the doctor's lines", () => {
  test.each<[DiagnosticStep, string]>([
    [{ id: "upload", label: "Upload a test image", status: "pass", message: "Uploaded." }, "✓ Upload a test image: Uploaded.\n"],
    [{ id: "upload", label: "Upload a test image", status: "fail", message: "No.", hint: "Do this." }, "✗ Upload a test image: No.\n    Do this.\n"],
    [
      { id: "cleanup", label: "Remove the test image", status: "warn", message: "Kept.", hint: "Delete it." },
      "! Remove the test image: Kept.\n    Delete it.\n",
    ],
    [{ id: "public", label: "Public link", status: "skip", message: "Not checked." }, "- Public link: Not checked.\n"],
  ])("%o prints as it should", (step, text) => {
    expect(formatStep(step)).toBe(text);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, UsageError } from "../../../src/cli/args";
import { buildProfile, credentialsFromEnv, defaultCachePath, linkStyleFrom, loadConfigFile } from "../../../src/cli/config";

const args = (...flags: string[]) => parseArgs(["upload", "notes", ...flags]);

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a UsageError");
}

describe("buildProfile", () => {
  const config = {
    endpoint: "http://127.0.0.1:7480",
    region: "us-east-1",
    bucket: "notes-img",
    forcePathStyle: true,
    publicBaseUrl: "https://img.example.com",
    keyTemplate: "blog/{hash:16}.{ext}",
    acl: "public-read",
    cacheControl: "public, max-age=60",
    accessKeyIdSecret: "my-key-id",
    secretAccessKeySecret: "my-secret",
  };

  it("takes the config file's profile fields and ignores the secret names", () => {
    const p = buildProfile(config, args());
    expect(p).toMatchObject({
      endpoint: "http://127.0.0.1:7480",
      region: "us-east-1",
      bucket: "notes-img",
      forcePathStyle: true,
      publicBaseUrl: "https://img.example.com",
      keyTemplate: "blog/{hash:16}.{ext}",
      acl: "public-read",
      cacheControl: "public, max-age=60",
      accessKeyIdSecret: "",
      secretAccessKeySecret: "",
    });
  });

  it("lets flags override the config file", () => {
    const p = buildProfile(
      config,
      args(
        "--bucket",
        "other-bucket",
        "--acl",
        "none",
        "--no-path-style",
        "--public-url",
        "https://cdn.example.org",
        "--key-template",
        "x/{hash}.{ext}",
        "--region",
        "eu-west-1",
        "--endpoint",
        "https://s3.example.net",
      ),
    );
    expect(p).toMatchObject({
      bucket: "other-bucket",
      acl: "none",
      forcePathStyle: false,
      publicBaseUrl: "https://cdn.example.org",
      keyTemplate: "x/{hash}.{ext}",
      region: "eu-west-1",
      endpoint: "https://s3.example.net",
    });
  });

  it("works from flags alone", () => {
    const p = buildProfile(undefined, args("--endpoint", "http://127.0.0.1:9000", "--region", "us-east-1", "--bucket", "pics"));
    expect(p).toMatchObject({ endpoint: "http://127.0.0.1:9000", bucket: "pics", provider: "generic" });
  });

  it("fills what was not given from the provider preset, as choosing a provider in the settings does", () => {
    const r2 = buildProfile(
      undefined,
      args("--provider", "r2", "--endpoint", "https://abc123.r2.cloudflarestorage.com", "--bucket", "pics", "--public-url", "https://pub-1.r2.dev"),
    );
    expect(r2).toMatchObject({ provider: "r2", region: "auto", acl: "none" });
    const b2 = buildProfile({ provider: "b2", endpoint: "https://s3.us-west-004.backblazeb2.com", bucket: "pics" }, args());
    expect(b2).toMatchObject({ provider: "b2", region: "us-west-004", acl: "none" });
    // Anything given explicitly wins over the preset.
    expect(
      buildProfile(undefined, args("--provider", "minio", "--endpoint", "http://nas:9000", "--bucket", "pics", "--region", "eu-1", "--no-path-style")),
    ).toMatchObject({
      region: "eu-1",
      forcePathStyle: false,
    });
  });

  it("explains what a provider does not allow", () => {
    expect(
      usageMessage(() =>
        buildProfile(
          undefined,
          args(
            "--provider",
            "r2",
            "--endpoint",
            "https://abc.r2.cloudflarestorage.com",
            "--bucket",
            "pics",
            "--public-url",
            "https://pub-1.r2.dev",
            "--acl",
            "public-read",
          ),
        ),
      ),
    ).toContain("acl: Cloudflare R2 rejects the ACL header");
  });

  it("lists every problem the settings validation finds", () => {
    const message = usageMessage(() => buildProfile(undefined, args("--endpoint", "not a url", "--region", "us-east-1")));
    expect(message).toContain("endpoint: Endpoint must be a full URL");
    expect(message).toContain("bucket: Bucket is required.");
    expect(message).not.toContain("secret");
  });

  it("replaces files in the bucket only when the config file or the flag says so, the flag winning", () => {
    expect(buildProfile(config, args()).overwrite).toBe(false);
    expect(buildProfile({ ...config, overwrite: true }, args()).overwrite).toBe(true);
    expect(buildProfile(config, args("--overwrite")).overwrite).toBe(true);
    expect(buildProfile({ ...config, overwrite: true }, args("--no-overwrite")).overwrite).toBe(false);
    expect(usageMessage(() => buildProfile({ ...config, overwrite: "yes" }, args()))).toBe('"overwrite" in the config file must be true or false.');
  });

  it("refuses credentials stored in the config file and says to use the environment", () => {
    expect(usageMessage(() => buildProfile({ ...config, secretAccessKey: "hunter2" }, args()))).toMatch(/secretAccessKey.*S3_SECRET_ACCESS_KEY/);
  });

  it("refuses unknown or mistyped settings", () => {
    expect(usageMessage(() => buildProfile({ ...config, bukket: "x" }, args()))).toContain('unknown setting "bukket"');
    expect(usageMessage(() => buildProfile({ ...config, forcePathStyle: "yes" }, args()))).toContain("forcePathStyle");
    expect(usageMessage(() => buildProfile({ ...config, acl: "public" }, args()))).toContain('"acl"');
    expect(usageMessage(() => buildProfile({ ...config, bucket: 7 }, args()))).toContain('"bucket" in the config file must be a string');
  });
});

describe("credentialsFromEnv", () => {
  it("prefers S3_* and falls back to AWS_*", () => {
    expect(credentialsFromEnv({ S3_ACCESS_KEY_ID: "a", S3_SECRET_ACCESS_KEY: "b", AWS_ACCESS_KEY_ID: "c", AWS_SECRET_ACCESS_KEY: "d" })).toEqual({
      accessKeyId: "a",
      secretAccessKey: "b",
    });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: "c", AWS_SECRET_ACCESS_KEY: "d" })).toEqual({ accessKeyId: "c", secretAccessKey: "d" });
  });

  it("never mixes halves of two pairs, and says which half is missing", () => {
    expect(usageMessage(() => credentialsFromEnv({ S3_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "d" }))).toContain("S3_SECRET_ACCESS_KEY");
  });

  it("explains where credentials come from when there are none", () => {
    expect(usageMessage(() => credentialsFromEnv({}))).toMatch(/No credentials.*S3_ACCESS_KEY_ID/);
  });
});

describe("defaultCachePath", () => {
  it("uses $XDG_CACHE_HOME when it is an absolute path, else ~/.cache", () => {
    expect(defaultCachePath({ XDG_CACHE_HOME: "/var/cache/me" }, "/home/me")).toBe("/var/cache/me/s3-image-hosting/uploads.json");
    expect(defaultCachePath({ XDG_CACHE_HOME: "relative" }, "/home/me")).toBe("/home/me/.cache/s3-image-hosting/uploads.json");
    expect(defaultCachePath({}, "/home/me")).toBe("/home/me/.cache/s3-image-hosting/uploads.json");
  });
});

describe("loadConfigFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3ih-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a JSON object", async () => {
    writeFileSync(join(dir, "ok.json"), '{"bucket":"b"}');
    await expect(loadConfigFile(join(dir, "ok.json"))).resolves.toEqual({ bucket: "b" });
  });

  it.each([
    ["missing.json", undefined, "could not be read"],
    ["bad.json", "{bucket:", "is not valid JSON"],
    ["array.json", "[]", "must hold a JSON object"],
  ])("explains a %s config file", async (name, content, message) => {
    if (content !== undefined) writeFileSync(join(dir, name), content);
    await expect(loadConfigFile(join(dir, name))).rejects.toThrow(message);
  });
});

describe("credentialsFromEnv and keys that cannot be sent", () => {
  it("refuses a secret access key with a non-ASCII character, naming the variable and not the value", () => {
    const message = usageMessage(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalr\u2019XUtn" }));
    expect(message).toBe(
      "AWS_SECRET_ACCESS_KEY holds characters that cannot be sent in a request (non-ASCII characters, such as a typographic quote or a non-breaking space). Set it to the secret access key exactly as your provider shows it.",
    );
  });

  it("takes keys of printable ASCII as they are", () => {
    expect(credentialsFromEnv({ S3_ACCESS_KEY_ID: "AKIDEXAMPLE", S3_SECRET_ACCESS_KEY: "wJalr/XUtn+FEMI=" })).toEqual({
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "wJalr/XUtn+FEMI=",
    });
  });
});

describe("linkStyleFrom", () => {
  it("is markdown unless told otherwise", () => {
    expect(linkStyleFrom(undefined, args())).toEqual({ format: "markdown", template: "" });
    expect(linkStyleFrom(undefined, args("--link-format", "html"))).toEqual({ format: "html", template: "" });
  });

  it("takes the config file's keys, with the flags over them, and a template alone means custom", () => {
    expect(linkStyleFrom({ linkFormat: "html" }, args())).toEqual({ format: "html", template: "" });
    expect(linkStyleFrom({ linkFormat: "custom", linkTemplate: "[img]({url})" }, args())).toEqual({ format: "custom", template: "[img]({url})" });
    expect(linkStyleFrom({ linkFormat: "html" }, args("--link-format=markdown"))).toEqual({ format: "markdown", template: "" });
    expect(linkStyleFrom(undefined, args("--link-template", "<img src={url}>"))).toEqual({ format: "custom", template: "<img src={url}>" });
    expect(linkStyleFrom({ linkFormat: "custom", linkTemplate: "a {url}" }, args("--link-template", "b {url}"))).toEqual({
      format: "custom",
      template: "b {url}",
    });
  });

  it("names an unknown placeholder, and says where the template came from", () => {
    expect(usageMessage(() => linkStyleFrom(undefined, args("--link-template", "![{alt}]({url}) {caption}")))).toBe(
      "--link-template: The link template has an unknown placeholder {caption}. The placeholders are {url}, {alt}, {name}, {width}, {height}.",
    );
    expect(usageMessage(() => linkStyleFrom({ linkTemplate: "{src}" }, args()))).toMatch(/^"linkTemplate" in the config file: .*unknown placeholder \{src\}/);
    expect(usageMessage(() => linkStyleFrom(undefined, args("--link-template", "![]()")))).toMatch(/must contain \{url\}/);
  });

  it("refuses a custom format without a template, a template beside another format, and mistyped config values", () => {
    expect(usageMessage(() => linkStyleFrom(undefined, args("--link-format", "custom")))).toMatch(/needs its template: give --link-template/);
    expect(usageMessage(() => linkStyleFrom(undefined, args("--link-format", "html", "--link-template", "{url}")))).toMatch(
      /--link-template is the template of --link-format custom, but the link format is html/,
    );
    expect(usageMessage(() => linkStyleFrom({ linkFormat: "bbcode" }, args()))).toBe('"linkFormat" in the config file must be one of markdown, html, custom.');
    expect(usageMessage(() => linkStyleFrom({ linkTemplate: 5 }, args()))).toBe('"linkTemplate" in the config file must be a string.');
  });

  it("leaves the link keys out of the bucket settings", () => {
    const bucket = { id: "p", endpoint: "http://127.0.0.1:7480", region: "us-east-1", bucket: "notes-img" };
    expect(buildProfile({ ...bucket, linkFormat: "html", linkTemplate: "{url}" }, args())).toEqual(buildProfile(bucket, args()));
  });
});

describe("--link-format", () => {
  it("accepts the formats and refuses anything else with the choices", () => {
    expect(args("--link-format", "html").linkFormat).toBe("html");
    expect(usageMessage(() => args("--link-format", "bbcode"))).toBe('--link-format must be one of markdown, html, custom, not "bbcode".');
  });
});

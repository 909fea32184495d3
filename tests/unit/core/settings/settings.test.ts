import {
  DEFAULT_CACHE_CONTROL,
  DEFAULT_SETTINGS,
  MAX_CONCURRENCY,
  SETTINGS_VERSION,
  maxUploadBytes,
  newProfile,
  uploadsAttachments,
  type PluginSettings,
} from "../../../../src/core/settings/settingsModel";
import { findPlaintextCredentials, hasPlaintextCredentials, migrateSettings } from "../../../../src/core/settings/storedSettings";
import { validateProfile, type FieldMessage } from "../../../../src/core/settings/profileValidation";
import { DEFAULT_KEY_TEMPLATE } from "../../../../src/core/prepare/keyTemplate";
import type { Profile } from "../../../../src/core/types";

const SHA = "a".repeat(64);

/** A profile that passes validation; each test breaks one thing. */
const r2Profile = (over: Partial<Profile> = {}): Profile => ({
  ...newProfile("r2", "r2-main"),
  name: "Blog images",
  endpoint: "https://0123456789abcdef.r2.cloudflarestorage.com",
  region: "auto",
  bucket: "blog-images",
  publicBaseUrl: "https://img.example.com",
  accessKeyIdSecret: "r2-access-key-id",
  secretAccessKeySecret: "r2-secret-access-key",
  ...over,
});

const messagesFor = (list: FieldMessage[], field: keyof Profile): string =>
  list
    .filter((m) => m.field === field)
    .map((m) => m.message)
    .join(" | ");

describe("defaults", () => {
  test("have one generic profile that is active, and the documented behaviour switches", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      version: SETTINGS_VERSION,
      activeProfileId: DEFAULT_SETTINGS.profiles[0].id,
      uploadOnPaste: true,
      uploadOnDrop: true,
      maxFileSizeMB: 20,
      imagesOnly: true,
      concurrency: 16,
      trashAfterUpload: false,
      uploadAttachments: "auto",
      uploadIndex: {},
    });
    expect(DEFAULT_SETTINGS.profiles).toHaveLength(1);
  });

  test("newProfile holds no secret, only empty secret names, and safe upload headers", () => {
    const p = newProfile("b2", "x");
    expect(p).toMatchObject({
      id: "x",
      provider: "b2",
      acl: "none",
      cacheControl: "public, max-age=31536000, immutable",
      keyTemplate: DEFAULT_KEY_TEMPLATE,
      accessKeyIdSecret: "",
      secretAccessKeySecret: "",
    });
  });

  test("newProfile makes a different id each time when none is given", () => {
    const ids = new Set(Array.from({ length: 20 }, () => newProfile().id));
    expect(ids.size).toBe(20);
  });

  test("maxUploadBytes counts MB as MiB", () => {
    expect(maxUploadBytes({ maxFileSizeMB: 20 })).toBe(20 * 1024 * 1024);
  });
});

describe("migrateSettings", () => {
  test.each([null, undefined, 42, "settings", [], true])("gives the defaults for %p", (raw) => {
    expect(migrateSettings(raw)).toEqual(DEFAULT_SETTINGS);
  });

  test("returns a fresh copy that can be changed without touching the defaults", () => {
    const s = migrateSettings(undefined);
    s.profiles[0].bucket = "changed";
    s.profiles.push(newProfile());
    expect(DEFAULT_SETTINGS.profiles).toHaveLength(1);
    expect(DEFAULT_SETTINGS.profiles[0].bucket).toBe("");
  });

  test("keeps current settings unchanged through a save and load", () => {
    const saved: PluginSettings = {
      ...migrateSettings(undefined),
      profiles: [r2Profile(), { ...newProfile("minio", "lan"), endpoint: "http://nas:9000", bucket: "notes", overwrite: true }],
      activeProfileId: "lan",
      uploadOnPaste: false,
      maxFileSizeMB: 2.5,
      concurrency: 3,
      trashAfterUpload: true,
      linkFormat: "html",
      linkTemplate: "<img src={url}>",
      uploadIndex: { "https://nas:9000|notes": { [SHA]: { key: "img/a.png", at: 5 } } },
    };
    expect(migrateSettings(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
  });

  test("gives settings saved before the link format existed markdown links, and keeps a chosen format and its template", () => {
    expect(migrateSettings({ version: 1, profiles: [] })).toMatchObject({ linkFormat: "markdown", linkTemplate: "" });
    expect(migrateSettings({ linkFormat: "custom", linkTemplate: "{unknown}" })).toMatchObject({ linkFormat: "custom", linkTemplate: "{unknown}" });
    expect(migrateSettings({ linkFormat: "bbcode", linkTemplate: 3 })).toMatchObject({ linkFormat: "markdown", linkTemplate: "" });
  });

  test("drops unknown fields and replaces mistyped ones with defaults", () => {
    const s = migrateSettings({
      version: 1,
      surprise: "x",
      uploadOnPaste: "yes",
      imagesOnly: 0,
      maxFileSizeMB: -4,
      concurrency: "eight",
      profiles: [{ id: "p", bucket: 7, forcePathStyle: "no", acl: "public-write", provider: "dropbox", extra: 1 }],
    });
    expect(s).not.toHaveProperty("surprise");
    expect(s.uploadOnPaste).toBe(true);
    expect(s.imagesOnly).toBe(true);
    expect(s.maxFileSizeMB).toBe(20);
    expect(s.concurrency).toBe(16);
    expect(s.profiles[0]).toEqual({ ...newProfile("generic", "p") });
  });

  test("a profile saved before files in the bucket could be replaced keeps them safe; a saved choice is kept, a mistyped one is not", () => {
    const older = { version: 1, profiles: [{ id: "old", bucket: "b", keyTemplate: "img/{name}.{ext}" }] };
    expect(migrateSettings(older).profiles[0].overwrite).toBe(false);
    expect(migrateSettings({ profiles: [{ id: "p", overwrite: true }] }).profiles[0].overwrite).toBe(true);
    expect(migrateSettings({ profiles: [{ id: "p", overwrite: "yes" }] }).profiles[0].overwrite).toBe(false);
    expect(newProfile().overwrite).toBe(false);
  });

  test("keeps the number of parallel uploads between 1 and 32", () => {
    expect(migrateSettings({ concurrency: 500 }).concurrency).toBe(MAX_CONCURRENCY);
    expect(migrateSettings({ concurrency: 0 }).concurrency).toBe(1);
    expect(migrateSettings({ concurrency: 3.6 }).concurrency).toBe(4);
  });

  test("never carries plaintext credentials into the settings", () => {
    const s = migrateSettings({
      profiles: [{ id: "p", bucket: "b", accessKeyId: "AKIAEXAMPLEKEY", secretAccessKey: "wJalrXUtnFEMI/SECRET" }],
      secretKey: "top-level-secret",
    });
    const text = JSON.stringify(s);
    expect(text).not.toContain("AKIAEXAMPLEKEY");
    expect(text).not.toContain("SECRET");
    expect(text).not.toContain("top-level-secret");
  });

  test("turns a flat PicGo S3 config into one profile", () => {
    const picgo = {
      accessKeyID: "AKIDPICGO",
      secretAccessKey: "picgo-secret",
      bucketName: "my-images",
      uploadPath: "/blog/{year}/{month}/{md5}.{extName}",
      region: "us-west-004",
      endpoint: "s3.us-west-004.backblazeb2.com",
      pathStyleAccess: true,
      urlPrefix: "https://img.example.com",
      acl: "public-read",
    };
    const s = migrateSettings(picgo);
    expect(s.profiles).toHaveLength(1);
    expect(s.profiles[0]).toMatchObject({
      endpoint: "https://s3.us-west-004.backblazeb2.com",
      region: "us-west-004",
      bucket: "my-images",
      forcePathStyle: true,
      publicBaseUrl: "https://img.example.com",
      keyTemplate: "blog/{year}/{month}/{md5}.{ext}",
      acl: "public-read",
    });
    expect(s.activeProfileId).toBe(s.profiles[0].id);
    expect(JSON.stringify(s)).not.toContain("picgo-secret");
  });

  test("finds a PicGo config inside PicGo's own config file", () => {
    const s = migrateSettings({ picBed: { "aws-s3": { bucketName: "from-picgo", uploadPath: "{fileName}.{extName}" } } });
    expect(s.profiles[0].bucket).toBe("from-picgo");
    expect(s.profiles[0].keyTemplate).toBe("{name}.{ext}");
  });

  test("points activeProfileId at an existing profile", () => {
    const s = migrateSettings({ profiles: [{ id: "a" }, { id: "b" }], activeProfileId: "gone" });
    expect(s.activeProfileId).toBe("a");
  });

  test("gives every profile its own id", () => {
    const s = migrateSettings({ profiles: [{ id: "a" }, { id: "a" }, {}, { id: "  " }] });
    const ids = s.profiles.map((p) => p.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toBe("a");
  });

  test("always leaves at least one profile", () => {
    const s = migrateSettings({ profiles: [], activeProfileId: "x" });
    expect(s.profiles).toHaveLength(1);
    expect(s.activeProfileId).toBe(s.profiles[0].id);
  });

  test("drops malformed upload records", () => {
    const s = migrateSettings({ uploadIndex: { scope: { [SHA]: { key: "k", at: 1 }, nothex: { key: "k", at: 1 } }, bad: 3 } });
    expect(s.uploadIndex).toEqual({ scope: { [SHA]: { key: "k", at: 1 } } });
  });
});

describe("uploading attached images", () => {
  test("follows the device until chosen: on on phones and tablets, off on desktop", () => {
    const s = migrateSettings(undefined);
    expect(s.uploadAttachments).toBe("auto");
    expect(uploadsAttachments(s, true)).toBe(true);
    expect(uploadsAttachments(s, false)).toBe(false);
  });

  test("an explicit choice wins on every device", () => {
    expect(uploadsAttachments({ uploadAttachments: false }, true)).toBe(false);
    expect(uploadsAttachments({ uploadAttachments: true }, false)).toBe(true);
  });

  test.each([
    ["auto", "auto"],
    [true, true],
    [false, false],
    ["yes", "auto"],
    [1, "auto"],
    [null, "auto"],
  ])("stored %p is read as %p", (stored, read) => {
    expect(migrateSettings({ uploadAttachments: stored }).uploadAttachments).toBe(read);
  });
});

describe("findPlaintextCredentials", () => {
  test("returns old key pairs under the id of the profile migrateSettings makes", () => {
    const raw = {
      profiles: [
        { id: "one", accessKeyId: "AK1", secretAccessKey: "S1" },
        { bucket: "b", secretId: "AK2", secretKey: "S2" },
      ],
    };
    const found = findPlaintextCredentials(raw);
    const ids = migrateSettings(raw).profiles.map((p) => p.id);
    expect(found).toEqual([
      { profileId: ids[0], credentials: { accessKeyId: "AK1", secretAccessKey: "S1" } },
      { profileId: ids[1], credentials: { accessKeyId: "AK2", secretAccessKey: "S2" } },
    ]);
  });

  test("finds the pair in a flat PicGo config", () => {
    const raw = { bucketName: "b", accessKeyID: "AKID", secretAccessKey: "S" };
    expect(findPlaintextCredentials(raw)).toEqual([
      { profileId: migrateSettings(raw).profiles[0].id, credentials: { accessKeyId: "AKID", secretAccessKey: "S" } },
    ]);
  });

  test("reports half a pair too: it is still a key in plain text", () => {
    expect(findPlaintextCredentials({ profiles: [{ id: "p", accessKeyId: "AK" }] })).toEqual([{ profileId: "p", credentials: { accessKeyId: "AK" } }]);
  });

  test("finds nothing in settings without credentials", () => {
    expect(findPlaintextCredentials(migrateSettings(undefined))).toEqual([]);
    expect(findPlaintextCredentials(null)).toEqual([]);
  });
});

describe("hasPlaintextCredentials", () => {
  test("finds a key anywhere: in a profile, beside the profiles, under another PicGo uploader", () => {
    expect(hasPlaintextCredentials({ profiles: [{ id: "p", accessKeyIdSecret: "n", secretKey: "S" }] })).toBe(true);
    expect(hasPlaintextCredentials({ profiles: [], accessKeyId: "AK" })).toBe(true);
    expect(hasPlaintextCredentials({ picBed: { "aws-s3": { bucketName: "b" }, aliyun: { accessKeySecret: "S" } } })).toBe(true);
  });

  test("is false for migrated settings, secret names and empty fields", () => {
    expect(hasPlaintextCredentials(migrateSettings({ bucket: "b", accessKeyId: "AK", secretAccessKey: "S" }))).toBe(false);
    expect(hasPlaintextCredentials({ profiles: [{ accessKeyIdSecret: "a", secretAccessKeySecret: "b", secretKey: " " }] })).toBe(false);
    expect(hasPlaintextCredentials(null)).toBe(false);
  });
});

describe("validateProfile", () => {
  test("accepts a complete R2 profile", () => {
    expect(validateProfile(r2Profile())).toEqual([]);
  });

  test("accepts a Tencent COS bucket name with its APPID suffix", () => {
    const cos = r2Profile({
      provider: "tencent-cos",
      endpoint: "https://cos.ap-guangzhou.myqcloud.com",
      region: "ap-guangzhou",
      bucket: "images-1250000000",
      forcePathStyle: false,
    });
    expect(validateProfile(cos)).toEqual([]);
  });

  test.each([
    ["", "Endpoint is required"],
    ["0123.r2.cloudflarestorage.com", "full URL starting with https://"],
    ["ftp://files.example.com", "full URL starting with https://"],
    ["https://x.r2.cloudflarestorage.com/?x=1", "must not have a query"],
    ["https://x.r2.cloudflarestorage.com/blog-images", "Remove the bucket name from the endpoint"],
    ["https://blog-images.s3.us-west-004.backblazeb2.com", "Remove the bucket name from the start"],
    ["https://user:pw@s3.example.com", "user name or password"],
    ["https://pub-abc.r2.dev", "r2.dev address is the public URL"],
  ])("explains a bad endpoint %j", (endpoint, expected) => {
    expect(messagesFor(validateProfile(r2Profile({ endpoint })), "endpoint")).toContain(expected);
  });

  test("accepts plain http for a server on the local network", () => {
    const minio = r2Profile({ provider: "minio", endpoint: "http://192.168.1.10:9000", region: "us-east-1", publicBaseUrl: "" });
    expect(validateProfile(minio)).toEqual([]);
  });

  test.each([
    ["", "r2", "Region is required; for R2 use auto."],
    ["us east 1", "generic", "is not a region name"],
    // The S3 client refuses what cannot be a host name's label, so the form says so first.
    ["weird_region", "generic", "is not a region name"],
    ["us-east-1-", "generic", "is not a region name"],
    ["eu-central-1", "r2", "R2 uses the region auto"],
  ] as const)("explains a bad region %j for %s", (region, provider, expected) => {
    expect(messagesFor(validateProfile(r2Profile({ region, provider })), "region")).toContain(expected);
  });

  test("catches a Backblaze region that does not match the endpoint", () => {
    const b2 = r2Profile({ provider: "b2", endpoint: "https://s3.us-west-004.backblazeb2.com", region: "us-east-005", publicBaseUrl: "" });
    expect(messagesFor(validateProfile(b2), "region")).toContain("must match the endpoint: us-west-004");
  });

  test.each([
    ["", "Bucket is required"],
    ["ab", "3 to 63 characters"],
    ["a".repeat(64), "3 to 63 characters"],
    ["My-Bucket", "lowercase"],
    ["my_bucket", "not _"],
    ["-bucket", "start and end with a letter or digit"],
    ["bucket.", "start and end with a letter or digit"],
    ["my..bucket", "two dots"],
    ["192.168.1.10", "IP address"],
    ["bucket/folder", "put folders in the key template"],
  ])("explains a bad bucket name %j", (bucket, expected) => {
    expect(messagesFor(validateProfile(r2Profile({ bucket })), "bucket")).toContain(expected);
  });

  test.each([
    ["img.example.com", "full URL starting with https://"],
    ["https://img.example.com/?v=1", "must not have a query"],
    ["https://img.example.com/#x", "must not have a query"],
    ["https://acc.r2.cloudflarestorage.com/blog-images", "R2's S3 endpoint"],
  ])("explains a bad public base URL %j", (publicBaseUrl, expected) => {
    expect(messagesFor(validateProfile(r2Profile({ publicBaseUrl })), "publicBaseUrl")).toContain(expected);
  });

  test("asks R2 users for a public base URL, since the S3 endpoint is never public", () => {
    expect(messagesFor(validateProfile(r2Profile({ publicBaseUrl: "" })), "publicBaseUrl")).toContain("r2.dev");
    expect(validateProfile(r2Profile({ provider: "aws", region: "us-east-1", publicBaseUrl: "" }))).toEqual([]);
  });

  test("passes on the key template's own messages", () => {
    expect(messagesFor(validateProfile(r2Profile({ keyTemplate: "{hash:0}" })), "keyTemplate")).toContain("{hash:0} needs a length from 1 to 64");
  });

  test.each([
    ["public, max-age=forever", "max-age needs a number of seconds"],
    ["public; max-age=60", "invalid part"],
    ["public,, immutable", "invalid part"],
    ["public\nX-Injected: 1", "printable"],
  ])("explains a bad Cache-Control %j", (cacheControl, expected) => {
    expect(messagesFor(validateProfile(r2Profile({ cacheControl })), "cacheControl")).toContain(expected);
  });

  test("accepts an empty or typical Cache-Control", () => {
    for (const cacheControl of ["", DEFAULT_CACHE_CONTROL, "no-cache", 'private, max-age=0, community="UCI"']) {
      expect(validateProfile(r2Profile({ cacheControl }))).toEqual([]);
    }
  });

  test("refuses ACL headers where the provider rejects them", () => {
    expect(messagesFor(validateProfile(r2Profile({ acl: "public-read" })), "acl")).toContain("R2 rejects the ACL header");
    const b2 = r2Profile({ provider: "b2", endpoint: "https://s3.us-west-004.backblazeb2.com", region: "us-west-004", acl: "private" });
    expect(messagesFor(validateProfile(b2), "acl")).toContain("B2 has no per-file ACLs");
  });

  test("refuses path-style addressing for Aliyun OSS", () => {
    const oss = r2Profile({ provider: "aliyun-oss", endpoint: "https://oss-cn-hangzhou.aliyuncs.com", region: "cn-hangzhou", forcePathStyle: true });
    expect(messagesFor(validateProfile(oss), "forcePathStyle")).toContain("virtual-hosted");
  });

  test("asks for both secret names, and for two different ones", () => {
    const none = validateProfile(r2Profile({ accessKeyIdSecret: "", secretAccessKeySecret: " " }));
    expect(messagesFor(none, "accessKeyIdSecret")).toContain("access key ID");
    expect(messagesFor(none, "secretAccessKeySecret")).toContain("secret access key");
    const same = validateProfile(r2Profile({ accessKeyIdSecret: "s", secretAccessKeySecret: "s" }));
    expect(messagesFor(same, "secretAccessKeySecret")).toContain("two different secrets");
  });
});

describe("folder rules in stored settings", () => {
  test("are read in order, kept as written even when unusable; anything else is dropped", () => {
    const s = migrateSettings({
      folderRules: [{ pattern: "Blog", target: "default" }, { pattern: "", target: "gone" }, "junk", { pattern: 3 }, null],
    });
    expect(s.folderRules).toEqual([
      { pattern: "Blog", target: "default" },
      { pattern: "", target: "gone" },
      { pattern: "", target: "local" },
    ]);
    expect(migrateSettings(undefined).folderRules).toEqual([]);
    expect(migrateSettings({ folderRules: "Blog" }).folderRules).toEqual([]);
  });
});

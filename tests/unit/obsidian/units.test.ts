/** The small units behind paste and drop, one behaviour each. */
import { migrateSettings } from "../../../src/core/settings/storedSettings";
import type { Asset, StoredAsset } from "../../../src/core/types";
import { attachmentName, filesOf, imagesToTake, isImageFile } from "../../../src/obsidian/imageInput";
import { findPlaceholders, placeholderChanges, uploadingPlaceholder } from "../../../src/obsidian/placeholder";
import { checkReadiness } from "../../../src/obsidian/readiness";
import { readCredentials } from "../../../src/obsidian/secrets";
import { loadPluginSettings } from "../../../src/obsidian/settingsStore";
import { UploaderCache, type DisposableUploader, type UploaderConfig } from "../../../src/obsidian/uploaderCache";
import { fileOf, pasteEvent } from "../../support/dataTransfer";
import { SecretStorage } from "../../fakes/obsidian";
import { readySettings, SECRET_NAMES } from "../../support/pasteVault";

const NOW = new Date(2026, 0, 5, 7, 8, 9);

describe("which files are taken and how they are named", () => {
  test("a file is an image by its MIME type, or by its extension when the type is empty", () => {
    expect(isImageFile({ name: "a.bin", type: "image/webp" })).toBe(true);
    expect(isImageFile({ name: "Photo.JPG", type: "" })).toBe(true);
    expect(isImageFile({ name: "a.png", type: "text/plain" })).toBe(false);
    expect(isImageFile({ name: "notes.txt", type: "" })).toBe(false);
  });

  test("files listed only among the clipboard items are found too", () => {
    const png = fileOf("x", "image.png", "image/png");
    const evt = pasteEvent({ files: [png] });
    const onlyItems = { files: [] as unknown as FileList, items: evt.clipboardData.items } as DataTransfer;
    expect(filesOf(onlyItems)).toEqual([png]);
    expect(filesOf(null)).toEqual([]);
  });

  test("a mixed set of files is not taken at all", () => {
    const evt = pasteEvent({ files: [fileOf("x", "a.png", "image/png"), fileOf("y", "b.zip", "application/zip")] });
    expect(imagesToTake(evt.clipboardData)).toEqual([]);
  });

  test("clipboard images with the generic name get Obsidian's 'Pasted image' name; other names are kept", () => {
    expect(attachmentName({ name: "image.png", type: "image/png" }, "paste", NOW)).toBe("Pasted image 20260105070809.png");
    expect(attachmentName({ name: "", type: "image/jpeg" }, "paste", NOW)).toBe("Pasted image 20260105070809.jpg");
    expect(attachmentName({ name: "Screenshot 1.png", type: "image/png" }, "paste", NOW)).toBe("Screenshot 1.png");
    expect(attachmentName({ name: "image.png", type: "image/png" }, "drop", NOW)).toBe("image.png");
  });
});

describe("placeholders", () => {
  test("are unique, and no file name can break their markdown", () => {
    const a = uploadingPlaceholder("evil](http://x) ![y.png");
    const b = uploadingPlaceholder("evil](http://x) ![y.png");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^!\[Uploading [^\]()[]*…\]\(s3ih-uploading-[0-9a-f]{16}\)$/);
    expect(uploadingPlaceholder("two\nlines.png")).not.toContain("\n");
  });

  test("are found in text, each with its offsets", () => {
    const a = uploadingPlaceholder("a.png");
    const b = uploadingPlaceholder("b [1].png");
    const text = `x ${a}\ny ${b} ![Uploading c](elsewhere.png)`;
    expect(findPlaceholders(text)).toEqual([
      { placeholder: a, from: 2, to: 2 + a.length },
      { placeholder: b, from: text.indexOf(b), to: text.indexOf(b) + b.length },
    ]);
  });

  test("a replacement goes in literally, even with $ patterns; a placeholder not in the text gets nothing", () => {
    const a = uploadingPlaceholder("a.png");
    const gone = uploadingPlaceholder("gone.png");
    const text = `one ${a} two`;
    expect(
      placeholderChanges(
        text,
        new Map([
          [a, "$& $1"],
          [gone, "x"],
        ]),
      ),
    ).toEqual([{ from: 4, to: 4 + a.length, insert: "$& $1" }]);
  });

  test("placeholders on consecutive lines become one change, and an empty result takes its line with it", () => {
    const [a, b, c] = ["a.png", "b.png", "c.png"].map((n) => uploadingPlaceholder(n));
    const text = `Intro\n${a}\n${b}\n${c} end`;
    const from = "Intro\n".length;
    expect(
      placeholderChanges(
        text,
        new Map([
          [a, "A"],
          [b, ""],
          [c, "C"],
        ]),
      ),
    ).toEqual([{ from, to: text.length - " end".length, insert: "A\nC" }]);
    expect(
      placeholderChanges(
        text,
        new Map([
          [a, ""],
          [b, ""],
          [c, ""],
        ]),
      ),
    ).toEqual([{ from, to: text.length - " end".length, insert: "" }]);
    // Text typed between them keeps them apart.
    const apart = `${a}\ntyped\n${b}`;
    expect(
      placeholderChanges(
        apart,
        new Map([
          [a, "A"],
          [b, "B"],
        ]),
      ),
    ).toEqual([
      { from: 0, to: a.length, insert: "A" },
      { from: apart.length - b.length, to: apart.length, insert: "B" },
    ]);
  });
});

describe("credentials and readiness", () => {
  test("credentials are read by the secret names the profile holds", () => {
    const storage = new SecretStorage();
    storage.setSecret("k", "AKID");
    storage.setSecret("s", "SECRET");
    expect(readCredentials(storage, { accessKeyIdSecret: "k", secretAccessKeySecret: "s" })).toEqual({
      ok: true,
      credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" },
    });
  });

  test("an unset name and a missing secret are each explained, by name only", () => {
    const storage = new SecretStorage();
    storage.setSecret("k", "AKID");
    const result = readCredentials(storage, { accessKeyIdSecret: "", secretAccessKeySecret: "gone" });
    expect(result).toEqual({
      ok: false,
      problems: [
        "Choose the secret that holds the access key ID.",
        `The secret "gone" for the secret access key is not in this device's secret storage; add it in the plugin settings.`,
      ],
    });
  });

  test("a complete profile with both secrets present is ready, with limits from the settings", () => {
    const storage = new SecretStorage();
    storage.setSecret(SECRET_NAMES.accessKeyId, "AKID");
    storage.setSecret(SECRET_NAMES.secretAccessKey, "SECRET");
    const settings = readySettings();
    settings.maxFileSizeMB = 2;
    const ready = checkReadiness(settings, storage);
    expect(ready.ok && ready.config.maxBytes).toBe(2 * 1024 * 1024);
    expect(ready.ok && ready.config.credentials).toEqual({ accessKeyId: "AKID", secretAccessKey: "SECRET" });
    expect(checkReadiness(migrateSettings(undefined), storage)).toEqual({ ok: false, unconfigured: true, problems: ["No bucket is set up yet."] });
  });
});

describe("the link template and readiness", () => {
  test("a custom link template with an unknown placeholder keeps paste, drop and Upload all from uploading, and says what to fix", () => {
    const storage = new SecretStorage();
    storage.setSecret(SECRET_NAMES.accessKeyId, "AKID");
    storage.setSecret(SECRET_NAMES.secretAccessKey, "SECRET");
    const settings = { ...readySettings(), linkFormat: "custom" as const, linkTemplate: "![{alt}]({link})" };
    expect(checkReadiness(settings, storage)).toEqual({
      ok: false,
      unconfigured: false,
      problems: [
        'The link template has an unknown placeholder {link}. The placeholders are {url}, {alt}, {name}, {width}, {height}. Fix it under "Link format" in the settings.',
      ],
    });
    expect(checkReadiness({ ...settings, linkTemplate: "![{alt}]({url})" }, storage).ok).toBe(true);
    expect(checkReadiness({ ...settings, linkFormat: "html" }, storage).ok).toBe(true);
  });
});

describe("keys that no request can carry", () => {
  test.each([
    ["a placeholder's ellipsis", "AKIA…", 'a "…", as in a placeholder left in'],
    ["a non-breaking space", "AKIA\u00a0KEY", "non-ASCII characters"],
    ["a line break", "AKIA\nKEY", "control characters"],
  ])("a secret holding %s makes paste and drop not ready, naming the secret and not the key", (_, value, kind) => {
    const storage = new SecretStorage();
    storage.setSecret(SECRET_NAMES.accessKeyId, value);
    storage.setSecret(SECRET_NAMES.secretAccessKey, "SECRET");
    const ready = checkReadiness(readySettings(), storage);
    expect(ready.ok).toBe(false);
    const problems = ready.ok ? [] : ready.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`The secret "${SECRET_NAMES.accessKeyId}" (the access key ID) holds characters that cannot be sent in a request`);
    expect(problems[0]).toContain(kind);
    expect(problems[0]).not.toContain("AKIA");
  });
});

describe("moving plain-text keys into secret storage", () => {
  test("keys land under new names that do not overwrite a different secret", () => {
    const storage = new SecretStorage();
    storage.setSecret("s3-image-hosting-default-access-key-id", "someone-else");
    const { settings, movedCredentials } = loadPluginSettings({ bucket: "b", accessKeyId: "AKID", secretAccessKey: "SECRET" }, storage);
    expect(movedCredentials).toBe(1);
    const p = settings.profiles[0];
    expect(p.accessKeyIdSecret).toBe("s3-image-hosting-default-access-key-id-2");
    expect(storage.getSecret(p.accessKeyIdSecret)).toBe("AKID");
    expect(storage.getSecret("s3-image-hosting-default-access-key-id")).toBe("someone-else");
    expect(storage.getSecret(p.secretAccessKeySecret)).toBe("SECRET");
    expect(JSON.stringify(settings)).not.toMatch(/AKID|SECRET/);
  });

  test("a profile that names its secrets keeps them; plain text only fills a named secret that is missing", () => {
    const storage = new SecretStorage();
    storage.setSecret("my-key-id", "STORED-ID");
    const raw = {
      profiles: [{ id: "p", bucket: "b", accessKeyIdSecret: "my-key-id", secretAccessKeySecret: "my-secret", accessKeyId: "AKID", secretAccessKey: "SECRET" }],
    };
    const { settings, movedCredentials, plaintextFound } = loadPluginSettings(raw, storage);
    expect(plaintextFound).toBe(true);
    expect(movedCredentials).toBe(1);
    expect(settings.profiles[0]).toMatchObject({ accessKeyIdSecret: "my-key-id", secretAccessKeySecret: "my-secret" });
    expect(storage.getSecret("my-key-id")).toBe("STORED-ID");
    expect(storage.getSecret("my-secret")).toBe("SECRET");
    expect(JSON.stringify(settings)).not.toMatch(/AKID|SECRET/);
  });

  test("a named secret that secret storage cannot hold under its name gets a new name", () => {
    const storage = new SecretStorage();
    const raw = { profiles: [{ id: "p", accessKeyIdSecret: "Old Name", accessKeyId: "AKID" }] };
    const { settings } = loadPluginSettings(raw, storage);
    expect(settings.profiles[0].accessKeyIdSecret).toBe("s3-image-hosting-p-access-key-id");
    expect(storage.getSecret("s3-image-hosting-p-access-key-id")).toBe("AKID");
  });

  test("settings without plain-text keys need no rewrite", () => {
    const { plaintextFound, movedCredentials } = loadPluginSettings({ profiles: [{ id: "p", accessKeyIdSecret: "a" }] }, new SecretStorage());
    expect([plaintextFound, movedCredentials]).toEqual([false, 0]);
  });
});

describe("the uploader cache", () => {
  const config = (bucket: string): UploaderConfig => ({
    profile: { ...readySettings({ bucket }).profiles[0] },
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
    maxBytes: 10,
    imagesOnly: true,
  });

  function factory() {
    const built: { bucket: string; destroyed: boolean; release: () => void }[] = [];
    const make = async (c: UploaderConfig): Promise<DisposableUploader> => {
      const waiting: (() => void)[] = [];
      const entry = { bucket: c.profile.bucket, destroyed: false, release: () => waiting.splice(0).forEach((go) => go()) };
      built.push(entry);
      return {
        upload: (asset: Asset) =>
          new Promise<StoredAsset>((resolve) => {
            waiting.push(() => resolve({ key: asset.name, url: `https://x/${asset.name}`, reused: false, sha256: "" }));
          }),
        destroy: () => {
          entry.destroyed = true;
        },
      };
    };
    return { built, make };
  }
  const asset: Asset = { bytes: new Uint8Array([1]), name: "a.png", notePath: "n.md" };
  const tick = () => new Promise((r) => setImmediate(r));

  test("keeps one uploader while the configuration is equal, and destroys a replaced one only after its upload ends", async () => {
    const f = factory();
    const cache = new UploaderCache(f.make);
    const first = cache.upload(config("one"), asset);
    await tick();
    const again = cache.upload(config("one"), asset);
    await tick();
    expect(f.built.map((b) => b.bucket)).toEqual(["one"]);
    f.built[0].release();
    await Promise.all([first, again]);

    const inFlight = cache.upload(config("one"), asset);
    await tick();
    const other = cache.upload(config("two"), asset);
    await tick();
    expect(f.built.map((b) => b.bucket)).toEqual(["one", "two"]);
    expect(f.built[0].destroyed).toBe(false);
    f.built[0].release();
    await inFlight;
    await tick();
    expect(f.built[0].destroyed).toBe(true);
    f.built[1].release();
    await other;
  });

  test("each profile keeps its own uploader, so uploads to two profiles do not replace each other's", async () => {
    const f = factory();
    const cache = new UploaderCache(f.make);
    const other = (bucket: string): UploaderConfig => ({ ...config(bucket), profile: { ...config(bucket).profile, id: "other" } });
    const uploads = [
      cache.upload(config("one"), asset),
      cache.upload(other("two"), asset),
      cache.upload(config("one"), asset),
      cache.upload(other("two"), asset),
    ];
    await tick();
    expect(f.built.map((b) => b.bucket)).toEqual(["one", "two"]);
    f.built.forEach((b) => b.release());
    await Promise.all(uploads);
    await tick();
    expect(f.built.map((b) => b.destroyed)).toEqual([false, false]);
    cache.clear();
    await tick();
    expect(f.built.map((b) => b.destroyed)).toEqual([true, true]);
  });

  test("once closed (the plugin unloaded), an upload still asked for gets an uploader that is destroyed when it ends", async () => {
    const f = factory();
    const cache = new UploaderCache(f.make);
    const inFlight = cache.upload(config("one"), asset);
    await tick();
    cache.close();
    const late = cache.upload(config("one"), asset);
    await tick();
    expect(f.built.map((b) => b.bucket)).toEqual(["one", "one"]);
    f.built.forEach((b) => b.release());
    await Promise.all([inFlight, late]);
    await tick();
    expect(f.built.map((b) => b.destroyed)).toEqual([true, true]);
  });

  test("a factory that failed is tried again on the next upload", async () => {
    let calls = 0;
    const cache = new UploaderCache(async () => {
      calls++;
      throw new Error("no");
    });
    await expect(cache.upload(config("one"), asset)).rejects.toThrow("no");
    await expect(cache.upload(config("one"), asset)).rejects.toThrow("no");
    expect(calls).toBe(2);
  });
});

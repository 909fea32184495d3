/** The profile field table is the one list of a profile's fields: each face reads it. */
import { parseArgs, UsageError } from "../../../../src/cli/args";
import { buildProfile } from "../../../../src/cli/config";
import { helpText } from "../../../../src/cli/help";
import { fieldName, PROFILE_FIELDS, type ProfileField } from "../../../../src/core/settings/profileFields";
import { newProfile } from "../../../../src/core/settings/settingsModel";

const VALID = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", bucket: "pics" };

/** A value of the field's kind that validation accepts, different from its default. */
function sample(f: ProfileField): string | boolean {
  if (f.kind === "toggle") return !f.default;
  if (f.kind === "choice") return f.choices?.find((c) => c.value !== f.default)?.value ?? "";
  if (f.numeric) return "64";
  if (f.key === "keyTemplate") return "pics/{hash:16}.{ext}";
  if (f.key === "publicBaseUrl") return "https://img.example.com";
  if (f.key === "cacheControl") return "public, max-age=60";
  return (VALID as Record<string, string>)[f.key] ?? `value-${f.key}`;
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a UsageError");
}

describe("the profile field table", () => {
  const withFlags = PROFILE_FIELDS.filter((f) => f.cli !== undefined);

  test("gives a new profile its defaults", () => {
    const p = newProfile("generic", "p1");
    for (const f of PROFILE_FIELDS.filter((f) => f.key !== "id")) expect([f.key, p[f.key]]).toEqual([f.key, f.default]);
  });

  test.each(["upload", "doctor"] as const)("every flag of the table, and its opposite, is explained in %s --help", (command) => {
    const help = helpText(command);
    for (const f of withFlags) {
      expect(help).toMatch(new RegExp(`^ {2}${f.cli!.flag}\\b`, "m"));
      if (f.cli!.off) expect(help).toMatch(new RegExp(`^ {2}${f.cli!.off.flag}\\b`, "m"));
    }
    expect(withFlags.length).toBeGreaterThanOrEqual(8);
  });

  test("every flag of the table sets its field, and flags win over the config file", () => {
    for (const f of withFlags) {
      const value = sample(f);
      const argv = f.kind === "toggle" ? [value ? f.cli!.flag : f.cli!.off!.flag] : [f.cli!.flag, String(value)];
      expect(parseArgs(["upload", "notes", ...argv]).profile).toEqual({ [f.key]: value });
    }
    const profile = buildProfile(
      { bucket: "from-config" },
      parseArgs(["upload", "notes", "--endpoint", VALID.endpoint, "--region", "us-east-1", "--bucket", "from-flag"]),
    );
    expect(profile.bucket).toBe("from-flag");
  });

  test("every config key of the table is read into its field; the names of secrets are ignored", () => {
    const read = PROFILE_FIELDS.filter((f) => f.config === "read");
    const config = Object.fromEntries(read.map((f) => [f.key, sample(f)]));
    // A provider's own rules (R2's region, OSS's addressing) would refuse the generic samples.
    config.provider = "minio";
    const profile = buildProfile({ ...config, accessKeyIdSecret: "k", secretAccessKeySecret: "s" }, parseArgs(["upload", "notes"]));
    for (const f of read) expect([f.key, profile[f.key]]).toEqual([f.key, config[f.key]]);
    expect([profile.accessKeyIdSecret, profile.secretAccessKeySecret]).toEqual(["", ""]);
  });

  test("a config key the table does not hold is refused, and so is a value of the wrong kind", () => {
    expect(usageMessage(() => buildProfile({ ...VALID, storageClass: "GLACIER" }, parseArgs(["upload", "notes"])))).toBe(
      'The config file has an unknown setting "storageClass".',
    );
    for (const f of PROFILE_FIELDS.filter((f) => f.config === "read")) {
      const wrong = f.kind === "toggle" ? "yes" : f.numeric ? true : 7;
      expect(usageMessage(() => buildProfile({ ...VALID, [f.key]: wrong }, parseArgs(["upload", "notes"])))).toMatch(
        new RegExp(`^"${f.key}" in the config file must be`),
      );
    }
  });

  test("a whole-number field takes a JSON number in the config file, and an unusable number is refused with its range", () => {
    const profile = buildProfile({ ...VALID, quality: 70, maxWidth: 1600 }, parseArgs(["upload", "notes"]));
    expect([profile.quality, profile.maxWidth, profile.maxHeight]).toEqual(["70", "1600", ""]);
    expect(usageMessage(() => buildProfile(VALID, parseArgs(["upload", "notes", "--quality", "0"])))).toContain(
      'quality: Quality must be a whole number from 1 to 100 (default 82), not "0".',
    );
    expect(usageMessage(() => buildProfile(VALID, parseArgs(["upload", "notes", "--max-width", "wide"])))).toContain(
      'Largest width must be a whole number of pixels from 1 to 100000, or empty for no limit; not "wide".',
    );
    expect(usageMessage(() => parseArgs(["upload", "notes", "--convert", "png"]))).toBe("--convert must be one of keep, webp, avif, jpeg.");
  });

  test("names a field by its label in the plugin and by its flag, or config key, in the tool", () => {
    expect(fieldName("publicBaseUrl", "plugin")).toBe("the public base URL");
    expect(fieldName("publicBaseUrl", "cli")).toBe("--public-url");
    expect(fieldName("cacheControl", "cli")).toBe('"cacheControl" in the config file');
  });
});

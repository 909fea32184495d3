/**
 * The fields of a bucket profile, once: what each is called in the settings form and in a
 * sentence, its kind and choices, its default, its command-line flag and help, and whether
 * the command-line tool's config file takes it. The settings form, the tool's flags and
 * `--help`, the config file's keys and the connection test's wording all read this table, so
 * a new field is one row here plus the code that uses it.
 */
import { DEFAULT_KEY_TEMPLATE, KEY_TEMPLATE_TOKENS } from "../prepare/keyTemplate";
import { PROVIDER_IDS, PROVIDERS, type Provider } from "../providers";
import { DEFAULT_QUALITY } from "../prepare/transformPlan";
import type { AclSetting, Profile } from "../types";

/** Keys are content-addressed, so the bytes behind a URL never change and CDNs may keep them forever. */
export const DEFAULT_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The ACL settings a profile may hold. */
export const ACLS: readonly AclSetting[] = ["none", "public-read", "private"];

/** Which face a message is for: the plugin names its settings, the tool its flags. */
export type Face = "plugin" | "cli";

/** Where the command-line tool reads the keys, which never live in a profile. */
export const CREDENTIALS_FROM_ENVIRONMENT =
  "Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) in the environment.";

/** A text that may depend on the profile's provider (the form shows the chosen one's help). */
type ProviderText = string | ((provider: Provider) => string);

/** A command-line flag that sets a field. */
export interface FieldFlag {
  /** `--endpoint`. */
  flag: string;
  /** What the value is called in the help (`URL`); absent for an on/off flag. */
  value?: string;
  help: string;
  /** For an on/off field: the flag that turns it off, and its help. */
  off?: { flag: string; help: string };
}

/** One field of a profile. */
export interface ProfileField<K extends keyof Profile = keyof Profile> {
  key: K;
  /** The field's name in the settings form. */
  label: string;
  /** How the plugin's sentences name it ("Fix the endpoint in the profile"). */
  noun: string;
  /** The settings form's description under the label; absent for a field the form does not show. */
  description?: ProviderText;
  placeholder?: ProviderText;
  /** text: free text; toggle: on/off; choice: one of `choices`; secret: the name of a secret in Obsidian's storage. */
  kind: "text" | "toggle" | "choice" | "secret";
  /** The values a choice takes, with the form's label for each. */
  choices?: ReadonlyArray<{ value: string; label: string }>;
  default: Profile[K];
  cli?: FieldFlag;
  /**
   * What the tool's config file does with the key: read it, or ignore it (the names of
   * secrets mean nothing outside Obsidian). Absent: the config file refuses the key.
   */
  config?: "read" | "ignore";
  /** A text field that holds a whole number: the config file takes it as a JSON number too. */
  numeric?: boolean;
}

/** Keeps each row's `default` typed by its own key. */
function field<K extends keyof Profile>(row: ProfileField<K>): ProfileField<K> {
  return row;
}

const KEY_TOKENS = KEY_TEMPLATE_TOKENS.map((t) => t.token).join(" ");

/** Every field of a profile, in the order the settings form shows them. */
export const PROFILE_FIELDS: ReadonlyArray<ProfileField> = [
  field({ key: "id", label: "ID", noun: "the profile's id", kind: "text", default: "", config: "read" }),
  field({
    key: "provider",
    label: "Provider",
    noun: "the provider",
    description: "Fills in the region, addressing style and access control your provider needs.",
    kind: "choice",
    choices: PROVIDER_IDS.map((id) => ({ value: id, label: PROVIDERS[id].label })),
    default: "generic",
    cli: { flag: "--provider", value: "P", help: `preset that fills in what is not given: ${PROVIDER_IDS.join(", ")}` },
    config: "read",
  }),
  field({
    key: "name",
    label: "Name",
    noun: "the name",
    description: "Shown in the profile list.",
    placeholder: "My bucket",
    kind: "text",
    default: "My bucket",
    config: "read",
  }),
  field({
    key: "endpoint",
    label: "Endpoint",
    noun: "the endpoint",
    description: (p) => p.endpointHelp,
    placeholder: (p) => p.endpointPlaceholder,
    kind: "text",
    default: "",
    cli: { flag: "--endpoint", value: "URL", help: "S3 API endpoint" },
    config: "read",
  }),
  field({
    key: "region",
    label: "Region",
    noun: "the region",
    description: "The bucket's region, as your provider names it.",
    placeholder: (p) => p.defaultRegion || "us-east-1",
    kind: "text",
    default: "",
    cli: { flag: "--region", value: "R", help: "region (with --provider, read from the endpoint where its host name holds one)" },
    config: "read",
  }),
  field({
    key: "bucket",
    label: "Bucket",
    noun: "the bucket",
    description: "The bucket's name only; folders go in the key template.",
    placeholder: "my-images",
    kind: "text",
    default: "",
    cli: { flag: "--bucket", value: "B", help: "bucket name" },
    config: "read",
  }),
  field({
    key: "forcePathStyle",
    label: "Path-style addressing",
    noun: "path-style addressing",
    description: "On: https://host/bucket/key (self-hosted servers). Off: https://bucket.host/key.",
    kind: "toggle",
    default: true,
    cli: {
      flag: "--path-style",
      help: "address the bucket as https://host/bucket/key (default, unless the --provider preset says otherwise)",
      off: { flag: "--no-path-style", help: "address the bucket as https://bucket.host/key" },
    },
    config: "read",
  }),
  field({
    key: "publicBaseUrl",
    label: "Public base URL",
    noun: "the public base URL",
    description: (p) => p.publicUrlHelp,
    placeholder: "https://img.example.com",
    kind: "text",
    default: "",
    cli: { flag: "--public-url", value: "URL", help: "public (CDN) base URL of the bucket (default: links are built from the endpoint)" },
    config: "read",
  }),
  field({
    key: "keyTemplate",
    label: "Key template",
    noun: "the key template",
    description: `Where images go in the bucket. Tokens: ${KEY_TOKENS}`,
    placeholder: DEFAULT_KEY_TEMPLATE,
    kind: "text",
    default: DEFAULT_KEY_TEMPLATE,
    cli: {
      flag: "--key-template",
      value: "T",
      help: `object key template (default ${DEFAULT_KEY_TEMPLATE}). With {hash} ({hash:16} or longer) or the whole {md5}, each image gets its own key; otherwise ({name}, {note}, dates, a shorter hash) two images can get the same key: the second is then not uploaded and is reported as KeyCollision`,
    },
    config: "read",
  }),
  field({
    key: "overwrite",
    label: "Replace existing files",
    noun: "replacing existing files",
    description:
      "When an image's key already holds a different file in the bucket, replace that file: every note linking to it then shows the new image, though browsers and caches may keep showing the old one for a while (up to a year with the default cache header). Off: such an image is not uploaded, and a pasted one is saved in the vault instead.",
    kind: "toggle",
    default: false,
    cli: {
      flag: "--overwrite",
      help: "replace a different file already at an image's key in the bucket (without it such an image is not uploaded and is reported); browsers and CDNs may show the old file until their copy expires",
      off: { flag: "--no-overwrite", help: 'never replace one, even if the config file says "overwrite": true (default)' },
    },
    config: "read",
  }),
  field({
    key: "stripMetadata",
    label: "Remove image metadata",
    noun: "removing image metadata",
    description:
      "Before uploading, remove what photos carry besides the picture: EXIF (the GPS position where a phone photo was taken, the camera, dates, thumbnail), XMP, IPTC, comments and PNG text. Pixels and colour profiles are not touched; a rotation is kept. HEIC, AVIF and TIFF photos that carry metadata are not uploaded while this is on.",
    kind: "toggle",
    default: true,
    cli: {
      flag: "--strip-metadata",
      help: "remove EXIF (GPS position, camera, dates), XMP, IPTC, comments and PNG text before uploading, without touching pixels; a rotation is kept (default)",
      off: { flag: "--keep-metadata", help: "upload images with their metadata, GPS position included" },
    },
    config: "read",
  }),
  field({
    key: "sanitizeSvg",
    label: "Make SVG files safe",
    noun: "making SVG files safe",
    description:
      "Before uploading an SVG, remove what could run when it is opened from the bucket: scripts, event handlers, javascript: links, embedded HTML. An SVG that cannot be checked with certainty is not uploaded.",
    kind: "toggle",
    default: true,
    cli: {
      flag: "--sanitize-svg",
      help: "remove scripts, event handlers, javascript: links and embedded HTML from SVG files; one that cannot be checked is not uploaded (default)",
      off: { flag: "--no-sanitize-svg", help: "upload SVG files as they are, script included" },
    },
    config: "read",
  }),
  field({
    key: "acl",
    label: "ACL",
    noun: "the ACL",
    description: (p) =>
      p.aclRefusal
        ? `${p.label} rejects or ignores per-file ACLs; keep none and make the bucket public in its own settings.`
        : "Sent with each upload. Most buckets are made public by a bucket policy instead: keep none unless yours needs it.",
    kind: "choice",
    choices: [
      { value: "none", label: "None (send no ACL header)" },
      { value: "public-read", label: "Public read" },
      { value: "private", label: "Private" },
    ],
    default: "none",
    cli: { flag: "--acl", value: "A", help: `${ACLS.join(", ")} (default none: no ACL header is sent)` },
    config: "read",
  }),
  field({
    key: "cacheControl",
    label: "Cache-Control header",
    noun: "Cache-Control",
    description: "Sent with each upload; the default lets CDNs keep images for a year.",
    placeholder: DEFAULT_CACHE_CONTROL,
    kind: "text",
    default: DEFAULT_CACHE_CONTROL,
    config: "read",
  }),
  field({
    key: "convert",
    label: "Convert images to",
    noun: "the image type to convert to",
    description:
      "The type images are written as before upload. WebP and AVIF are much smaller than PNG and JPEG; not every device can write AVIF (see below). SVG and animated GIF, WebP and PNG images are never converted, and a result that is not smaller than the original is not used: the original is uploaded.",
    kind: "choice",
    choices: [
      { value: "keep", label: "Keep the type" },
      { value: "webp", label: "WebP" },
      { value: "avif", label: "AVIF" },
      { value: "jpeg", label: "JPEG" },
    ],
    default: "keep",
    cli: {
      flag: "--convert",
      value: "TYPE",
      help: "keep, webp, avif or jpeg: the type images are written as before upload (default keep). SVG and animated images are never converted; a result not smaller than the original is not used",
    },
    config: "read",
  }),
  field({
    key: "quality",
    label: "Quality",
    noun: "the quality",
    description: `Quality of converted and scaled images, 1 to 100 (default ${DEFAULT_QUALITY}). Lower gives smaller files.`,
    placeholder: String(DEFAULT_QUALITY),
    kind: "text",
    default: String(DEFAULT_QUALITY),
    cli: { flag: "--quality", value: "Q", help: `quality of converted and scaled images, 1 to 100 (default ${DEFAULT_QUALITY})` },
    config: "read",
    numeric: true,
  }),
  field({
    key: "maxWidth",
    label: "Largest width",
    noun: "the largest width",
    description: "Wider images are scaled down to this many pixels, keeping their proportions; never enlarged. Empty: no limit.",
    placeholder: "No limit",
    kind: "text",
    default: "",
    cli: { flag: "--max-width", value: "PX", help: "scale wider images down to this width in pixels, keeping proportions; never enlarges (default: no limit)" },
    config: "read",
    numeric: true,
  }),
  field({
    key: "maxHeight",
    label: "Largest height",
    noun: "the largest height",
    description: "Taller images are scaled down to this many pixels, keeping their proportions; never enlarged. Empty: no limit.",
    placeholder: "No limit",
    kind: "text",
    default: "",
    cli: {
      flag: "--max-height",
      value: "PX",
      help: "scale taller images down to this height in pixels, keeping proportions; never enlarges (default: no limit)",
    },
    config: "read",
    numeric: true,
  }),
  field({
    key: "accessKeyIdSecret",
    label: "Access key ID",
    noun: "the access key ID secret",
    description: "The secret in Obsidian's secret storage that holds the access key ID.",
    kind: "secret",
    default: "",
    config: "ignore",
  }),
  field({
    key: "secretAccessKeySecret",
    label: "Secret access key",
    noun: "the secret access key secret",
    description: "The secret in Obsidian's secret storage that holds the secret access key. Only its name is saved with the plugin's settings.",
    kind: "secret",
    default: "",
    config: "ignore",
  }),
];

/** The row of `key`. */
export function profileField<K extends keyof Profile>(key: K): ProfileField<K> {
  const row = PROFILE_FIELDS.find((f) => f.key === key);
  if (!row) throw new Error(`No profile field ${String(key)}`);
  return row as unknown as ProfileField<K>;
}

/** A provider-dependent text for `provider`. */
export function providerText(text: ProviderText | undefined, provider: Provider): string {
  return typeof text === "function" ? text(provider) : (text ?? "");
}

/**
 * How a message names a field: the plugin by its settings ("the endpoint"), the tool by its
 * flag (`--endpoint`), or by its config-file key where it has no flag.
 */
export function fieldName(key: keyof Profile, face: Face): string {
  const row = profileField(key);
  if (face === "plugin") return row.noun;
  return row.cli?.flag ?? `"${row.key}" in the config file`;
}

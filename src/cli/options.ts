/**
 * The flags of `s3-image-hosting`: the bucket settings come from the profile field table,
 * the rest (where the vault is, how a run goes) are listed here. Parsing and `--help` both
 * read these lists, so a flag cannot be accepted without being explained, or the reverse.
 */
import { DEFAULT_SETTINGS, MAX_FILE_SIZE_MB } from "../core/settings/settingsModel";
import { PROFILE_FIELDS } from "../core/settings/profileFields";
import type { Profile } from "../core/types";
import { SITE_KINDS } from "../core/sites/siteTypes";
import { DEFAULT_FRONT_MATTER_KEYS } from "../core/markdown";
import { LINK_FORMATS, LINK_TEMPLATE_PLACEHOLDERS } from "../core/link/linkWriter";

export type Command = "upload" | "doctor" | "download" | "delete" | "orphans" | "relink" | "copy";

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = ["upload", "doctor", "download", "delete", "orphans", "relink", "copy"];

/** A flag that is not a profile field. */
export interface RunOption {
  flag: string;
  /** What the value is called in the help; absent for an on/off flag. */
  value?: string;
  help: string;
  /** The commands whose help lists it (every command accepts every flag). */
  commands: readonly Command[];
  /** Listed with the bucket settings rather than with the options of the run. */
  bucket?: boolean;
  /** `-h` for `--help`. */
  short?: string;
  /** May be given more than once; each adds a value. */
  repeatable?: boolean;
  /** The values it accepts, when it is a choice. */
  choices?: readonly string[];
  /** Refused by the commands it is not listed for, rather than accepted and ignored. */
  only?: boolean;
}

/** Keys of the `--config` file that are not profile fields: how links are written, as `--link-format` and `--link-template` set it. */
export const LINK_CONFIG_KEYS: readonly string[] = ["linkFormat", "linkTemplate"];

/** What `--site` accepts: `auto`, then every site kind. */
export const SITE_CHOICES: readonly string[] = ["auto", ...SITE_KINDS];

export const RUN_OPTIONS: readonly RunOption[] = [
  {
    flag: "--config",
    value: "FILE",
    help: `JSON file with the bucket settings, the fields of a settings profile (${configKeys().join(", ")}); flags override it`,
    commands: ["upload", "doctor", "download", "delete", "orphans", "copy"],
    bucket: true,
  },
  {
    flag: "--to-config",
    value: "FILE",
    help: "for copy, the JSON file with the settings of the profile to copy the images to (the same fields as --config; flags set only the source). Its keys are read from S3_TO_ACCESS_KEY_ID and S3_TO_SECRET_ACCESS_KEY, or are the source's when those are not set",
    commands: ["copy"],
    bucket: true,
    only: true,
  },
  {
    flag: "--vault",
    value: "DIR",
    help: "vault root used to resolve links (default: the common parent of the paths given); for delete and orphans, the notes checked for links to the images",
    commands: ["upload", "download", "delete", "orphans", "relink", "copy"],
  },
  {
    flag: "--site",
    value: "KIND",
    choices: SITE_CHOICES,
    help: `how links resolve: ${SITE_CHOICES.join(", ")} (default auto: told from the site's root; without --vault, the nearest folder above the paths that is a site's root, up to the top of the git repository, is the root)`,
    commands: ["upload"],
  },
  {
    flag: "--static-dir",
    value: "DIR",
    repeatable: true,
    help: "folder that site-absolute links (/img/a.png) are served from, instead of the site's own (Hexo source/, Hugo static/ and assets/, public/ for Next.js and Astro); repeat it for several, the first holding a file wins",
    commands: ["upload"],
  },
  {
    flag: "--front-matter-key",
    value: "KEY",
    repeatable: true,
    help: `front matter field whose value is an image, besides ${DEFAULT_FRONT_MATTER_KEYS.join(", ")}; a dot reaches into a nested map or table (hero.image); repeat it for several. Front matter is read in Hexo, Hugo, Jekyll, Next.js and Astro sites and plain folders, not in Obsidian vaults`,
    commands: ["upload"],
  },
  {
    flag: "--link-format",
    value: "FORMAT",
    choices: LINK_FORMATS,
    help: 'how the links made for local images are written: markdown (![alt](url), the default), html (<img src="url" alt="alt">, with width when the note gives a size) or custom (--link-template). Links already in HTML, front matter or blog tags, and re-hosted web images, keep their form; only their URL changes',
    commands: ["upload"],
  },
  {
    flag: "--link-template",
    value: "T",
    help: `the custom link format's template (implies --link-format custom): ${LINK_TEMPLATE_PLACEHOLDERS.map((p) => `{${p.name}} ${p.help}`).join("; ")}`,
    commands: ["upload"],
  },
  {
    flag: "--out",
    value: "DIR",
    help: "write the rewritten notes to DIR, at the same paths relative to the root, and leave the notes themselves unchanged (images are still uploaded)",
    commands: ["upload"],
  },
  {
    flag: "--concurrency",
    value: "N",
    help: `uploads (downloads) at once, 1 to 64 (default ${DEFAULT_SETTINGS.concurrency})`,
    commands: ["upload", "download"],
  },
  {
    flag: "--remote",
    help: "also upload the images notes link from other websites (web images) and link their copies in the bucket instead; one that cannot be fetched, or is not an image, keeps its link and is reported. Links already served from the bucket are never re-hosted",
    commands: ["upload"],
  },
  {
    flag: "--remote-allow",
    value: "HOST",
    repeatable: true,
    help: "with --remote, re-host only web images from HOST (its subdomains too); repeat it for several",
    commands: ["upload"],
  },
  {
    flag: "--remote-deny",
    value: "HOST",
    repeatable: true,
    help: "with --remote, never fetch web images from HOST (its subdomains too); repeat it for several. A denied image keeps its link and is reported",
    commands: ["upload"],
  },
  {
    flag: "--all-remote",
    help: "download every web image the notes link, not only those served from the public URL(s)",
    commands: ["download"],
  },
  {
    flag: "--attachments",
    value: "DIR",
    help: "save downloaded images in DIR (inside the vault) instead of where Obsidian puts new attachments (the vault's .obsidian/app.json; beside the note outside Obsidian vaults)",
    commands: ["download"],
  },
  {
    flag: "--max-size",
    value: "MB",
    help: `largest image to upload, in MB, at most ${MAX_FILE_SIZE_MB} (default ${DEFAULT_SETTINGS.maxFileSizeMB}); larger ones are reported and their links left as they were`,
    commands: ["upload"],
  },
  {
    flag: "--cache",
    value: "FILE",
    help: "upload index, so re-runs reuse earlier uploads and download puts an image back at the path it was uploaded from; each upload is recorded as soon as it is made, so even a killed run loses none (default: $XDG_CACHE_HOME/s3-image-hosting/uploads.json)",
    commands: ["upload", "download"],
  },
  {
    flag: "--dry-run",
    help: "change nothing; print what would be uploaded or downloaded, for relink how many notes and links would change, for copy which images would be copied (takes no lock, so it works while another run goes on)",
    commands: ["upload", "download", "relink", "copy"],
  },
  {
    flag: "--force",
    help: "delete even when a note under --vault still links the image (its links then show nothing)",
    commands: ["delete"],
    only: true,
  },
  {
    flag: "--prefix",
    value: "P",
    help: "the folder of the bucket to look in (default: the key template's fixed folder; required when the template starts with a token). Objects outside it are never listed or deleted",
    commands: ["orphans"],
    only: true,
  },
  {
    flag: "--min-age",
    value: "DAYS",
    help: "only objects written at least this many days ago count as unused (default 7), so images whose notes are not saved or synced yet are kept",
    commands: ["orphans"],
    only: true,
  },
  {
    flag: "--delete",
    help: "delete the unused images found (needs --vault); without it they are only listed",
    commands: ["orphans"],
    only: true,
  },
  { flag: "--from", value: "URL", help: "the public base URL the links point under now", commands: ["relink"], only: true },
  { flag: "--to", value: "URL", help: "the public base URL to point them under instead", commands: ["relink"], only: true },
  { flag: "--json", help: "print one JSON object with the results on stdout", commands: ["upload", "download", "delete", "orphans", "relink", "copy"] },
  { flag: "--help", short: "-h", help: "show this help", commands: ["upload", "doctor", "download", "delete", "orphans", "relink", "copy"] },
  { flag: "--version", help: "print the version", commands: [] },
];

/** The keys the `--config` file reads. */
export function configKeys(): string[] {
  return [...PROFILE_FIELDS.filter((f) => f.config === "read").map((f) => f.key), ...LINK_CONFIG_KEYS];
}

/** A flag that sets a profile field: the field, and the value an on/off flag gives it. */
export interface FieldFlagUse {
  key: keyof Profile;
  /** For an on/off flag, the value it sets; absent for a flag that takes a value. */
  sets?: boolean;
  /** For a choice, the values it accepts. */
  choices?: readonly string[];
}

/** The profile flags by name (`--endpoint`, `--no-path-style`). */
export function fieldFlags(): Map<string, FieldFlagUse> {
  const out = new Map<string, FieldFlagUse>();
  for (const field of PROFILE_FIELDS) {
    const cli = field.cli;
    if (!cli) continue;
    if (field.kind === "toggle") {
      out.set(cli.flag, { key: field.key, sets: true });
      if (cli.off) out.set(cli.off.flag, { key: field.key, sets: false });
    } else {
      out.set(cli.flag, { key: field.key, choices: field.choices?.map((c) => c.value) });
    }
  }
  return out;
}

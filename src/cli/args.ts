import { parseArgs as parseArgv } from "node:util";
import { MAX_FILE_SIZE_MB } from "../core/settings/settingsModel";
import type { Profile } from "../core/types";
import type { SiteKind } from "../core/sites/siteTypes";
import { COMMANDS, fieldFlags, RUN_OPTIONS, SITE_CHOICES, type Command } from "./options";
import { LINK_FORMATS, type LinkFormat } from "../core/link/linkWriter";

/** Bad command-line usage or settings: the tool prints the message and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The parsed command line of `s3-image-hosting`. */
export interface CliArgs {
  command: Command | "help" | "version";
  /** For `help`: the command whose help to show; absent for the tool's own. */
  topic?: Command;
  /** Notes and folders to migrate, as given (none for `doctor`). */
  paths: string[];
  /** Profile fields set by flags; they override the config file's. */
  profile: Partial<Profile>;
  vault?: string;
  /** `--site`; absent for `auto`. */
  site?: SiteKind;
  /** `--static-dir`, in the order given. */
  staticDirs: string[];
  /** `--front-matter-key`: front matter fields read as images besides the default ones. */
  frontMatterKeys: string[];
  /** `--out`: where the rewritten notes go instead of over the notes. */
  out?: string;
  config?: string;
  cache?: string;
  concurrency?: number;
  /** Largest image to upload, in MB (MiB). */
  maxSizeMB?: number;
  dryRun: boolean;
  json: boolean;
  /** `delete --force`: delete even what notes still link. */
  force: boolean;
  /** `orphans --prefix`: the folder to look in, when given (an empty one included). */
  prefix?: string;
  /** `orphans --min-age`, in days. */
  minAgeDays?: number;
  /** `orphans --delete`. */
  deleteOrphans: boolean;
  /** `relink --from` and `--to`. */
  from?: string;
  to?: string;
  /** `copy --to-config`: the destination profile's settings file. */
  toConfig?: string;
  /** Every `--public-url` given, in order (the profile takes the last; `download` takes them all). */
  publicUrls: string[];
  /** `upload --remote`: re-host web images. */
  remote: boolean;
  remoteAllow: string[];
  remoteDeny: string[];
  /** `download --all-remote`. */
  allRemote: boolean;
  /** `download --attachments`. */
  attachments?: string;
  /** `upload --link-format`. */
  linkFormat?: LinkFormat;
  /** `upload --link-template`, checked once the config file's settings are known. */
  linkTemplate?: string;
}

/**
 * Flags that look like a secret. Refused outright: a secret on the command line ends up in
 * shell history and in every process listing on the machine.
 */
const SECRET_FLAG = /secret|access-?key|password|credential|token/i;

export const CREDENTIALS_FROM_ENV =
  "Credentials are read from the environment, never from flags: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).";

/** What to do about an image over the size limit, in the tool's terms (the plugin names its setting). */
export const MAX_SIZE_HINT = "Raise the limit with --max-size MB, or make the image smaller.";

/** Flags of the run that take a value, by the `CliArgs` field they set. */
const RUN_VALUES: Record<
  string,
  | "vault"
  | "config"
  | "cache"
  | "concurrency"
  | "maxSizeMB"
  | "site"
  | "staticDirs"
  | "frontMatterKeys"
  | "out"
  | "prefix"
  | "minAgeDays"
  | "from"
  | "to"
  | "attachments"
  | "remoteAllow"
  | "remoteDeny"
  | "toConfig"
  | "linkFormat"
  | "linkTemplate"
> = {
  "--link-format": "linkFormat",
  "--link-template": "linkTemplate",
  "--to-config": "toConfig",
  "--prefix": "prefix",
  "--min-age": "minAgeDays",
  "--from": "from",
  "--to": "to",
  "--attachments": "attachments",
  "--remote-allow": "remoteAllow",
  "--remote-deny": "remoteDeny",
  "--vault": "vault",
  "--site": "site",
  "--static-dir": "staticDirs",
  "--front-matter-key": "frontMatterKeys",
  "--out": "out",
  "--config": "config",
  "--cache": "cache",
  "--concurrency": "concurrency",
  "--max-size": "maxSizeMB",
};

const isCommand = (word: string | undefined): word is Command => (COMMANDS as readonly string[]).includes(word ?? "");

/**
 * Parses the arguments after `node cli.cjs`; throws `UsageError` on anything it does not
 * understand. `node:util`'s parser splits the words (`--flag value`, `--flag=value`, `--`);
 * it runs lenient so that every refusal below is worded by the tool itself.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const fields = fieldFlags();
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [flag, use] of fields) options[flag.slice(2)] = { type: use.sets === undefined ? "string" : "boolean" };
  for (const o of RUN_OPTIONS) {
    options[o.flag.slice(2)] = o.short ? { type: o.value ? "string" : "boolean", short: o.short.slice(1) } : { type: o.value ? "string" : "boolean" };
  }
  const { tokens } = parseArgv({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });

  const args: CliArgs = {
    command: "upload",
    paths: [],
    profile: {},
    staticDirs: [],
    frontMatterKeys: [],
    dryRun: false,
    json: false,
    force: false,
    deleteOrphans: false,
    publicUrls: [],
    remote: false,
    remoteAllow: [],
    remoteDeny: [],
    allRemote: false,
  };
  const positionals = tokens.filter((t) => t.kind === "positional").map((t) => t.value);
  const command = positionals[0];
  const topic = isCommand(command) ? command : undefined;
  const given = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    // The word as typed, up to any "=": "-hx" stays one unknown flag rather than two.
    const raw = argv[token.index];
    const name = token.rawName.startsWith("--") ? token.rawName : raw.split("=")[0];
    if (SECRET_FLAG.test(name)) throw new UsageError(`${name} is not accepted. ${CREDENTIALS_FROM_ENV}`);
    if (name === "--help" || name === "-h") return { ...args, command: "help", topic };
    if (name === "--version") return { ...args, command: "version" };
    const field = fields.get(name);
    const run = RUN_VALUES[name];
    const known = field !== undefined || run !== undefined || RUN_OPTIONS.some((o) => o.flag === name);
    if (!known) throw new UsageError(`Unknown option ${name}. Run with --help to see the options.`);
    given.add(name);
    const takesValue = run !== undefined || (field !== undefined && field.sets === undefined);
    if (!takesValue) {
      if (token.inlineValue) throw new UsageError(`${name} takes no value.`);
      if (field) Object.assign(args.profile, { [field.key]: field.sets });
      else if (name === "--dry-run") args.dryRun = true;
      else if (name === "--json") args.json = true;
      else if (name === "--force") args.force = true;
      else if (name === "--delete") args.deleteOrphans = true;
      else if (name === "--remote") args.remote = true;
      else if (name === "--all-remote") args.allRemote = true;
      continue;
    }
    const value = token.value;
    if (value === undefined) throw new UsageError(`${name} needs a value.`);
    if (run) setRunValue(args, run, name, value);
    else if (field) {
      if (field.choices && !field.choices.includes(value)) throw new UsageError(`${name} must be one of ${field.choices.join(", ")}.`);
      Object.assign(args.profile, { [field.key]: value });
      if (field.key === "publicBaseUrl") args.publicUrls.push(value);
    }
  }

  args.paths = positionals.slice(1);
  if (command === undefined) throw new UsageError("No command given. Run with --help to see how to use it.");
  if (command === "help") {
    const about = args.paths[0];
    return { ...args, paths: [], command: "help", topic: isCommand(about) ? about : undefined };
  }
  if (isCommand(command)) {
    for (const o of RUN_OPTIONS) {
      if (o.only && given.has(o.flag) && !o.commands.includes(command)) {
        throw new UsageError(`${o.flag} is an option of ${o.commands.join(", ")}, not of ${command}.`);
      }
    }
  }
  if (command === "delete") {
    if (args.paths.length === 0) throw new UsageError("Give at least one image URL to delete from the bucket.");
    return { ...args, command };
  }
  if (command === "orphans") {
    if (args.paths.length > 0) throw new UsageError("orphans takes no paths; give the notes' folder with --vault.");
    if (args.deleteOrphans && args.vault === undefined) throw new UsageError("--delete needs --vault: the folder of the notes whose links keep images in use.");
    return { ...args, command };
  }
  if (command === "relink") {
    if (args.paths.length === 0) throw new UsageError("Give at least one note or folder whose links to move.");
    if (args.from === undefined || args.to === undefined)
      throw new UsageError("relink needs --from URL and --to URL: the base the links point under now, and the one to point them under.");
    return { ...args, command };
  }
  if (command === "copy") {
    if (args.paths.length === 0) throw new UsageError("Give at least one note or folder whose images to copy.");
    if (args.toConfig === undefined) throw new UsageError("copy needs --to-config FILE: the settings of the profile to copy the images to.");
    return { ...args, command };
  }
  if (command === "doctor") {
    if (args.paths.length > 0) throw new UsageError(`doctor takes no paths; it checks the bucket settings given by flags or --config.`);
    return { ...args, command: "doctor" };
  }
  if (command === "download") {
    if (args.paths.length === 0) throw new UsageError("Give at least one note or folder to download the images of.");
    return { ...args, command: "download" };
  }
  if (command !== "upload") throw new UsageError(`Unknown command "${command}". The commands are ${COMMANDS.map((c) => `"${c}"`).join(", ")}.`);
  if (args.paths.length === 0) throw new UsageError("Give at least one note or folder to upload the images of.");
  if (!args.remote && (args.remoteAllow.length > 0 || args.remoteDeny.length > 0)) {
    throw new UsageError("--remote-allow and --remote-deny choose which web images --remote re-hosts; add --remote.");
  }
  return args;
}

function setRunValue(args: CliArgs, key: (typeof RUN_VALUES)[string], flag: string, value: string): void {
  if (key === "concurrency") {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new UsageError(`${flag} must be a whole number from 1 to 64.`);
    args.concurrency = n;
  } else if (key === "maxSizeMB") {
    const n = Number(value);
    if (!/^\d+(?:\.\d+)?$/.test(value) || !(n > 0) || n > MAX_FILE_SIZE_MB) {
      throw new UsageError(`${flag} must be a size in MB greater than 0 and at most ${MAX_FILE_SIZE_MB}.`);
    }
    args.maxSizeMB = n;
  } else if (key === "site") {
    if (!SITE_CHOICES.includes(value)) throw new UsageError(`${flag} must be one of ${SITE_CHOICES.join(", ")}.`);
    args.site = value === "auto" ? undefined : (value as SiteKind);
  } else if (key === "linkFormat") {
    if (!(LINK_FORMATS as readonly string[]).includes(value))
      throw new UsageError(`${flag} must be one of ${LINK_FORMATS.join(", ")}, not ${JSON.stringify(value)}.`);
    args.linkFormat = value as LinkFormat;
  } else if (key === "minAgeDays") {
    if (!/^\d+(?:\.\d+)?$/.test(value)) throw new UsageError(`${flag} must be a number of days, 0 or more.`);
    args.minAgeDays = Number(value);
  } else if (key === "staticDirs") {
    if (value === "") throw new UsageError(`${flag} needs a folder.`);
    args.staticDirs.push(value);
  } else if (key === "frontMatterKeys") {
    // A dot joins nested keys; each part is a key as YAML and TOML front matter write one bare.
    if (!/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(value)) {
      throw new UsageError(`${flag} must be a front matter field name (letters, digits, _ and -), with a dot between nested names: cover, hero.image.`);
    }
    args.frontMatterKeys.push(value);
  } else if (key === "remoteAllow" || key === "remoteDeny") {
    if (!/^(\*\.)?[A-Za-z0-9.-]+$/.test(value) || value.replace(/^\*\./, "").replace(/\./g, "") === "") {
      throw new UsageError(`${flag} must be a host name such as example.com (its subdomains count too), not ${JSON.stringify(value)}.`);
    }
    args[key].push(value);
  } else {
    args[key] = value;
  }
}

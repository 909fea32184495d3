import { PROVIDER_IDS } from "../core/providers";
import type { AclSetting, ProviderId } from "../core/types";

/** Bad command-line usage or settings: the tool prints the message and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The parsed command line of `s3-image-hosting`. */
export interface CliArgs {
  command: "upload" | "doctor" | "help" | "version";
  /** Notes and folders to migrate, as given (none for `doctor`). */
  paths: string[];
  vault?: string;
  config?: string;
  cache?: string;
  provider?: ProviderId;
  endpoint?: string;
  region?: string;
  bucket?: string;
  pathStyle?: boolean;
  publicUrl?: string;
  keyTemplate?: string;
  acl?: AclSetting;
  concurrency?: number;
  /** Largest image to upload, in MB (MiB). */
  maxSizeMB?: number;
  /** Replace a different file already at an image's key; undefined leaves it to the config file. */
  overwrite?: boolean;
  dryRun: boolean;
  json: boolean;
}

export const USAGE = `Usage: s3-image-hosting upload <note-or-folder>... [options]
       s3-image-hosting doctor [options]

upload: uploads every local image the notes embed to your S3-compatible bucket and
rewrites the links to the uploaded URLs. Folders are searched for .md notes
(dot-folders and node_modules are skipped; a folder that cannot be read is skipped
with a warning). One run at a time works on a vault: a run keeps a lock, and the
copies of notes being saved, in the folder .s3-image-hosting at the vault root
(git ignores it; it is removed when the run ends), and a second run is refused
while the first goes on. The next run takes over the lock of a run that was
killed and removes the copies it left.

doctor: checks the bucket settings, then uploads a small probe image, fetches it
anonymously through its public link and deletes it, explaining any failure. Exit
status 0 when every step passed, 1 otherwise.

Options:
  --vault DIR           vault root used to resolve links (default: the common parent
                        of the paths given)
  --config FILE         JSON file with the bucket settings (the fields of a settings
                        profile: endpoint, region, bucket, forcePathStyle, publicBaseUrl,
                        keyTemplate, acl, cacheControl, provider, overwrite); flags
                        override it
  --provider P          preset: r2, b2, minio, aws, aliyun-oss, tencent-cos, generic
  --endpoint URL        S3 API endpoint
  --region R            region
  --bucket B            bucket name
  --path-style          address the bucket as https://host/bucket/key
  --no-path-style       address the bucket as https://bucket.host/key
  --public-url URL      public (CDN) base URL of the bucket
  --key-template T      object key template (default img/{hash:32}.{ext}). With {hash}
                        ({hash:16} or longer) or the whole {md5}, each image gets its own
                        key; otherwise ({name}, {note}, dates, a shorter hash) two images
                        can get the same key: the second is then not uploaded and is
                        reported as KeyCollision
  --overwrite           replace a different file already at an image's key in the bucket
                        (without it such an image is not uploaded and is reported);
                        browsers and CDNs may show the old file until their copy expires
  --no-overwrite        never replace one, even if the config file says "overwrite": true
  --acl A               none, public-read or private
  --concurrency N       uploads at once
  --max-size MB         largest image to upload, in MB (default 20); larger ones are
                        reported and their links left as they were
  --cache FILE          upload index, so re-runs reuse earlier uploads; each upload
                        is recorded as soon as it is made, so even a killed run
                        loses none (default:
                        $XDG_CACHE_HOME/s3-image-hosting/uploads.json)
  --dry-run             change nothing; print what would be uploaded (takes no
                        lock, so it works while another run goes on)
  --json                print one JSON object with the results on stdout
  -h, --help            show this help
  --version             print the version

Credentials come from the environment only: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY,
or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.

Exit status: 0 nothing failed; 1 some image could not be uploaded or linked, or a
folder to scan could not be read; 2 bad usage or settings, or another run is
working on the vault; 130 stopped with Ctrl-C.`;

const ACLS: readonly AclSetting[] = ["none", "public-read", "private"];

/** A single PUT carries at most 5 GiB. */
const MAX_SIZE_MB = 5 * 1024;

type ValueFlag = "vault" | "config" | "cache" | "provider" | "endpoint" | "region" | "bucket" | "publicUrl" | "keyTemplate" | "acl" | "concurrency" | "maxSizeMB";

const VALUE_FLAGS: Record<string, ValueFlag> = {
  "--vault": "vault",
  "--config": "config",
  "--cache": "cache",
  "--provider": "provider",
  "--endpoint": "endpoint",
  "--region": "region",
  "--bucket": "bucket",
  "--public-url": "publicUrl",
  "--key-template": "keyTemplate",
  "--acl": "acl",
  "--concurrency": "concurrency",
  "--max-size": "maxSizeMB",
};

/**
 * Flags that look like a secret. Refused outright: a secret on the command line ends up in
 * shell history and in every process listing on the machine.
 */
const SECRET_FLAG = /secret|access-?key|password|credential|token/i;

export const CREDENTIALS_FROM_ENV =
  "Credentials are read from the environment, never from flags: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).";

/** What to do about an image over the size limit, in the tool's terms (the plugin names its setting). */
export const MAX_SIZE_HINT = "Raise the limit with --max-size MB, or make the image smaller.";

/** Parses the arguments after `node cli.cjs`; throws `UsageError` on anything it does not understand. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: "upload", paths: [], dryRun: false, json: false };
  let command: string | undefined;
  let onlyPaths = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths || !arg.startsWith("-") || arg === "-") {
      if (command === undefined) command = arg;
      else args.paths.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPaths = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;

    if (SECRET_FLAG.test(name)) throw new UsageError(`${name} is not accepted. ${CREDENTIALS_FROM_ENV}`);

    const key = VALUE_FLAGS[name];
    if (key) {
      let value = inline;
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value.`);
        value = argv[++i];
      }
      setValue(args, key, name, value);
      continue;
    }
    if (inline !== undefined) throw new UsageError(`${name} takes no value.`);
    switch (name) {
      case "-h":
      case "--help":
        return { ...args, command: "help" };
      case "--version":
        return { ...args, command: "version" };
      case "--path-style":
        args.pathStyle = true;
        break;
      case "--no-path-style":
        args.pathStyle = false;
        break;
      case "--dry-run":
        args.dryRun = true;
        break;
      case "--overwrite":
        args.overwrite = true;
        break;
      case "--no-overwrite":
        args.overwrite = false;
        break;
      case "--json":
        args.json = true;
        break;
      default:
        throw new UsageError(`Unknown option ${name}. Run with --help to see the options.`);
    }
  }

  if (command === undefined) throw new UsageError("No command given. Run with --help to see how to use it.");
  if (command === "help") return { ...args, command: "help" };
  if (command === "doctor") {
    if (args.paths.length > 0) throw new UsageError(`doctor takes no paths; it checks the bucket settings given by flags or --config.`);
    return { ...args, command: "doctor" };
  }
  if (command !== "upload") throw new UsageError(`Unknown command "${command}". The commands are "upload" and "doctor".`);
  if (args.paths.length === 0) throw new UsageError("Give at least one note or folder to upload the images of.");
  return args;
}

function setValue(args: CliArgs, key: ValueFlag, flag: string, value: string): void {
  switch (key) {
    case "provider":
      if (!PROVIDER_IDS.includes(value as ProviderId)) throw new UsageError(`${flag} must be one of ${PROVIDER_IDS.join(", ")}.`);
      args.provider = value as ProviderId;
      return;
    case "acl":
      if (!ACLS.includes(value as AclSetting)) throw new UsageError(`${flag} must be one of ${ACLS.join(", ")}.`);
      args.acl = value as AclSetting;
      return;
    case "concurrency": {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new UsageError(`${flag} must be a whole number from 1 to 64.`);
      args.concurrency = n;
      return;
    }
    case "maxSizeMB": {
      const n = Number(value);
      if (!/^\d+(?:\.\d+)?$/.test(value) || !(n > 0) || n > MAX_SIZE_MB) throw new UsageError(`${flag} must be a size in MB greater than 0 and at most ${MAX_SIZE_MB}.`);
      args.maxSizeMB = n;
      return;
    }
    default:
      args[key] = value;
  }
}

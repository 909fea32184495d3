/**
 * The `--help` texts: the tool's own lists the commands; each command's lists its flags with
 * their defaults, and its exit statuses. Flags come from the same lists the parser reads.
 */
import { KEY_TEMPLATE_TOKENS } from "../core/prepare/keyTemplate";
import { PROFILE_FIELDS } from "../core/settings/profileFields";
import { COMMANDS, RUN_OPTIONS, type Command } from "./options";

const WIDTH = 80;
/** Where the explanations start: two spaces, the flag, padding. */
const HELP_COLUMN = 24;

/** `text` broken into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function paragraph(text: string): string {
  return wrap(text, WIDTH).join("\n");
}

/** One flag: its name and value left, the help wrapped in a column on the right. */
function optionLines(name: string, help: string): string {
  const head = `  ${name}`;
  const body = wrap(help, WIDTH - HELP_COLUMN);
  const pad = " ".repeat(HELP_COLUMN);
  const first = head.length < HELP_COLUMN - 1 ? `${head.padEnd(HELP_COLUMN)}${body.shift() ?? ""}` : head;
  return [first, ...body.map((l) => pad + l)].join("\n");
}

function profileOptions(): string[] {
  const out: string[] = [];
  for (const field of PROFILE_FIELDS) {
    if (!field.cli) continue;
    out.push(optionLines(field.cli.value ? `${field.cli.flag} ${field.cli.value}` : field.cli.flag, field.cli.help));
    if (field.cli.off) out.push(optionLines(field.cli.off.flag, field.cli.off.help));
  }
  return out;
}

function runOptions(command: Command, bucket: boolean): string[] {
  return RUN_OPTIONS.filter((o) => o.commands.includes(command) && !!o.bucket === bucket).map((o) => {
    const name = `${o.short ? `${o.short}, ` : ""}${o.flag}${o.value ? ` ${o.value}` : ""}`;
    return optionLines(name, o.help);
  });
}

const CREDENTIALS = "Credentials come from the environment only: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";

const UPLOAD_ABOUT =
  "Uploads every local image the notes embed to your S3-compatible bucket and rewrites the links to the uploaded URLs. Folders are searched for .md notes, and in an Obsidian vault for .canvas files too, whose image cards become cards of the uploaded images (dot-folders and node_modules are skipped; a folder that cannot be read is skipped with a warning). One run at a time works on a vault: a run keeps a lock, and the copies of notes being saved, in the folder .s3-image-hosting at the vault root (git ignores it; it is removed when the run ends), and a second run is refused while the first goes on. The next run takes over the lock of a run that was killed and removes the copies it left.";

const DOCTOR_ABOUT =
  "Checks the bucket settings, then uploads a small probe image, fetches it anonymously through its public link and deletes it, explaining any failure.";

const DOWNLOAD_ABOUT =
  "Downloads back the images the notes link from the bucket's public URL (the --public-url given, each of them if several, else the one the bucket settings give), the way out if the host goes away. Each URL is fetched once, however many notes link it; its bytes are checked against the SHA-256 the key template put in the key, or else the x-amz-meta-sha256 the server answers with, and are saved only when they match and are an image. The file goes back to the vault path it was uploaded from when the upload cache (--cache) remembers one and that path is free (or holds the same bytes); otherwise where Obsidian puts new attachments (.obsidian/app.json; beside the note outside Obsidian vaults), or in --attachments, under a free name: an existing file is never replaced. Each link becomes an embed of the file in the vault's link style, keeping its alt text and size. A link whose image could not be fetched or checked stays as it was and is reported. In an Obsidian vault, .canvas files are read too: a text card's link becomes an embed, and a card that holds nothing but the image's link, with the file's name or no alt text, no size and no title (as upload writes an image card), becomes an image card again. Needs no credentials: the images are fetched as a browser would.";

const DELETE_ABOUT =
  "Deletes the images at these URLs from the bucket. A URL must lie under the profile's public base URL (or its S3 endpoint address); the key is read from it, never guessed. Each image still linked by a note under --vault is refused, naming the notes, unless --force is given; without --vault, --force is needed. Notes are not changed.";

const ORPHANS_ABOUT =
  "Lists the images in the bucket that no note under --vault links to, with size and date: only objects under the key template's fixed folder (or --prefix), and only those written at least --min-age days ago. With --delete they are deleted (DeleteObjects, 1,000 a request). A key template that starts with a token has no fixed folder, so --prefix must then be given.";

const RELINK_ABOUT =
  "Moves image links from one public base URL to another in the notes and folders given: only the base of each URL changes (the key, alt text, titles and every other byte stay), each note is rewritten in one atomic write, and nothing is uploaded or deleted. In an Obsidian vault, .canvas files are read too: the links in their text cards and the address of their web-page cards move. --dry-run prints the numbers of notes and links first.";

const COPY_ABOUT =
  "Copies the images the notes and folders given link under the source profile's public base URL to the profile of --to-config, each at the same key, then moves those links to the destination's public base URL (only the base changes, as relink does). Where both profiles use the same endpoint, region and keys, the service copies each object itself (CopyObject); otherwise, or when the service refuses, the image is downloaded with the source's keys and uploaded with the destination's. Each copy gets the destination's Cache-Control and ACL, is read back and must have the source's SHA-256. A different file already at the key in the destination is never replaced: that image is refused and its links stay. Only the links of images that were copied (or were already there, byte for byte) change; nothing is deleted from either bucket. In an Obsidian vault, the images .canvas files show in text cards and web-page cards are copied and moved too.";

const ABOUT: Record<Command, string> = {
  upload: UPLOAD_ABOUT,
  doctor: DOCTOR_ABOUT,
  download: DOWNLOAD_ABOUT,
  delete: DELETE_ABOUT,
  orphans: ORPHANS_ABOUT,
  relink: RELINK_ABOUT,
  copy: COPY_ABOUT,
};

const USAGE: Record<Command, string> = {
  upload: "s3-image-hosting upload <note-or-folder>... [options]",
  doctor: "s3-image-hosting doctor [options]",
  download: "s3-image-hosting download <note-or-folder>... [options]",
  delete: "s3-image-hosting delete <url>... [--vault DIR] [--force] [options]",
  orphans: "s3-image-hosting orphans [--vault DIR] [--prefix P] [--min-age DAYS] [--delete] [options]",
  relink: "s3-image-hosting relink <note-or-folder>... --from URL --to URL [--dry-run]",
  copy: "s3-image-hosting copy <note-or-folder>... --to-config FILE [--vault DIR] [--dry-run] [--json] [options]",
};

const EXIT_STATUS: Record<Command, string> = {
  download: "Exit status: 0 nothing failed; 1 some image could not be downloaded, checked or linked; 2 bad usage or settings; 130 stopped with Ctrl-C.",
  delete:
    "Exit status: 0 every image was deleted; 1 some URL was refused (still linked, not the profile's, not in the bucket) or could not be deleted; 2 bad usage or settings.",
  orphans:
    "Exit status: 0 done (listed, or deleted with --delete); 1 the bucket could not be listed, a note could not be read, or some image could not be deleted; 2 bad usage or settings.",
  relink:
    "Exit status: 0 every link found was moved (or would be, with --dry-run); 1 some link or note was left as it was; 2 bad usage, or another run is working on the vault.",
  copy: "Exit status: 0 every image linked was copied (or already there) and its links moved; 1 some image was refused, missing or failed, or some link or note was left as it was; 2 bad usage or settings, or another run is working on the vault.",
  upload:
    "Exit status: 0 nothing failed; 1 some image could not be uploaded or linked, or a folder to scan could not be read; 2 bad usage or settings, or another run is working on the vault; 130 stopped with Ctrl-C.",
  doctor:
    "Exit status: 0 every check passed (a test image that could not be removed is a warning, not a failure); 1 some check failed; 2 bad usage or settings the checks cannot start from.",
};

function commandHelp(command: Command): string {
  const sections = [`Usage: ${USAGE[command]}`, paragraph(ABOUT[command])];
  // Relink changes only notes: it needs no bucket settings.
  if (command !== "relink")
    sections.push(["Bucket settings (flags override the --config file):", ...runOptions(command, true), ...profileOptions()].join("\n"));
  sections.push([command === "doctor" ? "Other options:" : "Run options:", ...runOptions(command, false)].join("\n"));
  if (command === "upload") {
    sections.push(["Key template tokens:", ...KEY_TEMPLATE_TOKENS.map((t) => optionLines(t.token, t.description))].join("\n"));
  }
  if (command !== "relink") sections.push(paragraph(CREDENTIALS));
  sections.push(paragraph(EXIT_STATUS[command]));
  return sections.join("\n\n");
}

function toolHelp(): string {
  return [
    [
      "Usage: s3-image-hosting upload <note-or-folder>... [options]",
      "       s3-image-hosting download <note-or-folder>... [options]",
      "       s3-image-hosting doctor [options]",
      "       s3-image-hosting delete <url>... [options]",
      "       s3-image-hosting orphans [options]",
      "       s3-image-hosting relink <note-or-folder>... --from URL --to URL",
      "       s3-image-hosting copy <note-or-folder>... --to-config FILE",
      "       s3-image-hosting <command> --help",
    ].join("\n"),
    [
      "Commands:",
      optionLines("upload", "upload the images notes embed to your S3-compatible bucket and rewrite their links"),
      optionLines("download", "download the images notes link from the bucket back into the vault and link the local files"),
      optionLines("doctor", "check the bucket settings with a test image: upload it, open its public link, delete it"),
      optionLines("delete", "delete images from the bucket by URL, refusing those notes still link"),
      optionLines("orphans", "list the images in the bucket no note links to, and delete them with --delete"),
      optionLines("relink", "move image links in notes from one public base URL to another"),
      optionLines("copy", "copy the images notes link to another profile's bucket and move their links there"),
      optionLines("help [command]", "show this help, or a command's options, defaults and exit statuses"),
    ].join("\n"),
    ["Options:", optionLines("-h, --help", "show this help"), optionLines("--version", "print the version")].join("\n"),
    paragraph(CREDENTIALS),
    paragraph(`Run ${COMMANDS.map((c) => `"s3-image-hosting ${c} --help"`).join(", ")} for a command's options.`),
  ].join("\n\n");
}

/** The help for `command`, or the tool's own list of commands. */
export function helpText(command?: Command): string {
  return command ? commandHelp(command) : toolHelp();
}

/**
 * The lifecycle commands of the tool: `delete` (images by URL, refusing those notes still
 * link), `orphans` (images no note links, deleted only with `--delete`) and `relink` (links
 * moved from one public base URL to another). Each says what it did in numbers at the end.
 */
import * as path from "node:path";
import { errorText, isUploadError, UploadError } from "../core/errors";
import { ALL_FORMS, type ScanOptions } from "../core/markdown";
import { findVaultLinks, type VaultLinks } from "../core/lifecycle/noteLinks";
import { DEFAULT_MIN_AGE_DAYS, orphanPrefix, selectOrphans, sizeText } from "../core/lifecycle/orphans";
import { keyOfUrl, profileBases, type ServedBase } from "../core/lifecycle/profileLinks";
import { copiedOrThere, movableLinks } from "../core/lifecycle/profileCopy";
import { relinkBases, relinkEach, type RelinkBases } from "../core/lifecycle/relink";
import { buildPublicUrl } from "../core/link/publicUrl";
import type { ImageUploader } from "../core/ports";
import type { Credentials, Profile } from "../core/types";
import { UsageError, type CliArgs } from "./args";
import { buildProfile, credentialsFromEnv, loadConfigFile } from "./config";
import { fsReason } from "./fsErrors";
import { collectNotes, createFsPorts, readsCanvases, walkFiles } from "./fsPorts";
import { openSite, workingRoot } from "./siteRoot";
import { escapeControls, type TerminalText } from "./terminalText";
import { openToolFolder } from "./toolFolder";
import { checkVaultFolder, UnreadableFolders } from "./vaultFolders";
import type { S3ObjectStore } from "../storage/objectStore";
import type { S3Client } from "@aws-sdk/client-s3";

/** What the lifecycle commands need of the process. */
export interface LifecycleIO {
  out: TerminalText;
  err: TerminalText;
  env: Record<string, string | undefined>;
  /** The clock an object's age is measured by. */
  now: () => Date;
}

// Links to the bucket count in every form any site reads: a link missed here would be an
// image deleted while still shown.
const EVERY_FORM: ScanOptions = { forms: ALL_FORMS };

const NO_UPLOADS: ImageUploader = { upload: () => Promise.reject(new Error("nothing is uploaded here")) };

const lines = (items: string[]): string => `${items.map(escapeControls).join("\n")}\n`;

async function bucketOf(
  args: CliArgs,
  env: LifecycleIO["env"],
): Promise<{ profile: Profile; store: S3ObjectStore; client: S3Client; credentials: Credentials; close: () => void }> {
  const config = args.config === undefined ? undefined : await loadConfigFile(args.config);
  const profile = buildProfile(config, args);
  const credentials = credentialsFromEnv(env);
  // Loaded here, not at start-up: `--help` and `relink` never need the S3 SDK.
  const [{ createS3Client }, { S3ObjectStore }] = await Promise.all([import("../storage/s3Client"), import("../storage/objectStore")]);
  const client = createS3Client(profile, credentials);
  return { profile, store: new S3ObjectStore(client, profile, "cli"), client, credentials, close: () => client.destroy() };
}

/** Every note of the vault read for links to `bases`; a folder or note that cannot be read is listed, never skipped silently. */
async function vaultLinks(given: string, bases: ServedBase[], io: LifecycleIO): Promise<VaultLinks> {
  const vault = path.resolve(given);
  await checkVaultFolder(vault, given);
  const unreadable = new UnreadableFolders(vault, [vault], (line) => io.err.write(`s3-image-hosting: ${line}\n`));
  const files = await walkFiles(vault, vault, unreadable.skip).catch((e: unknown) => {
    throw new UsageError(`The vault folder ${vault} cannot be read (${fsReason(e)}).`);
  });
  // Canvases too, whatever the site: an image a canvas shows is in use.
  const notes = await collectNotes(vault, [vault], files, unreadable.skip, { canvases: true });
  const ports = createFsPorts(vault, files, NO_UPLOADS);
  const links = await findVaultLinks({ notes, read: (n) => ports.readNote(n) }, bases, EVERY_FORM);
  for (const f of unreadable.failures()) links.unreadable.push({ note: f.note, reason: f.message });
  return links;
}

/** `delete URL…`: exit 0 when every image was deleted. */
export async function deleteCommand(args: CliArgs, io: LifecycleIO): Promise<number> {
  if (args.vault === undefined && !args.force) {
    throw new UsageError("Give --vault DIR, the notes to check for links to these images, or --force to delete them without checking.");
  }
  const { profile, store, close } = await bucketOf(args, io.env);
  const deleted: { url: string; key: string }[] = [];
  const refused: { url: string; reason: string; notes?: string[] }[] = [];
  const failed: { url: string; key: string; reason: string }[] = [];
  try {
    const bases = profileBases(profile);
    const wanted: { url: string; key: string }[] = [];
    for (const url of args.paths) {
      const key = keyOfUrl(url, bases);
      if (key === undefined)
        refused.push({
          url,
          reason: `it is not the address of a file of the bucket "${profile.bucket}" (not under ${servedAt(profile)}), so no file to delete can be told from it`,
        });
      else wanted.push({ url, key });
    }
    let links: VaultLinks | undefined;
    if (args.vault !== undefined && wanted.length > 0) {
      links = await vaultLinks(args.vault, bases, io);
      if (links.unreadable.length > 0 && !args.force) {
        for (const w of wanted)
          refused.push({ url: w.url, reason: `some notes could not be read, and may link it: ${links.unreadable.map((u) => u.note).join(", ")}` });
        wanted.length = 0;
      }
    }
    for (const w of wanted) {
      const notes = links?.notesByKey.get(w.key);
      if (notes && !args.force) {
        refused.push({
          url: w.url,
          reason: `${notes.length === 1 ? "a note still links it" : `${notes.length} notes still link it`}: ${notes.join(", ")}`,
          notes,
        });
        continue;
      }
      // Each URL is tried on its own: one the service refuses leaves the rest to be tried, and
      // the report still names every one already deleted.
      try {
        if ((await store.head(w.key)) === null) {
          refused.push({ url: w.url, reason: `the bucket holds no file at ${w.key}` });
          continue;
        }
        await store.delete(w.key);
        deleted.push(w);
      } catch (e) {
        failed.push({ url: w.url, key: w.key, reason: isUploadError(e) ? e.toUserText() : errorText(e) });
      }
    }
  } finally {
    close();
  }
  if (args.json) io.out.write(`${JSON.stringify({ deleted, refused, failed })}\n`);
  else {
    const failures = failed.length > 0 ? `; failed ${failed.length}` : "";
    const out = [`Deleted ${count(deleted.length, "image")} from the bucket "${profile.bucket}"; refused ${refused.length}${failures}.`];
    out.push(
      ...deleted.map((d) => `  deleted ${d.key}`),
      ...refused.map((r) => `  refused ${r.url}: ${r.reason}`),
      ...failed.map((f) => `  failed ${f.url}: ${f.reason}`),
    );
    io.out.write(lines(out));
  }
  return refused.length > 0 || failed.length > 0 ? 1 : 0;
}

/** `orphans`: exit 0 when the search (and deleting, with --delete) went through. */
export async function orphansCommand(args: CliArgs, io: LifecycleIO): Promise<number> {
  const { profile, store, close } = await bucketOf(args, io.env);
  try {
    const prefix = orphanPrefix(profile.keyTemplate, args.prefix, "--prefix");
    const links = await vaultLinks(args.vault ?? ".", profileBases(profile), io);
    if (links.unreadable.length > 0) {
      throw new UploadError(
        "UnreadableFile",
        `Some notes could not be read, and any of them may link images of the bucket: ${links.unreadable.map((u) => `${u.note} (${u.reason})`).join("; ")}.`,
        "Nothing was deleted. Make them readable and run again.",
      );
    }
    const objects = await store.listAll(prefix);
    const minAgeDays = args.minAgeDays ?? DEFAULT_MIN_AGE_DAYS;
    const found = selectOrphans(objects, (k) => links.notesByKey.has(k), { prefix, now: io.now(), minAgeDays });
    let deleted = 0;
    const failed: { key: string; reason: string }[] = [];
    if (args.deleteOrphans && found.orphans.length > 0) {
      failed.push(...(await store.deleteMany(found.orphans.map((o) => o.key))));
      deleted = found.orphans.length - failed.length;
    }
    const total = found.orphans.reduce((sum, o) => sum + o.size, 0);
    if (args.json) {
      const orphans = found.orphans.map((o) => ({ key: o.key, size: o.size, lastModified: o.lastModified?.toISOString() }));
      io.out.write(`${JSON.stringify({ orphans, deleted, failed })}\n`);
    } else {
      const where = prefix === "" ? "the whole bucket" : prefix;
      const out = [
        `${links.read} notes read; ${count(objects.length, "file")} under ${where}: ${found.linked} linked, ${found.tooYoung} unlinked but written less than ${minAgeDays} days ago (kept), ${count(found.orphans.length, "unused image")} (${sizeText(total)}).`,
        ...found.orphans.map((o) => `  ${o.key}  ${sizeText(o.size)}  ${o.lastModified?.toISOString() ?? ""}`),
        args.deleteOrphans
          ? `Deleted ${count(deleted, "image")}.`
          : found.orphans.length > 0
            ? "Nothing was deleted; run again with --delete to delete them."
            : "",
        ...failed.map((f) => `  not deleted ${f.key}: ${f.reason}`),
      ];
      io.out.write(lines(out.filter((l) => l !== "")));
    }
    return failed.length > 0 ? 1 : 0;
  } finally {
    close();
  }
}

/** `relink PATH… --from URL --to URL`: exit 0 when every link found under `--from` moved. */
export async function relinkCommand(args: CliArgs, io: LifecycleIO): Promise<number> {
  const bases = relinkBases(args.from as string, args.to as string);
  const report = await relinkNotes(args, io, bases);
  const { read, ...counts } = report;
  if (args.json) io.out.write(`${JSON.stringify({ dryRun: args.dryRun, ...counts })}\n`);
  else {
    const verb = args.dryRun ? "Dry run: would move" : "Moved";
    const out = [
      `${verb} ${count(report.links, "link")} in ${count(report.notes, "note")} of ${read} from ${bases.from.host}${bases.from.path} to ${bases.to}.`,
    ];
    out.push(...report.left.map((l) => `  left ${l.note}: ${l.link} (${l.reason})`), ...report.failed.map((f) => `  failed ${f.note}: ${f.reason}`));
    io.out.write(lines(out));
  }
  return report.left.length > 0 || report.failed.length > 0 ? 1 : 0;
}

/** What moving links did (or would do, with --dry-run) in the notes given. */
interface RelinkReport {
  notes: number;
  links: number;
  left: { note: string; link: string; reason: string }[];
  failed: { note: string; reason: string }[];
  /** Notes looked at. */
  read: number;
}

/**
 * Moves the links of the notes `args.paths` names from `bases.from` to `bases.to`, each note in
 * one atomic write; with `only`, the links whose keys it accepts. Before any change, `before`
 * is given the keys the notes link under `bases.from` and decides which may move.
 */
async function relinkNotes(
  args: CliArgs,
  io: LifecycleIO,
  bases: RelinkBases,
  before?: (keys: string[]) => Promise<(keys: string[]) => boolean>,
): Promise<RelinkReport> {
  const vault = await workingRoot(args.vault, args.paths, args.site);
  const unreadable = new UnreadableFolders(vault, args.paths, (line) => io.err.write(`s3-image-hosting: ${line}\n`));
  const files = await walkFiles(vault, vault, unreadable.skip).catch((e: unknown) => {
    throw new UsageError(`The vault folder ${vault} cannot be read (${fsReason(e)}).`);
  });
  const site = await openSite(vault, files, args.site, args.staticDirs);
  const scan: ScanOptions = { forms: site.type.forms, frontMatterKeys: args.frontMatterKeys };
  const canvases = readsCanvases(site.type.kind === "obsidian", args.paths, site.root, site.type.name);
  const notes = await collectNotes(vault, args.paths, files, unreadable.skip, { canvases });
  const toolFolder = args.dryRun ? undefined : await openToolFolder(vault);
  const report: RelinkReport = { notes: 0, links: 0, left: [], failed: [], read: notes.length };
  try {
    const ports = createFsPorts(vault, files, NO_UPLOADS, { temps: toolFolder?.temps });
    let only: ((keys: string[]) => boolean) | undefined;
    if (before) {
      const links = await findVaultLinks({ notes, read: (n) => ports.readNote(n) }, [bases.from], scan);
      for (const u of links.unreadable) report.failed.push({ note: u.note, reason: `it could not be read (${u.reason})` });
      only = await before([...links.notesByKey.keys()]);
    }
    const unread = new Set(report.failed.map((f) => f.note));
    const tally = await relinkEach(
      notes.filter((n) => !unread.has(n)),
      ports,
      bases,
      {
        write: !args.dryRun,
        scan,
        only,
        reason: (e) => (isUploadError(e) ? e.toUserText() : `it could not be read or saved (${fsReason(e)})`),
      },
    );
    report.notes = tally.notes;
    report.links = tally.links;
    report.left.push(...tally.left);
    report.failed.push(...tally.failed);
  } finally {
    toolFolder?.close();
  }
  for (const f of unreadable.failures()) report.failed.push({ note: f.note, reason: f.message });
  return report;
}

/**
 * The destination's keys: `S3_TO_ACCESS_KEY_ID` and `S3_TO_SECRET_ACCESS_KEY` when set, else
 * the source's (one account holding both buckets).
 */
function destinationCredentials(env: LifecycleIO["env"]): Credentials {
  const id = env.S3_TO_ACCESS_KEY_ID;
  const secret = env.S3_TO_SECRET_ACCESS_KEY;
  if (!id && !secret) return credentialsFromEnv(env);
  if (!id || !secret)
    throw new UsageError("Only one of S3_TO_ACCESS_KEY_ID and S3_TO_SECRET_ACCESS_KEY is set; set both, or neither to use the source's keys.");
  return credentialsFromEnv({ S3_ACCESS_KEY_ID: id, S3_SECRET_ACCESS_KEY: secret });
}

/** `copy PATH… --to-config FILE`: exit 0 when every image linked was copied and its links moved. */
export async function copyCommand(args: CliArgs, io: LifecycleIO): Promise<number> {
  const source = await bucketOf(args, io.env);
  const toProfile = buildProfile(await loadConfigFile(args.toConfig as string), { ...args, profile: {} });
  let closeDest = (): void => undefined;
  try {
    const toCredentials = destinationCredentials(io.env);
    const bases = relinkBases(buildPublicUrl(source.profile, ""), buildPublicUrl(toProfile, ""));
    const [{ createS3Client }, { copyKeys }] = await Promise.all([import("../storage/s3Client"), import("../storage/profileCopy")]);
    const destClient = createS3Client(toProfile, toCredentials);
    closeDest = () => destClient.destroy();
    let copies: Awaited<ReturnType<typeof copyKeys>> = [];
    const report = await relinkNotes(args, io, bases, async (keys) => {
      copies = await copyKeys(
        keys,
        { profile: source.profile, client: source.client, credentials: source.credentials },
        { profile: toProfile, client: destClient, credentials: toCredentials },
        { dryRun: args.dryRun },
      );
      return movableLinks(copies);
    });
    const notCopied = copies.filter((c) => !copiedOrThere(c));
    if (args.json) io.out.write(`${JSON.stringify({ dryRun: args.dryRun, images: copies, ...report })}\n`);
    else {
      const byOutcome = (o: string): number => copies.filter((c) => c.outcome === o).length;
      const head = args.dryRun
        ? `Dry run: would copy ${count(byOutcome("planned"), "image")} from the bucket "${source.profile.bucket}" to "${toProfile.bucket}" (${byOutcome("present")} already there) and move ${count(report.links, "link")} in ${count(report.notes, "note")} of ${report.read}.`
        : `Copied ${count(byOutcome("copied"), "image")} from the bucket "${source.profile.bucket}" to "${toProfile.bucket}" (${byOutcome("present")} already there); moved ${count(report.links, "link")} in ${count(report.notes, "note")} of ${report.read} from ${bases.from.host}${bases.from.path} to ${bases.to}.`;
      const out = [head];
      for (const c of copies) {
        if (c.outcome === "copied") out.push(`  copied ${c.key} (${c.via === "server" ? "inside the service" : "downloaded and uploaded"})`);
        else if (c.outcome === "planned") out.push(`  would copy ${c.key} (${c.via === "server" ? "inside the service" : "download and upload"})`);
      }
      out.push(...notCopied.map((c) => `  ${c.outcome} ${c.key}: ${c.reason ?? ""}; its links were left as they were`));
      out.push(...report.left.map((l) => `  left ${l.note}: ${l.link} (${l.reason})`), ...report.failed.map((f) => `  failed ${f.note}: ${f.reason}`));
      io.out.write(lines(out));
    }
    return notCopied.length > 0 || report.left.length > 0 || report.failed.length > 0 ? 1 : 0;
  } finally {
    closeDest();
    source.close();
  }
}

function servedAt(profile: Profile): string {
  return profile.publicBaseUrl.trim() || "its endpoint address";
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

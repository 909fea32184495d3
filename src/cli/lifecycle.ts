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
import { planRelink, relinkBases, type RelinkPlan } from "../core/lifecycle/relink";
import type { ImageUploader } from "../core/ports";
import type { Profile } from "../core/types";
import { UsageError, type CliArgs } from "./args";
import { buildProfile, credentialsFromEnv, loadConfigFile } from "./config";
import { fsReason } from "./fsErrors";
import { collectNotes, createFsPorts, walkFiles } from "./fsPorts";
import { openSite, workingRoot } from "./siteRoot";
import { escapeControls, type TerminalText } from "./terminalText";
import { openToolFolder } from "./toolFolder";
import { checkVaultFolder, UnreadableFolders } from "./vaultFolders";
import type { S3ObjectStore } from "../storage/objectStore";

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

async function bucketOf(args: CliArgs, env: LifecycleIO["env"]): Promise<{ profile: Profile; store: S3ObjectStore; close: () => void }> {
  const config = args.config === undefined ? undefined : await loadConfigFile(args.config);
  const profile = buildProfile(config, args);
  const credentials = credentialsFromEnv(env);
  // Loaded here, not at start-up: `--help` and `relink` never need the S3 SDK.
  const [{ createS3Client }, { S3ObjectStore }] = await Promise.all([import("../storage/s3Client"), import("../storage/objectStore")]);
  const client = createS3Client(profile, credentials);
  return { profile, store: new S3ObjectStore(client, profile, "cli"), close: () => client.destroy() };
}

/** Every note of the vault read for links to `bases`; a folder or note that cannot be read is listed, never skipped silently. */
async function vaultLinks(given: string, bases: ServedBase[], io: LifecycleIO): Promise<VaultLinks> {
  const vault = path.resolve(given);
  await checkVaultFolder(vault, given);
  const unreadable = new UnreadableFolders(vault, [vault], (line) => io.err.write(`s3-image-hosting: ${line}\n`));
  const files = await walkFiles(vault, vault, unreadable.skip).catch((e: unknown) => {
    throw new UsageError(`The vault folder ${vault} cannot be read (${fsReason(e)}).`);
  });
  const notes = await collectNotes(vault, [vault], files, unreadable.skip);
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
  const vault = await workingRoot(args.vault, args.paths, args.site);
  const unreadable = new UnreadableFolders(vault, args.paths, (line) => io.err.write(`s3-image-hosting: ${line}\n`));
  const files = await walkFiles(vault, vault, unreadable.skip).catch((e: unknown) => {
    throw new UsageError(`The vault folder ${vault} cannot be read (${fsReason(e)}).`);
  });
  const site = await openSite(vault, files, args.site, args.staticDirs);
  const scan: ScanOptions = { forms: site.type.forms, frontMatterKeys: args.frontMatterKeys };
  const notes = await collectNotes(vault, args.paths, files, unreadable.skip);
  const toolFolder = args.dryRun ? undefined : await openToolFolder(vault);
  const report = { notes: 0, links: 0, left: [] as { note: string; link: string; reason: string }[], failed: [] as { note: string; reason: string }[] };
  try {
    const ports = createFsPorts(vault, files, NO_UPLOADS, { temps: toolFolder?.temps });
    for (const note of notes) {
      let plan: RelinkPlan | undefined;
      try {
        if (args.dryRun) plan = planRelink(await ports.readNote(note), bases, scan);
        else
          await ports.rewriteNote(note, (text) => {
            plan = planRelink(text, bases, scan);
            return plan.changes;
          });
      } catch (e) {
        report.failed.push({ note, reason: isUploadError(e) ? e.toUserText() : `it could not be read or saved (${fsReason(e)})` });
        continue;
      }
      if (!plan) continue;
      if (plan.links > 0) report.notes++;
      report.links += plan.links;
      report.left.push(...plan.left.map((l) => ({ note, ...l })));
    }
  } finally {
    toolFolder?.close();
  }
  for (const f of unreadable.failures()) report.failed.push({ note: f.note, reason: f.message });
  if (args.json) io.out.write(`${JSON.stringify({ dryRun: args.dryRun, ...report })}\n`);
  else {
    const verb = args.dryRun ? "Dry run: would move" : "Moved";
    const out = [
      `${verb} ${count(report.links, "link")} in ${count(report.notes, "note")} of ${notes.length} from ${bases.from.host}${bases.from.path} to ${bases.to}.`,
    ];
    out.push(...report.left.map((l) => `  left ${l.note}: ${l.link} (${l.reason})`), ...report.failed.map((f) => `  failed ${f.note}: ${f.reason}`));
    io.out.write(lines(out));
  }
  return report.left.length > 0 || report.failed.length > 0 ? 1 : 0;
}

function servedAt(profile: Profile): string {
  return profile.publicBaseUrl.trim() || "its endpoint address";
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * "Upload all local images": runs of the migration engine over notes of the vault, one per
 * profile their upload rules send them to, then,
 * if the settings ask for it, the local copies that nothing needs any more go to the trash.
 * The command and menu items that start a run are in `uploadAllCommand.ts`.
 */
import { Platform, type App, type TFile } from "obsidian";
import { combineReports, emptyReport, migrateNotes, type MigrationProgress, type MigrationReport } from "../core/migrate/engine";
import { bytesInFlightFor } from "../core/migrate/memoryBudget";
import type { ImageUploader } from "../core/ports";
import { linkStyleOf, type PluginSettings } from "../core/settings/settingsModel";
import type { Profile } from "../core/types";
import { activeProfile, checkReadiness } from "./readiness";
import { trashUnlinked } from "./trashUnlinked";
import type { UploaderConfig } from "./uploaderCache";
import { vaultNoteTarget } from "./uploadRules";
import { obsidianPorts } from "./vaultPorts";
import { profileSources, requestUrlFetch } from "./webImages";

/** What the command needs from the plugin (the same shape paste and drop get). */
export interface UploadAllDeps {
  /** The current settings, read when a run starts, so a changed setting applies to the next run. */
  settings: () => PluginSettings;
  /** The uploader for a ready configuration; a function so the S3 SDK is only loaded when a run starts. */
  getUploader: (config: UploaderConfig) => Promise<ImageUploader>;
}

/** One profile's part of a run. */
export interface ProfileRun {
  /** The profile's name, as the summary shows it. */
  profile: string;
  /** Whether it is the active profile. */
  active: boolean;
  report: MigrationReport;
}

/** What a run did, for the summary and for tests. */
export interface UploadAllResult {
  /** Every profile's part together, with the notes the rules kept local or could not follow. */
  report: MigrationReport;
  /** One part per profile the notes upload to, in the order their first note came. */
  runs: ProfileRun[];
  /** Local files moved to the trash (only with `trashAfterUpload`). */
  trashed: string[];
}

/**
 * Uploads the local images of `notes` and rewrites their links; with `trashAfterUpload`,
 * then moves each uploaded local file that nothing links to any more to the trash.
 *
 * Each note goes where its upload rules say (`uploadRules.ts`): notes of one profile are one
 * run with that profile's uploader, run after run; notes that keep their images local, and
 * notes whose rule cannot be followed, are listed in the report and left alone. Rejects only
 * when no upload can be made (no profile the notes need is ready); everything else is in the
 * report.
 */
export async function uploadAllLocalImages(
  app: App,
  notes: TFile[],
  deps: UploadAllDeps,
  opts: { signal?: AbortSignal; onProgress?: (p: MigrationProgress) => void; onlyFiles?: ReadonlySet<string> } = {},
): Promise<UploadAllResult> {
  const settings = deps.settings();
  const ruled = emptyReport();
  const groups = new Map<string, { profile: Profile; notes: string[] }>();
  for (const note of notes) {
    const target = await vaultNoteTarget(app, settings, note);
    if (target.kind === "local") ruled.keptLocal.push(note.path);
    else if (target.kind === "problem") ruled.skippedNotes.push({ note: note.path, message: target.message });
    else {
      const group = groups.get(target.profile.id) ?? { profile: target.profile, notes: [] };
      group.notes.push(note.path);
      groups.set(target.profile.id, group);
    }
  }

  const active = activeProfile(settings);
  const ready: { profile: Profile; notes: string[]; config: UploaderConfig }[] = [];
  const unready: { profile: Profile; notes: string[]; problems: string[] }[] = [];
  for (const group of groups.values()) {
    const r = checkReadiness(settings, app.secretStorage, group.profile === active ? undefined : group.profile);
    if (r.ok) ready.push({ ...group, config: r.config });
    else unready.push({ ...group, problems: r.problems });
  }
  if (ready.length === 0 && unready.length > 0) {
    const { problems } = unready[0];
    const more = problems.length > 1 ? ` (${problems.length - 1} more in the settings)` : "";
    throw new Error(`cannot upload yet: ${problems[0]}${more}`);
  }
  for (const group of unready) {
    for (const note of group.notes) {
      ruled.skippedNotes.push({ note, message: `"${note}" goes to the profile "${group.profile.name}", which cannot upload yet: ${group.problems[0]}` });
    }
  }

  const runs: ProfileRun[] = [];
  for (const group of ready) {
    const uploader = await deps.getUploader(group.config);
    const report = await migrateNotes(
      group.notes,
      { ...obsidianPorts(app, uploader, { maxBytes: group.config.maxBytes }), fetch: requestUrlFetch },
      {
        onlyFiles: opts.onlyFiles,
        remote:
          settings.rehostWebImages && opts.onlyFiles === undefined
            ? { servedBy: profileSources(settings), allow: settings.webImageAllow, deny: settings.webImageDeny }
            : undefined,
        concurrency: settings.concurrency,
        linkStyle: linkStyleOf(settings),
        // A phone closes an app that holds too much memory: fewer large images at once there.
        maxBytesInFlight: bytesInFlightFor({ mobile: Platform.isMobile }),
        signal: opts.signal,
        onProgress: opts.onProgress,
        setTimer: (fn, ms) => {
          const id = window.setTimeout(fn, ms);
          return () => window.clearTimeout(id);
        },
      },
    );
    runs.push({ profile: group.profile.name, active: group.profile === active, report });
  }
  const report = combineReports([...runs.map((r) => r.report), ruled]);
  const trashed = settings.trashAfterUpload ? await trashUnlinked(app, report) : [];
  return { report, runs, trashed };
}

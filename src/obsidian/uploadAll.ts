/**
 * "Upload all local images": one run of the migration engine over notes of the vault, then,
 * if the settings ask for it, the local copies that nothing needs any more go to the trash.
 * The command and menu items that start a run are in `uploadAllCommand.ts`.
 */
import { Platform, type App, type TFile } from "obsidian";
import { migrateNotes, type MigrationProgress, type MigrationReport } from "../core/migrate/engine";
import { bytesInFlightFor } from "../core/migrate/memoryBudget";
import type { ImageUploader } from "../core/ports";
import { linkStyleOf, type PluginSettings } from "../core/settings/settingsModel";
import { checkReadiness } from "./readiness";
import { trashUnlinked } from "./trashUnlinked";
import type { UploaderConfig } from "./uploaderCache";
import { obsidianPorts } from "./vaultPorts";
import { profileSources, requestUrlFetch } from "./webImages";

/** What the command needs from the plugin (the same shape paste and drop get). */
export interface UploadAllDeps {
  /** The current settings, read when a run starts, so a changed setting applies to the next run. */
  settings: () => PluginSettings;
  /** The uploader for a ready configuration; a function so the S3 SDK is only loaded when a run starts. */
  getUploader: (config: UploaderConfig) => Promise<ImageUploader>;
}

/** What a run did, for the summary and for tests. */
export interface UploadAllResult {
  report: MigrationReport;
  /** Local files moved to the trash (only with `trashAfterUpload`). */
  trashed: string[];
}

/**
 * Uploads the local images of `notes` and rewrites their links; with `trashAfterUpload`,
 * then moves each uploaded local file that nothing links to any more to the trash.
 * Rejects only when no upload can be made (the active profile is not ready); everything
 * else is in the report.
 */
export async function uploadAllLocalImages(
  app: App,
  notes: TFile[],
  deps: UploadAllDeps,
  opts: { signal?: AbortSignal; onProgress?: (p: MigrationProgress) => void; onlyFiles?: ReadonlySet<string> } = {},
): Promise<UploadAllResult> {
  const settings = deps.settings();
  const ready = checkReadiness(settings, app.secretStorage);
  if (!ready.ok) {
    const more = ready.problems.length > 1 ? ` (${ready.problems.length - 1} more in the settings)` : "";
    throw new Error(`cannot upload yet: ${ready.problems[0]}${more}`);
  }
  const uploader = await deps.getUploader(ready.config);
  const report = await migrateNotes(
    notes.map((n) => n.path),
    { ...obsidianPorts(app, uploader, { maxBytes: ready.config.maxBytes }), fetch: requestUrlFetch },
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
  const trashed = settings.trashAfterUpload ? await trashUnlinked(app, report) : [];
  return { report, trashed };
}

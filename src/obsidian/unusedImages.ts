/**
 * "Find unused images in the bucket": lists the active profile's objects under its key
 * template's folder, reads every note for links to them (cached reads, a chunk at a time),
 * and shows the unused ones older than the grace period in a dialog that deletes them only
 * when the person confirms, after naming their number and total size. Loaded on first use.
 */
import { Notice, type App } from "obsidian";
import { errorText } from "../core/errors";
import { ALL_FORMS } from "../core/markdown";
import { findVaultLinks } from "../core/lifecycle/noteLinks";
import { DEFAULT_MIN_AGE_DAYS, orphanPrefix, selectOrphans, sizeText } from "../core/lifecycle/orphans";
import { profileBases } from "../core/lifecycle/profileLinks";
import type { Profile } from "../core/types";
import { S3ObjectStore } from "../storage/objectStore";
import { RequestUrlHttpHandler, type RequestUrlFn } from "../storage/requestUrlHandler";
import { createS3Client } from "../storage/s3Client";
import { PLUGIN_NAME } from "./pasteDrop";
import { ConfirmModal } from "./confirmModal";
import { readCredentials } from "./secrets";
import { notesAndCanvases } from "./noteScope";

const TITLE = "Find unused images in the bucket";
/** Keys named in the dialog; the rest are counted. */
const MAX_LISTED = 20;

export interface UnusedImagesDeps {
  profile: Profile;
  requestUrl: RequestUrlFn;
  /** The clock an image's age is measured by. */
  now?: () => Date;
}

/** Runs the search and opens the dialog; every failure ends in a notice in plain words. */
export async function findUnusedImages(app: App, deps: UnusedImagesDeps): Promise<void> {
  const { profile } = deps;
  const creds = readCredentials(app.secretStorage, profile);
  if (!creds.ok) {
    new Notice(`${TITLE}: ${creds.problems.join(" ")}`, 0);
    return;
  }
  const progress = new Notice("Looking for unused images…", 0);
  const client = createS3Client(profile, creds.credentials, new RequestUrlHttpHandler(deps.requestUrl));
  const store = new S3ObjectStore(client, profile);
  let done = false;
  try {
    const prefix = orphanPrefix(profile.keyTemplate, undefined, `a fixed folder at the start of the key template of "${profile.name}" (img/{hash}.{ext})`);
    const files = notesAndCanvases(app);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const links = await findVaultLinks(
      {
        notes: files.map((f) => f.path),
        read: (p) => app.vault.cachedRead(byPath.get(p) as (typeof files)[number]),
        pause: () => new Promise((resolve) => window.setTimeout(resolve, 0)),
      },
      profileBases(profile),
      { forms: ALL_FORMS },
    );
    if (links.unreadable.length > 0) {
      progress.hide();
      new Notice(
        `${TITLE}: some notes could not be read, and may link images of the bucket: ${links.unreadable.map((u) => u.note).join(", ")}. Nothing was deleted.`,
        0,
      );
      return;
    }
    const objects = await store.listAll(prefix);
    const found = selectOrphans(objects, (k) => links.notesByKey.has(k), { prefix, now: (deps.now ?? (() => new Date()))(), minAgeDays: DEFAULT_MIN_AGE_DAYS });
    progress.hide();
    if (found.orphans.length === 0) {
      new Notice(
        `${TITLE}: every image under ${prefix} is linked by a note or was written less than ${DEFAULT_MIN_AGE_DAYS} days ago (${found.linked} linked, ${found.tooYoung} recent).`,
        8000,
      );
      return;
    }
    done = true;
    const { orphans, tooYoung: recent } = found;
    const n = orphans.length;
    const total = sizeText(orphans.reduce((sum, o) => sum + o.size, 0));
    const deleteAll = async (): Promise<void> => {
      try {
        const failed = await store.deleteMany(orphans.map((o) => o.key));
        const deleted = orphans.length - failed.length;
        const lines = [
          `${TITLE}: deleted ${deleted} of ${orphans.length} unused images.`,
          ...failed.slice(0, MAX_LISTED).map((f) => `• ${f.key}: ${f.reason}`),
        ];
        new Notice(lines.join("\n"), failed.length > 0 ? 0 : 8000);
      } catch (e) {
        new Notice(`${TITLE}: ${errorText(e)} Nothing more was deleted.`, 0);
      } finally {
        client.destroy();
      }
    };
    new ConfirmModal(
      app,
      `${PLUGIN_NAME}: unused images`,
      [
        `${n} ${n === 1 ? "image" : "images"} under ${prefix} (${total}) ${n === 1 ? "is" : "are"} linked by no note and older than ${DEFAULT_MIN_AGE_DAYS} days. ${recent} more unlinked ${recent === 1 ? "one was" : "ones were"} written recently and ${recent === 1 ? "is" : "are"} kept.`,
        orphans.slice(0, MAX_LISTED).map((o) => `${o.key} (${sizeText(o.size)}, ${o.lastModified?.toISOString().slice(0, 10) ?? "date unknown"})`),
        ...(n > MAX_LISTED ? [`…and ${n - MAX_LISTED} more.`] : []),
        "Deleting cannot be undone: a page or note elsewhere that shows one of these images will show nothing.",
      ],
      [{ text: `Delete ${n} ${n === 1 ? "image" : "images"} (${total})`, warning: true, run: () => void deleteAll() }],
      () => client.destroy(),
    ).open();
  } catch (e) {
    progress.hide();
    new Notice(`${TITLE}: ${errorText(e)}`, 0);
  } finally {
    if (!done) client.destroy();
  }
}

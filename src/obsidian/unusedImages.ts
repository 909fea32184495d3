/**
 * "Find unused images in the bucket": lists the active profile's objects under its key
 * template's folder, reads every note for links to them (cached reads, a chunk at a time),
 * and shows the unused ones older than the grace period in a dialog that deletes them only
 * when the person confirms, after naming their number and total size. Loaded on first use.
 */
import { Modal, Notice, type App } from "obsidian";
import { errorText } from "../core/errors";
import { ALL_FORMS } from "../core/markdown";
import { findVaultLinks } from "../core/lifecycle/noteLinks";
import { DEFAULT_MIN_AGE_DAYS, orphanPrefix, selectOrphans, sizeText, type BucketObject } from "../core/lifecycle/orphans";
import { profileBases } from "../core/lifecycle/profileLinks";
import type { Profile } from "../core/types";
import { S3ObjectStore } from "../storage/objectStore";
import { RequestUrlHttpHandler, type RequestUrlFn } from "../storage/requestUrlHandler";
import { createS3Client } from "../storage/s3Client";
import { PLUGIN_NAME } from "./pasteDrop";
import { readCredentials } from "./secrets";

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
    const files = app.vault.getMarkdownFiles();
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
    new UnusedImagesModal(
      app,
      prefix,
      found.orphans,
      found.tooYoung,
      async () => {
        try {
          const failed = await store.deleteMany(found.orphans.map((o) => o.key));
          const deleted = found.orphans.length - failed.length;
          const lines = [
            `${TITLE}: deleted ${deleted} of ${found.orphans.length} unused images.`,
            ...failed.slice(0, MAX_LISTED).map((f) => `• ${f.key}: ${f.reason}`),
          ];
          new Notice(lines.join("\n"), failed.length > 0 ? 0 : 8000);
        } catch (e) {
          new Notice(`${TITLE}: ${errorText(e)} Nothing more was deleted.`, 0);
        } finally {
          client.destroy();
        }
      },
      () => client.destroy(),
    ).open();
  } catch (e) {
    progress.hide();
    new Notice(`${TITLE}: ${errorText(e)}`, 0);
  } finally {
    if (!done) client.destroy();
  }
}

/** The confirmation: what would be deleted, in numbers and by name, and two buttons. */
export class UnusedImagesModal extends Modal {
  private settled = false;

  constructor(
    app: App,
    private readonly prefix: string,
    private readonly orphans: BucketObject[],
    private readonly recent: number,
    private readonly onDelete: () => Promise<void>,
    private readonly onCancel: () => void,
  ) {
    super(app);
  }

  onOpen(): void {
    const total = this.orphans.reduce((sum, o) => sum + o.size, 0);
    const n = this.orphans.length;
    this.setTitle(`${PLUGIN_NAME}: unused images`);
    const el = this.contentEl;
    el.createEl("p", {
      text: `${n} ${n === 1 ? "image" : "images"} under ${this.prefix} (${sizeText(total)}) ${n === 1 ? "is" : "are"} linked by no note and older than ${DEFAULT_MIN_AGE_DAYS} days. ${this.recent} more unlinked ${this.recent === 1 ? "one was" : "ones were"} written recently and ${this.recent === 1 ? "is" : "are"} kept.`,
    });
    const list = el.createEl("ul");
    for (const o of this.orphans.slice(0, MAX_LISTED))
      list.createEl("li", { text: `${o.key} (${sizeText(o.size)}, ${o.lastModified?.toISOString().slice(0, 10) ?? "date unknown"})` });
    if (n > MAX_LISTED) el.createEl("p", { text: `…and ${n - MAX_LISTED} more.` });
    el.createEl("p", { text: "Deleting cannot be undone: a page or note elsewhere that shows one of these images will show nothing." });
    const buttons = el.createDiv();
    buttons.createEl("button", { text: "Cancel" }).addEventListener("click", () => this.close());
    const del = buttons.createEl("button", { text: `Delete ${n} ${n === 1 ? "image" : "images"} (${sizeText(total)})`, cls: "mod-warning" });
    del.addEventListener("click", () => {
      this.settled = true;
      this.close();
      void this.onDelete();
    });
  }

  onClose(): void {
    this.contentEl.empty();
    if (!this.settled) this.onCancel();
  }
}

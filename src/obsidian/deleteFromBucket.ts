/**
 * "Delete from bucket", from the editor menu of an image link served by a profile: a dialog
 * says what will happen and, while any other note (or another link in this note) still links
 * the image, refuses and names them. Confirmed, it deletes the object and replaces the link,
 * and only the link, with nothing or with a local copy downloaded (and checked) first. The
 * object is deleted only once the copy is saved and the link is found where it was. Loaded on
 * first use.
 */
import { Notice, type App } from "obsidian";
import { UploadError, errorText } from "../core/errors";
import { attachmentName } from "../core/download/attachmentName";
import { checkedImage } from "../core/download/checkedImage";
import { aliasFor } from "../core/download/downloadEngine";
import { findVaultLinks } from "../core/lifecycle/noteLinks";
import { profileBases, profileLinks } from "../core/lifecycle/profileLinks";
import { buildPublicUrl } from "../core/link/publicUrl";
import { ALL_FORMS, type Embed } from "../core/markdown";
import type { Profile } from "../core/types";
import { S3ObjectStore } from "../storage/objectStore";
import { RequestUrlHttpHandler, type RequestUrlFn } from "../storage/requestUrlHandler";
import { createS3Client } from "../storage/s3Client";
import { asEmbed } from "./attachmentFallback";
import { ConfirmModal } from "./confirmModal";
import { readCredentials } from "./secrets";
import { obsidianPorts, openEditor } from "./vaultPorts";
import { requestUrlFetch } from "./webImages";
import { createOwnBinary } from "./ownFiles";
import { notesAndCanvases } from "./noteScope";

const TITLE = "Delete from bucket";
const MAX_LISTED = 10;
const NO_UPLOADS = { upload: () => Promise.reject(new Error("deleting uploads nothing")) };

export interface DeleteTarget {
  profile: Profile;
  /** The note the link is in. */
  note: string;
  /** The link, as scanned when the menu opened. */
  embed: Embed;
  /** The object key it names. */
  key: string;
  requestUrl: RequestUrlFn;
}

/** Looks for other links to the object, then opens the dialog: a refusal naming them, or the two ways to go on. */
export async function deleteFromBucket(app: App, t: DeleteTarget): Promise<void> {
  const creds = readCredentials(app.secretStorage, t.profile);
  if (!creds.ok) {
    new Notice(`${TITLE}: ${creds.problems.join(" ")}`, 0);
    return;
  }
  const progress = new Notice("Looking for other links to the image…", 0);
  const bases = profileBases(t.profile);
  const files = notesAndCanvases(app).filter((f) => f.path !== t.note);
  const byPath = new Map(files.map((f) => [f.path, f]));
  let others: string[];
  let unreadable: string[];
  let here: number;
  try {
    const links = await findVaultLinks(
      {
        notes: files.map((f) => f.path),
        read: (p) => app.vault.cachedRead(byPath.get(p) as (typeof files)[number]),
        pause: () => new Promise((resolve) => window.setTimeout(resolve, 0)),
      },
      bases,
      { forms: ALL_FORMS },
    );
    others = links.notesByKey.get(t.key) ?? [];
    unreadable = links.unreadable.map((u) => u.note);
    const text = await currentText(app, t.note);
    if (text.slice(t.embed.start, t.embed.end) !== t.embed.raw) throw new Error(`the link changed in ${t.note} since the menu opened; nothing was deleted.`);
    here = profileLinks(text, bases, { forms: ALL_FORMS }).filter((l) => l.keys.includes(t.key) && l.embed.start !== t.embed.start).length;
  } catch (e) {
    progress.hide();
    new Notice(`${TITLE}: ${errorText(e)}`, 0);
    return;
  }
  progress.hide();
  const what = `${t.key} in the bucket ${t.profile.bucket} (${t.profile.name})`;
  if (others.length > 0 || here > 0 || unreadable.length > 0) {
    const lines = [`${what} is not deleted: it is still needed.`];
    if (others.length > 0) lines.push(`${others.length} other ${others.length === 1 ? "note links" : "notes link"} it: ${list(others)}.`);
    if (here > 0) lines.push(`${t.note} links it ${here} more ${here === 1 ? "time" : "times"}.`);
    if (unreadable.length > 0) lines.push(`${unreadable.length === 1 ? "A note" : "Some notes"} could not be read and may link it: ${list(unreadable)}.`);
    lines.push("Remove or change those links first.");
    new ConfirmModal(app, TITLE, lines, []).open();
    return;
  }
  new ConfirmModal(
    app,
    TITLE,
    [
      `${what} will be deleted. No other note links it.`,
      `The link in ${t.note} will be removed, or replaced by a link to a copy saved in the vault first. Nothing else in the note changes.`,
      "Deleting cannot be undone: a page elsewhere that shows this image will show nothing.",
    ],
    [
      { text: "Delete and remove the link", warning: true, run: () => void run(app, t, creds.credentials, false) },
      { text: "Keep a local copy, then delete", warning: true, run: () => void run(app, t, creds.credentials, true) },
    ],
  ).open();
}

function list(items: string[]): string {
  return items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(", ")} and ${items.length - MAX_LISTED} more` : items.join(", ");
}

async function currentText(app: App, note: string): Promise<string> {
  const editor = openEditor(app, note);
  if (editor) return editor.getValue();
  const file = app.vault.getFileByPath(note);
  if (!file) throw new UploadError("MissingFile", `${note} is no longer in the vault; nothing was deleted.`);
  return app.vault.read(file);
}

type Credentials = Extract<ReturnType<typeof readCredentials>, { ok: true }>["credentials"];

async function run(app: App, t: DeleteTarget, credentials: Credentials, keepCopy: boolean): Promise<void> {
  const progress = new Notice(keepCopy ? "Downloading a local copy…" : "Deleting…", 0);
  const client = createS3Client(t.profile, credentials, new RequestUrlHttpHandler(t.requestUrl));
  let saved: string | undefined;
  let deleted = false;
  try {
    let replacement = "";
    if (keepCopy) {
      const url = buildPublicUrl(t.profile, t.key);
      const image = await checkedImage(url, await requestUrlFetch(url), { key: t.key, keyTemplate: t.profile.keyTemplate });
      const path = await app.fileManager.getAvailablePathForAttachment(attachmentName(t.key, image.ext), t.note);
      const copy = new Uint8Array(image.bytes.byteLength);
      copy.set(image.bytes);
      // createBinary fails rather than replace a file that is there.
      const file = await createOwnBinary(app.vault, path, copy.buffer);
      saved = file.path;
      const alias = aliasFor(t.embed);
      replacement = asEmbed(app.fileManager.generateMarkdownLink(file, t.note, undefined, alias === "" ? undefined : alias));
    }
    if ((await currentText(app, t.note)).slice(t.embed.start, t.embed.end) !== t.embed.raw)
      throw new Error(`the link changed in ${t.note} meanwhile; nothing was deleted.`);
    await new S3ObjectStore(client, t.profile).delete(t.key);
    deleted = true;
    await obsidianPorts(app, NO_UPLOADS).rewriteNote(t.note, (text) => {
      if (text.slice(t.embed.start, t.embed.end) !== t.embed.raw) throw new Error(`the link changed in ${t.note} meanwhile and was left as it was.`);
      return [{ from: t.embed.start, to: t.embed.end, insert: replacement }];
    });
    progress.hide();
    new Notice(`${TITLE}: deleted ${t.key}; ${saved ? `the link in ${t.note} now shows the local copy ${saved}.` : `removed its link from ${t.note}.`}`, 8000);
  } catch (e) {
    progress.hide();
    const state = deleted ? `${t.key} was deleted` : `${t.key} was not deleted`;
    new Notice(`${TITLE}: ${errorText(e)} (${state}${saved ? `; the local copy is at ${saved}` : ""}.)`, 0);
  } finally {
    client.destroy();
  }
}

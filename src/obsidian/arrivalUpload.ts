/**
 * The upload of an attached image (see `attachmentArrivals.ts`), loaded the first time an
 * attached image's embed shows up: finds that embed, uploads the file with the profile the
 * note's upload rules choose (as a paste into that note would), and puts the link, in the
 * chosen link format, in place of that embed only. A note that keeps its images local keeps
 * this one too, as Obsidian saved it. While the upload runs the embed
 * stays as it is, so the note keeps showing the local image; if the upload fails, the embed
 * and the file stay, and a notice says why.
 */
import type { TFile } from "obsidian";
import { applyTextChanges } from "../core/apply/textChanges";
import { rewriteEmbed } from "../core/link/embedLink";
import { scanEmbeds, type Embed } from "../core/markdown";
import { tooLargeError } from "../core/prepare/prepareAsset";
import type { UploadTarget } from "../core/rules/uploadTarget";
import type { ArrivalDeps, Arrival } from "./attachmentArrivals";
import { describe, PLUGIN_NAME, uploadFailure } from "./pasteDrop";
import { linkStyleOf, type PluginSettings } from "../core/settings/settingsModel";
import { checkReadiness } from "./readiness";
import { chosenProfile, editorNoteTarget, vaultNoteTarget } from "./uploadRules";
import { trashUnlinked } from "./trashUnlinked";
import type { UploaderConfig } from "./uploaderCache";
import { openEditor, resolveLink } from "./vaultPorts";

type Found = { kind: "none" } | { kind: "one"; embed: Embed } | { kind: "several" };

/** The markdown and wiki embeds in `text` that Obsidian resolves to the arrived file. */
function embedsOf(app: ArrivalDeps["app"], text: string, arrival: Arrival): Embed[] {
  return scanEmbeds(text).filter((e) => {
    if (e.isRemote || (e.kind !== "markdown" && e.kind !== "wiki")) return false;
    try {
      return resolveLink(app, e.target, arrival.note.path) === arrival.file;
    } catch {
      // A link that could name two files is not this attachment's to rewrite.
      return false;
    }
  });
}

/** The embed of the arrived file in `text`: none yet, exactly one, or more than one (left alone). */
export function findArrivalEmbed(app: ArrivalDeps["app"], text: string, arrival: Arrival): Found {
  const found = embedsOf(app, text, arrival);
  if (found.length === 0) return { kind: "none" };
  return found.length === 1 ? { kind: "one", embed: found[0] } : { kind: "several" };
}

/** What the upload needs beyond the watcher's own dependencies. */
export interface ArrivalUploadDeps extends ArrivalDeps {
  notify: (message: string) => void;
  /** True when the missing bucket set-up has not been mentioned yet this session. */
  firstUnconfigured: () => boolean;
}

/**
 * Uploads `file`, which arrived for `notePath` without a paste or a drop, to the profile
 * `target` names (under `settings`), and returns its URL with the configuration used; undefined when it stays
 * local, with a notice wherever the user must know why (the rules kept it local without one).
 * `words.purpose` completes "Set up a bucket … to …"; `words.stays` says what still shows it.
 */
export async function uploadArrivedFile(
  deps: ArrivalDeps & { notify: (message: string) => void; firstUnconfigured: () => boolean },
  file: TFile,
  notePath: string,
  target: UploadTarget,
  settings: PluginSettings,
  words: { purpose: string; stays: string },
): Promise<{ url: string; config: UploaderConfig } | undefined> {
  const { app } = deps;
  if (target.kind === "local") return undefined;
  if (target.kind === "problem") {
    deps.notify(`${PLUGIN_NAME} did not upload ${file.name}: ${target.message} It stays in your vault.`);
    return undefined;
  }
  const ready = checkReadiness(settings, app.secretStorage, chosenProfile(target));
  if (!ready.ok) {
    if (!ready.unconfigured) deps.notify(`${PLUGIN_NAME} cannot upload ${file.name} yet: ${ready.problems[0]} It stays in your vault.`);
    else if (deps.firstUnconfigured()) deps.notify(`Set up a bucket in ${PLUGIN_NAME} settings to ${words.purpose}. ${file.name} stays in your vault.`);
    return undefined;
  }
  const { config } = ready;
  try {
    if (file.stat.size > config.maxBytes) throw tooLargeError(file.name, file.stat.size, config.maxBytes);
    const bytes = new Uint8Array(await app.vault.readBinary(file));
    const uploader = await deps.getUploader(config);
    return { url: (await uploader.upload({ bytes, name: file.name, notePath, sourcePath: file.path })).url, config };
  } catch (e) {
    deps.notify(`${uploadFailure(file.name, e, config.credentials)} ${file.name} stays in your vault and ${words.stays}.`);
    return undefined;
  }
}

/**
 * Uploads `arrival.file` and replaces `embed` (found in the note's editor) with the link, if
 * that embed is still there unchanged; then, with "trash after upload", moves the local file
 * to the trash when nothing else links it. Never rejects: every outcome the user must know of
 * is a notice.
 */
export async function uploadArrival(deps: ArrivalUploadDeps, arrival: Arrival, embed: Embed): Promise<void> {
  const { app } = deps;
  const { file, note } = arrival;
  const settings = deps.settings();
  // The editor's text may hold a change to the note's front matter not yet saved or indexed.
  const editor = openEditor(app, note.path);
  const target = editor ? editorNoteTarget(app, settings, note, () => editor.getValue()) : await vaultNoteTarget(app, settings, note);
  const uploaded = await uploadArrivedFile(deps, file, note.path, target, settings, {
    purpose: "upload attached images",
    stays: "the note still embeds it",
  });
  if (!uploaded) return;
  const { url, config } = uploaded;

  let replaced: boolean;
  try {
    replaced = await replaceEmbed(deps, arrival, embed, rewriteEmbed(embed, url, linkStyleOf(settings)));
  } catch (e) {
    deps.notify(`${file.name} was uploaded to ${url}, but the note could not be updated: ${describe(e, config.credentials)}`);
    return;
  }
  if (!replaced) {
    deps.notify(
      `${file.name} was uploaded to ${url}, but its embed in ${note.basename} was changed meanwhile, so the note was left as it is and the image stays in your vault.`,
    );
    return;
  }
  if (settings.trashAfterUpload) {
    await trashUnlinked(app, { files: [{ path: file.path, url, notes: [note.path], links: 1, rewritten: 1 }] });
  }
}

/**
 * Replaces the arrived file's embed with `link`: where it was found if the text there is
 * unchanged, or else where the one embed of the same text and file is now (text typed before
 * it moves it). In an editor showing the note when there is one (it may hold text not yet
 * saved), in the note file otherwise. False when the embed was edited, removed or repeated.
 */
async function replaceEmbed(deps: ArrivalUploadDeps, arrival: Arrival, embed: Embed, link: string): Promise<boolean> {
  const app = deps.app;
  const at = (text: string): { start: number; end: number } | null => {
    if (text.slice(embed.start, embed.end) === embed.raw) return embed;
    const same = embedsOf(app, text, arrival).filter((e) => e.raw === embed.raw);
    return same.length === 1 ? same[0] : null;
  };
  const editor = openEditor(app, arrival.note.path);
  if (editor) {
    const span = at(editor.getValue());
    if (!span) return false;
    editor.transaction({ changes: [{ from: editor.offsetToPos(span.start), to: editor.offsetToPos(span.end), text: link }] });
    return true;
  }
  if (app.vault.getFileByPath(arrival.note.path) !== arrival.note) return false;
  let done = false;
  await app.vault.process(arrival.note, (text) => {
    const span = at(text);
    done = span !== null;
    return span ? applyTextChanges(text, [{ from: span.start, to: span.end, insert: link }]) : text;
  });
  return done;
}

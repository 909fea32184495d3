/**
 * Paste and drop: the capture face of the pipeline inside the editor.
 *
 * An image pasted or dropped into a note is taken over from Obsidian only when it can be
 * uploaded; a placeholder marks its place at once, the upload runs in the background, and the
 * link replaces the placeholder wherever it is by then. If the upload fails, the image is
 * saved as a local attachment exactly as Obsidian would have saved it. Images pasted or dropped
 * together land together, in one edit, so that one undo takes the whole paste back. Text,
 * non-image files and events another plugin already handled are left alone.
 *
 * Images are processed before upload (metadata removed, SVG made safe) as the profile says.
 * Two ways upload one image exactly as it is: the command "Paste image without processing",
 * which reads the clipboard itself, and a drop with Shift held. Shift is the one modifier
 * Obsidian gives no meaning on a drop into the editor: Ctrl (Option on macOS) links the
 * dropped file in place instead of importing it.
 */
import { Notice } from "obsidian";
import type { App, Editor, MarkdownFileInfo, MarkdownView, TFile } from "obsidian";
import type { Extension } from "@codemirror/state";
import { errorText, isUploadError } from "../core/errors";
import { extensionForMime } from "../core/prepare/sniff";
import { writeImageLink, type LinkStyle } from "../core/link/linkWriter";
import { runPool } from "../core/migrate/pool";
import type { ImageUploader } from "../core/ports";
import { linkStyleOf, type PluginSettings } from "../core/settings/settingsModel";
import { credentialValues, redactSecrets } from "../core/redact";
import type { Credentials } from "../core/types";
import { saveAsAttachment } from "./attachmentFallback";
import { attachmentName, imagesToTake } from "./imageInput";
import { randomPlaceholderId, uploadingPlaceholder } from "./placeholder";
import { EndedUploads, placeholderHistory } from "./placeholderHistory";
import { PlaceholderSite } from "./placeholderSite";
import { checkReadiness, type Readiness } from "./readiness";
import type { UploaderConfig } from "./uploaderCache";
import { chosenProfile, editorNoteTarget } from "./uploadRules";

/** The plugin's name as users see it in notices. */
export const PLUGIN_NAME = "S3 Image Hosting";

/** What the handler needs from the plugin; each part can be replaced in tests. */
export interface PasteDropDeps {
  app: Pick<App, "vault" | "workspace" | "fileManager" | "secretStorage" | "metadataCache">;
  /** The current settings (read at every event, so changes apply at once). */
  settings: () => PluginSettings;
  /** The uploader for a ready configuration; may build it on first use. */
  getUploader: (config: UploaderConfig) => Promise<ImageUploader>;
  /** Shows a message to the user; a `Notice` unless replaced. */
  notify?: (message: string) => void;
  now?: () => Date;
  newId?: () => string;
}

type Kind = "paste" | "drop";

interface Pending {
  file: File;
  name: string;
  placeholder: string;
  /** Upload the bytes as they are, without processing. */
  unprocessed: boolean;
  /** How its link is written: the settings' when the event was taken, checked by `checkReadiness`. */
  style: LinkStyle;
}

/** The part of the Clipboard API the paste command reads (`navigator.clipboard`). */
export interface ClipboardReader {
  read(): Promise<ReadonlyArray<{ readonly types: readonly string[]; getType(type: string): Promise<Blob> }>>;
}

/** How one image's upload went, before anything is written to the note. */
type Upload = { kind: "uploaded"; link: string; url: string } | { kind: "unreadable"; reason: string } | { kind: "failed"; bytes: Uint8Array; reason: string };

/**
 * Handles `editor-paste` and `editor-drop`: takes over image-only events when uploads are
 * possible, and applies each upload's link, or its local fallback, where its placeholder is.
 */
export class PasteDropHandler {
  private readonly jobs = new Set<Promise<void>>();
  private toldUnconfigured = false;
  private readonly ended = new EndedUploads();

  /**
   * The editor extension that keeps undo and redo from bringing back a placeholder whose
   * upload has ended; register it with `Plugin.registerEditorExtension`.
   */
  readonly editorExtension: Extension = placeholderHistory(this.ended, (m) => this.notify(m));

  constructor(private readonly deps: PasteDropDeps) {}

  /** `editor-paste` handler; pass it to `workspace.on` as is. */
  readonly onPaste = (evt: ClipboardEvent, editor: Editor, info: MarkdownView | MarkdownFileInfo): void => {
    if (evt.defaultPrevented) return;
    this.take("paste", evt, evt.clipboardData, editor, info);
  };

  /** `editor-drop` handler; pass it to `workspace.on` as is. */
  readonly onDrop = (evt: DragEvent, editor: Editor, info: MarkdownView | MarkdownFileInfo): void => {
    if (evt.defaultPrevented) return;
    this.take("drop", evt, evt.dataTransfer, editor, info);
  };

  /** Resolves when every upload started so far has put its link or attachment in place. */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  private notify(message: string): void {
    if (this.deps.notify) this.deps.notify(message);
    else new Notice(message, 10_000);
  }

  /**
   * Decides synchronously, while the event is still being dispatched, whether to take it:
   * only then can `preventDefault()` keep Obsidian from saving the image itself.
   */
  private take(kind: Kind, evt: Event, data: DataTransfer | null, editor: Editor, info: MarkdownView | MarkdownFileInfo): void {
    const files = imagesToTake(data);
    if (files.length === 0) return;
    const settings = this.deps.settings();
    if (!(kind === "paste" ? settings.uploadOnPaste : settings.uploadOnDrop)) return;
    // A note that keeps its images local gets Obsidian's own paste and drop, untouched.
    const target = editorNoteTarget(this.deps.app, settings, info.file ?? null, () => editor.getValue());
    if (target.kind === "local") return;
    if (target.kind === "problem") {
      this.notify(`${PLUGIN_NAME} did not upload this image: ${target.message} The image was saved in your vault as usual.`);
      return;
    }
    const ready = checkReadiness(settings, this.deps.app.secretStorage, chosenProfile(target));
    if (!ready.ok) {
      this.explainNotReady(ready);
      return;
    }
    evt.preventDefault();
    // Shift on a drop: upload exactly as dropped (see the file comment).
    const unprocessed = kind === "drop" && (evt as DragEvent).shiftKey === true;
    this.begin(kind, files, editor, info, ready.config, settings, unprocessed);
  }

  /**
   * The command "Paste image without processing": reads the image on the clipboard and uploads
   * it exactly as it is, whatever the profile says about metadata and SVG files.
   * @param clipboard `navigator.clipboard` unless replaced.
   */
  async pasteUnprocessed(editor: Editor, info: MarkdownView | MarkdownFileInfo, clipboard: ClipboardReader | undefined = systemClipboard()): Promise<void> {
    const settings = this.deps.settings();
    const target = editorNoteTarget(this.deps.app, settings, info.file ?? null, () => editor.getValue());
    if (target.kind !== "upload") {
      this.notify(
        target.kind === "local"
          ? "This note keeps its images in the vault (its image-upload field or a folder rule says so), so nothing was uploaded. Paste as usual to save the image in the vault."
          : `${PLUGIN_NAME} did not upload the image: ${target.message} Nothing was pasted.`,
      );
      return;
    }
    const ready = checkReadiness(settings, this.deps.app.secretStorage, chosenProfile(target));
    if (!ready.ok) {
      this.notify(
        ready.unconfigured
          ? `Set up a bucket in ${PLUGIN_NAME} settings to upload images. Nothing was pasted.`
          : `${PLUGIN_NAME} cannot upload yet: ${ready.problems[0]} Nothing was pasted.`,
      );
      return;
    }
    if (typeof clipboard?.read !== "function") {
      this.notify("This device does not let plugins read images from the clipboard. Nothing was pasted; drop the image with Shift held instead.");
      return;
    }
    const files: File[] = [];
    try {
      for (const item of await clipboard.read()) {
        const type = item.types.find((t) => t.startsWith("image/"));
        if (type === undefined) continue;
        const blob = await item.getType(type);
        files.push(new File([blob], `image.${extensionForMime(type) ?? "png"}`, { type }));
      }
    } catch (e) {
      // A DOMException, which may come from another realm than this code's Error.
      const denied = typeof e === "object" && e !== null && (e as { name?: unknown }).name === "NotAllowedError";
      const why = denied ? "reading it was not allowed (Obsidian must be the active window)" : describe(e).replace(/\.$/, "");
      this.notify(`Could not read the clipboard: ${why}. Nothing was pasted.`);
      return;
    }
    if (files.length === 0) {
      this.notify("The clipboard holds no image, so nothing was pasted.");
      return;
    }
    this.begin("paste", files, editor, info, ready.config, settings, true);
  }

  /** Puts a placeholder for each image where the cursor is and starts their uploads. */
  private begin(
    kind: Kind,
    files: File[],
    editor: Editor,
    info: MarkdownView | MarkdownFileInfo,
    config: UploaderConfig,
    settings: PluginSettings,
    unprocessed: boolean,
  ): void {
    const now = (this.deps.now ?? (() => new Date()))();
    const note: TFile | null = info.file ?? null;
    const pending: Pending[] = files.map((file) => {
      const name = attachmentName(file, kind, now);
      return { file, name, placeholder: uploadingPlaceholder(name, (this.deps.newId ?? randomPlaceholderId)()), unprocessed, style: linkStyleOf(settings) };
    });
    // Several images go on separate lines, as Obsidian embeds them.
    editor.replaceSelection(pending.map((p) => p.placeholder).join("\n"));
    const site = new PlaceholderSite(this.deps.app, { editor, info }, note);

    const job = this.uploadAll(pending, site, config, note, settings.concurrency).catch((e: unknown) => {
      console.error(`${PLUGIN_NAME}: paste handling failed`, describe(e, config.credentials));
    });
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
  }

  private explainNotReady(ready: Extract<Readiness, { ok: false }>): void {
    if (ready.unconfigured) {
      // Someone who installed the plugin but has not set it up hears about it once per session.
      if (this.toldUnconfigured) return;
      this.toldUnconfigured = true;
      this.notify(`Set up a bucket in ${PLUGIN_NAME} settings to upload pasted and dropped images. This image was saved in your vault as usual.`);
      return;
    }
    const more = ready.problems.length > 1 ? ` (${ready.problems.length - 1} more in the settings)` : "";
    this.notify(`${PLUGIN_NAME} cannot upload yet: ${ready.problems[0]}${more} This image was saved in your vault as usual.`);
  }

  private async uploadAll(pending: Pending[], site: PlaceholderSite, config: UploaderConfig, note: TFile | null, concurrency: number): Promise<void> {
    const uploader = this.deps.getUploader(config);
    // Failures are handled per image; keep an early rejection from being reported as unhandled.
    uploader.catch(() => undefined);
    // Read when needed: Obsidian updates a renamed note's TFile in place.
    const notePath = () => note?.path ?? "";
    const uploads = new Map<Pending, Upload>();
    await runPool(pending, concurrency, async (p) => {
      uploads.set(p, await this.uploadOne(p, uploader, config, notePath()));
    });
    await this.land(pending, uploads, site, config, notePath());
  }

  private async uploadOne(p: Pending, uploader: Promise<ImageUploader>, config: UploaderConfig, notePath: string): Promise<Upload> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await p.file.arrayBuffer());
    } catch (e) {
      return { kind: "unreadable", reason: describe(e, config.credentials) };
    }
    try {
      const asset = { bytes, name: p.name, notePath, reportedType: p.file.type || undefined, ...(p.unprocessed ? { unprocessed: true } : {}) };
      const stored = await (await uploader).upload(asset);
      return { kind: "uploaded", link: writeImageLink({ url: stored.url, name: p.name }, p.style), url: stored.url };
    } catch (e) {
      return { kind: "failed", bytes, reason: uploadFailure(p.name, e, config.credentials) };
    }
  }

  /**
   * Puts every image's outcome where its placeholder is, in one edit, and tells the user what
   * needs telling. An image whose upload failed is saved as an attachment first, but only while
   * its placeholder stands: a user who removed the placeholder removed the image with it.
   */
  private async land(pending: Pending[], uploads: Map<Pending, Upload>, site: PlaceholderSite, config: UploaderConfig, notePath: string): Promise<void> {
    const standing = await site.standing(pending.filter((p) => uploads.get(p)?.kind === "failed").map((p) => p.placeholder));
    const texts = new Map<string, string>();
    const saved = new Map<Pending, string>();
    const messages = new Map<Pending, string>();
    for (const p of pending) {
      const upload = uploads.get(p);
      if (!upload) continue;
      texts.set(p.placeholder, "");
      if (upload.kind === "uploaded") {
        texts.set(p.placeholder, upload.link);
      } else if (upload.kind === "unreadable") {
        // Without its bytes the image cannot be kept anywhere; do not leave a placeholder behind.
        messages.set(p, `Could not read the image ${p.name}: ${upload.reason}`);
      } else if (!standing.has(p.placeholder)) {
        messages.set(p, `${upload.reason} The image ${p.name} was not saved, because its placeholder was removed from the note.`);
      } else {
        try {
          const attachment = await saveAsAttachment(this.deps.app, upload.bytes, p.name, notePath);
          texts.set(p.placeholder, attachment.embed);
          saved.set(p, attachment.file.path);
        } catch (e) {
          messages.set(p, `${upload.reason} Saving the image in your vault failed too: ${describe(e)}`);
        }
      }
    }

    let replaced = new Set<string>();
    let failure: string | null = null;
    try {
      ({ replaced } = await site.replace(texts));
    } catch (e) {
      failure = describe(e, config.credentials);
    }
    for (const p of pending) {
      const text = texts.get(p.placeholder);
      if (text !== undefined) this.ended.record(p.placeholder, { name: p.name, text, inNote: replaced.has(p.placeholder) });
    }

    for (const p of pending) {
      const upload = uploads.get(p);
      const inNote = replaced.has(p.placeholder);
      if (upload?.kind === "uploaded") {
        // The image is safe in the bucket; give the user its link rather than lose it.
        if (failure !== null) messages.set(p, `${p.name} was uploaded to ${upload.url}, but the note could not be updated: ${failure}`);
        // Removed by the user, by an undo or with its note; the upload itself is not lost.
        else if (!inNote) messages.set(p, `${p.name} was uploaded to ${upload.url}, but its placeholder is no longer in the note, so no link was inserted.`);
      } else if (upload?.kind === "failed" && saved.has(p)) {
        const linked =
          failure !== null
            ? ` The note could not be updated to link to it: ${failure}`
            : inNote
              ? ""
              : " Its placeholder was removed meanwhile, so the note does not link to it.";
        messages.set(p, `${upload.reason} The image was saved in your vault as ${saved.get(p)}.${linked}`);
      }
    }
    for (const p of pending) {
      const message = messages.get(p);
      if (message !== undefined) this.notify(message);
    }
  }
}

/** An error in words; never contains the credentials. */
export function describe(e: unknown, credentials?: Credentials): string {
  return redactSecrets(errorText(e), credentialValues(credentials));
}

/** Why an upload failed: the uploader's own explanation, or the error with what failed. */
export function uploadFailure(name: string, e: unknown, credentials: Credentials): string {
  return isUploadError(e) ? describe(e, credentials) : `Uploading ${name} failed: ${describe(e, credentials)}`;
}

/** The app's clipboard (`navigator.clipboard`); undefined where there is no window, as in tests. */
function systemClipboard(): ClipboardReader | undefined {
  return typeof activeWindow === "undefined" ? undefined : activeWindow.navigator.clipboard;
}

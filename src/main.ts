import { debounce, Notice, Plugin, requestUrl } from "obsidian";
import type { UploadIndex } from "./core/ports";
import type { PluginSettings } from "./core/settings/settingsModel";
import { FileUploadIndex } from "./core/settings/uploadIndexFile";
import { AttachmentArrivals } from "./obsidian/attachmentArrivals";
import { CanvasArrivals } from "./obsidian/canvasArrivals";
import { PasteDropHandler, PLUGIN_NAME } from "./obsidian/pasteDrop";
import { platformCodec } from "./obsidian/platformCodec";
import { sdkUploaderFactory } from "./obsidian/sdkUploader";
import { registerUploadAll } from "./obsidian/uploadAllCommand";
import { registerLifecycleCommands } from "./obsidian/lifecycleCommands";
import { registerDownloadCommands } from "./obsidian/downloadCommands";
import { loadPluginSettings } from "./obsidian/settingsStore";
import { S3ImageHostingSettingTab, type SettingsHost } from "./obsidian/settingsTab";
import { UploaderCache, type UploaderConfig } from "./obsidian/uploaderCache";
import { adapterIndexFile, UPLOAD_INDEX_FILE } from "./obsidian/uploadIndexStore";

/** Wait this long after the last change before writing data.json. */
const SAVE_DELAY_MS = 1000;

/**
 * Lifecycle and registration only: settings in, handlers and the settings tab registered,
 * pending saves written on unload. The S3 SDK is not loaded here, nor the upload index (a file
 * of its own beside data.json): the first upload loads both.
 *
 * The index of older versions lived in data.json (`uploadIndex`). The first upload folds it
 * into the index file, and only once that file is written is it removed from data.json.
 *
 * Obsidian keeps this object alive after `onunload`: uploads in flight still finish and timers
 * still fire, while a NEW instance (enabling the plugin again) owns data.json. So once unloaded,
 * this instance never writes data.json again: its last changes are written during `onunload`,
 * and anything that would save later (a finished upload's index record, a late debounced save,
 * the settings tab) is dropped.
 */
export default class S3ImageHostingPlugin extends Plugin implements SettingsHost {
  settings!: PluginSettings;
  private index!: FileUploadIndex;
  private readonly saveSoon = debounce(() => this.saveSettings(), SAVE_DELAY_MS, true);
  private saving: Promise<void> = Promise.resolve();
  /** Settings changed since the last `saveData` call. */
  private dirty = false;
  /** False once unloaded: from then on this instance leaves data.json to its successor. */
  private live = true;
  private readonly uploaders = new UploaderCache(
    sdkUploaderFactory({
      requestUrl,
      // An upload that finishes after unload keeps its link, but its record is dropped: the
      // plugin's files are no longer this instance's to write.
      index: {
        get: (scope, sha) => this.index.get(scope, sha),
        set: (scope, sha, r) => {
          if (this.live) this.index.set(scope, sha, r);
        },
      } satisfies UploadIndex,
      // The browser codec is evaluated only when a profile first converts or scales an image.
      codec: platformCodec(
        () => import("./obsidian/canvasCodec").then((m) => m.createCanvasCodec()),
        (message) => new Notice(message, 10_000),
      ),
      loadIndex: () => this.index.load(),
    }),
  );

  async onload(): Promise<void> {
    const folder = this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`;
    this.index = new FileUploadIndex(adapterIndexFile(this.app.vault.adapter, `${folder}/${UPLOAD_INDEX_FILE}`), {
      migrateFrom: () => this.oldIndex(),
      onError: (e) => console.error(`${PLUGIN_NAME}: could not read or write the upload index`, e),
      // Read on the first upload, which may be in the middle of typing: in slices, the editor between them.
      pause: () => new Promise((resolve) => window.setTimeout(resolve, 0)),
    });
    await this.loadSettings();

    // Every face reads the settings when it acts and shares one uploader per configuration.
    const faces = {
      settings: () => this.settings,
      getUploader: async (config: UploaderConfig) => this.uploaders.uploaderFor(config),
    };
    const pasteDrop = new PasteDropHandler({ app: this.app, ...faces });
    this.registerEditorExtension(pasteDrop.editorExtension);
    this.registerEvent(this.app.workspace.on("editor-paste", pasteDrop.onPaste));
    this.registerEvent(this.app.workspace.on("editor-drop", pasteDrop.onDrop));
    this.addCommand({
      id: "paste-image-without-processing",
      name: "Paste image without processing",
      editorCallback: (editor, ctx) => void pasteDrop.pasteUnprocessed(editor, ctx),
    });
    // Attached images (the attach button, camera and share sheet on a phone). Obsidian fires
    // "create" for every file while the vault loads; listening starts once the layout is ready.
    const arrivals = new AttachmentArrivals({ app: this.app, ...faces });
    this.register(() => arrivals.stop());
    this.registerEvent(this.app.workspace.on("editor-change", arrivals.onEditorChange));
    // Images pasted or dropped on a canvas: Obsidian saves them and adds a file node itself.
    const canvasArrivals = new CanvasArrivals({ app: this.app, ...faces });
    this.register(() => canvasArrivals.stop());
    this.app.workspace.onLayoutReady(() => {
      if (!this.live) return;
      this.registerEvent(this.app.vault.on("create", arrivals.onCreate));
      this.registerEvent(this.app.vault.on("create", canvasArrivals.onCreate));
      this.registerEvent(this.app.vault.on("modify", canvasArrivals.onModify));
    });
    registerUploadAll(this, faces);
    registerLifecycleCommands(this, { settings: faces.settings, requestUrl });
    registerDownloadCommands(this, {
      ...faces,
      uploads: async () => {
        await this.index.load();
        return this.index;
      },
    });
    this.addSettingTab(new S3ImageHostingSettingTab(this.app, this, this));
  }

  /**
   * Writes pending changes now — `saveData` is called before this returns — and then stops
   * this instance from ever writing data.json again.
   */
  onunload(): void {
    this.saveSoon.cancel();
    if (this.live && this.dirty) {
      const write = this.writeNow();
      this.saving = this.saving.then(() => write).catch((e: unknown) => console.error(`${PLUGIN_NAME}: could not save settings`, e));
    }
    this.live = false;
    this.uploaders.close();
  }

  /**
   * Reads data.json through the settings migration. Plain-text keys found in it are moved to
   * secret storage (or dropped when the profile's named secrets already hold them), and
   * data.json is rewritten at once so that no key stays in it.
   */
  async loadSettings(): Promise<void> {
    const { settings, movedCredentials, plaintextFound } = loadPluginSettings(await this.loadData(), this.app.secretStorage);
    this.settings = settings;
    if (plaintextFound) await this.saveSettings();
    // data.json synced from a device whose version still keeps the index there, after this
    // session's index was read: its records go into the file too, then leave data.json.
    const old = this.oldIndex();
    if (old && this.index.loaded) {
      void this.index.absorb(old.data).then(old.done, (e: unknown) => console.error(`${PLUGIN_NAME}: could not move the upload index out of data.json`, e));
    }
    if (movedCredentials > 0) {
      new Notice(`${PLUGIN_NAME}: moved the access keys of ${movedCredentials} profile(s) from data.json into Obsidian's secret storage.`);
    }
  }

  /**
   * Writes data.json. Writes are queued so an older snapshot never lands after a newer one.
   * After unload it writes nothing.
   */
  saveSettings(): Promise<void> {
    if (!this.live) return this.saving;
    this.dirty = true;
    const write = this.saving.then(() => (this.live && this.dirty ? this.writeNow() : undefined));
    this.saving = write.catch((e: unknown) => console.error(`${PLUGIN_NAME}: could not save settings`, e));
    return write;
  }

  private writeNow(): Promise<void> {
    this.dirty = false;
    // Once moved to its own file, the index is left out of data.json altogether.
    const { uploadIndex, ...rest } = this.settings;
    return this.saveData(Object.keys(uploadIndex).length > 0 ? this.settings : rest);
  }

  /** The index an older version kept in data.json, and how to drop it from there once moved. */
  private oldIndex(): { data: PluginSettings["uploadIndex"]; done: () => Promise<void> } | undefined {
    const data = this.settings.uploadIndex;
    if (Object.keys(data).length === 0) return undefined;
    return {
      data,
      done: async () => {
        if (this.settings.uploadIndex !== data) return;
        this.settings.uploadIndex = {};
        await this.saveSettings();
      },
    };
  }

  requestSave(): void {
    if (!this.live) return;
    this.dirty = true;
    this.saveSoon();
  }

  /** Writes pending changes now; resolves when every write so far has finished. */
  async flushSave(): Promise<void> {
    await this.saveSoon.run();
    await this.saving;
    // The index file is written only once it has been read (by an upload): nothing to wait for before.
    if (this.index?.loaded) await this.index.flush();
    await this.saving;
  }

  /** data.json changed on disk (e.g. synced from another device). */
  async onExternalSettingsChange(): Promise<void> {
    if (!this.live) return;
    this.saveSoon.cancel();
    this.dirty = false;
    await this.loadSettings();
  }
}

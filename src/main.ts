import { debounce, Notice, Plugin, requestUrl } from "obsidian";
import type { UploadIndex } from "./core/ports";
import type { PluginSettings } from "./core/settings";
import { MemoryUploadIndex } from "./core/uploadIndex";
import { PasteDropHandler, PLUGIN_NAME } from "./obsidian/pasteDrop";
import { sdkUploaderFactory } from "./obsidian/sdkUploader";
import { registerUploadAll } from "./obsidian/uploadAll";
import { loadPluginSettings } from "./obsidian/settingsStore";
import { S3ImageHostingSettingTab, type SettingsHost } from "./obsidian/settingsTab";
import { UploaderCache, type UploaderConfig } from "./obsidian/uploaderCache";

/** Wait this long after the last change before writing data.json. */
const SAVE_DELAY_MS = 1000;

/**
 * Lifecycle and registration only: settings in, handlers and the settings tab registered,
 * pending saves written on unload. The S3 SDK is not loaded here; the first upload loads it.
 */
export default class S3ImageHostingPlugin extends Plugin implements SettingsHost {
  settings!: PluginSettings;
  private index!: MemoryUploadIndex;
  private readonly saveSoon = debounce(() => this.saveSettings(), SAVE_DELAY_MS, true);
  private saving: Promise<void> = Promise.resolve();
  private readonly uploaders = new UploaderCache(
    sdkUploaderFactory({
      requestUrl,
      // Through a getter: settings reloaded from disk replace the index object.
      index: { get: (scope, sha) => this.index.get(scope, sha), set: (scope, sha, r) => this.index.set(scope, sha, r) } satisfies UploadIndex,
    }),
  );

  async onload(): Promise<void> {
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
    registerUploadAll(this, faces);
    this.addSettingTab(new S3ImageHostingSettingTab(this.app, this, this));

    this.register(() => {
      void this.flushSave();
      this.uploaders.clear();
    });
  }

  /** Reads data.json through the settings migration; plain-text keys move to secret storage. */
  async loadSettings(): Promise<void> {
    const { settings, movedCredentials } = loadPluginSettings(await this.loadData(), this.app.secretStorage);
    this.settings = settings;
    this.index = new MemoryUploadIndex(settings.uploadIndex, { onChange: () => this.requestSave() });
    // The index's live data is what gets saved, so the two never drift apart.
    this.settings.uploadIndex = this.index.toJSON();
    if (movedCredentials > 0) {
      await this.saveSettings();
      new Notice(`${PLUGIN_NAME}: moved the access keys of ${movedCredentials} profile(s) from data.json into Obsidian's secret storage.`);
    }
  }

  /** Writes data.json. Writes are queued so an older snapshot never lands after a newer one. */
  saveSettings(): Promise<void> {
    const write = this.saving.then(() => this.saveData(this.settings));
    this.saving = write.catch((e: unknown) => console.error(`${PLUGIN_NAME}: could not save settings`, e));
    return write;
  }

  requestSave(): void {
    this.saveSoon();
  }

  /** Writes pending changes now; resolves when every write so far has finished. */
  async flushSave(): Promise<void> {
    await this.saveSoon.run();
    await this.saving;
  }

  /** data.json changed on disk (e.g. synced from another device). */
  async onExternalSettingsChange(): Promise<void> {
    this.saveSoon.cancel();
    await this.loadSettings();
  }
}

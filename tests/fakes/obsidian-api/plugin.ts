/**
 * Obsidian's `Plugin`: lifecycle, registrations, and data.json in the plugin's folder.
 *
 * As in Obsidian, unloading (disabling the plugin) does not end the object: promises it has in
 * flight still resolve, timers it set outside `registerInterval` still fire, and nothing stops
 * it from calling `saveData` — which still writes data.json. Enabling the plugin again makes a
 * NEW instance of the class over the same data.json (`PluginSwitch` models that).
 * Evidence: tests/fakes/BEHAVIOURS.md P1–P3.
 */
import type { Extension } from "@codemirror/state";
import type { App } from "./app";
import { Component } from "./events";
import { declarativeSettings } from "./settingDefinitions";
import type { PluginSettingTab } from "./ui";

export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  minAppVersion: string;
  author: string;
  description: string;
  dir?: string;
}

export interface Command {
  id: string;
  name: string;
  callback?: () => unknown;
  editorCheckCallback?: (checking: boolean, ...args: any[]) => boolean | void;
}

export abstract class Plugin extends Component {
  app: App;
  manifest: PluginManifest;
  /** Test helper: the commands and settings tabs this plugin registered. */
  readonly commands: Command[] = [];
  readonly settingTabs: PluginSettingTab[] = [];
  /**
   * Test helper, not in Obsidian's API: every `saveData` call, with the JSON it wrote and
   * whether `unload()` (and with it `onunload`) had already finished.
   */
  readonly saveDataCalls: { json: string; afterUnload: boolean }[] = [];
  private unloadFinished = false;

  constructor(app: App, manifest: PluginManifest) {
    super();
    this.app = app;
    this.manifest = { ...manifest, dir: manifest.dir ?? `${app.vault.configDir}/plugins/${manifest.id}` };
  }

  private get dataPath(): string {
    return `${this.manifest.dir}/data.json`;
  }

  /** The parsed data.json, or null when there is none — as Obsidian returns. */
  async loadData(): Promise<any> {
    if (!(await this.app.vault.adapter.exists(this.dataPath))) return null;
    return JSON.parse(await this.app.vault.adapter.read(this.dataPath));
  }

  /** Writes data.json; like Obsidian, only what survives JSON is kept, as it is at the call. */
  async saveData(data: unknown): Promise<void> {
    const json = JSON.stringify(data, null, 2);
    this.saveDataCalls.push({ json, afterUnload: this.unloadFinished });
    await this.app.vault.adapter.write(this.dataPath, json);
  }

  unload(): void {
    super.unload();
    this.unloadFinished = true;
  }

  addCommand(command: Command): Command {
    const registered = { ...command, id: `${this.manifest.id}:${command.id}`, name: `${this.manifest.name}: ${command.name}` };
    this.commands.push(registered);
    this.register(() => this.commands.splice(this.commands.indexOf(registered), 1));
    return registered;
  }

  /**
   * Puts a CodeMirror 6 extension into every editor (obsidian.d.ts, since 0.12.8) until the
   * plugin unloads: plugins leave their extensions registered in `onunload`, and Obsidian takes
   * them out of the editors when it disables the plugin.
   */
  registerEditorExtension(extension: Extension): void {
    this.register(this.app.workspace.installEditorExtension(extension));
  }

  /** From 1.13 the tab's definitions are stored for settings search when it is added (BEHAVIOURS.md S6). */
  addSettingTab(tab: PluginSettingTab): void {
    if (declarativeSettings()) tab.update();
    this.settingTabs.push(tab);
    this.register(() => this.settingTabs.splice(this.settingTabs.indexOf(tab), 1));
  }

  onExternalSettingsChange?(): unknown;
}

/** A plugin class as Obsidian instantiates it. */
export type PluginClass<T extends Plugin> = new (app: App, manifest: PluginManifest) => T;

/**
 * Test helper, not in Obsidian's API: the plugin's switch under Settings → Community plugins.
 * `enable()` does what Obsidian does: a NEW instance of the class, loaded (its `onload`
 * awaited) over the data.json in the plugin's folder. `disable()` unloads the current instance,
 * which lives on as an object. `instances` holds every instance made, oldest first.
 */
export class PluginSwitch<T extends Plugin> {
  readonly instances: T[] = [];
  current: T | null = null;

  constructor(
    private readonly app: App,
    private readonly PluginClass: PluginClass<T>,
    private readonly manifest: PluginManifest,
  ) {}

  async enable(): Promise<T> {
    if (this.current) return this.current;
    const plugin = new this.PluginClass(this.app, this.manifest);
    this.instances.push(plugin);
    await plugin.load();
    this.current = plugin;
    return plugin;
  }

  disable(): void {
    const plugin = this.current;
    this.current = null;
    plugin?.unload();
  }
}

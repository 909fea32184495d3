/**
 * A small, faithful fake of the Obsidian API for tests: `jest.config.cjs` maps `obsidian` here.
 * Files and folders are real (a temp directory), the editor has CodeMirror's offset semantics,
 * `vault.process` is atomic, renames keep the TFile, links and attachments follow the vault's
 * "Files and links" options as Obsidian does (an attachment's link is an embed, `!` included),
 * and a plugin outlives its `onload`/`onunload` the way it does in Obsidian (`PluginSwitch`).
 * Names that Obsidian does not have are test helpers and say so in their docs. Each behaviour
 * modelled, with its evidence (obsidian.d.ts, obsidianmd/obsidian-api issues, other plugins),
 * is a row of tests/fakes/BEHAVIOURS.md; the fake's comments cite the rows.
 */
import { installDomHelpers } from "./obsidian-api/dom";

installDomHelpers();

// Plugin code runs in a browser window and takes its timers from `window` (Obsidian's lint
// rules ask for it); in Node's test environment the global object stands in for it.
(globalThis as { window?: unknown }).window ??= globalThis;

export { App, createFakeApp } from "./obsidian-api/app";
export { Editor } from "./obsidian-api/editor";
export type { EditorChange, EditorChangeRecord, EditorPosition, EditorRange, EditorSelection, EditorTransaction } from "./obsidian-api/editor";
export { Component, Events } from "./obsidian-api/events";
export type { EventRef } from "./obsidian-api/events";
export { FileManager, MetadataCache } from "./obsidian-api/links";
export type { FileManagerOptions } from "./obsidian-api/links";
export { Plugin, PluginSwitch } from "./obsidian-api/plugin";
export type { Command, PluginClass, PluginManifest } from "./obsidian-api/plugin";
export { SecretStorage } from "./obsidian-api/secrets";
export { requireApiVersion, searchDefinitions, setApiVersion } from "./obsidian-api/settingDefinitions";
export type { SearchHit } from "./obsidian-api/settingDefinitions";
export {
  BaseComponent,
  ButtonComponent,
  debounce,
  DropdownComponent,
  ExtraButtonComponent,
  Menu,
  MenuItem,
  Modal,
  Notice,
  Platform,
  PluginSettingTab,
  SecretComponent,
  setIcon,
  Setting,
  SettingTab,
  TextAreaComponent,
  TextComponent,
  ToggleComponent,
  ValueComponent,
} from "./obsidian-api/ui";
export type { Debouncer } from "./obsidian-api/ui";
export { DEFAULT_VAULT_CONFIG, FakeAdapter, normalizePath, TAbstractFile, TFile, TFolder, Vault } from "./obsidian-api/vault";
export type { VaultConfig } from "./obsidian-api/vault";
export { attachOnDevice, dispatchEditorInput, FileView, MarkdownView, pastedImageName, Workspace, WorkspaceLeaf } from "./obsidian-api/workspace";
export { CANVAS_VIEW_SAVE_MS, CanvasView, canvasText } from "./obsidian-api/canvas";
export type { CanvasNodeData } from "./obsidian-api/canvas";
export type { MarkdownFileInfo } from "./obsidian-api/workspace";
export { obsidianRequestUrl as requestUrl, routeRequestUrl } from "./requestUrl";

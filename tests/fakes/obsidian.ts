/**
 * A small, faithful fake of the Obsidian API for tests: `jest.config.cjs` maps `obsidian` here.
 * Files and folders are real (a temp directory), the editor has CodeMirror's offset semantics,
 * `vault.process` is atomic, and link and attachment rules follow Obsidian's defaults.
 * Names that Obsidian does not have are test helpers and say so in their docs.
 */
import { installDomHelpers } from "./obsidian-api/dom";

installDomHelpers();

export { App, createFakeApp } from "./obsidian-api/app";
export { Editor } from "./obsidian-api/editor";
export type { EditorChange, EditorChangeRecord, EditorPosition, EditorRange, EditorSelection, EditorTransaction } from "./obsidian-api/editor";
export { Component, Events } from "./obsidian-api/events";
export type { EventRef } from "./obsidian-api/events";
export { FileManager, MetadataCache } from "./obsidian-api/links";
export type { FileManagerOptions } from "./obsidian-api/links";
export { Plugin } from "./obsidian-api/plugin";
export type { Command, PluginManifest } from "./obsidian-api/plugin";
export { SecretStorage } from "./obsidian-api/secrets";
export {
  BaseComponent,
  ButtonComponent,
  debounce,
  DropdownComponent,
  ExtraButtonComponent,
  Menu,
  MenuItem,
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
export { FakeAdapter, normalizePath, TAbstractFile, TFile, TFolder, Vault } from "./obsidian-api/vault";
export { dispatchEditorInput, MarkdownView, pastedImageName, Workspace, WorkspaceLeaf } from "./obsidian-api/workspace";
export type { MarkdownFileInfo } from "./obsidian-api/workspace";
export { requestUrl } from "./requestUrl";

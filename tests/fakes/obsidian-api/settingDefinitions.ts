/**
 * What Obsidian 1.13 does with a settings tab's `getSettingDefinitions()`: it keeps the
 * definitions for rendering and search, draws the tab from them instead of calling `display()`,
 * reads and writes control values through the tab's `getControlValue` / `setControlValue`, and
 * finds settings by name, description and aliases. Before 1.13 none of this happens and
 * `display()` draws the tab. The API version is the fake's (`setApiVersion`), starting at the
 * plugin's minAppVersion. Evidence: tests/fakes/BEHAVIOURS.md S1–S8.
 */
import type { SettingControl, SettingDefinition, SettingDefinitionItem, SettingGroupItem } from "obsidian";
import type { Setting as FakeSetting } from "./ui";

let apiVersion = "1.11.4";

/** Test helper, not in Obsidian's API: the version `requireApiVersion` compares with. */
export function setApiVersion(version: string): void {
  apiVersion = version;
}

function parts(version: string): number[] {
  return version.split(".").map((p) => Number.parseInt(p, 10) || 0);
}

/** True when the (fake) API version is `version` or later (BEHAVIOURS.md S1). */
export function requireApiVersion(version: string): boolean {
  const have = parts(apiVersion);
  const want = parts(version);
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const d = (have[i] ?? 0) - (want[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** Whether this version renders tabs from their definitions (BEHAVIOURS.md S2). */
export const declarativeSettings = (): boolean => requireApiVersion("1.13.0");

/** The part of a settings tab this module drives. */
export interface DefinitionsTab {
  containerEl: HTMLElement;
  settingItems: SettingDefinitionItem[];
  getControlValue(key: string): unknown;
  setControlValue(key: string, value: unknown): void | Promise<void>;
}

type SettingClass = new (containerEl: HTMLElement) => FakeSetting;

const evaluate = (flag: boolean | (() => boolean) | undefined, fallback: boolean): boolean =>
  flag === undefined ? fallback : typeof flag === "function" ? flag() : flag;

const isGroup = (item: SettingDefinitionItem): item is Extract<SettingDefinitionItem, { type: "group" | "list" }> =>
  "type" in item && (item.type === "group" || item.type === "list");
const isPage = (item: SettingDefinitionItem): item is Extract<SettingDefinitionItem, { type: "page" }> => "type" in item && item.type === "page";

/** Cleanups returned by `render` callbacks, run before the rows are torn down (S5). */
const cleanups = new WeakMap<HTMLElement, Array<() => void>>();

/** Draws `tab.settingItems` into its container, replacing what was there (S2–S6). */
export function renderDefinitions(tab: DefinitionsTab, Setting: SettingClass): void {
  const container = tab.containerEl;
  for (const cleanup of cleanups.get(container) ?? []) cleanup();
  cleanups.set(container, []);
  container.empty();
  for (const item of tab.settingItems) renderItem(tab, Setting, container, item, 0);
}

function renderItem(tab: DefinitionsTab, Setting: SettingClass, container: HTMLElement, item: SettingDefinitionItem, index: number): void {
  if (isGroup(item)) {
    if (!evaluate(item.visible, true)) return;
    const groupEl = container.createDiv({ cls: "setting-group" });
    if (item.heading !== undefined) new Setting(groupEl).setName(item.heading).setHeading();
    (item.items ?? []).forEach((child: SettingGroupItem, i: number) => renderItem(tab, Setting, groupEl, child, i));
    return;
  }
  if (isPage(item)) {
    if (!evaluate(item.visible, true)) return;
    const entry = new Setting(container).setName(item.name);
    if (item.desc !== undefined) entry.setDesc(item.desc);
    return;
  }
  const def: SettingDefinition = item;
  if (!evaluate(def.visible, true)) return;
  const setting = new Setting(container).setName(def.name);
  if (def.desc !== undefined) setting.setDesc(def.desc);
  if (def.render) {
    const cleanup = def.render(setting as never, { listEl: container } as never);
    if (typeof cleanup === "function") cleanups.get(tab.containerEl)?.push(cleanup);
  } else if (def.action) {
    const action = def.action;
    const disabled = def.disabled;
    setting.settingEl.addClass("mod-clickable");
    setting.settingEl.addEventListener("click", () => {
      if (!evaluate(disabled, false)) action(setting.settingEl, index);
    });
  } else if (def.control) {
    renderControl(tab, setting, def.control);
  }
}

/** A stored value as an input shows it; anything but a string, number or boolean shows empty. */
const asText = (value: unknown): string => (typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "");

/** A control bound to its key: seeded from `getControlValue`, checked by `validate`, stored by `setControlValue` (S3, S4). */
function renderControl(tab: DefinitionsTab, setting: FakeSetting, control: SettingControl): void {
  // Test helper class: where the fake shows a rejected value's message (Obsidian's own element is not documented).
  const errorEl = setting.infoEl.createDiv({ cls: "setting-item-error" });
  const seeded = tab.getControlValue(control.key) ?? control.defaultValue;
  const validate = control.validate as ((value: unknown) => string | void | Promise<string | void>) | undefined;
  const show = (message: string | void): boolean => {
    errorEl.setText(message || "");
    return !message;
  };
  const commit = (value: unknown): void => {
    const verdict = validate?.(value);
    const store = (message: string | void) => {
      if (show(message)) void tab.setControlValue(control.key, value);
    };
    if (verdict instanceof Promise) void verdict.then(store);
    else store(verdict);
  };
  if (control.type === "toggle") {
    setting.addToggle((t) => t.setValue(Boolean(seeded)).onChange(commit));
  } else if (control.type === "dropdown") {
    setting.addDropdown((d) => d.addOptions(control.options).setValue(asText(seeded)).onChange(commit));
  } else if (control.type === "number" || control.type === "slider") {
    const fallback = control.defaultValue ?? 0;
    setting.addText((t) => {
      t.inputEl.type = "number";
      t.setValue(asText(seeded)).onChange((raw) => {
        const n = Number(raw);
        commit(raw.trim() === "" || Number.isNaN(n) ? fallback : n);
      });
    });
  } else if (control.type === "text" || control.type === "textarea" || control.type === "file" || control.type === "folder") {
    const placeholder = control.placeholder;
    setting.addText((t) => {
      if (placeholder !== undefined) t.setPlaceholder(placeholder);
      t.setValue(asText(seeded)).onChange(commit);
    });
  }
  if ("disabled" in control) setting.setDisabled(evaluate(control.disabled, false));
  // The seeded value is validated once on mount; a failure is shown, never stored over (S4).
  const verdict = validate?.(seeded);
  if (verdict instanceof Promise) void verdict.then(show);
  else show(verdict);
}

/** A definition as settings search sees it. */
export interface SearchHit {
  name: string;
  desc: string;
}

const text = (desc: string | DocumentFragment | undefined): string => (typeof desc === "string" ? desc : (desc?.textContent ?? ""));

/**
 * Test helper, not in Obsidian's API: what the settings search finds in `items` (the tab's
 * `settingItems`, indexed when `update()` stored them) for `query` (S7, S8).
 */
export function searchDefinitions(items: SettingDefinitionItem[], query: string): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: SearchHit[] = [];
  const visit = (item: SettingDefinitionItem): void => {
    if (isGroup(item)) {
      if (evaluate(item.visible, true)) for (const child of item.items ?? []) visit(child);
      return;
    }
    if (!evaluate(item.visible, true)) return;
    const desc = text(item.desc);
    if (isPage(item)) {
      for (const child of item.items ?? []) visit(child);
    } else if (!evaluate(item.searchable, true)) {
      return;
    }
    const haystack = [item.name, desc, ...(isPage(item) ? [] : (item.aliases ?? []))].join("\n").toLowerCase();
    if (words.length > 0 && words.every((w) => haystack.includes(w))) hits.push({ name: item.name, desc });
  };
  for (const item of items) visit(item);
  return hits;
}

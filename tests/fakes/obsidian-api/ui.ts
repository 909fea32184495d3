/**
 * Obsidian's UI pieces a plugin builds with: notices, settings rows and their components,
 * menus, icons. They render into the DOM when one exists (jsdom) and otherwise only keep
 * their state, so handler tests run in plain Node. Evidence: tests/fakes/BEHAVIOURS.md P6–P8.
 */
import type { SettingDefinitionItem } from "obsidian";
import type { App } from "./app";
import type { Plugin } from "./plugin";
import { declarativeSettings, renderDefinitions } from "./settingDefinitions";

const hasDom = () => typeof document !== "undefined";

function text(message: string | DocumentFragment): string {
  return typeof message === "string" ? message : (message.textContent ?? "");
}

export class Notice {
  /** Test helper: every message any notice showed, in order (also after `setMessage`). */
  static readonly messages: string[] = [];
  /** Test helper: the notices shown, most recent last. */
  static readonly shown: Notice[] = [];

  message: string;
  duration: number | undefined;
  hidden = false;
  readonly containerEl: HTMLElement | undefined;
  readonly messageEl: HTMLElement | undefined;

  constructor(message: string | DocumentFragment, duration?: number) {
    this.message = text(message);
    this.duration = duration;
    if (hasDom()) {
      this.containerEl = document.createElement("div");
      this.containerEl.className = "notice-container";
      this.messageEl = document.createElement("div");
      this.messageEl.className = "notice-message";
      this.messageEl.textContent = this.message;
      this.containerEl.appendChild(this.messageEl);
    }
    Notice.messages.push(this.message);
    Notice.shown.push(this);
  }

  setMessage(message: string | DocumentFragment): this {
    this.message = text(message);
    if (this.messageEl) this.messageEl.textContent = this.message;
    Notice.messages.push(this.message);
    return this;
  }

  hide(): void {
    this.hidden = true;
  }

  /** Test helper: forget all recorded notices. */
  static reset(): void {
    Notice.messages.length = 0;
    Notice.shown.length = 0;
  }
}

export abstract class BaseComponent {
  disabled = false;

  then(cb: (component: this) => unknown): this {
    cb(this);
    return this;
  }

  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }
}

export abstract class ValueComponent<T> extends BaseComponent {
  abstract getValue(): T;
  abstract setValue(value: T): this;
}

export class TextComponent extends ValueComponent<string> {
  readonly inputEl: HTMLInputElement;
  private changeCb: ((value: string) => unknown) | null = null;

  constructor(containerEl: HTMLElement, tag: "input" | "textarea" = "input") {
    super();
    this.inputEl = containerEl.createEl(tag as "input", { type: tag === "input" ? "text" : undefined });
    this.inputEl.addEventListener("input", () => this.changeCb?.(this.inputEl.value));
  }

  setDisabled(disabled: boolean): this {
    this.inputEl.disabled = disabled;
    return super.setDisabled(disabled);
  }

  getValue(): string {
    return this.inputEl.value;
  }

  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }

  setPlaceholder(placeholder: string): this {
    this.inputEl.placeholder = placeholder;
    return this;
  }

  onChange(cb: (value: string) => unknown): this {
    this.changeCb = cb;
    return this;
  }
}

export class TextAreaComponent extends TextComponent {
  constructor(containerEl: HTMLElement) {
    super(containerEl, "textarea");
  }
}

export class ToggleComponent extends ValueComponent<boolean> {
  readonly toggleEl: HTMLElement;
  private on = false;
  private changeCb: ((value: boolean) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.toggleEl = containerEl.createDiv({ cls: "checkbox-container" });
    this.toggleEl.addEventListener("click", () => {
      if (!this.disabled) this.setValue(!this.on);
    });
  }

  getValue(): boolean {
    return this.on;
  }

  /** Like Obsidian's, reports a change through `onChange` when the value actually changes. */
  setValue(on: boolean): this {
    const changed = on !== this.on;
    this.on = on;
    this.toggleEl.toggleClass("is-enabled", on);
    if (changed) this.changeCb?.(on);
    return this;
  }

  onChange(cb: (value: boolean) => unknown): this {
    this.changeCb = cb;
    return this;
  }
}

export class DropdownComponent extends ValueComponent<string> {
  readonly selectEl: HTMLSelectElement;
  private changeCb: ((value: string) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.selectEl = containerEl.createEl("select", { cls: "dropdown" });
    this.selectEl.addEventListener("change", () => this.changeCb?.(this.selectEl.value));
  }

  setDisabled(disabled: boolean): this {
    this.selectEl.disabled = disabled;
    return super.setDisabled(disabled);
  }

  addOption(value: string, display: string): this {
    this.selectEl.createEl("option", { text: display, value });
    return this;
  }

  addOptions(options: Record<string, string>): this {
    for (const [v, d] of Object.entries(options)) this.addOption(v, d);
    return this;
  }

  getValue(): string {
    return this.selectEl.value;
  }

  setValue(value: string): this {
    this.selectEl.value = value;
    return this;
  }

  onChange(cb: (value: string) => unknown): this {
    this.changeCb = cb;
    return this;
  }
}

export class ButtonComponent extends BaseComponent {
  readonly buttonEl: HTMLButtonElement;
  private clickCb: ((evt: MouseEvent) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.buttonEl = containerEl.createEl("button");
    this.buttonEl.addEventListener("click", (evt) => {
      if (!this.disabled) void this.clickCb?.(evt);
    });
  }

  setDisabled(disabled: boolean): this {
    this.buttonEl.disabled = disabled;
    return super.setDisabled(disabled);
  }

  setButtonText(name: string): this {
    this.buttonEl.textContent = name;
    return this;
  }

  setIcon(icon: string): this {
    this.buttonEl.setAttribute("data-icon", icon);
    return this;
  }

  setWarning(): this {
    this.buttonEl.addClass("mod-warning");
    return this;
  }

  onClick(cb: (evt: MouseEvent) => unknown): this {
    this.clickCb = cb;
    return this;
  }
}

export class ExtraButtonComponent extends ButtonComponent {}

/**
 * Obsidian's secret picker: its value is the NAME of a secret in `app.secretStorage`, never
 * the secret itself. The fake renders a select of the stored names.
 */
export class SecretComponent extends BaseComponent {
  readonly selectEl: HTMLSelectElement;
  private changeCb: ((value: string) => unknown) | null = null;

  constructor(
    private readonly app: App,
    containerEl: HTMLElement,
  ) {
    super();
    this.selectEl = containerEl.createEl("select", { cls: "secret-component" });
    this.fill("");
    this.selectEl.addEventListener("focus", () => this.fill(this.selectEl.value));
    this.selectEl.addEventListener("change", () => this.changeCb?.(this.selectEl.value));
  }

  private fill(current: string): void {
    this.selectEl.empty();
    this.selectEl.createEl("option", { text: "", value: "" });
    const names = new Set(this.app.secretStorage.listSecrets());
    if (current) names.add(current);
    for (const name of names) this.selectEl.createEl("option", { text: name, value: name });
    this.selectEl.value = current;
  }

  setValue(value: string): this {
    this.fill(value);
    return this;
  }

  onChange(cb: (value: string) => unknown): this {
    this.changeCb = cb;
    return this;
  }
}

export class Setting {
  readonly settingEl: HTMLElement;
  readonly infoEl: HTMLElement;
  readonly nameEl: HTMLElement;
  readonly descEl: HTMLElement;
  readonly controlEl: HTMLElement;
  readonly components: BaseComponent[] = [];

  constructor(containerEl: HTMLElement) {
    this.settingEl = containerEl.createDiv({ cls: "setting-item" });
    this.infoEl = this.settingEl.createDiv({ cls: "setting-item-info" });
    this.nameEl = this.infoEl.createDiv({ cls: "setting-item-name" });
    this.descEl = this.infoEl.createDiv({ cls: "setting-item-description" });
    this.controlEl = this.settingEl.createDiv({ cls: "setting-item-control" });
  }

  setName(name: string | DocumentFragment): this {
    this.nameEl.setText(name);
    return this;
  }

  setDesc(desc: string | DocumentFragment): this {
    this.descEl.setText(desc);
    return this;
  }

  setHeading(): this {
    this.settingEl.addClass("setting-item-heading");
    return this;
  }

  setDisabled(disabled: boolean): this {
    this.settingEl.toggleClass("is-disabled", disabled);
    for (const c of this.components) c.setDisabled(disabled);
    return this;
  }

  private add<T extends BaseComponent>(component: T, cb: (component: T) => unknown): this {
    this.components.push(component);
    cb(component);
    return this;
  }

  addText(cb: (component: TextComponent) => unknown): this {
    return this.add(new TextComponent(this.controlEl), cb);
  }

  addToggle(cb: (component: ToggleComponent) => unknown): this {
    return this.add(new ToggleComponent(this.controlEl), cb);
  }

  addDropdown(cb: (component: DropdownComponent) => unknown): this {
    return this.add(new DropdownComponent(this.controlEl), cb);
  }

  addButton(cb: (component: ButtonComponent) => unknown): this {
    return this.add(new ButtonComponent(this.controlEl), cb);
  }

  addComponent<T extends BaseComponent>(cb: (el: HTMLElement) => T): this {
    this.components.push(cb(this.controlEl));
    return this;
  }

  then(cb: (setting: this) => unknown): this {
    cb(this);
    return this;
  }
}

/**
 * A settings tab. From 1.13 (BEHAVIOURS.md S1–S6) Obsidian keeps the tab's definitions in
 * `settingItems` and draws the tab from them when there are any; before 1.13, and when there
 * are none, `display()` draws it. `open()` is what showing the tab in the settings window does.
 */
export abstract class SettingTab {
  app: App;
  containerEl: HTMLElement;
  icon = "";
  settingItems: SettingDefinitionItem[] = [];
  /** Test helper, not in Obsidian's API: whether the tab is showing in the settings window. */
  shown = false;

  constructor(app: App) {
    this.app = app;
    this.containerEl = hasDom() ? document.createElement("div") : (undefined as unknown as HTMLElement);
    this.containerEl?.addClass("vertical-tab-content");
  }

  abstract display(): void;

  getSettingDefinitions(): SettingDefinitionItem[] {
    return [];
  }

  /** Stores the definitions for rendering and search, and redraws a showing tab from them (S2, S6). */
  update(): void {
    if (!declarativeSettings()) throw new TypeError("this.update is not a function");
    this.settingItems = this.getSettingDefinitions();
    if (this.shown && this.settingItems.length > 0) renderDefinitions(this, Setting);
  }

  /** Reads a control's value; the plugin tab overrides it (S3). */
  getControlValue(key: string): unknown {
    void key;
    return undefined;
  }

  /** Writes a control's value; the plugin tab overrides it (S3). */
  setControlValue(key: string, value: unknown): void | Promise<void> {
    void key;
    void value;
  }

  /** Test helper, not in Obsidian's API: the user opens this tab in the settings window (S2). */
  open(): void {
    this.shown = true;
    if (declarativeSettings()) {
      this.settingItems = this.getSettingDefinitions();
      if (this.settingItems.length > 0) {
        renderDefinitions(this, Setting);
        return;
      }
    }
    this.display();
  }

  hide(): void {
    this.shown = false;
    this.containerEl?.empty();
  }
}

export abstract class PluginSettingTab extends SettingTab {
  plugin: Plugin;

  constructor(app: App, plugin: Plugin) {
    super(app);
    this.plugin = plugin;
  }

  /** Reads `this.plugin.settings[key]` (S3). */
  getControlValue(key: string): unknown {
    return (this.plugin as unknown as { settings?: Record<string, unknown> }).settings?.[key];
  }

  /** Sets `this.plugin.settings[key]` and saves the settings (S3). */
  async setControlValue(key: string, value: unknown): Promise<void> {
    const holder = this.plugin as unknown as { settings: Record<string, unknown> };
    holder.settings[key] = value;
    await this.plugin.saveData(holder.settings);
  }
}

export class MenuItem {
  title = "";
  icon = "";
  disabled = false;
  callback: ((evt: MouseEvent | KeyboardEvent) => unknown) | null = null;

  setTitle(title: string | DocumentFragment): this {
    this.title = text(title);
    return this;
  }

  setIcon(icon: string | null): this {
    this.icon = icon ?? "";
    return this;
  }

  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }

  onClick(callback: (evt: MouseEvent | KeyboardEvent) => unknown): this {
    this.callback = callback;
    return this;
  }
}

export class Menu {
  readonly items: MenuItem[] = [];

  addItem(cb: (item: MenuItem) => unknown): this {
    const item = new MenuItem();
    cb(item);
    this.items.push(item);
    return this;
  }

  hide(): this {
    return this;
  }
}

/** Marks the element with the icon's id (the real one draws the SVG). */
export function setIcon(parent: HTMLElement, iconId: string): void {
  parent.setAttribute("data-icon", iconId);
}

export const Platform = {
  isDesktop: true,
  isMobile: false,
  isDesktopApp: true,
  isMobileApp: false,
  isIosApp: false,
  isAndroidApp: false,
  isPhone: false,
  isTablet: false,
  isMacOS: false,
  isWin: false,
  isLinux: true,
  isSafari: false,
  resourcePathPrefix: "app://fake/",
};

export interface Debouncer<T extends unknown[], V> {
  (...args: [...T]): Debouncer<T, V>;
  cancel(): Debouncer<T, V>;
  run(): V | void;
}

/**
 * Obsidian's `debounce`: calls `cb` once, `timeout` ms after the first call, with the last
 * arguments; with `resetTimer` each call pushes the deadline back. `run()` calls it now.
 */
export function debounce<T extends unknown[], V>(cb: (...args: [...T]) => V, timeout = 0, resetTimer = false): Debouncer<T, V> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: T | null = null;
  const fire = (): V | void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!lastArgs) return;
    const args = lastArgs;
    lastArgs = null;
    return cb(...args);
  };
  const debounced = ((...args: T) => {
    lastArgs = args;
    if (timer && resetTimer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!timer) timer = setTimeout(fire, timeout);
    return debounced;
  }) as Debouncer<T, V>;
  debounced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    lastArgs = null;
    return debounced;
  };
  debounced.run = fire;
  return debounced;
}

/**
 * A dialog (BEHAVIOURS.md P9): `open` calls `onOpen`, `close` calls `onClose`; the content is
 * what the plugin builds in `contentEl`. Test helper: `Modal.openModals`, the modals open now.
 */
export class Modal {
  static readonly openModals: Modal[] = [];
  app: App;
  readonly containerEl: HTMLElement;
  readonly modalEl: HTMLElement;
  readonly titleEl: HTMLElement;
  readonly contentEl: HTMLElement;
  /** Test helper: the title as set with `setTitle`. */
  title = "";

  constructor(app: App) {
    this.app = app;
    this.containerEl = document.createElement("div");
    this.modalEl = this.containerEl.appendChild(document.createElement("div"));
    this.titleEl = this.modalEl.appendChild(document.createElement("div"));
    this.contentEl = this.modalEl.appendChild(document.createElement("div"));
  }

  setTitle(title: string): this {
    this.title = title;
    this.titleEl.textContent = title;
    return this;
  }

  open(): void {
    Modal.openModals.push(this);
    void this.onOpen();
  }

  close(): void {
    const at = Modal.openModals.indexOf(this);
    if (at < 0) return;
    Modal.openModals.splice(at, 1);
    this.onClose();
  }

  onOpen(): Promise<void> | void {}

  onClose(): void {}
}

/**
 * The settings tab as one table of rows, drawn two ways from it: row by row into the tab, for
 * Obsidian before 1.13 (which calls `display()`), and as setting definitions, from which 1.13
 * renders the tab and builds its settings search (names, descriptions and aliases). A row added
 * to the table appears in both.
 */
import { Setting } from "obsidian";
import type { SettingDefinition, SettingDefinitionItem } from "obsidian";

/** How a plain value of the settings is read, checked and stored, by key. */
interface ValueBinding<V> {
  /** The key 1.13 passes to the tab's `getControlValue` / `setControlValue`. */
  key: string;
  get(): V;
  /** What is wrong with `value`, in words; null when it may be stored. */
  check?(value: V): string | null;
  /** Stores an accepted value in the settings; the tab saves afterwards. */
  set(value: V): void;
}

/** A row whose control edits one value: 1.13 draws the control itself. */
export type RowValue =
  ({ type: "toggle" } & ValueBinding<boolean>) | ({ type: "number" } & ValueBinding<number>) | ({ type: "text"; placeholder?: string } & ValueBinding<string>);

/** One row of the settings tab. A row has one of `value`, `render` or `action`. */
export interface SettingRow {
  name: string;
  desc: string;
  value?: RowValue;
  /** Draws the row's controls into a setting that already has its name and description; may return a cleanup. */
  render?: (setting: Setting) => void | (() => void);
  /** A button before 1.13, a clickable row in 1.13; `run` shows its outcome inside `el`. */
  action?: { button: string; run(el: HTMLElement): Promise<void> };
}

/** Rows under one heading (the first section has none). */
export interface SettingSection {
  heading?: string;
  rows: SettingRow[];
}

/** The value row of `key`, if any. */
export function findValue(sections: SettingSection[], key: string): RowValue | undefined {
  for (const section of sections) for (const row of section.rows) if (row.value?.key === key) return row.value;
  return undefined;
}

/** What is wrong with storing `value` under a value row, or null. */
export function valueProblem(value: RowValue, candidate: unknown): string | null {
  if (value.type === "toggle") return typeof candidate === "boolean" ? (value.check?.(candidate) ?? null) : "Expected on or off.";
  if (value.type === "number") return typeof candidate === "number" ? (value.check?.(candidate) ?? null) : "Enter a number.";
  return typeof candidate === "string" ? (value.check?.(candidate) ?? null) : "Expected text.";
}

/**
 * Draws `sections` into `containerEl`, one `Setting` per row. A value row's change that passes
 * its check goes to `write(key, value)`; one that does not shows the check's message under it.
 */
export function drawSections(containerEl: HTMLElement, sections: SettingSection[], write: (key: string, value: unknown) => void): void {
  for (const section of sections) {
    if (section.heading !== undefined) new Setting(containerEl).setName(section.heading).setHeading();
    for (const row of section.rows) drawRow(new Setting(containerEl).setName(row.name).setDesc(row.desc), row, write);
  }
}

function drawRow(setting: Setting, row: SettingRow, write: (key: string, value: unknown) => void): void {
  const { value, action } = row;
  if (row.render) row.render(setting);
  else if (action) {
    setting.addButton((b) =>
      b.setButtonText(action.button).onClick(async () => {
        b.setDisabled(true);
        try {
          await action.run(setting.infoEl);
        } finally {
          b.setDisabled(false);
        }
      }),
    );
  } else if (value?.type === "toggle") {
    setting.addToggle((t) => t.setValue(value.get()).onChange((v) => write(value.key, v)));
  } else if (value) {
    const messageEl = setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" });
    messageEl.toggle(false);
    setting.addText((t) => {
      if (value.type === "number") t.inputEl.type = "number";
      else if (value.placeholder !== undefined) t.setPlaceholder(value.placeholder);
      t.setValue(String(value.get())).onChange((raw) => {
        const candidate = value.type === "number" ? (raw.trim() === "" ? undefined : Number(raw)) : raw;
        const problem = valueProblem(value, candidate);
        messageEl.setText(problem ?? "");
        messageEl.toggle(problem !== null);
        if (problem === null) write(value.key, candidate);
      });
    });
  }
}

/** `sections` as Obsidian 1.13's setting definitions: a group per section. */
export function settingDefinitions(sections: SettingSection[]): SettingDefinitionItem[] {
  return sections.map((section) => ({
    type: "group" as const,
    ...(section.heading !== undefined ? { heading: section.heading } : {}),
    items: section.rows.map(definition),
  }));
}

function definition(row: SettingRow): SettingDefinition {
  const { name, desc, value, action, render } = row;
  if (render) {
    return {
      name,
      desc,
      render: (setting) => {
        // The name and description are set here too, so the row reads the same however 1.13 prepares it.
        setting.setName(name).setDesc(desc);
        return render(setting);
      },
    };
  }
  if (action) {
    let running = false;
    return {
      name,
      desc,
      action: (el) => {
        if (running) return;
        running = true;
        void action.run(el.querySelector<HTMLElement>(".setting-item-info") ?? el).finally(() => (running = false));
      },
    };
  }
  if (!value) return { name, desc };
  const validate = <V>(v: V): string | undefined => valueProblem(value, v) ?? undefined;
  if (value.type === "toggle") return { name, desc, control: { type: "toggle", key: value.key, validate } };
  if (value.type === "number") return { name, desc, control: { type: "number", key: value.key, validate } };
  return { name, desc, control: { type: "text", key: value.key, placeholder: value.placeholder, validate } };
}

/**
 * The settings tab: when to upload, which bucket profile uploads go to, and that profile's
 * fields. Changes are saved shortly after the last keystroke.
 */
import { Platform, PluginSettingTab, requireApiVersion } from "obsidian";
import type { App, DropdownComponent, Plugin, Setting, SettingDefinitionItem } from "obsidian";
import { MAX_CONCURRENCY, newProfile, uploadsAttachments, type PluginSettings } from "../core/settings/settingsModel";
import { SUPPORTED_IMAGE_FORMATS } from "../core/prepare/sniff";
import { LINK_FORMATS, LINK_TEMPLATE_PLACEHOLDERS, linkTemplateProblem, type LinkFormat } from "../core/link/linkWriter";
import type { Profile } from "../core/types";
import { encodableSummary } from "./platformCodec";
import { ProfileForm } from "./profileForm";
import { folderRuleRows } from "./folderRulesSetting";
import { activeProfile } from "./readiness";
import { drawSections, findValue, settingDefinitions, valueProblem, type SettingRow, type SettingSection } from "./settingRows";

/** What the tab needs from the plugin. */
export interface SettingsHost {
  settings: PluginSettings;
  /** Persist the settings soon (debounced). */
  requestSave(): void;
  /** Persist pending changes now. */
  flushSave(): Promise<void>;
}

/** A name not used by any other profile: `base`, `base 2`, `base 3`… */
export function uniqueProfileName(profiles: Profile[], base: string): string {
  const taken = new Set(profiles.map((p) => p.name));
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} ${n}`;
    if (!taken.has(name)) return name;
  }
}

type ToggleKey = "uploadOnPaste" | "uploadOnDrop" | "imagesOnly" | "rehostWebImages" | "downloadAllWebImages" | "trashAfterUpload";

/** An on/off setting stored under `key`. */
function toggleRow(s: PluginSettings, name: string, desc: string, key: ToggleKey): SettingRow {
  return { name, desc, value: { type: "toggle", key, get: () => s[key], set: (v) => (s[key] = v) } };
}

/** A number stored under `key` once `check` accepts it. */
function numberRow(s: PluginSettings, name: string, desc: string, key: "maxFileSizeMB" | "concurrency", check: (v: number) => string | null): SettingRow {
  return { name, desc, value: { type: "number", key, get: () => s[key], check, set: (v) => (s[key] = v) } };
}

/** Host names, typed as one line separated by commas or spaces. */
function hostListRow(s: PluginSettings, name: string, desc: string, key: "webImageAllow" | "webImageDeny"): SettingRow {
  const hosts = (raw: string) => raw.split(/[\s,]+/).filter((h) => h !== "");
  return {
    name,
    desc,
    value: {
      type: "text",
      key,
      get: () => s[key].join(", "),
      check: (raw) => {
        const bad = hosts(raw).find((h) => !/^(\*\.)?[A-Za-z0-9.-]+$/.test(h));
        return bad === undefined ? null : `"${bad}" is not a host name (such as example.com).`;
      },
      set: (raw) => (s[key] = hosts(raw)),
    },
  };
}

/** The plugin's tab in Obsidian's settings. */
export class S3ImageHostingSettingTab extends PluginSettingTab {
  /** The profile shown in the form; uploads go to the active one, which may differ. */
  private editingId: string | null = null;
  private picker: DropdownComponent | null = null;
  private confirmDelete = false;

  constructor(
    app: App,
    plugin: Plugin,
    private readonly host: SettingsHost,
  ) {
    super(app, plugin);
  }

  private get settings(): PluginSettings {
    return this.host.settings;
  }

  private editing(): Profile {
    const s = this.settings;
    const found = s.profiles.find((p) => p.id === this.editingId);
    if (found) return found;
    const fallback = activeProfile(s) ?? s.profiles[0];
    this.editingId = fallback.id;
    return fallback;
  }

  /** Obsidian before 1.13 draws the tab with this; 1.13 draws it from `getSettingDefinitions`. */
  display(): void {
    this.render();
  }

  /** Every row of the tab, for 1.13 to draw and to find in its settings search. */
  getSettingDefinitions(): SettingDefinitionItem[] {
    this.confirmDelete = false;
    return settingDefinitions(this.sections());
  }

  /** The value of a row's control in 1.13; undefined for a key no row has. */
  getControlValue(key: string): unknown {
    return findValue(this.sections(), key)?.get();
  }

  /** Stores a row's value as the tab's own control does, then saves; a value the row refuses throws its message. */
  setControlValue(key: string, value: unknown): void {
    const row = findValue(this.sections(), key);
    if (!row) throw new Error(`There is no setting "${key}".`);
    const problem = valueProblem(row, value);
    if (problem !== null) throw new Error(problem);
    (row.set as (v: unknown) => void)(value);
    this.changed();
  }

  /** Draws the whole tab again, e.g. after a profile was added or switched. */
  private redraw(): void {
    if (requireApiVersion("1.13.0")) this.update();
    else this.render();
  }

  private render(): void {
    const { containerEl } = this;
    containerEl.empty();
    this.confirmDelete = false;
    drawSections(containerEl, this.sections(), (key, value) => this.setControlValue(key, value));
  }

  hide(): void {
    void this.host.flushSave();
    super.hide();
  }

  private changed(): void {
    this.host.requestSave();
  }

  /** The tab, top to bottom. A new setting is one row here. */
  private sections(): SettingSection[] {
    const s = this.settings;
    const general: SettingRow[] = [
      toggleRow(s, "Upload pasted images", "Images pasted into a note go to the bucket and the note gets their link.", "uploadOnPaste"),
      toggleRow(s, "Upload dropped images", "Images dragged into a note go to the bucket and the note gets their link.", "uploadOnDrop"),
      {
        name: "Upload attached images",
        desc: "Images Obsidian saves into your vault and embeds in the note you are editing (the attach button, the camera, sharing to Obsidian) go to the bucket, and the embed becomes their link. Until you change it, this is on on phones and tablets and off on desktop.",
        value: { type: "toggle", key: "uploadAttachments", get: () => uploadsAttachments(s, Platform.isMobile), set: (v) => (s.uploadAttachments = v) },
      },
      numberRow(s, "Largest upload (MB)", "Bigger files are saved in the vault instead.", "maxFileSizeMB", (v) =>
        v > 0 ? null : "Enter a size in MB greater than 0.",
      ),
      toggleRow(s, "Images only", `Upload only files whose bytes are an image: ${SUPPORTED_IMAGE_FORMATS}.`, "imagesOnly"),
      numberRow(s, "Parallel uploads", `How many images upload at the same time, 1 to ${MAX_CONCURRENCY}.`, "concurrency", (v) =>
        Number.isInteger(v) && v >= 1 && v <= MAX_CONCURRENCY ? null : `Enter a whole number from 1 to ${MAX_CONCURRENCY}.`,
      ),
      ...this.linkRows(),
      toggleRow(
        s,
        "Move uploaded images to the trash",
        'After "Upload all local images", "Upload and link everywhere" or an attached image is uploaded, the local file goes to the trash (as set under Files and links, "Deleted files"), but only once every link to it was rewritten and no other note or canvas still links it. Off: local files stay where they are.',
        "trashAfterUpload",
      ),
    ];
    const webImages: SettingRow[] = [
      toggleRow(
        s,
        "Re-host web images",
        '"Upload all local images" also uploads the images notes link from other websites and links the copies in your bucket. Images your profiles already serve are never re-hosted; one that cannot be fetched, or is not an image, keeps its link.',
        "rehostWebImages",
      ),
      hostListRow(
        s,
        "Re-host only from these hosts",
        "Host names separated by commas or spaces (subdomains count too). Empty: every host not refused below.",
        "webImageAllow",
      ),
      hostListRow(
        s,
        "Never fetch from these hosts",
        "Host names separated by commas or spaces (subdomains count too). Their images keep their links.",
        "webImageDeny",
      ),
      toggleRow(
        s,
        "Download every web image",
        '"Download images back" also downloads images linked from other websites, not only those your profiles serve.',
        "downloadAllWebImages",
      ),
    ];
    const rules = folderRuleRows({ settings: () => this.settings, changed: () => this.changed(), redraw: () => this.redraw() });
    return [
      { rows: general },
      { heading: "Web images", rows: webImages },
      { heading: "Buckets", rows: this.profiles() },
      { heading: "Folder rules", rows: rules },
    ];
  }

  /** The link format, and the template of the custom one, shown only while custom is chosen. */
  private linkRows(): SettingRow[] {
    const s = this.settings;
    const labels: Record<LinkFormat, string> = { markdown: "Markdown ![alt](url)", html: 'HTML <img src="url">', custom: "Custom template" };
    const rows: SettingRow[] = [
      {
        name: "Link format",
        desc: "How the link to an uploaded image is written when an image is pasted or dropped, or a local image is uploaded. Links in HTML, front matter and blog tags keep their own form; only their URL changes.",
        render: (setting) => {
          setting.addDropdown((d) => {
            for (const f of LINK_FORMATS) d.addOption(f, labels[f]);
            d.setValue(s.linkFormat).onChange((v) => {
              s.linkFormat = v as LinkFormat;
              this.changed();
              this.redraw();
            });
          });
        },
      },
    ];
    if (s.linkFormat !== "custom") return rows;
    const problem = linkTemplateProblem(s.linkTemplate);
    rows.push({
      name: "Link template",
      desc: `Placeholders: ${LINK_TEMPLATE_PLACEHOLDERS.map((p) => `{${p.name}} ${p.help}`).join("; ")}.${problem ? ` Uploads wait until it is fixed: ${problem}` : ""}`,
      value: {
        type: "text",
        key: "linkTemplate",
        placeholder: '<img src="{url}" alt="{alt}">',
        get: () => s.linkTemplate,
        check: (v) => linkTemplateProblem(v) ?? null,
        set: (v) => (s.linkTemplate = v),
      },
    });
    return rows;
  }

  /** The profile picker, the active profile, and the fields of the profile being edited. */
  private profiles(): SettingRow[] {
    const s = this.settings;
    const profile = this.editing();
    const isActive = s.activeProfileId === profile.id;
    const form = new ProfileForm({
      app: this.app,
      getProfile: () => this.editing(),
      setProfile: (p) => {
        const i = s.profiles.findIndex((x) => x.id === p.id);
        if (i >= 0) s.profiles[i] = p;
      },
      changed: () => {
        this.fillPicker();
        this.changed();
      },
      redraw: () => this.redraw(),
      encoders: () => import("./canvasCodec").then(async (m) => encodableSummary(m.createCanvasCodec())),
    });
    return [
      {
        name: "Profile",
        desc: "Each profile is one bucket. Pasted and dropped images go to the active profile.",
        render: (setting) => this.profilePicker(setting),
      },
      {
        name: "Active profile",
        desc: isActive ? "Uploads go to this profile." : `Uploads go to "${activeProfile(s)?.name ?? ""}".`,
        render: (setting) => {
          setting.addButton((b) =>
            b
              .setButtonText(isActive ? "Active" : "Make active")
              .setDisabled(isActive)
              .onClick(() => {
                s.activeProfileId = profile.id;
                this.changed();
                this.redraw();
              }),
          );
        },
      },
      ...form.rows(),
    ];
  }

  /** The picker of the profile to edit, with the buttons that add, copy and delete profiles. */
  private profilePicker(setting: Setting): void {
    const s = this.settings;
    setting
      .addDropdown((d) => {
        this.picker = d;
        this.fillPicker();
        d.setValue(this.editing().id).onChange((id) => {
          this.editingId = id;
          this.redraw();
        });
      })
      .addButton((b) =>
        b.setButtonText("Add").onClick(() => {
          const added = { ...newProfile(), name: uniqueProfileName(s.profiles, "New bucket") };
          s.profiles.push(added);
          this.editingId = added.id;
          this.changed();
          this.redraw();
        }),
      )
      .addButton((b) =>
        b.setButtonText("Duplicate").onClick(() => {
          const copy = { ...this.editing(), id: newProfile().id };
          copy.name = uniqueProfileName(s.profiles, `${copy.name} copy`);
          s.profiles.push(copy);
          this.editingId = copy.id;
          this.changed();
          this.redraw();
        }),
      )
      .addButton((b) => {
        // Obsidian's warning style; setWarning() is deprecated and its successor needs 1.13.
        b.buttonEl.addClass("mod-warning");
        b.setButtonText("Delete")
          .setDisabled(s.profiles.length <= 1)
          .onClick(() => {
            // A second click confirms: a deleted profile's settings cannot be brought back.
            if (!this.confirmDelete) {
              this.confirmDelete = true;
              b.setButtonText("Click again to delete");
              return;
            }
            this.deleteProfile(this.editing().id);
          });
      });
  }

  /** Profile names in the picker, the active one marked; kept current while a name is typed. */
  private fillPicker(): void {
    const d = this.picker;
    if (!d) return;
    const s = this.settings;
    const selected = d.getValue() || this.editing().id;
    d.selectEl.empty();
    for (const p of s.profiles) d.addOption(p.id, p.id === s.activeProfileId ? `${p.name} (active)` : p.name);
    d.setValue(selected);
  }

  private deleteProfile(id: string): void {
    const s = this.settings;
    if (s.profiles.length <= 1) return;
    s.profiles = s.profiles.filter((p) => p.id !== id);
    if (!s.profiles.some((p) => p.id === s.activeProfileId)) s.activeProfileId = s.profiles[0].id;
    this.editingId = s.activeProfileId;
    this.changed();
    this.redraw();
  }
}

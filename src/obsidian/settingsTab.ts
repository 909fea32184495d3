/**
 * The settings tab: when to upload, which bucket profile uploads go to, and that profile's
 * fields. Changes are saved shortly after the last keystroke.
 */
import { PluginSettingTab, Setting } from "obsidian";
import type { App, DropdownComponent, Plugin } from "obsidian";
import { MAX_CONCURRENCY, newProfile, type PluginSettings } from "../core/settings/settingsModel";
import { SUPPORTED_IMAGE_FORMATS } from "../core/prepare/sniff";
import type { Profile } from "../core/types";
import { encodableSummary } from "./platformCodec";
import { ProfileForm } from "./profileForm";
import { renderFolderRules } from "./folderRulesSetting";
import { activeProfile } from "./readiness";

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

  display(): void {
    this.render();
  }

  /** Draws the whole tab again, e.g. after a profile was added or switched. */
  private render(): void {
    const { containerEl } = this;
    containerEl.empty();
    this.confirmDelete = false;
    this.general(containerEl);
    new Setting(containerEl).setName("Web images").setHeading();
    this.webImages(containerEl);
    this.profiles(containerEl);
    renderFolderRules(containerEl, { settings: () => this.settings, changed: () => this.changed(), redraw: () => this.render() });
  }

  hide(): void {
    void this.host.flushSave();
    super.hide();
  }

  private changed(): void {
    this.host.requestSave();
  }

  private general(containerEl: HTMLElement): void {
    const s = this.settings;
    this.toggleSetting(containerEl, "Upload pasted images", "Images pasted into a note go to the bucket and the note gets their link.", "uploadOnPaste");
    this.toggleSetting(containerEl, "Upload dropped images", "Images dragged into a note go to the bucket and the note gets their link.", "uploadOnDrop");
    this.numberSetting(
      containerEl,
      "Largest upload (MB)",
      "Bigger files are saved in the vault instead.",
      () => s.maxFileSizeMB,
      (v) => {
        if (!(v > 0)) return "Enter a size in MB greater than 0.";
        s.maxFileSizeMB = v;
        return null;
      },
    );
    this.toggleSetting(containerEl, "Images only", `Upload only files whose bytes are an image: ${SUPPORTED_IMAGE_FORMATS}.`, "imagesOnly");
    this.numberSetting(
      containerEl,
      "Parallel uploads",
      `How many images upload at the same time, 1 to ${MAX_CONCURRENCY}.`,
      () => s.concurrency,
      (v) => {
        if (!Number.isInteger(v) || v < 1 || v > MAX_CONCURRENCY) return `Enter a whole number from 1 to ${MAX_CONCURRENCY}.`;
        s.concurrency = v;
        return null;
      },
    );
  }

  private webImages(containerEl: HTMLElement): void {
    this.toggleSetting(
      containerEl,
      "Re-host web images",
      '"Upload all local images" also uploads the images notes link from other websites and links the copies in your bucket. Images your profiles already serve are never re-hosted; one that cannot be fetched, or is not an image, keeps its link.',
      "rehostWebImages",
    );
    this.hostListSetting(
      containerEl,
      "Re-host only from these hosts",
      "Host names separated by commas or spaces (subdomains count too). Empty: every host not refused below.",
      "webImageAllow",
    );
    this.hostListSetting(
      containerEl,
      "Never fetch from these hosts",
      "Host names separated by commas or spaces (subdomains count too). Their images keep their links.",
      "webImageDeny",
    );
    this.toggleSetting(
      containerEl,
      "Download every web image",
      '"Download images back" also downloads images linked from other websites, not only those your profiles serve.',
      "downloadAllWebImages",
    );
  }

  private hostListSetting(containerEl: HTMLElement, name: string, desc: string, key: "webImageAllow" | "webImageDeny"): void {
    const setting = new Setting(containerEl).setName(name).setDesc(desc);
    const messageEl = setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" });
    messageEl.toggle(false);
    setting.addText((t) =>
      t.setValue(this.settings[key].join(", ")).onChange((raw) => {
        const hosts = raw.split(/[\s,]+/).filter((h) => h !== "");
        const bad = hosts.find((h) => !/^(\*\.)?[A-Za-z0-9.-]+$/.test(h));
        messageEl.setText(bad === undefined ? "" : `"${bad}" is not a host name (such as example.com).`);
        messageEl.toggle(bad !== undefined);
        if (bad !== undefined) return;
        this.settings[key] = hosts;
        this.changed();
      }),
    );
  }

  private toggleSetting(
    containerEl: HTMLElement,
    name: string,
    desc: string,
    key: "uploadOnPaste" | "uploadOnDrop" | "imagesOnly" | "rehostWebImages" | "downloadAllWebImages",
  ): void {
    new Setting(containerEl)
      .setName(name)
      .setDesc(desc)
      .addToggle((t) =>
        t.setValue(this.settings[key]).onChange((v) => {
          this.settings[key] = v;
          this.changed();
        }),
      );
  }

  private numberSetting(containerEl: HTMLElement, name: string, desc: string, get: () => number, set: (v: number) => string | null): void {
    const setting = new Setting(containerEl).setName(name).setDesc(desc);
    const messageEl = setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" });
    messageEl.toggle(false);
    setting.addText((t) => {
      t.inputEl.type = "number";
      t.setValue(String(get())).onChange((raw) => {
        const problem = raw.trim() === "" ? "Enter a number." : set(Number(raw));
        messageEl.setText(problem ?? "");
        messageEl.toggle(problem !== null);
        if (problem === null) this.changed();
      });
    });
  }

  private profiles(containerEl: HTMLElement): void {
    const s = this.settings;
    const profile = this.editing();
    new Setting(containerEl).setName("Buckets").setHeading();

    new Setting(containerEl)
      .setName("Profile")
      .setDesc("Each profile is one bucket. Pasted and dropped images go to the active profile.")
      .addDropdown((d) => {
        this.picker = d;
        this.fillPicker();
        d.setValue(profile.id).onChange((id) => {
          this.editingId = id;
          this.render();
        });
      })
      .addButton((b) =>
        b.setButtonText("Add").onClick(() => {
          const added = { ...newProfile(), name: uniqueProfileName(s.profiles, "New bucket") };
          s.profiles.push(added);
          this.editingId = added.id;
          this.changed();
          this.render();
        }),
      )
      .addButton((b) =>
        b.setButtonText("Duplicate").onClick(() => {
          const copy = { ...this.editing(), id: newProfile().id };
          copy.name = uniqueProfileName(s.profiles, `${copy.name} copy`);
          s.profiles.push(copy);
          this.editingId = copy.id;
          this.changed();
          this.render();
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

    const isActive = s.activeProfileId === profile.id;
    new Setting(containerEl)
      .setName("Active profile")
      .setDesc(isActive ? "Uploads go to this profile." : `Uploads go to "${activeProfile(s)?.name ?? ""}".`)
      .addButton((b) =>
        b
          .setButtonText(isActive ? "Active" : "Make active")
          .setDisabled(isActive)
          .onClick(() => {
            s.activeProfileId = profile.id;
            this.changed();
            this.render();
          }),
      );

    new ProfileForm({
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
      redraw: () => this.render(),
      encoders: () => import("./canvasCodec").then(async (m) => encodableSummary(m.createCanvasCodec())),
    }).render(containerEl);
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
    this.render();
  }
}

/**
 * The fields of one bucket profile in the settings tab. Every change is validated at once and
 * each message appears under the field it is about, in the words `validateProfile` uses.
 */
import { requestUrl, SecretComponent, Setting } from "obsidian";
import type { App, SecretStorage } from "obsidian";
import { errorText } from "../core/errors";
import { keyTemplateUniqueness } from "../core/prepare/keyTemplate";
import { validateProfile } from "../core/settings/profileValidation";
import type { AclSetting, Profile, ProviderId } from "../core/types";
import { applyPreset, PROVIDERS } from "../core/providers";
import { PROFILE_FIELDS, providerText, type ProfileField } from "../core/settings/profileFields";
import { testConnection } from "./connectionTest";
import type { ConvertSetting } from "../core/prepare/transformPlan";

/** A field whose messages are shown, and where. */
interface FieldRow {
  field: keyof Profile;
  setting: Setting;
  messageEl: HTMLElement;
}

/** What the form needs from the tab around it. */
export interface ProfileFormHost {
  app: App;
  /** The profile as stored; the form replaces it when a preset is applied. */
  getProfile(): Profile;
  setProfile(profile: Profile): void;
  /** Something changed: save soon. */
  changed(): void;
  /** Draw the form again (after a change that alters which fields exist). */
  redraw(): void;
  /** Which image types this device can write, shown under "Convert images to". */
  encoders?: () => Promise<string>;
}

type TextKey = "id" | "name" | "endpoint" | "region" | "bucket" | "publicBaseUrl" | "keyTemplate" | "cacheControl" | "quality" | "maxWidth" | "maxHeight";
type ToggleKey = "forcePathStyle" | "overwrite";
type SecretKey = "accessKeyIdSecret" | "secretAccessKeySecret";

const STATUS_MARKS: Record<string, string> = { pass: "✓", fail: "✗", warn: "!", skip: "–" };

/** Messages about a profile's secrets that only this device can know: a name set but missing. */
export function secretPresenceMessages(profile: Profile, storage: Pick<SecretStorage, "getSecret">): { field: keyof Profile; message: string }[] {
  const out: { field: keyof Profile; message: string }[] = [];
  for (const field of ["accessKeyIdSecret", "secretAccessKeySecret"] as const) {
    const name = profile[field].trim();
    if (name && !storage.getSecret(name)) out.push({ field, message: `No secret named "${name}" is stored on this device.` });
  }
  return out;
}

/** Renders and validates the fields of the profile the host hands it. */
export class ProfileForm {
  private rows: FieldRow[] = [];
  /** Under the key template: whether it can give two images one key. */
  private keyNoteEl: HTMLElement | null = null;

  constructor(private readonly host: ProfileFormHost) {}

  private get profile(): Profile {
    return this.host.getProfile();
  }

  /** Renders the fields into `containerEl`, one row of the profile field table after another. */
  render(containerEl: HTMLElement): void {
    this.rows = [];
    const preset = PROVIDERS[this.profile.provider];
    const inputs: Partial<Record<keyof Profile, HTMLInputElement>> = {};
    for (const field of PROFILE_FIELDS) {
      if (field.description === undefined) continue;
      const setting = new Setting(containerEl).setName(field.label).setDesc(providerText(field.description, preset));
      if (field.kind === "text") inputs[field.key] = this.text(setting, field, providerText(field.placeholder, preset));
      else if (field.kind === "toggle") this.toggle(setting, field);
      else if (field.kind === "choice") this.choice(setting, field);
      else this.secret(setting, field);
      // The provider's row redraws the whole form, so it shows no messages of its own.
      if (field.key !== "provider") this.row(field.key, setting);
      if (field.key === "keyTemplate") this.keyNoteEl = setting.infoEl.createDiv({ cls: "s3ih-field-note" });
      if (field.key === "convert") this.encodersNote(setting);
    }

    // Where the endpoint's host name spells out the region (B2, AWS, OSS, COS), the region follows it.
    const { endpoint, region } = inputs;
    endpoint?.addEventListener("input", () => {
      const implied = PROVIDERS[this.profile.provider].regionFromEndpoint?.(endpoint.value);
      if (implied && implied !== this.profile.region) {
        this.profile.region = implied;
        if (region) region.value = implied;
        this.host.changed();
        this.refresh();
      }
    });

    this.connectionTest(containerEl);
    this.refresh();
  }

  /** Stores a new value of `key` and revalidates. */
  private set<K extends keyof Profile>(key: K, value: Profile[K]): void {
    this.profile[key] = value;
    this.host.changed();
    this.refresh();
  }

  /** A button that uploads, fetches and deletes a probe image, listing each step's outcome. */
  private connectionTest(containerEl: HTMLElement): void {
    let resultsEl: HTMLElement | undefined;
    const setting = new Setting(containerEl)
      .setName("Test connection")
      .setDesc("Uploads a small test image, opens its public link as a reader would, and deletes it.")
      .addButton((b) =>
        b.setButtonText("Test").onClick(async () => {
          if (!resultsEl) return;
          b.setDisabled(true);
          resultsEl.empty();
          resultsEl.show();
          const show = (s: { status: string; label: string; message: string; hint?: string }): void => {
            const line = resultsEl?.createDiv({ cls: s.status === "fail" ? "s3ih-fail" : s.status === "pass" ? "s3ih-pass" : "" });
            line?.setText(`${STATUS_MARKS[s.status] ?? ""} ${s.label}: ${s.message}${s.hint ? ` ${s.hint}` : ""}`);
          };
          try {
            await testConnection({ requestUrl, secretStorage: this.host.app.secretStorage }, this.profile, show);
          } catch (e) {
            show({ status: "fail", label: "Test connection", message: errorText(e) });
          } finally {
            b.setDisabled(false);
          }
        }),
      );
    resultsEl = setting.infoEl.createDiv({ cls: "s3ih-diagnostics" });
    resultsEl.hide();
  }

  /** What this device can convert to, filled in once the probe has run. */
  private encodersNote(setting: Setting): void {
    const encoders = this.host.encoders;
    if (!encoders) return;
    const note = setting.infoEl.createDiv({ cls: "s3ih-field-note" });
    encoders().then(
      (text) => note.setText(text),
      () => note.setText("Which image types this device can write could not be found out."),
    );
  }

  private row(field: keyof Profile, setting: Setting): void {
    const messageEl = setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" });
    this.rows.push({ field, setting, messageEl });
  }

  private text(setting: Setting, field: ProfileField, placeholder: string): HTMLInputElement {
    const key = field.key as TextKey;
    let input: HTMLInputElement | undefined;
    setting.addText((t) => {
      input = t.inputEl;
      t.setPlaceholder(placeholder)
        .setValue(this.profile[key])
        .onChange((v) => this.set(key, v));
    });
    return input as HTMLInputElement;
  }

  private toggle(setting: Setting, field: ProfileField): void {
    const key = field.key as ToggleKey;
    setting.addToggle((t) => t.setValue(this.profile[key]).onChange((v) => this.set(key, v)));
  }

  private choice(setting: Setting, field: ProfileField): void {
    setting.addDropdown((d) => {
      for (const c of field.choices ?? []) d.addOption(c.value, c.label);
      d.setValue(String(this.profile[field.key])).onChange((v) => {
        if (field.key === "provider") {
          // A provider brings its own region, addressing style and ACL, and its own help text.
          this.host.setProfile(applyPreset(this.profile, v as ProviderId));
          this.host.changed();
          this.host.redraw();
        } else {
          this.set(field.key as "acl" | "convert", v as AclSetting & ConvertSetting);
        }
      });
    });
  }

  private secret(setting: Setting, field: ProfileField): void {
    const key = field.key as SecretKey;
    setting.addComponent((el) => new SecretComponent(this.host.app, el).setValue(this.profile[key]).onChange((v) => this.set(key, v)));
  }

  /** Shows the current validation messages under their fields. */
  refresh(): void {
    const profile = this.profile;
    this.keyNoteEl?.setText(keyTemplateUniqueness(profile.keyTemplate));
    const messages = [...validateProfile(profile), ...secretPresenceMessages(profile, this.host.app.secretStorage)];
    for (const row of this.rows) {
      const mine = messages.filter((m) => m.field === row.field).map((m) => m.message);
      row.messageEl.setText(mine.join(" "));
      row.messageEl.toggle(mine.length > 0);
      row.setting.settingEl.toggleClass("s3ih-invalid", mine.length > 0);
    }
  }
}

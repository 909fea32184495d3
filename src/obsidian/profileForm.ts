/**
 * The fields of one bucket profile in the settings tab. Every change is validated at once and
 * each message appears under the field it is about, in the words `validateProfile` uses.
 */
import { requestUrl, SecretComponent } from "obsidian";
import type { App, SecretStorage, Setting } from "obsidian";
import { errorText } from "../core/errors";
import { keyTemplateUniqueness } from "../core/prepare/keyTemplate";
import { validateProfile } from "../core/settings/profileValidation";
import type { AclSetting, Profile, ProviderId } from "../core/types";
import { applyPreset, PROVIDERS } from "../core/providers";
import { PROFILE_FIELDS, providerText, type ProfileField } from "../core/settings/profileFields";
import { testConnection } from "./connectionTest";
import type { SettingRow } from "./settingRows";
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

/** The rows of the profile the host hands it, validated as they change. */
export class ProfileForm {
  /** The rows on screen whose messages `refresh` updates. */
  private shown: FieldRow[] = [];
  /** The text inputs on screen, by field. */
  private inputs: Partial<Record<keyof Profile, HTMLInputElement>> = {};
  /** Under the key template: whether it can give two images one key. */
  private keyNoteEl: HTMLElement | null = null;

  constructor(private readonly host: ProfileFormHost) {}

  private get profile(): Profile {
    return this.host.getProfile();
  }

  /**
   * The form's rows: one per field of the profile field table that the form shows, in the
   * table's order, then the connection test. Each row registers while it is drawn, so the
   * messages follow whichever rows are on screen.
   */
  rows(): SettingRow[] {
    const preset = PROVIDERS[this.profile.provider];
    const rows: SettingRow[] = PROFILE_FIELDS.filter((f) => f.description !== undefined).map((field) => ({
      name: field.label,
      desc: providerText(field.description, preset),
      render: (setting: Setting) => this.field(setting, field, providerText(field.placeholder, preset)),
    }));
    rows.push(this.connectionTest());
    return rows;
  }

  /** Draws one field's control and its messages; the returned cleanup forgets the row. */
  private field(setting: Setting, field: ProfileField, placeholder: string): () => void {
    if (field.kind === "text") this.inputs[field.key] = this.text(setting, field, placeholder);
    else if (field.kind === "toggle") this.toggle(setting, field);
    else if (field.kind === "choice") this.choice(setting, field);
    else this.secret(setting, field);
    // The provider's row redraws the whole form, so it shows no messages of its own.
    const row = field.key === "provider" ? null : this.row(field.key, setting);
    if (field.key === "keyTemplate") this.keyNoteEl = setting.infoEl.createDiv({ cls: "s3ih-field-note" });
    if (field.key === "convert") this.encodersNote(setting);
    if (field.key === "endpoint") this.regionFollowsEndpoint(this.inputs.endpoint);
    this.refresh();
    return () => {
      this.shown = this.shown.filter((r) => r !== row);
      delete this.inputs[field.key];
    };
  }

  /** Where the endpoint's host name spells out the region (B2, AWS, OSS, COS), the region follows it. */
  private regionFollowsEndpoint(endpoint: HTMLInputElement | undefined): void {
    endpoint?.addEventListener("input", () => {
      const implied = PROVIDERS[this.profile.provider].regionFromEndpoint?.(endpoint.value);
      if (implied && implied !== this.profile.region) {
        this.profile.region = implied;
        const region = this.inputs.region;
        if (region) region.value = implied;
        this.host.changed();
        this.refresh();
      }
    });
  }

  /** Stores a new value of `key` and revalidates. */
  private set<K extends keyof Profile>(key: K, value: Profile[K]): void {
    this.profile[key] = value;
    this.host.changed();
    this.refresh();
  }

  /** Uploads, fetches and deletes a probe image, listing each step's outcome in the row. */
  private connectionTest(): SettingRow {
    return {
      name: "Test connection",
      desc: "Uploads a small test image, opens its public link as a reader would, and deletes it.",
      action: {
        button: "Test",
        run: async (el) => {
          const resultsEl = el.querySelector<HTMLElement>(".s3ih-diagnostics") ?? el.createDiv({ cls: "s3ih-diagnostics" });
          resultsEl.empty();
          resultsEl.show();
          const show = (s: { status: string; label: string; message: string; hint?: string }): void => {
            const line = resultsEl.createDiv({ cls: s.status === "fail" ? "s3ih-fail" : s.status === "pass" ? "s3ih-pass" : "" });
            line.setText(`${STATUS_MARKS[s.status] ?? ""} ${s.label}: ${s.message}${s.hint ? ` ${s.hint}` : ""}`);
          };
          try {
            await testConnection({ requestUrl, secretStorage: this.host.app.secretStorage }, this.profile, show);
          } catch (e) {
            show({ status: "fail", label: "Test connection", message: errorText(e) });
          }
        },
      },
    };
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

  private row(field: keyof Profile, setting: Setting): FieldRow {
    const row = { field, setting, messageEl: setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" }) };
    this.shown.push(row);
    return row;
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
    for (const row of this.shown) {
      const mine = messages.filter((m) => m.field === row.field).map((m) => m.message);
      row.messageEl.setText(mine.join(" "));
      row.messageEl.toggle(mine.length > 0);
      row.setting.settingEl.toggleClass("s3ih-invalid", mine.length > 0);
    }
  }
}

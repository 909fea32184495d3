/**
 * The fields of one bucket profile in the settings tab. Every change is validated at once and
 * each message appears under the field it is about, in the words `validateProfile` uses.
 */
import { requestUrl, SecretComponent, Setting } from "obsidian";
import type { App, SecretStorage } from "obsidian";
import { errorText } from "../core/errors";
import { KEY_TEMPLATE_TOKENS, keyTemplateUniqueness } from "../core/prepare/keyTemplate";
import { validateProfile } from "../core/settings/settings";
import type { AclSetting, Profile, ProviderId } from "../core/types";
import { applyPreset, PROVIDER_PRESETS } from "../storage/presets";
import { testConnection } from "./connectionTest";

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
}

const STATUS_MARKS: Record<string, string> = { pass: "✓", fail: "✗", warn: "!", skip: "–" };

const ACL_LABELS: Record<AclSetting, string> = {
  none: "None (send no ACL header)",
  "public-read": "Public read",
  private: "Private",
};

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

  /** Renders the fields into `containerEl`. */
  render(containerEl: HTMLElement): void {
    this.rows = [];
    const profile = this.profile;
    const preset = PROVIDER_PRESETS[profile.provider];

    new Setting(containerEl)
      .setName("Provider")
      .setDesc("Fills in the region, addressing style and access control your provider needs.")
      .addDropdown((d) => {
        for (const p of Object.values(PROVIDER_PRESETS)) d.addOption(p.id, p.label);
        d.setValue(profile.provider).onChange((v) => {
          this.host.setProfile(applyPreset(this.profile, v as ProviderId));
          this.host.changed();
          this.host.redraw();
        });
      });

    this.text(containerEl, "name", "Name", "Shown in the profile list.", "My bucket");
    const endpoint = this.text(containerEl, "endpoint", "Endpoint", preset.endpointHelp, preset.endpointPlaceholder);
    const region = this.text(containerEl, "region", "Region", "The bucket's region, as your provider names it.", preset.defaultRegion || "us-east-1");
    // Where the endpoint's host name spells out the region (B2, AWS, OSS, COS), the region follows it.
    endpoint.addEventListener("input", () => {
      const implied = PROVIDER_PRESETS[this.profile.provider].regionFromEndpoint?.(endpoint.value);
      if (implied && implied !== this.profile.region) {
        this.profile.region = implied;
        region.value = implied;
        this.host.changed();
        this.refresh();
      }
    });
    this.text(containerEl, "bucket", "Bucket", "The bucket's name only; folders go in the key template.", "my-images");

    const pathStyle = new Setting(containerEl)
      .setName("Path-style addressing")
      .setDesc("On: https://host/bucket/key (self-hosted servers). Off: https://bucket.host/key.")
      .addToggle((t) =>
        t.setValue(profile.forcePathStyle).onChange((v) => {
          this.profile.forcePathStyle = v;
          this.host.changed();
          this.refresh();
        }),
      );
    this.row("forcePathStyle", pathStyle);

    this.text(containerEl, "publicBaseUrl", "Public base URL", preset.publicUrlHelp, "https://img.example.com");
    const tokens = KEY_TEMPLATE_TOKENS.map((t) => t.token).join(" ");
    this.text(containerEl, "keyTemplate", "Key template", `Where images go in the bucket. Tokens: ${tokens}`, "img/{hash:32}.{ext}");
    this.keyNoteEl = this.rows[this.rows.length - 1].setting.infoEl.createDiv({ cls: "s3ih-field-note" });

    const overwrite = new Setting(containerEl)
      .setName("Replace existing files")
      .setDesc(
        "When an image's key already holds a different file in the bucket, replace that file: every note linking to it then shows the new image, though browsers and caches may keep showing the old one for a while (up to a year with the default cache header). Off: such an image is not uploaded, and a pasted one is saved in the vault instead.",
      )
      .addToggle((t) =>
        t.setValue(profile.overwrite).onChange((v) => {
          this.profile.overwrite = v;
          this.host.changed();
          this.refresh();
        }),
      );
    this.row("overwrite", overwrite);

    const acl = new Setting(containerEl)
      .setName("ACL")
      .setDesc(
        preset.aclSupported
          ? "Sent with each upload. Most buckets are made public by a bucket policy instead: keep none unless yours needs it."
          : `${preset.label} rejects or ignores per-file ACLs; keep none and make the bucket public in its own settings.`,
      )
      .addDropdown((d) =>
        d
          .addOptions(ACL_LABELS)
          .setValue(profile.acl)
          .onChange((v) => {
            this.profile.acl = v as AclSetting;
            this.host.changed();
            this.refresh();
          }),
      );
    this.row("acl", acl);

    this.text(containerEl, "cacheControl", "Cache-Control header", "Sent with each upload; the default lets CDNs keep images for a year.", "public, max-age=31536000, immutable");

    this.secret(containerEl, "accessKeyIdSecret", "Access key ID", "The secret in Obsidian's secret storage that holds the access key ID.");
    this.secret(containerEl, "secretAccessKeySecret", "Secret access key", "The secret in Obsidian's secret storage that holds the secret access key. Only its name is saved with the plugin's settings.");

    this.connectionTest(containerEl);
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

  private row(field: keyof Profile, setting: Setting): void {
    const messageEl = setting.infoEl.createDiv({ cls: "s3ih-field-message s3ih-fail" });
    this.rows.push({ field, setting, messageEl });
  }

  private text(
    containerEl: HTMLElement,
    field: "name" | "endpoint" | "region" | "bucket" | "publicBaseUrl" | "keyTemplate" | "cacheControl",
    name: string,
    desc: string,
    placeholder: string,
  ): HTMLInputElement {
    let input: HTMLInputElement | undefined;
    const setting = new Setting(containerEl)
      .setName(name)
      .setDesc(desc)
      .addText((t) => {
        input = t.inputEl;
        t.setPlaceholder(placeholder)
          .setValue(this.profile[field])
          .onChange((v) => {
            this.profile[field] = v;
            this.host.changed();
            this.refresh();
          });
      });
    this.row(field, setting);
    return input as HTMLInputElement;
  }

  private secret(containerEl: HTMLElement, field: "accessKeyIdSecret" | "secretAccessKeySecret", name: string, desc: string): void {
    const setting = new Setting(containerEl)
      .setName(name)
      .setDesc(desc)
      .addComponent((el) =>
        new SecretComponent(this.host.app, el).setValue(this.profile[field]).onChange((v) => {
          this.profile[field] = v;
          this.host.changed();
          this.refresh();
        }),
      );
    this.row(field, setting);
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

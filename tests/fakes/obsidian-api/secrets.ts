/**
 * Obsidian's `SecretStorage`: named secrets kept on this device, outside the vault and outside
 * any plugin's data.json. Names are lowercase letters, digits and dashes (tests/fakes/BEHAVIOURS.md P5).
 */
import { Events } from "./events";

const ID = /^[a-z0-9-]+$/;

export class SecretStorage extends Events {
  private readonly secrets = new Map<string, string>();

  setSecret(id: string, secret: string): void {
    if (!ID.test(id)) throw new Error(`Invalid secret ID "${id}": use lowercase letters, digits and dashes.`);
    this.secrets.set(id, secret);
    this.trigger("changed", id);
  }

  getSecret(id: string): string | null {
    return this.secrets.get(id) ?? null;
  }

  listSecrets(): string[] {
    return [...this.secrets.keys()];
  }
}

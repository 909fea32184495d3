/** `App` and a factory for a whole fake app over a vault directory. */
import { FileManager, MetadataCache, type FileManagerOptions } from "./links";
import { SecretStorage } from "./secrets";
import { Vault } from "./vault";
import { Workspace } from "./workspace";

export class App {
  readonly vault: Vault;
  readonly workspace: Workspace;
  readonly metadataCache: MetadataCache;
  readonly fileManager: FileManager;
  readonly secretStorage = new SecretStorage();

  /** `options`: the vault's "Files and links" settings; Obsidian's defaults where not given. */
  constructor(vaultDir: string, options: FileManagerOptions = {}) {
    this.vault = new Vault(vaultDir, options);
    this.workspace = new Workspace(this.vault);
    this.metadataCache = new MetadataCache(this.vault);
    this.fileManager = new FileManager(this.vault, this.metadataCache, this.workspace);
  }
}

/** A fake app whose vault is the real directory `vaultDir` (created if missing). */
export function createFakeApp(vaultDir: string, options: FileManagerOptions = {}): App {
  return new App(vaultDir, options);
}

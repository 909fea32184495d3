/**
 * When an upload fails, the image is kept the way Obsidian itself keeps pasted images: as a
 * file in the attachment folder the user chose, embedded with the link style they chose.
 */
import type { FileManager, TFile, Vault } from "obsidian";

/** What was saved and the embed text to put in the note. */
export interface SavedAttachment {
  file: TFile;
  /** `![[Pasted image 20261122183000.png]]` or `![](…)`, per the user's link settings. */
  embed: string;
}

/** Copies the bytes into a fresh ArrayBuffer: a Uint8Array may view part of a larger one. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * Saves `bytes` as an attachment of the note at `notePath`, under a free name derived from
 * `name` (Obsidian adds " 1", " 2", … when it is taken), and returns the embed for it.
 */
export async function saveAsAttachment(
  deps: { vault: Vault; fileManager: FileManager },
  bytes: Uint8Array,
  name: string,
  notePath: string,
): Promise<SavedAttachment> {
  const path = await deps.fileManager.getAvailablePathForAttachment(name, notePath);
  const file = await deps.vault.createBinary(path, exactBuffer(bytes));
  return { file, embed: `!${deps.fileManager.generateMarkdownLink(file, notePath)}` };
}

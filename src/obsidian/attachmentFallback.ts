/**
 * When an upload fails, the image is kept the way Obsidian itself keeps pasted images: as a
 * file in the attachment folder the user chose, embedded with the link style they chose.
 */
import type { FileManager, TFile, Vault } from "obsidian";
import { createOwnBinary } from "./ownFiles";

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
 * The embed for an attachment, from `generateMarkdownLink`'s result. For a file that is not a
 * note Obsidian already returns an embed, `!` included (`![[a.png]]`, `![](a.png)`; its own
 * code calls `.slice(1)` on it for a plain link, obsidianmd/obsidian-api#154), so the `!` is
 * added only if a link ever comes back without one, never a second time.
 */
export function asEmbed(link: string): string {
  return link.startsWith("!") ? link : `!${link}`;
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
  const file = await createOwnBinary(deps.vault, path, exactBuffer(bytes));
  return { file, embed: asEmbed(deps.fileManager.generateMarkdownLink(file, notePath)) };
}

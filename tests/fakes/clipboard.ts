/**
 * `navigator.clipboard.read()` as the Clipboard API specifies it and Chromium (Obsidian's
 * Electron) exposes it; see BEHAVIOURS.md C1-C3. Items are offered by MIME type, images only
 * as PNG; a read that is not allowed rejects with a `NotAllowedError` DOMException, and asking
 * an item for a type it does not offer rejects with `NotFoundError`.
 */
import type { ClipboardReader } from "../../src/obsidian/pasteDrop";

type Item = Record<string, Uint8Array | string>;

export class FakeClipboard implements ClipboardReader {
  /** Number of `read()` calls, allowed or not. */
  reads = 0;

  /**
   * @param items what the clipboard holds, one record of MIME type → data per item
   * @param allowed false: the app is not allowed to read (not focused, permission denied)
   */
  constructor(
    private readonly items: Item[],
    private readonly allowed = true,
  ) {
    for (const item of items) {
      for (const type of Object.keys(item)) {
        // C2: Chromium hands images to pages as PNG only, whatever was copied.
        if (type.startsWith("image/") && type !== "image/png") throw new Error(`A Chromium clipboard offers images as image/png only, not ${type}.`);
      }
    }
  }

  async read(): Promise<Array<{ types: string[]; getType(type: string): Promise<Blob> }>> {
    this.reads++;
    if (!this.allowed) throw new DOMException("Read permission denied.", "NotAllowedError");
    return this.items.map((item) => ({
      types: Object.keys(item),
      getType: async (type: string): Promise<Blob> => {
        const data = item[type];
        if (data === undefined) throw new DOMException("The type was not found", "NotFoundError");
        return new Blob([data], { type });
      },
    }));
  }
}

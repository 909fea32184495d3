/**
 * The vault's folders as the tool meets them: the `--vault` given, and folders inside it that
 * cannot be read. One folder that cannot be read (another user's, `lost+found` at the root
 * of a drive) must not stop a run over everything else, but it must not pass unnoticed
 * either: notes in it that were asked for were not scanned, and images in it cannot be linked.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { MigrationReport } from "../core/migrate/engine";
import { UsageError } from "./args";
import { errorCode, fsReason } from "./fsErrors";

/**
 * Checks that `vault` is a folder that can be listed.
 * @param given the path as the person typed it, for the message.
 * @throws UsageError in words when it is missing, a file, or cannot be read.
 */
export async function checkVaultFolder(vault: string, given: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(vault);
  } catch (e) {
    const code = errorCode(e);
    if (code === "ENOENT") throw new UsageError(`The vault folder ${given} does not exist. Give --vault the folder that holds the notes.`);
    if (code === "ENOTDIR") throw new UsageError(`The vault folder ${given} is inside a file, not a folder. Give --vault the folder that holds the notes.`);
    throw new UsageError(`The vault folder ${given} cannot be reached (${fsReason(e)}).`);
  }
  if (!stat.isDirectory()) throw new UsageError(`${given} is a file, not a folder. Give --vault the folder that holds the notes.`);
}

/**
 * Folders a run skipped because they could not be read: warned about as they are found,
 * and, where the notes in them were to be scanned, failures in the run's report.
 */
export class UnreadableFolders {
  private readonly found = new Map<string, { reason: string; scanned: boolean }>();
  private readonly inputs: string[];

  /**
   * @param inputs the notes and folders to scan, as given.
   * @param warn writes one line for a person (stderr).
   */
  constructor(
    private readonly vault: string,
    inputs: readonly string[],
    private readonly warn: (line: string) => void,
  ) {
    this.inputs = inputs.map((p) => path.resolve(p));
  }

  /** The walk's `onUnreadable`. */
  readonly skip = (folder: string, error: unknown): void => {
    if (this.found.has(folder)) return;
    const abs = path.join(this.vault, folder);
    const scanned = this.inputs.some((input) => abs === input || abs.startsWith(input.endsWith(path.sep) ? input : input + path.sep));
    const reason = fsReason(error);
    this.found.set(folder, { reason, scanned });
    this.warn(
      scanned
        ? `Skipping the folder "${folder}": it cannot be read (${reason}), so the notes in it are not scanned.`
        : `Skipping the folder "${folder}": it cannot be read (${reason}), so links to images in it cannot be followed.`,
    );
  };

  /** One failure per skipped folder whose notes were to be scanned: the run did not do all it was asked. */
  failures(): MigrationReport["failures"] {
    return [...this.found]
      .filter(([, f]) => f.scanned)
      .map(([folder, f]) => ({
        note: `${folder}/`,
        link: "",
        code: "UnreadableFolder",
        message: `The folder "${folder}" could not be read (${f.reason}), so the notes in it were not scanned for images. Make it readable and run again, or give only the folders to upload.`,
      }));
  }
}

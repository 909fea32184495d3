/**
 * The vault's real folder, and the checks that keep the tool's reads and writes inside it.
 *
 * A vault may hold symbolic links: one planted in a cloned blog or a shared vault could
 * point at a private photo elsewhere on the machine, and following it would publish that
 * photo to a public bucket, or write a note outside the vault. Paths are compared where they
 * really are (real paths), so links within the vault keep working, and so does a vault
 * folder that is itself reached through a link.
 */
import { realpathSync } from "node:fs";
import * as path from "node:path";
import { errorText, UploadError } from "../core/errors";

/** Whether the real path `file` lies inside the folder `root` (a real path too). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The refusal of a file that a symbolic link takes out of the vault.
 * @param what the file as the sentence names it (`The image "a.png" linked in "N.md"`)
 * @param target where the link leads
 * @param outcome what was not done, as the end of the sentence
 * @param hint what the person can do about it, if anything
 */
export function outsideVaultError(what: string, target: string, outcome: string, hint = ""): UploadError {
  return new UploadError("OutsideVault", `${what} leads outside the vault through a symbolic link, to "${target}"; ${outcome}`, hint);
}

/** Why a vault file could not be read, in words, from Node's error: missing, or unreadable and why. */
export function readFailure(vaultPath: string, e: unknown): UploadError {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  if (code === "ENOENT") return new UploadError("MissingFile", `"${vaultPath}" is no longer in the vault; the link was left as it was.`);
  const denied = code === "EACCES" || code === "EPERM";
  const why = denied
    ? "permission denied"
    : code === "EISDIR"
      ? "it is a folder, not a file"
      : code === "ELOOP"
        ? "its symbolic links lead round in a circle"
        : errorText(e);
  return new UploadError(
    "UnreadableFile",
    `"${vaultPath}" could not be read (${why}); the link was left as it was.`,
    denied ? "Make it readable for your user, then run again." : "",
  );
}

/** A vault folder and where it really is. */
export class VaultBounds {
  /** The vault folder's real path. */
  readonly root: string;

  /** @param vault the vault folder as given; it must exist. */
  constructor(private readonly vault: string) {
    this.root = realpathSync.native(vault);
  }

  /** Where a vault path (`/`-separated) is on disk, as given, links not followed. */
  pathOf(vaultPath: string): string {
    // path.join turns the vault path's `/` into the platform's separator.
    return path.join(this.vault, vaultPath);
  }

  /** Where a vault path really is, or null when that cannot be told now (it vanished, a link loops). */
  realPathOrNull(vaultPath: string): string | null {
    try {
      return realpathSync.native(this.pathOf(vaultPath));
    } catch {
      return null;
    }
  }

  /**
   * Where a vault path really is, checked to lie inside the vault.
   * @throws UploadError `OutsideVault` (worded with `what`, `outcome` and `hint`, as for
   *   `outsideVaultError`); Node's error when the path cannot be looked up.
   */
  realInside(vaultPath: string, what: string, outcome: string, hint = ""): string {
    const real = realpathSync.native(this.pathOf(vaultPath));
    if (!isInside(this.root, real)) throw outsideVaultError(what, real, outcome, hint);
    return real;
  }
}

/** Node's file system errors, for code that decides on them and for messages to people. */
import { errorText } from "../core/errors";

/** The `code` of a Node system error (`ENOENT`, `EACCES`, …), or undefined. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** What went wrong with a file or folder, in words. */
export function fsReason(e: unknown): string {
  const code = errorCode(e);
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "it does not exist";
    case "ENOTDIR":
      return "it is not a folder";
    case "EEXIST":
      return "a file of that name is in the way";
    case "ELOOP":
      return "its symbolic links go round in a loop";
    case "EROFS":
      return "the disk is read-only";
    case "ENOSPC":
      return "the disk is full";
    case "EIO":
      return "the disk could not be read";
    case "EMFILE":
    case "ENFILE":
      return "too many files are open";
    default:
      return code ?? errorText(e);
  }
}

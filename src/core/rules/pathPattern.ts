/**
 * The patterns of folder rules, matched against a note's vault path. A pattern without `*` or
 * `?` is a folder (or note) path: it matches that folder's notes at any depth, whole segments
 * only, so `Blog` takes `Blog/a.md` and `Blog/2024/b.md` but not `Blogroll/c.md`. A pattern
 * with `*` or `?` is a glob: `*` and `?` stand for any characters, or one, within one segment,
 * `**` for any number of whole segments (none too). A glob matches a note when it matches the
 * note's path or the path of a folder the note is in (`**\/private` takes every note under a
 * `private` folder), and a glob without `/` is matched against each name on the way
 * (`*.excalidraw.md` takes such notes in every folder), as `.gitignore` reads its lines.
 *
 * Leading, trailing and repeated `/` are dropped. Letter case is not compared: on the file
 * systems of Windows and macOS, and so in vaults synced between devices, `Blog` and `blog`
 * are one folder.
 */

/** `pattern` as it is matched: slashes tidied, or `""` when nothing is left. */
export function normalizePattern(pattern: string): string {
  return pattern
    .trim()
    .split("/")
    .filter((s) => s !== "")
    .join("/");
}

/** Whether `pattern` is a glob rather than a folder path. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** Whether `pattern` (see the module comment) matches the note at vault path `notePath`. An empty pattern matches nothing. */
export function matchesPath(pattern: string, notePath: string): boolean {
  const p = normalizePattern(pattern).toLowerCase();
  if (p === "") return false;
  const path = normalizePattern(notePath).toLowerCase();
  if (!isGlob(p)) return path === p || path.startsWith(`${p}/`);
  const segments = path.split("/");
  if (!p.includes("/")) {
    const re = globRegExp(p);
    return segments.some((s) => re.test(s));
  }
  const re = globRegExp(p);
  // The note's path, then each folder it is in.
  for (let n = segments.length; n > 0; n--) if (re.test(segments.slice(0, n).join("/"))) return true;
  return false;
}

/** A glob as a regular expression over a whole path. */
function globRegExp(glob: string): RegExp {
  let re = "";
  const parts = glob.split("/");
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === "**") {
      // Any number of whole segments, with the slash after them (none at the end).
      re += last ? "(?:.*)" : "(?:[^/]*/)*";
      return;
    }
    re += part
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*+/g, "[^/]*")
      .replace(/\?/g, "[^/]");
    if (!last) re += "/";
  });
  return new RegExp(`^${re}$`, "u");
}

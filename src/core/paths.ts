/**
 * Names in paths. Obsidian writes every vault path with `/` on every platform, so `baseName`
 * and `folderOf` split on `/` only; `lastSegment` is for names from elsewhere.
 */

/** The last segment of a path: `a/b/shot.png` → `shot.png`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * The last segment of a path that may come from outside the vault, where Windows puts `\`
 * between folders: `C:\shots\a.png` → `a.png`.
 */
export function lastSegment(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** Everything before the last `/`, or `""` for a path at the top: `a/b/shot.png` → `a/b`. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/**
 * A file name without its last extension: `shot.final.png` → `shot.final`. A name that only
 * starts with a dot (`.hidden`) has no extension and stays whole.
 */
export function fileStem(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The last extension of a file name in lower case, without the dot; `""` when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Joins `rel` onto `folder`, resolving `.` and `..`; null when it climbs above the vault root. */
export function joinPath(folder: string, rel: string): string | null {
  const parts = folder === "" ? [] : folder.split("/");
  for (const seg of rel.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(seg);
    }
  }
  return parts.join("/");
}

/**
 * Link resolution over a plain list of vault paths, for the command-line tool, which has
 * no `metadataCache`. Mirrors `metadataCache.getFirstLinkpathDest`.
 */
import { UploadError } from "../errors";
import { percentDecode } from "../markdown";
import { baseName, folderOf, joinPath } from "../paths";

/** Whether the last path segment has an extension (`a.png`, not `Notes` or `.hidden`). */
function hasExtension(path: string): boolean {
  const name = baseName(path);
  return name.lastIndexOf(".") > 0;
}

/** The vault with every path in NFC, for matching names whatever their Unicode form. */
interface ComposedView {
  index: VaultPathIndex;
  /** NFC path → the vault paths spelled that way once composed (several only for look-alike names). */
  paths: Map<string, string[]>;
  /** Every vault path is in NFC already. */
  allComposed: boolean;
}

/**
 * Resolves links the way Obsidian does, against a fixed list of vault-relative paths
 * (`Attachments/shot.png`, `/` separators, no leading slash).
 *
 * For a link `linkpath` written in the note `sourcePath`:
 *
 * 1. The link is tried as written and, if different, percent-decoded
 *    (`my%20shot.png` → `my shot.png`); a `#fragment` or `|alias` must already be removed.
 *    A link without an extension (`[[Note]]`) is looked up as `Note.md`; image links
 *    always carry their extension.
 * 2. Exact paths first. A link starting with `./` or `../` is relative to the source
 *    note's folder only, with no name fallback; one starting with `/` is vault-absolute;
 *    any other is tried as a vault-absolute path and then relative to the note's folder,
 *    which covers the relative paths markdown links use (`img/a.png` from `posts/p.md`).
 *    An exact-case match wins over one that differs only in case.
 * 3. Otherwise, by name: every file whose path ends with the link (`shot.png` matches
 *    `Attachments/shot.png`; `img/shot.png` matches `blog/img/shot.png`), compared
 *    case-insensitively as Obsidian does. Among several: files matching in exact case,
 *    then the one in the source note's folder, then the shortest path. Should two files
 *    remain equally good after that, the link is ambiguous (`AmbiguousLink`, naming them):
 *    the index never picks one by the order of their names. With `nameOnly: false` this
 *    step is left out, and a link that only a name would find resolves to nothing.
 * 4. Only when nothing matches as written: the same steps with the link and every path in
 *    Unicode NFC, since macOS writes accented letters in file names decomposed (NFD) while
 *    notes typed elsewhere hold them composed, and the reverse. Should that match two files
 *    whose names differ only in their Unicode form, the link is ambiguous (see
 *    `ambiguousLinkError`): the index never picks one of them.
 */
export class VaultPathIndex {
  private readonly exact = new Set<string>();
  private readonly byLowerPath = new Map<string, string[]>();
  private readonly byLowerName = new Map<string, string[]>();
  private composed?: ComposedView;
  private readonly nameOnly: boolean;

  constructor(paths: string[], { nameOnly = true }: { nameOnly?: boolean } = {}) {
    this.nameOnly = nameOnly;
    for (const raw of paths) {
      const path = raw.replace(/^\/+/, "");
      if (path === "" || this.exact.has(path)) continue;
      this.exact.add(path);
      const lower = path.toLowerCase();
      this.byLowerPath.set(lower, [...(this.byLowerPath.get(lower) ?? []), path]);
      const name = baseName(lower);
      this.byLowerName.set(name, [...(this.byLowerName.get(name) ?? []), path]);
    }
  }

  /**
   * The vault path `linkpath` points to from the note `sourcePath`, or null if none.
   * @throws UploadError `AmbiguousLink` when only a match under Unicode normalization finds
   *   the file, and it finds more than one.
   */
  resolve(linkpath: string, sourcePath: string): string | null {
    return this.resolveHit(linkpath, sourcePath)?.path ?? null;
  }

  /**
   * As `resolve`, and says how the file was found: `byName` when only the name-only lookup
   * (step 3) found it, so that a face can tell the person which links were resolved by a guess.
   */
  resolveHit(linkpath: string, sourcePath: string): PathHit | null {
    const spellings = [linkpath];
    const decoded = percentDecode(linkpath);
    if (decoded !== linkpath) spellings.push(decoded);
    for (const spelling of spellings) {
      const found = this.resolveAsWritten(spelling, sourcePath);
      if (found !== null) return found;
    }
    const composed = this.composedView();
    for (const spelling of spellings) {
      const nfc = spelling.normalize("NFC");
      // Nothing to gain where the link and every path are composed already: the same lookup failed above.
      if (composed.allComposed && nfc === spelling) continue;
      const found = composed.index.resolveAsWritten(nfc, sourcePath.normalize("NFC"), linkpath);
      if (found === null) continue;
      const paths = composed.paths.get(found.path) ?? [];
      if (paths.length > 1) throw ambiguousLinkError(linkpath, sourcePath, paths);
      return paths.length === 1 ? { path: paths[0], byName: found.byName } : null;
    }
    return null;
  }

  private resolveAsWritten(spelling: string, sourcePath: string, linkpath = spelling): PathHit | null {
    const link = spelling.trim();
    if (link === "") return null;
    return this.resolveSpelling(link, sourcePath, linkpath) ?? (hasExtension(link) ? null : this.resolveSpelling(`${link}.md`, sourcePath, linkpath));
  }

  private composedView(): ComposedView {
    if (this.composed === undefined) {
      const paths = new Map<string, string[]>();
      let allComposed = true;
      for (const path of this.exact) {
        const nfc = path.normalize("NFC");
        if (nfc !== path) allComposed = false;
        paths.set(nfc, [...(paths.get(nfc) ?? []), path]);
      }
      for (const same of paths.values()) same.sort();
      this.composed = { index: new VaultPathIndex([...paths.keys()], { nameOnly: this.nameOnly }), paths, allComposed };
    }
    return this.composed;
  }

  private resolveSpelling(link: string, sourcePath: string, linkpath: string): PathHit | null {
    const folder = folderOf(sourcePath);
    const explicitRelative = link.startsWith("./") || link.startsWith("../");
    const absolute = link.startsWith("/");
    const candidates = explicitRelative ? [joinPath(folder, link)] : absolute ? [joinPath("", link)] : [joinPath("", link), joinPath(folder, link)];
    for (const c of candidates) if (c !== null && this.exact.has(c)) return { path: c, byName: false };
    for (const c of candidates) {
      const folded = c === null ? undefined : this.byLowerPath.get(c.toLowerCase());
      if (folded) return { path: this.pick(folded, c ?? "", folder, linkpath, sourcePath), byName: false };
    }
    if (explicitRelative || !this.nameOnly) return null;
    const found = this.byName(link.replace(/^\/+/, ""), folder, linkpath, sourcePath);
    return found === null ? null : { path: found, byName: true };
  }

  /** Whether some file has the name `linkpath` ends with, as the name-only lookup matches them (whether or not that lookup is on). */
  hasNameMatch(linkpath: string): boolean {
    const lower = joinPath("", percentDecode(linkpath).trim().replace(/^\/+/, ""))?.toLowerCase();
    if (!lower) return false;
    return (this.byLowerName.get(baseName(lower)) ?? []).some((p) => p.toLowerCase().endsWith(`/${lower}`) || p.toLowerCase() === lower);
  }

  private byName(link: string, folder: string, linkpath: string, sourcePath: string): string | null {
    const normalized = joinPath("", link);
    if (normalized === null || normalized === "") return null;
    const lower = normalized.toLowerCase();
    const named = this.byLowerName.get(baseName(lower)) ?? [];
    const matches = named.filter((p) => {
      const pl = p.toLowerCase();
      return pl === lower || pl.endsWith(`/${lower}`);
    });
    return matches.length === 0 ? null : this.pick(matches, normalized, folder, linkpath, sourcePath);
  }

  /** The one best of `matches` (see the class comment); throws `AmbiguousLink` when two are equally good. */
  private pick(matches: string[], link: string, folder: string, linkpath: string, sourcePath: string): string {
    const sameCase = matches.filter((p) => p === link || p.endsWith(`/${link}`));
    const pool = sameCase.length > 0 ? sameCase : matches;
    const rank = (p: string): [number, number] => [folderOf(p) === folder ? 0 : 1, p.length];
    const sorted = [...pool].sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      return ra[0] - rb[0] || ra[1] - rb[1] || (a < b ? -1 : a > b ? 1 : 0);
    });
    const best = rank(sorted[0]);
    const tied = sorted.filter((p) => {
      const r = rank(p);
      return r[0] === best[0] && r[1] === best[1];
    });
    if (tied.length > 1) throw equallyGoodError(linkpath, sourcePath, tied);
    return sorted[0];
  }
}

/** How `VaultPathIndex.resolveHit` found a file. */
export interface PathHit {
  path: string;
  /** Found by its name alone, somewhere in the vault, rather than by a path the link spells. */
  byName: boolean;
}

/** `"a", "b" and "c"` */
function listed(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * The refusal of a link that several files match equally well, so that picking one would be
 * a guess that may show the wrong image.
 * @param linkpath the link as the note has it
 * @param sourcePath the note's vault path
 * @param paths the vault paths of the files the link could mean
 * @param how what makes them match, in words ("by name")
 */
export function equallyGoodError(linkpath: string, sourcePath: string, paths: readonly string[], how = "equally well"): UploadError {
  return new UploadError(
    "AmbiguousLink",
    `The image "${linkpath}" linked in "${sourcePath}" matches ${paths.length} files ${how}: ${listed(paths.map((p) => `"${p}"`))}; the link was left as it was.`,
    "Write the link as the path of the file you mean, or rename all but one of them, then run again.",
  );
}

/** How a name spells its accented letters, in words a person can tell two look-alike names apart by. */
function unicodeForm(path: string): string {
  if (path === path.normalize("NFC")) return "composed letters";
  if (path === path.normalize("NFD")) return "decomposed letters, as macOS writes them";
  return "a mix of composed and decomposed letters";
}

/**
 * The refusal of a link that, once Unicode forms are set aside, names more than one file:
 * files whose names look the same but spell their accented letters differently. The link
 * is left for the person to settle, because either file may be the one they meant.
 * @param linkpath the link as the note has it
 * @param sourcePath the note's vault path
 * @param paths the vault paths of the files the link could mean
 */
export function ambiguousLinkError(linkpath: string, sourcePath: string, paths: readonly string[]): UploadError {
  const named = listed(paths.map((p) => `"${p}" (${unicodeForm(p)})`));
  return new UploadError(
    "AmbiguousLink",
    `The image "${linkpath}" linked in "${sourcePath}" matches ${paths.length} files whose names look the same but spell their accented letters differently: ${named}; the link was left as it was.`,
    "Rename or remove all but one of them, then run again.",
  );
}

/**
 * Which image links a profile serves: a link is served from a profile when it starts with the
 * profile's public URL prefix (see `buildPublicUrl`), and the rest of its path is the object
 * key. Used to pick the links "Download images back" fetches, and the links "re-host web
 * images" must never take for someone else's.
 */
import { parseHttpUrl } from "../link/httpUrl";

/** The public URL prefix of one profile (ending in `/`), and its key template when known. */
export interface ImageSource {
  prefix: string;
  keyTemplate?: string;
  /** The bucket's scope in the upload index (`bucketScope`), where its uploads are remembered. */
  scope?: string;
}

/** A link found to be served from a source: the source and the object key the link names. */
export interface ServedLink {
  source: ImageSource;
  key: string;
}

/**
 * The source `url` is served from and the key it names, or undefined. Scheme and host are
 * compared as URLs compare them (case, default port), the path as written; the key is the
 * rest of the path with each segment's percent-escapes decoded. The query is not part of the key.
 */
export function servedFrom(url: string, sources: readonly ImageSource[]): ServedLink | undefined {
  const link = parseHttpUrl(url.startsWith("//") ? `https:${url}` : url);
  if (!link) return undefined;
  for (const source of sources) {
    const base = parseHttpUrl(source.prefix);
    if (!base) continue;
    const sameOrigin = url.startsWith("//") ? link.host === base.host : link.origin === base.origin;
    const basePath = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
    if (!sameOrigin || !link.pathname.startsWith(basePath)) continue;
    const rest = link.pathname.slice(basePath.length);
    if (rest === "") continue;
    try {
      return { source, key: rest.split("/").map(decodeURIComponent).join("/") };
    } catch {
      return { source, key: rest };
    }
  }
  return undefined;
}

/**
 * Host names as lists in settings and flags: `example.com` also covers its subdomains
 * (`img.example.com`); a leading `*.` or `.` says the same. Case does not count.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const p = pattern
    .trim()
    .toLowerCase()
    .replace(/^\*?\./, "")
    .replace(/\.$/, "");
  return p !== "" && (h === p || h.endsWith(`.${p}`));
}

/**
 * Whether a web image at `url` may be fetched under the allow and deny lists: a denied host
 * never, and with an allow list only the hosts on it.
 */
export function hostAllowed(url: string, lists: { allow: readonly string[]; deny: readonly string[] }): boolean {
  const parsed = parseHttpUrl(url.startsWith("//") ? `https:${url}` : url);
  if (!parsed) return false;
  if (lists.deny.some((d) => hostMatches(parsed.hostname, d))) return false;
  return lists.allow.length === 0 || lists.allow.some((a) => hostMatches(parsed.hostname, a));
}

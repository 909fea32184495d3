/**
 * Which links of a note name an object of a profile's bucket, and which key each names.
 *
 * A profile's objects are reached at its public base URL and, where the bucket allows
 * anonymous reads, at its S3 endpoint in either addressing style; a link at any of these
 * addresses names the same object. Links compare by host and path: the scheme, the case of
 * the host and a default port make no difference, and the path is compared percent-decoded
 * (the scanner decodes link targets), so `a%20b.png` and `a b.png` name the same key.
 */
import { scanEmbeds, type Embed, type ScanOptions } from "../markdown";
import { percentDecode } from "../markdown";
import { buildPublicUrl } from "../link/publicUrl";
import { parseHttpUrl } from "../link/httpUrl";
import type { Profile } from "../types";

/** One address under which a bucket's objects are served: `host` lower case, `path` decoded and ending in `/`. */
export interface ServedBase {
  host: string;
  path: string;
}

/** An image link of a note that names an object of the bucket. */
export interface ProfileLink {
  embed: Embed;
  /**
   * The keys the link may name: one, or two when the link has a `?` or `#` after the key,
   * which may be a query string or part of a key written percent-encoded (the scanner decodes
   * both alike). Callers treat a link as naming every one of them.
   */
  keys: string[];
}

/**
 * The base of a public URL such as `https://cdn.example.com/blog/`, or undefined when `url`
 * is not an http(s) URL with a host. Query and fragment are refused: a base is a folder.
 */
export function servedBase(url: string): ServedBase | undefined {
  const parsed = parseHttpUrl(url.trim());
  if (!parsed || parsed.search !== "" || parsed.hash !== "" || parsed.username !== "" || parsed.password !== "") return undefined;
  const path = percentDecode(parsed.pathname);
  return { host: parsed.host.toLowerCase(), path: path.endsWith("/") ? path : `${path}/` };
}

/**
 * Every address the profile's objects are served at: the public base URL (or the endpoint
 * link when there is none), and the endpoint in path and virtual-hosted style.
 */
export function profileBases(profile: Pick<Profile, "publicBaseUrl" | "endpoint" | "bucket" | "forcePathStyle">): ServedBase[] {
  const urls: string[] = [];
  const tryPrefix = (p: typeof profile): void => {
    try {
      urls.push(buildPublicUrl(p, ""));
    } catch {
      // A profile without an endpoint still has its public base URL.
    }
  };
  tryPrefix(profile);
  tryPrefix({ ...profile, publicBaseUrl: "", forcePathStyle: true });
  // A dotted bucket over TLS is never served virtual-hosted (see buildPublicUrl).
  tryPrefix({ ...profile, publicBaseUrl: "", forcePathStyle: false });
  const out: ServedBase[] = [];
  for (const url of urls) {
    const base = servedBase(url);
    if (base && !out.some((b) => b.host === base.host && b.path === base.path)) out.push(base);
  }
  return out;
}

/** Host (lower case, default port dropped) and the rest of an absolute or protocol-relative URL, decoded. */
function splitUrl(target: string): { host: string; rest: string } | undefined {
  const m = /^(?:(https?):)?\/\/([^/?#]*)(.*)$/is.exec(target.trim());
  if (!m) return undefined;
  const scheme = (m[1] ?? "").toLowerCase();
  let host = m[2].toLowerCase();
  const at = host.lastIndexOf("@");
  if (at >= 0) host = host.slice(at + 1);
  if ((scheme === "https" || scheme === "") && host.endsWith(":443")) host = host.slice(0, -4);
  if ((scheme === "http" || scheme === "") && host.endsWith(":80")) host = host.slice(0, -3);
  return { host, rest: m[3] };
}

/**
 * The keys a link target (as the scanner reports it: decoded) names under `bases`, or an
 * empty list when it is served from elsewhere. A target that ends at the base names no key.
 */
export function keysOfTarget(target: string, bases: readonly ServedBase[]): string[] {
  const url = splitUrl(target);
  if (!url) return [];
  for (const base of bases) {
    if (url.host !== base.host || !url.rest.startsWith(base.path)) continue;
    const key = url.rest.slice(base.path.length);
    if (key === "") return [];
    const cut = key.search(/[?#]/);
    if (cut < 0) return [key];
    return cut === 0 ? [key] : [key.slice(0, cut), key];
  }
  return [];
}

/**
 * The key a URL given by a person names under `bases`, or undefined when it is served from
 * elsewhere. A `?` or `#` as written makes it no object's URL (a key's own are written
 * `%3F` and `%23` in the links this plugin builds), so such a URL names no key either.
 */
export function keyOfUrl(url: string, bases: readonly ServedBase[]): string | undefined {
  const written = url.trim();
  if (/[?#]/.test(written)) return undefined;
  const split = splitUrl(percentDecode(written));
  if (!split) return undefined;
  for (const base of bases) {
    if (split.host !== base.host || !split.rest.startsWith(base.path)) continue;
    const key = split.rest.slice(base.path.length);
    return key === "" ? undefined : key;
  }
  return undefined;
}

/** The image links of `text` that name objects served at `bases`, in note order. */
export function profileLinks(text: string, bases: readonly ServedBase[], options?: ScanOptions): ProfileLink[] {
  const out: ProfileLink[] = [];
  for (const embed of scanEmbeds(text, options)) {
    if (!embed.isRemote) continue;
    const keys = keysOfTarget(embed.target, bases);
    if (keys.length > 0) out.push({ embed, keys });
  }
  return out;
}

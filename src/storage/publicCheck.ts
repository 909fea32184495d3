/**
 * The public side of a bucket: does the link a note gets actually show the image to anyone?
 * This is the part of the error catalog for answers from the public link (the CDN, custom
 * domain or public bucket address), with hints for each provider's usual cause; failures to
 * reach it at all go through `toUploadError`, which words them for the public link.
 */
import { UploadError } from "../core/errors";
import { PROVIDERS } from "../core/providers";
import type { Profile } from "../core/types";
import { fieldName, type Face } from "../core/settings/profileFields";
import { toUploadError } from "./errorMapping";

/** What a plain, anonymous GET of the public link returned. */
export interface PublicResponse {
  status: number;
  /** Response headers; names in any case. */
  headers: Record<string, string>;
  body?: Uint8Array;
}

/**
 * An anonymous GET, injected because each face has its own: `requestUrl` with `throw: false`
 * in Obsidian (no CORS), Node's fetch in the command-line tool. Redirects are followed.
 */
export type FetchPublic = (url: string) => Promise<PublicResponse>;

/** How long the public link may take to answer before it counts as a timeout. */
export const DEFAULT_PUBLIC_TIMEOUT_MS = 15_000;

function header(headers: Record<string, string>, name: string): string | undefined {
  const found = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name);
  if (!found) return undefined;
  const value = found[1] as unknown;
  return Array.isArray(value) ? value.map(String).join(", ") : String(value);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/** The media type without parameters, lower-cased; "" when there is none. */
export function mediaType(res: PublicResponse): string {
  return (header(res.headers, "content-type") ?? "").split(";")[0].trim().toLowerCase();
}

function forbiddenHint(profile: Profile, face: Face): string {
  if (profile.acl === "private") {
    const acl = face === "cli" ? "--acl" : "ACL";
    return `${face === "cli" ? "The upload is made" : "This profile uploads"} with ACL private, which keeps every image unreadable without a key: set ${acl} to public-read (where the provider supports ACLs), or to none with a public bucket.`;
  }
  const provider = PROVIDERS[profile.provider];
  if (!profile.publicBaseUrl.trim() && provider.publicForbiddenWithoutBaseUrlHint) return provider.publicForbiddenWithoutBaseUrlHint;
  return provider.publicForbiddenHint;
}

function notFoundHint(profile: Profile, key: string): string {
  const base = profile.publicBaseUrl.trim();
  if (!base) {
    return "The link is built from the endpoint, which this bucket is not served from publicly: set the public base URL to the address the bucket's files are served from.";
  }
  return (
    PROVIDERS[profile.provider].publicNotFoundHint?.(base, profile.bucket) ??
    `The public base URL must be the bucket's root: a link is that address followed by the object key (${key}). Check it for a missing or extra path segment (such as the bucket name), and that it serves this bucket.`
  );
}

function notImageHint(type: string): string {
  if (type === "text/html" || type === "application/xhtml+xml") {
    return "That address serves a web page (a landing, login or error page) rather than the bucket's files: check the public base URL, and that its domain is connected to this bucket.";
  }
  if (type === "" || type === "application/octet-stream" || type === "binary/octet-stream") {
    return "The image is served without its image type, so browsers treat it as a download: the server or CDN in front of the bucket drops the Content-Type the upload set. Check its settings.";
  }
  return "Check that the public base URL points at this bucket's files.";
}

/**
 * What is wrong with the public link's answer to an anonymous GET of a just-uploaded image,
 * or undefined when it serves an image.
 * @param key the object key, named in hints about the URL's shape.
 */
export function publicUrlProblem(profile: Profile, url: string, key: string, res: PublicResponse, face: Face = "plugin"): UploadError | undefined {
  const type = mediaType(res);
  if (res.status >= 200 && res.status < 300) {
    if (type.startsWith("image/")) return undefined;
    return new UploadError(
      "PublicUrlNotImage",
      `The public link ${url} answers with ${type ? `"${type}"` : "no content type"} instead of an image, so notes would show a broken image.`,
      notImageHint(type),
    );
  }
  if (res.status === 401 || res.status === 403) {
    return new UploadError(
      "PublicUrlForbidden",
      `The public link ${url} refuses visitors (HTTP ${res.status}): the image would not show for anyone reading the note.`,
      forbiddenHint(profile, face),
    );
  }
  if (res.status === 404 || res.status === 410) {
    return new UploadError("PublicUrlNotFound", `The public link ${url} does not find the uploaded image (HTTP ${res.status}).`, notFoundHint(profile, key));
  }
  if (res.status >= 500) {
    return new UploadError(
      "ServerError",
      `The public link's server ${hostOf(url)} failed with HTTP ${res.status}.`,
      "If the public address is a CDN or proxy, check that it can reach the bucket; otherwise try again later.",
    );
  }
  return new UploadError(
    "Unknown",
    `The public link ${url} answered HTTP ${res.status} instead of the image.`,
    `Check ${fieldName("publicBaseUrl", face)}${face === "cli" ? "" : " in the profile"}.`,
  );
}

/** Why fetching the public link failed (DNS, refused, TLS, timeout …), in words about the public link. */
export function publicFetchError(e: unknown, profile: Profile, url: string, secrets: readonly string[] = [], face: Face = "plugin"): UploadError {
  return toUploadError(e, { profile, publicUrl: url, operation: `open ${url}`, secrets, face });
}

/**
 * Fetches `url` anonymously and returns what is wrong with the answer, or undefined when it
 * serves an image. A fetch that takes longer than `timeoutMs` is a Timeout (Obsidian's
 * `requestUrl` cannot be aborted, so its late result is ignored).
 */
export async function checkPublicUrl(opts: {
  fetchPublic: FetchPublic;
  profile: Profile;
  url: string;
  key: string;
  timeoutMs?: number;
  secrets?: readonly string[];
  /** Whose words to use (see `ErrorContext.face`). */
  face?: Face;
}): Promise<{ problem?: UploadError; contentType?: string }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PUBLIC_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const res = await Promise.race([
      opts.fetchPublic(opts.url),
      new Promise<never>((_, reject) => {
        // Plain timers, not window's: this module also runs in Node (the command-line tool).
        timer = setTimeout(() => {
          const e = new Error(`No answer within ${timeoutMs} ms`);
          e.name = "TimeoutError";
          reject(e);
        }, timeoutMs);
      }),
    ]);
    return { problem: publicUrlProblem(opts.profile, opts.url, opts.key, res, opts.face), contentType: mediaType(res) };
  } catch (e) {
    return { problem: publicFetchError(e, opts.profile, opts.url, opts.secrets, opts.face) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * What the download, re-host and link-everywhere features share in Obsidian: which links the
 * profiles serve, and web images fetched through `requestUrl` (no CORS, works on mobile).
 */
import { requestUrl } from "obsidian";
import { errorText, UploadError } from "../core/errors";
import type { FetchedResponse } from "../core/download/checkedImage";
import type { ImageSource } from "../core/download/servedFrom";
import { bucketScope, buildPublicUrl } from "../core/link/publicUrl";
import type { PluginSettings } from "../core/settings/settingsModel";

/** The public URL prefix and key template of every profile that has a usable public URL. */
export function profileSources(settings: PluginSettings): ImageSource[] {
  const out: ImageSource[] = [];
  for (const profile of settings.profiles) {
    try {
      out.push({ prefix: buildPublicUrl(profile, ""), keyTemplate: profile.keyTemplate, scope: bucketScope(profile) });
    } catch {
      // A profile with neither a public URL nor an endpoint serves no link.
    }
  }
  return out;
}

/** A GET through `requestUrl`, any status resolved (`throw: false`); header names in lower case. */
export async function requestUrlFetch(url: string): Promise<FetchedResponse> {
  const target = url.startsWith("//") ? `https:${url}` : url;
  try {
    const res = await requestUrl({ url: target, method: "GET", throw: false });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers ?? {})) headers[name.toLowerCase()] = String(value);
    return { status: res.status, headers, bytes: new Uint8Array(res.arrayBuffer) };
  } catch (e) {
    throw new UploadError("DownloadFailed", `"${url}" could not be fetched (${errorText(e)}); the link was left as it was.`);
  }
}

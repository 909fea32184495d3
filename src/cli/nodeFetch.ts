/** Images fetched over HTTP by the command-line tool: `download`, and `upload --remote`. */
import { errorText, UploadError } from "../core/errors";
import type { FetchedResponse } from "../core/download/checkedImage";
import { errorCode } from "./fsErrors";

/** How long one download may take before it counts as failed. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** A GET as a browser showing the image would make it; redirects followed. */
export async function nodeFetch(url: string): Promise<FetchedResponse> {
  const target = url.startsWith("//") ? `https:${url}` : url;
  let res: Response;
  try {
    res = await fetch(target, { redirect: "follow", signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), headers: { "user-agent": "s3-image-hosting" } });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    const reason =
      errorCode(cause) ?? (e instanceof Error && e.name === "TimeoutError" ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s` : errorText(cause ?? e));
    throw new UploadError("DownloadFailed", `"${url}" could not be fetched (${reason}); the link was left as it was.`);
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  return { status: res.status, headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

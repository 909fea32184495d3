/**
 * What a download may keep: an answer of 2xx whose bytes are an image and, where anything
 * says what they should be, have that SHA-256. Everything else is refused in words.
 */
import { UploadError } from "../errors";
import { sha256Hex } from "../prepare/hash";
import { sha256PrefixInKey } from "../prepare/keyTemplate";
import { sniffImageType, SUPPORTED_IMAGE_FORMATS } from "../prepare/sniff";

/** An HTTP answer as the ports hand it over: header names in lower case. */
export interface FetchedResponse {
  status: number;
  bytes: Uint8Array;
  headers: Record<string, string>;
}

/** Bytes fit to save, their file extension, and whether a hash confirmed them. */
export interface CheckedImage {
  bytes: Uint8Array;
  ext: string;
  verified: boolean;
}

/** The header S3 answers a GET with for the object's `sha256` user metadata. */
export const SHA256_HEADER = "x-amz-meta-sha256";

/**
 * Checks an answer for `url`. `stored` is the object key the URL names and the key template
 * of its profile: when the template put a hash in the key, the bytes must have it; otherwise
 * the `x-amz-meta-sha256` header, when the answer has one, must name them.
 * @throws UploadError `PublicUrlNotFound`, `PublicUrlForbidden`, `DownloadFailed`, `EmptyFile`,
 *   `PublicUrlNotImage`, `HashMismatch`.
 */
export async function checkedImage(url: string, res: FetchedResponse, stored?: { key: string; keyTemplate?: string }): Promise<CheckedImage> {
  const left = "the link was left as it was.";
  if (res.status === 404 || res.status === 410) {
    throw new UploadError("PublicUrlNotFound", `"${url}" is not there any more (HTTP ${res.status}); ${left}`);
  }
  if (res.status === 401 || res.status === 403) {
    // S3 answers 403 rather than 404 for a missing key when anonymous readers may not list the bucket.
    throw new UploadError(
      "PublicUrlForbidden",
      `"${url}" refused the download (HTTP ${res.status}): the image is not public, or no longer there; ${left}`,
      "Check that the image still opens in a browser.",
    );
  }
  if (res.status < 200 || res.status > 299) {
    throw new UploadError("DownloadFailed", `"${url}" answered HTTP ${res.status} instead of the image; ${left}`);
  }
  if (res.bytes.length === 0) throw new UploadError("EmptyFile", `"${url}" answered with no bytes; ${left}`);
  const type = sniffImageType(res.bytes);
  if (!type) {
    throw new UploadError("PublicUrlNotImage", `"${url}" did not answer with an image (${SUPPORTED_IMAGE_FORMATS}); nothing was saved and ${left}`);
  }
  const fromKey = stored?.keyTemplate !== undefined ? sha256PrefixInKey(stored.keyTemplate, stored.key) : undefined;
  const fromHeader = /^[0-9a-f]{64}$/i.test(res.headers[SHA256_HEADER]?.trim() ?? "") ? res.headers[SHA256_HEADER].trim().toLowerCase() : undefined;
  const expected = fromKey ?? fromHeader;
  if (expected === undefined) return { bytes: res.bytes, ext: type.ext, verified: false };
  const actual = await sha256Hex(res.bytes);
  if (!actual.startsWith(expected)) {
    const where = fromKey !== undefined ? "its key names" : `its ${SHA256_HEADER} names`;
    throw new UploadError(
      "HashMismatch",
      `"${url}" answered with other bytes than the image ${where} (SHA-256 ${actual.slice(0, 16)}…, expected ${expected.slice(0, 16)}…); nothing was saved and ${left}`,
      "A CDN or proxy in between may change images; check the image in the bucket itself.",
    );
  }
  return { bytes: res.bytes, ext: type.ext, verified: true };
}

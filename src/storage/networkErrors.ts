/**
 * Errors on the way to the storage service or the public link, whichever transport raised
 * them: Node's (the command-line tool) or Chromium's behind Obsidian's `requestUrl`.
 */
import type { UploadError, UploadErrorCode } from "../core/errors";
import { attemptsOf, during, endpointHost, explained, type ErrorContext } from "./errorContext";

// Chromium network error names (what Obsidian's desktop `requestUrl` rejects with) and the
// Node error code with the same meaning, so both transports classify alike.
const CHROMIUM_NET_ERRORS: Readonly<Record<string, string>> = {
  ERR_NAME_NOT_RESOLVED: "ENOTFOUND",
  ERR_NAME_RESOLUTION_FAILED: "EAI_AGAIN",
  ERR_CONNECTION_REFUSED: "ECONNREFUSED",
  ERR_CONNECTION_RESET: "ECONNRESET",
  ERR_CONNECTION_CLOSED: "ECONNRESET",
  ERR_CONNECTION_ABORTED: "ECONNRESET",
  ERR_EMPTY_RESPONSE: "ECONNRESET",
  ERR_CONNECTION_TIMED_OUT: "ETIMEDOUT",
  ERR_TIMED_OUT: "ETIMEDOUT",
  ERR_ADDRESS_UNREACHABLE: "EHOSTUNREACH",
  ERR_INTERNET_DISCONNECTED: "ENETUNREACH",
  ERR_NETWORK_CHANGED: "ENETUNREACH",
};

/**
 * The Node-style error code (`ECONNREFUSED`, `ENOTFOUND`, …) for a network error, whether it
 * came from Node (`code` property) or from Chromium (`net::ERR_…` in the message).
 */
export function networkErrorCode(e: unknown): string | undefined {
  // Node's fetch rejects with a bare `TypeError: fetch failed` whose cause (or the cause's
  // cause) is the socket error with the code, so the chain is followed a few links down.
  for (let err = e, depth = 0; depth < 4 && typeof err === "object" && err !== null; depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code) return code;
    const message = (err as { message?: unknown }).message;
    const m = typeof message === "string" ? /net::(ERR_[A-Z0-9_]+)/.exec(message) : null;
    if (m) return CHROMIUM_NET_ERRORS[m[1]] ?? m[1];
    // An error copied into another realm or wrapped by the SDK may keep only its message;
    // Node's messages name the code after the failing call ("getaddrinfo ENOTFOUND host").
    const node = typeof message === "string" ? /\b(?:getaddrinfo|connect|read|write|socket|send|request)\s+(E[A-Z_]{3,})\b/.exec(message) : null;
    if (node) return node[1];
    err = (err as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The transport's own words, without the SDK's wrapper prefix. */
function plainMessage(message: string): string {
  return message.replace(/^AWS SDK error wrapper for (?:[A-Za-z]*Error: )?/, "");
}

/** The messages along an error's cause chain, for classification by words. */
function messagesOf(e: unknown): string {
  const out: string[] = [];
  for (let err = e, depth = 0; depth < 4 && typeof err === "object" && err !== null; depth++) {
    const message = (err as { message?: unknown }).message;
    if (typeof message === "string") out.push(message);
    err = (err as { cause?: unknown }).cause;
  }
  if (typeof e === "string") out.push(e);
  return out.join(" | ");
}

const CERTIFICATE_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Why a TLS connection failed: the certificate, or no TLS at all on the other side. */
type TlsProblem = "certificate" | "protocol";

function tlsProblem(code: string | undefined, message: string): TlsProblem | undefined {
  // "wrong version number" is what OpenSSL says when the server answers in plain HTTP:
  // an https:// endpoint pointed at an http-only port.
  if (
    /wrong version number|packet length too long|unknown protocol|ERR_SSL_PROTOCOL_ERROR|ERR_SSL_VERSION_OR_CIPHER_MISMATCH/i.test(message) ||
    code === "ERR_SSL_WRONG_VERSION_NUMBER"
  ) {
    return "protocol";
  }
  if (code && (CERTIFICATE_CODES.has(code) || code.startsWith("ERR_CERT_") || code.startsWith("ERR_TLS_CERT"))) return "certificate";
  if (/\bcertificate\b|net::ERR_CERT_/i.test(message)) return "certificate";
  if (code === "EPROTO" || code?.startsWith("ERR_SSL_") || code?.startsWith("ERR_TLS_") || /\bSSL\b|\bTLS\b|net::ERR_SSL_/i.test(message)) return "protocol";
  return undefined;
}

/**
 * A request header that could not be sent: Node refuses a header value with characters
 * outside Latin-1 (`ERR_INVALID_CHAR`), Chromium one that is not a byte string. The only
 * header values that come from the user are the signing ones, made from the keys.
 */
function isUnsendableHeader(code: string | undefined, messages: string): boolean {
  return (
    code === "ERR_INVALID_CHAR" ||
    code === "ERR_HTTP_INVALID_HEADER_VALUE" ||
    /invalid character in header content|invalid value .*for header|not a valid ByteString/i.test(messages)
  );
}

/**
 * The characters of the keys that cannot stand in a request header, each with its code
 * point (`"…" (U+2026)`), so the person knows what to look for; the keys themselves are
 * never shown. Empty when the keys are not known.
 */
function unsendableCharacters(secrets: readonly string[]): string {
  const found = new Set<string>();
  for (const secret of secrets) for (const ch of secret) if (!/^[\x21-\x7e]$/.test(ch)) found.add(ch);
  return [...found]
    .map((ch) => {
      const point = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
      return /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) ? `"${ch}" (${point})` : point;
    })
    .join(", ");
}

/** Where a network failure happened, in the words its messages use. */
interface NetworkTarget {
  host: string;
  /** True for the public link, false for the S3 endpoint. */
  isPublic: boolean;
}

function networkTarget(ctx: ErrorContext | undefined): NetworkTarget {
  if (ctx?.publicUrl) {
    try {
      return { host: new URL(ctx.publicUrl).host || ctx.publicUrl, isPublic: true };
    } catch {
      return { host: ctx.publicUrl, isPublic: true };
    }
  }
  return { host: endpointHost(ctx?.profile), isPublic: false };
}

/**
 * Explains an error on the way to the service or the public link: a request that could not be
 * sent, a name that does not resolve, a refused or failed connection, a TLS problem, a
 * timeout. Anything else is `Unknown`, with its own words.
 */
export function fromNetworkError(e: unknown, ctx: ErrorContext | undefined): UploadError {
  const err = typeof e === "object" && e !== null ? (e as { name?: unknown; message?: unknown }) : {};
  const name = typeof err.name === "string" ? err.name : "";
  const message = plainMessage(typeof err.message === "string" ? err.message : typeof e === "string" ? e : "");
  const allMessages = messagesOf(e);
  const code = networkErrorCode(e);
  const { host, isPublic } = networkTarget(ctx);
  const setting = isPublic ? "public base URL" : "endpoint";
  const detail = message ? ` (${message})` : "";
  const attempts = attemptsOf(e);
  const make = (c: UploadErrorCode, m: string, hint: string) => explained(e, ctx, c, m, hint);
  const where = isPublic ? `The public link's server ${host}` : `The storage service at ${host}`;

  if (isUnsendableHeader(code, allMessages)) {
    const chars = unsendableCharacters(ctx?.secrets ?? []);
    return make(
      "InvalidSettings",
      `The access key or secret key holds characters that cannot be sent in a request${chars ? `: ${chars}` : ""}.`,
      'Copy the keys again from the provider\'s console: a key is plain letters, digits and a few symbols, without spaces, quotes or a shortening "…".',
    );
  }

  if (
    name === "TimeoutError" ||
    code === "ETIMEDOUT" ||
    code === "ESOCKETTIMEDOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT"
  ) {
    return make(
      "Timeout",
      `${where} did not answer in time${attempts > 1 ? ` on any of ${attempts} attempts` : ""}${during(ctx)}.`,
      "Check that this device is online and try again; on a slow or busy network, try again later.",
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL") {
    return make(
      "DnsFailure",
      isPublic ? `The public link's host name ${host} could not be resolved.` : `The endpoint's host name ${host} could not be resolved.`,
      isPublic
        ? "Check the public base URL for typos; a custom domain also needs its DNS record (usually a CNAME to the bucket's public address)."
        : "Check the endpoint for typos, and that this device is online.",
    );
  }
  if (code === "ECONNREFUSED") {
    return make(
      "ConnectionRefused",
      `Nothing accepted the connection at ${host}${isPublic ? " (the public link's server)" : ""}.`,
      `Check the ${setting}'s host and port (http:// and https:// use different ports), and that the server is running.`,
    );
  }
  const tls = tlsProblem(code, allMessages);
  if (tls === "protocol") {
    return make(
      "TlsError",
      `The secure (https) connection to ${host} failed: the server there does not answer with TLS on that port.`,
      `If the server only speaks plain HTTP (common on a home network), start the ${setting} with http://; otherwise check the port.`,
    );
  }
  if (tls === "certificate") {
    return make(
      "TlsError",
      `The secure connection to ${host} failed: its certificate could not be verified${detail}.`,
      isPublic
        ? "The public domain needs a valid certificate for its own name: finish its setup at the provider or CDN (a custom domain can take a few minutes after connecting)."
        : "Check that the endpoint uses https with a valid certificate for that host name (bucket names with dots break virtual-hosted style: turn on path style).",
    );
  }
  if (name === "AbortError") {
    return make("NetworkError", `The request to ${host} was cancelled${during(ctx)}.`, "");
  }
  if (code !== undefined || /network|fetch|socket|connect/i.test(`${name} ${allMessages}`)) {
    return make(
      "NetworkError",
      `The connection to ${host} failed${attempts > 1 ? ` on all ${attempts} attempts` : ""}${detail}.`,
      `Check that this device is online and the ${setting} is reachable, then try again.`,
    );
  }
  return make("Unknown", `Something unexpected went wrong${during(ctx)}${detail}.`, "");
}

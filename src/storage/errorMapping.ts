/**
 * Turns whatever the S3 SDK or the transport threw into an `UploadError` a person can act on.
 * The notice, the command-line tool and the diagnostics print the same words, so every branch
 * says what happened and what to change, in the profile's own terms.
 */
import { UploadError, isUploadError } from "../core/errors";
import type { UploadErrorCode } from "../core/errors";
import { redactSecrets } from "../core/redact";
import type { Profile } from "../core/types";

/** Where an error happened, to name the bucket and the step in the message. */
export interface ErrorContext {
  profile?: Profile;
  /** A short verb phrase for the step, e.g. `upload img/a.png` or `check img/a.png`. */
  operation?: string;
  /** Literal values that must never appear in a message (the credentials in use). */
  secrets?: readonly string[];
  /**
   * The public link that was being fetched, when the failure happened there rather than at
   * the S3 endpoint: network failures then name that host and give advice about the public
   * base URL instead of the endpoint.
   */
  publicUrl?: string;
}

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
  if (/wrong version number|packet length too long|unknown protocol|ERR_SSL_PROTOCOL_ERROR|ERR_SSL_VERSION_OR_CIPHER_MISMATCH/i.test(message) || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return "protocol";
  }
  if (code && (CERTIFICATE_CODES.has(code) || code.startsWith("ERR_CERT_") || code.startsWith("ERR_TLS_CERT"))) return "certificate";
  if (/\bcertificate\b|net::ERR_CERT_/i.test(message)) return "certificate";
  if (code === "EPROTO" || code?.startsWith("ERR_SSL_") || code?.startsWith("ERR_TLS_") || /\bSSL\b|\bTLS\b|net::ERR_SSL_/i.test(message)) return "protocol";
  return undefined;
}

/** What the SDK puts on a service error, read without trusting its shape. */
interface ServiceErrorFacts {
  name: string;
  code: string;
  status: number | undefined;
  message: string;
  bucketRegion: string | undefined;
  header: string | undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

function readFacts(e: object): ServiceErrorFacts {
  const any = e as Record<string, unknown>;
  const metadata = any.$metadata as { httpStatusCode?: unknown } | undefined;
  const response = any.$response as { statusCode?: unknown; headers?: Record<string, unknown> } | undefined;
  const statusRaw = metadata?.httpStatusCode ?? response?.statusCode;
  const status = typeof statusRaw === "number" ? statusRaw : undefined;
  const name = str(any.name) ?? "";
  const code = str(any.Code) ?? name;
  const headers = response?.headers ?? {};
  const headerRegion = Object.entries(headers).find(([k]) => k.toLowerCase() === "x-amz-bucket-region")?.[1];
  return {
    name,
    code,
    status,
    // The SDK says "UnknownError" when the body had no <Message> (Ceph RGW never sends one).
    message: [str(any.Message), str(any.message)].find((m) => m !== undefined && m !== "UnknownError") ?? "",
    bucketRegion: str(any.Region) ?? str(headerRegion),
    header: str(any.Header) ?? str(any.ArgumentName),
  };
}

// How many tries the SDK made (its retry step records them on the error), so the words can
// say the failure was not a one-off.
function attemptsOf(e: unknown): number {
  const attempts = (e as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === "number" ? attempts : 1;
}

function isServiceError(e: object): boolean {
  const any = e as Record<string, unknown>;
  const metadata = any.$metadata as { httpStatusCode?: unknown } | undefined;
  return typeof metadata?.httpStatusCode === "number" || any.$fault === "client" || any.$fault === "server";
}

function bucketWords(profile: Profile | undefined): string {
  return profile?.bucket ? `bucket "${profile.bucket}"` : "the bucket";
}

function endpointHost(profile: Profile | undefined): string {
  if (!profile?.endpoint) return "the endpoint";
  try {
    return new URL(profile.endpoint).host || profile.endpoint;
  } catch {
    return profile.endpoint;
  }
}

function during(ctx: ErrorContext | undefined): string {
  return ctx?.operation ? ` (while trying to ${ctx.operation})` : "";
}

const CHECKSUM_WORDS = /checksum|x-amz-trailer/i;
const ACL_WORDS = /\bacl\b|x-amz-acl|access control list/i;

function fromServiceError(e: object, ctx: ErrorContext | undefined): UploadError {
  const f = readFacts(e);
  const profile = ctx?.profile;
  const region = profile?.region || "(empty)";
  const make = (code: UploadErrorCode, message: string, hint: string) =>
    new UploadError(code, redact(message, ctx), redact(hint, ctx), { cause: e });
  const serverSays = f.message ? ` The service said: "${f.message}"` : "";
  const aclSent = profile !== undefined && profile.acl !== "none";

  switch (f.code) {
    case "InvalidAccessKeyId":
      return make(
        "InvalidAccessKeyId",
        "The access key id is not known to this service: check the Access key secret in the profile, and that the key belongs to this provider and account.",
        `Keys are per provider (and, for R2, per account): a key from elsewhere is rejected by ${endpointHost(profile)}.`,
      );
    case "SignatureDoesNotMatch":
      return make(
        "SignatureDoesNotMatch",
        "The service rejected the request signature: the secret access key is wrong, or the region does not match the bucket's region.",
        `Check the Secret access key in the profile, and the region (now ${region}).`,
      );
    case "RequestTimeTooSkewed":
    case "RequestExpired":
    case "RequestInTheFuture":
      return make(
        "ClockSkew",
        "The service rejected the request because this device's clock differs too much from the server's.",
        "Set the device's date and time to update automatically, then try again.",
      );
    case "NoSuchBucket":
      return make(
        "NoSuchBucket",
        `The ${bucketWords(profile)} does not exist at ${endpointHost(profile)}.`,
        "Check the bucket name (it is case-sensitive) and that the endpoint belongs to the account that owns the bucket.",
      );
    case "PermanentRedirect":
    case "IllegalLocationConstraintException":
    case "MovedPermanently":
      return wrongRegion();
    case "AuthorizationHeaderMalformed":
      if (/region/i.test(f.message) || f.bucketRegion) return wrongRegion();
      break;
    case "AccessControlListNotSupported":
      return aclNotSupported();
    default:
      break;
  }

  // Providers without checksum support answer 400 or 501 and name the header they refused.
  if ((f.status === 400 || f.status === 501 || f.code === "NotImplemented" || f.code === "InvalidArgument") && CHECKSUM_WORDS.test(`${f.message} ${f.header ?? ""}`)) {
    return make(
      "ChecksumNotSupported",
      "The service does not accept the checksum headers this upload sent.",
      "This provider does not support S3 checksum headers. They are sent only where S3 requires them, so this operation cannot work with this provider as it is.",
    );
  }
  if (aclSent && (f.code === "NotImplemented" || (f.status === 400 && ACL_WORDS.test(`${f.message} ${f.header ?? ""}`)))) {
    return aclNotSupported();
  }

  if (f.status === 403 && !f.message && (f.code === "Unknown" || f.code === "Forbidden" || f.code === "403" || f.code === "")) {
    // A HEAD answer has no body, so the reason for a 403 is lost.
    return make(
      "AccessDenied",
      `The service refused the request to the ${bucketWords(profile)} (HTTP 403) without saying why${during(ctx)}.`,
      "A wrong secret access key, a key without access to this bucket, or a bucket policy can each cause this: check them in the profile.",
    );
  }
  if (f.code === "AccessDenied" || f.code === "Forbidden" || f.code === "AllAccessDisabled" || f.status === 403) {
    return make(
      "AccessDenied",
      `The service refused access to the ${bucketWords(profile)}: the key is valid but not allowed to do this${during(ctx)}.`,
      "Check the key's scope (it needs object read and write on this bucket) and any bucket policy that denies it.",
    );
  }
  if (f.status === 301) return wrongRegion();
  if (f.code === "EntityTooLarge") {
    return make("TooLarge", `The service refused the file as too large${during(ctx)}.${serverSays}`, "Upload a smaller image, or raise the provider's limit.");
  }
  if (f.code === "InvalidBucketName") {
    return make("InvalidSettings", `The bucket name "${profile?.bucket ?? ""}" is not valid for this service.`, "Use the bucket name exactly as the provider's console shows it.");
  }
  if (f.status !== undefined && f.status >= 500) {
    const named = f.code && !/^\d+$/.test(f.code) && f.code !== "Unknown" ? ` (${f.code})` : "";
    return make(
      "ServerError",
      `The storage service failed with HTTP ${f.status}${named}${attemptsOf(e) > 1 ? ` on all ${attemptsOf(e)} attempts` : ""}${during(ctx)}.${serverSays}`,
      f.status === 503 || f.code === "SlowDown"
        ? "The service is busy or limiting requests; wait a minute and try again (fewer uploads at once helps)."
        : "This is on the provider's side; try again in a moment.",
    );
  }
  return make(
    "Unknown",
    `The storage service answered ${f.status !== undefined ? `HTTP ${f.status}` : "with an error"}${f.code && f.code !== "Unknown" ? ` (${f.code})` : ""}${during(ctx)}.${serverSays}`,
    "Check the endpoint, bucket and region in the profile.",
  );

  function wrongRegion(): UploadError {
    // AWS names the expected region in AuthorizationHeaderMalformed's message when no header does.
    const expected = f.bucketRegion ?? /expecting '([A-Za-z0-9-]+)'/.exec(f.message)?.[1];
    const where = expected ? `Set the region to ${expected}.` : `Set the region to the one shown for the bucket in the provider's console (now ${region}).`;
    return make("WrongRegion", `The ${bucketWords(profile)} is in a different region than the profile says.`, where);
  }

  function aclNotSupported(): UploadError {
    return make(
      "AclNotSupported",
      `The service does not accept per-object ACLs, and this profile sends "${profile?.acl ?? "an ACL"}": set ACL to none in the profile.`,
      "Make objects public with a bucket setting, a bucket policy or a public domain (R2 public bucket, CloudFront, …) instead.",
    );
  }
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

function fromNetworkError(e: unknown, ctx: ErrorContext | undefined): UploadError {
  const err = typeof e === "object" && e !== null ? (e as { name?: unknown; message?: unknown }) : {};
  const name = typeof err.name === "string" ? err.name : "";
  const message = plainMessage(typeof err.message === "string" ? err.message : typeof e === "string" ? e : "");
  const allMessages = messagesOf(e);
  const code = networkErrorCode(e);
  const { host, isPublic } = networkTarget(ctx);
  const setting = isPublic ? "public base URL" : "endpoint";
  const detail = message ? ` (${message})` : "";
  const attempts = attemptsOf(e);
  const make = (c: UploadErrorCode, m: string, hint: string) => new UploadError(c, redact(m, ctx), redact(hint, ctx), { cause: e });
  const where = isPublic ? `The public link's server ${host}` : `The storage service at ${host}`;

  if (name === "TimeoutError" || code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT") {
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

function redact(text: string, ctx: ErrorContext | undefined): string {
  return redactSecrets(text, ctx?.secrets);
}

/**
 * Maps an error from the S3 SDK or the HTTP transport to an `UploadError` with plain words
 * and a hint. An `UploadError` passes through unchanged. Messages never contain credentials
 * or signatures (see `redactSecrets`).
 */
export function toUploadError(e: unknown, ctx?: ErrorContext): UploadError {
  if (isUploadError(e)) return e;
  if (typeof e === "object" && e !== null) {
    const name = (e as { name?: unknown }).name;
    if (name === "CredentialsProviderError") {
      return new UploadError("MissingCredentials", "No access key is available for this profile.", "Enter the access key id and secret access key in the profile.", { cause: e });
    }
    if (isServiceError(e)) return fromServiceError(e, ctx);
  }
  return fromNetworkError(e, ctx);
}

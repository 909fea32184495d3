/**
 * Errors are values with a machine code and words for a person. The notice, the CLI,
 * the migration summary and the diagnostics all print the same `message` and `hint`.
 */
export type UploadErrorCode =
  // settings and input
  | "InvalidSettings"
  | "MissingCredentials"
  | "EmptyFile"
  | "TooLarge"
  | "NotAnImage"
  // an image whose metadata cannot be removed, an SVG that cannot be made safe
  | "MetadataNotRemoved"
  | "UnsafeSvg"
  | "MissingFile"
  | "UnreadableFile"
  | "OutsideVault"
  | "AmbiguousLink"
  | "MalformedLink"
  // two different images, one object key
  | "KeyCollision"
  // downloading an image back
  | "HashMismatch"
  | "DownloadFailed"
  | "HostNotAllowed"
  // answers from the storage service
  | "InvalidAccessKeyId"
  | "SignatureDoesNotMatch"
  | "AccessDenied"
  | "NoSuchBucket"
  | "WrongRegion"
  | "ClockSkew"
  | "AclNotSupported"
  | "ChecksumNotSupported"
  | "ServerError"
  // public link checks
  | "PublicUrlForbidden"
  | "PublicUrlNotFound"
  | "PublicUrlNotImage"
  // network
  | "DnsFailure"
  | "ConnectionRefused"
  | "TlsError"
  | "Timeout"
  | "NetworkError"
  | "Unknown";

export class UploadError extends Error {
  readonly code: UploadErrorCode;
  /** What the user can do about it, in plain words; may be empty. */
  readonly hint: string;

  constructor(code: UploadErrorCode, message: string, hint = "", options?: { cause?: unknown }) {
    super(message);
    this.name = "UploadError";
    this.code = code;
    this.hint = hint;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** One line for a notice or a terminal: the message, then the hint. */
  toUserText(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isUploadError(e: unknown): e is UploadError {
  return e instanceof UploadError;
}

/**
 * Any thrown value in words for a person: an `UploadError`'s message and hint, another
 * error's message, or the value itself as text.
 */
export function errorText(e: unknown): string {
  if (isUploadError(e)) return e.toUserText();
  return e instanceof Error ? e.message : String(e);
}

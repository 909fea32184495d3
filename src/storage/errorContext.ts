/**
 * What every explanation of a failure draws on: where it happened (the profile, the step, the
 * public link) and the words that name those places, so service and network errors speak
 * of them alike.
 */
import { UploadError, type UploadErrorCode } from "../core/errors";
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

/**
 * An `UploadError` whose message and hint are redacted with the context's secrets, keeping
 * the original error as its cause.
 */
export function explained(cause: unknown, ctx: ErrorContext | undefined, code: UploadErrorCode, message: string, hint: string): UploadError {
  return new UploadError(code, redactSecrets(message, ctx?.secrets), redactSecrets(hint, ctx?.secrets), { cause });
}

/** `bucket "images"`, or `the bucket` when the profile names none. */
export function bucketWords(profile: Profile | undefined): string {
  return profile?.bucket ? `bucket "${profile.bucket}"` : "the bucket";
}

/** The endpoint's host (and port), as a person would recognise it in the settings. */
export function endpointHost(profile: Profile | undefined): string {
  if (!profile?.endpoint) return "the endpoint";
  try {
    return new URL(profile.endpoint).host || profile.endpoint;
  } catch {
    return profile.endpoint;
  }
}

/** ` (while trying to upload img/a.png)`, or nothing when the step is not known. */
export function during(ctx: ErrorContext | undefined): string {
  return ctx?.operation ? ` (while trying to ${ctx.operation})` : "";
}

/**
 * How many tries the SDK made (its retry step records them on the error), so the words can
 * say the failure was not a one-off.
 */
export function attemptsOf(e: unknown): number {
  const attempts = (e as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === "number" ? attempts : 1;
}

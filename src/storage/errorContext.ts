/**
 * What every explanation of a failure draws on: where it happened (the profile, the step, the
 * public link) and the words that name those places, so service and network errors speak
 * of them alike.
 */
import { UploadError, type UploadErrorCode } from "../core/errors";
import { redactSecrets } from "../core/redact";
import { CREDENTIALS_FROM_ENVIRONMENT, fieldName, type Face } from "../core/settings/profileFields";
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
  /** Whose words to use: the plugin names its settings, the command-line tool its flags and environment. */
  face?: Face;
}

/** A setting as the person changes it: `the endpoint` in the plugin, `--endpoint` in the tool. */
export function settingName(ctx: ErrorContext | undefined, key: keyof Profile): string {
  return fieldName(key, ctx?.face ?? "plugin");
}

/** ` in the profile` in the plugin; nothing in the tool, whose flags say where by themselves. */
export function inSettings(ctx: ErrorContext | undefined): string {
  return ctx?.face === "cli" ? "" : " in the profile";
}

/** The access key id or the secret access key, as the person sets it on this face. */
export function keyName(ctx: ErrorContext | undefined, which: "id" | "secret"): string {
  if (ctx?.face === "cli") return which === "id" ? "S3_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID)" : "S3_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY)";
  return which === "id" ? "the Access key secret in the profile" : "the Secret access key in the profile";
}

/** What to do when no access key is available at all. */
export function noKeysHint(ctx: ErrorContext | undefined): string {
  return ctx?.face === "cli" ? CREDENTIALS_FROM_ENVIRONMENT : "Enter the access key id and secret access key in the profile.";
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

/**
 * Turns whatever the S3 SDK or the transport threw into an `UploadError` a person can act on.
 * The notice, the command-line tool and the diagnostics print the same words, so every branch
 * says what happened and what to change, in the profile's own terms. What the service answered
 * is explained in `serviceErrors.ts`, what happened on the way there in `networkErrors.ts`.
 */
import { UploadError, isUploadError } from "../core/errors";
import { noKeysHint, type ErrorContext } from "./errorContext";
import { fromNetworkError } from "./networkErrors";
import { fromServiceError, isServiceError } from "./serviceErrors";

export type { ErrorContext } from "./errorContext";

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
      return new UploadError("MissingCredentials", "No access key is available for this profile.", noKeysHint(ctx), { cause: e });
    }
    if (isServiceError(e)) return fromServiceError(e, ctx);
  }
  return fromNetworkError(e, ctx);
}

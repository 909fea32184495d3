/**
 * One place that turns a profile into an S3 client, with the settings every S3-compatible
 * provider needs: checksums only when an operation requires them, path or virtual-hosted style
 * from the profile, and the SDK's standard retries (which also correct a skewed clock).
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { HttpHandler } from "@smithy/core/protocols";
import { UploadError } from "../core/errors";
import { PROVIDERS } from "../core/providers";
import type { Credentials, Profile } from "../core/types";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./requestUrlHandler";
import { parseHttpUrl } from "../core/link/httpUrl";
import { s3Endpoint } from "./s3Endpoint";

/**
 * Any Smithy HTTP handler, whatever its own settings: `RequestUrlHttpHandler`, Node's
 * `NodeHttpHandler`, the browser's `FetchHttpHandler`.
 */
export type SdkHttpHandler = HttpHandler<object>;

/** Attempts per request (first try plus retries) unless the caller says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Tuning of one client: retries and, for the SDK's own transport, the request timeout. */
export interface S3ClientOptions {
  maxAttempts?: number;
  /**
   * Milliseconds before a request through the SDK's own transport (Node's, in the command-line
   * tool) gives up and is retried. A handler passed in keeps its own timeout.
   */
  requestTimeoutMs?: number;
}

/**
 * The region to sign with: the provider's fixed one (R2's `auto`) whatever the profile says,
 * else the bucket's real region, and `us-east-1`, the conventional one for self-hosted servers.
 */
export function signingRegion(profile: Profile): string {
  return PROVIDERS[profile.provider].signingRegion ?? (profile.region.trim() || "us-east-1");
}

/**
 * The endpoint URL for the SDK (trailing slashes dropped), or undefined when it is empty and
 * the provider's SDK endpoint follows from the region (AWS).
 */
export function normalizeEndpoint(profile: Profile): string | undefined {
  const raw = profile.endpoint.trim();
  if (!raw) {
    if (PROVIDERS[profile.provider].endpointFromRegion) return undefined;
    throw new UploadError(
      "InvalidSettings",
      "The profile has no endpoint.",
      "Enter the S3 API address of your provider, e.g. https://<account-id>.r2.cloudflarestorage.com.",
    );
  }
  if (!parseHttpUrl(raw)) {
    throw new UploadError(
      "InvalidSettings",
      `The endpoint "${raw}" is not a full URL.`,
      "Enter it starting with https:// (or http:// for a server on your own network).",
    );
  }
  return raw.replace(/\/+$/, "");
}

/**
 * Creates the S3 client for a profile.
 *
 * `requestHandler` is the transport: Obsidian's `requestUrl` through `RequestUrlHttpHandler`
 * inside the app, Node's handler in the command-line tool; left out, the SDK's default for
 * the platform is used, with a request timeout: the SDK's Node transport has none by default,
 * and only fails a late response when told to throw. Checksums are computed and validated
 * only when an operation requires them, because R2, B2 and others reject the SDK's default
 * CRC32 headers.
 * @throws UploadError `MissingCredentials` without both keys, `InvalidSettings` for an unusable endpoint.
 */
export function createS3Client(profile: Profile, credentials: Credentials, requestHandler?: SdkHttpHandler, opts: S3ClientOptions = {}): S3Client {
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new UploadError("MissingCredentials", "The profile has no access key.", "Enter the access key id and the secret access key for this profile.");
  }
  const config: S3ClientConfig = {
    region: signingRegion(profile),
    endpoint: normalizeEndpoint(profile),
    forcePathStyle: profile.forcePathStyle,
    // The SDK's endpoint rules narrowed to what a profile can ask for (see s3Endpoint.ts).
    endpointProvider: s3Endpoint,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // A wrong region must surface as an error the user can fix in the profile, not be
    // papered over by an extra redirected request on every upload.
    followRegionRedirects: false,
    // The middleware stack is put together once per kind of request, not for every request
    // (a quarter of the SDK's own CPU per upload). Its one condition, no middleware added
    // after the first request, holds: the uploader adds its own right after creating the client.
    cacheMiddleware: true,
  };
  // Options rather than a handler: the SDK builds its platform's default handler from them,
  // so this module needs neither Node's nor the browser's transport code.
  config.requestHandler = requestHandler ?? {
    requestTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  };
  const client = new S3Client(config);
  // The SDK's logger step copies every request's input and every response's output with
  // sensitive fields masked, walking the operation's schema, to hand them to the configured
  // logger. None is configured (the SDK's no-op logger), so that work, a sizeable share of
  // the SDK's own CPU per upload, was thrown away. Removed before the client's first request,
  // which `cacheMiddleware` requires.
  client.middlewareStack.remove(LOGGER_MIDDLEWARE);
  reuseSigner(client);
  return client;
}

/**
 * The SDK asks its `signer` function for a signer before every request, and that function
 * builds a new one each time from a copy of the whole client configuration (and the signer
 * starts with no signing key of its own). Every request of a client signs for the same
 * service and region, with the same keys, and `sign` is given the region, service and
 * skew-corrected time per request anyway: the first signer serves them all.
 */
function reuseSigner(client: S3Client): void {
  const config = client.config as { signer?: unknown };
  const make = config.signer;
  if (typeof make !== "function") return;
  let signer: Promise<unknown> | undefined;
  config.signer = (authScheme?: unknown): Promise<unknown> => {
    if (signer === undefined) {
      const made = Promise.resolve((make as (a?: unknown) => unknown)(authScheme));
      signer = made;
      // A signer that could not be made is asked for again on the next request.
      made.catch(() => {
        if (signer === made) signer = undefined;
      });
    }
    return signer;
  };
}

/** The name the SDK's logger step is added under (`@aws-sdk/middleware-logger`). */
export const LOGGER_MIDDLEWARE = "loggerMiddleware";

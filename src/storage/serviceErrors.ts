/**
 * Errors the storage service answered with (an S3 error code, an HTTP status), explained in
 * the profile's own terms. S3's error codes map through one table; what a provider answers
 * without a telling code (a refused checksum or ACL header, a bare 403, a 5xx) is recognised
 * by the rules after it.
 */
import type { UploadError, UploadErrorCode } from "../core/errors";
import type { Profile } from "../core/types";
import { attemptsOf, bucketWords, during, endpointHost, explained, inSettings, keyName, settingName, type ErrorContext } from "./errorContext";

/** What the SDK puts on a service error, read without trusting its shape. */
interface ServiceErrorFacts {
  code: string;
  status: number | undefined;
  message: string;
  bucketRegion: string | undefined;
  header: string | undefined;
  attempts: number;
}

/** The facts and where they happened: what every explanation's words are made from. */
interface Situation {
  f: ServiceErrorFacts;
  profile: Profile | undefined;
  ctx: ErrorContext | undefined;
}

type Words = (s: Situation) => string;

/** One explanation: the code, and the message and hint in words built from the situation. */
interface Explanation {
  code: UploadErrorCode;
  message: Words;
  hint: Words;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

function readFacts(e: object): ServiceErrorFacts {
  const any = e as Record<string, unknown>;
  const metadata = any.$metadata as { httpStatusCode?: unknown } | undefined;
  const response = any.$response as { statusCode?: unknown; headers?: Record<string, unknown> } | undefined;
  const statusRaw = metadata?.httpStatusCode ?? response?.statusCode;
  const headers = response?.headers ?? {};
  const headerRegion = Object.entries(headers).find(([k]) => k.toLowerCase() === "x-amz-bucket-region")?.[1];
  return {
    code: str(any.Code) ?? str(any.name) ?? "",
    status: typeof statusRaw === "number" ? statusRaw : undefined,
    // The SDK says "UnknownError" when the body had no <Message> (Ceph RGW never sends one).
    message: [str(any.Message), str(any.message)].find((m) => m !== undefined && m !== "UnknownError") ?? "",
    bucketRegion: str(any.Region) ?? str(headerRegion),
    header: str(any.Header) ?? str(any.ArgumentName),
    attempts: attemptsOf(e),
  };
}

/** True for an error the service answered, as opposed to one on the way there. */
export function isServiceError(e: object): boolean {
  const any = e as Record<string, unknown>;
  const metadata = any.$metadata as { httpStatusCode?: unknown } | undefined;
  return typeof metadata?.httpStatusCode === "number" || any.$fault === "client" || any.$fault === "server";
}

const serverSays = ({ f }: Situation): string => (f.message ? ` The service said: "${f.message}"` : "");
const regionNow = ({ profile }: Situation): string => profile?.region || "(empty)";

const WRONG_REGION: Explanation = {
  code: "WrongRegion",
  message: ({ profile }) => `The ${bucketWords(profile)} is in a different region than the profile says.`,
  hint: (s) => {
    // AWS names the expected region in AuthorizationHeaderMalformed's message when no header does.
    const expected = s.f.bucketRegion ?? /expecting '([A-Za-z0-9-]+)'/.exec(s.f.message)?.[1];
    return expected ? `Set the region to ${expected}.` : `Set the region to the one shown for the bucket in the provider's console (now ${regionNow(s)}).`;
  },
};

const ACL_NOT_SUPPORTED: Explanation = {
  code: "AclNotSupported",
  message: ({ profile, ctx }) =>
    `The service does not accept per-object ACLs, and ${ctx?.face === "cli" ? "the upload sends" : "this profile sends"} "${profile?.acl ?? "an ACL"}": set ${ctx?.face === "cli" ? "--acl" : "ACL"} to none${inSettings(ctx)}.`,
  hint: () => "Make objects public with a bucket setting, a bucket policy or a public domain (R2 public bucket, CloudFront, …) instead.",
};

const CLOCK_SKEW: Explanation = {
  code: "ClockSkew",
  message: () => "The service rejected the request because this device's clock differs too much from the server's.",
  hint: () => "Set the device's date and time to update automatically, then try again.",
};

/** S3 error codes that say what went wrong by themselves. */
const BY_SERVICE_CODE: ReadonlyMap<string, Explanation> = new Map(
  Object.entries({
    InvalidAccessKeyId: {
      code: "InvalidAccessKeyId",
      message: ({ ctx }) =>
        `The access key id is not known to this service: check ${keyName(ctx, "id")}, and that the key belongs to this provider and account.`,
      hint: ({ profile }) => `Keys are per provider (and, for R2, per account): a key from elsewhere is rejected by ${endpointHost(profile)}.`,
    },
    SignatureDoesNotMatch: {
      code: "SignatureDoesNotMatch",
      message: () => "The service rejected the request signature: the secret access key is wrong, or the region does not match the bucket's region.",
      hint: (s) => `Check ${keyName(s.ctx, "secret")}, and ${settingName(s.ctx, "region")} (now ${regionNow(s)}).`,
    },
    RequestTimeTooSkewed: CLOCK_SKEW,
    RequestExpired: CLOCK_SKEW,
    RequestInTheFuture: CLOCK_SKEW,
    NoSuchBucket: {
      code: "NoSuchBucket",
      message: ({ profile }) => `The ${bucketWords(profile)} does not exist at ${endpointHost(profile)}.`,
      hint: () => "Check the bucket name (it is case-sensitive) and that the endpoint belongs to the account that owns the bucket.",
    },
    PermanentRedirect: WRONG_REGION,
    IllegalLocationConstraintException: WRONG_REGION,
    MovedPermanently: WRONG_REGION,
    AccessControlListNotSupported: ACL_NOT_SUPPORTED,
    EntityTooLarge: {
      code: "TooLarge",
      message: (s) => `The service refused the file as too large${during(s.ctx)}.${serverSays(s)}`,
      hint: () => "Upload a smaller image, or raise the provider's limit.",
    },
    InvalidBucketName: {
      code: "InvalidSettings",
      message: ({ profile }) => `The bucket name "${profile?.bucket ?? ""}" is not valid for this service.`,
      hint: () => "Use the bucket name exactly as the provider's console shows it.",
    },
  } satisfies Record<string, Explanation>),
);

const CHECKSUM_WORDS = /checksum|x-amz-trailer/i;
const ACL_WORDS = /\bacl\b|x-amz-acl|access control list/i;

/** Explanations for answers whose code alone does not tell, tried in order. */
const BY_SITUATION: readonly { when: (s: Situation) => boolean; then: Explanation }[] = [
  {
    // Only about the region when the message or a header says so; otherwise a plain malformed request.
    when: ({ f }) => f.code === "AuthorizationHeaderMalformed" && (/region/i.test(f.message) || f.bucketRegion !== undefined),
    then: WRONG_REGION,
  },
  {
    // Providers without checksum support answer 400 or 501 and name the header they refused.
    when: ({ f }) =>
      (f.status === 400 || f.status === 501 || f.code === "NotImplemented" || f.code === "InvalidArgument") &&
      CHECKSUM_WORDS.test(`${f.message} ${f.header ?? ""}`),
    then: {
      code: "ChecksumNotSupported",
      message: () => "The service does not accept the checksum headers this upload sent.",
      hint: () =>
        "This provider does not support S3 checksum headers. They are sent only where S3 requires them, so this operation cannot work with this provider as it is.",
    },
  },
  {
    when: ({ f, profile }) =>
      profile !== undefined &&
      profile.acl !== "none" &&
      (f.code === "NotImplemented" || (f.status === 400 && ACL_WORDS.test(`${f.message} ${f.header ?? ""}`))),
    then: ACL_NOT_SUPPORTED,
  },
  {
    // A HEAD answer has no body, so the reason for a 403 is lost.
    when: ({ f }) => f.status === 403 && !f.message && (f.code === "Unknown" || f.code === "Forbidden" || f.code === "403" || f.code === ""),
    then: {
      code: "AccessDenied",
      message: ({ profile, ctx }) => `The service refused the request to the ${bucketWords(profile)} (HTTP 403) without saying why${during(ctx)}.`,
      hint: ({ ctx }) =>
        `A wrong secret access key, a key without access to this bucket, or a bucket policy can each cause this: check ${keyName(ctx, "secret")}, the key's permissions and the bucket policy.`,
    },
  },
  {
    when: ({ f }) => f.code === "AccessDenied" || f.code === "Forbidden" || f.code === "AllAccessDisabled" || f.status === 403,
    then: {
      code: "AccessDenied",
      message: ({ profile, ctx }) => `The service refused access to the ${bucketWords(profile)}: the key is valid but not allowed to do this${during(ctx)}.`,
      hint: () => "Check the key's scope (it needs object read and write on this bucket) and any bucket policy that denies it.",
    },
  },
  { when: ({ f }) => f.status === 301, then: WRONG_REGION },
  {
    when: ({ f }) => f.status !== undefined && f.status >= 500,
    then: {
      code: "ServerError",
      message: (s) => {
        const { f } = s;
        const named = f.code && !/^\d+$/.test(f.code) && f.code !== "Unknown" ? ` (${f.code})` : "";
        return `The storage service failed with HTTP ${f.status}${named}${f.attempts > 1 ? ` on all ${f.attempts} attempts` : ""}${during(s.ctx)}.${serverSays(s)}`;
      },
      hint: ({ f }) =>
        f.status === 503 || f.code === "SlowDown"
          ? "The service is busy or limiting requests; wait a minute and try again (fewer uploads at once helps)."
          : "This is on the provider's side; try again in a moment.",
    },
  },
];

const UNKNOWN: Explanation = {
  code: "Unknown",
  message: (s) => {
    const { f } = s;
    return `The storage service answered ${f.status !== undefined ? `HTTP ${f.status}` : "with an error"}${f.code && f.code !== "Unknown" ? ` (${f.code})` : ""}${during(s.ctx)}.${serverSays(s)}`;
  },
  hint: ({ ctx }) => `Check ${settingName(ctx, "endpoint")}, ${settingName(ctx, "bucket")} and ${settingName(ctx, "region")}${inSettings(ctx)}.`,
};

/** Explains an error the storage service answered with (see `isServiceError`). */
export function fromServiceError(e: object, ctx: ErrorContext | undefined): UploadError {
  const s: Situation = { f: readFacts(e), profile: ctx?.profile, ctx };
  const explanation = BY_SERVICE_CODE.get(s.f.code) ?? BY_SITUATION.find((rule) => rule.when(s))?.then ?? UNKNOWN;
  return explained(e, ctx, explanation.code, explanation.message(s), explanation.hint(s));
}

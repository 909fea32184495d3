/**
 * "Test connection": checks a profile the way an upload will use it, and explains every
 * problem in the same words an upload failure would. First the settings offline, then a real
 * round trip: upload a tiny probe image with the profile's ACL and Cache-Control next to
 * where images go, fetch it back anonymously through the public link a note would get, and
 * delete it again. The Obsidian settings tab and `s3-image-hosting doctor` both run this.
 */
import { UploadError, isUploadError } from "../core/errors";
import type { UploadErrorCode } from "../core/errors";
import { prepareAsset } from "../core/prepare/prepareAsset";
import { randomHex } from "../core/randomHex";
import { credentialValues } from "../core/redact";
import { buildPublicUrl } from "../core/link/publicUrl";
import { DEFAULT_CACHE_CONTROL, validateProfile } from "../core/settings/settings";
import type { FieldMessage } from "../core/settings/settings";
import type { Credentials, Profile } from "../core/types";
import { toUploadError } from "./errorMapping";
import { S3ObjectStore } from "./objectStore";
import { checkPublicUrl } from "./publicCheck";
import type { FetchPublic } from "./publicCheck";
import { DEFAULT_MAX_ATTEMPTS, createS3Client } from "./s3Client";
import type { SdkHttpHandler } from "./s3Client";

export type { FetchPublic, PublicResponse } from "./publicCheck";

/** The outcome of one check. `warn`: works, but something deserves attention. */
export interface DiagnosticStep {
  id: string;
  label: string;
  status: "pass" | "fail" | "skip" | "warn";
  message: string;
  hint?: string;
  code?: UploadErrorCode;
}

/** What `runDiagnostics` needs. */
export interface DiagnosticsOptions {
  profile: Profile;
  /** The profile's keys, read from secret storage or the environment; missing ones fail a step. */
  credentials?: Credentials;
  /** The transport for S3 requests (`RequestUrlHttpHandler` in Obsidian); the SDK's default if left out. */
  requestHandler?: SdkHttpHandler;
  fetchPublic: FetchPublic;
  /** Called as each step finishes, so a UI can show progress. */
  onStep?: (s: DiagnosticStep) => void;
  /** Attempts per S3 request; uploads' own default when left out. */
  maxAttempts?: number;
  /** Limit for the public fetch, and for S3 requests over the SDK's own transport. */
  timeoutMs?: number;
}

/** The steps, in order, with the labels a person sees. */
export const DIAGNOSTIC_STEPS = [
  { id: "settings", label: "Settings" },
  { id: "credentials", label: "Access key" },
  { id: "upload", label: "Upload a test image" },
  { id: "public", label: "Public link" },
  { id: "cleanup", label: "Remove the test image" },
] as const;

type StepId = (typeof DIAGNOSTIC_STEPS)[number]["id"];

// A valid 1×1 transparent PNG (68 bytes): small enough for any limit, and a real image, so a
// server or CDN that inspects content treats it like the user's own uploads.
const PROBE_PNG_HEX =
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b4944415478da636000020000050001e9fadcd80000000049454e44ae426082";

function probePng(): Uint8Array {
  const out = new Uint8Array(PROBE_PNG_HEX.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(PROBE_PNG_HEX.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// Settings fields without which no request can be addressed; problems with the others (region,
// public URL, ACL, …) are reported, but the round trip still runs to show their effect.
const BLOCKING_FIELDS: ReadonlyArray<keyof Profile> = ["endpoint", "bucket", "keyTemplate"];
const SECRET_NAME_FIELDS: ReadonlyArray<keyof Profile> = ["accessKeyIdSecret", "secretAccessKeySecret"];

/** The clock difference worth mentioning; the SDK itself corrects from 4 minutes on. */
const NOTABLE_CLOCK_OFFSET_MS = 60_000;

/**
 * Runs the checks for one profile and returns every step's outcome (also reported one by one
 * through `onStep`). Failures are steps, not exceptions; messages never contain the
 * credentials or a request signature.
 */
export async function runDiagnostics(opts: DiagnosticsOptions): Promise<DiagnosticStep[]> {
  const { profile } = opts;
  const steps: DiagnosticStep[] = [];
  const label = (id: StepId) => DIAGNOSTIC_STEPS.find((s) => s.id === id)?.label ?? id;
  const report = (id: StepId, status: DiagnosticStep["status"], message: string, extra: { hint?: string; code?: UploadErrorCode } = {}): void => {
    const step: DiagnosticStep = { id, label: label(id), status, message };
    if (extra.hint) step.hint = extra.hint;
    if (extra.code) step.code = extra.code;
    steps.push(step);
    opts.onStep?.(step);
  };
  const reportError = (id: StepId, e: UploadError): void => report(id, "fail", e.message, { hint: e.hint, code: e.code });
  const skipRest = (from: StepId, why: string): void => {
    const at = DIAGNOSTIC_STEPS.findIndex((s) => s.id === from);
    for (const s of DIAGNOSTIC_STEPS.slice(at)) report(s.id, "skip", why);
  };

  // 1. Settings, offline.
  const problems = validateProfile(profile);
  const settingsProblems = problems.filter((p) => !SECRET_NAME_FIELDS.includes(p.field));
  if (settingsProblems.length === 0) {
    report("settings", "pass", "The endpoint, bucket, region, public URL and key template are well formed.");
  } else {
    report("settings", "fail", settingsProblems.map((p) => p.message).join(" "), {
      hint: `Fix ${fieldList(settingsProblems)} in the profile.`,
      code: "InvalidSettings",
    });
  }

  // 2. Credentials present (whether they are right is what the upload shows).
  const credentials = opts.credentials;
  const hasCredentials = !!credentials?.accessKeyId.trim() && !!credentials?.secretAccessKey.trim();
  if (hasCredentials) {
    report("credentials", "pass", "An access key id and a secret access key are set; the upload below checks them.");
  } else {
    const secretProblems = problems.filter((p) => SECRET_NAME_FIELDS.includes(p.field));
    report("credentials", "fail", "No access key is set for this profile.", {
      hint: secretProblems.length > 0 ? secretProblems.map((p) => p.message).join(" ") : "Enter the access key id and the secret access key for this profile.",
      code: "MissingCredentials",
    });
  }

  if (settingsProblems.some((p) => BLOCKING_FIELDS.includes(p.field)) || !hasCredentials || !credentials) {
    skipRest("upload", "Not checked: fix the problems above first.");
    return steps;
  }
  const secrets = credentialValues(credentials);

  // 3. Upload a probe image where the template puts images, so a policy limited to that
  // folder is what gets tested.
  let store: S3ObjectStore;
  let key: string;
  let offsetMs = 0;
  const client = (() => {
    try {
      return createS3Client(profile, credentials, opts.requestHandler, { maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, requestTimeoutMs: opts.timeoutMs });
    } catch (e) {
      return toUploadError(e, { profile, secrets });
    }
  })();
  if (isUploadError(client)) {
    reportError("upload", client);
    skipRest("public", "Not checked: no test image was uploaded.");
    return steps;
  }
  try {
    const bytes = probePng();
    try {
      const prepared = await prepareAsset({ bytes, name: "s3ih-probe.png", notePath: "s3ih-probe.md" }, profile, { now: new Date() });
      // No leading dot: web servers and CDNs in front of buckets often refuse dot-files,
      // which would fail the public check for a reason real images never meet.
      key = `${prepared.key.slice(0, prepared.key.lastIndexOf("/") + 1)}s3ih-probe-${randomHex(6)}.png`;
      store = new S3ObjectStore(client, profile);
      await store.put({ key, body: bytes, contentType: "image/png", cacheControl: profile.cacheControl.trim() || DEFAULT_CACHE_CONTROL });
      offsetMs = client.config.systemClockOffset ?? 0;
    } catch (e) {
      reportError("upload", toUploadError(e, { profile, secrets }));
      skipRest("public", "Not checked: no test image was uploaded.");
      return steps;
    }
    report("upload", "pass", `Uploaded a test image to bucket "${profile.bucket.trim()}" as ${key}${profile.acl !== "none" ? ` with ACL ${profile.acl}` : ""}.${clockNote(offsetMs)}`);

    // 4. Fetch it back as a reader of the note would: anonymously, through the public link.
    let url: string | undefined;
    try {
      url = buildPublicUrl(profile, key);
    } catch (e) {
      reportError("public", toUploadError(e, { profile, secrets }));
    }
    if (url !== undefined) {
      const { problem, contentType } = await checkPublicUrl({ fetchPublic: opts.fetchPublic, profile, url, key, timeoutMs: opts.timeoutMs, secrets });
      if (problem) reportError("public", problem);
      else report("public", "pass", `${url} shows the image to anyone (${contentType}).`);
    }

    // 5. Remove the probe whatever the public check found. A key that may upload but not
    // delete still works for the plugin, which never deletes: a warning, not a failure.
    try {
      await store.delete(key);
      report("cleanup", "pass", `Removed ${key}.`);
    } catch (e) {
      const err = toUploadError(e, { profile, secrets });
      report("cleanup", "warn", `The test image could not be removed: ${err.message}`, {
        hint: `Uploads work without this; delete ${key} from the bucket by hand if you like.`,
        code: err.code,
      });
    }
    return steps;
  } finally {
    if (!opts.requestHandler) client.destroy();
  }
}

function fieldList(problems: FieldMessage[]): string {
  const names: Partial<Record<keyof Profile, string>> = {
    endpoint: "the endpoint",
    region: "the region",
    bucket: "the bucket",
    publicBaseUrl: "the public base URL",
    keyTemplate: "the key template",
    cacheControl: "Cache-Control",
    acl: "the ACL",
    forcePathStyle: "path-style addressing",
  };
  const list = [...new Set(problems.map((p) => names[p.field] ?? String(p.field)))];
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

function clockNote(offsetMs: number): string {
  if (Math.abs(offsetMs) < NOTABLE_CLOCK_OFFSET_MS) return "";
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const amount = minutes >= 1 ? `${minutes} minute${minutes === 1 ? "" : "s"}` : "about a minute";
  // A positive offset means the server's time is ahead of this device's.
  return ` This device's clock is ${amount} ${offsetMs > 0 ? "behind" : "ahead of"} the server's; uploads correct for that by themselves, but setting the date and time to update automatically is better.`;
}

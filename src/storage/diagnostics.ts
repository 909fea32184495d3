/**
 * "Test connection": checks a profile the way an upload will use it, and explains every
 * problem in the same words an upload failure would. First the settings offline, then a real
 * round trip: upload a tiny probe image with the profile's ACL and Cache-Control next to
 * where images go, fetch it back anonymously through the public link a note would get, and
 * delete it again. The Obsidian settings tab and `s3-image-hosting doctor` both run this.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { UploadError, UploadErrorCode } from "../core/errors";
import { prepareAsset } from "../core/prepare/prepareAsset";
import { folderOf } from "../core/paths";
import { randomHex } from "../core/randomHex";
import { credentialValues } from "../core/redact";
import { buildPublicUrl } from "../core/link/publicUrl";
import { DEFAULT_CACHE_CONTROL } from "../core/settings/settingsModel";
import { validateProfile } from "../core/settings/profileValidation";
import type { FieldMessage } from "../core/settings/profileValidation";
import { CREDENTIALS_FROM_ENVIRONMENT, fieldName, type Face } from "../core/settings/profileFields";
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
  /** Whose words to use: the plugin names its settings and secrets, the tool its flags and environment. */
  face?: Face;
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

/** Collects the steps' outcomes in order and tells `onStep` about each as it comes. */
class StepLog {
  readonly steps: DiagnosticStep[] = [];

  constructor(private readonly onStep: ((s: DiagnosticStep) => void) | undefined) {}

  report(id: StepId, status: DiagnosticStep["status"], message: string, extra: { hint?: string; code?: UploadErrorCode } = {}): void {
    const step: DiagnosticStep = { id, label: DIAGNOSTIC_STEPS.find((s) => s.id === id)?.label ?? id, status, message };
    if (extra.hint) step.hint = extra.hint;
    if (extra.code) step.code = extra.code;
    this.steps.push(step);
    this.onStep?.(step);
  }

  fail(id: StepId, e: UploadError): void {
    this.report(id, "fail", e.message, { hint: e.hint, code: e.code });
  }

  /** Marks `from` and every step after it as not run, for the reason given. */
  skipFrom(from: StepId, why: string): void {
    const at = DIAGNOSTIC_STEPS.findIndex((s) => s.id === from);
    for (const s of DIAGNOSTIC_STEPS.slice(at)) this.report(s.id, "skip", why);
  }
}

/**
 * Runs the checks for one profile and returns every step's outcome (also reported one by one
 * through `onStep`). Failures are steps, not exceptions; messages never contain the
 * credentials or a request signature.
 */
export async function runDiagnostics(opts: DiagnosticsOptions): Promise<DiagnosticStep[]> {
  const { profile } = opts;
  const log = new StepLog(opts.onStep);
  const problems = validateProfile(profile);
  const face = opts.face ?? "plugin";
  const blocked = checkSettings(problems, face, log);
  const credentials = checkCredentials(opts.credentials, problems, face, log);
  if (blocked || !credentials) {
    log.skipFrom("upload", "Not checked: fix the problems above first.");
    return log.steps;
  }
  const secrets = credentialValues(credentials);

  let client: S3Client;
  try {
    client = createS3Client(profile, credentials, opts.requestHandler, {
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      requestTimeoutMs: opts.timeoutMs,
    });
  } catch (e) {
    log.fail("upload", toUploadError(e, { profile, secrets, face }));
    log.skipFrom("public", "Not checked: no test image was uploaded.");
    return log.steps;
  }
  try {
    const store = new S3ObjectStore(client, profile, face);
    const key = await uploadProbe(store, client, { profile, secrets, face }, log);
    if (key === undefined) {
      log.skipFrom("public", "Not checked: no test image was uploaded.");
      return log.steps;
    }
    await checkPublicRead(opts, key, { profile, secrets, face }, log);
    // Removed whatever the public check found.
    await removeProbe(store, key, { profile, secrets, face }, log);
    return log.steps;
  } finally {
    if (!opts.requestHandler) client.destroy();
  }
}

/** What the probe steps word their failures with: the profile, the keys to keep out of messages, the face. */
interface ProbeContext {
  profile: Profile;
  secrets: string[];
  face: Face;
}

/**
 * 1. The settings, offline. True when a field without which no request can be addressed is
 * wrong, so the round trip cannot run.
 */
function checkSettings(problems: FieldMessage[], face: Face, log: StepLog): boolean {
  const settingsProblems = problems.filter((p) => !SECRET_NAME_FIELDS.includes(p.field));
  if (settingsProblems.length === 0) {
    log.report("settings", "pass", "The endpoint, bucket, region, public URL and key template are well formed.");
  } else {
    log.report("settings", "fail", settingsProblems.map((p) => p.message).join(" "), {
      hint: face === "cli" ? `Fix ${fieldList(settingsProblems, face)}.` : `Fix ${fieldList(settingsProblems, face)} in the profile.`,
      code: "InvalidSettings",
    });
  }
  return settingsProblems.some((p) => BLOCKING_FIELDS.includes(p.field));
}

/** 2. The keys are there (whether they are right is what the upload shows); undefined when not. */
function checkCredentials(credentials: Credentials | undefined, problems: FieldMessage[], face: Face, log: StepLog): Credentials | undefined {
  if (credentials?.accessKeyId.trim() && credentials.secretAccessKey.trim()) {
    log.report("credentials", "pass", "An access key id and a secret access key are set; the upload below checks them.");
    return credentials;
  }
  if (face === "cli") {
    log.report("credentials", "fail", "No access key is set in the environment.", { hint: CREDENTIALS_FROM_ENVIRONMENT, code: "MissingCredentials" });
    return undefined;
  }
  const secretProblems = problems.filter((p) => SECRET_NAME_FIELDS.includes(p.field));
  log.report("credentials", "fail", "No access key is set for this profile.", {
    hint: secretProblems.length > 0 ? secretProblems.map((p) => p.message).join(" ") : "Enter the access key id and the secret access key for this profile.",
    code: "MissingCredentials",
  });
  return undefined;
}

/**
 * 3. Uploads a probe image where the template puts images, so a policy limited to that folder
 * is what gets tested. Returns its key, or undefined when the upload failed.
 */
async function uploadProbe(store: S3ObjectStore, client: S3Client, ctx: ProbeContext, log: StepLog): Promise<string | undefined> {
  const { profile } = ctx;
  const bytes = probePng();
  let key: string;
  try {
    const prepared = await prepareAsset({ bytes, name: "s3ih-probe.png", notePath: "s3ih-probe.md" }, profile, { now: new Date() });
    // No leading dot: web servers and CDNs in front of buckets often refuse dot-files,
    // which would fail the public check for a reason real images never meet.
    const folder = folderOf(prepared.key);
    key = `${folder ? `${folder}/` : ""}s3ih-probe-${randomHex(6)}.png`;
    await store.put({ key, body: bytes, contentType: "image/png", cacheControl: profile.cacheControl.trim() || DEFAULT_CACHE_CONTROL });
  } catch (e) {
    log.fail("upload", toUploadError(e, ctx));
    return undefined;
  }
  const offsetMs = client.config.systemClockOffset ?? 0;
  log.report(
    "upload",
    "pass",
    `Uploaded a test image to bucket "${profile.bucket.trim()}" as ${key}${profile.acl !== "none" ? ` with ACL ${profile.acl}` : ""}.${clockNote(offsetMs)}`,
  );
  return key;
}

/** 4. Fetches the probe back as a reader of the note would: anonymously, through the public link. */
async function checkPublicRead(opts: DiagnosticsOptions, key: string, ctx: ProbeContext, log: StepLog): Promise<void> {
  const { profile } = opts;
  let url: string;
  try {
    url = buildPublicUrl(profile, key);
  } catch (e) {
    log.fail("public", toUploadError(e, ctx));
    return;
  }
  const { problem, contentType } = await checkPublicUrl({
    fetchPublic: opts.fetchPublic,
    profile,
    url,
    key,
    timeoutMs: opts.timeoutMs,
    secrets: ctx.secrets,
    face: ctx.face,
  });
  if (problem) log.fail("public", problem);
  else log.report("public", "pass", `${url} shows the image to anyone (${contentType}).`);
}

/**
 * 5. Removes the probe. A key that may upload but not delete still works for the plugin,
 * which never deletes: a warning, not a failure.
 */
async function removeProbe(store: S3ObjectStore, key: string, ctx: ProbeContext, log: StepLog): Promise<void> {
  try {
    await store.delete(key);
    log.report("cleanup", "pass", `Removed ${key}.`);
  } catch (e) {
    const err = toUploadError(e, ctx);
    log.report("cleanup", "warn", `The test image could not be removed: ${err.message}`, {
      hint: `Uploads work without this; delete ${key} from the bucket by hand if you like.`,
      code: err.code,
    });
  }
}

function fieldList(problems: FieldMessage[], face: Face): string {
  const list = [...new Set(problems.map((p) => fieldName(p.field, face)))];
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

function clockNote(offsetMs: number): string {
  if (Math.abs(offsetMs) < NOTABLE_CLOCK_OFFSET_MS) return "";
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const amount = minutes >= 1 ? `${minutes} minute${minutes === 1 ? "" : "s"}` : "about a minute";
  // A positive offset means the server's time is ahead of this device's.
  return ` This device's clock is ${amount} ${offsetMs > 0 ? "behind" : "ahead of"} the server's; uploads correct for that by themselves, but setting the date and time to update automatically is better.`;
}

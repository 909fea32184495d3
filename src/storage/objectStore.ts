/**
 * The bucket operations the pipeline needs, over the S3 SDK: put an object, look at one,
 * delete one. Every failure comes out as an `UploadError` in plain words.
 */
import { DeleteObjectCommand, DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { HeadObjectCommandOutput, ListObjectsV2CommandOutput, PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import { UploadError } from "../core/errors";
import type { BucketObject } from "../core/lifecycle/orphans";
import { PROVIDERS } from "../core/providers";
import type { Profile } from "../core/types";
import type { Face } from "../core/settings/profileFields";
import type { DirectPuts } from "./directPut";
import { toUploadError } from "./errorMapping";

/** What `put` stores: the exact bytes and the headers a CDN and a browser need. */
export interface PutObjectParams {
  key: string;
  body: Uint8Array;
  contentType: string;
  cacheControl?: string;
  /** Lower-case hex SHA-256 of `body`, kept with the object as `x-amz-meta-sha256`. */
  sha256?: string;
  /**
   * Write only if nothing is at `key` yet, where the provider can make that check part of the
   * write (`If-None-Match: *`). Elsewhere the object is written as usual: the caller must have
   * looked at the key just before.
   */
  createOnly?: boolean;
}

/** What `put` did: stored the bytes, or found the key taken and wrote nothing (`createOnly`). */
export type PutOutcome = "stored" | "taken";

/** What a HEAD tells about an object. */
export interface ObjectInfo {
  /** Content-Length, when the service sent it. */
  size?: number;
  /** The ETag as sent, quotes included. */
  etag?: string;
  /** `x-amz-meta-sha256`: the SHA-256 this plugin stored with the object; absent for objects put there otherwise. */
  sha256?: string;
  /** Content-Type, when the service sent it. */
  contentType?: string;
}

/** The most keys one DeleteObjects request takes. */
export const DELETE_BATCH = 1000;

/** The user metadata name under which an object's SHA-256 is kept (`x-amz-meta-sha256` on the wire). */
export const SHA256_METADATA = "sha256";

/** The bucket of one profile, through an S3 client made for that profile. */
export class S3ObjectStore {
  /** Whether to send `If-None-Match: *` for `createOnly` writes; off for good once the service refuses it. */
  protected conditionalWrites: boolean;

  constructor(
    protected readonly client: S3Client,
    protected readonly profile: Profile,
    /** Whose words its errors use (see `ErrorContext.face`). */
    private readonly face: Face = "plugin",
    /** Sends plain PutObjects past the SDK's per-request pipeline once that is checked to give the same request (see directPut.ts). */
    private readonly direct?: DirectPuts,
  ) {
    this.conditionalWrites = PROVIDERS[profile.provider].conditionalWrites;
  }

  /**
   * Stores the bytes at `key`, replacing any object there unless `createOnly` says otherwise.
   * The body is always a `Uint8Array`: a stream would be sent `aws-chunked`, which R2, Ceph RGW
   * and Swift reject. An ACL header is sent only when the profile asks for one, because R2, B2
   * and new AWS buckets refuse any.
   */
  async put(p: PutObjectParams): Promise<PutOutcome> {
    const input: PutObjectCommandInput = {
      Bucket: this.profile.bucket,
      Key: p.key,
      Body: p.body,
      ContentType: p.contentType,
      ContentLength: p.body.byteLength,
    };
    if (p.cacheControl) input.CacheControl = p.cacheControl;
    if (this.profile.acl !== "none") input.ACL = this.profile.acl;
    if (p.sha256) input.Metadata = { [SHA256_METADATA]: p.sha256 };
    try {
      // A write that must not replace anything always goes through the SDK (its condition
      // and the answers to it are handled there); so does any the direct path did not store.
      if (!p.createOnly && this.direct && (await this.direct.put(input, p.sha256))) return "stored";
      return await this.writeOnce(p.createOnly, (ifNoneMatch) => this.client.send(new PutObjectCommand({ ...input, ...ifNoneMatch })));
    } catch (e) {
      throw await this.fail(e, `upload ${p.key}`);
    }
  }

  /**
   * Sends a write, made conditional (`If-None-Match: *`) when `createOnly` asks and the
   * service can: "taken" when something is at the key. Rejects with the service's answer as
   * it came.
   */
  protected async writeOnce(createOnly: boolean | undefined, write: (ifNoneMatch: { IfNoneMatch?: string }) => Promise<unknown>): Promise<PutOutcome> {
    const conditional = createOnly === true && this.conditionalWrites;
    try {
      await this.send(() => write(conditional ? { IfNoneMatch: "*" } : {}));
      return "stored";
    } catch (e) {
      // 412: something is at the key; 409: another conditional write to it is under way.
      if (conditional && (statusOf(e) === 412 || statusOf(e) === 409)) return "taken";
      if (!conditional || statusOf(e) !== 501) throw e;
    }
    // A service that does not implement the condition says so with 501 before storing
    // anything; the caller looked at the key just before, so the plain write goes ahead.
    this.conditionalWrites = false;
    await this.send(() => write({}));
    return "stored";
  }

  /** True when an object exists at `key`; false when the service says it does not (404). */
  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  /** Size, ETag and stored SHA-256 of the object at `key`; null when the service says there is none (404). */
  async head(key: string): Promise<ObjectInfo | null> {
    let out: HeadObjectCommandOutput;
    try {
      out = await this.send(() => this.client.send(new HeadObjectCommand({ Bucket: this.profile.bucket, Key: key })));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw await this.fail(e, `check ${key}`);
    }
    return { size: out.ContentLength, etag: out.ETag, sha256: out.Metadata?.[SHA256_METADATA], contentType: out.ContentType };
  }

  /** The service's answer to a failed request in plain words, as every other method of the store gives it. */
  async explain(e: unknown, operation: string): Promise<UploadError> {
    return this.fail(e, operation);
  }

  /**
   * Size and ETag of every object whose key starts with `prefix` (ListObjectsV2, 1,000 keys a
   * page unless `pageKeys` asks for fewer), or null when there are more than `maxPages` pages of them: a listing that long
   * costs more requests than it saves. `maxPages` may be a function, asked before each page
   * (a run still counting its files allows more pages as it finds them). A listing carries no
   * user metadata, so `sha256` is never set.
   */
  async list(prefix: string, maxPages: number | (() => number), pageKeys?: number): Promise<Map<string, ObjectInfo> | null> {
    const objects = new Map<string, ObjectInfo>();
    const limit = typeof maxPages === "function" ? maxPages : () => maxPages;
    let token: string | undefined;
    for (let page = 0; page < limit(); page++) {
      let out: ListObjectsV2CommandOutput;
      try {
        out = await this.send(() =>
          this.client.send(new ListObjectsV2Command({ Bucket: this.profile.bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: pageKeys })),
        );
      } catch (e) {
        throw await this.fail(e, `list ${prefix || "the bucket"}`);
      }
      for (const o of out.Contents ?? []) if (o.Key !== undefined) objects.set(o.Key, { size: o.Size, etag: o.ETag });
      token = out.NextContinuationToken;
      if (!out.IsTruncated) return objects;
      // A truncated page without a way to the next one: the listing is not whole.
      if (token === undefined) return null;
    }
    return null;
  }

  /**
   * Every object under `prefix` with its size and last-modified time, all pages of it.
   * @throws UploadError when the listing fails, or `ServerError` when a page says more follow
   *   but gives no way to them: a listing that is not whole must not pass for one.
   */
  async listAll(prefix: string): Promise<BucketObject[]> {
    const objects: BucketObject[] = [];
    let token: string | undefined;
    for (;;) {
      let out: ListObjectsV2CommandOutput;
      try {
        out = await this.send(() =>
          this.client.send(new ListObjectsV2Command({ Bucket: this.profile.bucket, Prefix: prefix || undefined, ContinuationToken: token })),
        );
      } catch (e) {
        throw await this.fail(e, `list ${prefix || "the bucket"}`);
      }
      for (const o of out.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified });
      if (!out.IsTruncated) return objects;
      token = out.NextContinuationToken;
      if (token === undefined) {
        throw new UploadError(
          "ServerError",
          `The storage service sent only part of the list of ${prefix || "the bucket"} and no way to the rest.`,
          "Try again later.",
        );
      }
    }
  }

  /**
   * Deletes the objects at `keys` with DeleteObjects, 1,000 keys a request (the most the API
   * takes). Returns the keys the service says it could not delete, with its reason.
   */
  async deleteMany(keys: readonly string[]): Promise<{ key: string; reason: string }[]> {
    const failed: { key: string; reason: string }[] = [];
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      try {
        const out = await this.send(() =>
          this.client.send(new DeleteObjectsCommand({ Bucket: this.profile.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
        );
        for (const err of out.Errors ?? []) failed.push({ key: err.Key ?? "", reason: err.Message ?? err.Code ?? "refused" });
      } catch (e) {
        if (!batchUnsupported(e)) throw await this.fail(e, `delete ${batch.length} files`);
        // A service that does not take the batch request (or its checksum header) gets one
        // request per key, which every service takes.
        for (const key of batch) await this.delete(key);
      }
    }
    return failed;
  }

  /**
   * Deletes the object at `key` (deleting a missing key succeeds), with DeleteObject, which
   * every provider takes; `deleteMany` falls back to it where the batch request is refused.
   */
  async delete(key: string): Promise<void> {
    try {
      await this.send(() => this.client.send(new DeleteObjectCommand({ Bucket: this.profile.bucket, Key: key })));
    } catch (e) {
      throw await this.fail(e, `delete ${key}`);
    }
  }

  // The SDK learns the server's time from a RequestTimeTooSkewed answer and retries with it,
  // but only while it has attempts left (none with maxAttempts 1, none when earlier
  // attempts went to other failures); one more try here with the corrected clock makes a
  // device whose clock is off upload without the person doing anything in every case.
  protected async send<T>(request: () => Promise<T>): Promise<T> {
    const offsetBefore = this.client.config.systemClockOffset;
    try {
      return await request();
    } catch (e) {
      if (!isClockSkew(e) || this.client.config.systemClockOffset === offsetBefore) throw e;
      return await request();
    }
  }

  protected async fail(e: unknown, operation: string): Promise<UploadError> {
    return toUploadError(e, { profile: this.profile, operation, secrets: await this.secretsInUse(), face: this.face });
  }

  // The credentials in use are passed to the error mapping so that no message can ever
  // repeat them, whatever a provider or a transport put in its error text.
  private async secretsInUse(): Promise<string[]> {
    try {
      const provider = this.client.config.credentials as unknown;
      if (typeof provider !== "function") return [];
      const creds = (await (provider as () => Promise<{ accessKeyId?: string; secretAccessKey?: string; sessionToken?: string }>)()) ?? {};
      return [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken].filter((s): s is string => typeof s === "string" && s !== "");
    } catch {
      return [];
    }
  }
}

const CLOCK_SKEW_CODES = new Set(["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"]);

function isClockSkew(e: unknown): boolean {
  return typeof e === "object" && e !== null && CLOCK_SKEW_CODES.has(String((e as { name?: unknown }).name));
}

/** The answers of a service that does not implement DeleteObjects, or not with the checksum header the SDK sends. */
const BATCH_UNSUPPORTED_CODES = new Set(["NotImplemented", "MissingContentMD5", "InvalidDigest", "BadDigest", "InvalidRequest", "XAmzContentChecksumMismatch"]);

function batchUnsupported(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  return statusOf(e) === 501 || BATCH_UNSUPPORTED_CODES.has(String((e as { name?: unknown }).name));
}

export function statusOf(e: unknown): number | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const status = (e as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

function isNotFound(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404;
}

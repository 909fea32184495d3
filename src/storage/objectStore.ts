/**
 * The three bucket operations the pipeline needs, over the S3 SDK: put an object, ask whether
 * one exists, delete one. Every failure comes out as an `UploadError` in plain words.
 */
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import type { UploadError } from "../core/errors";
import type { Profile } from "../core/types";
import { toUploadError } from "./errorMapping";

/** What `put` stores: the exact bytes and the headers a CDN and a browser need. */
export interface PutObjectParams {
  key: string;
  body: Uint8Array;
  contentType: string;
  cacheControl?: string;
}

/** The bucket of one profile, through an S3 client made for that profile. */
export class S3ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly profile: Profile,
  ) {}

  /**
   * Stores the bytes at `key`, replacing any object there. The body is always a `Uint8Array`:
   * a stream would be sent `aws-chunked`, which R2, Ceph RGW and Swift reject. An ACL header is
   * sent only when the profile asks for one, because R2, B2 and new AWS buckets refuse any.
   */
  async put(p: PutObjectParams): Promise<void> {
    const input: PutObjectCommandInput = {
      Bucket: this.profile.bucket,
      Key: p.key,
      Body: p.body,
      ContentType: p.contentType,
      ContentLength: p.body.byteLength,
    };
    if (p.cacheControl) input.CacheControl = p.cacheControl;
    if (this.profile.acl !== "none") input.ACL = this.profile.acl;
    try {
      await this.send(() => this.client.send(new PutObjectCommand(input)));
    } catch (e) {
      throw await this.fail(e, `upload ${p.key}`);
    }
  }

  /** True when an object exists at `key`; false when the service says it does not (404). */
  async exists(key: string): Promise<boolean> {
    try {
      await this.send(() => this.client.send(new HeadObjectCommand({ Bucket: this.profile.bucket, Key: key })));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw await this.fail(e, `check ${key}`);
    }
  }

  /**
   * Deletes the object at `key` (deleting a missing key succeeds). One DeleteObject per key:
   * the batch DeleteObjects needs a checksum header that several providers do not accept.
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
  private async send(request: () => Promise<unknown>): Promise<void> {
    const offsetBefore = this.client.config.systemClockOffset;
    try {
      await request();
    } catch (e) {
      if (!isClockSkew(e) || this.client.config.systemClockOffset === offsetBefore) throw e;
      await request();
    }
  }

  private async fail(e: unknown, operation: string): Promise<UploadError> {
    return toUploadError(e, { profile: this.profile, operation, secrets: await this.secretsInUse() });
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

function isNotFound(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404;
}

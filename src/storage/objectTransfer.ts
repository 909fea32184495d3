/**
 * Reading whole objects and copying them inside the service, for the copy between profiles
 * (the command-line tool's `copy`, the plugin's "Copy images to another profile"). Kept
 * apart from `S3ObjectStore`, and loaded only when a copy runs.
 */
import { CopyObjectCommand, GetObjectCommand, type CopyObjectCommandInput } from "@aws-sdk/client-s3";
import { S3ObjectStore, SHA256_METADATA, type PutObjectParams, type PutOutcome } from "./objectStore";

export class S3TransferStore extends S3ObjectStore {
  /** The bytes and Content-Type of the object at `key`, read through the S3 API with this profile's keys. */
  async get(key: string): Promise<{ bytes: Uint8Array; contentType?: string }> {
    try {
      const out = await this.send(() => this.client.send(new GetObjectCommand({ Bucket: this.profile.bucket, Key: key })));
      const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
      return { bytes, contentType: out.ContentType };
    } catch (e) {
      throw await this.fail(e, `download ${key}`);
    }
  }

  /**
   * Copies an object of another bucket reachable with this profile's keys to `p.key`, inside
   * the service (CopyObject), with the headers and metadata `put` would give it. Like `put`,
   * `createOnly` makes the write conditional where the provider can, and returns "taken"
   * when something is at the key. Rejects with the service's answer as it came, so that the
   * caller can tell a refused copy (and fall back to downloading) from other failures.
   */
  async copyFrom(sourceBucket: string, sourceKey: string, p: Omit<PutObjectParams, "body">): Promise<PutOutcome> {
    const input: CopyObjectCommandInput = {
      Bucket: this.profile.bucket,
      Key: p.key,
      CopySource: `${sourceBucket}/${sourceKey.split("/").map(encodeURIComponent).join("/")}`,
      MetadataDirective: "REPLACE",
      ContentType: p.contentType,
    };
    if (p.cacheControl) input.CacheControl = p.cacheControl;
    if (this.profile.acl !== "none") input.ACL = this.profile.acl;
    if (p.sha256) input.Metadata = { [SHA256_METADATA]: p.sha256 };
    return this.writeOnce(p.createOnly, (ifNoneMatch) => this.client.send(new CopyObjectCommand({ ...input, ...ifNoneMatch })));
  }
}

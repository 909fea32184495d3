/**
 * The store step of the pipeline for one profile: prepare → store → link.
 *
 * The upload index remembers where each content hash went, so an image already in the bucket
 * is linked again instead of uploaded again, even after the key template changed. A first
 * upload goes straight to PUT: asking first would cost a request per file, and rewriting a
 * content-addressed key with the same bytes does no harm.
 */
import type { S3Client, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { BuildMiddleware } from "@smithy/types";
import { isUploadError } from "../core/errors";
import type { ImageUploader, UploadIndex } from "../core/ports";
import { bytesToHex } from "../core/hash";
import { prepareAsset } from "../core/prepare";
import { bucketScope, buildPublicUrl } from "../core/publicUrl";
import { DEFAULT_CACHE_CONTROL } from "../core/settings";
import type { Asset, Credentials, PreparedAsset, Profile, StoredAsset } from "../core/types";
import { S3ObjectStore } from "./objectStore";
import { createS3Client } from "./s3Client";
import type { SdkHttpHandler } from "./s3Client";

/** What an uploader needs: one profile, its credentials, a transport and the upload index. */
export interface UploaderOptions {
  profile: Profile;
  credentials: Credentials;
  /** The HTTP transport (Obsidian's requestUrl handler in the app); the SDK's default if left out. */
  requestHandler?: SdkHttpHandler;
  index: UploadIndex;
  /** The clock for key templates and index records. */
  now?: () => Date;
  maxBytes?: number;
  imagesOnly?: boolean;
  /** A client to use instead of creating one; the caller then owns (and destroys) it. */
  client?: S3Client;
}

/** An `ImageUploader` whose steps can also be called one by one. */
export type Uploader = ImageUploader & {
  /** Sniffs, hashes and names the asset; rejects with EmptyFile/TooLarge/NotAnImage/InvalidSettings. */
  prepare(asset: Asset): Promise<PreparedAsset>;
  /** Puts the prepared asset in the bucket unless the index shows it is already there. */
  store(p: PreparedAsset): Promise<StoredAsset>;
  /** Releases the client this uploader created. */
  destroy(): void;
};

/**
 * Creates the uploader for one profile.
 *
 * Uploads of the same bytes that overlap in time share one request: the first caller gets
 * `reused: false`, the others get the same key and URL with `reused: true`, since no upload
 * was made on their behalf.
 * @throws UploadError `MissingCredentials` or `InvalidSettings` when no client can be made for the profile.
 */
export function createUploader(opts: UploaderOptions): Uploader {
  const { profile, index } = opts;
  const now = opts.now ?? (() => new Date());
  const client = opts.client ?? createS3Client(profile, opts.credentials, opts.requestHandler);
  const ownsClient = opts.client === undefined;
  usePreparedPayloadHashes(client);
  const bucket = new S3ObjectStore(client, profile);
  const scope = bucketScope(profile);
  const cacheControl = profile.cacheControl.trim() || DEFAULT_CACHE_CONTROL;
  const inFlight = new Map<string, Promise<StoredAsset>>();

  const sha256 = nativeSha256(client);
  const prepare = (asset: Asset): Promise<PreparedAsset> =>
    prepareAsset(asset, profile, { now: now(), maxBytes: opts.maxBytes, imagesOnly: opts.imagesOnly, sha256 });

  async function storeOnce(p: PreparedAsset): Promise<StoredAsset> {
    const record = index.get(scope, p.sha256);
    if (record && (await stillThere(record.key))) {
      return { key: record.key, url: buildPublicUrl(profile, record.key), reused: true, sha256: p.sha256 };
    }
    const body = p.asset.bytes;
    if (SHA256_HEX.test(p.sha256)) payloadHashes.set(body, p.sha256);
    try {
      await bucket.put({ key: p.key, body, contentType: p.contentType, cacheControl });
    } finally {
      payloadHashes.delete(body);
    }
    index.set(scope, p.sha256, { key: p.key, at: now().getTime() });
    return { key: p.key, url: buildPublicUrl(profile, p.key), reused: false, sha256: p.sha256 };
  }

  // A key that cannot be checked (some write-only keys may not read) is treated as missing:
  // uploading again is always correct, linking to an object that is gone is not.
  async function stillThere(key: string): Promise<boolean> {
    try {
      return await bucket.exists(key);
    } catch (e) {
      if (isUploadError(e) && e.code === "AccessDenied") return false;
      throw e;
    }
  }

  function store(p: PreparedAsset): Promise<StoredAsset> {
    const running = inFlight.get(p.sha256);
    if (running) return running.then((r) => ({ ...r, reused: true }));
    const task = storeOnce(p).finally(() => inFlight.delete(p.sha256));
    inFlight.set(p.sha256, task);
    return task;
  }

  return {
    prepare,
    store,
    async upload(asset: Asset): Promise<StoredAsset> {
      return store(await prepare(asset));
    },
    destroy(): void {
      if (ownsClient) client.destroy();
    },
  };
}

/**
 * SigV4 signs a hash of the body. The SDK computes it again unless the request already
 * carries it in `x-amz-content-sha256`, and prepare has just computed exactly that hash: a
 * second pass over every image costs CPU in the CLI, and in Obsidian it is worse, because
 * the SDK's browser hasher copies the body and hashes anything from 8 MiB up in plain
 * JavaScript on the UI thread. So the hash of a body being put is handed to the signer.
 * It is looked up by the body's identity; a body the map does not hold (another caller of
 * the client, a copy) is hashed by the SDK as before. A wrong value cannot slip through:
 * S3 refuses a body whose SHA-256 differs from the header (XAmzContentSHA256Mismatch).
 */
const payloadHashes = new WeakMap<object, string>();
const clientsWithPayloadHashes = new WeakSet<S3Client>();
const SHA256_HEX = /^[0-9a-f]{64}$/;
const PAYLOAD_HASH_HEADER = "x-amz-content-sha256";

function usePreparedPayloadHashes(client: S3Client): void {
  if (clientsWithPayloadHashes.has(client)) return;
  clientsWithPayloadHashes.add(client);
  const middleware: BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => (args) => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown } | undefined;
    // By identity, not instanceof: the bytes may come from another realm (Node's Buffer in a sandbox).
    const body = request?.body;
    const hash = typeof body === "object" && body !== null ? payloadHashes.get(body) : undefined;
    if (request?.headers && hash !== undefined && !Object.keys(request.headers).some((h) => h.toLowerCase() === PAYLOAD_HASH_HEADER)) {
      request.headers[PAYLOAD_HASH_HEADER] = hash;
    }
    return next(args);
  };
  client.middlewareStack.add(middleware, { step: "build", name: "preparedPayloadHash" });
}

/**
 * The content hash where the SDK runs on Node (the command-line tool): the SDK's own SHA-256,
 * which there is Node's native hash, run in place. Web Crypto would copy every image and
 * queue it to Node's thread pool, which costs the CLI about twice the CPU per image. Elsewhere
 * (Obsidian) prepare's Web Crypto hash is used: it does not block the editor, whereas the
 * SDK's browser hasher copies the bytes and hashes large ones in plain JavaScript.
 */
function nativeSha256(client: S3Client): ((bytes: Uint8Array) => Promise<string>) | undefined {
  const config = client.config as { runtime?: unknown; sha256?: unknown };
  if (config.runtime !== "node" || typeof config.sha256 !== "function") return undefined;
  const Hash = config.sha256 as new () => { update(data: Uint8Array): void; digest(): Promise<Uint8Array> };
  return async (bytes) => {
    const hash = new Hash();
    hash.update(bytes);
    return bytesToHex(await hash.digest());
  };
}

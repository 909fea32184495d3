/**
 * The store step of the pipeline for one profile: prepare → store → link.
 *
 * The upload index remembers where each content hash went, so an image already in the bucket
 * is linked again instead of uploaded again, even after the key template changed. Before it
 * is linked, the object there is checked to still hold those bytes (its stored SHA-256).
 *
 * Images are processed before upload (metadata removed, SVG made safe), so the bytes in the
 * bucket differ from the captured ones. The index remembers the captured bytes' SHA-256 too,
 * with the SHA-256 of what was uploaded: a later run over the same originals finds them there,
 * checks the object, and neither processes nor uploads them again.
 *
 * Two different images never share a key unless the person allows it:
 * - within one uploader's life (a run of the command-line tool, a session of the plugin), the
 *   first image to get a key keeps it, and a different image with the same key is refused
 *   (`KeyCollision`, naming both);
 * - a different file already at the key in the bucket is not replaced unless the profile
 *   allows it (`overwrite`). A content-addressed key (see `isContentAddressed`) can only hold
 *   these bytes, so it goes straight to PUT, as it always did: asking first would cost a
 *   request per file. Any other key is looked at first (one HEAD, comparing the SHA-256 kept
 *   with every upload as `x-amz-meta-sha256`), and where the provider supports it the write
 *   is made conditional too, so another writer cannot slip in between.
 */
import type { S3Client, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { BuildMiddleware } from "@smithy/types";
import { isUploadError, UploadError } from "../core/errors";
import type { ImageUploader, UploadIndex } from "../core/ports";
import { bytesToHex, md5Hex } from "../core/prepare/hash";
import { bucketKeyCollision, KeyHolders } from "../core/prepare/keyCollision";
import { isContentAddressed } from "../core/prepare/keyTemplate";
import { prepareAsset, type RememberedOriginal } from "../core/prepare/prepareAsset";
import { bucketScope, buildPublicUrl } from "../core/link/publicUrl";
import { DEFAULT_CACHE_CONTROL } from "../core/settings/settingsModel";
import type { Asset, Credentials, PreparedAsset, Profile, StoredAsset } from "../core/types";
import type { Face } from "../core/settings/profileFields";
import { S3ObjectStore, type ObjectInfo, type PutOutcome } from "./objectStore";
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
  /** Whose words the errors use: the plugin names its settings (the default), the tool its flags and environment. */
  face?: Face;
}

/** An `ImageUploader` whose steps can also be called one by one. */
export type Uploader = ImageUploader & {
  /** Sniffs, hashes and names the asset; rejects with EmptyFile/TooLarge/NotAnImage/InvalidSettings. */
  prepare(asset: Asset): Promise<PreparedAsset>;
  /**
   * Puts the prepared asset in the bucket unless the index or the bucket shows it is already
   * there; rejects with `KeyCollision` when its key belongs to a different image.
   */
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
  const bucket = new S3ObjectStore(client, profile, opts.face);
  const scope = bucketScope(profile);
  const cacheControl = profile.cacheControl.trim() || DEFAULT_CACHE_CONTROL;
  const inFlight = new Map<string, Promise<StoredAsset>>();
  const holders = new KeyHolders();
  const contentAddressed = isContentAddressed(profile.keyTemplate);
  // How the person allows replacing a file in the bucket, in the words of the face they use.
  const overwriteAdvice =
    opts.face === "cli" ? "run again with --overwrite" : `turn on "Replace existing files" in the settings of the profile "${profile.name}"`;

  const native = nativeHashes(client);
  const md5 = native.md5 ?? ((bytes: Uint8Array) => md5Hex(bytes));
  // Prepared assets found through the index by their original bytes, with the object checked to hold the uploaded bytes.
  const confirmed = new WeakMap<PreparedAsset, ObjectInfo>();
  const prepare = (asset: Asset): Promise<PreparedAsset> =>
    prepareAsset(asset, profile, { now: now(), maxBytes: opts.maxBytes, imagesOnly: opts.imagesOnly, sha256: native.sha256, face: opts.face, remembered });

  /** An upload of these original bytes, processed the same way, that the bucket still holds. */
  async function remembered(asset: Asset, original: RememberedOriginal): Promise<PreparedAsset | undefined> {
    const record = index.get(scope, original.sha256);
    if (!record?.sha256 || record.processing !== original.processing || holders.heldByOther(record.key, record.sha256)) return undefined;
    const there = await objectAt(record.key);
    if (!there || there.sha256?.trim().toLowerCase() !== record.sha256) return undefined;
    // `store` links such an asset and never puts it: its bytes are the captured ones, not those at the key.
    const p: PreparedAsset = {
      asset,
      contentType: original.contentType,
      ext: original.ext,
      sha256: record.sha256,
      key: record.key,
      originalSha256: original.sha256,
      processing: record.processing,
    };
    confirmed.set(p, there);
    return p;
  }

  /** Files the upload under the original bytes' hash too, when processing changed them. */
  function rememberOriginal(p: PreparedAsset, key: string): void {
    if (p.originalSha256 && p.originalSha256 !== p.sha256 && p.processing) {
      index.set(scope, p.originalSha256, { key, at: now().getTime(), sha256: p.sha256, processing: p.processing });
    }
  }

  const stored = (p: PreparedAsset, key: string, reused: boolean): StoredAsset => ({ key, url: buildPublicUrl(profile, key), reused, sha256: p.sha256 });

  async function storeOnce(p: PreparedAsset): Promise<StoredAsset> {
    const record = index.get(scope, p.sha256);
    let atKey: ObjectInfo | null | undefined;
    // A remembered key that a different image took in this uploader's life is not linked
    // again: that image is being put there.
    if (record && !holders.heldByOther(record.key, p.sha256)) {
      const there = await objectAt(record.key);
      if (there && (await holdsBytes(there, p))) {
        holders.take(p, record.key);
        rememberOriginal(p, record.key);
        return stored(p, record.key, true);
      }
      // What is at the remembered key is gone or was replaced since; no need to look twice.
      if (record.key === p.key) atKey = there;
    }
    holders.take(p);
    try {
      if (contentAddressed || profile.overwrite) {
        await put(p, false);
      } else {
        const there = atKey !== undefined ? atKey : await checkKey(p);
        if (there) return await reuseOrRefuse(there, p);
        if ((await put(p, true)) === "taken") {
          // Another writer got there between the check and the write.
          const winner = await checkKey(p);
          if (winner) return await reuseOrRefuse(winner, p);
          throw bucketKeyCollision(p, false, overwriteAdvice);
        }
      }
    } catch (e) {
      holders.release(p);
      throw e;
    }
    index.set(scope, p.sha256, { key: p.key, at: now().getTime() });
    rememberOriginal(p, p.key);
    return stored(p, p.key, false);
  }

  async function put(p: PreparedAsset, createOnly: boolean): Promise<PutOutcome> {
    const body = p.asset.bytes;
    if (SHA256_HEX.test(p.sha256)) payloadHashes.set(body, p.sha256);
    try {
      return await bucket.put({ key: p.key, body, contentType: p.contentType, cacheControl, sha256: p.sha256, createOnly });
    } finally {
      payloadHashes.delete(body);
    }
  }

  async function reuseOrRefuse(there: ObjectInfo, p: PreparedAsset): Promise<StoredAsset> {
    if (!(await holdsBytes(there, p))) {
      throw bucketKeyCollision(p, there.sha256 !== undefined || there.size !== p.asset.bytes.byteLength, overwriteAdvice);
    }
    index.set(scope, p.sha256, { key: p.key, at: now().getTime() });
    rememberOriginal(p, p.key);
    return stored(p, p.key, true);
  }

  /**
   * Whether the object holds exactly these bytes. The SHA-256 this plugin stores with every
   * upload decides. An object put there otherwise carries none: it counts as the same only
   * when its size matches and its ETag is the MD5 of these bytes, as S3 and most services make
   * it for a single-part upload. Anything less certain (a multipart ETag, encryption that
   * changes the ETag, no ETag) counts as a different file: wrongly refusing costs the person
   * one explained failure, wrongly linking or replacing would change a published image.
   */
  async function holdsBytes(there: ObjectInfo, p: PreparedAsset): Promise<boolean> {
    if (there.sha256 !== undefined) return there.sha256.trim().toLowerCase() === p.sha256;
    if (there.size !== p.asset.bytes.byteLength) return false;
    const etag = /^"?([0-9a-f]{32})"?$/i.exec(there.etag?.trim() ?? "")?.[1]?.toLowerCase();
    return etag !== undefined && etag === (p.md5 ?? (await md5(p.asset.bytes)));
  }

  // A remembered key that cannot be checked (some write-only keys may not read) is not linked
  // (undefined: unknown): uploading again is always correct, linking to an object that is gone
  // or replaced is not.
  async function objectAt(key: string): Promise<ObjectInfo | null | undefined> {
    try {
      return await bucket.head(key);
    } catch (e) {
      if (isUploadError(e) && e.code === "AccessDenied") return undefined;
      throw e;
    }
  }

  // The key of a template that is not content-addressed must be looked at before writing;
  // keys that may not read the bucket cannot do that, and are told so.
  async function checkKey(p: PreparedAsset): Promise<ObjectInfo | null> {
    try {
      return await bucket.head(p.key);
    } catch (e) {
      if (!isUploadError(e) || e.code !== "AccessDenied") throw e;
      throw new UploadError(
        "AccessDenied",
        `Could not check whether the bucket already holds a file at ${p.key}: ${e.message}`,
        `The key template can give a different image the same key, so each upload looks at its key first. Give the keys permission to read objects, add {hash} to the key template, or ${overwriteAdvice}.`,
        { cause: e },
      );
    }
  }

  function store(p: PreparedAsset): Promise<StoredAsset> {
    if (confirmed.has(p)) {
      // Rejects with KeyCollision should a different image have taken the key since.
      return Promise.resolve().then(() => {
        holders.take(p);
        return stored(p, p.key, true);
      });
    }
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
 * The content hashes where the SDK runs on Node (the command-line tool): the SDK's own SHA-256
 * and MD5, which there are Node's native hashes, run in place. Web Crypto would copy every
 * image and queue it to Node's thread pool, which costs the CLI about twice the CPU per image.
 * Elsewhere (Obsidian) none are returned and the core's hashes are used: Web Crypto's SHA-256
 * does not block the editor, and the core's MD5 yields between chunks, whereas the SDK's
 * browser hashers copy the bytes and hash them in one go in plain JavaScript.
 */
function nativeHashes(client: S3Client): { sha256?: (bytes: Uint8Array) => Promise<string>; md5?: (bytes: Uint8Array) => Promise<string> } {
  const config = client.config as { runtime?: unknown; sha256?: unknown; md5?: unknown };
  if (config.runtime !== "node") return {};
  return { sha256: hexHash(config.sha256), md5: hexHash(config.md5) };
}

type HashConstructor = new () => { update(data: Uint8Array): void; digest(): Promise<Uint8Array> };

function hexHash(Hash: unknown): ((bytes: Uint8Array) => Promise<string>) | undefined {
  if (typeof Hash !== "function") return undefined;
  const Ctor = Hash as HashConstructor;
  return async (bytes) => {
    const hash = new Ctor();
    hash.update(bytes);
    return bytesToHex(await hash.digest());
  };
}

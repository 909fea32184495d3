/**
 * The store step of the pipeline for one profile: prepare → store → link.
 *
 * The upload index remembers where each content hash went, so an image already in the bucket
 * is linked again instead of uploaded again, even after the key template changed. Before it
 * is linked, the object there is checked to still hold those bytes (its stored SHA-256).
 *
 * Images are processed before upload (metadata removed, SVG made safe), so the bytes in the
 * bucket differ from the captured ones. The index remembers the captured bytes' SHA-256 too,
 * with the SHA-256, size and MD5 of what was uploaded: a later run over the same originals finds
 * them there, checks the object (in a bulk run, by the listing's size and ETag), and neither
 * processes nor uploads them again.
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
 *
 * A bulk run of a content-addressed template (`forRun`) lists the template's folder once and
 * answers "is it there?" from the listing: a key the listing shows with the same size and an
 * ETag that is the MD5 of these bytes holds them (the key names their hash too) and is linked
 * without a request; a listed key holding anything else is put again, as it always was.
 */
import type { S3Client, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { BuildMiddleware } from "@smithy/types";
import { isUploadError, UploadError } from "../core/errors";
import type { ImageUploader, RunSize, RunUploader, UploadIndex, UploadRecord } from "../core/ports";
import { bytesToHex, md5Hex, sha256Hex } from "../core/prepare/hash";
import type { ImageCodec } from "../core/prepare/imageCodec";
import { profileTransform } from "../core/prepare/transform";
import { transformRecipe, type TransformOutcome } from "../core/prepare/transformPlan";
import { bucketKeyCollision, KeyHolders } from "../core/prepare/keyCollision";
import { isContentAddressed, keyTemplatePrefix } from "../core/prepare/keyTemplate";
import { prepareAsset } from "../core/prepare/prepareAsset";
import { processingSignature } from "../core/prepare/processing";
import { sniffImageType } from "../core/prepare/sniff";
import { bucketScope, buildPublicUrl } from "../core/link/publicUrl";
import { DEFAULT_CACHE_CONTROL } from "../core/settings/settingsModel";
import type { Asset, Credentials, PreparedAsset, Profile, StoredAsset } from "../core/types";
import type { Face } from "../core/settings/profileFields";
import { BucketListing, listPagesFor } from "./bucketListing";
import type { DirectPuts } from "./directPut";
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
  /** The platform's image codec, for the profile's convert and resize settings; without one images are uploaded as they are. */
  codec?: ImageCodec;
  /**
   * Sends plain uploads past the SDK's per-request pipeline once the first one shows that gives
   * the same signed request: `(client) => new DirectPuts(client)` (see directPut.ts), passed in
   * by the command-line tool so that the plugin's bundle does not carry it. Only used for a
   * client the uploader creates.
   */
  directPuts?: (client: S3Client) => DirectPuts;
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
  // Before the client's first request, which fixes its pipeline.
  const direct = opts.directPuts && ownsClient ? opts.directPuts(client) : undefined;
  const bucket = new S3ObjectStore(client, profile, opts.face, direct);
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
  const prepare = (asset: Asset, originalSha256?: string): Promise<PreparedAsset> =>
    prepareAsset(asset, profile, {
      now: now(),
      maxBytes: opts.maxBytes,
      imagesOnly: opts.imagesOnly,
      sha256: native.sha256,
      codec: opts.codec,
      face: opts.face,
      originalSha256,
    });
  const sha256 = native.sha256 ?? sha256Hex;

  /**
   * What prepare would do to the bytes of `asset` beyond hashing them (remove metadata, make
   * an SVG safe, convert, scale), as a text that changes whenever the result could; "" when
   * nothing would be done.
   */
  function processingRecipe(asset: Asset): string {
    if (asset.unprocessed) return "";
    const settings = opts.codec && profileTransform(profile);
    return [processingSignature({ stripMetadata: profile.stripMetadata, sanitizeSvg: profile.sanitizeSvg }), settings ? transformRecipe(settings) : ""]
      .filter(Boolean)
      .join("|");
  }

  /**
   * An image whose bytes prepare changed is remembered by its original bytes and the
   * processing asked for too, and found again without processing it: the object at the
   * remembered key must still hold the bytes that were uploaded then (its stored SHA-256).
   */
  async function sourceId(originalSha256: string, recipe: string): Promise<string> {
    return sha256(new TextEncoder().encode(`${recipe}\n${originalSha256}`));
  }

  async function storedFromSource(id: string, asset: Asset, listing?: BucketListing): Promise<StoredAsset | undefined> {
    const record = index.get(scope, id);
    if (record?.sha256 === undefined || holders.heldByOther(record.key, record.sha256)) return undefined;
    if (!(await stillStored(record as UploadRecord & { sha256: string }, listing))) return undefined;
    holders.take({ asset, sha256: record.sha256, key: record.key });
    return { key: record.key, url: buildPublicUrl(profile, record.key), reused: true, sha256: record.sha256 };
  }

  /**
   * Whether the object at a record's key still holds the bytes stored then (the record's
   * `sha256`). The run's listing vouches for them when it shows the size and the MD5 ETag the
   * record kept (the rule `holdsBytes` applies to bytes at hand), and rules them out when it
   * shows nothing there, another size or another MD5. Anything else (a multipart ETag, a key
   * outside the listed folder, no listing) is looked at with a HEAD: the SHA-256 stored with the
   * object decides. A record without size and MD5 (an older version's) is looked at so as before.
   */
  async function stillStored(record: UploadRecord & { sha256: string }, listing?: BucketListing): Promise<boolean> {
    const listed = record.size !== undefined && record.md5 !== undefined ? await listing?.at(record.key) : undefined;
    if (listed === null) return false;
    if (listed) {
      // This run's own write names its bytes.
      if (listed.sha256 !== undefined) return listed.sha256 === record.sha256;
      if (listed.size !== record.size) return false;
      const etag = md5Etag(listed);
      if (etag !== undefined) return etag === record.md5;
    }
    const there = await objectAt(record.key);
    return there?.sha256?.trim().toLowerCase() === record.sha256;
  }

  /**
   * Records where the bytes filed under `id` live, with the vault path of the file uploaded
   * (none for a pasted image: then the path an earlier upload of them recorded is kept).
   */
  function remember(id: string, p: PreparedAsset, record: { key: string; sha256?: string; size?: number; md5?: string }): void {
    const path = p.asset.sourcePath ?? index.get(scope, id)?.path;
    index.set(scope, id, { ...record, at: now().getTime(), ...(path !== undefined && path !== "" && { path }) });
  }

  const stored = (p: PreparedAsset, key: string, reused: boolean): StoredAsset => ({ key, url: buildPublicUrl(profile, key), reused, sha256: p.sha256 });

  async function storeOnce(p: PreparedAsset, listing?: BucketListing): Promise<StoredAsset> {
    const record = index.get(scope, p.sha256);
    let atKey: ObjectInfo | null | undefined;
    // A remembered key that a different image took in this uploader's life is not linked
    // again: that image is being put there.
    if (record && !holders.heldByOther(record.key, p.sha256)) {
      const there = await lookUp(record.key, listing);
      if (there && (await holdsBytes(there, p))) {
        holders.take(p, record.key);
        return stored(p, record.key, true);
      }
      // What is at the remembered key is gone or was replaced since; no need to look twice.
      if (record.key === p.key) atKey = there;
    }
    holders.take(p);
    try {
      if (contentAddressed || profile.overwrite) {
        if (contentAddressed && listing && (await listedWithBytes(p, listing, atKey))) {
          remember(p.sha256, p, { key: p.key });
          return stored(p, p.key, true);
        }
        await put(p, false);
        listing?.wrote(p.key, { size: p.asset.bytes.byteLength, sha256: p.sha256 });
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
    remember(p.sha256, p, { key: p.key });
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
    remember(p.sha256, p, { key: p.key });
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
    const etag = md5Etag(there);
    return etag !== undefined && etag === (p.md5 ?? (await md5(p.asset.bytes)));
  }

  /**
   * Whether the run's listing shows these bytes at the content-addressed key. `known` is what
   * was already learnt of the key (undefined: nothing). A key listed with the right size but
   * an ETag that is no MD5 (multipart, encrypted) is looked at once more (HEAD: its stored
   * SHA-256), which costs less than putting the bytes again; a key the listing cannot tell
   * about is put, as without a listing.
   */
  async function listedWithBytes(p: PreparedAsset, listing: BucketListing, known: ObjectInfo | null | undefined): Promise<boolean> {
    const there = known !== undefined ? known : await listing.at(p.key);
    if (!there) return false;
    if (there.sha256 !== undefined || md5Etag(there) !== undefined || there.size !== p.asset.bytes.byteLength) return holdsBytes(there, p);
    const looked = await objectAt(p.key);
    return looked ? holdsBytes(looked, p) : false;
  }

  /**
   * What is at `key`: from the run's listing when it can tell and has enough to decide (an
   * MD5 ETag, or this run's own write), else from a HEAD.
   */
  async function lookUp(key: string, listing: BucketListing | undefined): Promise<ObjectInfo | null | undefined> {
    const listed = await listing?.at(key);
    if (listed === null) return null;
    if (listed && (listed.sha256 !== undefined || md5Etag(listed) !== undefined)) return listed;
    return objectAt(key);
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

  function store(p: PreparedAsset, listing?: BucketListing): Promise<StoredAsset> {
    const running = inFlight.get(p.sha256);
    if (running) return running.then((r) => ({ ...r, reused: true }));
    const task = storeOnce(p, listing).finally(() => inFlight.delete(p.sha256));
    inFlight.set(p.sha256, task);
    return task;
  }

  async function uploadAsset(asset: Asset, listing?: BucketListing): Promise<StoredAsset> {
    const recipe = processingRecipe(asset);
    // Bytes that are not an image are refused by prepare, in its words, before anything is looked up.
    if (recipe === "" || asset.bytes.length === 0 || !sniffImageType(asset.bytes)) return store(await prepare(asset), listing);
    const original = await sha256(asset.bytes);
    const id = await sourceId(original, recipe);
    const known = await storedFromSource(id, asset, listing);
    if (known) return known;
    const p = await prepare(asset, original);
    if (p.sha256 === original || dependsOnDevice(p.transform)) return store(p, listing);
    // The MD5 of the bytes stored lets a later run's listing vouch for them. It is started
    // before the upload, so that where it yields (Obsidian) it runs while the bytes are sent.
    // Without it the record is still kept, and checked with a HEAD.
    const storedMd5 = (p.md5 !== undefined ? Promise.resolve(p.md5) : md5(p.asset.bytes)).catch(() => undefined);
    const result = await store(p, listing);
    const hex = await storedMd5;
    remember(id, p, { key: result.key, sha256: result.sha256, ...(hex !== undefined && { size: p.asset.bytes.byteLength, md5: hex }) });
    return result;
  }

  return {
    prepare,
    store: (p) => store(p),
    upload: (asset: Asset) => uploadAsset(asset),
    forRun(files: RunSize): RunUploader {
      // A listing pays off only where it can stand in for more than one request per file, and
      // only a content-addressed key can be trusted by its name and size (other keys are
      // looked at per file, as without a listing).
      const pages = (): number => {
        const count = typeof files === "function" ? files() : files;
        return count > 1 ? listPagesFor(count) : 0;
      };
      const listing = contentAddressed ? new BucketListing(bucket, keyTemplatePrefix(profile.keyTemplate), pages) : undefined;
      return {
        upload: (asset) => uploadAsset(asset, listing),
        foundMany: () => listing?.start(),
        end: () => listing?.end(),
      };
    },
    destroy(): void {
      if (ownsClient) client.destroy();
    },
  };
}

/** Whether the outcome would differ on another device or a later try (a codec that can write AVIF), so it must not be remembered. */
function dependsOnDevice(outcome: TransformOutcome | undefined): boolean {
  return outcome !== undefined && !outcome.applied && ["cannot-decode", "cannot-encode", "codec-failed"].includes(outcome.reason);
}

/** The MD5 an ETag states, lower case; undefined for any other ETag (multipart `…-2`, encrypted, none). */
function md5Etag(info: ObjectInfo): string | undefined {
  return /^"?([0-9a-f]{32})"?$/i.exec(info.etag?.trim() ?? "")?.[1]?.toLowerCase();
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

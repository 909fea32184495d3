/**
 * Copying objects from one profile's bucket to another's, key for key, so that a link can move
 * to the other profile by changing only its base URL.
 *
 * Where both profiles reach the same service with the same keys, the service copies the object
 * itself (CopyObject); a service or bucket that refuses that gets the bytes downloaded with the
 * source's keys and put with the destination's. Either way the copy gets the destination's
 * Content-Type handling, Cache-Control, ACL and stored SHA-256, and is then read back and its
 * SHA-256 compared with the source's bytes. A different file already at the key in the
 * destination is never replaced: the key is refused. The same bytes already there count as
 * copied.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { errorText, isUploadError } from "../core/errors";
import { sha256Hex } from "../core/prepare/hash";
import { DEFAULT_CACHE_CONTROL } from "../core/settings/settingsModel";
import type { KeyCopy } from "../core/lifecycle/profileCopy";
import type { Face } from "../core/settings/profileFields";
import type { Credentials, Profile } from "../core/types";
import type { ObjectInfo } from "./objectStore";
import { S3TransferStore } from "./objectTransfer";

/** One side of a copy: a profile and a client made for it with its keys. */
export interface CopySide {
  profile: Profile;
  client: S3Client;
  credentials: Credentials;
}

export type { KeyCopy };

/** Whether both sides reach one service with one set of keys, so that CopyObject can be used. */
export function sameService(a: CopySide, b: CopySide): boolean {
  const endpoint = (p: Profile): string => p.endpoint.trim().replace(/\/+$/, "").toLowerCase();
  return (
    endpoint(a.profile) === endpoint(b.profile) &&
    a.profile.region.trim() === b.profile.region.trim() &&
    a.credentials.accessKeyId === b.credentials.accessKeyId &&
    a.credentials.secretAccessKey === b.credentials.secretAccessKey
  );
}

/**
 * Copies each of `keys` from `from` to `to`; with `dryRun`, only looks at both buckets. `face`
 * says whose words the errors use (the plugin's field names, or the tool's flags).
 */
export async function copyKeys(keys: readonly string[], from: CopySide, to: CopySide, opts: { dryRun: boolean; face?: Face }): Promise<KeyCopy[]> {
  const face = opts.face ?? "cli";
  const source = new S3TransferStore(from.client, from.profile, face);
  const dest = new S3TransferStore(to.client, to.profile, face);
  let serverSide = sameService(from, to);
  const out: KeyCopy[] = [];
  for (const key of keys) {
    try {
      out.push(await copyOne(key));
    } catch (e) {
      out.push({ key, outcome: "failed", reason: isUploadError(e) ? e.toUserText() : errorText(e) });
    }
  }
  return out;

  async function copyOne(key: string): Promise<KeyCopy> {
    const info = await source.head(key);
    if (info === null) return { key, outcome: "missing", reason: `the bucket "${from.profile.bucket}" holds no file at ${key}` };
    let bytes: Uint8Array | undefined;
    const sourceBytes = async (): Promise<Uint8Array> => (bytes ??= (await source.get(key)).bytes);
    const there = await dest.head(key);
    if (there !== null) {
      const same = (await sourceSha()) === (there.sha256 ?? (await sha256Hex((await dest.get(key)).bytes)));
      return same ? { key, outcome: "present" } : refused(key);
    }
    if (opts.dryRun) return { key, outcome: "planned", via: serverSide ? "server" : "download" };
    const sha256 = await sourceSha();
    const params = {
      key,
      contentType: info.contentType ?? "application/octet-stream",
      cacheControl: to.profile.cacheControl.trim() || DEFAULT_CACHE_CONTROL,
      sha256,
      createOnly: true,
    };
    let via: KeyCopy["via"] = "download";
    let stored: "stored" | "taken" | undefined;
    if (serverSide) {
      try {
        stored = await dest.copyFrom(from.profile.bucket, key, params);
        via = "server";
      } catch (e) {
        // A service or bucket policy that refuses copying inside the service: download and upload instead, from now on.
        if (!copyRefused(e)) throw await dest.explain(e, `copy ${key}`);
        serverSide = false;
      }
    }
    stored ??= await dest.put({ ...params, body: await sourceBytes() });
    if (stored === "taken") return refused(key);
    const readBack = await sha256Hex((await dest.get(key)).bytes);
    if (readBack !== sha256) {
      return {
        key,
        outcome: "failed",
        via,
        reason: `the copy at ${key} reads back with different bytes (SHA-256 ${readBack}, not ${sha256}); its links were left as they were`,
      };
    }
    return { key, outcome: "copied", via };

    // The SHA-256 the source object was stored with, else of its bytes. A stored one that is
    // wrong cannot pass: the copy is read back and must hash to it.
    async function sourceSha(): Promise<string> {
      return (info as ObjectInfo).sha256 ?? sha256Hex(await sourceBytes());
    }
  }

  function refused(key: string): KeyCopy {
    return { key, outcome: "refused", reason: `the bucket "${to.profile.bucket}" already holds a different file at ${key}, which is never replaced` };
  }
}

/** The answers of a service that will not copy between these buckets: fall back to downloading and uploading. */
function copyRefused(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = err.$metadata?.httpStatusCode;
  return (
    status === 403 ||
    status === 501 ||
    status === 400 ||
    ["AccessDenied", "NotImplemented", "InvalidRequest", "CrossLocationLoggingProhibited"].includes(String(err.name))
  );
}

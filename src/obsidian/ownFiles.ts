/**
 * Files this plugin writes into the vault itself: an image kept locally when its upload
 * failed, an image downloaded back, the local copy kept before a delete from the bucket.
 * Uploading attached images watches the vault's "create" event, and must not take these for
 * images the user attached: each is marked for a short while around its creation.
 */
import type { TFile, Vault } from "obsidian";

/** Longer than a create event can lag behind `createBinary`, shorter than a user could act. */
const MARK_MS = 10_000;

/** Per vault (tests run several fake vaults): lower-cased path → when the mark lapses. */
const marks = new WeakMap<Vault, Map<string, number>>();

function marksOf(vault: Vault): Map<string, number> {
  let map = marks.get(vault);
  if (!map) {
    map = new Map();
    marks.set(vault, map);
  }
  const now = Date.now();
  for (const [path, until] of map) if (until <= now) map.delete(path);
  return map;
}

/**
 * `vault.createBinary`, with the new file marked as this plugin's before the vault announces
 * it. Rejects as `createBinary` does (a path that is taken, a missing folder).
 */
export async function createOwnBinary(vault: Vault, path: string, data: ArrayBuffer): Promise<TFile> {
  const map = marksOf(vault);
  const key = path.toLowerCase();
  map.set(key, Date.now() + MARK_MS);
  try {
    return await vault.createBinary(path, data);
  } catch (e) {
    map.delete(key);
    throw e;
  }
}

/** True when the file at `path` was just created by this plugin (`createOwnBinary`). */
export function isOwnFile(vault: Vault, path: string): boolean {
  return marksOf(vault).has(path.toLowerCase());
}

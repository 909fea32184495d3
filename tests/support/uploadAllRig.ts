/**
 * Shared set-up of the "Upload all local images" tests: a fake vault over real files, and a
 * requestUrl transport that can hold chosen uploads while the test edits the note.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RequestUrlFn, RequestUrlParamLike } from "../../src/storage/requestUrlHandler";
import { createFakeApp, type App } from "../fakes/obsidian";
import { requestUrl } from "../fakes/requestUrl";

/** A new vault directory under `parent` holding these files, and a fake app over it. */
export function vaultIn(parent: string, files: Record<string, string | Uint8Array>): App {
  const dir = mkdtempSync(path.join(parent, "vault-"));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  return createFakeApp(dir);
}

/** Obsidian's transport over the requestUrl double, where the PUT of chosen bytes waits until released. */
export class HeldTransport {
  private readonly holds: { bytes: Buffer; gate: Promise<void>; reached: () => void }[] = [];

  hold(bytes: Uint8Array): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    this.holds.push({ bytes: Buffer.from(bytes), gate, reached });
    return { reached: reachedP, release };
  }

  readonly requestUrl: RequestUrlFn = async (p: RequestUrlParamLike) => {
    if ((p.method ?? "GET").toUpperCase() === "PUT" && p.body instanceof ArrayBuffer) {
      const body = Buffer.from(p.body);
      const held = this.holds.find((h) => h.bytes.equals(body));
      if (held) {
        held.reached();
        await held.gate;
      }
    }
    return (requestUrl as unknown as RequestUrlFn)(p);
  };
}

/**
 * "Test connection" in a profile: the same diagnostics as `s3-image-hosting doctor`, over
 * Obsidian's `requestUrl`, so the result is what paste and drop will meet. The diagnostics
 * load the S3 SDK, so they are imported when the button is pressed, not at start-up.
 */
import type { SecretStorage } from "obsidian";
import type { Profile } from "../core/types";
import type { DiagnosticStep, FetchPublic } from "../storage/diagnostics";
import type { RequestUrlFn } from "../storage/requestUrlHandler";
import { readCredentials } from "./secrets";

export interface ConnectionTestDeps {
  requestUrl: RequestUrlFn;
  secretStorage: Pick<SecretStorage, "getSecret">;
}

/**
 * Runs the settings, upload, public-link and clean-up checks for `profile`, reporting each
 * step to `onStep` as it finishes. Never rejects: every failure is a failed step in words.
 */
export async function testConnection(deps: ConnectionTestDeps, profile: Profile, onStep: (s: DiagnosticStep) => void): Promise<DiagnosticStep[]> {
  const [{ runDiagnostics }, { RequestUrlHttpHandler }] = await Promise.all([import("../storage/diagnostics"), import("../storage/requestUrlHandler")]);
  const read = readCredentials(deps.secretStorage, profile);
  // Anonymous, like a reader's browser: no credentials, and a 403 or 404 is an answer, not an error.
  const fetchPublic: FetchPublic = async (url) => {
    const res = await deps.requestUrl({ url, method: "GET", throw: false });
    return { status: res.status, headers: res.headers, body: new Uint8Array(res.arrayBuffer) };
  };
  return runDiagnostics({
    profile,
    credentials: read.ok ? read.credentials : undefined,
    requestHandler: new RequestUrlHttpHandler(deps.requestUrl),
    fetchPublic,
    onStep,
  });
}

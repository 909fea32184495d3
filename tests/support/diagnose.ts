/**
 * Runs "Test connection" as the plugin does: S3 requests through RequestUrlHttpHandler over the
 * requestUrl double, and the public link fetched with requestUrl and `throw: false`.
 */
import type { Credentials, Profile } from "../../src/core/types";
import { runDiagnostics, type DiagnosticStep, type FetchPublic } from "../../src/storage/diagnostics";
import { RequestUrlHttpHandler } from "../../src/storage/requestUrlHandler";
import type { SdkHttpHandler } from "../../src/storage/s3Client";
import { requestUrl } from "../fakes/requestUrl";

/** The public fetch the settings tab uses: requestUrl, never throwing on a status. */
export const obsidianFetchPublic: FetchPublic = async (url) => {
  const res = await requestUrl({ url, throw: false });
  return { status: res.status, headers: res.headers, body: new Uint8Array(res.arrayBuffer) };
};

/** Runs the diagnostics the Obsidian way; `requestTimeoutMs` also limits the public fetch. */
export async function diagnose(
  profile: Profile,
  credentials: Credentials | undefined,
  opts: { requestTimeoutMs?: number; requestHandler?: SdkHttpHandler; fetchPublic?: FetchPublic } = {},
): Promise<DiagnosticStep[]> {
  const handler = opts.requestHandler ?? new RequestUrlHttpHandler(requestUrl, { requestTimeoutMs: opts.requestTimeoutMs });
  return runDiagnostics({
    profile,
    credentials,
    requestHandler: handler,
    fetchPublic: opts.fetchPublic ?? obsidianFetchPublic,
    timeoutMs: opts.requestTimeoutMs,
  });
}

/** The step with this id; fails the test when there is none. */
export function step(steps: DiagnosticStep[], id: string): DiagnosticStep {
  const found = steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step "${id}" in ${steps.map((s) => s.id).join(", ")}`);
  return found;
}

/** `id:status` for every step, to assert the whole outcome at a glance. */
export function outline(steps: DiagnosticStep[]): string[] {
  return steps.map((s) => `${s.id}:${s.status}`);
}

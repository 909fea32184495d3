/**
 * `s3-image-hosting doctor`: the settings tab's "Test connection" in a terminal. Runs the same
 * diagnostics over Node's transport (the SDK's own, with its request timeout) and Node's
 * http/https for the public link, and prints each step as it finishes.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Credentials, Profile } from "../core/types";
import { runDiagnostics } from "../storage/diagnostics";
import type { DiagnosticStep, FetchPublic, PublicResponse } from "../storage/diagnostics";
import { DEFAULT_PUBLIC_TIMEOUT_MS } from "../storage/publicCheck";

/** Where the report goes (stdout in the tool). */
export interface DoctorOutput {
  write(s: string): unknown;
}

const MARKS: Record<DiagnosticStep["status"], string> = { pass: "✓", fail: "✗", warn: "!", skip: "-" };

/** One step as the terminal shows it: `✓ label: message`, then the hint indented. */
export function formatStep(step: DiagnosticStep): string {
  const lines = [`${MARKS[step.status]} ${step.label}: ${step.message}`];
  if (step.hint) lines.push(`    ${step.hint}`);
  return `${lines.join("\n")}\n`;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * An anonymous GET as a browser showing the image would make it, following redirects. The
 * body is not read: only the status and the type matter, and a wrong public URL may point at
 * something large.
 */
export function nodeFetchPublic(timeoutMs = DEFAULT_PUBLIC_TIMEOUT_MS): FetchPublic {
  return (url: string) => get(new URL(url), timeoutMs, MAX_REDIRECTS);
}

function get(url: URL, timeoutMs: number, redirectsLeft: number): Promise<PublicResponse> {
  const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!transport) return Promise.reject(new Error(`The public link must start with http:// or https://, not ${url.protocol}`));
  return new Promise<PublicResponse>((resolve, reject) => {
    const req = transport.get(url, { agent: false, headers: { "user-agent": "s3-image-hosting doctor" } }, (res) => {
      const status = res.statusCode ?? 0;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      res.destroy();
      const location = headers["location"];
      if (REDIRECTS.has(status) && location && redirectsLeft > 0) resolve(get(new URL(location, url), timeoutMs, redirectsLeft - 1));
      else resolve({ status, headers });
    });
    req.setTimeout(timeoutMs, () => {
      const e = new Error(`No answer within ${timeoutMs} ms`);
      e.name = "TimeoutError";
      req.destroy(e);
    });
    req.on("error", reject);
  });
}

/**
 * Checks `profile` against its bucket and prints the outcome of each step to `out`.
 * @returns the exit code: 0 when no step failed (a warning, such as a test image that could
 * not be removed, still means uploads work), 1 otherwise.
 */
export async function runDoctor(
  profile: Profile,
  credentials: Credentials | undefined,
  out: DoctorOutput,
  opts: { fetchPublic?: FetchPublic; timeoutMs?: number } = {},
): Promise<number> {
  const steps = await runDiagnostics({
    profile,
    credentials,
    fetchPublic: opts.fetchPublic ?? nodeFetchPublic(opts.timeoutMs),
    timeoutMs: opts.timeoutMs,
    face: "cli",
    onStep: (step) => out.write(formatStep(step)),
  });
  const failed = steps.filter((s) => s.status === "fail").length;
  const warned = steps.some((s) => s.status === "warn");
  if (failed > 0) out.write(`${failed} check${failed === 1 ? "" : "s"} failed.\n`);
  else out.write(warned ? "Uploads to this bucket will work; see the warning above.\n" : "All checks passed: uploads to this bucket will work.\n");
  return failed === 0 ? 0 : 1;
}

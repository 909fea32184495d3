/**
 * Entry point of the `s3-image-hosting` command (bundled to dist/cli.cjs). Only wiring to
 * the process lives here; the behaviour is in `runCli`.
 */
import process from "node:process";
import { version } from "../../package.json";
import { runCli } from "./run";
import { escapeControls } from "./terminalText";
import { errorText } from "../core/errors";
import { exitOnceWritten } from "./exit";

// The SDK warns once per process that its releases after January 2027 need Node 22. That is
// a note for whoever upgrades this tool's dependencies, not for someone uploading images, and
// it would land in the middle of the tool's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write("\nStopping: finishing the uploads in flight and saving their links (Ctrl-C again to quit now)…\n");
  controller.abort();
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal, version }).then(
  (code) => end(code),
  (e: unknown) => {
    // runCli turns every expected error into a message; this is the last guard against a stack trace.
    process.stderr.write(`s3-image-hosting: ${escapeControls(errorText(e))}\n`);
    end(1);
  },
);

function end(code: number): void {
  process.exitCode = code;
  exitOnceWritten(code, [process.stdout, process.stderr], (c) => process.exit(c));
}

/**
 * The outside test corpus: the English Obsidian Help vault, kept beside the repository (in
 * `../shared/fixtures`, or wherever `S3IH_FIXTURES` points) rather than in it, so a fresh
 * clone does not have it. Suites that need it run when it is there and are skipped, with the
 * reason printed, when it is not. Where the corpus must be there (CI sets
 * `S3IH_REQUIRE_FIXTURES=1`), its absence fails the run instead of skipping.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "../..");

/** The folder holding the corpus. */
export const fixturesRoot = process.env.S3IH_FIXTURES ?? path.resolve(repoRoot, "../shared/fixtures");

/** The Obsidian Help vault; read-only: copy it before a test changes anything. */
export const helpVault = path.join(fixturesRoot, "obsidian-help-en");

/** Whether the Help vault is there; when it must be and is not, throws with where it was looked for. */
export function hasHelpVault(): boolean {
  if (existsSync(helpVault)) return true;
  if (process.env.S3IH_REQUIRE_FIXTURES) {
    throw new Error(
      `The fixture vault is required (S3IH_REQUIRE_FIXTURES) but not found at ${helpVault}; set S3IH_FIXTURES to the folder holding obsidian-help-en.`,
    );
  }
  return false;
}

/**
 * `describe` for a suite that needs the Help vault: runs it when the vault is there, and
 * otherwise skips it and prints why, so a skipped suite is never mistaken for a passing one.
 */
export function describeWithHelpVault(name: string, fn: () => void): void {
  if (hasHelpVault()) describe(name, fn);
  else {
    skipNotice(name);
    describe.skip(name, fn);
  }
}

/** `it` for one test that needs the Help vault, skipped the same way when it is absent. */
export function itWithHelpVault(name: string, fn: () => Promise<unknown>): void {
  if (hasHelpVault()) it(name, fn);
  else {
    skipNotice(name);
    it.skip(name, fn);
  }
}

function skipNotice(name: string): void {
  console.warn(
    `Skipped "${name}": the Obsidian Help fixture vault is not at ${helpVault} (set S3IH_FIXTURES to the folder holding obsidian-help-en to run it).`,
  );
}

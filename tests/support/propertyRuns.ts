/** fast-check's `numRuns` when none is given. */
const FAST_CHECK_DEFAULT = 100;

/**
 * How many cases a property test generates. CI (which sets `CI=true`) runs each property
 * its full count; a run on a developer's machine does a tenth of it, and never fewer than
 * fast-check's own default of 100, so `npm run test:unit` stays quick while CI still
 * searches as widely as before. `CI=true npx jest <file>` gives the full count locally.
 */
export function propertyRuns(full: number): number {
  if (isCi()) return full;
  return Math.max(FAST_CHECK_DEFAULT, Math.ceil(full / 10));
}

/** CI services set `CI` to `true` (some to `1`); an empty value, `false` or `0` means a local run. */
function isCi(): boolean {
  const ci = (process.env.CI ?? "").trim().toLowerCase();
  return ci !== "" && ci !== "false" && ci !== "0";
}

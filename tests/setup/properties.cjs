// A failing property test prints the seed and path it failed with (fast-check's report).
// To replay exactly that run, set them: FC_SEED=<seed> FC_PATH=<path> npx jest <file> -t <name>.
const fc = require("fast-check");

if (process.env.FC_SEED) {
  fc.configureGlobal({ seed: Number(process.env.FC_SEED), path: process.env.FC_PATH || undefined, endOnFailure: true });
}

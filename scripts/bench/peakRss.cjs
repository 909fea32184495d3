// Preloaded with `node --require` into a process the benchmark watches: writes the process's
// peak resident set size (KiB, from getrusage) to $BENCH_PEAK_RSS_FILE when it exits.
const fs = require("node:fs");

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on("exit", () => {
    fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}

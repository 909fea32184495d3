// Preloaded with `node --require` into a process the benchmark watches: writes the process's
// peak resident set size (KiB) to $BENCH_PEAK_RSS_FILE when it exits.
//
// On Linux it is VmHWM of /proc/self/status, the peak of this program's own memory. getrusage's
// maxRSS is not: Linux carries into it the peak of the memory the process had before it
// started this program, which for a child forked by the benchmark is a copy of the benchmark
// process (holding the test images), so it reported the benchmark's size, not the tool's.
const fs = require("node:fs");

const file = process.env.BENCH_PEAK_RSS_FILE;

function peakKiB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]);
  } catch {
    // Not Linux: getrusage's figure, which elsewhere is the process's own.
  }
  return process.resourceUsage().maxRSS;
}

if (file) {
  process.on("exit", () => {
    fs.writeFileSync(file, String(peakKiB()));
  });
}

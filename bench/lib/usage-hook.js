/**
 * Preloaded (`node --require`) into a process a benchmark launches fresh, as users run it: when the process
 * exits, its CPU time and peak RSS go to the file named by SPOT_IAC_BENCH_USAGE. Wall time is the parent's
 * (spawn to exit), so start-up counts.
 */
"use strict";
const file = process.env.SPOT_IAC_BENCH_USAGE;
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    require("node:fs").writeFileSync(
      file,
      JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }),
    );
  });
}

// Preloaded into a measured process (node --import ./bench/usage-probe.mjs ...): on exit it
// writes the process's own CPU time and peak RSS to $BENCH_USAGE_FILE, so the benchmark measures
// the reading process alone, not the emulator or the harness.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      peakRssMb: usage.maxRSS / 1024,
    }));
  });
}

// Preloaded into the action's process by `npm run bench` (node --import): on exit, writes the
// process's peak resident set size in kilobytes to the file KPR_BENCH_RSS_FILE names.
// On Linux, VmHWM: getrusage's maxRSS survives exec, so a child spawned by a large parent (the
// bench, holding a 3,000-file pull request) would report the parent's size at fork instead.
import { readFileSync, writeFileSync } from 'node:fs'

const file = process.env.KPR_BENCH_RSS_FILE

function peakKb() {
  try {
    const hwm = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1])
  } catch {
    // Not Linux: getrusage's figure, for what it is worth.
  }
  return process.resourceUsage().maxRSS
}

if (file) process.on('exit', () => writeFileSync(file, String(peakKb())))

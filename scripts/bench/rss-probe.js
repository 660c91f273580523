// Preloaded into the action's process by `npm run bench` (node --import): on exit, writes the
// process's peak resident set size in kilobytes to the file KPR_BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs'

const file = process.env.KPR_BENCH_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))

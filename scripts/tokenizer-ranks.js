// Writes o200k's byte-pair ranks, taken from gpt-tokenizer, as JSON beside src/review/tokens.ts
// (`npm install` runs this as `prepare`; the bundle carries the file into dist/). The library
// ships them as a 200,000-element array literal, which costs the action over 20 MB more peak
// memory to compile than the same array costs to JSON.parse.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ranks from 'gpt-tokenizer/bpeRanks/o200k_base'

const out = fileURLToPath(import.meta.resolve('../src/review/o200k_base.json'))
writeFileSync(out, JSON.stringify(ranks))

/**
 * Token counts with the model's own tokenizer (o200k_base: gpt-4o, gpt-4.1, the o-series and
 * gpt-5). Its tables are the largest part of the action, so they load on first need
 * (`loadTokenizer`), after the network work has started: `mode: check` and skipped events
 * never pay for them.
 */
import { readFile } from 'node:fs/promises'
import type { GptEncoding } from 'gpt-tokenizer/GptEncoding'

let encoding: GptEncoding | undefined

/**
 * The byte-pair ranks as JSON (scripts/tokenizer-ranks.js writes them from gpt-tokenizer; the
 * bundle carries the file beside it): parsed as JSON, they cost a fraction of the memory the
 * library's own module, one huge array literal, takes to compile.
 */
const RANKS = new URL('./o200k_base.json', import.meta.url)

/**
 * Chunks whose tokens the tokenizer remembers. Its default (100,000) holds tens of megabytes
 * on a large diff, where few chunks repeat across files; a small cache keeps the common ones.
 */
const MERGE_CACHE_SIZE = 10_000

export async function loadTokenizer(): Promise<void> {
  if (encoding) return
  const [{ GptEncoding }, json] = await Promise.all([
    import('gpt-tokenizer/GptEncoding'),
    readFile(RANKS, 'utf8').catch((error: unknown) => {
      throw new Error(`The tokenizer's ranks are missing (${String(RANKS)}): run npm install`, {
        cause: error
      })
    })
  ])
  const ranks = JSON.parse(json) as (string | number[])[]
  encoding ??= GptEncoding.getEncodingApi('o200k_base', () => ranks)
  encoding.setMergeCacheSize(MERGE_CACHE_SIZE)
}

function loaded(): GptEncoding {
  if (!encoding) throw new Error('Token counting before loadTokenizer() finished')
  return encoding
}

// Diffs may contain `<|endoftext|>` and friends (tokenizer code, docs); the API reads them as
// plain text, and the tokenizer must too instead of throwing.
const PLAIN = { disallowedSpecial: new Set<string>() }

export function countTokens(text: string): number {
  return loaded().countTokens(text, PLAIN)
}

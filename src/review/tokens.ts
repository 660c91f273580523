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

/**
 * Text is counted in pieces of at most this many characters. Byte-pair merging costs the square
 * of a pre-tokenized chunk's length, and a chunk is a whole run of letters or of punctuation: a
 * 240,000-character minified or base64 line took 44 s in one piece.
 */
export const MAX_PIECE = 500

/**
 * o200k tokens in `text`, counted piece by piece: linear in its length. A piece ends where the
 * tokenizer's own pre-split ends a chunk anyway, so the count is exact; only a run of more than
 * MAX_PIECE characters with no such place is cut inside, at a cost of about a token a cut.
 */
export function countTokens(text: string): number {
  const encoding = loaded()
  let total = 0
  let start = 0
  while (text.length - start > MAX_PIECE) {
    const end = pieceEnd(text, start)
    total += encoding.countTokens(text.slice(start, end), PLAIN)
    start = end
  }
  return total + encoding.countTokens(text.slice(start), PLAIN)
}

/**
 * Where the piece from `start` ends: the last place within MAX_PIECE where the tokenizer's
 * pre-split ends a chunk whatever follows, else MAX_PIECE on (never inside a surrogate pair).
 */
function pieceEnd(text: string, start: number): number {
  const limit = start + MAX_PIECE
  for (let i = limit; i > start + 1; i--) if (endsChunk(text, i)) return i
  const low = text.charCodeAt(limit)
  return low >= 0xdc00 && low <= 0xdfff ? limit - 1 : limit
}

/** Characters that continue a chunk ending in a letter or digit (marks, a contraction's '). */
const CONTINUES_WORD = /[\p{L}\p{N}\p{M}']/uy
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u
const WHITESPACE = /\s/

/**
 * Whether o200k's split pattern ends a chunk between text[i - 1] and text[i] whatever comes
 * after: no chunk runs from other characters into a space or tab, from a line break into text
 * (but a `/`, which follows punctuation's breaks), or from a letter or digit into anything
 * but word characters.
 */
function endsChunk(text: string, i: number): boolean {
  const before = text.charAt(i - 1)
  const at = text.charAt(i)
  if (at === ' ' || at === '\t') return !WHITESPACE.test(before)
  if (before === '\n' || before === '\r') return !WHITESPACE.test(at) && at !== '/'
  CONTINUES_WORD.lastIndex = i
  return LETTER_OR_DIGIT.test(before) && !CONTINUES_WORD.test(text)
}

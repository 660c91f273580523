/** Token counts with the models' own tokenizer, loaded on first need. */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { countTokens, loadTokenizer, MAX_PIECE } from '../../src/review/tokens.js'

/** The library's own count, in one piece. */
async function exactCount(): Promise<(text: string) => number> {
  const library = await import('gpt-tokenizer/encoding/o200k_base')
  return (text) => library.countTokens(text, { disallowedSpecial: new Set() })
}

/** `length` lowercase letters, different for every seed: one pre-tokenized chunk, never cached. */
function letters(length: number, seed: number): string {
  let state = seed
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return String.fromCharCode(97 + (state % 26))
  }).join('')
}

describe('countTokens', () => {
  it('refuses to count before the tables are loaded', async () => {
    expect(() => countTokens('hello')).toThrow(/before loadTokenizer/)
    await loadTokenizer()
  })

  it('counts o200k_base tokens exactly', () => {
    expect(countTokens('')).toBe(0)
    expect(countTokens('hello world')).toBe(2)
    expect(countTokens('Hello, world!')).toBe(4)
    expect(countTokens('const x = 1;\n'.repeat(1000))).toBe(6000)
  })

  it('reads special-token text in a diff as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBe(7)
  })
})

describe('the ranks the action loads (src/review/o200k_base.json)', () => {
  it('count exactly as the library’s own o200k_base module does', async () => {
    await loadTokenizer()
    const library = await import('gpt-tokenizer/encoding/o200k_base')
    const samples = [
      readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
      readFileSync(new URL('../../src/review/pack.ts', import.meta.url), 'utf8'),
      '\uFEFFusing System;\n\uFEFFnamespace App {}',
      '日本語のテキスト、한국어, Ελληνικά, emoji 🚀🧪, combining é',
      '\u0000\u0001 bytes \uFFFD and lone halves'
    ]
    for (const text of samples) {
      expect(countTokens(text)).toBe(library.countTokens(text, { disallowedSpecial: new Set() }))
    }
  })
})

describe('counting in pieces', () => {
  beforeAll(loadTokenizer)

  /** Pieces the tokenizer could split anywhere: words, marks, digits, contractions, breaks. */
  const FRAGMENTS = [
    'a',
    'Zq',
    'é',
    'e\u0301',
    '19',
    "'s",
    "'ll",
    ';',
    '/',
    '//',
    '-',
    '=',
    '(',
    '"'
  ]
  const SEPARATORS = [' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n', '\u00a0', '\u2028', '🚀', '日本']

  it('cuts only where the tokenizer ends a chunk anyway: exact on any text with such places', async () => {
    const exact = await exactCount()
    const text = fc
      .array(fc.constantFrom(...FRAGMENTS, ...SEPARATORS), { minLength: 400, maxLength: 1500 })
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, (t) => countTokens(t) === exact(t)),
      { numRuns: 60 }
    )
  })

  it('stays exact on a minified line: no whitespace, but punctuation between the words', async () => {
    const exact = await exactCount()
    const minified = JSON.stringify(
      Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `item${i}`, tags: ['a', "b'c"] }))
    )
    expect(minified.length).toBeGreaterThan(40 * MAX_PIECE)
    expect(countTokens(minified)).toBe(exact(minified))
  })

  it('cuts a run with no such place anyway, within a percent of the exact count', async () => {
    const exact = await exactCount()
    const run = letters(24_000, 7)
    expect(Math.abs(countTokens(run) - exact(run)) / exact(run)).toBeLessThan(0.01)
  })

  it('takes linear time on one long run: ten times the text costs about ten times as much', () => {
    // Work measured as time, made robust: the long run against ten short ones of the same
    // total length (each text new, so no cache helps). Quadratic merging makes the ratio ~10.
    const seconds = (text: string): number => {
      const started = performance.now()
      countTokens(text)
      return performance.now() - started
    }
    seconds(letters(24_000, 1))
    const long = seconds(letters(240_000, 2))
    const short = Array.from({ length: 10 }, (_, i) => seconds(letters(24_000, 10 + i)))
    const ratio = long / short.reduce((sum, s) => sum + s, 0)
    expect(ratio).toBeLessThan(4)
    expect(long).toBeLessThan(10_000)
  })
})

/** Token counts with the models' own tokenizer, loaded on first need. */
import { readFileSync } from 'node:fs'
import { countTokens, loadTokenizer } from '../../src/review/tokens.js'

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

/** Token counts with the models' own tokenizer, loaded on first need. */
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

import type { PrFile } from '../../src/pull-request.js'
import { renderForPrompt } from '../../src/review/diff.js'
import {
  MAX_REQUEST_TOKENS,
  contextWindowFor,
  pack,
  renderItem,
  repack,
  requestBudget,
  type PackResult
} from '../../src/review/pack.js'
import { countTokens, fitsIn, loadTokenizer } from '../../src/review/tokens.js'
import { prFile } from '../helpers/files.js'

// The tokenizer loads on demand, as in the action.
beforeAll(loadTokenizer)

/** A modified file with `hunks` hunks of `size` changed lines each, 100 lines apart. */
function synthetic(path: string, hunks: number, size: number): PrFile {
  const parts: string[] = []
  for (let h = 0; h < hunks; h++) {
    const start = 1 + h * 100
    const lines = [` // ${path} section ${h}`]
    for (let i = 0; i < size; i++) {
      lines.push(
        `-  const value${i} = compute(${i}, 'old')`,
        `+  const value${i} = compute(${i}, 'new')`
      )
    }
    parts.push(`@@ -${start},${size + 1} +${start},${size + 1} @@ function section${h}()`, ...lines)
  }
  return prFile(path, parts.join('\n'), { additions: hunks * size, deletions: hunks * size })
}

function expectWithinBudgets(result: PackResult, perRequestBudget: number, totalBudget: number) {
  for (const request of result.requests) {
    expect(request.tokens).toBeLessThanOrEqual(perRequestBudget)
    expect(request.tokens).toBe(request.overheadTokens + countTokens(request.text))
  }
  expect(result.promptTokens).toBe(result.requests.reduce((n, r) => n + r.tokens, 0))
  expect(result.promptTokens).toBeLessThanOrEqual(totalBudget)
}

describe('countTokens', () => {
  it('counts o200k_base tokens exactly', () => {
    expect(countTokens('')).toBe(0)
    expect(countTokens('hello world')).toBe(2)
    expect(countTokens('Hello, world!')).toBe(4)
    expect(countTokens('const x = 1;\n'.repeat(1000))).toBe(6000)
  })

  it('reads special-token text in a diff as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBe(7)
  })

  it('tells whether a text fits a limit', () => {
    expect(fitsIn('Hello, world!', 4)).toBe(true)
    expect(fitsIn('Hello, world!', 3)).toBe(false)
  })
})

describe('contextWindowFor and requestBudget', () => {
  it.each([
    ['gpt-4o', 128_000],
    ['gpt-4o-mini', 128_000],
    ['prod-gpt-4o-2024-11-20', 128_000],
    ['gpt-4.1', 1_047_576],
    ['gpt-4.1-mini', 1_047_576],
    ['o1', 200_000],
    ['o3-mini', 200_000],
    ['o4-mini', 200_000],
    ['gpt-5', 400_000],
    ['GPT-5-mini', 400_000],
    ['my-reviewer', 128_000],
    ['proto1', 128_000]
  ])('gives %s a window of %i tokens', (model, window) => {
    expect(contextWindowFor(model)).toBe(window)
  })

  it('caps a request at 16k tokens however large the window', () => {
    expect(requestBudget('gpt-4.1', 16_000)).toBe(16_000)
    expect(requestBudget('gpt-4o', 4_096)).toBe(16_000)
    expect(requestBudget('gpt-4o', 4_096)).toBe(MAX_REQUEST_TOKENS)
  })

  it('leaves room for the output and a 5 % margin in a small window', () => {
    expect(requestBudget('gpt-4o', 110_000)).toBe(128_000 - 110_000 - 6_400)
    expect(requestBudget('gpt-4o', 200_000)).toBe(0)
  })
})

describe('pack', () => {
  const overheadTokens = 500

  it('puts small files into one request, in the order given', () => {
    const items = ['b.ts', 'a.ts', 'c.ts'].map((p) => renderItem(synthetic(p, 1, 3)))
    const result = pack(items, { perRequestBudget: 10_000, totalBudget: 100_000, overheadTokens })
    expect(result.requests).toHaveLength(1)
    expect(result.requests[0]?.files.map((f) => f.path)).toEqual(['b.ts', 'a.ts', 'c.ts'])
    expect(result.requests[0]?.text).toBe(items.map((i) => i.text).join('\n\n'))
    expect(result.notReviewed).toEqual([])
    expectWithinBudgets(result, 10_000, 100_000)
  })

  it('opens a new request when the next file would overflow the current one', () => {
    const items = Array.from({ length: 12 }, (_, i) => renderItem(synthetic(`f${i}.ts`, 2, 10)))
    const perRequestBudget = overheadTokens + 3 * (items[0]?.tokens ?? 0) + 20
    const result = pack(items, { perRequestBudget, totalBudget: 1_000_000, overheadTokens })
    expect(result.requests.map((r) => r.files.length)).toEqual([3, 3, 3, 3])
    expect(result.requests.flatMap((r) => r.files.map((f) => f.path))).toEqual(
      items.map((i) => i.path)
    )
    expectWithinBudgets(result, perRequestBudget, 1_000_000)
  })

  it('splits a file larger than one request by hunk, covering every hunk once', () => {
    const huge = synthetic('huge.ts', 10, 20)
    const item = renderItem(huge)
    const perRequestBudget = overheadTokens + Math.ceil(item.tokens / 3)
    const result = pack([item], { perRequestBudget, totalBudget: 1_000_000, overheadTokens })
    expect(result.notReviewed).toEqual([])
    expect(result.requests.length).toBeGreaterThan(2)
    const pieces = result.requests.flatMap((r) => r.files)
    expect(pieces.flatMap((p) => p.hunks)).toEqual(huge.hunks)
    for (const piece of pieces) {
      expect(piece.diff).toBe(huge)
      expect(piece.text).toBe(renderForPrompt(huge, piece.hunks))
      expect(piece.text).toMatch(/^## huge\.ts \(modified; hunks? \d+(-\d+)? of 10\)/)
    }
    expectWithinBudgets(result, perRequestBudget, 1_000_000)
  })

  it('lists a hunk larger than one request as not reviewed and packs the others', () => {
    const patch = [
      '@@ -1,2 +1,2 @@',
      ' a',
      '-b',
      '+B',
      `@@ -50,1 +50,400 @@ function big()`,
      ' x',
      ...Array.from({ length: 399 }, (_, i) => `+  bigTable[${i}] = lookup(${i * 7919} % 65521)`),
      '@@ -900,2 +1299,2 @@',
      ' y',
      '-z',
      '+Z'
    ].join('\n')
    const diff = prFile('big.ts', patch, { additions: 401, deletions: 2 })
    const bigHunk = countTokens(renderForPrompt(diff, (diff.hunks ?? []).slice(1, 2)))
    const result = pack([renderItem(diff)], {
      perRequestBudget: 2_500,
      totalBudget: 100_000,
      overheadTokens
    })
    expect(result.notReviewed).toEqual([
      { path: 'big.ts', reason: `hunk too large: ${bigHunk} tokens (hunk 2 of 3)` }
    ])
    expect(result.requests.flatMap((r) => r.files.flatMap((f) => f.hunks))).toEqual([
      diff.hunks?.[0],
      diff.hunks?.[2]
    ])
    expectWithinBudgets(result, 2_500, 100_000)
  })

  it('stops at the token budget and lists every remaining file', () => {
    const items = Array.from({ length: 10 }, (_, i) => renderItem(synthetic(`f${i}.ts`, 1, 10)))
    const perRequestBudget = overheadTokens + 2 * (items[0]?.tokens ?? 0) + 10
    const totalBudget = 2 * perRequestBudget + 300
    const result = pack(items, { perRequestBudget, totalBudget, overheadTokens })
    const reviewed = result.requests.flatMap((r) => r.files.map((f) => f.path))
    expect(reviewed).toEqual(['f0.ts', 'f1.ts', 'f2.ts', 'f3.ts'])
    expect(result.notReviewed).toEqual(
      items.slice(4).map((i) => ({ path: i.path, reason: `token budget (${totalBudget}) reached` }))
    )
    expectWithinBudgets(result, perRequestBudget, totalBudget)
  })

  it('says which hunks of a split file the budget left out', () => {
    const item = renderItem(synthetic('long.ts', 6, 20))
    const perRequestBudget = overheadTokens + Math.ceil(item.tokens / 3)
    const result = pack([item], { perRequestBudget, totalBudget: perRequestBudget, overheadTokens })
    expect(result.requests).toHaveLength(1)
    const [left] = result.notReviewed
    expect(left?.reason).toMatch(/^token budget \(\d+\) reached \(hunks? \d+(-\d+)? of 6\)$/)
  })

  it('reviews nothing when the overhead fills a request', () => {
    const result = pack([renderItem(synthetic('a.ts', 1, 1))], {
      perRequestBudget: 400,
      totalBudget: 100_000,
      overheadTokens
    })
    expect(result.requests).toEqual([])
    expect(result.notReviewed).toEqual([
      { path: 'a.ts', reason: 'prompt overhead (500 tokens) fills the request budget (400)' }
    ])
  })

  it('plans the same requests for the same input', () => {
    const items = Array.from({ length: 40 }, (_, i) =>
      renderItem(synthetic(`f${i}.ts`, 1 + (i % 4), 8))
    )
    const options = { perRequestBudget: 3_000, totalBudget: 40_000, overheadTokens }
    expect(pack(items, options)).toEqual(pack(items, options))
  })

  it('packs a 300-file pull request within both budgets', () => {
    const items = Array.from({ length: 300 }, (_, i) =>
      renderItem(synthetic(`src/module${String(i).padStart(3, '0')}.ts`, 1 + (i % 5), 4 + (i % 7)))
    )
    const options = { perRequestBudget: 20_000, totalBudget: 1_000_000, overheadTokens: 1_500 }
    const started = performance.now()
    const result = pack(items, options)
    console.log(
      `packed 300 files into ${result.requests.length} requests in ${(performance.now() - started).toFixed(1)} ms`
    )
    expect(result.notReviewed).toEqual([])
    expect(result.requests.flatMap((r) => r.files.map((f) => f.path))).toEqual(
      items.map((i) => i.path)
    )
    expectWithinBudgets(result, options.perRequestBudget, options.totalBudget)
    // Greedy packing fills each request but the last to within one file of the budget.
    const largest = Math.max(...items.map((i) => i.tokens))
    for (const request of result.requests.slice(0, -1)) {
      expect(request.tokens).toBeGreaterThan(options.perRequestBudget - largest - 10)
    }
  })
})

describe('repack', () => {
  it('re-packs a refused request into requests of half its diff each, keeping every hunk', () => {
    const items = [renderItem(synthetic('a.ts', 6, 15)), renderItem(synthetic('b.ts', 2, 5))]
    const [request] = pack(items, {
      perRequestBudget: 60_000,
      totalBudget: 200_000,
      overheadTokens: 800
    }).requests
    if (request === undefined) throw new Error('expected one request')
    const result = repack(request)
    expect(result.requests.length).toBeGreaterThan(1)
    expect(result.notReviewed).toEqual([])
    const halfDiff = Math.ceil((request.tokens - request.overheadTokens) / 2)
    expectWithinBudgets(result, request.overheadTokens + halfDiff + 2, Number.POSITIVE_INFINITY)
    const hunks = result.requests.flatMap((r) => r.files.flatMap((f) => f.hunks))
    expect(hunks).toEqual(items.flatMap((i) => i.diff.hunks))
  })
})

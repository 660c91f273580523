/**
 * Packing: every reviewable line reaches a request, whatever the size of its file or hunk;
 * requests keep to their budget; the run keeps to its budget and says what it left out and what
 * including it would cost.
 */
import type { PrFile } from '../../src/pull-request.js'
import { renderForPrompt, wholeFile } from '../../src/review/diff.js'
import {
  MAX_FILES_PER_REQUEST,
  MAX_REQUEST_TOKENS,
  OVERLAP_LINES,
  contextWindowFor,
  estimatedTokens,
  pack,
  packing,
  piecesOf,
  repack,
  requestBudget,
  type PackOptions,
  type PackResult
} from '../../src/review/pack.js'
import { countTokens, loadTokenizer } from '../../src/review/tokens.js'
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

/** A new file of `lines` lines in one hunk. */
function addedFile(path: string, lines: number): PrFile {
  const body = Array.from(
    { length: lines },
    (_, i) => `+  table[${i}] = lookup(${(i * 7919) % 65521}, 'entry ${i}')`
  )
  return prFile(path, [`@@ -0,0 +1,${lines} @@`, ...body].join('\n'), {
    status: 'added',
    additions: lines
  })
}

const overhead = 800

function options(over: Partial<PackOptions> = {}): PackOptions {
  return { perRequestBudget: 4_000, runBudget: 1_000_000, overheads: [overhead], ...over }
}

/** Each request within its budget, its tokens an upper bound of its text; the run within its. */
function expectWithinBudgets(result: PackResult, o: PackOptions): void {
  const perRequest = o.overheads.reduce((a, b) => a + b, 0)
  for (const request of result.requests) {
    expect(Math.max(...o.overheads) + request.tokens).toBeLessThanOrEqual(o.perRequestBudget)
    expect(request.tokens).toBeGreaterThanOrEqual(countTokens(request.text))
  }
  expect(result.promptTokens).toBe(
    result.requests.reduce((n, r) => n + perRequest + o.overheads.length * r.tokens, 0)
  )
  expect(result.promptTokens).toBeLessThanOrEqual(o.runBudget - (o.reserved ?? 0))
}

/** Every (hunk, line) of the files that some request shows. */
function shownLines(result: PackResult): Set<string> {
  const shown = new Set<string>()
  for (const request of result.requests) {
    for (const piece of request.pieces) {
      for (const s of piece.segments) {
        for (let i = s.from; i < s.to; i++) shown.add(`${piece.file.path}:${s.hunk}:${i}`)
      }
    }
  }
  return shown
}

function allLines(files: readonly PrFile[]): string[] {
  return files.flatMap((f) =>
    wholeFile(f).flatMap((s) => Array.from({ length: s.to }, (_, i) => `${f.path}:${s.hunk}:${i}`))
  )
}

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

  it(`caps a request at ${MAX_REQUEST_TOKENS} tokens however large the window`, () => {
    expect(requestBudget('gpt-4.1', 16_000)).toBe(MAX_REQUEST_TOKENS)
    expect(requestBudget('gpt-4o', 8_192)).toBe(MAX_REQUEST_TOKENS)
  })

  it('leaves room for the output and a 5 % margin in a small window', () => {
    expect(requestBudget('gpt-4o', 110_000)).toBe(128_000 - 110_000 - 6_400)
    expect(requestBudget('gpt-4o', 200_000)).toBe(0)
  })
})

describe('pack', () => {
  it('puts small files into one request, in the order given', () => {
    const files = ['b.ts', 'a.ts', 'c.ts'].map((p) => synthetic(p, 1, 3))
    const result = pack(files, options())
    expect(result.requests).toHaveLength(1)
    expect(result.requests[0]?.pieces.map((p) => p.file.path)).toEqual(['b.ts', 'a.ts', 'c.ts'])
    expect(result.requests[0]?.text).toBe(files.map((f) => renderForPrompt(f)).join('\n\n'))
    expect(result.notReviewed).toEqual([])
    expectWithinBudgets(result, options())
  })

  it('opens a new request when the next file would overflow the current one', () => {
    const files = Array.from({ length: 12 }, (_, i) => synthetic(`f${i}.ts`, 2, 8))
    const result = pack(files, options())
    expect(result.requests.length).toBeGreaterThan(1)
    expect(result.requests.flatMap((r) => r.pieces.map((p) => p.file.path))).toEqual(
      files.map((f) => f.path)
    )
    expectWithinBudgets(result, options())
  })

  it(`shows at most ${MAX_FILES_PER_REQUEST} files in one request, so each answer stays short`, () => {
    const files = Array.from({ length: 120 }, (_, i) => synthetic(`tiny/${i}.ts`, 1, 1))
    const result = pack(files, options({ perRequestBudget: 100_000 }))
    expect(result.requests.map((r) => r.pieces.length)).toEqual([50, 50, 20])
  })

  it('splits a file larger than one request by hunk, showing every hunk once', () => {
    const big = synthetic('big.ts', 12, 10)
    const result = pack([big], options())
    expect(result.requests.length).toBeGreaterThan(1)
    expect([...shownLines(result)].sort()).toEqual(allLines([big]).sort())
    const heads = result.requests.map((r) => r.text.split('\n')[0])
    expect(
      heads.every((h) => /^## big\.ts \(part of it: hunks? \d+(-\d+)? of 12\)$/.test(h ?? ''))
    ).toBe(true)
    expectWithinBudgets(result, options())
  })

  it('splits a hunk larger than one request at line boundaries, each part within budget', () => {
    const huge = addedFile('changelog.ts', 1_200)
    const result = pack([huge], options())
    expect(result.notReviewed).toEqual([])
    expect(result.requests.length).toBeGreaterThan(3)
    // Every line shown; each part after the first repeats a few lines before it, no more.
    expect([...shownLines(result)].sort()).toEqual(allLines([huge]).sort())
    const segments = result.requests.flatMap((r) => r.pieces.flatMap((p) => p.segments))
    for (const [i, s] of segments.entries()) {
      const previousEnd = segments[i - 1]?.to ?? 0
      expect(previousEnd - s.from).toBeLessThanOrEqual(i === 0 ? 0 : OVERLAP_LINES)
    }
    expect(result.requests[1]?.text.split('\n').slice(0, 2)).toEqual([
      '## changelog.ts (added; part of it: hunk 1 of 1)',
      expect.stringMatching(/^@@ -0,0 \+\d+,\d+ @@ \(part of a longer hunk\)$/)
    ])
    expectWithinBudgets(result, options())
  })

  it('stops at the run budget and lists every remaining file, with what it would cost', () => {
    const files = Array.from({ length: 10 }, (_, i) => synthetic(`f${i}.ts`, 1, 30))
    const o = options({ perRequestBudget: 2_500, runBudget: 5_000 })
    const result = pack(files, o)
    const sent = new Set(result.requests.flatMap((r) => r.pieces.map((p) => p.file.path)))
    expect(sent.size).toBeGreaterThan(0)
    expect(sent.size).toBeLessThan(10)
    const left = files.filter((f) => !sent.has(f.path))
    expect(result.notReviewed).toEqual(
      left.map((f) => ({ path: f.path, reason: "over the run's token-budget (5,000)" }))
    )
    // The estimate stays close to what the left-out files would really cost.
    const real = pack(left, options({ perRequestBudget: 2_500 })).promptTokens
    expect(result.overBudget?.files).toBe(left.length)
    expect(result.overBudget?.tokens).toBeGreaterThan(real * 0.85)
    expect(result.overBudget?.tokens).toBeLessThan(real * 1.15)
    expectWithinBudgets(result, o)
  })

  it('says from which hunk on the budget left a split file out', () => {
    const big = synthetic('big.ts', 12, 10)
    const result = pack([big], options({ runBudget: 4_000 }))
    expect(result.requests).toHaveLength(1)
    expect(result.notReviewed.map((n) => n.path)).toEqual(['big.ts'])
    expect(result.notReviewed[0]?.reason).toMatch(
      /^over the run's token-budget \(4,000\), from hunk \d+ on$/
    )
  })

  it('charges every request once per pass when summary and review go to different deployments', () => {
    const files = Array.from({ length: 20 }, (_, i) => synthetic(`f${i}.ts`, 2, 6))
    const one = pack(files, options({ overheads: [900] }))
    const two = pack(files, options({ overheads: [900, 700] }))
    expect(two.requests.map((r) => r.pieces.length)).toEqual(
      one.requests.map((r) => r.pieces.length)
    )
    expect(two.promptTokens).toBe(
      one.promptTokens + one.requests.reduce((n, r) => n + 700 + r.tokens, 0)
    )
    expectWithinBudgets(two, options({ overheads: [900, 700] }))
  })

  it('keeps what is set aside out of the run budget', () => {
    const files = Array.from({ length: 10 }, (_, i) => synthetic(`f${i}.ts`, 1, 30))
    const o = options({ perRequestBudget: 2_500, runBudget: 8_000, reserved: 3_000 })
    const result = pack(files, o)
    expect(result.overBudget).toBeDefined()
    expectWithinBudgets(result, o)
  })

  it('reviews nothing when the overhead fills a request', () => {
    const result = pack([synthetic('a.ts', 1, 3)], options({ perRequestBudget: 500 }))
    expect(result.requests).toEqual([])
    expect(result.notReviewed).toEqual([
      { path: 'a.ts', reason: "the prompt's fixed part (800 tokens) fills a whole request (500)" }
    ])
  })

  it('plans the same requests for the same input', () => {
    const files = Array.from({ length: 40 }, (_, i) => synthetic(`f${i}.ts`, 1 + (i % 4), 8))
    expect(pack(files, options({ runBudget: 40_000 }))).toEqual(
      pack(files, options({ runBudget: 40_000 }))
    )
  })

  it('packs a 300-file pull request within both budgets, every line shown', () => {
    const files = Array.from({ length: 300 }, (_, i) =>
      synthetic(`src/module${String(i).padStart(3, '0')}.ts`, 1 + (i % 5), 4 + (i % 7))
    )
    const o = options({ perRequestBudget: 20_000, overheads: [1_500] })
    const result = pack(files, o)
    expect(result.notReviewed).toEqual([])
    expect(shownLines(result).size).toBe(allLines(files).length)
    expectWithinBudgets(result, o)
    // Greedy packing fills each request but the last close to its budget.
    for (const request of result.requests.slice(0, -1)) {
      expect(request.tokens + 1_500).toBeGreaterThan(o.perRequestBudget * 0.9)
    }
  })
})

describe('piecesOf', () => {
  it('keeps a file that fits whole', () => {
    const file = synthetic('a.ts', 3, 4)
    expect(piecesOf(file, 10_000)).toEqual([
      {
        file,
        segments: wholeFile(file),
        text: renderForPrompt(file),
        tokens: countTokens(renderForPrompt(file))
      }
    ])
  })
})

describe('repack', () => {
  it('re-packs a refused request into requests of half its size, keeping every line', () => {
    const files = [synthetic('a.ts', 6, 15), synthetic('b.ts', 2, 5)]
    const [request] = pack(files, options({ perRequestBudget: 60_000 })).requests
    if (request === undefined) throw new Error('expected one request')
    const result = repack(request)
    expect(result.requests.length).toBeGreaterThan(1)
    for (const r of result.requests) {
      expect(r.tokens).toBeLessThanOrEqual(Math.ceil(request.tokens / 2))
    }
    expect(shownLines(result).size).toBe(allLines(files).length)
  })
})

describe('packing, a request at a time', () => {
  it('yields each request once it is full, pauses between files, and returns what pack() returns', () => {
    const files = Array.from({ length: 12 }, (_, i) => synthetic(`src/f${i}.ts`, 2, 20))
    const budget = options({ runBudget: 8_000 })
    const whole = pack(files, budget)
    const steps = packing(files, budget)
    const yielded = []
    let step = steps.next()
    let pauses = 0
    while (!step.done) {
      if (step.value === undefined) pauses += 1
      else {
        // Each request is final when it is yielded: pack() makes the same one.
        expect(step.value).toEqual(whole.requests[yielded.length])
        yielded.push(step.value)
      }
      step = steps.next()
    }
    // A pause before each file counted, for the event loop.
    expect(pauses).toBeGreaterThan(yielded.length)
    expect(step.value).toEqual(whole)
    expect(whole.overBudget).toBeDefined()
    expect(yielded).toHaveLength(whole.requests.length)
    expect(yielded.length).toBeGreaterThan(1)
  })
})

describe('estimatedTokens', () => {
  it('is within a third of a file’s counted tokens, unparsed', () => {
    for (const file of [synthetic('src/a.ts', 3, 40), addedFile('src/b.ts', 200)]) {
      const counted = countTokens(renderForPrompt(file, wholeFile(file)))
      expect(estimatedTokens(file)).toBeGreaterThan(counted * 0.67)
      expect(estimatedTokens(file)).toBeLessThan(counted * 1.33)
    }
  })
})

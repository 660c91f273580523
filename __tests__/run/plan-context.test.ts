/**
 * The code around the hunks in a plan: bounded by a share of the diff and by token-budget, and
 * the slices of requests that wait for it, each only for its own files at head.
 */
import { jest } from '@jest/globals'
import { pack } from '../../src/review/pack.js'
import { planOf, planRun, scopeRun, type Plan, type Scoped } from '../../src/run/plan.js'
import {
  contextBudget,
  contextCandidates,
  contextWork,
  likelyReads,
  roomLikely,
  withContext
} from '../../src/run/plan-context.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import { testConfig } from '../helpers/config.js'
import { editedSource } from '../helpers/edits.js'
import { prFile } from '../helpers/files.js'
import { addedFile, prompt, snapshotOf } from '../helpers/snapshot.js'
import { captureStdout } from '../helpers/stdout.js'

afterEach(() => {
  jest.restoreAllMocks()
})

beforeAll(loadTokenizer)

const sources = [
  'src/review/pack.ts',
  'src/post/sanitize.ts',
  'src/run/pipeline.ts',
  'src/inputs.ts',
  'src/review/diff.ts'
].map((p) => editedSource(p, 25))
const heads = new Map(sources.map((s) => [s.file.path, s.head]))
const added = addedFile

const plan = (tokenBudget = 300_000): Plan =>
  planRun(
    testConfig({ tokenBudget }),
    snapshotOf([...sources.map((s) => s.file), added]),
    ['summary', 'review'],
    prompt
  )
const diffTokens = (p: Plan): number => p.packed.requests.reduce((n, r) => n + r.tokens, 0)

describe('the code around the hunks in a plan', () => {
  it('reads only files shown whole that have hunks and are not new', () => {
    expect(contextCandidates(plan()).map((f) => f.path)).toEqual(sources.map((s) => s.file.path))
  })

  it('adds it within 30% of the diff’s tokens, and says how much in the log', () => {
    const before = plan()
    const stdout = captureStdout()
    const after = withContext(before, heads)
    const context = after.context
    if (!context) throw new Error('expected context')
    expect(context.diffTokens).toBe(diffTokens(before))
    expect(context.tokens).toBeGreaterThan(0)
    expect(context.tokens).toBeLessThanOrEqual(context.diffTokens * 0.3)
    expect(diffTokens(after) - diffTokens(before)).toBe(context.tokens)
    expect(context.files).toBe(sources.length)
    expect(after.sent).toEqual(before.sent)
    expect(after.packed.requests.some((r) => r.text.includes('\n~'))).toBe(true)
    const share = Math.round((100 * context.tokens) / context.diffTokens)
    expect(stdout.join('')).toContain(
      `Context: ${context.tokens.toLocaleString('en-US')} tokens of code around ${context.hunks} hunks in 5 files (${share}% of the diff's ${context.diffTokens.toLocaleString('en-US')} tokens; at most 30%)`
    )
  })

  it('never takes room the diff needs: no context when token-budget is spent on the diff', () => {
    const full = plan()
    // Just enough for the diff as planned (its requests and the overview's reserve).
    const tight = plan(full.packed.promptTokens + (full.packOptions.reserved ?? 0) + 10)
    expect(tight.packed.notReviewed).toEqual([])
    expect(contextBudget(tight)).toBeLessThan(20)
    const after = withContext(tight, heads)
    expect(after.packed.notReviewed).toEqual([])
    expect(after.packed.promptTokens).toBeLessThanOrEqual(tight.packOptions.runBudget)
  })

  it('adds none when token-budget already left part of the diff out', () => {
    const over = plan(Math.floor(plan().packed.promptTokens / 2))
    expect(over.packed.overBudget).toBeDefined()
    expect(contextBudget(over)).toBe(0)
    expect(withContext(over, heads)).toBe(over)
  })

  it('leaves a plan without files at head as it is', () => {
    const before = plan()
    expect(withContext(before, new Map())).toBe(before)
  })
})
describe('requests that wait only for their own files at head', () => {
  const config = testConfig()
  // A new file that fills a request of its own.
  const lines = Array.from(
    { length: 70 },
    (_, i) => `+export const value${i} = compute(${i}, 'v${i}')`
  )
  const bigAdded = prFile('src/new.ts', [`@@ -0,0 +1,70 @@`, ...lines].join('\n'), {
    status: 'added'
  })
  const files = [bigAdded, ...sources.map((s) => s.file)]
  /** Requests of about 1,200 tokens of diff: the sources split over several. */
  function small(tokenBudget = 300_000): Scoped {
    const scoped = scopeRun(
      testConfig({ tokenBudget }),
      snapshotOf(files),
      ['summary', 'review'],
      prompt
    )
    const overhead = Math.max(...scoped.packOptions.overheads)
    return { ...scoped, packOptions: { ...scoped.packOptions, perRequestBudget: overhead + 1200 } }
  }
  const planned = (scoped: Scoped): Plan =>
    planOf(config, scoped, pack(scoped.scope, scoped.packOptions))

  it('sends at once what reads no file, and cuts the rest in the first wave’s and the others’', () => {
    const plan = planned(small())
    expect(plan.packed.requests.length).toBeGreaterThan(4)
    const work = contextWork(plan, 2)
    // Every request once: ready, or in one slice.
    const all = [...work.ready, ...work.slices.flatMap((s) => s.plan.packed.requests)]
    expect(new Set(all)).toEqual(new Set(plan.packed.requests))
    expect(all).toHaveLength(plan.packed.requests.length)
    // The new file shows its whole text: its request waits for nothing.
    expect(work.ready.flatMap((r) => r.pieces.map((p) => p.file.path))).toEqual(['src/new.ts'])
    expect(work.slices).toHaveLength(2)
    // The first wave: the ready request and the first slice's, two in all but for a split file.
    const [first, rest] = work.slices
    expect(first?.reads.length).toBeGreaterThan(0)
    expect(rest?.reads.length).toBeGreaterThan(0)
    expect([...(first?.reads ?? []), ...(rest?.reads ?? [])]).toEqual(
      contextCandidates(plan).map((f) => f.path)
    )
    // A file split over requests stays in one slice.
    const split = (rest?.plan.scope ?? []).filter((f) => first?.plan.scope.includes(f))
    expect(split).toEqual([])
    // Between them, the slices take no more than the room the diff leaves.
    const room =
      plan.packOptions.runBudget - (plan.packOptions.reserved ?? 0) - plan.packed.promptTokens
    const spent = work.slices.reduce(
      (n, s) => n + s.plan.packOptions.runBudget - s.plan.packed.promptTokens,
      0
    )
    expect(spent).toBeLessThanOrEqual(room)
  })

  it('adds the code around a slice’s hunks within its share of the budget', () => {
    const work = contextWork(planned(small()), 2)
    for (const slice of work.slices) {
      const stdout = captureStdout()
      const withIt = withContext(slice.plan, heads, 'the first requests')
      expect(withIt.packed.promptTokens).toBeLessThanOrEqual(slice.plan.packOptions.runBudget)
      expect(withIt.context?.tokens).toBeGreaterThan(0)
      expect(withIt.context?.tokens).toBeLessThanOrEqual(0.3 * diffTokens(slice.plan))
      expect(stdout.join('')).toMatch(/^Context of the first requests: [\d,]+ tokens of code/m)
      jest.restoreAllMocks()
    }
  })

  it('reads the files at head while packing only when the diff likely leaves room', () => {
    const scoped = small()
    expect(roomLikely(scoped)).toBe(true)
    const [first, rest] = likelyReads(scoped, 2)
    expect([...first, ...rest]).toEqual(sources.map((s) => s.file.path))
    expect(first.length).toBeGreaterThan(0)
    expect(rest.length).toBeGreaterThan(0)
    expect(roomLikely(small(Math.floor(planned(scoped).packed.promptTokens / 2)))).toBe(false)
  })

  it('leaves every request ready when there is no room for the code around the hunks', () => {
    const over = planned(small(Math.floor(planned(small()).packed.promptTokens / 2)))
    expect(over.packed.overBudget).toBeDefined()
    expect(contextWork(over, 2)).toEqual({ ready: over.packed.requests, slices: [] })
  })
})

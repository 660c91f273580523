/** What the model will see: with the code around the hunks, bounded by half the diff and by token-budget. */
import { jest } from '@jest/globals'
import type { PrFile } from '../../src/pull-request.js'
import {
  contextBudget,
  contextCandidates,
  planRun,
  withContext,
  type Plan
} from '../../src/run/plan.js'
import type { Snapshot } from '../../src/run/snapshot.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import { BASE_SHA, HEAD_SHA } from '../emulators/constants.js'
import { testConfig } from '../helpers/config.js'
import { editedSource } from '../helpers/edits.js'
import { prFile } from '../helpers/files.js'
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
const added = prFile('src/new.ts', '@@ -0,0 +1,2 @@\n+export const a = 1\n+export const b = 2', {
  status: 'added'
})
const prompt = { language: 'English', title: 'A change', description: '' }

function snapshot(files: readonly PrFile[]): Snapshot {
  return {
    repo: { owner: 'o', repo: 'r' },
    pr: {
      number: 7,
      title: 'A change',
      body: '',
      draft: false,
      state: 'open',
      author: 'octocat',
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      headRef: 'feature',
      baseRef: 'main',
      htmlUrl: 'https://github.com/o/r/pull/7',
      changedFiles: files.length
    },
    files,
    summaryComment: undefined,
    postedFindings: new Set(),
    repoGuidance: undefined,
    incremental: undefined
  }
}

const plan = (tokenBudget = 300_000): Plan =>
  planRun(
    testConfig({ tokenBudget }),
    snapshot([...sources.map((s) => s.file), added]),
    ['summary', 'review'],
    prompt
  )
const diffTokens = (p: Plan): number => p.packed.requests.reduce((n, r) => n + r.tokens, 0)

describe('the code around the hunks in a plan', () => {
  it('reads only files shown whole that have hunks and are not new', () => {
    expect(contextCandidates(plan()).map((f) => f.path)).toEqual(sources.map((s) => s.file.path))
  })

  it('adds it within half the diff’s tokens, and says how much in the log', () => {
    const before = plan()
    const stdout = captureStdout()
    const after = withContext(before, heads)
    const context = after.context
    if (!context) throw new Error('expected context')
    expect(context.diffTokens).toBe(diffTokens(before))
    expect(context.tokens).toBeGreaterThan(0)
    expect(context.tokens).toBeLessThanOrEqual(context.diffTokens / 2)
    expect(diffTokens(after) - diffTokens(before)).toBe(context.tokens)
    expect(context.files).toBe(sources.length)
    expect(after.sent).toEqual(before.sent)
    expect(after.packed.requests.some((r) => r.text.includes('\n~'))).toBe(true)
    const share = Math.round((100 * context.tokens) / context.diffTokens)
    expect(stdout.join('')).toContain(
      `Context: ${context.tokens.toLocaleString('en-US')} tokens of code around ${context.hunks} hunks in 5 files (${share}% of the diff's ${context.diffTokens.toLocaleString('en-US')} tokens; at most 50%)`
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

describe('an incremental plan', () => {
  const [first, second] = sources.map((s) => s.file)
  if (!first || !second) throw new Error('two sources expected')
  const sinceHead = 'b'.repeat(40)
  const onlyAdded = prFile(second.path, '@@ -1,1 +1,2 @@\n a\n+b')
  /** After a push that changed `second` only; our summary left `first` to review. */
  const incremental = (pending: readonly string[]): Snapshot => ({
    ...snapshot([first, second, added]),
    summaryComment: {
      id: 1,
      body: '',
      url: '',
      state: { head: sinceHead, base: BASE_SHA, overview: 'Before.', rows: [], pending }
    },
    incremental: { since: sinceHead, files: [onlyAdded] }
  })
  const planned = (s: Snapshot): Plan => planRun(testConfig(), s, ['summary', 'review'], prompt)

  it('reviews what the push changed and, whole, what an earlier run left to review', () => {
    const p = planned(incremental([first.path, 'src/gone.ts']))
    expect(p.scope.map((f) => [f.path, f.patch])).toEqual([
      [first.path, first.patch],
      [second.path, onlyAdded.patch]
    ])
    expect(p.previous).toBeDefined()
  })

  it('reviews only what the push changed when nothing was left', () => {
    expect(planned(incremental([])).scope.map((f) => f.path)).toEqual([second.path])
  })

  it('tells what the rules skip from what the budget leaves out', () => {
    const skipped = prFile('package-lock.json', '@@ -1 +1 @@\n-a\n+b')
    const tight = planRun(
      testConfig({ tokenBudget: 3000 }),
      snapshot([...sources.map((s) => s.file), skipped]),
      ['summary', 'review'],
      prompt
    )
    const kinds = new Map(tight.notReviewed.map((n) => [n.path, n.kind]))
    expect(kinds.get('package-lock.json')).toBe('skipped')
    expect([...kinds.values()]).toContain('budget')
  })
})

/** What the model will see: which files, packed how, after a later push, and what is left out. */
import { jest } from '@jest/globals'
import { planRun, type Plan } from '../../src/run/plan.js'
import type { Snapshot } from '../../src/run/snapshot.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import { BASE_SHA } from '../emulators/constants.js'
import { testConfig } from '../helpers/config.js'
import { editedSource } from '../helpers/edits.js'
import { prFile } from '../helpers/files.js'
import { addedFile, prompt, snapshotOf } from '../helpers/snapshot.js'

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
const added = addedFile

describe('an incremental plan', () => {
  const [first, second] = sources.map((s) => s.file)
  if (!first || !second) throw new Error('two sources expected')
  const sinceHead = 'b'.repeat(40)
  const onlyAdded = prFile(second.path, '@@ -1,1 +1,2 @@\n a\n+b')
  /** After a push that changed `second` only; our summary left `first` to review. */
  const incremental = (pending: readonly string[]): Snapshot => ({
    ...snapshotOf([first, second, added]),
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
      snapshotOf([...sources.map((s) => s.file), skipped]),
      ['summary', 'review'],
      prompt
    )
    const kinds = new Map(tight.notReviewed.map((n) => [n.path, n.kind]))
    expect(kinds.get('package-lock.json')).toBe('skipped')
    expect([...kinds.values()]).toContain('budget')
  })
})

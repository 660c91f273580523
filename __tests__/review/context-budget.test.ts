/** The code around the hunks, cut to a token budget: same lines each side for every hunk, nearest kept. */
import type { PrFile } from '../../src/pull-request.js'
import { surround } from '../../src/review/context-budget.js'
import { enclosingContext } from '../../src/review/context.js'
import { countTokens, loadTokenizer } from '../../src/review/tokens.js'
import { editedSource } from '../helpers/edits.js'
import { prFile } from '../helpers/files.js'

beforeAll(loadTokenizer)

const sources = ['src/review/pack.ts', 'src/post/sanitize.ts', 'src/run/pipeline.ts'].map((p) =>
  editedSource(p)
)
const files = sources.map((s) => s.file)
const heads = new Map(sources.map((s) => [s.file.path, s.head]))

/** Tokens of the `~` lines a set of files carries, counted as surround() counts them. */
const contextTokens = (shown: readonly PrFile[]): number =>
  shown.reduce(
    (n, f) =>
      n +
      (f.context ?? []).reduce(
        (m, c) =>
          m +
          [...(c.before?.lines ?? []), ...(c.after?.lines ?? [])].reduce(
            (k, line) => k + countTokens(`~${line}\n`),
            0
          ),
        0
      ),
    0
  )

const most = (shown: readonly PrFile[]): number =>
  Math.max(
    ...shown.flatMap((f) =>
      (f.context ?? []).map((c) =>
        Math.max(c.before?.lines.length ?? 0, c.after?.lines.length ?? 0)
      )
    )
  )

describe('surround', () => {
  it('gives every hunk its whole enclosing code when the budget allows', () => {
    const result = surround(files, heads, 1e9)
    for (const [i, source] of sources.entries()) {
      expect(result.files[i]?.context).toEqual(
        enclosingContext(source.head, source.file.hunks ?? [], { path: source.file.path })
      )
    }
    expect(result.hunks).toBeGreaterThan(20)
  })

  it('cuts every hunk to the same lines each side, the nearest ones, within the budget', () => {
    const full = contextTokens(surround(files, heads, 1e9).files)
    const budget = Math.floor(full / 4)
    const result = surround(files, heads, budget)
    const used = contextTokens(result.files)
    expect(used).toBeLessThanOrEqual(budget)
    expect(used).toBeGreaterThan(budget / 2)
    const k = most(result.files)
    expect(k).toBeLessThan(most(surround(files, heads, 1e9).files))
    // The kept lines are those next to the hunk: a before range ends right above it.
    for (const f of result.files) {
      for (const [h, c] of (f.context ?? []).entries()) {
        const hunk = f.hunks?.[h]
        if (c.before && hunk) {
          const end = c.before.start + c.before.lines.length - 1
          expect(end).toBeLessThan(hunk.newStart)
          expect(hunk.newStart - end).toBeLessThanOrEqual(2)
        }
      }
    }
  })

  it('leaves files as they are with no budget, or no file at head', () => {
    const none = surround(files, heads, 0)
    expect(none.files).toEqual(files)
    expect(none.hunks).toBe(0)
    const unread = prFile('src/unread.ts', '@@ -1 +1 @@\n-a\n+b')
    expect(surround([unread], heads, 1e9).files[0]).toBe(unread)
  })
})

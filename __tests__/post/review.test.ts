/**
 * The review as posted, rendered once: findings land inline only on lines the diff holds
 * (GitHub's 422 otherwise), the rest in the body; repeats are left out by fingerprint; what the
 * model wrote is sanitized; the all-in-the-body variant is rendered beside it.
 */
import { parseFindingMarker } from '../../src/post/markers.js'
import { buildReview, MAX_INLINE_COMMENTS } from '../../src/post/review.js'
import type { PrFile } from '../../src/pull-request.js'
import { HEAD_SHA } from '../emulators/constants.js'
import { cart, crossHunk, finding, offDiff, placed } from '../helpers/findings.js'

const ZWSP = '\u200B'
const files = (): Map<string, PrFile> => new Map([['cart.js', cart()]])

describe('buildReview', () => {
  it('anchors findings on added, deleted and context lines; the rest go to the body', () => {
    const review = buildReview([...offDiff, crossHunk, ...placed], files(), new Set(), HEAD_SHA)
    expect(review.comments.map((c) => [c.line, c.side, c.start_line, c.start_side])).toEqual([
      [4, 'RIGHT', undefined, undefined],
      [5, 'RIGHT', undefined, undefined],
      [12, 'LEFT', undefined, undefined],
      // A range across hunks shrinks to its last line.
      [22, 'RIGHT', undefined, undefined],
      [31, 'RIGHT', 28, 'RIGHT']
    ])
    expect(review).toMatchObject({ commitId: HEAD_SHA, findings: 9, inBody: 4, duplicates: 0 })
    const body = review.body
    expect(body).toContain('`cart.js` line 17 — Between hunks: A finding.')
    expect(body).toContain('`cart.js` line 20 (old) — Old line between hunks')
    expect(body).toContain('`src/unknown.ts` line 1')
    expect(body).toContain('`cart.js` line 0 — Line zero')
    expect(body).toMatch(/9 findings \(1 major, 8 minor\): 5 inline, 4 below\./)
    expect(body.trimEnd().split('\n').at(-1)).toBe(`<!-- keyless-pr-review:review ${HEAD_SHA} -->`)
  })

  it('suggests only on the RIGHT side, and only for the range the model meant', () => {
    const review = buildReview([...placed, crossHunk], files(), new Set(), HEAD_SHA)
    const body = (line: number): string => review.comments.find((c) => c.line === line)?.body ?? ''
    expect(body(5)).toContain('```suggestion\nconst MAX_QUANTITY = 100\n```')
    expect(body(12)).not.toContain('suggestion')
    expect(body(22)).not.toContain('suggestion')
    expect(body(5)).toMatch(/^\*\*🟡 Minor\*\* Added line\n\nA finding\./)
    expect(body(5)).toMatch(/\n\n<!-- keyless-pr-review:finding [0-9a-f]{12} -->$/)
  })

  it(`keeps at most ${MAX_INLINE_COMMENTS} inline comments, the most severe, the rest in the body`, () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      finding({ line: 34, title: `Nit ${i}`, severity: i === 59 ? 'critical' : 'nit' })
    )
    const review = buildReview(many, files(), new Set(), HEAD_SHA)
    expect(review.comments).toHaveLength(MAX_INLINE_COMMENTS)
    expect(review.comments[0]?.body).toContain('Critical')
    expect(review.inBody).toBe(10)
    expect(review.body).toContain(`Beyond the ${MAX_INLINE_COMMENTS} inline comments** (10)`)
  })

  it('leaves out findings already posted, and repeats within one run', () => {
    const first = buildReview(placed, files(), new Set(), HEAD_SHA)
    const posted = new Set(first.comments.map((c) => parseFindingMarker(c.body) ?? ''))
    expect(posted.size).toBe(4)
    const extra = finding({ line: 36, title: 'New this time' })
    const second = buildReview([...placed, extra, extra], files(), posted, HEAD_SHA)
    expect(second.comments.map((c) => c.line)).toEqual([36])
    expect(second).toMatchObject({ findings: 1, duplicates: 5 })
    expect(second.body).toContain('5 already posted, not repeated.')
    expect(buildReview(placed, files(), posted, HEAD_SHA).findings).toBe(0)
  })

  it('sanitizes what the model wrote: no pings, no bot commands', () => {
    const body = 'Ask @octocat about this.\n/review\n/approve please'
    const review = buildReview(
      [finding({ body, title: '@octocat /merge' }), finding({ line: 17, body })],
      files(),
      new Set(),
      HEAD_SHA
    )
    for (const text of [review.comments[0]?.body ?? '', review.body, review.bodyOnly]) {
      expect(text).toContain(`@${ZWSP}octocat`)
      expect(text).not.toMatch(/(^|[^\u200B])@octocat/)
      expect(text).not.toMatch(/^\s*\/(review|approve|merge)/m)
    }
  })

  it('renders the all-in-the-body variant for when GitHub refuses an inline line', () => {
    const review = buildReview([...placed, ...offDiff], files(), new Set(), HEAD_SHA)
    for (const f of [...placed, ...offDiff]) expect(review.bodyOnly).toContain(f.title)
    expect(review.bodyOnly).toContain('0 inline, 8 below')
    expect(review.bodyOnly.trimEnd().split('\n').at(-1)).toBe(
      `<!-- keyless-pr-review:review ${HEAD_SHA} -->`
    )
  })
})

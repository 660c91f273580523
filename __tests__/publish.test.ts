/**
 * Publishing against the GitHub emulator: findings land inline only where GitHub accepts
 * them (never a 422), the rest in the review body; re-runs repeat nothing; the summary is one
 * comment edited in place, never a human's; everything posted is sanitized.
 */
import { readFileSync } from 'node:fs'
import type { GitHubClient } from '../src/github/client.js'
import { parseSummaryMarker } from '../src/github/markers.js'
import {
  buildReview,
  MAX_INLINE_COMMENTS,
  postedFingerprints,
  postReview
} from '../src/github/publish.js'
import { renderSummary } from '../src/github/render.js'
import { findSummaryComment, upsertSummary } from '../src/github/summary.js'
import type { Finding } from '../src/review/schema.js'
import { readPullRequest, type PullRequest } from '../src/github/pull.js'
import { parsePatch, type FileDiff } from '../src/review/diff.js'
import { BASE_SHA, HEAD_SHA, OWNER, PR_NUMBER, REPO } from './emulators/constants.js'
import { addIssueComment, TOKEN_IDENTITY } from './emulators/github-state.js'
import type { World } from './emulators/world.js'
import { startInProcessWorld } from './helpers/in-process.js'

const repo = { owner: OWNER, repo: REPO }
const CART = readFileSync(new URL('./fixtures/patches/multi-hunk.patch', import.meta.url), 'utf8')
const ZWSP = '\u200B'
let world: World
let gh: GitHubClient

beforeAll(async () => {
  ;({ world, gh } = await startInProcessWorld())
})

beforeEach(() => {
  world.github.reset()
  world.github.pullRequest(PR_NUMBER).files.push({
    filename: 'cart.js',
    status: 'modified',
    patch: CART
  })
})

afterAll(async () => {
  await world.close()
})

async function prAndDiffs(): Promise<{ pr: PullRequest; diffs: Map<string, FileDiff> }> {
  const pr = await readPullRequest(gh, repo, PR_NUMBER)
  const diffs = new Map<string, FileDiff>()
  for (const f of world.github.pullRequest(PR_NUMBER).files) {
    const file = { ...f, additions: 0, deletions: 0, changes: 0, patch: f.patch ?? null }
    diffs.set(f.filename, parsePatch(file))
  }
  return { pr, diffs }
}

const finding = (over: Partial<Finding>): Finding => ({
  path: 'cart.js',
  line: 5,
  severity: 'minor',
  body: 'A finding.',
  ...over
})

// cart.js (multi-hunk.patch): hunks at new 2-15, 19-25, 28-38; old 2-18, 22-28, 31-37.
const placed = [
  finding({ line: 5, title: 'Added line', suggestion: 'const MAX_QUANTITY = 100' }),
  finding({ line: 12, side: 'LEFT', title: 'Deleted line', suggestion: 'nope' }),
  finding({ line: 4, title: 'Context line' }),
  finding({ line: 31, startLine: 28, title: 'Range in one hunk', severity: 'major' })
]
const offDiff = [
  finding({ line: 17, title: 'Between hunks' }),
  finding({ line: 20, side: 'LEFT', title: 'Old line between hunks' }),
  finding({ path: 'src/unknown.ts', line: 1, title: 'Not in the PR' }),
  finding({ line: 0, title: 'Line zero' })
]
const crossHunk = finding({ line: 22, startLine: 12, title: 'Across hunks', suggestion: 'x' })

const reviewPosts = (): { status: number; body: unknown }[] =>
  world.github.mutations.filter((m) => m.method === 'POST' && m.path.endsWith('/reviews'))

describe('buildReview', () => {
  it('anchors findings on added, deleted and context lines; the rest go to the body', async () => {
    const { diffs } = await prAndDiffs()
    const review = buildReview([...offDiff, crossHunk, ...placed], diffs, new Set(), HEAD_SHA)
    expect(review.comments.map((c) => [c.line, c.side, c.start_line, c.start_side])).toEqual([
      [4, 'RIGHT', undefined, undefined],
      [5, 'RIGHT', undefined, undefined],
      [12, 'LEFT', undefined, undefined],
      // A range across hunks shrinks to its last line.
      [22, 'RIGHT', undefined, undefined],
      [31, 'RIGHT', 28, 'RIGHT']
    ])
    expect(review.unanchored.map((f) => f.title)).toEqual([
      'Line zero',
      'Between hunks',
      'Old line between hunks',
      'Not in the PR'
    ])
    expect(review.body).toContain('`cart.js` line 17 — Between hunks: A finding.')
    expect(review.body).toContain('`src/unknown.ts` line 1')
    expect(review.body).toMatch(/9 findings \(1 major, 8 minor\): 5 inline, 4 below\./)
    expect(review.body.trimEnd().split('\n').at(-1)).toBe(
      `<!-- keyless-pr-review:review ${HEAD_SHA} -->`
    )
  })

  it('suggests only on the RIGHT side, and only for the range the model meant', async () => {
    const { diffs } = await prAndDiffs()
    const review = buildReview([...placed, crossHunk], diffs, new Set(), HEAD_SHA)
    const body = (line: number): string => review.comments.find((c) => c.line === line)?.body ?? ''
    expect(body(5)).toContain('```suggestion\nconst MAX_QUANTITY = 100\n```')
    expect(body(12)).not.toContain('suggestion')
    expect(body(22)).not.toContain('suggestion')
    expect(body(5)).toMatch(/^\*\*🟡 Minor\*\* Added line\n\nA finding\./)
    expect(body(5)).toMatch(/\n\n<!-- keyless-pr-review:finding [0-9a-f]{12} -->$/)
  })

  it(`keeps at most ${MAX_INLINE_COMMENTS} inline comments, the most severe, the rest in the body`, async () => {
    const { diffs } = await prAndDiffs()
    const many = Array.from({ length: 60 }, (_, i) =>
      finding({ line: 34, title: `Nit ${i}`, severity: i === 59 ? 'critical' : 'nit' })
    )
    const review = buildReview(many, diffs, new Set(), HEAD_SHA)
    expect(review.comments).toHaveLength(MAX_INLINE_COMMENTS)
    expect(review.comments[0]?.body).toContain('Critical')
    expect(review.overflow).toHaveLength(10)
    expect(review.body).toContain(`Beyond the ${MAX_INLINE_COMMENTS} inline comments** (10)`)
  })
})

describe('postReview', () => {
  it('never draws a 422, whatever lines the findings name', async () => {
    const { pr, diffs } = await prAndDiffs()
    const review = buildReview([...placed, ...offDiff, crossHunk], diffs, new Set(), pr.headSha)
    const posted = await postReview(gh, repo, pr, review, false)
    expect(posted).toMatchObject({ comments: 5, fallback: false, dryRun: false })
    expect(world.github.requests.every((r) => r.status < 400)).toBe(true)
    expect(reviewPosts()).toHaveLength(1)
    expect(reviewPosts()[0]?.body).toMatchObject({ event: 'COMMENT', commit_id: HEAD_SHA })
    const state = world.github.state
    expect(state.reviews).toEqual([
      expect.objectContaining({ id: posted?.id, event: 'COMMENT', user: TOKEN_IDENTITY })
    ])
    expect(state.reviewComments.map((c) => [c.path, c.line, c.side, c.startLine])).toEqual([
      ['cart.js', 4, 'RIGHT', undefined],
      ['cart.js', 5, 'RIGHT', undefined],
      ['cart.js', 12, 'LEFT', undefined],
      ['cart.js', 22, 'RIGHT', undefined],
      ['cart.js', 31, 'RIGHT', 28]
    ])
  })

  it('does not repeat findings already posted (two runs, no duplicate comment)', async () => {
    const { pr, diffs } = await prAndDiffs()
    const first = buildReview(
      placed,
      diffs,
      await postedFingerprints(gh, repo, pr.number),
      HEAD_SHA
    )
    await postReview(gh, repo, pr, first, false)
    const seen = await postedFingerprints(gh, repo, pr.number)
    expect(seen.size).toBe(4)
    const extra = finding({ line: 36, title: 'New this time' })
    const second = buildReview([...placed, extra], diffs, seen, HEAD_SHA)
    expect(second.duplicates).toBe(4)
    await postReview(gh, repo, pr, second, false)
    expect(world.github.state.reviewComments).toHaveLength(5)
    const again = buildReview(
      placed,
      diffs,
      await postedFingerprints(gh, repo, pr.number),
      HEAD_SHA
    )
    await expect(postReview(gh, repo, pr, again, false)).resolves.toBeUndefined()
    expect(reviewPosts()).toHaveLength(2)
  })

  it('ignores fingerprints in comments written by people', async () => {
    const { pr, diffs } = await prAndDiffs()
    const review = buildReview(placed.slice(0, 1), diffs, new Set(), HEAD_SHA)
    world.github.state.reviewComments.push({
      id: 1,
      reviewId: 1,
      pullNumber: PR_NUMBER,
      user: { login: 'octocat', type: 'User' },
      path: 'cart.js',
      line: 5,
      side: 'RIGHT',
      startLine: undefined,
      startSide: undefined,
      body: review.comments[0]?.body ?? '',
      commitId: HEAD_SHA,
      diffHunk: '',
      createdAt: '',
      updatedAt: ''
    })
    await expect(postedFingerprints(gh, repo, pr.number)).resolves.toEqual(new Set())
  })

  it('sanitizes what the model wrote: no pings, no bot commands', async () => {
    const { pr, diffs } = await prAndDiffs()
    const body = 'Ask @octocat about this.\n/review\n/approve please'
    const review = buildReview(
      [finding({ body, title: '@octocat /merge' }), finding({ line: 17, body })],
      diffs,
      new Set(),
      HEAD_SHA
    )
    await postReview(gh, repo, pr, review, false)
    const posted = [world.github.state.reviewComments[0]?.body, world.github.state.reviews[0]?.body]
    for (const text of posted) {
      expect(text).toContain(`@${ZWSP}octocat`)
      expect(text).not.toMatch(/(^|[^\u200B])@octocat/)
      expect(text).not.toMatch(/^\s*\/(review|approve|merge)/m)
    }
  })

  it('retries once with every finding in the body when GitHub still answers 422', async () => {
    const { pr, diffs } = await prAndDiffs()
    world.github.state.refuseReviews = 1
    const review = buildReview([...placed, ...offDiff], diffs, new Set(), HEAD_SHA)
    const posted = await postReview(gh, repo, pr, review, false)
    expect(posted).toMatchObject({ comments: 0, fallback: true })
    expect(reviewPosts().map((m) => m.status)).toEqual([422, 200])
    expect(reviewPosts()[1]?.body).toMatchObject({ comments: [] })
    const stored = world.github.state
    expect(stored.reviews).toHaveLength(1)
    expect(stored.reviewComments).toHaveLength(0)
    for (const f of [...placed, ...offDiff]) expect(stored.reviews[0]?.body).toContain(f.title)
    expect(stored.reviews[0]?.body).toContain('0 inline, 8 below')
  })

  it('posts nothing in a dry run and returns what it would post', async () => {
    const { pr, diffs } = await prAndDiffs()
    const review = buildReview(placed, diffs, new Set(), HEAD_SHA)
    const posted = await postReview(gh, repo, pr, review, true)
    expect(posted).toMatchObject({ id: undefined, dryRun: true, comments: 4 })
    expect(posted?.request.comments).toHaveLength(4)
    expect(world.github.mutations).toEqual([])
  })
})

describe('the emulated review API', () => {
  const post = async (body: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(
      `${world.urls.githubApiUrl}/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/reviews`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${world.githubToken}` },
        body: JSON.stringify(body)
      }
    )
    return { status: res.status, json: await res.json() }
  }

  it('fails the whole review on one unresolvable line, storing nothing', async () => {
    const good = { path: 'cart.js', line: 5, side: 'RIGHT', body: 'ok' }
    for (const bad of [
      { path: 'cart.js', line: 17, side: 'RIGHT', body: 'between hunks' },
      { path: 'cart.js', line: 20, side: 'LEFT', body: 'old line between hunks' },
      { path: 'cart.js', line: 39, side: 'RIGHT', body: 'past the last hunk' },
      { path: 'cart.js', line: 5, start_line: 5, side: 'RIGHT', body: 'empty range' },
      { path: 'cart.js', line: 22, start_line: 12, side: 'RIGHT', body: 'across hunks' },
      { path: 'nope.js', line: 1, side: 'RIGHT', body: 'unknown path' }
    ]) {
      const answer = await post({ event: 'COMMENT', body: 'x', comments: [good, bad] })
      expect(answer).toEqual({
        status: 422,
        json: {
          message: 'Unprocessable Entity',
          errors: ['Line could not be resolved'],
          documentation_url:
            'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
          status: '422'
        }
      })
    }
    expect(world.github.state.reviews).toEqual([])
    expect(world.github.state.reviewComments).toEqual([])
    expect((await post({ event: 'COMMENT', body: 'x'.repeat(65_537) })).status).toBe(422)
    expect((await post({ event: 'MERGE', body: 'x' })).status).toBe(422)
    expect((await post({ event: 'COMMENT', body: 'x', comments: [good] })).status).toBe(200)
  })
})

describe('summary comment', () => {
  const state = { head: HEAD_SHA, base: BASE_SHA }
  const issueComments = (): { user: { login: string }; body: string }[] =>
    world.github.state.issueComments

  it('is created once, then edited in place', async () => {
    const first = await upsertSummary(gh, repo, PR_NUMBER, 'First.', state, false)
    expect(first.action).toBe('created')
    const later = { head: 'c'.repeat(40), base: BASE_SHA }
    const second = await upsertSummary(gh, repo, PR_NUMBER, 'Second.', later, false)
    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(issueComments()).toHaveLength(1)
    expect(issueComments()[0]?.body).toMatch(/^Second\.\n\n<!-- keyless-pr-review:summary /)
    expect(await findSummaryComment(gh, repo, PR_NUMBER)).toMatchObject({ state: later })
    const third = await upsertSummary(gh, repo, PR_NUMBER, 'Second.', later, false)
    expect(third.action).toBe('unchanged')
    expect(world.github.mutations.map((m) => m.method)).toEqual(['POST', 'PATCH'])
  })

  it('never edits a human’s comment that quotes our marker', async () => {
    const ours = await upsertSummary(gh, repo, PR_NUMBER, 'Summary.', state, true)
    const human = addIssueComment(world.github.state, {
      issueNumber: PR_NUMBER,
      body: ours.body,
      user: { login: 'octocat', type: 'User' }
    })
    expect(parseSummaryMarker(human.body)).toEqual(state)
    await upsertSummary(gh, repo, PR_NUMBER, 'Summary.', state, false)
    await upsertSummary(gh, repo, PR_NUMBER, 'Updated.', state, false)
    expect(human.body).toBe(ours.body)
    expect(world.github.mutations.some((m) => m.path.endsWith(`/comments/${human.id}`))).toBe(false)
    expect(issueComments().map((c) => c.user.login)).toEqual(['octocat', 'github-actions[bot]'])
  })

  it('keeps our collapsible list live and sanitizes what the model wrote', async () => {
    const markdown = renderSummary({
      overview: 'Thanks @octocat!\n<details><summary>hidden</summary>x</details>\n/approve',
      walkthrough: [{ path: 'src/a|b.ts', change: 'Adds | pipes and @hubot' }],
      notReviewed: [{ path: 'dist/index.js', reason: 'generated' }],
      reviewedHead: HEAD_SHA,
      usage: { requests: 2, promptTokens: 12345, completionTokens: 678 }
    })
    const { body } = await upsertSummary(gh, repo, PR_NUMBER, markdown, state, false)
    expect(body).toContain('\n<details>\n<summary>Not reviewed (1)</summary>\n')
    expect(body).toContain('- dist/index.js: generated')
    expect(body).toContain(`<${ZWSP}details>`)
    expect(body).toContain(`@${ZWSP}octocat`)
    expect(body).toContain('| src/a\\|b.ts | Adds \\| pipes and @\u200Bhubot |')
    expect(body).not.toMatch(/^\/approve/m)
    expect(body).toContain(
      '_Reviewed up to a3f1c2d · this summary: 2 model requests, 12,345 prompt and 678 completion tokens._'
    )
  })

  it('stays within GitHub’s limit by dropping whole table rows', () => {
    const walkthrough = Array.from({ length: 3000 }, (_, i) => ({
      path: `src/module-${i}/index.ts`,
      change: 'Reworks the module. '.repeat(10)
    }))
    const notReviewed = walkthrough.map((w) => ({ path: w.path, reason: 'over the token budget' }))
    const text = renderSummary({
      overview: 'x'.repeat(70_000),
      walkthrough,
      notReviewed,
      reviewedHead: HEAD_SHA
    })
    expect(text.length).toBeLessThan(65_536 - 200)
    expect(text).toMatch(/\n\| … and \d+ more files \| \|\n/)
    expect(text).toMatch(/\n- … and \d+ more\n/)
    expect(text).toContain('<summary>Not reviewed (3000)</summary>')
  })
})

/**
 * Reviews against the GitHub emulator, which refuses a review with one unresolvable line (422)
 * as GitHub does: a rendered review lands whole, findings we posted before are recognised by
 * our identity, a 422 is answered with the same review, every finding in its body, and a
 * review is posted at most once per head by runs that overlap, or after a 502 that stored it.
 */
import type { GitHubClient } from '../../src/github/client.js'
import { tokenIdentity, type Identity } from '../../src/github/identity.js'
import {
  ourReviews,
  postedFingerprints,
  postReview,
  type ReviewTarget
} from '../../src/github/reviews.js'
import { buildReview } from '../../src/post/review.js'
import type { PrFile } from '../../src/pull-request.js'
import { HEAD_SHA, OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import { addReviewComment, TOKEN_IDENTITY } from '../emulators/github-state.js'
import type { World } from '../emulators/world.js'
import { cart, CART_PATCH, crossHunk, offDiff, placed } from '../helpers/findings.js'
import { startInProcessWorld } from '../helpers/in-process.js'

const repo = { owner: OWNER, repo: REPO }
let world: World
let gh: GitHubClient
let us: Identity
/** A run that began before any review of ours. */
let fresh: ReviewTarget

beforeAll(async () => {
  ;({ world, gh } = await startInProcessWorld())
  us = await tokenIdentity(gh)
  fresh = { identity: us, reviews: [] }
})

beforeEach(() => {
  world.github.reset()
  world.github.pullRequest(PR_NUMBER).files.push({
    filename: 'cart.js',
    status: 'modified',
    patch: CART_PATCH
  })
})

afterAll(async () => {
  await world.close()
})

const files = (): Map<string, PrFile> => new Map([['cart.js', cart()]])
const reviewPosts = () =>
  world.github.mutations.filter((m) => m.method === 'POST' && m.path.endsWith('/reviews'))

describe('postReview', () => {
  it('never draws a 422, whatever lines the findings name', async () => {
    const review = buildReview([...placed, ...offDiff, crossHunk], files(), new Set(), HEAD_SHA)
    const posted = await postReview(gh, repo, PR_NUMBER, review, fresh)
    expect(posted).toMatchObject({ comments: 5, bodyOnly: false, byAnotherRun: false })
    expect(world.github.requests.every((r) => r.status < 400)).toBe(true)
    expect(reviewPosts()).toHaveLength(1)
    expect(reviewPosts()[0]?.body).toMatchObject({
      event: 'COMMENT',
      commit_id: HEAD_SHA,
      body: review.body
    })
    const state = world.github.state
    expect(state.reviews).toEqual([
      expect.objectContaining({ id: posted.id, event: 'COMMENT', user: TOKEN_IDENTITY })
    ])
    expect(state.reviewComments.map((c) => [c.path, c.line, c.side, c.startLine, c.body])).toEqual(
      review.comments.map((c) => [c.path, c.line, c.side, c.start_line, c.body])
    )
  })

  it('posts the same review with every finding in its body when GitHub answers 422', async () => {
    world.github.state.refuseReviews = 1
    const review = buildReview([...placed, ...offDiff], files(), new Set(), HEAD_SHA)
    const posted = await postReview(gh, repo, PR_NUMBER, review, fresh)
    expect(posted).toMatchObject({ comments: 0, bodyOnly: true })
    expect(reviewPosts().map((m) => m.status)).toEqual([422, 200])
    expect(reviewPosts()[1]?.body).toMatchObject({ comments: [], body: review.bodyOnly })
    const stored = world.github.state
    expect(stored.reviews).toHaveLength(1)
    expect(stored.reviewComments).toHaveLength(0)
  })

  it('marks a refusal other than 422 with what it was doing, for the diagnosis', async () => {
    const review = buildReview(placed, files(), new Set(), HEAD_SHA)
    const error = await postReview(gh, repo, 999, review, fresh).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'StageError', stage: 'github' })
  })

  it('posts none when a run beside this one posted the review of this head since the run began', async () => {
    const review = buildReview(placed, files(), new Set(), HEAD_SHA)
    const beside = await postReview(gh, repo, PR_NUMBER, review, fresh)
    const posted = await postReview(gh, repo, PR_NUMBER, review, fresh)
    expect(posted).toEqual({ id: beside.id, comments: 0, bodyOnly: false, byAnotherRun: true })
    expect(reviewPosts()).toHaveLength(1)
  })

  it('adds to a review of the same head an earlier run posted (a /review, a re-run)', async () => {
    const review = buildReview(placed.slice(0, 1), files(), new Set(), HEAD_SHA)
    const earlier = await postReview(gh, repo, PR_NUMBER, review, fresh)
    const later = buildReview(placed.slice(1), files(), new Set(), HEAD_SHA)
    const posted = await postReview(gh, repo, PR_NUMBER, later, {
      identity: us,
      reviews: [earlier.id]
    })
    expect(posted.byAnotherRun).toBe(false)
    expect(world.github.state.reviews).toHaveLength(2)
  })

  it.each(['stored-then-502', 'stored-then-reset'] as const)(
    'looks before it posts again when GitHub answers %s: exactly one review',
    async (fault) => {
      world.github.writeFaults.push({ method: 'POST', path: /\/pulls\/\d+\/reviews$/, fault })
      const review = buildReview(placed, files(), new Set(), HEAD_SHA)
      const posted = await postReview(gh, repo, PR_NUMBER, review, fresh)
      const state = world.github.state
      expect(state.reviews.map((r) => r.id)).toEqual([posted.id])
      expect(state.reviewComments).toHaveLength(review.comments.length)
      expect(reviewPosts()).toHaveLength(1)
    }
  )

  it('posts again, once, when GitHub answered 502 and stored nothing', async () => {
    world.github.writeFaults.push({
      method: 'POST',
      path: /\/pulls\/\d+\/reviews$/,
      fault: 'server-error'
    })
    const review = buildReview(placed, files(), new Set(), HEAD_SHA)
    await postReview(gh, repo, PR_NUMBER, review, fresh)
    expect(reviewPosts().map((m) => m.status)).toEqual([502, 200])
    expect(world.github.state.reviews).toHaveLength(1)
  })
})

describe('ourReviews', () => {
  it('lists the reviews our identity posted with our marker, and the head each reviewed', async () => {
    const review = buildReview(placed, files(), new Set(), HEAD_SHA)
    const posted = await postReview(gh, repo, PR_NUMBER, review, fresh)
    // Another bot's review with a copy of our marker is not ours.
    const [stored] = world.github.state.reviews
    if (!stored) throw new Error('not stored')
    world.github.state.reviews.push({
      ...stored,
      id: 1,
      user: { login: 'renovate[bot]', type: 'Bot' }
    })
    await expect(ourReviews(gh, repo, PR_NUMBER, us)).resolves.toEqual([
      { id: posted.id, head: HEAD_SHA }
    ])
  })
})

describe('postedFingerprints', () => {
  it('reads the fingerprints of findings a bot posted, so a re-run repeats none', async () => {
    const first = buildReview(placed, files(), new Set(), HEAD_SHA)
    await postReview(gh, repo, PR_NUMBER, first, fresh)
    const seen = await postedFingerprints(gh, repo, PR_NUMBER, us)
    expect(seen.size).toBe(4)
    expect(buildReview(placed, files(), seen, HEAD_SHA).findings).toBe(0)
  })

  it('ignores fingerprints in comments written by people and by other bots', async () => {
    const review = buildReview(placed.slice(0, 1), files(), new Set(), HEAD_SHA)
    for (const user of [
      { login: 'octocat', type: 'User' as const },
      { login: 'renovate[bot]', type: 'Bot' as const }
    ]) {
      addReviewComment(world.github.state, {
        pullNumber: PR_NUMBER,
        user,
        path: 'cart.js',
        line: 5,
        body: review.comments[0]?.body ?? ''
      })
    }
    await expect(postedFingerprints(gh, repo, PR_NUMBER, us)).resolves.toEqual(new Set())
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

  it('accepts comments on every line the diff holds, on both sides', async () => {
    const comments = [
      ...[...Array(14).keys()].map((i) => ({ path: 'cart.js', line: 2 + i, side: 'RIGHT' })),
      ...[...Array(7).keys()].map((i) => ({ path: 'cart.js', line: 31 + i, side: 'LEFT' }))
    ].map((c) => ({ ...c, body: 'ok' }))
    expect((await post({ event: 'COMMENT', body: 'x', comments })).status).toBe(200)
  })
})

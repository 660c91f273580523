/**
 * Reviews on GitHub: the fingerprints of findings we posted before, our reviews and the head
 * each reviewed, and posting one rendered review (post/review.ts), event COMMENT: model output
 * never approves nor requests changes. Ours means written by github-token's identity and
 * holding our marker; at most one review per head comes from runs that overlap.
 */
import * as core from '@actions/core'
import { errorText, httpStatus } from '../errors.js'
import { count, shortSha } from '../format.js'
import { parseFindingMarker, parseReviewMarker } from '../post/markers.js'
import type { ReviewDraft } from '../post/review.js'
import type { RepoRef } from '../pull-request.js'
import { calling, createOnce } from './calling.js'
import type { GitHubClient } from './client.js'
import { isOurs, type Identity } from './identity.js'

/** Fingerprints of the findings we posted before, from our review comments. */
export async function postedFingerprints(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  identity: Identity
): Promise<Set<string>> {
  return calling(`read the review comments of pull request #${prNumber}`, async () => {
    const comments = []
    for await (const page of gh.paginate.iterator(gh.rest.pulls.listReviewComments, {
      ...repo,
      pull_number: prNumber,
      per_page: 100
    })) {
      comments.push(...page.data)
    }
    return fingerprintsAmong(comments, identity)
  })
}

interface Authored {
  readonly body: string | null
  readonly user: { readonly login: string } | null
}

/** The fingerprints in the finding markers of our comments among `comments`. */
export function fingerprintsAmong(comments: readonly Authored[], identity: Identity): Set<string> {
  const found = new Set<string>()
  for (const c of comments) {
    if (!isOurs(identity, c.user)) continue
    const fp = parseFindingMarker(c.body ?? '')
    if (fp) found.add(fp)
  }
  return found
}

export interface OurReview {
  readonly id: number
  /** The head its marker says it reviewed. */
  readonly head: string
}

/** Our reviews of the pull request, oldest first. */
export async function ourReviews(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  identity: Identity
): Promise<OurReview[]> {
  return calling(`read the reviews of pull request #${prNumber}`, async () => {
    const reviews = []
    for await (const page of gh.paginate.iterator(gh.rest.pulls.listReviews, {
      ...repo,
      pull_number: prNumber,
      per_page: 100
    })) {
      reviews.push(...page.data)
    }
    return reviewsAmong(reviews, identity)
  })
}

/** Ours among `reviews` (oldest first): by our identity, with our marker and the head it names. */
export function reviewsAmong(
  reviews: readonly (Authored & { readonly id: number })[],
  identity: Identity
): OurReview[] {
  const found: OurReview[] = []
  for (const r of reviews) {
    const head = isOurs(identity, r.user) ? parseReviewMarker(r.body ?? '') : undefined
    if (head) found.push({ id: r.id, head })
  }
  return found
}

/** Whom the review is posted as, and what was there when the run began. */
export interface ReviewTarget {
  readonly identity: Identity
  /**
   * Our reviews when the run began. One of the same head among them is an earlier run's (a
   * `/review` or a re-run adds to it); one of the same head not among them was posted by a run
   * beside this one since, and this run posts none.
   */
  readonly reviews: readonly number[]
}

export interface PostedReview {
  readonly id: number
  /** Inline comments posted. */
  readonly comments: number
  /** GitHub refused an inline line and every finding went into the body instead. */
  readonly bodyOnly: boolean
  /** A run beside this one had posted the review of this head: this run posted none. */
  readonly byAnotherRun: boolean
}

/**
 * Posts the review on the head its findings were anchored against, unless a run beside this
 * one did since the run began. GitHub checks every inline line and fails the whole review (422)
 * on one it cannot resolve; we anchor only to lines of the diff, so a 422 means the PR moved on
 * mid-run: the same review is posted again with every finding in the body (all or nothing,
 * never half). A create whose answer was lost is looked for before it is sent again. `now`: our
 * reviews as they are just before posting, when they were read with the pull request.
 */
export async function postReview(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  draft: ReviewDraft,
  target: ReviewTarget,
  now?: readonly OurReview[]
): Promise<PostedReview> {
  const beside = (reviews: readonly OurReview[]): { id: number } | undefined =>
    reviews.find((r) => r.head === draft.commitId && !target.reviews.includes(r.id))
  const besideUs = async (): Promise<{ id: number } | undefined> =>
    beside(await ourReviews(gh, repo, prNumber, target.identity))
  const create = (body: string, comments: ReviewDraft['comments']) =>
    createOnce(
      'the review',
      async () => {
        const { data } = await gh.rest.pulls.createReview({
          ...repo,
          pull_number: prNumber,
          commit_id: draft.commitId,
          event: 'COMMENT',
          body,
          comments: [...comments]
        })
        return { id: data.id }
      },
      besideUs
    )
  return calling('post the review', async () => {
    const posted = now ? beside(now) : await besideUs()
    if (posted) {
      core.info(
        `A run beside this one posted review ${posted.id} on ${shortSha(draft.commitId)}: this run posts none.`
      )
      return { id: posted.id, comments: 0, bodyOnly: false, byAnotherRun: true }
    }
    const inline = count(draft.comments.length, 'inline comment')
    try {
      const { id } = await create(draft.body, draft.comments)
      core.info(`Posted review ${id} with ${inline}.`)
      return { id, comments: draft.comments.length, bodyOnly: false, byAnotherRun: false }
    } catch (error) {
      if (httpStatus(error) !== 422 || draft.comments.length === 0) throw error
      core.warning(
        `GitHub refused the inline comments (${errorText(error)}); posting every finding in the review body instead.`
      )
      const { id } = await create(draft.bodyOnly, [])
      core.info(`Posted review ${id} with all findings in its body.`)
      return { id, comments: 0, bodyOnly: true, byAnotherRun: false }
    }
  })
}

/**
 * What a run posts, at most once, each post just after the pull request is looked at again
 * (closed, or moved on to another head: not posted): the review as soon as every part has
 * answered, the summary once the overview is written; or, in a dry run, what would be posted,
 * shown in the log.
 */
import * as core from '@actions/core'
import { count, shortSha } from '../format.js'
import { calling, graphqlErrors } from '../github/calling.js'
import type { GitHubClient } from '../github/client.js'
import {
  currentSummary,
  postSummary,
  summaryAmong,
  type PostedComment
} from '../github/comments.js'
import { readPullRequest } from '../github/pull.js'
import { readPullState, type PullState } from '../github/pull-state.js'
import { postReview, reviewsAmong, type ReviewTarget } from '../github/reviews.js'
import type { ReviewDraft } from '../post/review.js'
import type { PullRequest, RepoRef } from '../pull-request.js'
import type { Snapshot } from './snapshot.js'
import { logUntrusted } from './untrusted-log.js'

/** What a run posted, or in a dry run would have posted: the exact text, rendered once. */
export interface Posts {
  readonly summary?: {
    readonly body: string
    readonly url?: string
    /** What became of our comment; undefined in a dry run. */
    readonly action?: PostedComment['action']
  }
  readonly review?: {
    readonly draft: ReviewDraft
    /** The posted review's id and page; undefined in a dry run. */
    readonly id?: number
    readonly url?: string
    /** Inline comments that landed (0 when GitHub refused them and the body holds them all). */
    readonly inline: number
    /** GitHub refused an inline line, so `draft.bodyOnly` was posted instead. */
    readonly bodyOnly: boolean
    /** A run beside this one posted the review of this head (`id`): this run posted none. */
    readonly byAnotherRun?: boolean
  }
  /** Why nothing (or not the summary) was posted: the pull request closed or moved on meanwhile. */
  readonly notPosted?: string
}

export interface Destination {
  readonly github: GitHubClient
  readonly repo: RepoRef
  readonly as: ReviewTarget
}

/**
 * Posts what the run has to post: the review (posting already, or now) and then the summary,
 * after looking at the pull request again (once for both when neither is posted yet). A failed
 * review fails the run before the summary is posted, so that its state never claims files whose
 * findings were not posted.
 */
export async function publish(
  to: Destination,
  snapshot: Snapshot,
  summaryBody: string | undefined,
  draft: ReviewDraft | undefined,
  posting: Promise<ReviewPosted> | undefined,
  looked?: Promise<Now>
): Promise<Posts> {
  let reviewed: ReviewPosted | undefined = posting ? await posting : undefined
  if (summaryBody === undefined && draft && !reviewed) {
    reviewed = await publishReview(to, snapshot, draft)
  }
  let summary: Posts['summary']
  let notPosted = reviewed?.notPosted
  if (summaryBody !== undefined) {
    const now = await (looked ??
      lookAgain(to, snapshot.pr.number, { comments: true, reviews: !reviewed && !!draft }))
    const moved = movedOn(
      now.pr,
      snapshot.pr,
      reviewed?.review ? 'the summary not posted' : 'nothing posted'
    )
    if (moved) {
      core.info(moved)
      notPosted = moved
    } else {
      // The review before the summary whose state claims its files: should the review fail,
      // the run fails with the summary as it was, and the next run reviews those files again.
      if (draft && !reviewed) reviewed = await publishReview(to, snapshot, draft, now)
      const number = snapshot.pr.number
      const current = now.comments
        ? summaryAmong(now.comments, to.as.identity)
        : await currentSummary(to.github, to.repo, number, snapshot.summaryComment, to.as.identity)
      const posted = await postSummary(
        to.github,
        to.repo,
        number,
        summaryBody,
        current,
        to.as.identity
      )
      summary = { body: summaryBody, url: posted.url, action: posted.action }
    }
  }
  const review = reviewed?.review
  return {
    ...(summary ? { summary } : {}),
    ...(review ? { review } : {}),
    ...(notPosted ? { notPosted } : {})
  }
}

export interface ReviewPosted {
  readonly review?: Posts['review']
  readonly notPosted?: string
}

/** The review, unless the pull request closed or moved on; `now`: the pull request as just read. */
export async function publishReview(
  to: Destination,
  snapshot: Snapshot,
  draft: ReviewDraft,
  read?: Now
): Promise<ReviewPosted> {
  if (draft.findings === 0) {
    core.info(nothingToSay(draft))
    return {}
  }
  const now = read ?? (await lookAgain(to, snapshot.pr.number, { comments: false, reviews: true }))
  const moved = movedOn(now.pr, snapshot.pr, 'nothing posted')
  if (moved) {
    core.info(moved)
    return { notPosted: moved }
  }
  const posted = await postReview(
    to.github,
    to.repo,
    snapshot.pr.number,
    draft,
    to.as,
    now.reviews ? reviewsAmong(now.reviews, to.as.identity) : undefined
  )
  return {
    review: {
      draft,
      id: posted.id,
      url: `${snapshot.pr.htmlUrl}#pullrequestreview-${String(posted.id)}`,
      inline: posted.comments,
      bodyOnly: posted.bodyOnly,
      byAnotherRun: posted.byAnotherRun
    }
  }
}

/** The pull request as it is now, with our comments and reviews as asked. */
type Now = Pick<PullState, 'pr' | 'comments' | 'reviews'>

/**
 * The look before the summary, begun as soon as the model has answered: it is under way while
 * the summary is rendered (a tenth of a second at 3,000 files), and still within a round trip
 * of the post. With it, the lists that posting after it reads: our comments, and our reviews
 * when the review is posted from it too (no review was posted while the overview was composed).
 */
export function lookBeforeSummary(
  to: Destination,
  number: number,
  review: { readonly draft: boolean; readonly posting: boolean }
): Promise<Now> {
  const looked = lookAgain(to, number, {
    comments: true,
    reviews: review.draft && !review.posting
  })
  // Told where publish awaits it; not when the review failed first and the summary is not posted.
  looked.catch(() => undefined)
  return looked
}

/**
 * The pull request read again just before posting, in one GraphQL query with the lists
 * posting looks in (our summary comment, our reviews); by REST when GraphQL refuses it, the
 * lists then read by the posting itself.
 */
async function lookAgain(
  to: Destination,
  number: number,
  lists: { readonly comments: boolean; readonly reviews: boolean }
): Promise<Now> {
  try {
    return await calling(`read pull request #${number}`, () =>
      readPullState(to.github, to.repo, number, lists)
    )
  } catch (error) {
    if (!graphqlErrors((error as { cause?: unknown }).cause)) throw error
    return { pr: await readPullRequest(to.github, to.repo, number) }
  }
}

/**
 * Why something is not posted: the pull request was closed, or its head moved on (a push, a
 * force-push), while the model worked. Neither the review nor the summary's state may speak of
 * a head that is no longer the pull request's; the run for the new head reviews it.
 */
function movedOn(now: PullRequest, pr: PullRequest, what: string): string | undefined {
  if (now.state !== 'open') {
    return `Pull request #${pr.number} was ${now.state} while the model worked: ${what}.`
  }
  if (now.headSha !== pr.headSha) {
    return `Pull request #${pr.number} moved from ${shortSha(pr.headSha)} to ${shortSha(now.headSha)} while the model worked: ${what}; the run for ${shortSha(now.headSha)} reviews it.`
  }
  return undefined
}

/** A dry run's log shows exactly what would be posted. */
export function show(summaryBody: string | undefined, draft: ReviewDraft | undefined): Posts {
  if (summaryBody !== undefined) {
    logUntrusted('The summary comment:', summaryBody)
  }
  if (draft && draft.findings > 0) {
    logUntrusted(
      `A review on ${shortSha(draft.commitId)} with ${count(draft.comments.length, 'inline comment')}; its body:`,
      draft.body
    )
    for (const c of draft.comments) {
      logUntrusted(`Inline comment on ${c.path} line ${c.line} (${c.side}):`, c.body)
    }
  } else if (draft) {
    core.info(nothingToSay(draft))
  }
  return {
    ...(summaryBody !== undefined ? { summary: { body: summaryBody } } : {}),
    ...(draft && draft.findings > 0
      ? { review: { draft, inline: draft.comments.length, bodyOnly: false } }
      : {})
  }
}

function nothingToSay(draft: ReviewDraft): string {
  const already =
    draft.duplicates > 0 ? ` (${count(draft.duplicates, 'finding')} already posted)` : ''
  return `Review: nothing new to say${already}; no review posted.`
}

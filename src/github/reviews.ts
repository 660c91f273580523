/**
 * Reviews on GitHub: the fingerprints of findings posted before, and posting one rendered
 * review (post/review.ts), event COMMENT: model output never approves nor requests changes.
 */
import * as core from '@actions/core'
import { errorText, httpStatus } from '../errors.js'
import { count } from '../format.js'
import { parseFindingMarker } from '../post/markers.js'
import type { ReviewDraft } from '../post/review.js'
import type { RepoRef } from '../pull-request.js'
import { calling } from './calling.js'
import type { GitHubClient } from './client.js'

/** Fingerprints of the findings we posted before, from bots' review comments. */
export async function postedFingerprints(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number
): Promise<Set<string>> {
  const found = new Set<string>()
  await calling(`read the review comments of pull request #${prNumber}`, async () => {
    for await (const page of gh.paginate.iterator(gh.rest.pulls.listReviewComments, {
      ...repo,
      pull_number: prNumber,
      per_page: 100
    })) {
      for (const c of page.data) {
        if (c.user.type !== 'Bot') continue
        const fp = parseFindingMarker(c.body)
        if (fp) found.add(fp)
      }
    }
  })
  return found
}

export interface PostedReview {
  readonly id: number
  /** Inline comments posted. */
  readonly comments: number
  /** GitHub refused an inline line and every finding went into the body instead. */
  readonly bodyOnly: boolean
}

/**
 * Posts the review on the head its findings were anchored against. GitHub checks every inline
 * line and fails the whole review (422) on one it cannot resolve; we anchor only to lines of
 * the diff, so a 422 means the PR moved on mid-run: the same review is posted again with every
 * finding in the body (all or nothing, never half).
 */
export async function postReview(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  draft: ReviewDraft
): Promise<PostedReview> {
  const create = (body: string, comments: ReviewDraft['comments']) =>
    gh.rest.pulls.createReview({
      ...repo,
      pull_number: prNumber,
      commit_id: draft.commitId,
      event: 'COMMENT',
      body,
      comments: [...comments]
    })
  return calling('post the review', async () => {
    const inline = count(draft.comments.length, 'inline comment')
    try {
      const { data } = await create(draft.body, draft.comments)
      core.info(`Posted review ${data.id} with ${inline}.`)
      return { id: data.id, comments: draft.comments.length, bodyOnly: false }
    } catch (error) {
      if (httpStatus(error) !== 422 || draft.comments.length === 0) throw error
      core.warning(
        `GitHub refused the inline comments (${errorText(error)}); posting every finding in the review body instead.`
      )
      const { data } = await create(draft.bodyOnly, [])
      core.info(`Posted review ${data.id} with all findings in its body.`)
      return { id: data.id, comments: 0, bodyOnly: true }
    }
  })
}

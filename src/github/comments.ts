/**
 * The sticky summary comment: found again by the state marker at its end and edited in place.
 * Only a bot's comment is ever ours; a human quoting the marker is left alone.
 */
import * as core from '@actions/core'
import type { RepoRef } from '../pull-request.js'
import { parseSummaryMarker, type SummaryState } from '../post/markers.js'
import { calling } from './calling.js'
import type { GitHubClient } from './client.js'

export interface SummaryComment {
  readonly id: number
  readonly state: SummaryState
  readonly body: string
  readonly url: string
}

/** Our summary comment: written by a bot and ending in our summary marker. */
export async function findSummaryComment(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number
): Promise<SummaryComment | undefined> {
  return calling(`read the comments of pull request #${prNumber}`, async () => {
    for await (const page of gh.paginate.iterator(gh.rest.issues.listComments, {
      ...repo,
      issue_number: prNumber,
      per_page: 100
    })) {
      for (const c of page.data) {
        // A human quoting our marker must never have their comment taken over.
        if (c.user?.type !== 'Bot') continue
        const state = parseSummaryMarker(c.body ?? '')
        if (state) return { id: c.id, state, body: c.body ?? '', url: c.html_url }
      }
    }
    return undefined
  })
}

export interface PostedComment {
  readonly id: number
  readonly url: string
  readonly action: 'created' | 'updated' | 'unchanged'
}

/** Posts `body` as the summary: edits `existing` (found when the run began) or creates it. */
export async function upsertSummary(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  body: string,
  existing: SummaryComment | undefined
): Promise<PostedComment> {
  if (existing?.body === body) {
    core.info(`Summary comment ${existing.id} is already up to date.`)
    return { id: existing.id, url: existing.url, action: 'unchanged' }
  }
  return calling('post the summary comment', async () => {
    if (existing) {
      const { data } = await gh.rest.issues.updateComment({
        ...repo,
        comment_id: existing.id,
        body
      })
      core.info(`Updated the summary comment ${data.id}.`)
      return { id: data.id, url: data.html_url, action: 'updated' }
    }
    const { data } = await gh.rest.issues.createComment({ ...repo, issue_number: prNumber, body })
    core.info(`Created the summary comment ${data.id}.`)
    return { id: data.id, url: data.html_url, action: 'created' }
  })
}

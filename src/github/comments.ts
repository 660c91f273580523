/**
 * The sticky summary comment: ours (written by github-token's identity) and holding our summary
 * marker, edited in place, at most one per pull request. A comment anyone else wrote is never
 * taken for ours, whatever it holds; what people typed into ours is kept.
 */
import * as core from '@actions/core'
import { httpStatus } from '../errors.js'
import { readSummaryMarker, type SummaryState } from '../post/markers.js'
import { mergeSummary } from '../post/summary.js'
import type { RepoRef } from '../pull-request.js'
import { calling, createOnce } from './calling.js'
import type { GitHubClient } from './client.js'
import { isOurs, type Identity } from './identity.js'

export interface SummaryComment {
  readonly id: number
  readonly state: SummaryState
  /** The body as GitHub has it: people may have typed notes around our text. */
  readonly body: string
  readonly url: string
}

interface IssueComment {
  readonly id: number
  readonly body?: string | undefined
  readonly html_url: string
  readonly user: { readonly login: string } | null
}

/** Our summary comment: the first comment by `identity` holding our summary marker. */
export async function findSummaryComment(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  identity: Identity
): Promise<SummaryComment | undefined> {
  return (await ourSummaries(gh, repo, prNumber, identity))[0]
}

/** Our summary comment among the comments of a pull request, in the order GitHub lists them. */
export function summaryAmong(
  comments: readonly IssueComment[],
  identity: Identity
): SummaryComment | undefined {
  for (const c of comments) {
    const summary = ourSummary(c, identity)
    if (summary) return summary
  }
  return undefined
}

async function ourSummaries(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  identity: Identity
): Promise<SummaryComment[]> {
  return calling(`read the comments of pull request #${prNumber}`, async () => {
    const found: SummaryComment[] = []
    for await (const page of gh.paginate.iterator(gh.rest.issues.listComments, {
      ...repo,
      issue_number: prNumber,
      per_page: 100
    })) {
      for (const c of page.data) {
        const summary = ourSummary(c, identity)
        if (summary) found.push(summary)
      }
    }
    return found
  })
}

function ourSummary(c: IssueComment, identity: Identity): SummaryComment | undefined {
  // Anyone may copy our marker, another bot included: only our identity's comment is ours.
  if (!isOurs(identity, c.user)) return undefined
  const marker = readSummaryMarker(c.body ?? '')
  return marker && { id: c.id, state: marker.state, body: c.body ?? '', url: c.html_url }
}

export interface PostedComment {
  readonly id: number
  readonly url: string
  /** `kept`: people edited our text itself, so the comment was left as it is. */
  readonly action: 'created' | 'updated' | 'unchanged' | 'kept'
}

/**
 * Our summary comment as it is now, just before posting: the one found when the run began
 * (`known`) read again, or, without one, the comments read again (a run beside this one may
 * have created it since).
 */
export async function currentSummary(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  known: SummaryComment | undefined,
  identity: Identity
): Promise<SummaryComment | undefined> {
  return calling(
    'post the summary comment',
    async () =>
      (known && (await readSummaryComment(gh, repo, known.id, identity))) ??
      (await findSummaryComment(gh, repo, prNumber, identity))
  )
}

/**
 * Posts `body` as the summary, at most one comment per pull request: `current` (our comment as
 * it is now, from currentSummary or read with the pull request just before) is edited; without
 * one, a comment is created. A create whose answer was lost is looked for before it is sent
 * again, and should a run beside this one create one at the same moment, the later of the two
 * is deleted.
 */
export async function postSummary(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  body: string,
  current: SummaryComment | undefined,
  identity: Identity
): Promise<PostedComment> {
  return calling('post the summary comment', async () => {
    if (current) return edit(gh, repo, current, body)
    const created = await createOnce(
      'the summary comment',
      () => createComment(gh, repo, prNumber, body),
      () => findSummaryComment(gh, repo, prNumber, identity)
    )
    core.info(`Created the summary comment ${created.id}.`)
    return oneOfThem(gh, repo, prNumber, identity, created, body)
  })
}

/** Our summary comment as it is now; undefined when it is gone or no longer holds our marker. */
async function readSummaryComment(
  gh: GitHubClient,
  repo: RepoRef,
  id: number,
  identity: Identity
): Promise<SummaryComment | undefined> {
  try {
    const { data } = await gh.rest.issues.getComment({ ...repo, comment_id: id })
    return ourSummary(data, identity)
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw error
  }
}

/** Edits our comment to `body`, keeping what people typed around our text. */
async function edit(
  gh: GitHubClient,
  repo: RepoRef,
  current: SummaryComment,
  body: string
): Promise<PostedComment> {
  const merged = mergeSummary(current.body, body)
  if (merged === undefined) {
    core.warning(
      `The summary comment ${current.id} was edited inside the text the action wrote; it is left as it is, as a person's text is never overwritten. Move the edit above or below that text, or delete the comment, for the summary to be updated.`
    )
    return { id: current.id, url: current.url, action: 'kept' }
  }
  if (merged === current.body.replace(/\r\n?/g, '\n')) {
    core.info(`Summary comment ${current.id} is already up to date.`)
    return { id: current.id, url: current.url, action: 'unchanged' }
  }
  const { data } = await gh.rest.issues.updateComment({
    ...repo,
    comment_id: current.id,
    body: merged
  })
  core.info(`Updated the summary comment ${data.id}.`)
  return { id: data.id, url: data.html_url, action: 'updated' }
}

/**
 * After creating one: should a run beside this one have created one at the same moment, the
 * first stays (ids grow with time, so both runs agree which) and ours is deleted.
 */
async function oneOfThem(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  identity: Identity,
  created: { id: number; url: string },
  body: string
): Promise<PostedComment> {
  const first = await findSummaryComment(gh, repo, prNumber, identity)
  if (!first || first.id === created.id) return { ...created, action: 'created' }
  core.info(
    `A run beside this one created the summary comment ${first.id} too: deleting ${created.id}.`
  )
  await gh.rest.issues.deleteComment({ ...repo, comment_id: created.id })
  return edit(gh, repo, first, body)
}

/** One comment in the pull request's conversation, sent once (callers wrap it in createOnce). */
export async function createComment(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  body: string
): Promise<{ readonly id: number; readonly url: string }> {
  const { data } = await gh.rest.issues.createComment({ ...repo, issue_number: prNumber, body })
  return { id: data.id, url: data.html_url }
}

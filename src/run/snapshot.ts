/**
 * The pull request read once, at the start of a run: metadata, every changed file with its
 * patch parsed once, who github-token acts as, our summary comment from an earlier run and its
 * state, the findings and reviews we posted before, the base branch's reviewer guidance, and
 * (for an incremental review) the files changed since the last reviewed head. Every later
 * stage reads this snapshot and nothing else of GitHub, but posting, which looks again just
 * before it writes (at most once).
 */
import * as core from '@actions/core'
import { count, shortSha } from '../format.js'
import { findSummaryComment, type SummaryComment } from '../github/comments.js'
import type { GitHubClient } from '../github/client.js'
import { tokenIdentity } from '../github/identity.js'
import { changedSince, listFiles, readBaseFile, readPullRequest } from '../github/pull.js'
import { ourReviews, postedFingerprints, type ReviewTarget } from '../github/reviews.js'
import type { PrFile, PullRequest, RepoRef, Task } from '../pull-request.js'

/** Reviewer guidance a repository keeps on its base branch. */
export const REPO_GUIDANCE_PATH = '.github/pr-review.md'

export interface Snapshot {
  readonly repo: RepoRef
  readonly pr: PullRequest
  /** Every file of the pull request (up to GitHub's 3,000). */
  readonly files: readonly PrFile[]
  /** Our summary comment from an earlier run, if there is one. */
  readonly summaryComment: SummaryComment | undefined
  /** Fingerprints of inline findings posted before (read only when the review task runs). */
  readonly postedFindings: ReadonlySet<string>
  /** `.github/pr-review.md` on the base branch. */
  readonly repoGuidance: string | undefined
  /** What an incremental review covers; undefined: the whole pull request. */
  readonly incremental: { readonly since: string; readonly files: readonly PrFile[] } | undefined
  /**
   * Who posts, and our reviews when the run began (read only when the review task runs);
   * undefined for a local diff, which is never posted.
   */
  readonly ours?: ReviewTarget
}

export interface SnapshotOptions {
  readonly tasks: readonly Task[]
  /** The `incremental` input. */
  readonly incremental: boolean
}

export async function readSnapshot(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  options: SnapshotOptions
): Promise<Snapshot> {
  const pr = await readPullRequest(gh, repo, prNumber)
  // The title is the author's text: on one line, it cannot start a workflow command.
  core.info(
    `#${pr.number} “${pr.title.replace(/\s+/g, ' ')}”: ${shortSha(pr.baseSha)}...${shortSha(pr.headSha)}`
  )
  const identity = tokenIdentity(gh)
  const review = options.tasks.includes('review')
  const [files, summaryComment, postedFindings, reviews, repoGuidance, who] = await Promise.all([
    listFiles(gh, repo, pr),
    identity.then((id) => findSummaryComment(gh, repo, pr.number, id)),
    review ? identity.then((id) => postedFingerprints(gh, repo, pr.number, id)) : new Set<string>(),
    review ? identity.then((id) => ourReviews(gh, repo, pr.number, id)) : [],
    readBaseFile(gh, repo, REPO_GUIDANCE_PATH, pr.baseRef),
    identity
  ])
  core.info(`github-token acts as ${who.login}.`)
  if (summaryComment) core.info(found(summaryComment))
  // Too many files left to review to list them: the whole pull request again.
  const state = summaryComment?.state
  const since = state?.pending === 'all' ? undefined : state?.head
  const incremental =
    options.incremental && since && since !== pr.headSha
      ? await changedInPullRequest(gh, repo, since, pr, files)
      : undefined
  return {
    repo,
    pr,
    files,
    summaryComment,
    postedFindings,
    repoGuidance,
    incremental,
    ours: { identity: who, reviews: reviews.map((r) => r.id) }
  }
}

function found({ id, state }: SummaryComment): string {
  const pending =
    state.pending === 'all'
      ? ' (more files still to review than it lists: all of them again)'
      : state.pending?.length
        ? ` (${count(state.pending.length, 'file')} still to review)`
        : ''
  return `Found our summary comment ${id}, reviewed up to ${shortSha(state.head)}${pending}.`
}

/** The compare diff since the last reviewed head, limited to files still in the PR. */
async function changedInPullRequest(
  gh: GitHubClient,
  repo: RepoRef,
  since: string,
  pr: PullRequest,
  prFiles: readonly PrFile[]
): Promise<Snapshot['incremental']> {
  const changed = await changedSince(gh, repo, since, pr.headSha)
  if (!changed) return undefined
  // A merge from base brings files the PR does not change.
  const inPr = new Set(prFiles.map((f) => f.path))
  return { since, files: changed.filter((f) => inPr.has(f.path)) }
}

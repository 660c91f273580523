/**
 * The pull request read once, at the start of a run: metadata, every changed file with its
 * patch parsed once, our summary comment from an earlier run and its state, the findings
 * posted before, the base branch's reviewer guidance, and (for an incremental review) the
 * files changed since the last reviewed head. Every later stage reads this snapshot and
 * nothing else of GitHub.
 */
import * as core from '@actions/core'
import { shortSha } from '../format.js'
import { findSummaryComment, type SummaryComment } from '../github/comments.js'
import type { GitHubClient } from '../github/client.js'
import { changedSince, listFiles, readBaseFile, readPullRequest } from '../github/pull.js'
import { postedFingerprints } from '../github/reviews.js'
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
  core.info(`#${pr.number} “${pr.title}”: ${shortSha(pr.baseSha)}...${shortSha(pr.headSha)}`)
  const [files, summaryComment, postedFindings, repoGuidance] = await Promise.all([
    listFiles(gh, repo, pr),
    findSummaryComment(gh, repo, pr.number),
    options.tasks.includes('review')
      ? postedFingerprints(gh, repo, pr.number)
      : Promise.resolve(new Set<string>()),
    readBaseFile(gh, repo, REPO_GUIDANCE_PATH, pr.baseRef)
  ])
  if (summaryComment) {
    core.info(
      `Found our summary comment ${summaryComment.id}, reviewed up to ${shortSha(summaryComment.state.head)}.`
    )
  }
  const since = summaryComment?.state.head
  const incremental =
    options.incremental && since && since !== pr.headSha
      ? await changedInPullRequest(gh, repo, since, pr, files)
      : undefined
  return { repo, pr, files, summaryComment, postedFindings, repoGuidance, incremental }
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

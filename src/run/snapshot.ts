/**
 * The pull request read once, at the start of a run: metadata, every changed file with its
 * patch parsed once, who github-token acts as, our summary comment from an earlier run and its
 * state, the findings and reviews we posted before, the base branch's reviewer guidance, and
 * (for an incremental review) the files changed since the last reviewed head. Every later
 * stage reads this snapshot and nothing else of GitHub, but posting, which looks again just
 * before it writes (at most once).
 *
 * One round trip: one GraphQL query (github/pull-state.ts) for all but the files, and the files'
 * pages beside it when the event tells how many there are (after it otherwise), begun before
 * the run signs in (startReading). What the query cannot give (a list longer than a page, or
 * GraphQL refusing the query) is read by REST.
 */
import * as core from '@actions/core'
import { runnerEvent } from '../context.js'
import { count, shortSha } from '../format.js'
import { StageError } from '../errors.js'
import { calling, graphqlErrors } from '../github/calling.js'
import { findSummaryComment, summaryAmong, type SummaryComment } from '../github/comments.js'
import type { GitHubClient } from '../github/client.js'
import { tokenIdentity } from '../github/identity.js'
import {
  changedSince,
  fetchFiles,
  readBaseFile,
  readPullRequest,
  tellListed
} from '../github/pull.js'
import { readPullState, type BaseFile, type PullState } from '../github/pull-state.js'
import {
  fingerprintsAmong,
  ourReviews,
  postedFingerprints,
  reviewsAmong,
  type ReviewTarget
} from '../github/reviews.js'
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

/**
 * The reads that begin a snapshot, sent before anything needs them (while the run signs in):
 * the pull request's GraphQL query, who github-token acts as and, when the event tells how many
 * files the pull request changes, every page of them. They log nothing: readSnapshot tells of
 * them in its own phase.
 */
export interface Reading {
  readonly number: number
  readonly review: boolean
  readonly state: Promise<PullState>
  /** The event's copy of the pull request, and the files read by its count. */
  readonly told: { readonly headSha: string; readonly changedFiles: number } | undefined
  readonly files: Promise<PrFile[]> | undefined
}

export function startReading(
  gh: GitHubClient,
  repo: RepoRef,
  number: number,
  tasks: readonly Task[]
): Reading {
  const review = tasks.includes('review')
  // Each failure is told where it is awaited (readSnapshot), or never, should sign-in fail first.
  const state = readPullState(gh, repo, number, {
    comments: true,
    reviews: review,
    baseFile: REPO_GUIDANCE_PATH
  })
  state.catch(() => undefined)
  tokenIdentity(
    gh,
    state.then((s) => s.viewer).catch(() => undefined)
  ).catch(() => undefined)
  const told = fromEvent(number)
  const files = told && fetchFiles(gh, repo, { number, changedFiles: told.changedFiles })
  files?.catch(() => undefined)
  return { number, review, state, told, files }
}

/** `reading`: the reads startReading began for this pull request, if it did. */
export async function readSnapshot(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  options: SnapshotOptions,
  reading: Reading = startReading(gh, repo, prNumber, options.tasks)
): Promise<Snapshot> {
  const { review, told } = reading
  const state = await readState(gh, repo, reading)
  const { pr } = state
  // The title is the author's text: on one line, it cannot start a workflow command.
  core.info(
    `#${pr.number} “${pr.title.replace(/\s+/g, ' ')}”: ${shortSha(pr.baseSha)}...${shortSha(pr.headSha)}`
  )
  const repoGuidance = guidance(state.baseFile, pr.baseRef)
  const who = await tokenIdentity(gh)
  core.info(`github-token acts as ${who.login}.`)
  // The files read by the event's count are the pull request's only while its head is the same.
  const still = told?.headSha === pr.headSha && told.changedFiles === pr.changedFiles
  const [files, summaryComment, postedFindings, reviews] = await Promise.all([
    still && reading.files ? reading.files : fetchFiles(gh, repo, pr),
    state.comments
      ? summaryAmong(state.comments, who)
      : findSummaryComment(gh, repo, pr.number, who),
    !review
      ? new Set<string>()
      : state.reviews
        ? fingerprintsAmong(
            state.reviews.flatMap((r) => r.comments),
            who
          )
        : postedFingerprints(gh, repo, pr.number, who),
    !review
      ? []
      : state.reviews
        ? reviewsAmong(state.reviews, who)
        : ourReviews(gh, repo, pr.number, who)
  ])
  tellListed(pr, files)
  if (summaryComment) core.info(found(summaryComment))
  // Too many files left to review to list them: the whole pull request again.
  const summaryState = summaryComment?.state
  const since = summaryState?.pending === 'all' ? undefined : summaryState?.head
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

/**
 * The pull request, who the token acts as, our comments and reviews and the guidance, from the
 * GraphQL query; by REST (the pull request and the guidance; the lists later) when GraphQL
 * refuses it (an older GitHub Enterprise Server's schema, a pull request it cannot resolve,
 * whose REST 404 the diagnosis explains).
 */
async function readState(
  gh: GitHubClient,
  repo: RepoRef,
  reading: Reading
): Promise<Partial<PullState> & Pick<PullState, 'pr'>> {
  const { number } = reading
  try {
    return await calling(`read pull request #${number}`, () => reading.state)
  } catch (error) {
    const refused = graphqlErrors(error instanceof StageError ? error.cause : error)
    if (!refused) throw error
    core.info(
      `GraphQL did not read pull request #${number} (${refused.reason}); reading it by REST.`
    )
    const pr = await readPullRequest(gh, repo, number)
    const text = await readBaseFile(gh, repo, REPO_GUIDANCE_PATH, pr.baseRef)
    return { pr, baseFile: text === undefined ? undefined : { text } }
  }
}

/** The guidance's text, told in the log as readBaseFile (github/pull.ts) tells of it. */
function guidance(file: BaseFile | undefined, baseRef: string): string | undefined {
  if (file === undefined) return undefined
  if ('text' in file) {
    core.info(`Read ${REPO_GUIDANCE_PATH} from ${baseRef}.`)
    return file.text
  }
  if (file.none === 'absent') core.info(`No ${REPO_GUIDANCE_PATH} on ${baseRef}.`)
  else {
    core.warning(
      `${REPO_GUIDANCE_PATH} on ${baseRef} is not a readable text file; continuing without it.`
    )
  }
  return undefined
}

/**
 * The pull request as the event that started the run carries it (its head, how many files it
 * changes), when the event is about this pull request; undefined otherwise (a comment, a
 * dispatch, a run outside a workflow). Trusted only while the head it names is still the
 * pull request's: the files read by it are kept only then.
 */
function fromEvent(number: number): { headSha: string; changedFiles: number } | undefined {
  let payload
  try {
    payload = runnerEvent()
  } catch {
    return undefined
  }
  const pr = payload['pull_request'] as
    { number?: unknown; changed_files?: unknown; head?: { sha?: unknown } } | undefined
  if (pr?.number !== number || typeof pr.changed_files !== 'number') return undefined
  if (typeof pr.head?.sha !== 'string') return undefined
  return { headSha: pr.head.sha, changedFiles: pr.changed_files }
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

/**
 * Publishing one review per run whose inline comments sit only on lines the diff contains.
 * Findings already posted are recognised by their fingerprint and not repeated. The sticky
 * summary comment lives in summary.ts.
 */
import * as core from '@actions/core'
import { anchor, type Anchor, type FileDiff, type Side } from '../review/diff.js'
import type { GitHubClient } from './client.js'
import { count } from '../plural.js'
import { findingMarker, fingerprint, parseFindingMarker } from './markers.js'
import { errorText, httpStatus, permissionError, type PullRequest, type RepoRef } from './pull.js'
import { SEVERITIES, type Finding } from '../review/schema.js'
import { headline, renderFindingComment, renderReviewBody } from './render.js'

/**
 * Most inline comments one review posts. GitHub accepts far more, but a flood buries the
 * findings that matter; the most severe are kept inline and the rest listed in the body.
 */
export const MAX_INLINE_COMMENTS = 50

interface Author {
  type?: string
}

// ---------------------------------------------------------------------------------------------
// Review

/** One inline comment of `POST /pulls/{n}/reviews`. */
export interface ReviewComment {
  path: string
  line: number
  side: Side
  start_line?: number
  start_side?: Side
  body: string
}

export interface BuiltReview {
  headSha: string
  comments: ReviewComment[]
  /** The findings behind `comments`, in the same order. */
  inline: Finding[]
  /** Findings with no line in the diff: listed in the body. */
  unanchored: Finding[]
  /** Anchored findings beyond MAX_INLINE_COMMENTS: listed in the body. */
  overflow: Finding[]
  /** Findings skipped because the same one was already posted (or repeated in this run). */
  duplicates: number
  body: string
}

interface Placed {
  finding: Finding
  at: Anchor
  fingerprint: string
}

const rank = (f: Finding): number => {
  const i = SEVERITIES.indexOf(f.severity)
  return i === -1 ? SEVERITIES.length : i
}

const byPosition = (a: Finding, b: Finding): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line

export function buildReview(
  findings: readonly Finding[],
  diffs: ReadonlyMap<string, FileDiff>,
  alreadyPosted: ReadonlySet<string>,
  headSha: string
): BuiltReview {
  const seen = new Set(alreadyPosted)
  const placed: Placed[] = []
  const unanchored: Finding[] = []
  let duplicates = 0
  for (const finding of findings) {
    const diff = diffs.get(finding.path)
    const at = diff && anchor(diff, finding)
    if (!at) {
      unanchored.push(finding)
      continue
    }
    const fp = fingerprint(finding.path, at.line, at.side, headline(finding))
    if (seen.has(fp)) {
      duplicates++
      continue
    }
    seen.add(fp)
    placed.push({ finding, at, fingerprint: fp })
  }
  // Stable sort: the most severe first, so the cap drops nits before criticals.
  const bySeverity = [...placed].sort((a, b) => rank(a.finding) - rank(b.finding))
  const kept = bySeverity
    .slice(0, MAX_INLINE_COMMENTS)
    .sort((a, b) => byPosition(a.finding, b.finding))
  const overflow = bySeverity
    .slice(MAX_INLINE_COMMENTS)
    .map((p) => p.finding)
    .sort(byPosition)
  unanchored.sort(byPosition)
  const review = {
    headSha,
    comments: kept.map(toComment),
    inline: kept.map((p) => p.finding),
    unanchored,
    overflow,
    duplicates
  }
  return { ...review, body: reviewBody(review, false) }
}

function toComment({ finding, at, fingerprint: fp }: Placed): ReviewComment {
  // A suggestion replaces exactly the new lines it sits on: only on the RIGHT, and only when
  // the anchor kept the range the model meant (a range shrunk to one line would misplace it).
  const sameRange = (finding.startLine ?? finding.line) === (at.startLine ?? at.line)
  const withSuggestion = at.side === 'RIGHT' && sameRange
  return {
    path: finding.path,
    line: at.line,
    side: at.side,
    ...(at.startLine !== undefined && { start_line: at.startLine, start_side: at.startSide }),
    body: renderFindingComment(finding, withSuggestion, findingMarker(fp))
  }
}

type ReviewParts = Omit<BuiltReview, 'body'>

/** The body; `allInBody` moves the inline findings there too (the 422 fallback). */
function reviewBody(r: ReviewParts, allInBody: boolean): string {
  const all = [...r.inline, ...r.overflow, ...r.unanchored]
  const counts = SEVERITIES.map((s) => [s, all.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  const inline = allInBody ? 0 : r.inline.length
  const below = all.length - inline
  let tally = `**Keyless PR Review** · ${count(all.length, 'finding')}`
  if (counts.length > 0) tally += ` (${counts.join(', ')})`
  tally += below === 0 ? ', all inline.' : `: ${inline} inline, ${below} below.`
  if (r.duplicates > 0) tally += ` ${r.duplicates} already posted, not repeated.`
  const sections = allInBody
    ? [{ title: 'Findings', findings: [...r.inline, ...r.overflow].sort(byPosition) }]
    : [{ title: `Beyond the ${MAX_INLINE_COMMENTS} inline comments`, findings: r.overflow }]
  sections.push({ title: 'Not on a line of the diff', findings: r.unanchored })
  return renderReviewBody(r.headSha, tally, sections)
}

/** Fingerprints of the findings we posted before, from bots' review comments. */
export async function postedFingerprints(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number
): Promise<Set<string>> {
  const found = new Set<string>()
  for await (const page of gh.paginate.iterator(gh.rest.pulls.listReviewComments, {
    ...repo,
    pull_number: prNumber,
    per_page: 100
  })) {
    for (const c of page.data) {
      if ((c.user as Author | null)?.type !== 'Bot') continue
      const fp = parseFindingMarker(c.body)
      if (fp) found.add(fp)
    }
  }
  return found
}

export interface ReviewRequest {
  commit_id: string
  event: 'COMMENT'
  body: string
  comments: ReviewComment[]
}

export interface PostedReview {
  /** undefined in a dry run. */
  id: number | undefined
  /** Inline comments posted (or that would be). */
  comments: number
  dryRun: boolean
  /** GitHub refused the inline comments and every finding went into the body instead. */
  fallback: boolean
  /** What was (or would be) sent. */
  request: ReviewRequest
}

/**
 * One review, event COMMENT (model output never approves nor requests changes), on the head
 * the findings were anchored against. Undefined when there is nothing to say.
 */
export async function postReview(
  gh: GitHubClient,
  repo: RepoRef,
  pr: PullRequest,
  review: BuiltReview,
  dryRun: boolean
): Promise<PostedReview | undefined> {
  if (review.comments.length + review.unanchored.length + review.overflow.length === 0) {
    const skipped = review.duplicates > 0 ? ` (${review.duplicates} already posted)` : ''
    core.info(`Review: nothing to say${skipped}; no review posted.`)
    return undefined
  }
  const request: ReviewRequest = {
    commit_id: pr.headSha,
    event: 'COMMENT',
    body: review.body,
    comments: review.comments
  }
  const n = request.comments.length
  const inline = `${n} inline comment${n === 1 ? '' : 's'}`
  if (dryRun) {
    core.info(`Dry run: would post a review with ${inline}.`)
    return { id: undefined, comments: n, dryRun: true, fallback: false, request }
  }
  try {
    const id = await createReview(gh, repo, pr.number, request)
    core.info(`Posted review ${id} with ${inline}.`)
    return { id, comments: n, dryRun: false, fallback: false, request }
  } catch (error) {
    if (httpStatus(error) !== 422 || n === 0) {
      throw permissionError(error, 'post the review', 'pull-requests: write')
    }
    // We only anchor to lines of the diff, so this means the PR moved on mid-run (or GitHub
    // disagrees about a line). All or nothing: the whole review again, findings in the body.
    core.warning(
      `GitHub refused the inline comments (${errorText(error)}); posting every finding in the review body instead.`
    )
    const retry: ReviewRequest = { ...request, body: reviewBody(review, true), comments: [] }
    const id = await createReview(gh, repo, pr.number, retry)
    core.info(`Posted review ${id} with all findings in its body.`)
    return { id, comments: 0, dryRun: false, fallback: true, request: retry }
  }
}

async function createReview(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  request: ReviewRequest
): Promise<number> {
  const { data } = await gh.rest.pulls.createReview({ ...repo, pull_number: prNumber, ...request })
  return data.id
}

/**
 * One pull request, end to end: read it once (snapshot.ts), plan what the model sees (plan.ts),
 * ask the model (review/tasks.ts), render what is posted once (post/), then post exactly that
 * — or, in a dry run, show it — at most once. A later push is reviewed incrementally: only what
 * changed since the head recorded in our summary comment is sent, with the files an earlier
 * run left to review, and the summary reuses the overview and rows it remembers for the rest.
 */
import * as core from '@actions/core'
import { count, shortSha } from '../format.js'
import type { GitHubClient } from '../github/client.js'
import { postSummary, type PostedComment } from '../github/comments.js'
import { headFiles } from '../github/head-files.js'
import { readPullRequest } from '../github/pull.js'
import { postReview, type ReviewTarget } from '../github/reviews.js'
import type { Model } from '../model.js'
import { buildReview, type ReviewDraft } from '../post/review.js'
import { renderSummaryComment, type Omission } from '../post/summary.js'
import type { HeadFiles, PullRequest, RepoRef, Task } from '../pull-request.js'
import type { PartResult } from '../review/parts.js'
import type { PromptInputs } from '../review/prompts.js'
import { runTasks, type TasksResult, type Usage } from '../review/tasks.js'
import { loadTokenizer } from '../review/tokens.js'
import type { Config } from '../settings.js'
import {
  contextBudget,
  contextCandidates,
  MAX_OUTPUT_TOKENS,
  planRun,
  withContext,
  type Plan
} from './plan.js'
import { readSnapshot, type Snapshot } from './snapshot.js'
import { logUntrusted } from './untrusted-log.js'

export interface ReviewInput {
  readonly config: Config
  readonly tasks: readonly Task[]
  /** Extra guidance from a `/review` or `/summarize` comment; '' otherwise. */
  readonly guidance: string
  readonly model: Model
  /** Where to post; a dry run (the CLI on a local diff) needs none. */
  readonly github?: GitHubClient
  readonly repo: RepoRef
}

export interface PipelineInput extends ReviewInput {
  readonly prNumber: number
  readonly github: GitHubClient
}

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
  /** Why nothing was posted: the pull request was closed or moved on while the model worked. */
  readonly notPosted?: string
}

export interface PipelineResult extends Usage {
  readonly pr: PullRequest
  readonly tasks: readonly Task[]
  readonly dryRun: boolean
  readonly filesListed: number
  readonly filesReviewed: readonly string[]
  /** Skipped, left out by the budget, or in a part that failed. */
  readonly notReviewed: readonly Omission[]
  /** The head an incremental review started from; undefined for a full review. */
  readonly incrementalFrom: string | undefined
  readonly parts: readonly { readonly task: string; readonly part: PartResult }[]
  readonly posts: Posts
}

export async function reviewPullRequest(input: PipelineInput): Promise<PipelineResult> {
  const { config, tasks } = input
  const snapshot = await core.group(`Reading pull request #${input.prNumber}`, async () => {
    const reading = readSnapshot(input.github, input.repo, input.prNumber, {
      tasks,
      incremental: config.incremental
    })
    // The tokenizer's tables load while GitHub answers: the first request leaves before.
    await new Promise((resolve) => setImmediate(resolve))
    await loadTokenizer()
    return reading
  })
  const heads = headFiles(input.github, input.repo, snapshot.pr.headSha, config.concurrency)
  return reviewSnapshot(input, snapshot, heads)
}

/**
 * A pull request read once (from GitHub, or a local diff) planned, asked of the model,
 * rendered, and posted or shown. `heads` gives the files at head for the code around hunks.
 */
export async function reviewSnapshot(
  input: ReviewInput,
  snapshot: Snapshot,
  heads: HeadFiles
): Promise<PipelineResult> {
  const { config, tasks } = input
  const prompt = promptInputs(config, snapshot, input.guidance)
  const plan = await core.group('Planning', () =>
    aroundTheHunks(heads, snapshot, planRun(config, snapshot, tasks, prompt))
  )
  const deployments = [...new Set(plan.passes.map((p) => p.deployment))].join(' and ')
  const outcome = await core.group(`Asking ${deployments}`, async () => {
    const asked = await runTasks(input.model, {
      passes: plan.passes,
      requests: plan.packed.requests,
      prompt,
      concurrency: config.concurrency,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      ...(plan.previous ? { previous: plan.previous } : {})
    })
    warnOfFailedParts(asked.parts)
    return asked
  })
  const notReviewed = omissions(plan.notReviewed, outcome)

  const order = new Map(snapshot.files.map((f, i) => [f.path, i]))
  const summaryBody = tasks.includes('summary')
    ? renderSummaryComment({
        overview: outcome.overview,
        walkthrough: [...outcome.walkthrough].sort(
          (a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0)
        ),
        notReviewed,
        ...(plan.overBudget ? { overBudget: plan.overBudget } : {}),
        commits: { head: snapshot.pr.headSha, base: snapshot.pr.baseSha },
        usage: outcome
      })
    : undefined
  const draft = tasks.includes('review')
    ? buildReview(
        outcome.findings,
        new Map(snapshot.files.map((f) => [f.path, f])),
        snapshot.postedFindings,
        snapshot.pr.headSha
      )
    : undefined

  const posts = config.dryRun
    ? await core.group('Dry run: what would be posted', () =>
        Promise.resolve(show(summaryBody, draft))
      )
    : await core.group('Posting', () =>
        publish(postingTo(input, snapshot), snapshot, summaryBody, draft)
      )

  return {
    pr: snapshot.pr,
    tasks,
    dryRun: config.dryRun,
    filesListed: snapshot.files.length,
    filesReviewed: plan.sent,
    notReviewed,
    incrementalFrom: plan.previous ? snapshot.incremental?.since : undefined,
    parts: outcome.parts,
    posts,
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests
  }
}

/**
 * What the plan left out, and the files of every part that did not come back whole (failed,
 * filtered, or cut short): they are not reviewed, and the next run reviews them.
 */
function omissions(planned: readonly Omission[], outcome: TasksResult): Omission[] {
  const failed = new Map<string, Omission>()
  for (const { part } of outcome.parts) {
    if (part.status === 'ok') continue
    for (const path of part.files) {
      if (!failed.has(path)) {
        failed.set(path, { path, reason: part.reason ?? part.status, kind: 'failed' })
      }
    }
  }
  return [...failed.values(), ...planned.filter((n) => !failed.has(n.path))]
}

/**
 * The parts that reviewed files, and whether any of them worked (one cut at the output limit
 * kept what was complete). The overview's composition reviews none (tasks.ts warns of it).
 */
export function reviewing(parts: PipelineResult['parts']): {
  parts: PipelineResult['parts']
  worked: boolean
} {
  const shown = parts.filter((p) => p.part.files.length > 0)
  const worked = shown.some((p) => p.part.status === 'ok' || p.part.status === 'partial')
  return { parts: shown, worked }
}

/**
 * A part that did not come back whole beside others that worked is a warning; the step fails
 * only when none worked (report.ts).
 */
function warnOfFailedParts(all: PipelineResult['parts']): void {
  const { parts, worked } = reviewing(all)
  const failed = parts.filter((p) => p.part.status !== 'ok')
  if (failed.length === 0 || !worked) return
  const files = new Set(failed.flatMap((p) => p.part.files)).size
  core.warning(
    `${failed.length} of ${count(parts.length, 'part')} did not come back whole (${failed.map((p) => `${p.task} ${p.part.index}: ${p.part.reason ?? p.part.status}`).join('; ')}): ${count(files, 'file')} listed as not reviewed, reviewed on the next run.`
  )
}

/**
 * The plan with the code around its hunks, from the files at head (read `concurrency` at a
 * time); the plan as it is when there is no room for context or nothing to read.
 */
async function aroundTheHunks(heads: HeadFiles, snapshot: Snapshot, plan: Plan): Promise<Plan> {
  const candidates = contextCandidates(plan)
  if (candidates.length === 0 || contextBudget(plan) === 0) return withContext(plan, new Map())
  const started = Date.now()
  const read = await Promise.all(
    candidates.map(async (f) => [f.path, await heads.lines(f.path)] as const)
  )
  const found = new Map<string, readonly string[]>()
  for (const [path, lines] of read) if (lines) found.set(path, lines)
  core.info(
    `Read ${count(found.size, 'file')} at ${shortSha(snapshot.pr.headSha)} for the code around the hunks in ${((Date.now() - started) / 1000).toFixed(1)} s.`
  )
  return withContext(plan, found)
}

function promptInputs(config: Config, snapshot: Snapshot, guidance: string): PromptInputs {
  return {
    language: config.language,
    title: snapshot.pr.title,
    description: snapshot.pr.body,
    instructions: config.instructions,
    ...(snapshot.repoGuidance ? { repoGuidance: snapshot.repoGuidance } : {}),
    ...(guidance ? { commandGuidance: guidance } : {})
  }
}

interface Destination {
  readonly github: GitHubClient
  readonly repo: RepoRef
  readonly as: ReviewTarget
}

function postingTo(input: ReviewInput, snapshot: Snapshot): Destination {
  if (!input.github || !snapshot.ours) {
    throw new Error('Posting needs a pull request read from GitHub; run it as a dry run')
  }
  return { github: input.github, repo: input.repo, as: snapshot.ours }
}

async function publish(
  to: Destination,
  snapshot: Snapshot,
  summaryBody: string | undefined,
  draft: ReviewDraft | undefined
): Promise<Posts> {
  const { github, repo } = to
  const number = snapshot.pr.number
  const moved = await movedOn(to, snapshot.pr)
  if (moved) {
    core.info(moved)
    return { notPosted: moved }
  }
  let summary: Posts['summary']
  if (summaryBody !== undefined) {
    const known = snapshot.summaryComment
    const posted = await postSummary(github, repo, number, summaryBody, known, to.as.identity)
    summary = { body: summaryBody, url: posted.url, action: posted.action }
  }
  let review: Posts['review']
  if (draft && draft.findings > 0) {
    const posted = await postReview(github, repo, number, draft, to.as)
    review = {
      draft,
      id: posted.id,
      url: `${snapshot.pr.htmlUrl}#pullrequestreview-${String(posted.id)}`,
      inline: posted.comments,
      bodyOnly: posted.bodyOnly,
      byAnotherRun: posted.byAnotherRun
    }
  } else if (draft) {
    core.info(nothingToSay(draft))
  }
  return { ...(summary ? { summary } : {}), ...(review ? { review } : {}) }
}

/**
 * Why nothing is posted: the pull request was closed, or its head moved on (a push, a
 * force-push), while the model worked. Neither the review nor the summary's state may speak of
 * a head that is no longer the pull request's; the run for the new head reviews it.
 */
async function movedOn(to: Destination, pr: PullRequest): Promise<string | undefined> {
  const now = await readPullRequest(to.github, to.repo, pr.number)
  if (now.state !== 'open') {
    return `Pull request #${pr.number} was ${now.state} while the model worked: nothing posted.`
  }
  if (now.headSha !== pr.headSha) {
    return `Pull request #${pr.number} moved from ${shortSha(pr.headSha)} to ${shortSha(now.headSha)} while the model worked: nothing posted; the run for ${shortSha(now.headSha)} reviews it.`
  }
  return undefined
}

/** A dry run's log shows exactly what would be posted. */
function show(summaryBody: string | undefined, draft: ReviewDraft | undefined): Posts {
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

/**
 * One pull request, end to end: read it once (snapshot.ts), plan what the model sees (plan.ts),
 * ask the model (review/tasks.ts), render what is posted once (post/), then post exactly that
 * — or, in a dry run, show it. A later push is reviewed incrementally: only what changed since
 * the head recorded in our summary comment is sent, and the summary reuses the overview and
 * rows it remembers for the rest.
 */
import * as core from '@actions/core'
import { count, shortSha } from '../format.js'
import type { GitHubClient } from '../github/client.js'
import { upsertSummary } from '../github/comments.js'
import { headFiles } from '../github/head-files.js'
import { postReview } from '../github/reviews.js'
import type { Model } from '../model.js'
import { buildReview, type ReviewDraft } from '../post/review.js'
import { renderSummaryComment } from '../post/summary.js'
import type { HeadFiles, NotReviewed, PullRequest, RepoRef, Task } from '../pull-request.js'
import type { PartResult } from '../review/parts.js'
import type { PromptInputs } from '../review/prompts.js'
import { runTasks, type Usage } from '../review/tasks.js'
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
  readonly summary?: { readonly body: string; readonly url?: string }
  readonly review?: {
    readonly draft: ReviewDraft
    /** The posted review's id and page; undefined in a dry run. */
    readonly id?: number
    readonly url?: string
    /** Inline comments that landed (0 when GitHub refused them and the body holds them all). */
    readonly inline: number
    /** GitHub refused an inline line, so `draft.bodyOnly` was posted instead. */
    readonly bodyOnly: boolean
  }
}

export interface PipelineResult extends Usage {
  readonly pr: PullRequest
  readonly tasks: readonly Task[]
  readonly dryRun: boolean
  readonly filesListed: number
  readonly filesReviewed: readonly string[]
  readonly notReviewed: readonly NotReviewed[]
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
  const outcome = await core.group(`Asking ${deployments}`, () =>
    runTasks(input.model, {
      passes: plan.passes,
      requests: plan.packed.requests,
      prompt,
      concurrency: config.concurrency,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      ...(plan.previous ? { previous: plan.previous } : {})
    })
  )

  const order = new Map(snapshot.files.map((f, i) => [f.path, i]))
  const summaryBody = tasks.includes('summary')
    ? renderSummaryComment({
        overview: outcome.overview,
        walkthrough: [...outcome.walkthrough].sort(
          (a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0)
        ),
        notReviewed: plan.notReviewed,
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
    : await core.group('Posting', () => publish(postingTo(input), snapshot, summaryBody, draft))

  return {
    pr: snapshot.pr,
    tasks,
    dryRun: config.dryRun,
    filesListed: snapshot.files.length,
    filesReviewed: plan.sent,
    notReviewed: plan.notReviewed,
    incrementalFrom: plan.previous ? snapshot.incremental?.since : undefined,
    parts: outcome.parts,
    posts,
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests
  }
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

function postingTo(input: ReviewInput): { github: GitHubClient; repo: RepoRef } {
  if (!input.github) throw new Error('Posting needs a GitHub client; run it as a dry run')
  return { github: input.github, repo: input.repo }
}

async function publish(
  input: { github: GitHubClient; repo: RepoRef },
  snapshot: Snapshot,
  summaryBody: string | undefined,
  draft: ReviewDraft | undefined
): Promise<Posts> {
  const { github, repo } = input
  const number = snapshot.pr.number
  let summary: Posts['summary']
  if (summaryBody !== undefined) {
    const posted = await upsertSummary(github, repo, number, summaryBody, snapshot.summaryComment)
    summary = { body: summaryBody, url: posted.url }
  }
  let review: Posts['review']
  if (draft && draft.findings > 0) {
    const posted = await postReview(github, repo, number, draft)
    review = {
      draft,
      id: posted.id,
      url: `${snapshot.pr.htmlUrl}#pullrequestreview-${String(posted.id)}`,
      inline: posted.comments,
      bodyOnly: posted.bodyOnly
    }
  } else if (draft) {
    core.info(nothingToSay(draft))
  }
  return { ...(summary ? { summary } : {}), ...(review ? { review } : {}) }
}

/** A dry run's log shows exactly what would be posted. */
function show(summaryBody: string | undefined, draft: ReviewDraft | undefined): Posts {
  if (summaryBody !== undefined) {
    core.info(`The summary comment:\n${summaryBody}`)
  }
  if (draft && draft.findings > 0) {
    core.info(
      `A review on ${shortSha(draft.commitId)} with ${count(draft.comments.length, 'inline comment')}; its body:\n${draft.body}`
    )
    for (const c of draft.comments) {
      core.info(`Inline comment on ${c.path} line ${c.line} (${c.side}):\n${c.body}`)
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

/**
 * One pull request, end to end: read it once (snapshot.ts), plan what the model sees, run the
 * tasks, render what is posted once (post/), then post exactly that — or, in a dry run, show
 * it. Incremental runs review only what changed since the head recorded in our summary comment;
 * the summary always describes the whole pull request as it now is.
 */
import * as core from '@actions/core'
import { count, shortSha } from '../format.js'
import type { GitHubClient } from '../github/client.js'
import { upsertSummary } from '../github/comments.js'
import { postReview } from '../github/reviews.js'
import type { Model } from '../model.js'
import { buildReview, type ReviewDraft } from '../post/review.js'
import { renderSummaryComment } from '../post/summary.js'
import type { NotReviewed, PrFile, PullRequest, RepoRef, Task } from '../pull-request.js'
import { pack, renderItem, requestBudget, type PackResult } from '../review/pack.js'
import { OutputModes, type PartResult } from '../review/parts.js'
import { promptOverhead, type PromptInputs } from '../review/prompts.js'
import { selectFiles } from '../review/select.js'
import { runReview, runSummary, type TaskContext, type Usage } from '../review/tasks.js'
import { loadTokenizer } from '../review/tokens.js'
import type { Config } from '../settings.js'
import { readSnapshot, type Snapshot } from './snapshot.js'

/** Room for the model's answer: findings JSON or a summary. */
const MAX_OUTPUT_TOKENS = 4096

export interface PipelineInput {
  readonly config: Config
  readonly repo: RepoRef
  readonly prNumber: number
  readonly tasks: readonly Task[]
  /** Extra guidance from a `/review` or `/summarize` comment; '' otherwise. */
  readonly guidance: string
  readonly model: Model
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
  readonly parts: readonly { readonly task: Task; readonly part: PartResult }[]
  readonly posts: Posts
}

export async function reviewPullRequest(input: PipelineInput): Promise<PipelineResult> {
  const { config, tasks } = input
  // The tokenizer's tables load while the pull request is read; planning awaits them.
  const tokenizer = loadTokenizer()
  const snapshot = await core.group(`Reading pull request #${input.prNumber}`, () =>
    readSnapshot(input.github, input.repo, input.prNumber, {
      tasks,
      incremental: config.incremental
    })
  )
  await tokenizer

  const prompt = promptInputs(config, snapshot, input.guidance)
  const planner = new Planner(config, prompt, tasks.length)
  const modes = new OutputModes()
  const context = (deployment: string): TaskContext => ({
    ...prompt,
    deployment,
    concurrency: config.concurrency,
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    modes
  })

  const parts: { task: Task; part: PartResult }[] = []
  const usage = { promptTokens: 0, completionTokens: 0, requests: 0 }
  const add = (task: Task, result: Usage & { parts: PartResult[] }): void => {
    for (const part of result.parts) parts.push({ task, part })
    usage.promptTokens += result.promptTokens
    usage.completionTokens += result.completionTokens
    usage.requests += result.requests
  }

  let summaryBody: string | undefined
  if (tasks.includes('summary')) {
    const deployment = config.model.summaryDeployment
    const result = await core.group(`Summary: asking ${deployment}`, async () => {
      const packed = planner.plan('summary', snapshot.files, deployment)
      return runSummary(input.model, packed, context(deployment))
    })
    add('summary', result)
    summaryBody = renderSummaryComment({
      overview: result.overview,
      walkthrough: result.walkthrough,
      notReviewed: planner.notReviewed(),
      state: { head: snapshot.pr.headSha, base: snapshot.pr.baseSha },
      usage: {
        requests: result.requests,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens
      }
    })
  }

  let draft: ReviewDraft | undefined
  if (tasks.includes('review')) {
    const deployment = config.model.deployment
    const result = await core.group(`Review: asking ${deployment}`, async () => {
      const packed = planner.plan(
        'review',
        snapshot.incremental?.files ?? snapshot.files,
        deployment
      )
      return runReview(input.model, packed, context(deployment))
    })
    add('review', result)
    const files = new Map(snapshot.files.map((f) => [f.path, f]))
    draft = buildReview(result.findings, files, snapshot.postedFindings, snapshot.pr.headSha)
  }

  const posts = config.dryRun
    ? await core.group('Dry run: what would be posted', () =>
        Promise.resolve(show(summaryBody, draft))
      )
    : await core.group('Posting', () => publish(input, snapshot, summaryBody, draft))

  return {
    pr: snapshot.pr,
    tasks,
    dryRun: config.dryRun,
    filesListed: snapshot.files.length,
    filesReviewed: planner.reviewed(),
    notReviewed: planner.notReviewed(),
    incrementalFrom: snapshot.incremental?.since,
    parts,
    posts,
    ...usage
  }
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

/** Which files each task sends, packed into requests, and what is left out and why. */
class Planner {
  private readonly left = new Map<string, string>()
  private readonly sent = new Set<string>()

  constructor(
    private readonly config: Config,
    private readonly prompt: PromptInputs,
    private readonly taskCount: number
  ) {}

  plan(task: Task, files: readonly PrFile[], deployment: string): PackResult {
    const { selected, skipped } = selectFiles(files, this.config)
    for (const s of skipped) this.left.set(s.path, s.reason)
    const packed = pack(selected.map(renderItem), {
      perRequestBudget: requestBudget(deployment, MAX_OUTPUT_TOKENS),
      totalBudget: Math.floor(this.config.tokenBudget / this.taskCount),
      overheadTokens: promptOverhead(task, this.prompt)
    })
    for (const n of packed.notReviewed) this.left.set(n.path, n.reason)
    for (const r of packed.requests) for (const f of r.files) this.sent.add(f.path)
    core.info(
      `${task}: ${selected.length} of ${count(files.length, 'file')} selected, ${count(packed.requests.length, 'request')}, ${count(packed.promptTokens, 'prompt token')} planned.`
    )
    for (const n of [...skipped, ...packed.notReviewed])
      core.info(`  left out: ${n.path} (${n.reason})`)
    return packed
  }

  reviewed(): string[] {
    return [...this.sent]
  }

  notReviewed(): NotReviewed[] {
    return [...this.left].map(([path, reason]) => ({ path, reason }))
  }
}

async function publish(
  input: PipelineInput,
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

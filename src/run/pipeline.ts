/**
 * One pull request, end to end: read it once (snapshot.ts), plan what the model sees (plan.ts),
 * ask the model (review/tasks.ts), render what is posted once (post/), then post exactly that
 * — or, in a dry run, show it — at most once. A later push is reviewed incrementally: only what
 * changed since the head recorded in our summary comment is sent, with the files an earlier
 * run left to review, and the summary reuses the overview and rows it remembers for the rest.
 *
 * Nothing waits for what it does not need (docs/architecture.md, "The run's requests"): a
 * request leaves as soon as it is ready (requests.ts); the review is posted as soon as every
 * part has answered, while the overview is composed, the summary once it is written
 * (publish.ts).
 */
import * as core from '@actions/core'
import type { StageError } from '../errors.js'
import { count } from '../format.js'
import type { GitHubClient } from '../github/client.js'
import { headFiles } from '../github/head-files.js'
import type { Model } from '../model.js'
import { buildReview, type ReviewDraft } from '../post/review.js'
import { renderSummaryComment, type Omission } from '../post/summary.js'
import type { HeadFiles, PullRequest, RepoRef, Task } from '../pull-request.js'
import type { PartResult } from '../review/parts.js'
import type { PromptInputs } from '../review/prompts.js'
import {
  askParts,
  finishTasks,
  type PartsAnswered,
  type TasksInput,
  type TasksResult,
  type Usage
} from '../review/tasks.js'
import { loadTokenizer } from '../review/tokens.js'
import type { Config } from '../settings.js'
import { MAX_OUTPUT_TOKENS } from './plan.js'
import {
  lookBeforeSummary,
  publish,
  publishReview,
  show,
  type Destination,
  type Posts
} from './publish.js'
import { readyRequests } from './requests.js'
import { readSnapshot, startReading, type Reading, type Snapshot } from './snapshot.js'

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
  /** The pull request's reads, begun before signing in (snapshot.ts startReading). */
  readonly reading?: Reading
}

export interface PipelineResult extends Usage {
  readonly pr: PullRequest
  readonly tasks: readonly Task[]
  readonly dryRun: boolean
  readonly filesListed: number
  /** The files sent to the model (after a broken chain, not those it left unsent). */
  readonly filesReviewed: readonly string[]
  /** Skipped, left out by the budget, or in a part that failed. */
  readonly notReviewed: readonly Omission[]
  /** The head an incremental review started from; undefined for a full review. */
  readonly incrementalFrom: string | undefined
  readonly parts: readonly { readonly task: string; readonly part: PartResult }[]
  readonly posts: Posts
  /**
   * The chain broke mid-run (throttling beyond the retries, a token refused): what succeeded
   * was posted, the rest is listed as not reviewed, and main.ts explains this as a warning.
   */
  readonly broken?: StageError
}

export async function reviewPullRequest(input: PipelineInput): Promise<PipelineResult> {
  const { config, tasks } = input
  const snapshot = await core.group(`Reading pull request #${input.prNumber}`, async () => {
    const started = input.reading ?? startReading(input.github, input.repo, input.prNumber, tasks)
    const reading = readSnapshot(
      input.github,
      input.repo,
      input.prNumber,
      { tasks, incremental: config.incremental },
      started
    )
    // Told where it is awaited, below; not while the tokenizer loads.
    reading.catch(() => undefined)
    // The tokenizer's tables take the thread for about 0.1 s, as long as sending 30 pages'
    // requests (a TLS connection each) does: they load once GitHub has answered the query,
    // when every read has left, while the rest of the answers arrive.
    await started.state.catch(() => undefined)
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
  const { planned, requests } = await core.group('Planning', () =>
    readyRequests(config, snapshot, tasks, prompt, heads)
  )
  const scoped = planned.scoped
  const tasksInput: TasksInput = {
    passes: scoped.passes,
    requests,
    prompt,
    concurrency: config.concurrency,
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    ...(scoped.previous ? { previous: scoped.previous } : {}),
    ...(scoped.refreshesSummary ? { compose: false } : {})
  }
  const destination = config.dryRun ? undefined : postingTo(input, snapshot)
  const deployments = [...new Set(scoped.passes.map((p) => p.deployment))].join(' and ')
  const { outcome, review } = await core.group(`Asking ${deployments}`, async () => {
    const asked = await askParts(input.model, tasksInput)
    // Nothing to post: the run fails with the diagnosis, as it would have at its first request.
    if (asked.broken && !reviewing(asked.parts).worked) throw asked.broken
    warnOfFailedParts(asked.parts)
    const draft = tasks.includes('review') ? reviewDraft(asked, snapshot) : undefined
    // The findings are final: the review is posted while the overview is composed (or, with
    // the overview already written, just before the summary).
    const composing = tasks.includes('summary') && !asked.answers.some((a) => a.overview)
    const posting =
      destination && draft && composing ? publishReview(destination, snapshot, draft) : undefined
    // Settled before the summary is posted; a failure surfaces there.
    posting?.catch(() => undefined)
    return {
      outcome: await finishTasks(input.model, asked, tasksInput),
      review: { draft, posting }
    }
  })
  // A review-only run that refreshes the summary posts it too, with its overview as it was.
  const summarizing = tasks.includes('summary') || scoped.refreshesSummary
  const looked =
    destination && summarizing
      ? lookBeforeSummary(destination, snapshot.pr.number, {
          draft: review.draft !== undefined,
          posting: review.posting !== undefined
        })
      : undefined
  const plan = await planned.plan
  const notReviewed = omissions(plan.notReviewed, outcome)

  const order = new Map(snapshot.files.map((f, i) => [f.path, i]))
  const summaryBody = summarizing
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

  const posts = destination
    ? await core.group('Posting', () =>
        publish(destination, snapshot, summaryBody, review.draft, review.posting, looked)
      )
    : await core.group('Dry run: what would be posted', () =>
        Promise.resolve(show(summaryBody, review.draft))
      )

  return {
    pr: snapshot.pr,
    tasks,
    dryRun: config.dryRun,
    filesListed: snapshot.files.length,
    filesReviewed: sentToModel(plan.sent, outcome),
    notReviewed,
    incrementalFrom: plan.previous ? snapshot.incremental?.since : undefined,
    parts: outcome.parts,
    posts,
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests,
    ...(outcome.broken ? { broken: outcome.broken } : {})
  }
}

function reviewDraft(asked: PartsAnswered, snapshot: Snapshot): ReviewDraft {
  return buildReview(
    asked.findings,
    new Map(snapshot.files.map((f) => [f.path, f])),
    snapshot.postedFindings,
    snapshot.pr.headSha
  )
}

/**
 * What the plan left out, and the files of every part that did not come back whole: failed,
 * not sent or cut short (the next run reviews them), or refused by the content filter (named
 * with the lines it refused; the rest of the file was reviewed, and the next run does not send
 * them again unless they change). A file in a failed part counts as failed.
 */
function omissions(planned: readonly Omission[], outcome: TasksResult): Omission[] {
  const left = new Map<string, Omission>()
  for (const { part } of outcome.parts) {
    if (part.status === 'ok') continue
    const kind = part.status === 'filtered' ? 'filtered' : 'failed'
    const reason = part.reason ?? part.status
    for (const path of part.files) {
      const known = left.get(path)
      if (!known || (known.kind === 'filtered' && kind === 'failed')) {
        left.set(path, { path, reason, kind })
      } else if (known.kind === 'filtered' && kind === 'filtered') {
        left.set(path, {
          ...known,
          reason: `${known.reason}; ${reason.replace(/^Azure OpenAI's content filter refused /, '')}`
        })
      }
    }
  }
  return [...left.values(), ...planned.filter((n) => !left.has(n.path))]
}

/** The planned files that reached the model: after a broken chain, not those never sent. */
function sentToModel(planned: readonly string[], outcome: TasksResult): string[] {
  const asked = new Set<string>()
  const unasked = new Set<string>()
  for (const { part } of outcome.parts) {
    for (const path of part.files) (part.requests > 0 ? asked : unasked).add(path)
  }
  return planned.filter((path) => asked.has(path) || !unasked.has(path))
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
 * A part that did not come back whole beside others that worked is a warning, as is what the
 * content filter refused; the step fails only when none worked and one failed (report.ts).
 */
function warnOfFailedParts(all: PipelineResult['parts']): void {
  const { parts, worked } = reviewing(all)
  const failed = parts.filter((p) => p.part.status !== 'ok' && p.part.status !== 'filtered')
  const refused = parts.filter((p) => p.part.status === 'filtered')
  const label = (p: PipelineResult['parts'][number]): string =>
    `${p.task} ${p.part.index}${p.part.piece ? `.${p.part.piece}` : ''}`
  if (refused.length > 0) {
    core.warning(
      `Azure OpenAI's content filter refused ${count(refused.length, 'piece')} of the diff (${refused.map((p) => `${label(p)}: ${p.part.files.join(', ')}: ${p.part.reason ?? ''}`).join('; ')}): the rest was reviewed; the summary names what was left out.`
    )
  }
  if (failed.length === 0 || !worked) return
  const files = new Set(failed.flatMap((p) => p.part.files)).size
  core.warning(
    `${failed.length} of ${count(parts.length, 'part')} did not come back whole (${failed.map((p) => `${label(p)}: ${p.part.reason ?? p.part.status}`).join('; ')}): ${count(files, 'file')} listed as not reviewed, reviewed on the next run.`
  )
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

function postingTo(input: ReviewInput, snapshot: Snapshot): Destination {
  if (!input.github || !snapshot.ours) {
    throw new Error('Posting needs a pull request read from GitHub; run it as a dry run')
  }
  return { github: input.github, repo: input.repo, as: snapshot.ours }
}

/**
 * One pull request, end to end: read it, plan what the model sees, run the tasks, publish.
 * Incremental runs review only what changed since the head recorded in our summary comment;
 * the summary always describes the whole pull request as it now is.
 */
import * as core from '@actions/core'
import type { KeylessChain } from './azure/chain.js'
import type { Config } from './config.js'
import type { GitHubClient } from './github/client.js'
import { buildReview, postedFingerprints, postReview } from './github/publish.js'
import {
  changedSince,
  listFiles,
  readBaseFile,
  readPullRequest,
  type PullRequest,
  type RepoRef
} from './github/pull.js'
import { renderSummary } from './github/render.js'
import { sanitizeMarkdown } from './github/sanitize.js'
import { findSummaryComment, upsertSummary } from './github/summary.js'
import { parsePatch, type FileDiff, type PrFile } from './review/diff.js'
import { pack, renderItem, requestBudget, type PackResult } from './review/pack.js'
import { promptOverhead, type PromptInputs } from './review/prompts.js'
import { runReview, type TaskContext } from './review/review.js'
import { OutputModes, type PartResult } from './review/run-parts.js'
import { selectFiles } from './review/select.js'
import { runSummary } from './review/summarize.js'
import type { Task } from './trigger.js'
import { count } from './plural.js'
import { loadTokenizer } from './review/tokens.js'

/** Room for the model's answer: findings JSON or a summary. */
const MAX_OUTPUT_TOKENS = 4096
const REPO_GUIDANCE_PATH = '.github/pr-review.md'

export interface NotReviewed {
  readonly path: string
  readonly reason: string
}

export interface PipelineResult {
  readonly pr: PullRequest
  readonly tasks: readonly Task[]
  readonly filesListed: number
  readonly filesReviewed: readonly string[]
  readonly notReviewed: readonly NotReviewed[]
  readonly incrementalFrom: string | undefined
  readonly summary: { readonly markdown: string; readonly commentUrl?: string } | undefined
  readonly review:
    | {
        readonly id: number | undefined
        readonly comments: number
        readonly inBody: number
        readonly duplicates: number
        readonly findings: number
      }
    | undefined
  readonly parts: readonly { readonly task: Task; readonly part: PartResult }[]
  readonly promptTokens: number
  readonly completionTokens: number
  readonly requests: number
}

export interface PipelineInput {
  readonly config: Config
  readonly repo: RepoRef
  readonly prNumber: number
  readonly tasks: readonly Task[]
  readonly guidance: string
  readonly chain: KeylessChain
  readonly github: GitHubClient
}

export async function reviewPullRequest(input: PipelineInput): Promise<PipelineResult> {
  const { config, repo, github } = input
  // The tokenizer's tables load while the pull request is read; planning awaits them.
  const tokenizer = loadTokenizer()
  const pr = await group('Reading the pull request', () =>
    readPullRequest(github, repo, input.prNumber)
  )
  const previous = await findSummaryComment(github, repo, pr.number)
  const allFiles = await listFiles(github, repo, pr)
  const since = incrementalBase(config, previous?.state.head, pr.headSha)
  const reviewFiles = since ? await changedFilesInPr(github, repo, since, pr, allFiles) : undefined
  const repoGuidance = await readBaseFile(github, repo, REPO_GUIDANCE_PATH, pr.baseRef)
  await tokenizer

  const prompt: PromptInputs = {
    language: config.language,
    title: pr.title,
    description: pr.body,
    instructions: config.instructions,
    ...(repoGuidance ? { repoGuidance } : {}),
    ...(input.guidance ? { commandGuidance: input.guidance } : {})
  }
  const modes = new OutputModes()
  const budgetPerTask = Math.floor(config.tokenBudget / input.tasks.length)
  const parts: { task: Task; part: PartResult }[] = []
  const notReviewed = new Map<string, string>()
  const reviewed = new Set<string>()
  let usage = { promptTokens: 0, completionTokens: 0, requests: 0 }
  let summary: PipelineResult['summary']
  let review: PipelineResult['review']

  const plan = (task: Task, files: readonly PrFile[], deployment: string): PackResult => {
    const { selected, skipped } = selectFiles(files, config)
    for (const s of skipped) notReviewed.set(s.path, s.reason)
    const packed = pack(selected.map(parsePatch).map(renderItem), {
      perRequestBudget: requestBudget(deployment, MAX_OUTPUT_TOKENS),
      totalBudget: budgetPerTask,
      overheadTokens: promptOverhead(task, prompt)
    })
    for (const n of packed.notReviewed) notReviewed.set(n.path, n.reason)
    for (const r of packed.requests) for (const f of r.files) reviewed.add(f.path)
    core.info(
      `${task}: ${selected.length} of ${files.length} files selected, ${count(packed.requests.length, 'request')}, ${count(packed.promptTokens, 'prompt token')} planned`
    )
    return packed
  }
  const context = (deployment: string): TaskContext => ({
    ...prompt,
    deployment,
    concurrency: config.concurrency,
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    modes
  })
  const add = (task: Task, r: { parts: PartResult[] } & typeof usage): void => {
    for (const part of r.parts) parts.push({ task, part })
    usage = {
      promptTokens: usage.promptTokens + r.promptTokens,
      completionTokens: usage.completionTokens + r.completionTokens,
      requests: usage.requests + r.requests
    }
  }

  if (input.tasks.includes('summary')) {
    await group('Summary', async () => {
      const deployment = config.model.summaryDeployment
      const result = await runSummary(
        input.chain.model,
        plan('summary', allFiles, deployment),
        context(deployment)
      )
      add('summary', result)
      const markdown = renderSummary({
        overview: result.overview,
        walkthrough: result.walkthrough,
        notReviewed: [...notReviewed].map(([path, reason]) => ({ path, reason })),
        reviewedHead: pr.headSha,
        usage: { ...usage }
      })
      const posted = await upsertSummary(
        github,
        repo,
        pr.number,
        markdown,
        { head: pr.headSha, base: pr.baseSha },
        config.dryRun
      )
      // What was (or in dry-run would be) posted: the same sanitized text, for outputs and logs.
      summary = {
        markdown: sanitizeMarkdown(markdown),
        ...(posted.url ? { commentUrl: posted.url } : {})
      }
    })
  }

  if (input.tasks.includes('review')) {
    await group('Review', async () => {
      const files = reviewFiles ?? allFiles
      const deployment = config.model.deployment
      const packed = plan('review', files, deployment)
      const result = await runReview(input.chain.model, packed, context(deployment))
      add('review', result)
      const diffs = new Map<string, FileDiff>(allFiles.map((f) => [f.filename, parsePatch(f)]))
      const built = buildReview(
        result.findings,
        diffs,
        await postedFingerprints(github, repo, pr.number),
        pr.headSha
      )
      const posted = await postReview(github, repo, pr, built, config.dryRun)
      review = {
        id: posted?.id,
        comments: built.comments.length,
        inBody: built.unanchored.length,
        duplicates: built.duplicates,
        findings: result.findings.length
      }
    })
  }

  return {
    pr,
    tasks: input.tasks,
    filesListed: allFiles.length,
    filesReviewed: [...reviewed],
    notReviewed: [...notReviewed].map(([path, reason]) => ({ path, reason })),
    incrementalFrom: reviewFiles ? since : undefined,
    summary,
    review,
    parts,
    ...usage
  }
}

function incrementalBase(
  config: Config,
  lastHead: string | undefined,
  head: string
): string | undefined {
  if (!config.incremental || !lastHead || lastHead === head) return undefined
  return lastHead
}

/** The compare diff, limited to files still in the PR (a merge from base brings others). */
async function changedFilesInPr(
  github: GitHubClient,
  repo: RepoRef,
  since: string,
  pr: PullRequest,
  prFiles: readonly PrFile[]
): Promise<PrFile[] | undefined> {
  const changed = await changedSince(github, repo, since, pr.headSha)
  if (!changed) return undefined
  const inPr = new Set(prFiles.map((f) => f.filename))
  const files = changed.filter((f) => inPr.has(f.filename))
  core.info(
    `Incremental review: ${count(files.length, 'file')} changed since ${since.slice(0, 7)}.`
  )
  return files
}

async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(name, fn)
}

/**
 * The summary task. A pull request that fits one request is summarized in one call; a larger
 * one part by part, then one small call merges the part overviews. The per-file walkthrough
 * is the parts' file lists joined: no second model pass is needed for it.
 */
import * as core from '@actions/core'
import type { ModelClient } from '../azure/openai.js'
import type { PackResult, Request } from './pack.js'
import { countTokens } from './tokens.js'
import {
  compositionPrompt,
  compositionSystemPrompt,
  summarySystemPrompt,
  userPrompt
} from './prompts.js'
import type { TaskContext } from './review.js'
import {
  OutputModes,
  runParts,
  tally,
  TaskAbortedError,
  type PartResult,
  type PartsOutcome,
  type Settled
} from './run-parts.js'
import {
  OVERVIEW_FORMAT,
  parseOverview,
  parseSummary,
  SUMMARY_FORMAT,
  type FileChange,
  type SummaryPart
} from './schema.js'
import { count } from '../plural.js'

export interface SummaryResult {
  /** Empty when no part could be summarized. */
  overview: string
  walkthrough: FileChange[]
  /** The parts, then the composition call (index parts + 1) when there was one. */
  parts: PartResult[]
  promptTokens: number
  completionTokens: number
  requests: number
}

/**
 * Summarizes the packed requests. Throws TaskAbortedError<SummaryResult> (an AuthError) when
 * the chain breaks; its `partial` holds what finished.
 */
export async function runSummary(
  model: ModelClient,
  packed: PackResult,
  ctx: TaskContext
): Promise<SummaryResult> {
  const modes = ctx.modes ?? new OutputModes()
  let outcome: PartsOutcome<SummaryPart>
  try {
    outcome = await runParts(model, packed.requests, {
      task: 'summary',
      deployment: ctx.deployment,
      concurrency: ctx.concurrency,
      maxOutputTokens: ctx.maxOutputTokens,
      format: SUMMARY_FORMAT,
      modes,
      system: (mode) => summarySystemPrompt(ctx, mode),
      user: (request) => userPrompt(ctx, request.text),
      parse: (content, truncated, request) => {
        const part = parseSummary(content, truncated)
        const shown = new Set(request.files.map((f) => f.path))
        const files = part.files.filter((f) => shown.has(f.path))
        return {
          value: { ...part, files },
          dropped: part.files.length - files.length,
          describe: `overview and ${count(files.length, 'file')}`
        }
      }
    })
  } catch (error) {
    if (!(error instanceof TaskAbortedError)) throw error
    const partial = error.partial as PartsOutcome<SummaryPart>
    const summaries = partial.settled.flatMap((s) => (s.value ? [s.value] : []))
    throw new TaskAbortedError(
      error.original,
      toResult(partial, joined(summaries), walkthrough(partial.settled))
    )
  }

  const summaries = outcome.settled.flatMap((s) => (s.value ? [s.value] : []))
  const files = walkthrough(outcome.settled)
  if (summaries.length <= 1) return toResult(outcome, summaries[0]?.overview ?? '', files)

  let composed: Settled<string>
  try {
    composed = await compose(model, summaries, ctx, modes)
  } catch (error) {
    if (!(error instanceof TaskAbortedError)) throw error
    throw new TaskAbortedError(error.original, toResult(outcome, joined(summaries), files))
  }
  composed.part.index = packed.requests.length + 1
  if (composed.value === undefined) {
    core.warning(
      `Could not merge the summaries of ${summaries.length} parts (${composed.part.reason ?? composed.part.status}); the summary shows their overviews one after another.`
    )
  }
  const all = tally<unknown>([...outcome.settled, composed])
  return toResult(all, composed.value ?? joined(summaries), files)
}

/** One call that merges the parts' overviews into one. */
async function compose(
  model: ModelClient,
  summaries: SummaryPart[],
  ctx: TaskContext,
  modes: OutputModes
): Promise<Settled<string>> {
  const overviews = summaries.map((s) => s.overview)
  const outcome = await runParts(model, [compositionRequest(ctx, overviews)], {
    task: 'summary composition',
    deployment: ctx.deployment,
    concurrency: 1,
    maxOutputTokens: ctx.maxOutputTokens,
    format: OVERVIEW_FORMAT,
    modes,
    system: (mode) => compositionSystemPrompt(ctx, mode),
    user: () => compositionPrompt(ctx, overviews),
    parse: (content) => ({ value: parseOverview(content), dropped: 0, describe: 'overview' })
  })
  return outcome.settled[0] as Settled<string>
}

/** The composition call has no diff: a request without files carries it through runParts. */
function compositionRequest(ctx: TaskContext, overviews: string[]): Request {
  const system = countTokens(compositionSystemPrompt(ctx))
  const text = compositionPrompt(ctx, overviews)
  return { files: [], text, tokens: system + countTokens(text), overheadTokens: system }
}

function joined(summaries: SummaryPart[]): string {
  return summaries.map((s) => s.overview).join('\n\n')
}

/** The parts' file lists in order; a file split across parts gets its distinct changes joined. */
function walkthrough(settled: Settled<SummaryPart>[]): FileChange[] {
  const byPath = new Map<string, string[]>()
  for (const s of settled) {
    for (const file of s.value?.files ?? []) {
      const changes = byPath.get(file.path) ?? []
      if (!changes.includes(file.change)) changes.push(file.change)
      byPath.set(file.path, changes)
    }
  }
  return [...byPath].map(([path, changes]) => ({ path, change: changes.join(' ') }))
}

function toResult(
  outcome: PartsOutcome<unknown>,
  overview: string,
  files: FileChange[]
): SummaryResult {
  return {
    overview,
    walkthrough: files,
    parts: outcome.settled.map((s) => s.part),
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests
  }
}

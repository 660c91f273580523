/**
 * The review task: each packed request → findings, validated and kept to the files that
 * request showed. Parts run concurrently; one part's failure is reported, not fatal.
 */
import type { ModelClient } from '../azure/openai.js'
import type { PackResult } from './pack.js'
import {
  DEFAULT_MAX_FINDINGS,
  reviewSystemPrompt,
  userPrompt,
  type PromptInputs
} from './prompts.js'
import {
  OutputModes,
  runParts,
  TaskAbortedError,
  type PartResult,
  type PartsOutcome
} from './run-parts.js'
import { FINDINGS_FORMAT, parseFindings, SEVERITIES, type Finding } from './schema.js'
import { count } from '../plural.js'

export interface TaskContext extends PromptInputs {
  deployment: string
  concurrency: number
  maxOutputTokens: number
  /** Remembers deployments that refuse json_schema; share one across a run's tasks. */
  modes?: OutputModes
}

export interface ReviewResult {
  findings: Finding[]
  parts: PartResult[]
  promptTokens: number
  completionTokens: number
  /** Model calls made. */
  requests: number
}

/**
 * Reviews every packed request. Throws TaskAbortedError<ReviewResult> (an AuthError) when the
 * chain breaks; its `partial` holds the findings of the parts that finished.
 */
export async function runReview(
  model: ModelClient,
  packed: PackResult,
  ctx: TaskContext
): Promise<ReviewResult> {
  const modes = ctx.modes ?? new OutputModes()
  try {
    const outcome = await runParts(model, packed.requests, {
      task: 'review',
      deployment: ctx.deployment,
      concurrency: ctx.concurrency,
      maxOutputTokens: ctx.maxOutputTokens,
      format: FINDINGS_FORMAT,
      modes,
      system: (mode) => reviewSystemPrompt(ctx, mode),
      user: (request) => userPrompt(ctx, request.text),
      parse: (content, truncated, request) => {
        const { findings, dropped } = parseFindings(content, truncated)
        // A path the request did not show is an invention; anchoring happens at publish time.
        const shown = new Set(request.files.map((f) => f.path))
        const kept = findings.filter((f) => shown.has(f.path))
        const capped = mostSevere(kept, ctx.maxFindings ?? DEFAULT_MAX_FINDINGS)
        const lost = dropped + findings.length - capped.length
        const n = capped.length
        return {
          value: capped,
          dropped: lost,
          describe: count(n, 'finding')
        }
      }
    })
    return toResult(outcome)
  } catch (error) {
    if (error instanceof TaskAbortedError) {
      throw new TaskAbortedError(error.original, toResult(error.partial as PartsOutcome<Finding[]>))
    }
    throw error
  }
}

function toResult(outcome: PartsOutcome<Finding[]>): ReviewResult {
  return {
    findings: outcome.settled.flatMap((s) => s.value ?? []),
    parts: outcome.settled.map((s) => s.part),
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests
  }
}

/** The model is asked for at most N; if it gives more, the most severe are kept, in order. */
function mostSevere(findings: Finding[], max: number): Finding[] {
  if (findings.length <= max) return findings
  const rank = (f: Finding): number => SEVERITIES.indexOf(f.severity)
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i)
    .map(({ f }) => f)
}

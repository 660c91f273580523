/**
 * The two tasks over packed requests. Review: each request → findings, validated and kept to
 * the files that request showed. Summary: each request → an overview and a walkthrough row per
 * file; a pull request of several parts gets one more small call that merges the overviews.
 * Parts run concurrently (parts.ts); one part's failure is reported, not fatal.
 */
import * as core from '@actions/core'
import { count } from '../format.js'
import type { Model } from '../model.js'
import type { PackResult, Request } from './pack.js'
import {
  runParts,
  tally,
  type OutputModes,
  type PartResult,
  type PartsOutcome,
  type Settled
} from './parts.js'
import {
  compositionPrompt,
  compositionSystemPrompt,
  DEFAULT_MAX_FINDINGS,
  reviewSystemPrompt,
  summarySystemPrompt,
  userPrompt,
  type PromptInputs
} from './prompts.js'
import {
  FINDINGS_SCHEMA,
  OVERVIEW_SCHEMA,
  parseFindings,
  parseOverview,
  parseSummary,
  SEVERITIES,
  SUMMARY_SCHEMA,
  type FileChange,
  type Finding,
  type SummaryPart
} from './schema.js'
import { countTokens } from './tokens.js'

export interface TaskContext extends PromptInputs {
  readonly deployment: string
  readonly concurrency: number
  readonly maxOutputTokens: number
  /** Remembers deployments that refuse json_schema; one per run, shared by its tasks. */
  readonly modes: OutputModes
}

export interface Usage {
  readonly promptTokens: number
  readonly completionTokens: number
  /** Model calls made. */
  readonly requests: number
}

export interface ReviewResult extends Usage {
  readonly findings: Finding[]
  readonly parts: PartResult[]
}

export interface SummaryResult extends Usage {
  /** Empty when no part could be summarized. */
  readonly overview: string
  readonly walkthrough: FileChange[]
  /** The parts, then the composition call (index parts + 1) when there was one. */
  readonly parts: PartResult[]
}

/** Reviews every packed request. A broken chain leaves as the StageError it is. */
export async function runReview(
  model: Model,
  packed: PackResult,
  ctx: TaskContext
): Promise<ReviewResult> {
  const outcome = await runParts(model, packed.requests, {
    task: 'review',
    deployment: ctx.deployment,
    concurrency: ctx.concurrency,
    maxOutputTokens: ctx.maxOutputTokens,
    format: FINDINGS_SCHEMA,
    modes: ctx.modes,
    system: (mode) => reviewSystemPrompt(ctx, mode),
    user: (request) => userPrompt(ctx, request.text),
    parse: (content, truncated, request) => {
      const { findings, dropped } = parseFindings(content, truncated)
      // A path the request did not show is an invention; anchoring happens at publish time.
      const shown = new Set(request.files.map((f) => f.path))
      const kept = findings.filter((f) => shown.has(f.path))
      const capped = mostSevere(kept, ctx.maxFindings ?? DEFAULT_MAX_FINDINGS)
      return {
        value: capped,
        dropped: dropped + findings.length - capped.length,
        describe: count(capped.length, 'finding')
      }
    }
  })
  return {
    findings: outcome.settled.flatMap((s) => s.value ?? []),
    ...usageOf(outcome)
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

/** Summarizes the packed requests, then merges the parts' overviews when there are several. */
export async function runSummary(
  model: Model,
  packed: PackResult,
  ctx: TaskContext
): Promise<SummaryResult> {
  const outcome = await runParts(model, packed.requests, {
    task: 'summary',
    deployment: ctx.deployment,
    concurrency: ctx.concurrency,
    maxOutputTokens: ctx.maxOutputTokens,
    format: SUMMARY_SCHEMA,
    modes: ctx.modes,
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
  const summaries = outcome.settled.flatMap((s) => (s.value ? [s.value] : []))
  const files = walkthrough(outcome.settled)
  if (summaries.length <= 1) {
    return { overview: summaries[0]?.overview ?? '', walkthrough: files, ...usageOf(outcome) }
  }
  const composed = await compose(model, summaries, ctx)
  composed.part.index = packed.requests.length + 1
  if (composed.value === undefined) {
    core.warning(
      `Could not merge the summaries of ${summaries.length} parts (${composed.part.reason ?? composed.part.status}); the summary shows their overviews one after another.`
    )
  }
  return {
    overview: composed.value ?? summaries.map((s) => s.overview).join('\n\n'),
    walkthrough: files,
    ...usageOf(tally<unknown>([...outcome.settled, composed]))
  }
}

/** One call that merges the parts' overviews into one. */
async function compose(
  model: Model,
  summaries: SummaryPart[],
  ctx: TaskContext
): Promise<Settled<string>> {
  const overviews = summaries.map((s) => s.overview)
  const outcome = await runParts(model, [compositionRequest(ctx, overviews)], {
    task: 'summary composition',
    deployment: ctx.deployment,
    concurrency: 1,
    maxOutputTokens: ctx.maxOutputTokens,
    format: OVERVIEW_SCHEMA,
    modes: ctx.modes,
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

function usageOf(outcome: PartsOutcome<unknown>): Usage & { parts: PartResult[] } {
  return {
    parts: outcome.settled.map((s) => s.part),
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests
  }
}

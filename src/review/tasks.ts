/**
 * What the model is asked, over the packed requests. With one deployment, one pass asks each
 * request for its walkthrough rows and its findings together: the diff goes to the model once
 * per run. With the summary on another deployment, a summary pass and a review pass run side by
 * side under the one `concurrency` limit. A pull request that fits one request gets its
 * overview in that request's answer; a larger one (or a later push) from one small composition
 * call over the rows. One part's trouble stays that part's (parts.ts).
 */
import * as core from '@actions/core'
import pLimit from 'p-limit'
import { count } from '../format.js'
import type { StageError } from '../errors.js'
import type { Model } from '../model.js'
import type { Task } from '../pull-request.js'
import { commentableLines, contextLinesShown } from './diff.js'
import type { Request } from './pack.js'
import {
  OutputModes,
  pathsOf,
  runParts,
  replayable,
  type PartResult,
  type Requests,
  type Settled
} from './parts.js'
import {
  compositionPrompt,
  compositionSystemPrompt,
  DEFAULT_MAX_FINDINGS,
  MAX_COMPOSITION_ROWS,
  promptOverhead,
  systemPrompt,
  userPrompt,
  type PromptInputs
} from './prompts.js'
import {
  LIMITS,
  OVERVIEW_SCHEMA,
  parseAnswer,
  schemaFor,
  SEVERITIES,
  type Answer,
  type FileChange,
  type Finding,
  type Wants
} from './schema.js'
import { usageOf } from './call.js'
import { countTokens } from './tokens.js'

/** One pass over every request: which deployment, asked for what. */
export interface Pass {
  /** For the log and the job summary: "summary and review", "summary", "review". */
  readonly label: string
  readonly deployment: string
  readonly rows: boolean
  readonly findings: boolean
}

/**
 * The passes a run makes for its tasks: one when both tasks share a deployment. A review that
 * refreshes the summary's rows (a `/review` on a pull request with our summary) asks each
 * request for its rows too, in its one pass.
 */
export function passesFor(
  tasks: readonly Task[],
  deployments: { readonly review: string; readonly summary: string },
  refreshRows = false
): Pass[] {
  const summary = tasks.includes('summary')
  const review = tasks.includes('review')
  if (review && !summary && refreshRows) {
    return [{ label: 'review', deployment: deployments.review, rows: true, findings: true }]
  }
  if (summary && review && deployments.summary === deployments.review) {
    return [
      { label: 'summary and review', deployment: deployments.review, rows: true, findings: true }
    ]
  }
  return [
    ...(summary
      ? [{ label: 'summary', deployment: deployments.summary, rows: true, findings: false }]
      : []),
    ...(review
      ? [{ label: 'review', deployment: deployments.review, rows: false, findings: true }]
      : [])
  ]
}

/** What one request of a pass costs before its diff; the overview is asked for at most once. */
export function passOverhead(pass: Pass, prompt: PromptInputs): number {
  return promptOverhead({ rows: pass.rows, findings: pass.findings, overview: pass.rows }, prompt)
}

/** Prompt tokens to set aside for the composition of a pull request's overview. */
export function compositionReserve(files: number, prompt: PromptInputs): number {
  const system =
    countTokens(compositionSystemPrompt(prompt)) + countTokens(JSON.stringify(OVERVIEW_SCHEMA))
  // About 30 tokens per file line, as many lines as a composition reads.
  return (
    system +
    countTokens(compositionPrompt(prompt, [])) +
    30 * Math.min(files, MAX_COMPOSITION_ROWS) +
    400
  )
}

export interface TasksInput {
  readonly passes: readonly Pass[]
  /**
   * The packed requests, all at once or as they become ready (parts.ts). Only requests known at
   * once can hold the overview in their answer (when there is one request).
   */
  readonly requests: Requests
  readonly prompt: PromptInputs
  readonly concurrency: number
  readonly maxOutputTokens: number
  /** For a summary after a later push: the rows of the files it did not change, and the overview before. */
  readonly previous?: { readonly overview: string; readonly rows: readonly FileChange[] }
  /**
   * False for a review that only refreshes the summary's rows and state: the earlier overview
   * stays, and no composition is asked for.
   */
  readonly compose?: boolean
}

export interface Usage {
  readonly promptTokens: number
  readonly completionTokens: number
  /** Model calls made. */
  readonly requests: number
}

export interface TasksResult extends Usage {
  /** Empty when no summary was asked for, or none could be written. */
  readonly overview: string
  readonly walkthrough: FileChange[]
  readonly findings: Finding[]
  readonly parts: { readonly task: string; readonly part: PartResult }[]
  /** The chain broke mid-run: what succeeded is here, the rest listed as not sent. */
  readonly broken?: StageError
}

/** Every pass's parts answered: the findings are final; the overview may still be composed. */
export interface PartsAnswered {
  readonly findings: Finding[]
  readonly parts: { readonly task: string; readonly part: PartResult }[]
  /** Answers with rows (and, for a one-request pull request, the overview). */
  readonly answers: readonly Answer[]
  /** Requests sent per pass. */
  readonly sent: number
  readonly limit: ReturnType<typeof pLimit>
  readonly modes: OutputModes
  /** The chain broke while the passes ran (parts.ts): no more requests are sent. */
  readonly broken?: StageError
}

/** The passes and the overview: askParts, then finishTasks. */
export async function runTasks(model: Model, input: TasksInput): Promise<TasksResult> {
  return finishTasks(model, await askParts(model, input), input)
}

/** Every pass over every request, `concurrency` requests at a time for all passes together. */
export async function askParts(model: Model, input: TasksInput): Promise<PartsAnswered> {
  const limit = pLimit(Math.max(1, input.concurrency))
  const modes = new OutputModes()
  // A pull request that fits one request gets its overview in the same answer.
  const overviewInPart =
    Array.isArray(input.requests) && input.requests.length === 1 && !input.previous
  // Each pass sends every request.
  const requests =
    Array.isArray(input.requests) || input.passes.length < 2
      ? input.requests
      : replayable(input.requests as AsyncIterable<readonly Request[]>)
  const outcomes = await Promise.all(
    input.passes.map(async (pass) => ({
      pass,
      ...(await runPass(model, pass, { ...input, requests, limit, modes, overviewInPart }))
    }))
  )
  const parts = outcomes.flatMap(({ pass, settled }) =>
    settled.map((s) => ({ task: pass.label, part: s.part }))
  )
  const answers = outcomes.flatMap(({ settled }) =>
    settled.flatMap((s) => (s.value ? [s.value] : []))
  )
  const sent = Math.max(0, ...outcomes.map((o) => o.packed))
  const broken = outcomes.find((o) => o.broken)?.broken
  return {
    findings: answers.flatMap((a) => a.findings),
    parts,
    answers,
    sent,
    limit,
    modes,
    ...(broken ? { broken } : {})
  }
}

/** The walkthrough and the overview (composed from the rows when no part wrote one). */
export async function finishTasks(
  model: Model,
  asked: PartsAnswered,
  input: TasksInput
): Promise<TasksResult> {
  const { answers, findings, limit, modes } = asked
  const parts = [...asked.parts]
  let broken = asked.broken
  const result = (overview: string, walkthrough: FileChange[]): TasksResult => ({
    overview,
    walkthrough,
    findings,
    parts,
    ...usageOf(parts.map((p) => p.part)),
    ...(broken ? { broken } : {})
  })
  const summaryPass = input.passes.find((p) => p.rows)
  if (!summaryPass) return result('', [])

  const fresh = walkthrough(answers)
  const freshPaths = new Set(fresh.map((r) => r.path))
  const rows = [...(input.previous?.rows ?? []).filter((r) => !freshPaths.has(r.path)), ...fresh]
  let overview = answers.find((a) => a.overview !== undefined)?.overview ?? ''
  const keep = input.previous
    ? 'the summary keeps the earlier one'
    : 'the summary has the walkthrough only'
  if (input.compose === false) {
    overview = input.previous?.overview ?? overview
  } else if (!overview && rows.length > 0 && broken) {
    // A broken chain would refuse the composition too.
    overview = input.previous?.overview ?? ''
    core.warning(`The overview was not written, as the run stopped asking the model; ${keep}.`)
  } else if (!overview && rows.length > 0) {
    const composed = await compose(model, summaryPass, rows, { ...input, limit, modes })
    composed.settled.part.index = asked.sent + 1
    parts.push({ task: 'overview', part: composed.settled.part })
    overview = composed.settled.value ?? input.previous?.overview ?? ''
    broken ??= composed.broken
    if (composed.settled.value === undefined) {
      core.warning(
        `Could not write the overview (${composed.settled.part.reason ?? composed.settled.part.status}); ${keep}.`
      )
    }
  }
  return result(overview, rows)
}

interface PassContext extends TasksInput {
  readonly limit: ReturnType<typeof pLimit>
  readonly modes: OutputModes
  readonly overviewInPart: boolean
}

async function runPass(
  model: Model,
  pass: Pass,
  ctx: PassContext
): Promise<{ settled: Settled<Answer>[]; packed: number; broken?: StageError }> {
  const wants: Wants = {
    rows: pass.rows,
    findings: pass.findings,
    overview: pass.rows && ctx.overviewInPart
  }
  const outcome = await runParts(model, ctx.requests, {
    task: pass.label,
    deployment: pass.deployment,
    limit: ctx.limit,
    maxOutputTokens: ctx.maxOutputTokens,
    format: schemaFor(wants),
    modes: ctx.modes,
    system: (mode) => systemPrompt(ctx.prompt, wants, mode),
    user: (request) => userPrompt(ctx.prompt, request.text),
    parse: (content, truncated, request) => {
      const answer = parseAnswer(content, wants, truncated)
      // A path the request did not show is an invention; anchoring happens at posting time.
      const shown = new Set(pathsOf(request))
      const rows = answer.rows.filter((r) => shown.has(r.path))
      const onShownFiles = answer.findings.filter((f) => shown.has(f.path))
      // The code around the hunks is there to be read, not commented on.
      const kept = onShownFiles.filter((f) => !citesContext(request, f))
      const onContext = onShownFiles.length - kept.length
      const max = ctx.prompt.maxFindings ?? DEFAULT_MAX_FINDINGS
      const findings = mostSevere(kept, max)
      const invented =
        answer.rows.length - rows.length + answer.findings.length - onShownFiles.length
      const overMax = kept.length - findings.length
      return {
        value: { ...answer, rows, findings },
        dropped: answer.dropped + invented,
        describe: [
          wants.overview ? 'overview' : '',
          wants.rows ? count(rows.length, 'file') : '',
          wants.findings ? count(findings.length, 'finding') : '',
          overMax > 0
            ? `${count(overMax, 'less severe finding')} over the ${max} asked for left out`
            : '',
          onContext > 0 ? `${count(onContext, 'finding')} on code around the hunks dropped` : ''
        ]
          .filter(Boolean)
          .join(', ')
      }
    }
  })
  return {
    settled: outcome.settled,
    packed: outcome.packed,
    ...(outcome.broken ? { broken: outcome.broken } : {})
  }
}

/** A finding on a line the request showed only as code around a hunk, not as part of the diff. */
function citesContext(request: Request, finding: Finding): boolean {
  if ((finding.side ?? 'RIGHT') !== 'RIGHT') return false
  for (const piece of request.pieces) {
    if (piece.file.path !== finding.path || !piece.file.context) continue
    const around = contextLinesShown(piece.file, piece.segments)
    if (around.has(finding.line) && !commentableLines(piece.file).RIGHT.has(finding.line))
      return true
  }
  return false
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

/** One call that writes the overview from the rows (and the overview written before). */
async function compose(
  model: Model,
  pass: Pass,
  rows: readonly FileChange[],
  ctx: TasksInput & { readonly limit: ReturnType<typeof pLimit>; readonly modes: OutputModes }
): Promise<{ settled: Settled<string>; broken?: StageError }> {
  const user = compositionPrompt(ctx.prompt, rows, ctx.previous?.overview)
  const request: Request = { pieces: [], text: user, tokens: countTokens(user) }
  const wants: Wants = { rows: false, findings: false, overview: true }
  const outcome = await runParts(model, [request], {
    task: 'overview',
    deployment: pass.deployment,
    limit: ctx.limit,
    maxOutputTokens: ctx.maxOutputTokens,
    format: OVERVIEW_SCHEMA,
    modes: ctx.modes,
    system: (mode) => compositionSystemPrompt(ctx.prompt, mode),
    user: () => user,
    parse: (content) => ({
      value: parseAnswer(content, wants).overview ?? '',
      dropped: 0,
      describe: 'overview'
    })
  })
  return {
    settled: outcome.settled[0] as Settled<string>,
    ...(outcome.broken ? { broken: outcome.broken } : {})
  }
}

/** The answers' rows in order; a file shown in several parts gets its distinct changes joined. */
function walkthrough(answers: readonly Answer[]): FileChange[] {
  const byPath = new Map<string, string[]>()
  for (const answer of answers) {
    for (const row of answer.rows) {
      const changes = byPath.get(row.path) ?? []
      if (!changes.includes(row.change)) changes.push(row.change)
      byPath.set(row.path, changes)
    }
  }
  return [...byPath].map(([path, changes]) => ({
    path,
    change: changes.join(' ').slice(0, 2 * LIMITS.change)
  }))
}

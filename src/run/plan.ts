/**
 * What the model will see, decided before anything is sent: which files (review/select.ts;
 * after a later push, only those it changed and those an earlier run left to review), in which
 * requests (review/pack.ts) within the per-request and the run's budgets, asked for what (the
 * passes of review/tasks.ts), and what is left out and why. The code around the hunks it may
 * show: plan-context.ts.
 */
import * as core from '@actions/core'
import { count, shortSha, thousands } from '../format.js'
import type { Omission } from '../post/summary.js'
import type { NotReviewed, PrFile, Task } from '../pull-request.js'
import { pack, requestBudget, type PackOptions, type PackResult } from '../review/pack.js'
import type { PromptInputs } from '../review/prompts.js'
import type { FileChange } from '../review/schema.js'
import { selectFiles } from '../review/select.js'
import { compositionReserve, passesFor, passOverhead, type Pass } from '../review/tasks.js'
import type { Config } from '../settings.js'
import type { Snapshot } from './snapshot.js'

/** Room for one answer: the walkthrough rows of the files a request shows, and its findings. */
export const MAX_OUTPUT_TOKENS = 8192

export interface Plan {
  readonly passes: readonly Pass[]
  readonly packed: PackResult
  /** Every file of the pull request the model does not see this run, with the reason. */
  readonly notReviewed: Omission[]
  /** The files the model sees this run. */
  readonly sent: string[]
  /** What the budget left out, with the budget that would include it. */
  readonly overBudget?: { readonly files: number; readonly tokens: number; readonly budget: number }
  /** For an incremental summary: the overview and the rows of the files this push did not change. */
  readonly previous?: { readonly overview: string; readonly rows: readonly FileChange[] }
  /** The files planned (after selection) and how they were packed: the context re-packs them. */
  readonly scope: readonly PrFile[]
  readonly packOptions: PackOptions
  /** The code around the hunks this run shows, when it shows any. */
  readonly context?: ContextShown
}

export interface ContextShown {
  readonly files: number
  readonly hunks: number
  readonly tokens: number
  /** The diff's own tokens, which bound the context's. */
  readonly diffTokens: number
}

export function planRun(
  config: Config,
  snapshot: Snapshot,
  tasks: readonly Task[],
  prompt: PromptInputs
): Plan {
  const scoped = scopeRun(config, snapshot, tasks, prompt)
  return planOf(config, scoped, pack(scoped.scope, scoped.packOptions))
}

/** A plan before its files are packed: which files, asked of which passes, within what. */
export interface Scoped {
  readonly passes: readonly Pass[]
  /**
   * A review (`/review`) on a pull request with our summary: its rows and state are brought up
   * to date with what this run reviews, its overview kept (docs/architecture.md).
   */
  readonly refreshesSummary: boolean
  readonly scope: readonly PrFile[]
  readonly packOptions: PackOptions
  readonly skipped: readonly NotReviewed[]
  readonly previous: Plan['previous']
}

/** Which files the run sends and how they are to be packed (planRun's first half). */
export function scopeRun(
  config: Config,
  snapshot: Snapshot,
  tasks: readonly Task[],
  prompt: PromptInputs
): Scoped {
  const refreshesSummary = refreshable(snapshot, tasks)
  const passes = passesFor(
    tasks,
    { review: config.model.deployment, summary: config.model.summaryDeployment },
    refreshesSummary
  )
  const whole = selectFiles(snapshot.files, config)
  const previous = refreshesSummary
    ? rememberedSummary(snapshot)
    : incrementalSummary(snapshot, tasks)
  // Without an earlier overview to update, a summary reads the whole pull request again.
  const changed =
    snapshot.incremental && (previous || !tasks.includes('summary'))
      ? snapshot.incremental
      : undefined
  const carried = changed ? leftToReview(snapshot) : []
  const scope = changed
    ? selectFiles(together(snapshot, changed.files, carried), config).selected
    : whole.selected
  if (changed) {
    const also =
      carried.length > 0 ? ` (and ${count(carried.length, 'file')} an earlier run left)` : ''
    core.info(
      `Incremental: ${count(scope.length, 'file')} to review, changed since ${shortSha(changed.since)}${also}${previous ? `; the summary keeps its rows for the other ${count(previous.rows.length, 'file')}` : ''}.`
    )
  }
  return {
    passes,
    refreshesSummary,
    scope,
    skipped: whole.skipped,
    previous: (changed || refreshesSummary) && previous ? previous : undefined,
    packOptions: {
      perRequestBudget: Math.min(
        ...passes.map((p) => requestBudget(p.deployment, MAX_OUTPUT_TOKENS))
      ),
      runBudget: config.tokenBudget,
      overheads: passes.map((p) => passOverhead(p, prompt)),
      reserved:
        passes.some((p) => p.rows) && !refreshesSummary
          ? compositionReserve(scope.length, prompt)
          : 0
    }
  }
}

/** The plan of the files as packed (planRun's second half), told in the log. */
export function planOf(config: Config, scoped: Scoped, packed: PackResult): Plan {
  const { passes, scope, packOptions, previous } = scoped
  const sent = [...new Set(packed.requests.flatMap((r) => r.pieces.map((p) => p.file.path)))]
  const left = new Map<string, Omission>()
  for (const s of scoped.skipped) left.set(s.path, { ...s, kind: 'skipped' })
  for (const n of packed.notReviewed) left.set(n.path, { ...n, kind: 'budget' })
  const notReviewed = [...left.values()]
  core.info(
    `${passes.map((p) => `${p.label} on ${p.deployment}`).join(', ')}: ${count(sent.length, 'file')} in ${count(packed.requests.length, 'request')}, ${thousands(packed.promptTokens)} prompt tokens planned (token-budget ${thousands(config.tokenBudget)}).`
  )
  for (const [reason, n] of tally(notReviewed))
    core.info(`  left out: ${count(n, 'file')}, ${reason}`)
  const overBudget = packed.overBudget && {
    ...packed.overBudget,
    // The next round 10,000 that covers the rest.
    budget: Math.ceil((config.tokenBudget + packed.overBudget.tokens) / 10_000) * 10_000
  }
  if (overBudget) {
    core.warning(
      `Reviewing the ${count(overBudget.files, 'file')} over the token budget would cost about ${thousands(overBudget.tokens)} more prompt tokens; set token-budget: ${overBudget.budget} to include them.`
    )
  }
  return {
    passes,
    packed,
    notReviewed,
    sent,
    scope,
    packOptions,
    ...(overBudget ? { overBudget } : {}),
    ...(previous ? { previous } : {})
  }
}

/** The files of the pull request an earlier run did not review (its part failed, or the budget). */
function leftToReview(snapshot: Snapshot): PrFile[] {
  const pending = snapshot.summaryComment?.state.pending
  if (!Array.isArray(pending)) return []
  const paths = new Set(pending)
  return snapshot.files.filter((f) => paths.has(f.path))
}

/**
 * The changed files and those left to review, in the pull request's order; a file left to
 * review is shown whole (its earlier changes were never reviewed), not only what changed.
 */
function together(
  snapshot: Snapshot,
  changed: readonly PrFile[],
  carried: readonly PrFile[]
): PrFile[] {
  const byPath = new Map(changed.map((f) => [f.path, f]))
  for (const f of carried) byPath.set(f.path, f)
  const order = new Map(snapshot.files.map((f, i) => [f.path, i]))
  return [...byPath.values()].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0))
}

/**
 * The overview and the rows of files still in the pull request that the latest push did not
 * change, from our summary comment: what an incremental summary builds on. Undefined when the
 * comment remembers no overview (a summary of an older version of the action).
 */
function incrementalSummary(
  snapshot: Snapshot,
  tasks: readonly Task[]
): Plan['previous'] | undefined {
  const state = snapshot.summaryComment?.state
  // An overview left empty (a run whose chain broke) is composed from the rows this time.
  if (
    !tasks.includes('summary') ||
    !snapshot.incremental ||
    state?.overview === undefined ||
    !state.rows
  ) {
    return undefined
  }
  const changed = new Set(snapshot.incremental.files.map((f) => f.path))
  const present = new Set(snapshot.files.map((f) => f.path))
  const rows = state.rows.filter((r) => present.has(r.path) && !changed.has(r.path))
  return { overview: state.overview, rows }
}

/**
 * Whether a review-only run brings our summary up to date: it reviews (some of) what the summary
 * lists as still to review, or what changed since, and without this the summary would keep
 * saying so and the next push would send it again. Needs the summary's remembered overview.
 */
function refreshable(snapshot: Snapshot, tasks: readonly Task[]): boolean {
  const state = snapshot.summaryComment?.state
  return (
    tasks.includes('review') &&
    !tasks.includes('summary') &&
    state?.overview !== undefined &&
    !!state.rows
  )
}

/** The summary's overview and the rows of files still in the pull request, as remembered. */
function rememberedSummary(snapshot: Snapshot): Plan['previous'] | undefined {
  const state = snapshot.summaryComment?.state
  if (state?.overview === undefined || !state.rows) return undefined
  const present = new Set(snapshot.files.map((f) => f.path))
  return { overview: state.overview, rows: state.rows.filter((r) => present.has(r.path)) }
}

/** Reasons, most common first, with how many files each left out. */
function tally(notReviewed: readonly NotReviewed[]): [string, number][] {
  const counts = new Map<string, number>()
  for (const n of notReviewed) {
    const reason = n.reason.replace(/, from hunk \d+ on$/, '')
    counts.set(reason, (counts.get(reason) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1])
}

/**
 * What the model will see, decided before anything is sent: which files (review/select.ts;
 * after a later push, only those it changed and those an earlier run left to review), in which
 * requests (review/pack.ts) within the per-request and the run's budgets, asked for what (the
 * passes of review/tasks.ts), and what is left out and why.
 */
import * as core from '@actions/core'
import { count, shortSha, thousands } from '../format.js'
import type { Omission } from '../post/summary.js'
import type { NotReviewed, PrFile, Task } from '../pull-request.js'
import { surround } from '../review/context-budget.js'
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

/** The code around the hunks costs at most this share of the diff's own tokens. */
export const MAX_CONTEXT_SHARE = 0.5
/** Files read at head for context, at most, in one run (each read is one API request). */
export const MAX_CONTEXT_FILES = 100

export function planRun(
  config: Config,
  snapshot: Snapshot,
  tasks: readonly Task[],
  prompt: PromptInputs
): Plan {
  const passes = passesFor(tasks, {
    review: config.model.deployment,
    summary: config.model.summaryDeployment
  })
  const whole = selectFiles(snapshot.files, config)
  const previous = incrementalSummary(snapshot, tasks)
  // Without an earlier overview to update, a summary reads the whole pull request again.
  const changed =
    snapshot.incremental && (previous || !tasks.includes('summary'))
      ? snapshot.incremental
      : undefined
  const carried = changed ? leftToReview(snapshot) : []
  const scope = changed
    ? selectFiles(together(snapshot, changed.files, carried), config).selected
    : whole.selected
  const packOptions: PackOptions = {
    perRequestBudget: Math.min(
      ...passes.map((p) => requestBudget(p.deployment, MAX_OUTPUT_TOKENS))
    ),
    runBudget: config.tokenBudget,
    overheads: passes.map((p) => passOverhead(p, prompt)),
    reserved: passes.some((p) => p.rows) ? compositionReserve(scope.length, prompt) : 0
  }
  const packed = pack(scope, packOptions)
  const sent = [...new Set(packed.requests.flatMap((r) => r.pieces.map((p) => p.file.path)))]
  const left = new Map<string, Omission>()
  for (const s of whole.skipped) left.set(s.path, { ...s, kind: 'skipped' })
  for (const n of packed.notReviewed) left.set(n.path, { ...n, kind: 'budget' })
  const notReviewed = [...left.values()]

  if (changed) {
    const also =
      carried.length > 0 ? ` (and ${count(carried.length, 'file')} an earlier run left)` : ''
    core.info(
      `Incremental: ${count(scope.length, 'file')} to review, changed since ${shortSha(changed.since)}${also}${previous ? `; the summary keeps its rows for the other ${count(previous.rows.length, 'file')}` : ''}.`
    )
  }
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
    ...(changed && previous ? { previous } : {})
  }
}

/**
 * The files whose hunks are worth showing with the code around them: shown whole this run,
 * with hunks, and not new (a new file's diff is the whole file). The first MAX_CONTEXT_FILES.
 */
export function contextCandidates(plan: Plan): PrFile[] {
  const partial = new Set(plan.packed.notReviewed.map((n) => n.path))
  const sent = new Set(plan.sent)
  return plan.scope
    .filter(
      (f) =>
        sent.has(f.path) &&
        !partial.has(f.path) &&
        f.status !== 'added' &&
        f.hunks !== null &&
        f.hunks.length > 0
    )
    .slice(0, MAX_CONTEXT_FILES)
}

/**
 * The token room the code around the hunks may take: half the diff, within what the run's
 * budget leaves; none when the budget already left part of the diff out (context would only
 * push more of it out).
 */
export function contextBudget(plan: Plan): number {
  const { packOptions, packed } = plan
  if (packed.overBudget) return 0
  const diffTokens = diffTokensOf(packed)
  const passes = Math.max(1, packOptions.overheads.length)
  const left = packOptions.runBudget - (packOptions.reserved ?? 0) - packed.promptTokens
  return Math.max(
    0,
    Math.min(Math.floor(diffTokens * MAX_CONTEXT_SHARE), Math.floor(left / passes))
  )
}

const diffTokensOf = (packed: PackResult): number =>
  packed.requests.reduce((n, r) => n + r.tokens, 0)

/**
 * The plan with the code around its hunks (`heads`: files at head, by path), re-packed. The
 * context only takes room the diff leaves: should a re-pack leave out anything the plan
 * showed, the context is halved, and after three tries dropped.
 */
export function withContext(plan: Plan, heads: ReadonlyMap<string, readonly string[]>): Plan {
  const diffTokens = diffTokensOf(plan.packed)
  let budget = contextBudget(plan)
  for (let attempt = 0; attempt < 3 && budget > 0; attempt++, budget = Math.floor(budget / 2)) {
    const surrounded = surround(plan.scope, heads, budget)
    if (surrounded.hunks === 0) break
    const packed = pack(surrounded.files, plan.packOptions)
    if (
      packed.notReviewed.length !== plan.packed.notReviewed.length ||
      packed.promptTokens > plan.packOptions.runBudget
    ) {
      continue
    }
    const context: ContextShown = {
      files: surrounded.files.filter((f) => f.context).length,
      hunks: surrounded.hunks,
      tokens: Math.max(0, diffTokensOf(packed) - diffTokens),
      diffTokens
    }
    core.info(
      `Context: ${thousands(context.tokens)} tokens of code around ${count(context.hunks, 'hunk')} in ${count(context.files, 'file')} (${Math.round((100 * context.tokens) / Math.max(1, diffTokens))}% of the diff's ${thousands(diffTokens)} tokens; at most ${Math.round(MAX_CONTEXT_SHARE * 100)}%); ${count(packed.requests.length, 'request')}, ${thousands(packed.promptTokens)} prompt tokens planned.`
    )
    return { ...plan, packed, scope: surrounded.files, context }
  }
  core.info(
    plan.packed.overBudget
      ? 'Context: none this run (token-budget is spent on the diff itself).'
      : 'Context: none this run (no room left in token-budget, or no code around the hunks).'
  )
  return plan
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
  if (!tasks.includes('summary') || !snapshot.incremental || !state?.overview || !state.rows) {
    return undefined
  }
  const changed = new Set(snapshot.incremental.files.map((f) => f.path))
  const present = new Set(snapshot.files.map((f) => f.path))
  const rows = state.rows.filter((r) => present.has(r.path) && !changed.has(r.path))
  return { overview: state.overview, rows }
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

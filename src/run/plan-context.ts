/**
 * The code around the hunks in a plan: which files it is read for (at most MAX_CONTEXT_FILES),
 * the room it may take (a share of the diff, within what token-budget leaves), adding it
 * (re-packed, halved should the diff need the room), and how the requests wait for it: those
 * that show no file it is read for at once, the others a slice at a time; whether a plan of
 * files likely leaves room for it at all, estimated before they are packed.
 */
import * as core from '@actions/core'
import { count, thousands } from '../format.js'
import type { PrFile } from '../pull-request.js'
import { surround } from '../review/context-budget.js'
import { estimatedTokens, pack, type PackResult, type Request } from '../review/pack.js'
import type { ContextShown, Plan, Scoped } from './plan.js'

/**
 * The code around the hunks costs at most this share of the diff's own tokens: with the line
 * numbers and headings (about 15 %), a prompt stays under 1.5 times its diff.
 */
const MAX_CONTEXT_SHARE = 0.3
/** Files read at head for context, at most, in one run (in one or two GraphQL queries). */
const MAX_CONTEXT_FILES = 100

/**
 * Whether the diff, estimated from its patches' lengths before anything is counted, leaves
 * token-budget room for the code around the hunks. When it does, the files at head are read
 * while the diff is packed (likelyReads); when it does not, the requests leave as they are
 * packed, without that code.
 */
export function roomLikely(scoped: Scoped): boolean {
  const { packOptions } = scoped
  const passes = Math.max(1, packOptions.overheads.length)
  const capacity = packOptions.perRequestBudget - Math.max(0, ...packOptions.overheads)
  const diff = scoped.scope.reduce((n, f) => n + estimatedTokens(f), 0)
  const requests = Math.ceil(diff / Math.max(1, capacity))
  const perRequest = packOptions.overheads.reduce((a, b) => a + b, 0)
  return passes * diff + requests * perRequest < packOptions.runBudget - (packOptions.reserved ?? 0)
}

/**
 * The files contextCandidates would choose should the whole diff fit (roomLikely), in two
 * groups: those the first `wave` requests likely show, and the others (by their estimated
 * size), so that the first requests wait only for theirs.
 */
export function likelyReads(scoped: Scoped, wave: number): [string[], string[]] {
  const { packOptions } = scoped
  const capacity = packOptions.perRequestBudget - Math.max(0, ...packOptions.overheads)
  const first: string[] = []
  const rest: string[] = []
  let at = 0
  for (const f of scoped.scope) {
    const before = at
    at += estimatedTokens(f)
    if (first.length + rest.length >= MAX_CONTEXT_FILES) break
    if (f.status === 'added' || !f.hunks || f.hunks.length === 0) continue
    ;(before < wave * capacity ? first : rest).push(f.path)
  }
  return [first, rest]
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
 * The token room the code around the hunks may take: MAX_CONTEXT_SHARE of the diff, within what the run's
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
 * showed, the context is halved, and after three tries dropped. `of`: which requests, for the
 * log ("this run", or a slice's).
 */
export function withContext(
  plan: Plan,
  heads: ReadonlyMap<string, readonly string[]>,
  of = 'this run'
): Plan {
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
    const label = of === 'this run' ? 'Context' : `Context of ${of}`
    core.info(
      `${label}: ${thousands(context.tokens)} tokens of code around ${count(context.hunks, 'hunk')} in ${count(context.files, 'file')} (${Math.round((100 * context.tokens) / Math.max(1, diffTokens))}% of the diff's ${thousands(diffTokens)} tokens; at most ${Math.round(MAX_CONTEXT_SHARE * 100)}%); ${count(packed.requests.length, 'request')}, ${thousands(packed.promptTokens)} prompt tokens planned.`
    )
    return { ...plan, packed, scope: surrounded.files, context }
  }
  core.info(
    plan.packed.overBudget
      ? 'Context: none this run (token-budget is spent on the diff itself).'
      : `Context: none ${of === 'this run' ? of : `for ${of}`} (no room left in token-budget, or no code around the hunks).`
  )
  return plan
}

/**
 * How the plan's requests wait for the code around their hunks: those that show no file it is
 * read for are `ready` at once; the others form one or two slices, the first wave's
 * (`wave`: requests in flight at once) and the rest's, each a plan of its own for withContext
 * with the files it reads at head (`reads`, in all at most MAX_CONTEXT_FILES) and its share of
 * the room token-budget leaves. A file split over several requests stays in one slice.
 */
export interface ContextWork {
  readonly ready: readonly Request[]
  readonly slices: readonly { readonly plan: Plan; readonly reads: readonly string[] }[]
}

export function contextWork(plan: Plan, wave: number): ContextWork {
  const reads = new Set(contextCandidates(plan).map((f) => f.path))
  const requests = plan.packed.requests
  if (reads.size === 0 || contextBudget(plan) === 0) return { ready: requests, slices: [] }
  // Runs of requests that share a file (a file split over requests sits in consecutive ones).
  const units: Request[][] = []
  let previous = new Set<string>()
  for (const request of requests) {
    const paths = new Set(request.pieces.map((p) => p.file.path))
    const last = units.at(-1)
    if (last && [...paths].some((p) => previous.has(p))) last.push(request)
    else units.push([request])
    previous = paths
  }
  const reading = (unit: Request[]): boolean =>
    unit.some((r) => r.pieces.some((p) => reads.has(p.file.path)))
  const ready = units.filter((u) => !reading(u)).flat()
  const first: Request[] = []
  const rest: Request[] = []
  for (const unit of units.filter(reading)) {
    ;(first.length + ready.length < Math.max(1, wave) ? first : rest).push(...unit)
  }
  const groups = [first, rest].filter((g) => g.length > 0)
  const left = Math.max(
    0,
    plan.packOptions.runBudget - (plan.packOptions.reserved ?? 0) - plan.packed.promptTokens
  )
  const diffOfAll = groups.reduce((n, g) => n + sum(g), 0)
  const perRequest = plan.packOptions.overheads.reduce((a, b) => a + b, 0)
  const passes = Math.max(1, plan.packOptions.overheads.length)
  return {
    ready,
    slices: groups.map((group) => {
      const scope = [...new Set(group.flatMap((r) => r.pieces.map((p) => p.file)))]
      const planned = group.reduce((n, r) => n + perRequest + passes * r.tokens, 0)
      const share = Math.floor((left * sum(group)) / Math.max(1, diffOfAll))
      return {
        plan: {
          ...plan,
          scope,
          sent: scope.map((f) => f.path),
          packed: {
            requests: group,
            notReviewed: [],
            promptTokens: planned,
            overBudget: undefined
          },
          packOptions: { ...plan.packOptions, runBudget: planned + share, reserved: 0 }
        },
        reads: scope.filter((f) => reads.has(f.path)).map((f) => f.path)
      }
    })
  }
}

const sum = (requests: readonly Request[]): number => requests.reduce((n, r) => n + r.tokens, 0)

/**
 * The code around the hunks, within a token budget: every file's hunks get their enclosing
 * code (context.ts), then every hunk is cut to the same number of lines on each side, the
 * largest number whose lines fit the budget together, keeping the lines nearest the change.
 * Small hunks thus keep their whole function while no one file's context crowds out the rest.
 */
import type { HunkContext, PrFile } from '../pull-request.js'
import { enclosingContext, trimContext } from './context.js'
import { countTokens } from './tokens.js'

export interface Surrounded {
  /** The files in the order given, those with code around their hunks replaced by a copy carrying it. */
  readonly files: readonly PrFile[]
  /** Hunks that show code around them, and the lines they show. */
  readonly hunks: number
  readonly lines: number
}

/** Token costs of one hunk's context lines, nearest the hunk first on each side. */
interface Costs {
  readonly before: number[]
  readonly after: number[]
}

export function surround(
  files: readonly PrFile[],
  heads: ReadonlyMap<string, readonly string[]>,
  budget: number
): Surrounded {
  const found = files.map((file) => {
    const head = heads.get(file.path)
    const hunks = file.hunks
    if (!head || !hunks || hunks.length === 0) return undefined
    const contexts = enclosingContext(head, hunks, { path: file.path })
    return { contexts, costs: contexts.map(costsOf) }
  })
  const all = found.flatMap((f) => f?.costs ?? [])
  const longest = Math.max(0, ...all.map((c) => Math.max(c.before.length, c.after.length)))
  // The most lines each side that every hunk may show within the budget (cost grows with it).
  let low = 0
  let high = longest
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (costAt(all, mid) <= budget) low = mid
    else high = mid - 1
  }
  let hunks = 0
  let lines = 0
  const out = files.map((file, i) => {
    const f = found[i]
    if (!f || low === 0) return file
    const context: HunkContext[] = f.contexts.map((c) => trimContext(c, low, low))
    let shown = 0
    for (const c of context) {
      const n = (c.before?.lines.length ?? 0) + (c.after?.lines.length ?? 0)
      if (n > 0) hunks += 1
      shown += n
    }
    lines += shown
    return shown > 0 ? { ...file, context } : file
  })
  return { files: out, hunks, lines }
}

function costsOf(context: HunkContext): Costs {
  const cost = (line: string): number => countTokens(`~${line}\n`)
  return {
    // Before the hunk, the nearest line is the last one.
    before: [...(context.before?.lines ?? [])].reverse().map(cost),
    after: (context.after?.lines ?? []).map(cost)
  }
}

function costAt(all: readonly Costs[], k: number): number {
  let sum = 0
  for (const c of all) {
    for (let i = 0; i < k && i < c.before.length; i++) sum += c.before[i] ?? 0
    for (let i = 0; i < k && i < c.after.length; i++) sum += c.after[i] ?? 0
  }
  return sum
}

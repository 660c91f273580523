/**
 * GitHub's per-file patches → hunks, the lines a review comment may sit on, and a rendering
 * the model can cite exactly. Pure functions of data.
 */
import parseDiff from 'parse-diff'
import type { DiffLine, Hunk, PrFile, Side } from '../pull-request.js'

/** Where a model says a finding is. */
export interface LineRef {
  line: number
  startLine?: number
  side?: Side
}

/** A position GitHub accepts for a review comment (`line`, `side`, `start_line`, `start_side`). */
export interface Anchor {
  line: number
  side: Side
  startLine?: number
  startSide?: Side
}

/** A patch as GitHub sends it (hunks only, starting at `@@`) → its hunks. */
export function parsePatch(patch: string): Hunk[] {
  // parse-diff opens a file at the first `@@` when there is no `diff --git` header, so GitHub's
  // header-less patch needs none prepended. It does turn each `\ No newline at end of file`
  // marker into a copy of the preceding change, which is dropped here.
  return parseDiff(patch).flatMap((f) =>
    f.chunks.map((chunk) => ({
      header: chunk.content,
      oldStart: chunk.oldStart,
      oldLines: chunk.oldLines,
      newStart: chunk.newStart,
      newLines: chunk.newLines,
      lines: chunk.changes.filter((c) => !c.content.startsWith('\\')).map(toLine)
    }))
  )
}

function toLine(change: parseDiff.Change): DiffLine {
  // Drop the one-character prefix; a CR left by CRLF files would only confuse the rendering.
  const text = change.content.slice(1).replace(/\r$/, '')
  switch (change.type) {
    case 'add':
      return { kind: 'add', text, newLine: change.ln }
    case 'del':
      return { kind: 'del', text, oldLine: change.ln }
    case 'normal':
      return { kind: 'context', text, oldLine: change.ln1, newLine: change.ln2 }
  }
}

type LineSets = Record<Side, Set<number>>

function hunkLines(hunk: Hunk): LineSets {
  const sets: LineSets = { RIGHT: new Set(), LEFT: new Set() }
  for (const l of hunk.lines) {
    if (l.newLine !== undefined) sets.RIGHT.add(l.newLine)
    if (l.oldLine !== undefined) sets.LEFT.add(l.oldLine)
  }
  return sets
}

/**
 * Lines GitHub accepts a review comment on: RIGHT = added and context lines (new numbering),
 * LEFT = removed and context lines (old numbering). Any other line fails the whole review (422).
 */
export function commentableLines(file: Pick<PrFile, 'hunks'>): LineSets {
  const all: LineSets = { RIGHT: new Set(), LEFT: new Set() }
  for (const hunk of file.hunks ?? []) {
    const sets = hunkLines(hunk)
    sets.RIGHT.forEach((n) => all.RIGHT.add(n))
    sets.LEFT.forEach((n) => all.LEFT.add(n))
  }
  return all
}

/**
 * A model's finding → a position GitHub accepts, or undefined when it has none; the caller
 * then moves the finding into the review body. We never snap an invalid line to a nearby one:
 * a comment on the wrong line misleads more than a comment in the body.
 * A range needs both ends on the same side, in the same hunk (GitHub refuses ranges spanning
 * hunks) and start < line; otherwise it shrinks to the single line.
 */
export function anchor(file: Pick<PrFile, 'hunks'>, finding: LineRef): Anchor | undefined {
  const side = finding.side ?? 'RIGHT'
  const { line, startLine } = finding
  if (!Number.isInteger(line)) return undefined
  for (const hunk of file.hunks ?? []) {
    const lines = hunkLines(hunk)[side]
    if (!lines.has(line)) continue
    const ranged = startLine !== undefined && startLine < line && lines.has(startLine)
    return ranged ? { line, side, startLine, startSide: side } : { line, side }
  }
  return undefined
}

/**
 * How the model must cite lines; prompts reuse this text verbatim next to the rendering.
 */
export const CITATION_GUIDE = [
  'Each diff line starts with its citation, then the diff marker, then the code:',
  '`R<n>` is line n of the new file (side RIGHT): added (`+`) and unchanged lines.',
  '`L<n>` is line n of the old file (side LEFT): removed (`-`) lines.',
  'Cite a finding with that number as `line` and RIGHT or LEFT as `side`. A range adds',
  '`startLine` on the same side within the same `@@` hunk. Lines not shown cannot be cited.'
].join('\n')

/**
 * A compact rendering in which every line carries the one citation that is valid for it:
 *
 *   ## src/cart.js (modified)
 *   @@ -2,5 +2,6 @@ function tax(items) {
 *   R2    import { round } from './money.js'
 *   R5  + const MAX_QUANTITY = 99
 *   L10 -   let sum = 0
 *
 * Context lines are cited on the RIGHT only, so each line shows exactly one number. The
 * citation column is padded to the widest citation of the whole file, so a file split by hunk
 * renders each part the same way. Pass `hunks` (a subset of `file.hunks`) to render a part.
 */
export function renderForPrompt(file: PrFile, hunks: readonly Hunk[] = file.hunks ?? []): string {
  const width = citationWidth(file)
  const out = [fileHeading(file, hunks)]
  for (const hunk of hunks) {
    out.push(hunk.header)
    for (const l of hunk.lines) {
      const cite = l.kind === 'del' ? `L${l.oldLine ?? 0}` : `R${l.newLine ?? 0}`
      const marker = l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '
      const row = `${cite.padEnd(width)} ${marker} ${l.text}`
      out.push(l.text === '' ? row.trimEnd() : row)
    }
  }
  return out.join('\n')
}

function fileHeading(file: PrFile, hunks: readonly Hunk[]): string {
  const what =
    file.previousPath !== undefined && file.previousPath !== file.path
      ? `${file.status} from ${file.previousPath}`
      : file.status
  const all = file.hunks ?? []
  const total = all.length
  if (hunks.length === total) return `## ${file.path} (${what})`
  if (hunks.length === 0) return `## ${file.path} (${what}; no hunks)`
  const positions = hunks.map((h) => all.indexOf(h) + 1)
  const first = positions[0] ?? 0
  const last = positions[positions.length - 1] ?? 0
  const contiguous = positions.every((p, i) => p === first + i)
  const which =
    positions.length === 1
      ? `hunk ${first}`
      : contiguous
        ? `hunks ${first}-${last}`
        : `hunks ${positions.join(', ')}`
  return `## ${file.path} (${what}; ${which} of ${total})`
}

function citationWidth(file: PrFile): number {
  let widest = 0
  for (const hunk of file.hunks ?? []) {
    widest = Math.max(widest, hunk.oldStart + hunk.oldLines, hunk.newStart + hunk.newLines)
  }
  return 1 + String(widest).length
}

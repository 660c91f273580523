/**
 * GitHub's per-file patches → hunks, the lines a review comment may sit on, and a rendering
 * the model can cite exactly. Pure functions of data.
 */
import type { DiffLine, Hunk, PrFile, Side } from '../pull-request.js'

/** A file's fields as GitHub lists them, its patch included. */
export type ListedFile = Omit<PrFile, 'hunks'>

/** A PrFile whose hunks are parsed from its patch on first use, once. */
export function changedFile(listed: ListedFile): PrFile {
  let hunks: Hunk[] | null | undefined
  return {
    ...listed,
    get hunks() {
      hunks ??= listed.patch === null ? null : parsePatch(listed.patch)
      return hunks
    }
  }
}

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

/** `@@ -a,b +c,d @@`, a count of 1 left out. */
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/

/** Where a hunk starts and how many lines it has on each side, from its `@@` row. */
export interface HunkRange {
  readonly oldStart: number
  readonly oldLines: number
  readonly newStart: number
  readonly newLines: number
}

/**
 * The numbers of a hunk's `@@ -a,b +c,d @@` row (a count left out is 1); undefined for any other
 * row. The one reader of hunk headers: patches, local diffs, review threads' hunks.
 */
export function hunkRange(row: string): HunkRange | undefined {
  const m = HUNK_HEADER.exec(row)
  if (!m) return undefined
  return {
    oldStart: Number(m[1]),
    oldLines: Number(m[2] ?? 1),
    newStart: Number(m[3]),
    newLines: Number(m[4] ?? 1)
  }
}

/** A hunk being read: its lines so far, the next number and the lines still due on each side. */
interface Reading {
  readonly lines: DiffLine[]
  oldLine: number
  newLine: number
  oldLeft: number
  newLeft: number
}

/**
 * A patch as GitHub sends it (hunks only, starting at `@@`) → its hunks. A hunk takes the lines
 * its header counts and stops early at a line that does not fit: a header whose counts lie, a
 * cut or a mangled patch loses lines rather than misnumbering any. `\ No newline at end of
 * file` markers, CRs of CRLF and a final newline are dropped; a hunk left empty is too.
 */
export function parsePatch(patch: string): Hunk[] {
  const rows = patch.split('\n')
  if (rows[rows.length - 1] === '') rows.pop()
  const hunks: Hunk[] = []
  let reading: Reading | undefined
  for (const raw of rows) {
    const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const opened = openHunk(row)
    if (opened) {
      reading = opened.reading
      hunks.push(opened.hunk)
    } else if (reading && !row.startsWith('\\') && !read(reading, row)) {
      reading = undefined
    }
  }
  return hunks.filter((h) => h.lines.length > 0)
}

/** A hunk header → the hunk and its reading; undefined for any other row or impossible numbers. */
function openHunk(row: string): { hunk: Hunk; reading: Reading } | undefined {
  const range = hunkRange(row)
  if (!range) return undefined
  const { oldStart, oldLines, newStart, newLines } = range
  if (!lineRange(oldStart, oldLines) || !lineRange(newStart, newLines)) return undefined
  const lines: DiffLine[] = []
  return {
    hunk: { header: row, oldStart, oldLines, newStart, newLines, lines },
    reading: { lines, oldLine: oldStart, newLine: newStart, oldLeft: oldLines, newLeft: newLines }
  }
}

/** Lines `start` to `start + count - 1` are lines (from 1) and numbered exactly. */
const lineRange = (start: number, count: number): boolean =>
  (count === 0 || start >= 1) && Number.isSafeInteger(start + count)

/** Takes one row into the hunk; false when the row does not fit or the hunk is complete. */
function read(r: Reading, row: string): boolean {
  // An empty row is a blank context line whose space was stripped.
  const line = row || ' '
  const old = line[0] === ' ' || line[0] === '-'
  const fresh = line[0] === ' ' || line[0] === '+'
  if ((!old && !fresh) || (old && r.oldLeft === 0) || (fresh && r.newLeft === 0)) return false
  r.lines.push(
    !old
      ? { kind: 'add', line, newLine: r.newLine }
      : !fresh
        ? { kind: 'del', line, oldLine: r.oldLine }
        : { kind: 'context', line, oldLine: r.oldLine, newLine: r.newLine }
  )
  if (old) {
    r.oldLine++
    r.oldLeft--
  }
  if (fresh) {
    r.newLine++
    r.newLeft--
  }
  return r.oldLeft > 0 || r.newLeft > 0
}

type LineSets = Record<Side, Set<number>>

const linesOfHunk = new WeakMap<Hunk, LineSets>()

/** A hunk's line numbers on each side, gathered once per hunk. */
function hunkLines(hunk: Hunk): LineSets {
  let sets = linesOfHunk.get(hunk)
  if (sets) return sets
  sets = { RIGHT: new Set(), LEFT: new Set() }
  for (const l of hunk.lines) {
    if (l.newLine !== undefined) sets.RIGHT.add(l.newLine)
    if (l.oldLine !== undefined) sets.LEFT.add(l.oldLine)
  }
  linesOfHunk.set(hunk, sets)
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

/** A run of lines of one hunk, `[from, to)`: the unit a large file is split into. */
export interface Segment {
  /** Index into the file's hunks. */
  readonly hunk: number
  readonly from: number
  readonly to: number
}

/** The whole of every hunk of the file. */
export function wholeFile(file: PrFile): Segment[] {
  return (file.hunks ?? []).map((h, i) => ({ hunk: i, from: 0, to: h.lines.length }))
}

/**
 * How the model must cite lines; prompts reuse this text verbatim next to the rendering.
 */
export const CITATION_GUIDE = [
  'An added line starts with its number in the new file and `+`: cite it with side RIGHT.',
  'A removed line starts with its number in the old file and `-`: cite it with side LEFT.',
  'An unchanged line starts with a space and carries no number: it is context, cite the',
  'changed line your finding is about. A range adds `start_line` on the same side within the',
  'same `@@` hunk. A line starting with `~` is code around a hunk, from the file at the head',
  'commit, shown for reading only: it is not part of the change and cannot be cited. Lines not',
  'shown cannot be cited.'
].join('\n')

/**
 * A compact rendering in which every changed line carries the one number valid for it, with
 * nothing between the number, the marker and the code (a changed line costs one token more
 * than in the patch, an unchanged one nothing):
 *
 *   ## src/cart.js
 *   @@ -2,5 +2,6 @@ function tax(items) {
 *    import { round } from './money.js'
 *   5+const MAX_QUANTITY = 99
 *   10-  let sum = 0
 *
 * Unchanged lines are context, as in the patch. Pass `segments` to render part of the file;
 * a segment that is not a whole hunk gets a header of its own.
 */
export function renderForPrompt(
  file: PrFile,
  segments: readonly Segment[] = wholeFile(file)
): string {
  const out = [fileHeading(file, segments)]
  for (const segment of segments) out.push(renderSegment(file, segment))
  return out.join('\n')
}

/**
 * One segment: its `@@` header, then its lines; with the code around the hunk (`~` lines)
 * before the segment that starts the hunk and after the one that ends it.
 */
function renderSegment(file: PrFile, segment: Segment): string {
  const hunk = file.hunks?.[segment.hunk]
  if (!hunk) return ''
  const lines = hunk.lines.slice(segment.from, segment.to)
  const first = segment.from === 0
  const last = segment.to === hunk.lines.length
  const around = file.context?.[segment.hunk]
  return [
    ...(first && around?.before ? around.before.lines.map(contextLine) : []),
    first && last ? hunk.header : partHeader(hunk, lines),
    ...lines.map(renderLine),
    ...(last && around?.after ? around.after.lines.map(contextLine) : [])
  ].join('\n')
}

const contextLine = (code: string): string => `~${code}`

/** Head line numbers a rendering of `segments` shows as code around hunks (`~` lines). */
export function contextLinesShown(file: PrFile, segments: readonly Segment[]): Set<number> {
  const shown = new Set<number>()
  const add = (range: { start: number; lines: readonly string[] } | undefined): void => {
    for (let i = 0; range && i < range.lines.length; i++) shown.add(range.start + i)
  }
  for (const s of segments) {
    const hunk = file.hunks?.[s.hunk]
    const around = file.context?.[s.hunk]
    if (!hunk || !around) continue
    if (s.from === 0) add(around.before)
    if (s.to === hunk.lines.length) add(around.after)
  }
  return shown
}

export function renderLine(l: DiffLine): string {
  if (l.kind === 'add') return `${l.newLine ?? 0}${l.line}`
  if (l.kind === 'del') return `${l.oldLine ?? 0}${l.line}`
  return l.line
}

/** `@@ -a,b +c,d @@ context (part of the hunk)` for some of a hunk's lines. */
function partHeader(hunk: Hunk, lines: readonly DiffLine[]): string {
  const olds = lines.flatMap((l) => (l.oldLine === undefined ? [] : [l.oldLine]))
  const news = lines.flatMap((l) => (l.newLine === undefined ? [] : [l.newLine]))
  const context = hunk.header.replace(/^@@[^@]*@@ ?/, '')
  return `@@ -${olds[0] ?? hunk.oldStart},${olds.length} +${news[0] ?? hunk.newStart},${news.length} @@ ${context}${context ? ' ' : ''}(part of a longer hunk)`
}

function fileHeading(file: PrFile, segments: readonly Segment[]): string {
  // A modified file, the usual case, says nothing more.
  const what = [
    file.previousPath !== undefined && file.previousPath !== file.path
      ? `${file.status} from ${file.previousPath}`
      : file.status === 'modified'
        ? ''
        : file.status
  ]
  const all = file.hunks ?? []
  const complete =
    segments.length === all.length &&
    segments.every((s, i) => s.hunk === i && s.from === 0 && s.to === all[i]?.lines.length)
  if (!complete) {
    const hunks = [...new Set(segments.map((s) => s.hunk + 1))]
    const first = hunks[0] ?? 0
    const last = hunks[hunks.length - 1] ?? 0
    const which = hunks.length === 1 ? `hunk ${first}` : `hunks ${first}-${last}`
    what.push(segments.length === 0 ? 'no hunks' : `part of it: ${which} of ${all.length}`)
  }
  const note = what.filter(Boolean).join('; ')
  return `## ${file.path}${note ? ` (${note})` : ''}`
}

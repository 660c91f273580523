/**
 * The head file's code around each hunk, so that the model sees the enclosing function, method
 * or block and not only the patch's three lines of context. Language-agnostic: a block is found
 * from indentation and closing lines (in Markdown, from headings), never by parsing a language,
 * and every scan is bounded by the context it may show. A file of at most `wholeFileLines`
 * lines is shown whole instead. Pure.
 */
import type { ContextRange, Hunk, HunkContext } from '../pull-request.js'

export interface ContextOptions {
  /** Most head lines shown before one hunk (default 40). */
  readonly maxBefore?: number
  /** Most head lines shown after one hunk (default 20). */
  readonly maxAfter?: number
  /** A file of at most this many lines is shown whole around its hunks (default 150). */
  readonly wholeFileLines?: number
  /**
   * The file's path. A Markdown file (`.md`, `.markdown`, `.mdx`) is structured by its
   * headings rather than by indentation (elsewhere a `#` line is a comment).
   */
  readonly path?: string
}

const DEFAULT_MAX_BEFORE = 40
const DEFAULT_MAX_AFTER = 20
const DEFAULT_WHOLE_FILE_LINES = 150
const TAB_WIDTH = 4

const MARKDOWN = /\.(?:md|markdown|mdx)$/i
const HEADING = /^#{1,6}[ \t]/
const FENCE = /^(`{3,}|~{3,})/
/** A line that closes a block: a closing bracket, or a shell/Ruby/Lua block end. */
const CLOSER = /^(?:[}\])]|(?:end|fi|done|esac)(?![\w$]|\s*=))/
/** A line that carries on the construct above it at its own indentation: `} else {`, `except:`. */
const CONTINUATION = /^(?:[}\])]|(?:else|elif|elsif|except|finally|catch|rescue|ensure)\b)/
/** Lines that belong to the declaration below them: decorators, comments, attributes. */
const ATTACHED = /^(?:@|\/\/|\/\*|#|--|\[.*\]\s*$)/

/** The head file, read once: what every scan needs, so no scan reads a line twice over. */
interface Text {
  readonly lines: readonly string[]
  /** Indentation in columns, -1 for a blank line. */
  readonly indents: Int32Array
  /** Index of the first non-blank line at or after i (lines.length when none); one longer. */
  readonly nextNonBlank: Int32Array
  /** In Markdown: the lines that are headings (not inside a fenced code block). */
  readonly headings?: Uint8Array
}

/** A hunk on the head side: lines `[from, to)`, 0-based; empty for a hunk that only deletes. */
interface Span {
  readonly order: number
  readonly from: number
  readonly to: number
  readonly hunk: Hunk
}

/**
 * Hunks that overlap or touch, read as one changed region: its `before` is the first hunk's,
 * its `after` the one's that reaches furthest down.
 */
interface Run {
  readonly first: Span
  readonly last: Span
}

/** A context range being built: inclusive 0-based line indexes. */
interface Lines {
  readonly first: number
  readonly last: number
}

/**
 * For each hunk, in order, the context around it. `head`: the file at head, split into lines
 * (no line terminators).
 */
export function enclosingContext(
  head: readonly string[],
  hunks: readonly Hunk[],
  options: ContextOptions = {}
): HunkContext[] {
  const contexts: HunkContext[] = hunks.map(() => ({}))
  const spans = hunks.map(toSpan).sort((a, b) => a.from - b.from || a.to - b.to)
  // Context from another version of the file than the patch's would mislead the model: when
  // the hunks do not match the head (out of date, shorter than they claim), show none at all.
  if (!spans.every((s) => matchesHead(head, s))) return contexts
  const text = readText(head, MARKDOWN.test(options.path ?? ''))
  const whole = head.length <= count(options.wholeFileLines, DEFAULT_WHOLE_FILE_LINES)
  const regions = runs(spans)
  const ranges = whole
    ? wholeFileRanges(text, regions)
    : boundedRanges(text, regions, {
        maxBefore: count(options.maxBefore, DEFAULT_MAX_BEFORE),
        maxAfter: count(options.maxAfter, DEFAULT_MAX_AFTER)
      })
  regions.forEach((run, i) => {
    const { before, after } = ranges[i] ?? {}
    const shown = (lines: Lines | undefined) => lines && rangeOf(text, lines, !whole)
    if (run.first === run.last) {
      contexts[run.first.order] = contextOf(shown(before), shown(after))
    } else {
      contexts[run.first.order] = contextOf(shown(before))
      contexts[run.last.order] = contextOf(undefined, shown(after))
    }
  })
  return contexts
}

/**
 * The head file's code around one line (where a review thread sits), by the rules a hunk's
 * context follows: the whole file when it is small, else the enclosing block, bounded. The line
 * itself included; undefined when the file has no such line.
 */
export function codeAroundLine(
  head: readonly string[],
  line: number,
  options: ContextOptions = {}
): ContextRange | undefined {
  if (!Number.isSafeInteger(line) || line < 1 || line > head.length) return undefined
  // The line as a hunk of one head line whose content nothing needs to check.
  const hunk: Hunk = {
    header: '',
    oldStart: line,
    oldLines: 1,
    newStart: line,
    newLines: 1,
    lines: []
  }
  const [context = {}] = enclosingContext(head, [hunk], options)
  const start = context.before?.start ?? line
  const end = context.after ? context.after.start + context.after.lines.length - 1 : line
  return { start, lines: head.slice(start - 1, end) }
}

/**
 * A context cut down to at most `before` lines before and `after` lines after: the lines
 * nearest the hunk are kept.
 */
export function trimContext(context: HunkContext, before: number, after: number): HunkContext {
  return contextOf(
    context.before && keepLast(context.before, count(before, 0)),
    context.after && keepFirst(context.after, count(after, 0))
  )
}

function count(value: number | undefined, fallback: number): number {
  return value === undefined || Number.isNaN(value) ? fallback : Math.max(0, Math.floor(value))
}

function contextOf(before?: ContextRange, after?: ContextRange): HunkContext {
  return { ...(before && { before }), ...(after && { after }) }
}

function toSpan(hunk: Hunk, order: number): Span {
  const start = Number.isFinite(hunk.newStart) ? Math.max(0, Math.trunc(hunk.newStart)) : 0
  const size = Number.isFinite(hunk.newLines) ? Math.max(0, Math.trunc(hunk.newLines)) : 0
  // A hunk that only deletes sits after head line `newStart`, before the next one.
  const from = size > 0 ? Math.max(0, start - 1) : start
  return { order, from, to: from + size, hunk }
}

const withoutCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line)

/** Whether the hunk's head-side lines are the head's lines at the numbers it gives them. */
function matchesHead(head: readonly string[], span: Span): boolean {
  if (span.to > head.length || span.from > head.length) return false
  return span.hunk.lines.every((l) => {
    if (l.newLine === undefined) return true
    const line = head[l.newLine - 1]
    return line !== undefined && withoutCr(line) === l.line.slice(1)
  })
}

function readText(lines: readonly string[], markdown: boolean): Text {
  const indents = new Int32Array(lines.length)
  for (let i = 0; i < lines.length; i++) indents[i] = indentOf(lines[i] ?? '')
  const nextNonBlank = new Int32Array(lines.length + 1)
  nextNonBlank[lines.length] = lines.length
  for (let i = lines.length - 1; i >= 0; i--) {
    nextNonBlank[i] = (indents[i] ?? -1) < 0 ? (nextNonBlank[i + 1] ?? lines.length) : i
  }
  return { lines, indents, nextNonBlank, ...(markdown && { headings: markdownHeadings(lines) }) }
}

/** Leading spaces and tabs in columns (a tab is 4); -1 for a blank line, which has none. */
function indentOf(line: string): number {
  if (line.trim() === '') return -1
  let columns = 0
  for (const c of line) {
    if (c === ' ') columns += 1
    else if (c === '\t') columns += TAB_WIDTH
    else break
  }
  return columns
}

/** Heading lines, skipping fenced code blocks (a `# comment` in a shell example is no heading). */
function markdownHeadings(lines: readonly string[]): Uint8Array {
  const headings = new Uint8Array(lines.length)
  let fence: string | undefined
  lines.forEach((line, i) => {
    const opened = FENCE.exec(line.trimStart())?.[1]
    if (opened !== undefined) {
      if (fence === undefined) fence = opened
      else if (opened[0] === fence[0] && opened.length >= fence.length) fence = undefined
    } else if (fence === undefined && HEADING.test(line)) {
      headings[i] = 1
    }
  })
  return headings
}

const indent = (text: Text, i: number): number => text.indents[i] ?? -1
const code = (text: Text, i: number): string => (text.lines[i] ?? '').trimStart()
const isHeading = (text: Text, i: number): boolean => text.headings?.[i] === 1

/** Whether the next non-blank line below `i` is indented more than `i`: `i` opens a block. */
function opensBlock(text: Text, i: number): boolean {
  const next = text.nextNonBlank[i + 1] ?? text.lines.length
  return next < text.lines.length && indent(text, next) > indent(text, i)
}

/** Sorted spans → runs of spans that overlap or touch (a hunk inside another, a duplicate). */
function runs(spans: readonly Span[]): Run[] {
  const out: { first: Span; last: Span }[] = []
  for (const span of spans) {
    const run = out.at(-1)
    if (run === undefined || span.from > run.last.to) out.push({ first: span, last: span })
    else if (span.to > run.last.to) run.last = span
  }
  return out
}

/** Every non-hunk line once: before the first hunk as its `before`, each gap as an `after`. */
function wholeFileRanges(text: Text, regions: readonly Run[]): { before?: Lines; after?: Lines }[] {
  return regions.map((run, i) => {
    const before = i === 0 ? { first: 0, last: run.first.from - 1 } : undefined
    const next = regions[i + 1]?.first.from ?? text.lines.length
    return { ...(before && { before }), after: { first: run.last.to, last: next - 1 } }
  })
}

interface Bounds {
  readonly maxBefore: number
  readonly maxAfter: number
}

/**
 * Each run's enclosing block within the bounds, searched only in the gaps next to it, so no
 * context line is a hunk line. When one run's `after` reaches into the next run's `before`,
 * the `after` gives way: the `before` starts at the next block's opener.
 */
function boundedRanges(
  text: Text,
  regions: readonly Run[],
  bounds: Bounds
): { before?: Lines; after?: Lines }[] {
  const ranges = regions.map((run, i) => {
    const reference = referenceOf(text, run)
    const previous = regions[i - 1]?.last.to ?? 0
    const before = beforeOf(text, run.first.from, reference, previous, bounds.maxBefore)
    const next = regions[i + 1]?.first.from ?? text.lines.length
    const gap = { first: run.last.to, last: Math.min(next, text.lines.length) - 1 }
    const after = afterOf(text, reference, before?.opener, gap, bounds.maxAfter)
    return { before: before?.lines, after }
  })
  ranges.forEach((range, i) => {
    const nextBefore = ranges[i + 1]?.before
    if (range.after && nextBefore && range.after.last >= nextBefore.first) {
      range.after = { first: range.after.first, last: nextBefore.first - 1 }
    }
  })
  return ranges
}

/** A run's indentation where it begins and ends, read from its head lines (or deleted lines). */
interface Reference {
  readonly first: number
  readonly last: number
  /** Whether the run ends inside a block: its last line closes one or opens one. */
  readonly lastInBlock: boolean
}

function referenceOf(text: Text, run: Run): Reference {
  const below = text.nextNonBlank[run.last.to] ?? text.lines.length
  const belowIndent = below < text.lines.length ? indent(text, below) : 0
  const first = ownLines(text, run.first).find((l) => indentOf(l) >= 0)
  const last = ownLines(text, run.last).findLast((l) => indentOf(l) >= 0)
  if (first === undefined || last === undefined) {
    return { first: belowIndent, last: belowIndent, lastInBlock: true }
  }
  const lastIndent = indentOf(last)
  return {
    first: indentOf(first),
    last: lastIndent,
    lastInBlock: CLOSER.test(last.trimStart()) || belowIndent > lastIndent
  }
}

/** The hunk's head lines; for a hunk that only deletes, the lines it deletes. */
function ownLines(text: Text, span: Span): readonly string[] {
  if (span.to > span.from) return text.lines.slice(span.from, span.to)
  return span.hunk.lines.filter((l) => l.kind === 'del').map((l) => l.line.slice(1))
}

/**
 * Above the hunk: from the opener of its enclosing block down to the hunk. We climb on to
 * the openers of outer blocks (an `if` → its function → its class) as long as the outer
 * opener still lies within `max` lines of the hunk, so a nested block shows its function
 * when that fits and a method of a long class shows the method, not the class. No opener
 * within reach: nothing, rather than lines that explain nothing.
 */
function beforeOf(
  text: Text,
  from: number,
  reference: Reference,
  top: number,
  max: number
): { lines: Lines; opener: number } | undefined {
  const last = Math.min(from, text.lines.length) - 1
  const floor = Math.max(top, last - max + 1)
  if (last < floor) return undefined
  if (text.headings) {
    const heading = nearestHeading(text, last, floor)
    return heading === undefined ? undefined : { lines: { first: heading, last }, opener: heading }
  }
  const inner = enclosingOpener(text, last, floor, reference.first)
  if (inner === undefined) return undefined
  const opener = outermostOpener(text, inner, floor)
  return { lines: { first: attachedStart(text, opener, floor), last }, opener }
}

function nearestHeading(text: Text, from: number, floor: number): number | undefined {
  for (let i = from; i >= floor; i--) if (isHeading(text, i)) return i
  return undefined
}

/**
 * The nearest line above `from` indented less than `level`; at the top level (`level` 0),
 * the nearest unindented line that opens a block.
 */
function enclosingOpener(
  text: Text,
  from: number,
  floor: number,
  level: number
): number | undefined {
  for (let i = from; i >= floor; i--) {
    const own = indent(text, i)
    if (own < 0) continue
    if (level > 0 ? own < level : own === 0 && opensBlock(text, i)) return i
  }
  return undefined
}

function outermostOpener(text: Text, inner: number, floor: number): number {
  let opener = constructStart(text, inner, floor)
  while (indent(text, opener) > 0) {
    const outer = enclosingOpener(text, opener - 1, floor, indent(text, opener))
    if (outer === undefined) break
    opener = constructStart(text, outer, floor)
  }
  return opener
}

/**
 * `} else {`, `): Promise<T> {` or `except E:` opens a block that the construct began
 * higher up, at the same indentation: the `if`, the signature's first line, the `try`.
 */
function constructStart(text: Text, opener: number, floor: number): number {
  let start = opener
  while (CONTINUATION.test(code(text, start))) {
    const above = sameLevelAbove(text, start, floor)
    if (above === undefined) break
    start = above
  }
  return start
}

function sameLevelAbove(text: Text, line: number, floor: number): number | undefined {
  const level = indent(text, line)
  for (let i = line - 1; i >= floor; i--) {
    const own = indent(text, i)
    if (own < 0 || own > level) continue
    return own === level ? i : undefined
  }
  return undefined
}

/**
 * The first of the lines right above the opener that belong to it: decorators, attributes,
 * comment lines at its indentation, and the inner lines of a `/** … *\/` block, which sit one
 * column deeper. A run of `*` lines only counts once its `/*` line is reached within reach.
 */
function attachedStart(text: Text, opener: number, floor: number): number {
  const level = indent(text, opener)
  let start = opener
  for (let i = opener - 1; i >= floor; i--) {
    const own = indent(text, i)
    const line = code(text, i)
    if (own === level && ATTACHED.test(line)) start = i
    else if (own < level || !line.startsWith('*')) break
  }
  return start
}

/**
 * Below the hunk: down to the end of the block the `before` shows (or, with no `before`, the
 * block the hunk ends in). A closing line (`}`, `end`, …) is shown; a line back at the block's
 * indentation that closes nothing (Python, YAML) is not. `} else {` carries the block on.
 */
function afterOf(
  text: Text,
  reference: Reference,
  opener: number | undefined,
  gap: Lines,
  max: number
): Lines | undefined {
  const last = Math.min(gap.last, gap.first + max - 1)
  if (last < gap.first) return undefined
  if (text.headings) return { first: gap.first, last: beforeHeading(text, gap.first, last) }
  const ending = reference.lastInBlock ? reference.last : reference.last - 1
  const level = opener === undefined ? ending : Math.min(indent(text, opener), ending)
  if (level < 0) return undefined
  for (let i = gap.first; i <= last; i++) {
    const own = indent(text, i)
    if (own < 0 || own > level) continue
    const line = code(text, i)
    if (own === level && CONTINUATION.test(line) && opensBlock(text, i)) continue
    return { first: gap.first, last: CLOSER.test(line) ? i : i - 1 }
  }
  return { first: gap.first, last }
}

/** The last line before the next heading, the section's end. */
function beforeHeading(text: Text, first: number, last: number): number {
  for (let i = first; i <= last; i++) if (isHeading(text, i)) return i - 1
  return last
}

/** A range of head lines; `trim` drops blank lines at its ends. */
function rangeOf(text: Text, lines: Lines, trim: boolean): ContextRange | undefined {
  let { first, last } = lines
  first = Math.max(0, first)
  last = Math.min(text.lines.length - 1, last)
  if (trim) {
    while (first <= last && indent(text, first) < 0) first++
    while (last >= first && indent(text, last) < 0) last--
  }
  if (last < first) return undefined
  return { start: first + 1, lines: text.lines.slice(first, last + 1) }
}

const isBlank = (line: string): boolean => line.trim() === ''

function keepLast(range: ContextRange, keep: number): ContextRange | undefined {
  if (range.lines.length <= keep) return range
  const lines = range.lines.slice(range.lines.length - keep)
  const skip = lines.findIndex((l) => !isBlank(l))
  if (skip < 0) return undefined
  return { start: range.start + range.lines.length - keep + skip, lines: lines.slice(skip) }
}

function keepFirst(range: ContextRange, keep: number): ContextRange | undefined {
  if (range.lines.length <= keep) return range
  const lines = range.lines.slice(0, keep)
  const end = lines.findLastIndex((l) => !isBlank(l))
  if (end < 0) return undefined
  return { start: range.start, lines: lines.slice(0, end + 1) }
}

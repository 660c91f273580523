/**
 * What the model sees, as requests: each file rendered (diff.ts), split where it is larger
 * than a request (by hunk, then a hunk at line boundaries, each part with its file's heading,
 * its own `@@` header and a few lines of overlap), and packed in file order into requests
 * within the per-request budget and the run's token-budget. Nothing is dropped for size; what
 * does not fit the run's budget is listed with what reviewing it would cost. Pure functions of
 * data (tokens counted with tokens.ts).
 */
import type { NotReviewed, PrFile } from '../pull-request.js'
import { renderForPrompt, renderLine, wholeFile, type Segment } from './diff.js'
import { countTokens } from './tokens.js'

// Most specific first. Matched anywhere in the name, since Azure deployment names often
// decorate the model's (`prod-gpt-4o-mini`). Published context windows, in tokens.
const CONTEXT_WINDOWS: [RegExp, number][] = [
  [/gpt-?4\.1/, 1_047_576],
  [/gpt-?4o/, 128_000],
  [/gpt-?5/, 400_000],
  [/(^|[^a-z0-9])o(1|3|4-mini)([^a-z0-9]|$)/, 200_000]
]
/** Unknown names get the smallest window of the table, so a guess never overflows it. */
const DEFAULT_CONTEXT_WINDOW = 128_000

/**
 * One request's prompt stays under this however large the window. The answer must cover
 * everything a request shows (a walkthrough row per file, the findings of every file);
 * attention to detail drops in very long prompts; smaller requests run in parallel; and
 * Azure's tokens-per-minute quotas (often 30k–150k) refuse outsized ones. The price is the
 * prompt's fixed part repeated per request: a few percent at this size.
 */
export const MAX_REQUEST_TOKENS = 32_000
/** Headroom for chat framing, the schema of structured output and tokenizer drift. */
const SAFETY_MARGIN = 0.05
/** Lines of the hunk repeated before a part that starts inside it, so the code reads on. */
export const OVERLAP_LINES = 3
// Joining can merge tokens at a seam; charging 2 per seam keeps sums an upper bound.
const SEAM_TOKENS = 2
/** The answer holds a walkthrough row per file shown: this many keep it short. */
export const MAX_FILES_PER_REQUEST = 50

export function contextWindowFor(modelName: string): number {
  const name = modelName.toLowerCase()
  return CONTEXT_WINDOWS.find(([pattern]) => pattern.test(name))?.[1] ?? DEFAULT_CONTEXT_WINDOW
}

/** Prompt tokens one request may carry: window − output reserve − 5 %, capped. */
export function requestBudget(modelName: string, maxOutputTokens: number): number {
  const window = contextWindowFor(modelName)
  const room = window - maxOutputTokens - Math.ceil(window * SAFETY_MARGIN)
  return Math.max(0, Math.min(MAX_REQUEST_TOKENS, room))
}

/** A file, or part of one, as a request shows it. */
export interface Piece {
  readonly file: PrFile
  readonly segments: readonly Segment[]
  readonly text: string
  readonly tokens: number
}

export interface Request {
  readonly pieces: readonly Piece[]
  /** The pieces' renderings, joined by SEPARATOR. */
  readonly text: string
  /** The pieces' tokens, seams included: the request's cost beyond a pass's overhead. */
  readonly tokens: number
}

export interface PackOptions {
  /** Prompt tokens one request may carry, its pass's overhead included. */
  readonly perRequestBudget: number
  /** Prompt tokens the whole run may spend (`token-budget`). */
  readonly runBudget: number
  /**
   * The fixed cost of a request in each pass that sends it (prompts, schema): one entry when
   * one pass asks for everything, two when summary and review go to different deployments
   * and every request is sent twice.
   */
  readonly overheads: readonly number[]
  /** Set aside from the run's budget before packing (the overview's composition). */
  readonly reserved?: number
}

export interface OverBudget {
  readonly files: number
  /** What the left-out parts would cost, requests' overheads included (an estimate). */
  readonly tokens: number
}

export interface PackResult {
  readonly requests: Request[]
  readonly notReviewed: NotReviewed[]
  /** Prompt tokens the requests cost over all passes, as planned (an upper bound). */
  readonly promptTokens: number
  /** What the run's budget left out, when it did. */
  readonly overBudget: OverBudget | undefined
}

export const SEPARATOR = '\n\n'

/**
 * Greedy in the order given (the files API lists files by path), so neighbouring files, which
 * tend to belong together, share a request; the budgets are upper bounds, not targets worth
 * reordering for. Once the next piece would exceed the run's budget, it and everything after
 * it are left out: counted only as far as needed, the rest estimated from their length.
 */
export function pack(files: readonly PrFile[], options: PackOptions): PackResult {
  const steps = packing(files, options)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * pack() a request at a time: each request is yielded as soon as it is full (greedy packing
 * never changes a request once it moves on), and the whole result returned at the end, so that
 * a request can leave before the rest is counted. Between two files it yields `undefined`: a
 * moment where the caller may let the event loop run (a request on its way needs it).
 */
export function* packing(
  files: readonly PrFile[],
  options: PackOptions
): Generator<Request | undefined, PackResult, void> {
  const overhead = Math.max(0, ...options.overheads)
  const passes = Math.max(1, options.overheads.length)
  const capacity = options.perRequestBudget - overhead
  const perRequest = options.overheads.reduce((a, b) => a + b, 0)
  const budget = options.runBudget - (options.reserved ?? 0)
  const notReviewed: NotReviewed[] = []
  const requests: Request[] = []
  if (capacity <= 0) {
    const reason = `the prompt's fixed part (${overhead} tokens) fills a whole request (${options.perRequestBudget})`
    return {
      requests,
      notReviewed: files.map((f) => ({ path: f.path, reason })),
      promptTokens: 0,
      overBudget: undefined
    }
  }

  let current: Piece[] = []
  let currentTokens = 0
  let spent = 0
  let left: { index: number; piece?: Piece } | undefined
  outer: for (const [index, file] of files.entries()) {
    yield undefined
    for (const piece of piecesOf(file, capacity)) {
      const cost = piece.tokens + SEAM_TOKENS
      const fresh =
        current.length === 0 ||
        currentTokens + cost > capacity ||
        current.length >= MAX_FILES_PER_REQUEST
      const added = passes * cost + (fresh ? perRequest : 0)
      if (spent + added > budget) {
        left = { index, piece }
        break outer
      }
      if (fresh && current.length > 0) {
        const full = toRequest(current, currentTokens)
        requests.push(full)
        yield full
        current = []
        currentTokens = 0
      }
      current.push(piece)
      currentTokens += cost
      spent += added
    }
  }
  if (current.length > 0) {
    const last = toRequest(current, currentTokens)
    requests.push(last)
    yield last
  }
  const reason = `over the run's token-budget (${options.runBudget.toLocaleString('en-US')})`
  const overBudget = left
    ? leftOut(files, left, { capacity, passes, perRequest, reason }, notReviewed)
    : undefined
  const promptTokens = requests.reduce((n, r) => n + perRequest + passes * r.tokens, 0)
  return { requests, notReviewed, promptTokens, overBudget }
}

/**
 * About what a file costs in a request, from its patch's length, before it is parsed or
 * counted: o200k averages about 3.5 characters per token on code.
 */
export function estimatedTokens(file: PrFile): number {
  return Math.ceil(unparsedLength(file) / 3.5) + SEAM_TOKENS
}

/**
 * Requests of half the given request's size, for one the model found too long after all (a
 * tokenizer that counts differently). The run's budget was charged when it was planned.
 */
export function repack(request: Request, overheads: readonly number[] = []): PackResult {
  const capacity = Math.ceil(request.tokens / 2)
  const requests: Request[] = []
  let current: Piece[] = []
  let tokens = 0
  for (const piece of request.pieces.flatMap((p) => split(p.file, p.segments, capacity))) {
    const cost = piece.tokens + SEAM_TOKENS
    if (current.length > 0 && tokens + cost > capacity) {
      requests.push(toRequest(current, tokens))
      current = []
      tokens = 0
    }
    current.push(piece)
    tokens += cost
  }
  if (current.length > 0) requests.push(toRequest(current, tokens))
  const perRequest = overheads.reduce((a, b) => a + b, 0)
  const passes = Math.max(1, overheads.length)
  return {
    requests,
    notReviewed: [],
    promptTokens: requests.reduce((n, r) => n + perRequest + passes * r.tokens, 0),
    overBudget: undefined
  }
}

/**
 * A request the content filter refused, in two halves to try apart: its files in two groups,
 * or a single file's hunks (segments) in two. Undefined at the floor: one hunk, or one part of
 * a hunk cut for size, which is what the filter refuses.
 */
export function halve(request: Request): [Request, Request] | undefined {
  const { pieces } = request
  if (pieces.length > 1) {
    const middle = Math.ceil(pieces.length / 2)
    return [costed(pieces.slice(0, middle)), costed(pieces.slice(middle))]
  }
  const only = pieces[0]
  if (!only || only.segments.length < 2) return undefined
  const middle = Math.ceil(only.segments.length / 2)
  return [
    costed([piece(only.file, only.segments.slice(0, middle))]),
    costed([piece(only.file, only.segments.slice(middle))])
  ]
}

/** Pieces as a request, its tokens counted as packing counts them. */
function costed(pieces: Piece[]): Request {
  return toRequest(
    pieces,
    pieces.reduce((n, p) => n + p.tokens + SEAM_TOKENS, 0)
  )
}

function toRequest(pieces: Piece[], tokens: number): Request {
  return { pieces, text: pieces.map((p) => p.text).join(SEPARATOR), tokens }
}

/**
 * Pieces already rendered and counted, by file (files never change): re-packing a plan with
 * the code around its hunks counts again only the files that carry it.
 */
const counted = new WeakMap<PrFile, { capacity: number; pieces: Piece[] }>()

/** A file in parts that each fit `capacity` tokens; the whole file when it fits. */
export function piecesOf(file: PrFile, capacity: number): Piece[] {
  const known = counted.get(file)
  if (known?.capacity === capacity) return known.pieces
  const pieces = split(file, wholeFile(file), capacity)
  counted.set(file, { capacity, pieces })
  return pieces
}

function piece(file: PrFile, segments: readonly Segment[]): Piece {
  const text = renderForPrompt(file, segments)
  return { file, segments, text, tokens: countTokens(text) }
}

/**
 * The segments of a file in pieces that fit: whole when they fit together, else grouped
 * segment by segment, and a segment too large for any request split at line boundaries.
 */
function split(file: PrFile, segments: readonly Segment[], capacity: number): Piece[] {
  const whole = piece(file, segments)
  if (whole.tokens <= capacity || segments.length === 0) return [whole]
  const heading = countTokens(renderForPrompt(file, [])) + SEAM_TOKENS
  const pieces: Piece[] = []
  let run: Segment[] = []
  let runTokens = heading
  const flush = (): void => {
    if (run.length > 0) pieces.push(...fitted(file, run, capacity))
    run = []
    runTokens = heading
  }
  for (const segment of segments) {
    const tokens = segments.length === 1 ? whole.tokens : piece(file, [segment]).tokens
    if (tokens > capacity) {
      flush()
      pieces.push(...lineParts(file, segment, capacity, heading))
      continue
    }
    if (runTokens + tokens - heading > capacity) flush()
    run.push(segment)
    runTokens += tokens - heading + SEAM_TOKENS
  }
  flush()
  return pieces
}

/** Renders a group of segments; should the exact count still exceed, halves the group. */
function fitted(file: PrFile, segments: readonly Segment[], capacity: number): Piece[] {
  const p = piece(file, segments)
  if (p.tokens <= capacity || segments.length === 1) return [p]
  const half = Math.ceil(segments.length / 2)
  return [
    ...fitted(file, segments.slice(0, half), capacity),
    ...fitted(file, segments.slice(half), capacity)
  ]
}

/** A segment too large for a request, as runs of its lines that fit, each with some overlap. */
function lineParts(file: PrFile, segment: Segment, capacity: number, heading: number): Piece[] {
  const lines = file.hunks?.[segment.hunk]?.lines ?? []
  // The part's own `@@` header and the seams: a generous allowance, checked exactly below.
  const room = Math.floor((capacity - heading - 40) * 0.97)
  const costs = lines.slice(segment.from, segment.to).map((l) => countTokens(`${renderLine(l)}\n`))
  const parts: Segment[] = []
  let from = segment.from
  while (from < segment.to) {
    const start = from === segment.from ? from : Math.max(segment.from, from - OVERLAP_LINES)
    let used = 0
    for (let i = start; i < from; i++) used += costs[i - segment.from] ?? 0
    let to = from
    while (to < segment.to && (to === from || used + (costs[to - segment.from] ?? 0) <= room)) {
      used += costs[to - segment.from] ?? 0
      to++
    }
    parts.push({ hunk: segment.hunk, from: start, to })
    from = to
  }
  return parts.flatMap((part) => exactLines(file, part, capacity))
}

/** A line part rendered and counted; halved (without overlap) in the rare case it is over. */
function exactLines(file: PrFile, part: Segment, capacity: number): Piece[] {
  const p = piece(file, [part])
  if (p.tokens <= capacity || part.to - part.from <= 1) return [p]
  const mid = part.from + Math.ceil((part.to - part.from) / 2)
  return [
    ...exactLines(file, { ...part, to: mid }, capacity),
    ...exactLines(file, { ...part, from: mid }, capacity)
  ]
}

/**
 * The files (or their remaining parts) the budget left out, each listed, and about what they
 * would cost: the pieces measured so far give the tokens per character for the rest.
 */
function leftOut(
  files: readonly PrFile[],
  left: { index: number; piece?: Piece },
  costs: { capacity: number; passes: number; perRequest: number; reason: string },
  notReviewed: NotReviewed[]
): OverBudget {
  const { capacity, passes, perRequest, reason } = costs
  const rest = files.slice(left.index)
  // The first left-out piece was measured: its tokens per character estimate the rest
  // (o200k averages about 3.5 characters per token on code). The rest are not even parsed.
  const perChar = left.piece ? left.piece.tokens / Math.max(1, left.piece.text.length) : 1 / 3.5
  let tokens = 0
  let requests = 0
  let room = 0
  for (const [i, file] of rest.entries()) {
    const partial = i === 0 && left.piece ? remainingSegments(file, left.piece) : undefined
    const chars = partial ? renderForPrompt(file, partial).length : unparsedLength(file)
    const estimate = Math.ceil(chars * perChar) + SEAM_TOKENS
    // Packed as pack() would: a file that fits the current request's room joins it.
    if (estimate > room) {
      requests += Math.ceil(estimate / capacity)
      room = capacity * Math.ceil(estimate / capacity) - estimate
    } else room -= estimate
    tokens += estimate
    notReviewed.push({
      path: file.path,
      reason:
        partial && isPartial(file, partial)
          ? `${reason}, from hunk ${(partial[0]?.hunk ?? 0) + 1} on`
          : reason
    })
  }
  return { files: rest.length, tokens: passes * tokens + requests * perRequest }
}

/**
 * About the length of a file as renderForPrompt would show it, from its patch unparsed: the
 * patch, a number before each changed line, and the heading.
 */
function unparsedLength(file: PrFile): number {
  const numbered = file.additions + file.deletions
  return (file.patch?.length ?? 0) + numbered * String(numbered).length + file.path.length + 20
}

/** Segments that leave out some of the file. */
function isPartial(file: PrFile, segments: readonly Segment[]): boolean {
  return segments.length < (file.hunks?.length ?? 0) || (segments[0]?.from ?? 0) > 0
}

/** The segments of a file from the first one the left-out piece holds. */
function remainingSegments(file: PrFile, leftPiece: Piece): Segment[] {
  const first = leftPiece.segments[0]
  if (!first) return wholeFile(file)
  return wholeFile(file)
    .filter((s) => s.hunk >= first.hunk)
    .map((s) => (s.hunk === first.hunk ? { ...s, from: first.from } : s))
}

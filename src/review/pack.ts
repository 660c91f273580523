/**
 * Packing of rendered files into requests that respect a per-request budget and the run's
 * `token-budget`. Pure functions of data (tokens counted with tokens.ts).
 */
import type { Hunk, NotReviewed, PrFile } from '../pull-request.js'
import { renderForPrompt } from './diff.js'
import { countTokens, fitsIn } from './tokens.js'

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
 * One request's prompt stays under this however large the window. The answer (at most 4,096
 * tokens) must cover everything the request shows: a walkthrough row per file, the findings
 * of every file. Attention to detail also drops in very long prompts, smaller requests run in
 * parallel, and Azure's tokens-per-minute quotas (often 30k–150k) refuse outsized ones. The
 * price is the prompt's fixed part repeated per request: a few percent at this size.
 */
export const MAX_REQUEST_TOKENS = 16_000
/** Headroom for chat framing, the schema of structured output and tokenizer drift. */
const SAFETY_MARGIN = 0.05

export function contextWindowFor(modelName: string): number {
  const name = modelName.toLowerCase()
  return CONTEXT_WINDOWS.find(([pattern]) => pattern.test(name))?.[1] ?? DEFAULT_CONTEXT_WINDOW
}

/** Prompt tokens one request may carry: window − output reserve − 5 %, capped at 16k. */
export function requestBudget(modelName: string, maxOutputTokens: number): number {
  const window = contextWindowFor(modelName)
  const room = window - maxOutputTokens - Math.ceil(window * SAFETY_MARGIN)
  return Math.max(0, Math.min(MAX_REQUEST_TOKENS, room))
}

/** A file's rendering; `hunks`, when set, says it renders only those hunks of `diff`. */
export interface PackItem {
  path: string
  diff: PrFile
  text: string
  tokens: number
  hunks?: readonly Hunk[]
}

/** A file, or part of one, in a request. `diff` stays whole so findings anchor against it. */
export interface PackedFile extends PackItem {
  hunks: readonly Hunk[]
}

export interface Request {
  files: PackedFile[]
  /** The files' renderings joined by SEPARATOR. */
  text: string
  /** overheadTokens + the tokens of `text`. */
  tokens: number
  overheadTokens: number
}

export interface PackOptions {
  perRequestBudget: number
  totalBudget: number
  /** Cost of a request without files: system prompt, instructions, schema. */
  overheadTokens: number
}

export interface PackResult {
  requests: Request[]
  notReviewed: NotReviewed[]
  promptTokens: number
}

export const SEPARATOR = '\n\n'
// Joining can merge tokens at the seam; charging 2 per seam keeps the sum an upper bound.
const SEPARATOR_TOKENS = 2

/** Renders a whole file and counts it. */
export function renderItem(diff: PrFile): PackItem {
  const text = renderForPrompt(diff)
  return { path: diff.path, diff, text, tokens: countTokens(text) }
}

/**
 * Greedy in the order given (the files API lists files by path), so neighbouring files, which
 * tend to belong together, share a request and the model sees them side by side; the budgets
 * are upper bounds, not targets worth reordering for. A file larger than one request is split
 * by hunk; a hunk larger than one request is not reviewed rather than cut mid-hunk. Once the
 * next piece would exceed `totalBudget`, it and everything after it are not reviewed.
 */
export function pack(items: readonly PackItem[], options: PackOptions): PackResult {
  const { perRequestBudget, totalBudget, overheadTokens } = options
  const capacity = perRequestBudget - overheadTokens
  const notReviewed: NotReviewed[] = []
  const groups: PackedFile[][] = []
  let current: PackedFile[] = []
  let currentCost = 0
  let spent = 0

  if (capacity <= 0) {
    const reason = `prompt overhead (${overheadTokens} tokens) fills the request budget (${perRequestBudget})`
    return {
      requests: [],
      notReviewed: items.map((i) => ({ path: i.path, reason })),
      promptTokens: 0
    }
  }

  const pieces = items.flatMap((item) => piecesOf(item, capacity, notReviewed))
  for (const [index, piece] of pieces.entries()) {
    const cost = piece.tokens + SEPARATOR_TOKENS
    const fresh = current.length === 0 || currentCost + cost > capacity
    const added = fresh ? overheadTokens + cost : cost
    if (spent + added > totalBudget) {
      notReviewed.push(...pieces.slice(index).map((p) => budgetReached(p, totalBudget)))
      break
    }
    if (fresh && current.length > 0) {
      groups.push(current)
      current = []
      currentCost = 0
    }
    current.push(piece)
    currentCost += cost
    spent += added
  }
  if (current.length > 0) groups.push(current)

  const requests = groups.map((files) => toRequest(files, overheadTokens))
  const promptTokens = requests.reduce((sum, r) => sum + r.tokens, 0)
  return { requests, notReviewed, promptTokens }
}

/**
 * Re-packs a request the service refused (`context_length_exceeded`) into requests of half its
 * diff each. (Halving the whole request, overhead included, would leave room for less than one
 * of two equal files.) The run's budget was charged when the request was planned, so the retry
 * is not held to it again.
 */
export function repack(request: Request): PackResult {
  const diff = request.files.reduce((n, f) => n + f.tokens + SEPARATOR_TOKENS, 0)
  return pack(request.files, {
    perRequestBudget: request.overheadTokens + Math.ceil(diff / 2),
    totalBudget: Number.POSITIVE_INFINITY,
    overheadTokens: request.overheadTokens
  })
}

function toRequest(files: PackedFile[], overheadTokens: number): Request {
  const text = files.map((f) => f.text).join(SEPARATOR)
  return { files, text, tokens: overheadTokens + countTokens(text), overheadTokens }
}

function budgetReached(piece: PackedFile, totalBudget: number): NotReviewed {
  const partial = piece.hunks.length < (piece.diff.hunks ?? []).length
  const which = partial ? ` (${hunkRange(piece.diff, piece.hunks)})` : ''
  return { path: piece.path, reason: `token budget (${totalBudget}) reached${which}` }
}

function hunkRange(diff: PrFile, hunks: readonly Hunk[]): string {
  const all = diff.hunks ?? []
  const first = all.indexOf(hunks[0] as Hunk) + 1
  const last = all.indexOf(hunks[hunks.length - 1] as Hunk) + 1
  const span = first === last ? `hunk ${first}` : `hunks ${first}-${last}`
  return `${span} of ${all.length}`
}

/** The item whole when it fits, else runs of consecutive hunks that each fit. */
function piecesOf(item: PackItem, capacity: number, notReviewed: NotReviewed[]): PackedFile[] {
  const hunks = item.hunks ?? item.diff.hunks ?? []
  const limit = capacity - SEPARATOR_TOKENS
  if (item.tokens <= limit) return [{ ...item, hunks }]
  if (hunks.length === 0) {
    notReviewed.push({ path: item.path, reason: `too large: ${item.tokens} tokens` })
    return []
  }
  // Each hunk rendered alone costs its heading too, so summing them over-estimates a run;
  // the run is then rendered and counted exactly.
  const sized = hunks.map((hunk) => ({
    hunk,
    tokens: countTokens(renderForPrompt(item.diff, [hunk]))
  }))
  const pieces: PackedFile[] = []
  let run: Hunk[] = []
  let runTokens = 0
  const flush = () => {
    if (run.length > 0) pieces.push(...exactPieces(item.diff, run, limit))
    run = []
    runTokens = 0
  }
  for (const { hunk, tokens } of sized) {
    if (tokens > limit) {
      flush()
      const where = hunkRange(item.diff, [hunk])
      notReviewed.push({ path: item.path, reason: `hunk too large: ${tokens} tokens (${where})` })
      continue
    }
    if (runTokens + tokens > limit) flush()
    run.push(hunk)
    runTokens += tokens
  }
  flush()
  return pieces
}

/** Renders a run of hunks; should the exact count still exceed the limit, halves the run. */
function exactPieces(diff: PrFile, run: readonly Hunk[], limit: number): PackedFile[] {
  const text = renderForPrompt(diff, run)
  if (run.length === 1 || fitsIn(text, limit)) {
    return [{ path: diff.path, diff, text, tokens: countTokens(text), hunks: run }]
  }
  const half = Math.ceil(run.length / 2)
  return [
    ...exactPieces(diff, run.slice(0, half), limit),
    ...exactPieces(diff, run.slice(half), limit)
  ]
}

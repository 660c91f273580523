/**
 * Runs a task's packed requests against the model, `concurrency` at a time, so that one part's
 * trouble stays that part's: too long → re-packed once; refused by the content filter → tried
 * again in halves (files, then one file's hunks) until only the hunks the filter refuses are
 * left out, each named; an unreadable answer → that part failed. A broken chain (a StageError:
 * auth, role, deployment, throttling that outlived the retries) sends no more requests: the
 * parts in flight finish, the rest are listed as not sent, and the error is returned beside
 * what succeeded, so the run can post it. Anything else is a bug and fails the run.
 */
import * as core from '@actions/core'
import type { LimitFunction } from 'p-limit'
import { httpStatus, InvalidAnswerError, ModelRefusal, StageError } from '../errors.js'
import { callModel, usageOf } from './call.js'
import { count } from '../format.js'
import type { AnswerSchema, ChatResult, Model } from '../model.js'
import { halve, repack, type Request } from './pack.js'
import type { OutputMode } from './prompts.js'

/**
 * Deployments found to refuse `json_schema`: they get `json_object` with the schema in the
 * prompt for the rest of the run. Share one between the tasks of a run.
 */
export class OutputModes {
  private readonly noSchema = new Set<string>()

  modeFor(deployment: string): OutputMode {
    return this.noSchema.has(deployment) ? 'json_object' : 'json_schema'
  }

  /** Returns false when the deployment was already known to refuse it. */
  refuseSchema(deployment: string): boolean {
    if (this.noSchema.has(deployment)) return false
    this.noSchema.add(deployment)
    return true
  }
}

type PartStatus = 'ok' | 'partial' | 'filtered' | 'failed'

export interface PartResult {
  /** 1-based position among the task's packed requests. */
  index: number
  /**
   * Which piece of the packed request, when it was split: re-packed after
   * `context_length_exceeded`, or halved after the content filter refused it ("2", "1.2").
   */
  piece?: string
  files: string[]
  status: PartStatus
  /** Why the part is not `ok`. */
  reason?: string
  promptTokens: number
  completionTokens: number
  /** Model calls made for this part (format fallback included). */
  requests: number
  durationMs: number
}

interface Parsed<T> {
  value: T
  /** Answer items that failed validation or named a file the request did not show. */
  dropped: number
  /** For the log: "3 findings". */
  describe: string
}

export interface PartsJob<T> {
  /** "review" or "summary": for the log. */
  task: string
  deployment: string
  /** Shared by every pass of a run: `concurrency` requests in flight at once, all passes together. */
  limit: LimitFunction
  maxOutputTokens: number
  format: AnswerSchema
  modes: OutputModes
  system: (mode: OutputMode) => string
  user: (request: Request) => string
  /** Throws InvalidAnswerError when the answer cannot be read. */
  parse: (content: string, truncated: boolean, request: Request) => Parsed<T>
}

export interface Settled<T> {
  part: PartResult
  value?: T
}

/**
 * A task's requests: an array when they are all known at once; otherwise batches that become
 * ready over time, in the order they do (packed one by one, or waiting for the code around
 * their hunks). Each request leaves as soon as its batch is ready and a slot is free.
 */
export type Requests = readonly Request[] | AsyncIterable<readonly Request[]>

/**
 * Batches read again from the start by each reader (the passes of a run each send every
 * request), as they come from `source`, which is read once.
 */
export function replayable<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const seen: T[] = []
  let ended = false
  let failure: { error: unknown } | undefined
  let wake: (() => void)[] = []
  const woken = (): void => {
    const waiting = wake
    wake = []
    for (const w of waiting) w()
  }
  void (async () => {
    try {
      for await (const item of source) {
        seen.push(item)
        woken()
      }
    } catch (error) {
      failure = { error }
    } finally {
      ended = true
      woken()
    }
  })()
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; ; i++) {
        while (i >= seen.length && !ended) await new Promise<void>((resolve) => wake.push(resolve))
        if (i < seen.length) {
          yield seen[i] as T
          continue
        }
        if (failure) throw failure.error
        return
      }
    }
  }
}

export interface PartsOutcome<T> {
  /** Every request's part: answered, refused, failed, or not sent once the chain broke. */
  settled: Settled<T>[]
  /** Why requests stopped being sent: the chain broke (diagnosis/ explains it). */
  broken?: StageError
  /** Packed requests run (a request re-packed after `context_length_exceeded` counts once). */
  packed: number
  promptTokens: number
  completionTokens: number
  requests: number
}

export async function runParts<T>(
  model: Model,
  requests: Requests,
  job: PartsJob<T>
): Promise<PartsOutcome<T>> {
  const chain: Chain = {}
  // Parts are numbered as they become ready; the total shows once every one has.
  let numbered = 0
  let total = isBatches(requests) ? undefined : requests.length
  const of = (): string => (total === undefined ? '' : `/${total}`)
  const run = (request: Request, index: number): Promise<Settled<T>[]> =>
    settle(model, request, { index, of }, job, chain, true)
  const running: Promise<Settled<T>[]>[] = []
  const start = (batch: readonly Request[]): void => {
    for (const request of batch) {
      const index = (numbered += 1)
      running.push(job.limit(() => run(request, index)))
    }
  }
  if (isBatches(requests)) {
    try {
      for await (const batch of requests) start(batch)
    } catch (error) {
      // The parts already asked settle first: none may fail later with nobody to hear it.
      await Promise.allSettled(running)
      throw error
    }
    total = numbered
  } else {
    start(requests)
  }
  const settled = (await Promise.all(running)).flat()
  return { ...tally(settled), packed: numbered, ...(chain.broken ? { broken: chain.broken } : {}) }
}

/** The first StageError of a task: once the chain is broken, every request would fail alike. */
interface Chain {
  broken?: StageError
}

/**
 * A request the run got no answer to once the chain broke: its files are not reviewed. `own`:
 * the request whose call broke it (counted as a request when it reached Azure OpenAI); the
 * others were not sent.
 */
function unanswered<T>(
  request: Request,
  place: Place,
  error: StageError,
  own: boolean
): Settled<T> {
  const status = httpStatus(error.cause)
  const why = `could not ${error.doing}${status === undefined ? '' : ` (HTTP ${status})`}`
  return {
    part: {
      index: place.index,
      ...(place.piece !== undefined ? { piece: place.piece } : {}),
      files: pathsOf(request),
      status: 'failed',
      reason: own
        ? `${why}; the run stopped asking the model`
        : `not sent: the run stopped asking the model, as it ${why}`,
      promptTokens: 0,
      completionTokens: 0,
      requests: own && error.stage === 'openai' ? 1 : 0,
      durationMs: 0
    }
  }
}

const isBatches = (requests: Requests): requests is AsyncIterable<readonly Request[]> =>
  Symbol.asyncIterator in requests

function tally<T>(settled: Settled<T>[]): Omit<PartsOutcome<T>, 'packed' | 'broken'> {
  return { settled, ...usageOf(settled.map((s) => s.part)) }
}

/** Where a request stands among the task's: its packed index and, once split, its piece. */
interface Place {
  readonly index: number
  readonly piece?: string
  /** "/10" once the task's total is known, "" until then. */
  readonly of: () => string
}

/** "3/10", "3.1.2/10", or "3" while the total is not known yet: for the log. */
const labelOf = (place: Place): string =>
  `${place.index}${place.piece ? `.${place.piece}` : ''}${place.of()}`

/**
 * One request answered, or, when the model refuses it: re-packed once when it is too long
 * (`repack`, only for a packed request), halved while the content filter refuses it (`halve`,
 * down to one hunk, which is then left out and named). The pieces go one after another within
 * the request's slot: queueing them behind the limiter that holds it could deadlock.
 */
async function settle<T>(
  model: Model,
  request: Request,
  place: Place,
  job: PartsJob<T>,
  chain: Chain,
  mayRepack: boolean
): Promise<Settled<T>[]> {
  if (chain.broken) return [unanswered(request, place, chain.broken, false)]
  let first: Attempt<T>
  try {
    first = await attempt(model, request, () => labelOf(place), job)
  } catch (error) {
    if (!(error instanceof StageError)) throw error
    chain.broken ??= error
    return [unanswered(request, place, error, true)]
  }
  const smaller = mayRepack && isTooLong(first.error) ? repack(request).requests : undefined
  const halves = wasFiltered(first) ? halve(request) : undefined
  const pieces = smaller ?? halves
  if (!pieces) return [finish(first, request, place)]
  core.info(
    smaller
      ? `${job.task} part ${labelOf(place)}: too long for the model; re-packed into ${count(smaller.length, 'smaller request')}.`
      : `${job.task} part ${labelOf(place)}: refused by the content filter; trying its halves apart, to leave out only what the filter refuses.`
  )
  const out: Settled<T>[] = []
  for (const [i, piece] of pieces.entries()) {
    const number = place.piece ? `${place.piece}.${i + 1}` : String(i + 1)
    out.push(...(await settle(model, piece, { ...place, piece: number }, job, chain, false)))
  }
  // The refused attempt's cost is the first piece's.
  const head = out[0]
  if (head) {
    head.part.promptTokens += first.promptTokens
    head.part.completionTokens += first.completionTokens
    head.part.requests += first.requests
    head.part.durationMs += first.durationMs
  }
  return out
}

interface Attempt<T> {
  result?: ChatResult
  parsed?: Parsed<T>
  error?: unknown
  promptTokens: number
  completionTokens: number
  requests: number
  durationMs: number
}

/** Sends one request, falling back from json_schema to json_object once if refused. */
async function attempt<T>(
  model: Model,
  request: Request,
  /** "3/10", or "3" while the total is not known yet. */
  label: () => string,
  job: PartsJob<T>
): Promise<Attempt<T>> {
  const started = Date.now()
  const files = pathsOf(request).length
  core.info(
    `${job.task} part ${label()}: ${count(files, 'file')}, ${count(request.tokens, 'token')} …`
  )
  const out: Attempt<T> = { promptTokens: 0, completionTokens: 0, requests: 0, durationMs: 0 }
  const user = job.user(request)
  for (;;) {
    const mode = job.modes.modeFor(job.deployment)
    out.requests += 1
    const called = await callModel(model, {
      deployment: job.deployment,
      system: job.system(mode),
      user,
      maxOutputTokens: job.maxOutputTokens,
      answer: mode === 'json_schema' ? job.format : 'json_object'
    })
    if ('refused' in called) {
      if (mode === 'json_schema' && called.refused.kind === 'no-json-schema') {
        if (job.modes.refuseSchema(job.deployment)) {
          core.info(
            `Deployment '${job.deployment}' does not support structured outputs (json_schema): using json_object with the schema in the prompt.`
          )
        }
        continue
      }
      out.error = called.refused
      break
    }
    const { result } = called
    out.result = result
    out.promptTokens += result.promptTokens
    out.completionTokens += result.completionTokens
    if (result.finishReason !== 'content_filter') {
      try {
        out.parsed = job.parse(result.content, result.finishReason === 'length', request)
      } catch (error) {
        // An answer that cannot be read is this part's trouble; anything else is a bug.
        if (!(error instanceof InvalidAnswerError)) throw error
        out.error = error
      }
    }
    break
  }
  out.durationMs = Date.now() - started
  const seconds = (out.durationMs / 1000).toFixed(1)
  core.info(`${job.task} part ${label()}: ${outcomeText(out)} in ${seconds} s.`)
  return out
}

function outcomeText(a: Attempt<unknown>): string {
  if (a.error !== undefined) return `failed (${reasonOf(a.error)})`
  if (a.result?.finishReason === 'content_filter') return 'filtered by the content filter'
  const dropped =
    a.parsed && a.parsed.dropped > 0 ? `, ${count(a.parsed.dropped, 'invalid item')} dropped` : ''
  const cut = a.result?.finishReason === 'length' ? ' (answer cut at the output limit)' : ''
  return `done, ${a.parsed?.describe ?? 'no answer'}${dropped}${cut}`
}

function finish<T>(a: Attempt<T>, request: Request, place: Place): Settled<T> {
  const part: PartResult = {
    index: place.index,
    ...(place.piece !== undefined ? { piece: place.piece } : {}),
    files: pathsOf(request),
    status: 'ok',
    promptTokens: a.promptTokens,
    completionTokens: a.completionTokens,
    requests: a.requests,
    durationMs: a.durationMs
  }
  if (wasFiltered(a)) {
    part.status = 'filtered'
    part.reason = `Azure OpenAI's content filter refused ${isFiltered(a.error) ? '' : 'the answer about '}${refusedSpan(request)}`
    return { part }
  }
  if (a.error !== undefined) {
    part.status = 'failed'
    part.reason = reasonOf(a.error)
    return { part }
  }
  if (a.result?.finishReason === 'length') {
    part.status = 'partial'
    part.reason = `the answer was cut at the output limit (${a.completionTokens} tokens); kept what was complete`
  } else if (a.parsed && a.parsed.dropped > 0) {
    part.reason = `${count(a.parsed.dropped, 'invalid item')} dropped`
  }
  return a.parsed ? { part, value: a.parsed.value } : { part }
}

/** The files a request shows, each once. */
export const pathsOf = (request: Request): string[] => [
  ...new Set(request.pieces.map((p) => p.file.path))
]

const refusal = (error: unknown) => (error instanceof ModelRefusal ? error.kind : undefined)
const isTooLong = (error: unknown): boolean => refusal(error) === 'too-long'
const isFiltered = (error: unknown): boolean => refusal(error) === 'filtered'
/** The prompt refused (400 content_filter), or the answer blocked (finish_reason content_filter). */
const wasFiltered = (a: Attempt<unknown>): boolean =>
  isFiltered(a.error) || a.result?.finishReason === 'content_filter'

/**
 * What the filter refused, named for people: a hunk's lines (at the floor of halving), or the
 * files of a request it could not halve further (a request without hunks).
 */
function refusedSpan(request: Request): string {
  const [only, ...more] = request.pieces
  if (!only) return 'this request'
  if (more.length > 0) return `these ${count(request.pieces.length, 'file')}`
  const lines = only.segments.flatMap(
    (s) => only.file.hunks?.[s.hunk]?.lines.slice(s.from, s.to) ?? []
  )
  const news = lines.flatMap((l) => (l.newLine === undefined ? [] : [l.newLine]))
  const olds = lines.flatMap((l) => (l.oldLine === undefined ? [] : [l.oldLine]))
  const [numbers, side] = news.length > 0 ? [news, 'lines'] : [olds, 'removed lines']
  if (numbers.length === 0) return 'this file'
  const first = Math.min(...numbers)
  const last = Math.max(...numbers)
  return first === last ? `${side.replace(/s$/, '')} ${first}` : `${side} ${first}–${last}`
}

function reasonOf(error: unknown): string {
  if (error instanceof InvalidAnswerError) return `unreadable answer: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

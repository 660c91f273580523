/**
 * Runs a task's packed requests against the model, `concurrency` at a time, so that one part's
 * trouble stays that part's: too long → re-packed once; filtered → reported; unreadable →
 * failed. Only a broken chain (a StageError: auth, role, deployment, throttling that outlived
 * the retries) stops the run: the parts in flight finish, the rest are not sent, and the
 * error leaves for diagnosis.
 */
import * as core from '@actions/core'
import type { LimitFunction } from 'p-limit'
import { StageError } from '../errors.js'
import { count } from '../format.js'
import { ModelRefusal, type AnswerSchema, type ChatResult, type Model } from '../model.js'
import { repack, type Request } from './pack.js'
import type { OutputMode } from './prompts.js'
import { InvalidAnswerError } from './schema.js'

export const TEMPERATURE = 0.2

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

export type PartStatus = 'ok' | 'partial' | 'filtered' | 'failed'

export interface PartResult {
  /** 1-based position among the task's packed requests. */
  index: number
  /** 1-based piece of a request that was re-packed after `context_length_exceeded`. */
  piece?: number
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

export interface Parsed<T> {
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
  settled: Settled<T>[]
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
  let broken: StageError | undefined
  // Parts are numbered as they become ready; the total shows once every one has.
  let numbered = 0
  let total = isBatches(requests) ? undefined : requests.length
  const of = (): string => (total === undefined ? '' : `/${total}`)
  const run = async (request: Request, index: number): Promise<Settled<T>[]> => {
    // Once the chain is broken every request would fail the same way: send no more.
    if (broken) return []
    try {
      return await runRequest(model, request, index, of, job)
    } catch (error) {
      if (!(error instanceof StageError)) throw error
      broken ??= error
      return []
    }
  }
  const running: Promise<Settled<T>[]>[] = []
  const start = (batch: readonly Request[]): void => {
    for (const request of batch) {
      const index = (numbered += 1)
      running.push(job.limit(() => run(request, index)))
    }
  }
  if (isBatches(requests)) {
    for await (const batch of requests) start(batch)
    total = numbered
  } else {
    start(requests)
  }
  const settled = (await Promise.all(running)).flat()
  if (broken) throw broken
  return { ...tally(settled), packed: numbered }
}

const isBatches = (requests: Requests): requests is AsyncIterable<readonly Request[]> =>
  Symbol.asyncIterator in requests

export function tally<T>(settled: Settled<T>[]): Omit<PartsOutcome<T>, 'packed'> {
  const sum = (key: 'promptTokens' | 'completionTokens' | 'requests'): number =>
    settled.reduce((n, s) => n + s.part[key], 0)
  return {
    settled,
    promptTokens: sum('promptTokens'),
    completionTokens: sum('completionTokens'),
    requests: sum('requests')
  }
}

/** One packed request; re-packed once when the service finds it too long. `of`: "/total", once known. */
async function runRequest<T>(
  model: Model,
  request: Request,
  index: number,
  of: () => string,
  job: PartsJob<T>
): Promise<Settled<T>[]> {
  const first = await attempt(model, request, () => `${index}${of()}`, job)
  if (!isTooLong(first.error)) return [finish(first, request, index)]

  const smaller = repack(request)
  core.info(
    `${job.task} part ${index}${of()}: too long for the model; re-packed into ${count(smaller.requests.length, 'smaller request')}.`
  )
  // Sequential within this slot: queueing them behind the limiter that holds it could deadlock.
  const out: Settled<T>[] = []
  for (const [i, piece] of smaller.requests.entries()) {
    const result = await attempt(model, piece, () => `${index}.${i + 1}${of()}`, job)
    const settled = finish(result, piece, index, i + 1)
    if (i === 0) {
      settled.part.promptTokens += first.promptTokens
      settled.part.requests += first.requests
    }
    out.push(settled)
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
    try {
      out.requests += 1
      const result = await model.complete({
        deployment: job.deployment,
        messages: [
          { role: 'system', content: job.system(mode) },
          { role: 'user', content: user }
        ],
        maxOutputTokens: job.maxOutputTokens,
        temperature: TEMPERATURE,
        answer: mode === 'json_schema' ? job.format : 'json_object'
      })
      out.result = result
      out.promptTokens += result.promptTokens
      out.completionTokens += result.completionTokens
      if (result.finishReason !== 'content_filter') {
        out.parsed = job.parse(result.content, result.finishReason === 'length', request)
      }
      break
    } catch (error) {
      if (mode === 'json_schema' && refusal(error) === 'no-json-schema') {
        if (job.modes.refuseSchema(job.deployment)) {
          core.info(
            `Deployment '${job.deployment}' does not support structured outputs (json_schema): using json_object with the schema in the prompt.`
          )
        }
        continue
      }
      if (error instanceof StageError) throw error
      out.error = error
      break
    }
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

function finish<T>(a: Attempt<T>, request: Request, index: number, piece?: number): Settled<T> {
  const part: PartResult = {
    index,
    ...(piece !== undefined ? { piece } : {}),
    files: pathsOf(request),
    status: 'ok',
    promptTokens: a.promptTokens,
    completionTokens: a.completionTokens,
    requests: a.requests,
    durationMs: a.durationMs
  }
  if (a.error !== undefined) {
    part.status = isFiltered(a.error) ? 'filtered' : 'failed'
    part.reason = reasonOf(a.error)
    return { part }
  }
  if (a.result?.finishReason === 'content_filter') {
    part.status = 'filtered'
    part.reason = 'the answer was blocked by the content filter'
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

function reasonOf(error: unknown): string {
  if (error instanceof InvalidAnswerError) return `unreadable answer: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

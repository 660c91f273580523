/**
 * The parts runner (review/parts.ts) on its own, under a job of the test's making: what the
 * model was asked, part by part, and what each part came to. tasks.test.ts drives it through the
 * passes (the schema fallback within a run, one re-pack, one halving down to a hunk, a 401
 * mid-run, a bug in the answer's reader); this suite adds the rest of the recursion (deeper
 * halving over renamed and removed files, a big hunk cut for size, answers the filter blocks,
 * whose cost goes where), the schedule (never more than `concurrency` in flight, batches sent
 * as they arrive, one limiter for every pass), a chain that breaks on throttling or mid-halving,
 * the output modes shared between runs, and replayable.
 *
 * The Azure OpenAI emulator with the real ModelClient where the wire matters; a model port
 * held by the test where only the schedule is under test.
 */
import { beforeAll, beforeEach, afterEach, describe, expect, it, jest } from '@jest/globals'
import pLimit from 'p-limit'
import { ModelClient } from '../../src/chain/openai.js'
import { httpStatus, InvalidAnswerError, StageError } from '../../src/errors.js'
import { count } from '../../src/format.js'
import type { ChatRequest, ChatResult, Model } from '../../src/model.js'
import type { PrFile } from '../../src/pull-request.js'
import { pack, piecesOf, SEPARATOR, type Piece, type Request } from '../../src/review/pack.js'
import {
  OutputModes,
  pathsOf,
  replayable,
  runParts,
  type PartResult,
  type PartsJob,
  type PartsOutcome
} from '../../src/review/parts.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import { DEPLOYMENT } from '../emulators/constants.js'
import type { ChatRequest as SentRequest, OpenAIRequestRecord } from '../emulators/azure-openai.js'
import { startWorld, type World } from '../emulators/world.js'
import { federatedModel, worldModelConfig } from '../helpers/federated-model.js'
import { fixturePatch, prFile } from '../helpers/files.js'
import { syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt } from '../helpers/reviewer.js'
import { captureStdout } from '../helpers/stdout.js'
import { trustTestCa } from '../helpers/trust.js'

beforeAll(async () => {
  trustTestCa()
  await loadTokenizer()
})

/** A deployment without structured outputs (an older model version, or api-version). */
const LEGACY = 'gpt-4o-legacy'

let log: string[]
beforeEach(() => {
  log = captureStdout()
})
afterEach(() => {
  jest.restoreAllMocks()
})

// ---------------------------------------------------------------------------------------------
// The pull request: real diffs (a multi-hunk edit, an added file, a rename, a deletion).

const totals = prFile('src/cart/totals.js', fixturePatch('multi-hunk'), {
  additions: 9,
  deletions: 8
})
const discounts = prFile('src/cart/discounts.js', fixturePatch('added'), {
  status: 'added',
  additions: 11
})
const money = prFile('src/cart/money.js', fixturePatch('renamed'), {
  status: 'renamed',
  previousPath: 'src/money.js',
  additions: 2,
  deletions: 2
})
const rounding = prFile('src/legacy/rounding.js', fixturePatch('deleted'), {
  status: 'removed',
  deletions: 4
})
const version = prFile('VERSION', fixturePatch('single-line'), { additions: 1, deletions: 1 })

/** In totals.js's third hunk only (new lines 28–38): `return Math.min(Math.max(q, 0), …)`. */
const IN_THIRD_HUNK = 'Math.max(q, 0)'
/** In rounding.js's one hunk, removed lines 1–4. */
const IN_REMOVED = 'Kept for backwards compatibility'

/** The files in one request, as packing makes it. */
function together(...files: PrFile[]): Request {
  const { requests } = pack(files, { perRequestBudget: 1e6, runBudget: 1e9, overheads: [0] })
  expect(requests).toHaveLength(1)
  return requests[0] as Request
}

/** A request per file. */
const apart = (...files: PrFile[]): Request[] => files.map((f) => together(f))

/** Pieces as one request, the way packing joins them. */
function joined(pieces: Piece[]): Request {
  return {
    pieces,
    text: pieces.map((p) => p.text).join(SEPARATOR),
    tokens: pieces.reduce((n, p) => n + p.tokens + 2, 0)
  }
}

/** A promise the test opens: a batch, or the next step of a source, made ready when it says. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

// ---------------------------------------------------------------------------------------------
// The job: the model lists the files it was shown; the parse keeps those it was really shown.

const FORMAT = {
  name: 'files_seen',
  schema: {
    type: 'object',
    properties: { files: { type: 'array', items: { type: 'string' } } },
    required: ['files'],
    additionalProperties: false
  }
}

interface Parse {
  truncated: boolean
  files: string[]
}

function job(over: Partial<PartsJob<string[]>> = {}): PartsJob<string[]> & { parsed: Parse[] } {
  const parsed: Parse[] = []
  return {
    task: 'review',
    deployment: DEPLOYMENT,
    limit: pLimit(4),
    maxOutputTokens: 1000,
    format: FORMAT,
    modes: new OutputModes(),
    system: (mode) => `List the files you are shown. Answer as ${mode}.`,
    user: (request) => request.text,
    parse: (content, truncated, request) => {
      parsed.push({ truncated, files: pathsOf(request) })
      let answer: unknown
      try {
        answer = JSON.parse(content)
      } catch {
        throw new InvalidAnswerError('the answer is not JSON')
      }
      const named = (answer as { files?: unknown }).files
      if (!Array.isArray(named)) throw new InvalidAnswerError('the answer has no `files`')
      const shown = new Set(pathsOf(request))
      const value = named.filter((f): f is string => typeof f === 'string' && shown.has(f))
      return { value, dropped: named.length - value.length, describe: count(value.length, 'file') }
    },
    ...over,
    parsed
  }
}

const seen = (request: { user: string }): string[] => filesInPrompt(request.user).map((f) => f.path)
/** The emulator's responder: the files the prompt showed. */
const listFiles = (request: SentRequest): unknown => ({ files: seen(request) })

const row = (p: PartResult) => [p.index, p.piece, p.files, p.status, p.reason]

// ---------------------------------------------------------------------------------------------
// Pure helpers.

describe('pathsOf', () => {
  it('names each file a request shows once, in the order shown, however many pieces it is in', () => {
    // totals.js in parts (as packing cuts a file larger than a request), then a renamed file.
    const parts = piecesOf(totals, 120)
    expect(parts.length).toBeGreaterThan(1)
    const request = joined([...parts, ...together(money).pieces])
    expect(pathsOf(request)).toEqual(['src/cart/totals.js', 'src/cart/money.js'])
    expect(pathsOf(joined([]))).toEqual([])
  })
})

describe('OutputModes', () => {
  it('asks every deployment for json_schema until it refuses it, then json_object, each on its own', () => {
    const modes = new OutputModes()
    expect(modes.modeFor(LEGACY)).toBe('json_schema')
    expect(modes.refuseSchema(LEGACY)).toBe(true)
    expect(modes.modeFor(LEGACY)).toBe('json_object')
    expect(modes.modeFor(DEPLOYMENT)).toBe('json_schema')
    // Known already: the caller says so once, not for every part that ran into it.
    expect(modes.refuseSchema(LEGACY)).toBe(false)
    expect(modes.modeFor(LEGACY)).toBe('json_object')
  })
})

describe('replayable', () => {
  /** Batches the test releases one by one; counts how often the source is read. */
  function source(items: string[][], fail?: Error) {
    const gates = items.map(() => gate())
    let reads = 0
    async function* batches(): AsyncGenerator<string[]> {
      reads += 1
      for (const [i, item] of items.entries()) {
        await gates[i]?.promise
        yield item
      }
      if (fail) throw fail
    }
    return { batches: batches(), release: (i: number) => gates[i]?.open(), reads: () => reads }
  }

  async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = []
    for await (const item of iterable) out.push(item)
    return out
  }

  it('gives every reader every batch from the start, in order, reading the source once', async () => {
    const s = source([['a.ts'], ['b.ts', 'c.ts'], ['d.ts']])
    const batches = replayable(s.batches)
    const early = all(batches)
    s.release(0)
    s.release(1)
    await new Promise((resolve) => setImmediate(resolve))
    // A reader that starts late replays what came, then waits with the others.
    const late = all(batches)
    s.release(2)
    const expected = [['a.ts'], ['b.ts', 'c.ts'], ['d.ts']]
    expect(await early).toEqual(expected)
    expect(await late).toEqual(expected)
    expect(await all(batches)).toEqual(expected)
    expect(s.reads()).toBe(1)
  })

  it('hands a reader each batch as it comes, not once the source ends', async () => {
    const s = source([['a.ts'], ['b.ts']])
    const reader = replayable(s.batches)[Symbol.asyncIterator]()
    const first = reader.next()
    s.release(0)
    expect(await first).toEqual({ done: false, value: ['a.ts'] })
    const second = reader.next()
    let settled = false
    void second.then(() => (settled = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    s.release(1)
    expect(await second).toEqual({ done: false, value: ['b.ts'] })
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })

  it('passes the source’s failure to every reader, after the batches that came before it', async () => {
    const broken = new Error('could not read the files at head')
    const s = source([['a.ts']], broken)
    const batches = replayable(s.batches)
    s.release(0)
    for (let reader = 1; reader <= 2; reader++) {
      const got: string[][] = []
      const error = await (async () => {
        for await (const batch of batches) got.push(batch)
      })().catch((e: unknown) => e)
      expect(got).toEqual([['a.ts']])
      expect(error).toBe(broken)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// The schedule, against a model port the test answers call by call.

interface Held {
  readonly request: ChatRequest
  answered: boolean
  answer(over?: Partial<ChatResult>): void
  fail(error: Error): void
}

/** Holds every call until the test answers it; counts the calls in flight. */
class HeldModel implements Model {
  readonly calls: Held[] = []
  inFlight = 0
  most = 0

  complete(request: ChatRequest): Promise<ChatResult> {
    this.inFlight += 1
    this.most = Math.max(this.most, this.inFlight)
    return new Promise((resolve, reject) => {
      const done = (): void => {
        if (held.answered) throw new Error('answered twice')
        held.answered = true
        this.inFlight -= 1
      }
      const held: Held = {
        request,
        answered: false,
        answer: (over = {}) => {
          done()
          const user = request.messages.find((m) => m.role === 'user')?.content ?? ''
          resolve({
            content: JSON.stringify({ files: seen({ user }) }),
            finishReason: 'stop',
            model: 'gpt-4o-2024-11-20',
            promptTokens: 100,
            completionTokens: 10,
            ...over
          })
        },
        fail: (error) => {
          done()
          reject(error)
        }
      }
      this.calls.push(held)
    })
  }

  /** Paths the calls showed, call by call. */
  shown(): string[][] {
    return this.calls.map((c) =>
      seen({ user: c.request.messages.find((m) => m.role === 'user')?.content ?? '' })
    )
  }

  waiting(): Held[] {
    return this.calls.filter((c) => !c.answered)
  }
}

/** Lets every promise chain that can move, move (p-limit starts the next one asynchronously). */
const idle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Six modules of a larger pull request, a request each. */
const six = (): Request[] =>
  apart(...syntheticFiles(6).map((f) => prFile(f.filename, f.patch ?? null)))

describe('runParts: the schedule', () => {
  it('never has more than `concurrency` requests in flight, answered in any order', async () => {
    const model = new HeldModel()
    const requests = six()
    const run = runParts(model, requests, job({ limit: pLimit(2) }))
    await idle()
    expect(model.calls).toHaveLength(2)
    // Answer the newest call each time: the slots free up out of order.
    while (model.waiting().length > 0) {
      model.waiting().at(-1)?.answer()
      await idle()
      expect(model.inFlight).toBeLessThanOrEqual(2)
    }
    const outcome = await run
    expect(model.most).toBe(2)
    expect(model.calls).toHaveLength(6)
    // Numbered in the order given, whatever order they were answered in.
    expect(outcome.settled.map((s) => [s.part.index, s.part.files, s.part.status])).toEqual(
      requests.map((r, i) => [i + 1, pathsOf(r), 'ok'])
    )
    expect(outcome.settled.map((s) => s.value)).toEqual(requests.map((r) => pathsOf(r)))
    expect(outcome).toMatchObject({ packed: 6, requests: 6, promptTokens: 600 })
  })

  it('holds every pass of a run to the one limiter it is given', async () => {
    const model = new HeldModel()
    const limit = pLimit(3)
    const summary = runParts(model, six().slice(0, 4), job({ limit, task: 'summary' }))
    const review = runParts(model, six().slice(2), job({ limit, task: 'review' }))
    await idle()
    expect(model.calls).toHaveLength(3)
    while (model.waiting().length > 0) {
      model.waiting()[0]?.answer()
      await idle()
    }
    expect(model.most).toBe(3)
    expect((await summary).settled).toHaveLength(4)
    expect((await review).settled).toHaveLength(4)
  })

  it('tries a refused request’s halves within its own slot, before the next request', async () => {
    const model = new HeldModel()
    const [both, next] = [together(discounts, money), together(rounding)]
    const run = runParts(model, [both, next], job({ limit: pLimit(1) }))
    for (let i = 0; i < 4; i++) {
      await idle()
      const [call] = model.waiting()
      // The first answer is blocked by the filter; the halves and the next request pass.
      call?.answer(i === 0 ? { finishReason: 'content_filter', content: '{"fi' } : {})
    }
    const outcome = await run
    expect(model.shown()).toEqual([
      ['src/cart/discounts.js', 'src/cart/money.js'],
      ['src/cart/discounts.js'],
      ['src/cart/money.js'],
      ['src/legacy/rounding.js']
    ])
    expect(model.most).toBe(1)
    expect(outcome.settled.map((s) => row(s.part))).toEqual([
      [1, '1', ['src/cart/discounts.js'], 'ok', undefined],
      [1, '2', ['src/cart/money.js'], 'ok', undefined],
      [2, undefined, ['src/legacy/rounding.js'], 'ok', undefined]
    ])
  })

  describe('requests that become ready over time', () => {
    /** The first batch now, the second once the test opens the gate. */
    function later(first: Request[], second: Request[], fail?: Error) {
      const ready = gate()
      async function* batches(): AsyncGenerator<readonly Request[]> {
        yield first
        await ready.promise
        yield second
        if (fail) throw fail
      }
      return { batches: batches(), open: ready.open }
    }

    it('sends each request as its batch arrives; the log shows the total once every batch has', async () => {
      const model = new HeldModel()
      const [a, b, c] = apart(discounts, money, rounding)
      if (!a || !b || !c) throw new Error('three requests expected')
      const { batches, open } = later([a], [b, c])
      const run = runParts(model, batches, job())
      await idle()
      // The second batch is not ready: the first request is on its way regardless.
      expect(model.shown()).toEqual([['src/cart/discounts.js']])
      model.calls[0]?.answer()
      await idle()
      open()
      await idle()
      expect(model.shown()).toEqual([
        ['src/cart/discounts.js'],
        ['src/cart/money.js'],
        ['src/legacy/rounding.js']
      ])
      for (const call of model.waiting()) call.answer()
      const outcome = await run
      expect(outcome.packed).toBe(3)
      expect(outcome.settled.map((s) => [s.part.index, s.part.files])).toEqual([
        [1, ['src/cart/discounts.js']],
        [2, ['src/cart/money.js']],
        [3, ['src/legacy/rounding.js']]
      ])
      const text = log.join('')
      expect(text).toMatch(/review part 1: 1 file, [\d,]+ tokens/)
      expect(text).toMatch(/review part 1: done, 1 file in/)
      expect(text).toMatch(/review part 2\/3: done, 1 file in/)
      expect(text).toMatch(/review part 3\/3: done, 1 file in/)
    })

    it('lists a batch that arrives after the chain broke as not sent, without asking the model', async () => {
      const model = new HeldModel()
      const [a, b] = apart(discounts, money)
      if (!a || !b) throw new Error('two requests expected')
      const { batches, open } = later([a], [b])
      const run = runParts(model, batches, job())
      await idle()
      const throttled = Object.assign(new Error('429 Too Many Requests'), { status: 429 })
      const broken = new StageError('openai', `call deployment '${DEPLOYMENT}'`, throttled)
      model.calls[0]?.fail(broken)
      await idle()
      open()
      const outcome = await run
      expect(model.calls).toHaveLength(1)
      expect(outcome.broken).toBe(broken)
      expect(outcome.packed).toBe(2)
      const why = `could not call deployment '${DEPLOYMENT}' (HTTP 429)`
      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [1, undefined, pathsOf(a), 'failed', `${why}; the run stopped asking the model`],
        [
          2,
          undefined,
          pathsOf(b),
          'failed',
          `not sent: the run stopped asking the model, as it ${why}`
        ]
      ])
      // The request that broke the chain was sent; the other was not.
      expect(outcome.settled.map((s) => s.part.requests)).toEqual([1, 0])
    })

    it('fails with the source’s error when the requests cannot all be made ready, once the parts asked have settled', async () => {
      const model = new HeldModel()
      const [a, b] = apart(discounts, money)
      if (!a || !b) throw new Error('two requests expected')
      const unreadable = new Error('could not read the files at head')
      const { batches, open } = later([a], [b], unreadable)
      const run = runParts(model, batches, job())
      let failed = false
      run.catch(() => (failed = true))
      await idle()
      model.calls[0]?.answer()
      open()
      await idle()
      // The part already asked settles first: were it to fail later, nobody would hear it.
      expect(model.calls).toHaveLength(2)
      expect(failed).toBe(false)
      model.calls[1]?.fail(new Error('connection reset'))
      await expect(run).rejects.toBe(unreadable)
    })
  })

  describe('a broken chain', () => {
    it('lets the parts in flight finish, sends no more, and keeps the first error', async () => {
      const model = new HeldModel()
      const requests = six()
      const run = runParts(model, requests, job({ limit: pLimit(3) }))
      await idle()
      expect(model.calls).toHaveLength(3)
      // Entra fails (a network error: no HTTP status), then the model's own call, then one answers.
      const entra = new StageError(
        'entra',
        'get an access token from Entra ID',
        new Error('ETIMEDOUT')
      )
      const openai = new StageError('openai', `call deployment '${DEPLOYMENT}'`, {
        status: 401
      })
      model.calls[1]?.fail(entra)
      await idle()
      model.calls[2]?.fail(openai)
      await idle()
      model.calls[0]?.answer()
      const outcome = await run
      expect(model.calls).toHaveLength(3)
      expect(outcome.broken).toBe(entra)
      const notSent = (doing: string): string =>
        `not sent: the run stopped asking the model, as it could not ${doing}`
      const own = (doing: string): string => `could not ${doing}; the run stopped asking the model`
      expect(outcome.settled.map((s) => [s.part.index, s.part.status, s.part.reason])).toEqual([
        [1, 'ok', undefined],
        [2, 'failed', own('get an access token from Entra ID')],
        [3, 'failed', own(`call deployment '${DEPLOYMENT}' (HTTP 401)`)],
        [4, 'failed', notSent('get an access token from Entra ID')],
        [5, 'failed', notSent('get an access token from Entra ID')],
        [6, 'failed', notSent('get an access token from Entra ID')]
      ])
      // Only the call that reached Azure OpenAI counts as a request; Entra's failure sent none.
      expect(outcome.settled.map((s) => s.part.requests)).toEqual([1, 0, 1, 0, 0, 0])
      expect(outcome.settled[3]?.part).toMatchObject({ promptTokens: 0 })
      expect(outcome.settled.map((s) => s.part.files)).toEqual(requests.map((r) => pathsOf(r)))
      // What succeeded is counted.
      expect(outcome).toMatchObject({ promptTokens: 100, completionTokens: 10 })
    })
  })

  it('fails the run on anything the model port throws that is neither a refusal nor a broken chain', async () => {
    const model = new HeldModel()
    const run = runParts(model, six(), job({ limit: pLimit(2) }))
    await idle()
    const bug = new TypeError("Cannot read properties of undefined (reading 'choices')")
    model.calls[1]?.fail(bug)
    model.calls[0]?.answer()
    await expect(run).rejects.toBe(bug)
  })

  it('keeps an answer cut at the output limit as partial, its parse told so', async () => {
    const model = new HeldModel()
    const j = job()
    const run = runParts(model, apart(discounts, money), j)
    await idle()
    model.calls[0]?.answer({ finishReason: 'length', completionTokens: 1000 })
    model.calls[1]?.answer()
    const outcome = await run
    expect(j.parsed).toEqual([
      { truncated: true, files: ['src/cart/discounts.js'] },
      { truncated: false, files: ['src/cart/money.js'] }
    ])
    expect(outcome.settled.map((s) => [s.part.status, s.part.reason, s.value])).toEqual([
      [
        'partial',
        'the answer was cut at the output limit (1000 tokens); kept what was complete',
        ['src/cart/discounts.js']
      ],
      ['ok', undefined, ['src/cart/money.js']]
    ])
    expect(log.join('')).toMatch(
      /review part 1\/2: done, 1 file \(answer cut at the output limit\)/
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Against the Azure OpenAI emulator, through the real model client.

describe('runParts against Azure OpenAI', () => {
  let world: World
  let model: ModelClient

  beforeEach(async () => {
    world = await startWorld()
    world.openai.config.deployments[LEGACY] = { model: 'gpt-4o', supportsJsonSchema: false }
    world.openai.config.respond = listFiles
    model = federatedModel(world, worldModelConfig(world, { requestTimeoutMs: 30_000 }))
  })

  afterEach(async () => {
    await world.close()
  })

  /** The user prompt a request carried. */
  const userOf = (r: OpenAIRequestRecord): string => {
    const content = r.body?.messages?.find((m) => m.role === 'user')?.content
    return typeof content === 'string' ? content : ''
  }

  /** Each call's files, and how it was answered. */
  const calls = (): [string[], string | number][] =>
    world.openai.requests.map((r) => [seen({ user: userOf(r) }), r.errorCode ?? r.status])

  /** Usage as the emulator billed it. */
  const billed = (outcome: PartsOutcome<unknown>) => ({
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    requests: outcome.requests
  })

  describe('a request the content filter refuses', () => {
    it('is halved, files then hunks, until only the refused hunks are left out, each named by its lines', async () => {
      world.openai.config.faultFor = (r) =>
        r.user.includes(IN_THIRD_HUNK) || r.user.includes(IN_REMOVED)
          ? { kind: 'prompt-filter', category: 'violence' }
          : undefined
      const outcome = await runParts(model, [together(totals, discounts, money, rounding)], job())

      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [1, '1.1.1', ['src/cart/totals.js'], 'ok', undefined],
        [
          1,
          '1.1.2',
          ['src/cart/totals.js'],
          'filtered',
          "Azure OpenAI's content filter refused lines 28–38"
        ],
        [1, '1.2', ['src/cart/discounts.js'], 'ok', undefined],
        [1, '2.1', ['src/cart/money.js'], 'ok', undefined],
        [
          1,
          '2.2',
          ['src/legacy/rounding.js'],
          'filtered',
          "Azure OpenAI's content filter refused removed lines 1–4"
        ]
      ])
      expect(outcome.settled.map((s) => s.value)).toEqual([
        ['src/cart/totals.js'],
        undefined,
        ['src/cart/discounts.js'],
        ['src/cart/money.js'],
        undefined
      ])
      expect(calls()).toEqual([
        [
          [
            'src/cart/totals.js',
            'src/cart/discounts.js',
            'src/cart/money.js',
            'src/legacy/rounding.js'
          ],
          'content_filter'
        ],
        [['src/cart/totals.js', 'src/cart/discounts.js'], 'content_filter'],
        [['src/cart/totals.js'], 'content_filter'],
        [['src/cart/totals.js'], 200],
        [['src/cart/totals.js'], 'content_filter'],
        [['src/cart/discounts.js'], 200],
        [['src/cart/money.js', 'src/legacy/rounding.js'], 'content_filter'],
        [['src/cart/money.js'], 200],
        [['src/legacy/rounding.js'], 'content_filter']
      ])
      // totals.js's first two hunks reached the model; its third was sent only to be refused.
      const answered = world.openai.requests.filter((r) => r.status === 200)
      const prompts = answered.map((r) => userOf(r))
      expect(prompts.some((p) => p.includes('@@ -2,17 +2,14 @@'))).toBe(true)
      expect(prompts.some((p) => p.includes('@@ -22,7 +19,7 @@'))).toBe(true)
      expect(prompts.some((p) => p.includes(IN_THIRD_HUNK))).toBe(false)
      // A refused attempt's cost goes to the first piece it was split into.
      expect(outcome.settled.map((s) => s.part.requests)).toEqual([4, 1, 1, 2, 1])
      expect(billed(outcome)).toEqual({
        promptTokens: world.openai.promptTokens,
        completionTokens: world.openai.completionTokens,
        requests: world.openai.calls
      })
      expect(log.join('')).toMatch(
        /review part 1\.1\/1: refused by the content filter; trying its halves apart/
      )
    })

    it('halves a request whose answer the filter blocks, and charges the blocked answer to the first half', async () => {
      world.openai.config.faultFor = (r) =>
        r.user.includes('+v1.3.0') ? { kind: 'completion-filter', category: 'hate' } : undefined
      const outcome = await runParts(model, [together(version, discounts)], job())

      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [
          1,
          '1',
          ['VERSION'],
          'filtered',
          "Azure OpenAI's content filter refused the answer about line 1"
        ],
        [1, '2', ['src/cart/discounts.js'], 'ok', undefined]
      ])
      const [blocked, half] = world.openai.requests
      // Answered 200 and cut short: the tokens were spent, and are counted.
      expect(blocked?.status).toBe(200)
      expect(outcome.settled[0]?.part).toMatchObject({
        requests: 2,
        promptTokens: (blocked?.promptTokens ?? 0) + (half?.promptTokens ?? 0),
        completionTokens: (blocked?.completionTokens ?? 0) + (half?.completionTokens ?? 0)
      })
      expect(billed(outcome)).toEqual({
        promptTokens: world.openai.promptTokens,
        completionTokens: world.openai.completionTokens,
        requests: 3
      })
      expect(log.join('')).toMatch(/review part 1\.1\/1: filtered by the content filter in/)
    })

    it('leaves out only the part of a big hunk the filter refuses, when the hunk was cut for size', async () => {
      const lines = 240
      const body = Array.from(
        { length: lines },
        (_, i) => `+  total += price${i} * quantity${i} // line ${i + 1}`
      )
      const ledger = prFile('src/cart/ledger.js', [`@@ -0,0 +1,${lines} @@`, ...body].join('\n'), {
        status: 'added',
        additions: lines
      })
      const pieces = piecesOf(ledger, 700)
      expect(pieces.length).toBeGreaterThanOrEqual(4)
      const middle = pieces[Math.floor(pieces.length / 2)]?.segments[0]
      if (!middle) throw new Error('no middle piece')
      // A line inside the middle part, outside the lines it shares with its neighbours.
      const refused = `price${Math.floor((middle.from + middle.to) / 2)} `
      expect(pieces.filter((p) => p.text.includes(refused))).toHaveLength(1)
      world.openai.config.faultFor = (r) =>
        r.user.includes(refused) ? { kind: 'prompt-filter' } : undefined

      const outcome = await runParts(model, [joined(pieces)], job())
      const filtered = outcome.settled.filter((s) => s.part.status === 'filtered')
      expect(filtered.map((s) => [s.part.files, s.part.reason])).toEqual([
        [
          ['src/cart/ledger.js'],
          `Azure OpenAI's content filter refused lines ${middle.from + 1}–${middle.to}`
        ]
      ])
      expect(
        outcome.settled.filter((s) => s.part.status !== 'filtered').map((s) => s.part.status)
      ).toEqual(Array.from({ length: outcome.settled.length - 1 }, () => 'ok'))
      // Every other line of the hunk reached the model in an answered request.
      const answered = world.openai.requests
        .filter((r) => r.status === 200)
        .map((r) => userOf(r))
        .join('\n')
      const missed = Array.from({ length: lines }, (_, i) => i).filter(
        (i) => !answered.includes(`price${i} `)
      )
      const others = pieces
        .filter((p) => p.segments[0] !== middle)
        .map((p) => p.text)
        .join('\n')
      const onlyInRefused = Array.from(
        { length: middle.to - middle.from },
        (_, i) => middle.from + i
      ).filter((i) => !others.includes(`price${i} `))
      expect(onlyInRefused.length).toBeGreaterThan(0)
      expect(missed).toEqual(onlyInRefused)
    })

    it('does not re-pack a half the model finds too long: that half fails alone', async () => {
      world.openai.pushFault({ kind: 'prompt-filter' }, { kind: 'context-length' })
      const outcome = await runParts(model, [together(totals, discounts)], job())

      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [1, '1', ['src/cart/totals.js'], 'failed', 'too long for the model’s context window'],
        [1, '2', ['src/cart/discounts.js'], 'ok', undefined]
      ])
      expect(calls().map(([, answer]) => answer)).toEqual([
        'content_filter',
        'context_length_exceeded',
        200
      ])
      expect(outcome.packed).toBe(1)
    })

    it('keeps an unreadable answer to one half that half’s failure', async () => {
      world.openai.pushFault({ kind: 'prompt-filter' })
      world.openai.config.respond = (r) =>
        seen(r).includes('src/cart/money.js') ? 'Looks good to me!' : listFiles(r)
      const outcome = await runParts(model, [together(discounts, money)], job())

      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [1, '1', ['src/cart/discounts.js'], 'ok', undefined],
        [1, '2', ['src/cart/money.js'], 'failed', 'unreadable answer: the answer is not JSON']
      ])
      expect(outcome.broken).toBeUndefined()
    })

    it('fails the run on a bug in reading one half’s answer', async () => {
      world.openai.pushFault({ kind: 'prompt-filter' })
      const j = job()
      const bug = new TypeError("Cannot read properties of undefined (reading 'files')")
      const outcome = runParts(model, [together(discounts, money), together(rounding)], {
        ...j,
        parse: (content, truncated, request) => {
          // A programming error where the answer is read: not the model's fault.
          if (pathsOf(request).includes('src/cart/money.js')) throw bug
          return j.parse(content, truncated, request)
        }
      })
      await expect(outcome).rejects.toBe(bug)
    })
  })

  describe('a chain that breaks', () => {
    it('on throttling that outlived the retries: no more requests, the rest listed as not sent with why', async () => {
      world.openai.config.faultFor = (r) =>
        seen(r).includes('src/cart/money.js') ? { kind: 'rate-limit', retryAfterMs: 5 } : undefined
      const outcome = await runParts(
        model,
        apart(discounts, money, rounding, totals),
        job({ limit: pLimit(1) })
      )

      expect(outcome.broken).toBeInstanceOf(StageError)
      expect(outcome.broken).toMatchObject({
        stage: 'openai',
        doing: `call deployment '${DEPLOYMENT}'`
      })
      expect(httpStatus(outcome.broken?.cause)).toBe(429)
      // The client's own retries (four), then nothing more for the parts after it.
      expect(calls()).toEqual([
        [['src/cart/discounts.js'], 200],
        ...Array.from({ length: 5 }, (): [string[], string] => [['src/cart/money.js'], '429'])
      ])
      const cause = `could not call deployment '${DEPLOYMENT}' (HTTP 429)`
      const why = `not sent: the run stopped asking the model, as it ${cause}`
      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [1, undefined, ['src/cart/discounts.js'], 'ok', undefined],
        [
          2,
          undefined,
          ['src/cart/money.js'],
          'failed',
          `${cause}; the run stopped asking the model`
        ],
        [3, undefined, ['src/legacy/rounding.js'], 'failed', why],
        [4, undefined, ['src/cart/totals.js'], 'failed', why]
      ])
      expect(outcome.settled.map((s) => s.value)).toEqual([
        ['src/cart/discounts.js'],
        undefined,
        undefined,
        undefined
      ])
      expect(outcome.packed).toBe(4)
    })

    it('while halving: the halves not yet tried are listed as not sent, by piece', async () => {
      world.openai.config.faultFor = (r) => {
        if (r.index !== 1) return undefined
        // The role assignment is removed while the refused request is being halved.
        world.openai.config.roleAssignments = []
        return { kind: 'prompt-filter' }
      }
      const outcome = await runParts(
        model,
        [together(totals, discounts, money), together(rounding)],
        job({ limit: pLimit(1) })
      )

      const cause = `could not call deployment '${DEPLOYMENT}' (HTTP 401)`
      const why = `not sent: the run stopped asking the model, as it ${cause}`
      expect(outcome.settled.map((s) => row(s.part))).toEqual([
        [
          1,
          '1',
          ['src/cart/totals.js', 'src/cart/discounts.js'],
          'failed',
          `${cause}; the run stopped asking the model`
        ],
        [1, '2', ['src/cart/money.js'], 'failed', why],
        [2, undefined, ['src/legacy/rounding.js'], 'failed', why]
      ])
      expect(calls().map(([, answer]) => answer)).toEqual(['content_filter', 'PermissionDenied'])
      expect(outcome.broken?.message).toMatch(/Principal does not have access/)
    })
  })

  describe('output modes', () => {
    it('falls back to json_object once per deployment, for every run that shares the modes', async () => {
      const modes = new OutputModes()
      const legacy = await runParts(
        model,
        apart(discounts, money),
        job({ deployment: LEGACY, modes, limit: pLimit(2) })
      )
      // Both parts ran into the refusal at once; the log says it once.
      expect(legacy.settled.map((s) => [s.part.status, s.part.requests, s.value])).toEqual([
        ['ok', 2, ['src/cart/discounts.js']],
        ['ok', 2, ['src/cart/money.js']]
      ])
      const fallbacks = log
        .join('')
        .match(/Deployment 'gpt-4o-legacy' does not support structured outputs/g)
      expect(fallbacks).toHaveLength(1)

      // A later run on the same deployment asks for json_object straight away; another keeps json_schema.
      const again = await runParts(model, apart(rounding), job({ deployment: LEGACY, modes }))
      const other = await runParts(model, apart(totals), job({ modes }))
      expect(again.settled[0]?.part.requests).toBe(1)
      expect(other.settled[0]?.part.requests).toBe(1)

      const sent = world.openai.requests.map((r) => [
        r.deployment,
        r.body?.response_format?.type,
        r.status,
        String(r.body?.messages?.[0]?.content).match(/json_\w+/)?.[0]
      ])
      expect(sent.slice(0, 2)).toEqual([
        [LEGACY, 'json_schema', 400, 'json_schema'],
        [LEGACY, 'json_schema', 400, 'json_schema']
      ])
      expect(sent.slice(2)).toEqual([
        [LEGACY, 'json_object', 200, 'json_object'],
        [LEGACY, 'json_object', 200, 'json_object'],
        [LEGACY, 'json_object', 200, 'json_object'],
        [DEPLOYMENT, 'json_schema', 200, 'json_schema']
      ])
      expect(world.openai.requests[5]?.body?.response_format?.json_schema?.name).toBe('files_seen')
    })
  })
})

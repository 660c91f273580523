/**
 * The tasks (and the parts runner under them) end to end against the Azure OpenAI emulator:
 * the real model client (chain/openai.ts), a real Entra token from the emulated federation,
 * the network mocked nowhere. Asserted on what the emulator received.
 */
import { readFileSync } from 'node:fs'
import { jest } from '@jest/globals'
import { ModelClient } from '../../src/chain/openai.js'
import { StageError } from '../../src/errors.js'
import type { PrFile } from '../../src/pull-request.js'
import { enclosingContext } from '../../src/review/context.js'
import { pack, type Request } from '../../src/review/pack.js'
import type { PromptInputs } from '../../src/review/prompts.js'
import {
  passesFor,
  passOverhead,
  runTasks,
  type Pass,
  type TasksInput,
  type TasksResult
} from '../../src/review/tasks.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import type { ChatRequest } from '../emulators/azure-openai.js'
import { DEPLOYMENT } from '../emulators/constants.js'
import { startWorld, type World } from '../emulators/world.js'
import { federatedModel, worldModelConfig } from '../helpers/federated-model.js'
import { fixturePatch, prFile } from '../helpers/files.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import { trustTestCa } from '../helpers/trust.js'

// The tokenizer loads on demand, as in the action.
beforeAll(loadTokenizer)

const SUMMARY_DEPLOYMENT = 'gpt-4o-mini-summary'

let world: World
let model: ModelClient
let log: string[]

beforeAll(() => {
  trustTestCa()
})

beforeEach(async () => {
  world = await startWorld()
  world.openai.config.deployments[SUMMARY_DEPLOYMENT] = {
    ...(world.openai.config.deployments[DEPLOYMENT] ?? { model: 'gpt-4o-mini' }),
    model: 'gpt-4o-mini'
  }
  model = federatedModel(world, worldModelConfig(world, { requestTimeoutMs: 300_000 }))
  log = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    log.push(String(chunk))
    return true
  })
})

afterEach(async () => {
  jest.restoreAllMocks()
  await world.close()
})

const prompt: PromptInputs = {
  language: 'English',
  title: 'Add shop modules',
  description: 'Adds the modules of the shop.'
}

const REVIEW: Pass[] = passesFor(['review'], { review: DEPLOYMENT, summary: DEPLOYMENT })
const BOTH: Pass[] = passesFor(['summary', 'review'], { review: DEPLOYMENT, summary: DEPLOYMENT })
const APART: Pass[] = passesFor(['summary', 'review'], {
  review: DEPLOYMENT,
  summary: SUMMARY_DEPLOYMENT
})

/** A new file of `lines` lines, one hunk. */
function addedFile(path: string, lines = 20): PrFile {
  const body = Array.from({ length: lines }, (_, i) => `+export const v${i} = ${i} // ${path}`)
  return prFile(path, [`@@ -0,0 +1,${lines} @@`, ...body].join('\n'), {
    status: 'added',
    additions: lines
  })
}

/** The files packed `perRequest` to a request. */
function requests(passes: Pass[], paths: string[], perRequest = 1): Request[] {
  const files = paths.map((p) => addedFile(p))
  const overheads = passes.map((p) => passOverhead(p, prompt))
  const widest = Math.max(
    ...pack(files, { perRequestBudget: 1e6, runBudget: 1e9, overheads }).requests.flatMap((r) =>
      r.pieces.map((p) => p.tokens)
    )
  )
  const packed = pack(files, {
    perRequestBudget: Math.max(...overheads) + (widest + 2) * perRequest,
    runBudget: Number.POSITIVE_INFINITY,
    overheads
  })
  expect(packed.requests).toHaveLength(Math.ceil(paths.length / perRequest))
  return packed.requests
}

function input(passes: Pass[], reqs: Request[], over: Partial<TasksInput> = {}): TasksInput {
  return { passes, requests: reqs, prompt, concurrency: 4, maxOutputTokens: 2000, ...over }
}

/** Paths of the files a request showed the model. */
function shownPaths(request: ChatRequest): string[] {
  return filesInPrompt(request.user).map((f) => f.path)
}

function validFinding(path: string, line = 3): Record<string, unknown> {
  return {
    path,
    line,
    start_line: null,
    side: 'RIGHT',
    severity: 'major',
    title: `Problem in ${path}`,
    body: `Line ${line} of ${path} is wrong.`,
    suggestion: null
  }
}

/** Answers each review request with one valid finding per file shown. */
function findingsPerFile(request: ChatRequest): unknown {
  return { findings: shownPaths(request).map((p) => validFinding(p)) }
}

const schemaName = (r: { body?: ChatRequest['body'] }): string | undefined =>
  r.body?.response_format?.json_schema?.name
const statuses = (r: TasksResult): string[] => r.parts.map((p) => p.part.status)

describe('a review pass', () => {
  it('sends a strict json_schema request and keeps only valid findings on shown files', async () => {
    world.openai.config.respond = () => ({
      findings: [
        validFinding('src/a.ts'),
        { ...validFinding('src/a.ts', 5), severity: 'blocker' },
        { ...validFinding('src/a.ts', 6), line: -1 },
        validFinding('src/elsewhere.ts'),
        { ...validFinding('src/a.ts', 8), suggestion: 'export const v7 = 8' }
      ]
    })
    const result = await runTasks(model, input(REVIEW, requests(REVIEW, ['src/a.ts'])))

    expect(result.findings.map((f) => [f.path, f.line, f.suggestion])).toEqual([
      ['src/a.ts', 3, undefined],
      ['src/a.ts', 8, 'export const v7 = 8']
    ])
    expect(result.parts.map((p) => p.task)).toEqual(['review'])
    expect(result.parts[0]?.part).toMatchObject({
      index: 1,
      files: ['src/a.ts'],
      status: 'ok',
      reason: '3 invalid items dropped',
      requests: 1
    })
    const [sent] = world.openai.requests
    expect(sent?.body?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'review_findings', strict: true }
    })
    expect(sent?.body?.temperature).toBe(0.2)
    expect(sent?.body?.max_completion_tokens).toBe(2000)
    expect(result).toMatchObject({ overview: '', walkthrough: [], requests: 1 })
    expect(result.promptTokens).toBe(sent?.promptTokens)
    expect(result.completionTokens).toBe(sent?.completionTokens)
    expect(log.join('')).toMatch(/review part 1\/1: 1 file, [\d,]+ tokens/)
    expect(log.join('')).toMatch(/review part 1\/1: done, 2 findings, 3 invalid items dropped in/)
  })

  it('keeps the most severe findings when the model gives more than it was asked for, and says so', async () => {
    world.openai.config.respond = () => ({
      findings: Array.from({ length: 12 }, (_, i) => ({
        ...validFinding('src/a.ts', i + 1),
        severity: i === 11 ? 'critical' : 'nit'
      }))
    })
    const result = await runTasks(model, input(REVIEW, requests(REVIEW, ['src/a.ts'])))

    expect(result.findings).toHaveLength(10)
    expect(result.findings.filter((f) => f.severity === 'critical')).toHaveLength(1)
    expect(result.parts[0]?.part.reason).toBeUndefined()
    expect(log.join('')).toMatch(
      /review part 1\/1: done, 10 findings, 2 less severe findings over the 10 asked for left out in/
    )
    expect(log.join('')).not.toMatch(/invalid/)
  })

  it('drops a finding on a line shown only as code around a hunk, keeping those on the diff', async () => {
    const cart = prFile('src/cart/totals.js', fixturePatch('multi-hunk'))
    const head = readFileSync(new URL('../fixtures/heads/totals.js.txt', import.meta.url), 'utf8')
    const withContext = { ...cart, context: enclosingContext(head.split('\n'), cart.hunks ?? []) }
    const [request] = pack([withContext], {
      perRequestBudget: 1e6,
      runBudget: 1e9,
      overheads: REVIEW.map((p) => passOverhead(p, prompt))
    }).requests
    if (!request) throw new Error('nothing packed')
    world.openai.config.respond = () => ({
      findings: [
        // 16 is `return subtotal(items) * TAX_RATE`, shown as `~` code around the second hunk.
        { ...validFinding('src/cart/totals.js', 16), severity: 'critical' },
        validFinding('src/cart/totals.js', 5),
        // Neither diff nor context: kept, for the review body to carry.
        validFinding('src/cart/totals.js', 60)
      ]
    })
    const result = await runTasks(model, input(REVIEW, [request]))
    expect(String(world.openai.requests[0]?.body?.messages?.[1]?.content)).toContain(
      '~  return subtotal(items) * TAX_RATE'
    )
    expect(result.findings.map((f) => f.line)).toEqual([5, 60])
    expect(log.join('')).toMatch(
      /review part 1\/1: done, 2 findings, 1 finding on code around the hunks dropped in/
    )
  })

  it('falls back to json_object when the deployment refuses json_schema, for the rest of the run', async () => {
    const spec = world.openai.config.deployments[DEPLOYMENT]
    if (spec) spec.supportsJsonSchema = false
    // The fallback is not held to the schema: models like to fence their JSON.
    world.openai.config.respond = (request) =>
      '```json\n' + JSON.stringify(findingsPerFile(request)) + '\n```'
    const result = await runTasks(
      model,
      input(REVIEW, requests(REVIEW, ['src/a.ts', 'src/b.ts']), { concurrency: 1 })
    )

    expect(result.findings.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts'])
    const sent = world.openai.requests
    expect(sent.map((r) => [r.status, r.body?.response_format?.type])).toEqual([
      [400, 'json_schema'],
      [200, 'json_object'],
      [200, 'json_object']
    ])
    const system = sent[1]?.body?.messages?.[0]?.content
    expect(system).toContain('"additionalProperties":false')
    expect(result.parts.map((p) => p.part.requests)).toEqual([2, 1])
  })

  it('re-packs a request that exceeds the context window into smaller ones, once', async () => {
    world.openai.config.respond = findingsPerFile
    world.openai.pushFault({ kind: 'context-length' })
    const result = await runTasks(
      model,
      input(REVIEW, requests(REVIEW, ['src/a.ts', 'src/b.ts'], 2))
    )

    expect(result.parts.map((p) => p.part)).toEqual([
      expect.objectContaining({
        index: 1,
        piece: '1',
        files: ['src/a.ts'],
        status: 'ok',
        requests: 2
      }),
      expect.objectContaining({
        index: 1,
        piece: '2',
        files: ['src/b.ts'],
        status: 'ok',
        requests: 1
      })
    ])
    expect(result.findings.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts'])
    expect(world.openai.requests.map((r) => r.errorCode ?? r.status)).toEqual([
      'context_length_exceeded',
      200,
      200
    ])
    expect(log.join('')).toMatch(/review part 1\/1: too long for the model; re-packed into 2/)
  })

  it('does not re-pack a second time: a piece that is still too long fails alone', async () => {
    world.openai.config.respond = findingsPerFile
    world.openai.pushFault({ kind: 'context-length' }, { kind: 'context-length' })
    const result = await runTasks(
      model,
      input(REVIEW, requests(REVIEW, ['src/a.ts', 'src/b.ts'], 2))
    )

    expect(result.parts.map((p) => [p.part.piece, p.part.status, p.part.reason])).toEqual([
      ['1', 'failed', 'too long for the model’s context window'],
      ['2', 'ok', undefined]
    ])
    expect(result.findings.map((f) => f.path)).toEqual(['src/b.ts'])
    expect(world.openai.calls).toBe(3)
  })

  it('names what the content filter refused, prompt or answer, and goes on with the others', async () => {
    world.openai.config.respond = findingsPerFile
    world.openai.pushFault({ kind: 'prompt-filter' }, { kind: 'completion-filter' })
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const result = await runTasks(model, input(REVIEW, requests(REVIEW, paths), { concurrency: 1 }))

    // One hunk each: the floor of halving, so each refused request is refused once.
    expect(result.parts.map((p) => [p.part.files[0], p.part.status, p.part.reason])).toEqual([
      ['src/a.ts', 'filtered', "Azure OpenAI's content filter refused lines 1–20"],
      ['src/b.ts', 'filtered', "Azure OpenAI's content filter refused the answer about lines 1–20"],
      ['src/c.ts', 'ok', undefined]
    ])
    expect(result.findings.map((f) => f.path)).toEqual(['src/c.ts'])
    expect(world.openai.calls).toBe(3)
  })

  describe('a request the content filter refuses', () => {
    /** A file of two hunks, the second holding text the filter refuses. */
    function twoHunks(path: string): PrFile {
      const hunk = (start: number, word: string): string[] => [
        `@@ -${start},0 +${start},3 @@`,
        ...Array.from({ length: 3 }, (_, i) => `+const ${word}${i} = ${i}`)
      ]
      return prFile(path, [...hunk(1, 'fine'), ...hunk(40, 'REFUSED')].join('\n'), {
        additions: 6
      })
    }
    const refuseMarked = (request: ChatRequest) =>
      request.user.includes('REFUSED') ? ({ kind: 'prompt-filter' } as const) : undefined

    it('is tried in halves, down to the file and then the hunk: only the refused hunk is left out, and named', async () => {
      world.openai.config.respond = findingsPerFile
      world.openai.config.faultFor = refuseMarked
      const files = [
        addedFile('src/a.ts'),
        twoHunks('src/b.ts'),
        addedFile('src/c.ts'),
        addedFile('src/d.ts')
      ]
      const overheads = REVIEW.map((p) => passOverhead(p, prompt))
      const [whole] = pack(files, { perRequestBudget: 1e6, runBudget: 1e9, overheads }).requests
      if (!whole) throw new Error('no request')
      const result = await runTasks(model, input(REVIEW, [whole]))

      expect(result.findings.map((f) => f.path).sort()).toEqual([
        'src/a.ts',
        'src/b.ts',
        'src/c.ts',
        'src/d.ts'
      ])
      const refused = result.parts.filter((p) => p.part.status === 'filtered')
      expect(refused.map((p) => [p.part.files, p.part.reason])).toEqual([
        [['src/b.ts'], "Azure OpenAI's content filter refused lines 40–42"]
      ])
      expect(result.parts.filter((p) => p.part.status === 'failed')).toEqual([])
      // [a b c d] → [a b] [c d] → [a] [b] → b's hunks [1] [40]: five refusals or answers more.
      const userText = (r: {
        body: { messages?: { role: string; content?: unknown }[] } | undefined
      }) =>
        (r.body?.messages ?? [])
          .filter((m) => m.role === 'user')
          .map((m) => String(m.content))
          .join('\n')
      expect(
        world.openai.requests.map((r) => filesInPrompt(userText(r)).map((f) => f.path))
      ).toEqual([
        ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts'],
        ['src/a.ts', 'src/b.ts'],
        ['src/a.ts'],
        ['src/b.ts'],
        ['src/b.ts'],
        ['src/b.ts'],
        ['src/c.ts', 'src/d.ts']
      ])
      // The refused attempts count in the parts' usage.
      expect(result.requests).toBe(7)
    })

    it('goes on with the other requests meanwhile, within the concurrency limit', async () => {
      world.openai.config.respond = findingsPerFile
      world.openai.config.faultFor = refuseMarked
      const files = [twoHunks('src/b.ts'), addedFile('src/c.ts')]
      const overheads = REVIEW.map((p) => passOverhead(p, prompt))
      const reqs = files.map(
        (f) =>
          pack([f], { perRequestBudget: 1e6, runBudget: 1e9, overheads }).requests[0] as Request
      )
      const result = await runTasks(model, input(REVIEW, reqs, { concurrency: 2 }))
      expect(result.findings.map((f) => f.path).sort()).toEqual(['src/b.ts', 'src/c.ts'])
      expect(world.openai.maxInFlight).toBeLessThanOrEqual(2)
    })
  })

  it('fails a part whose answer is not JSON and goes on', async () => {
    world.openai.config.respond = (request) =>
      shownPaths(request).includes('src/a.ts') ? 'Looks good to me!' : findingsPerFile(request)
    const result = await runTasks(model, input(REVIEW, requests(REVIEW, ['src/a.ts', 'src/b.ts'])))

    expect(result.parts.map((p) => [p.part.status, p.part.reason])).toEqual([
      ['failed', 'unreadable answer: the answer is not JSON'],
      ['ok', undefined]
    ])
    expect(result.findings).toHaveLength(1)
    expect(statuses(result)).toEqual(['failed', 'ok'])
  })

  it('stops on a chain failure: sends nothing more, keeps what succeeded, names the request that broke it, lists the rest as not sent, and returns the error with its stage', async () => {
    world.openai.config.respond = (request) => {
      // The role assignment is removed while the run is under way.
      world.openai.config.roleAssignments = []
      return findingsPerFile(request)
    }
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const result = await runTasks(model, input(REVIEW, requests(REVIEW, paths), { concurrency: 1 }))

    expect(result.broken).toBeInstanceOf(StageError)
    expect(result.broken).toMatchObject({
      stage: 'openai',
      doing: `call deployment '${DEPLOYMENT}'`
    })
    expect(result.broken?.message).toMatch(/Principal does not have access/)
    expect(world.openai.calls).toBe(2)
    expect(result.findings.map((f) => f.path)).toEqual(['src/a.ts'])
    expect(result.parts.map((p) => [p.part.files, p.part.status, p.part.reason])).toEqual([
      [['src/a.ts'], 'ok', undefined],
      [
        ['src/b.ts'],
        'failed',
        `could not call deployment '${DEPLOYMENT}' (HTTP 401); the run stopped asking the model`
      ],
      [
        ['src/c.ts'],
        'failed',
        `not sent: the run stopped asking the model, as it could not call deployment '${DEPLOYMENT}' (HTTP 401)`
      ]
    ])
  })

  it('surfaces a bug in reading an answer instead of failing the part quietly', async () => {
    world.openai.config.respond = findingsPerFile
    const bugged = input(REVIEW, requests(REVIEW, ['src/a.ts']))
    const error = await runTasks(model, {
      ...bugged,
      prompt: {
        ...bugged.prompt,
        // A programming error where the answer is read: not the model's fault, not retried.
        get maxFindings(): number {
          throw new TypeError('bug')
        }
      }
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
  })
})

describe('summary and review on one deployment', () => {
  it('asks a pull request that fits one request for everything in one call', async () => {
    world.openai.config.respond = reviewer()
    const result = await runTasks(model, input(BOTH, requests(BOTH, ['src/a.ts', 'src/b.ts'], 2)))

    expect(world.openai.requests.map(schemaName)).toEqual(['pull_request_review_and_summary'])
    expect(result.overview).toBe('This change touches 2 file(s).')
    expect(result.walkthrough).toEqual([
      { path: 'src/a.ts', change: 'Updates src/a.ts.' },
      { path: 'src/b.ts', change: 'Updates src/b.ts.' }
    ])
    expect(result.findings.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts'])
    expect(result.parts.map((p) => p.task)).toEqual(['summary and review'])
  })

  it('sends each file once, then writes the overview from the rows in one small call', async () => {
    world.openai.config.respond = reviewer()
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const result = await runTasks(model, input(BOTH, requests(BOTH, paths)))

    const sent = world.openai.requests
    expect(sent.map(schemaName)).toEqual([
      'pull_request_part_review_and_walkthrough',
      'pull_request_part_review_and_walkthrough',
      'pull_request_part_review_and_walkthrough',
      'pull_request_overview'
    ])
    // Each patch went to the model once.
    const shown = sent.flatMap((r) =>
      filesInPrompt(String(r.body?.messages?.[1]?.content)).map((f) => f.path)
    )
    expect(shown.sort()).toEqual(paths)
    const composition = String(sent[3]?.body?.messages?.[1]?.content)
    expect(composition).toContain('- src/a.ts: Updates src/a.ts.')
    expect(composition).not.toContain('export const')
    expect(result.overview).toBe('Combined overview.')
    expect(result.walkthrough.map((r) => r.path)).toEqual(paths)
    expect(result.findings).toHaveLength(3)
    expect(result.parts.map((p) => [p.task, p.part.index])).toEqual([
      ['summary and review', 1],
      ['summary and review', 2],
      ['summary and review', 3],
      ['overview', 4]
    ])
    expect(result.requests).toBe(4)
    expect(result.promptTokens).toBe(world.openai.promptTokens)
  })

  it('keeps the walkthrough when the overview cannot be written, with a warning', async () => {
    world.openai.config.respond = (request) => {
      // Faults are taken in order: queued while the last part is answered, it hits the composition.
      if (request.index === 2) world.openai.pushFault({ kind: 'completion-filter' })
      return reviewer()(request)
    }
    const result = await runTasks(
      model,
      input(BOTH, requests(BOTH, ['src/a.ts', 'src/b.ts']), { concurrency: 1 })
    )
    expect(result.overview).toBe('')
    expect(result.walkthrough).toHaveLength(2)
    expect(statuses(result)).toEqual(['ok', 'ok', 'filtered'])
    expect(log.join('')).toMatch(/::warning::Could not write the overview/)
  })

  it('updates the overview of a later push from the rows it keeps and the new ones', async () => {
    world.openai.config.respond = reviewer()
    const previous = {
      overview: 'Adds the shop.',
      rows: [{ path: 'src/old.ts', change: 'Keeps the old module.' }]
    }
    const result = await runTasks(model, input(BOTH, requests(BOTH, ['src/a.ts'], 1), { previous }))
    const sent = world.openai.requests
    expect(sent.map(schemaName)).toEqual([
      'pull_request_part_review_and_walkthrough',
      'pull_request_overview'
    ])
    const composition = String(sent[1]?.body?.messages?.[1]?.content)
    expect(composition).toContain('Adds the shop.')
    expect(composition).toContain('- src/old.ts: Keeps the old module.')
    expect(composition).toContain('- src/a.ts: Updates src/a.ts.')
    expect(result.walkthrough.map((r) => r.path)).toEqual(['src/old.ts', 'src/a.ts'])
  })
})

describe('summary and review on two deployments', () => {
  it('runs both passes side by side under one concurrency limit', async () => {
    let inFlight = 0
    let most = 0
    const byDeployment = new Map<string, number>()
    world.openai.config.latencyMs = (request) => {
      inFlight += 1
      most = Math.max(most, inFlight)
      byDeployment.set(request.deployment, (byDeployment.get(request.deployment) ?? 0) + 1)
      return 60
    }
    world.openai.config.respond = (request) => {
      inFlight -= 1
      return reviewer()(request)
    }
    const paths = ['a', 'b', 'c', 'd', 'e'].map((n) => `src/${n}.ts`)
    const started = Date.now()
    const result = await runTasks(model, input(APART, requests(APART, paths), { concurrency: 4 }))

    expect(most).toBe(4)
    // Both deployments were busy at the same time: the summary did not wait for the review.
    const times = world.openai.requests.map((r) => [r.deployment, r.at] as const)
    const firstReview = Math.min(...times.filter(([d]) => d === DEPLOYMENT).map(([, t]) => t))
    const lastSummary = Math.max(
      ...times.filter(([d]) => d === SUMMARY_DEPLOYMENT).map(([, t]) => t)
    )
    expect(firstReview).toBeLessThan(lastSummary)
    expect(byDeployment.get(DEPLOYMENT)).toBe(5)
    // Five summary parts and the overview's composition.
    expect(byDeployment.get(SUMMARY_DEPLOYMENT)).toBe(6)
    expect(result.findings).toHaveLength(5)
    expect(result.walkthrough).toHaveLength(5)
    expect(new Set(result.parts.map((p) => p.task))).toEqual(
      new Set(['summary', 'review', 'overview'])
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 60)
  })
})

describe('requests that become ready over time', () => {
  /** Batches as an async iterable: the first now, the second once `release` is called. */
  function later(first: Request[], second: Request[]) {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    async function* batches(): AsyncGenerator<readonly Request[]> {
      yield first
      await gate
      yield second
    }
    return { batches: batches(), release }
  }

  it('sends a ready batch without waiting for the next, numbering parts as they come', async () => {
    const [a, b, c] = requests(BOTH, ['src/a.ts', 'src/b.ts', 'src/c.ts'])
    if (!a || !b || !c) throw new Error('three requests expected')
    const { batches, release } = later([a], [b, c])
    // The second batch is ready only once the model has the first one's request.
    const sent: string[][] = []
    world.openai.config.respond = (request) => {
      sent.push(shownPaths(request))
      release()
      return reviewer()(request)
    }
    const result = await runTasks(model, { ...input(BOTH, []), requests: batches })
    expect(sent.slice(0, 3)).toEqual([['src/a.ts'], ['src/b.ts'], ['src/c.ts']])
    // The overview could not come in one part's answer: it is composed, part 4.
    expect(result.parts.map((p) => [p.task, p.part.index])).toEqual([
      ['summary and review', 1],
      ['summary and review', 2],
      ['summary and review', 3],
      ['overview', 4]
    ])
    expect(log.join('')).toMatch(/summary and review part 1: 1 file/)
    expect(log.join('')).toMatch(/summary and review part 3\/3: done/)
  })

  it('sends every batch once to each deployment when summary and review go apart', async () => {
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const [a, b, c] = requests(APART, paths)
    if (!a || !b || !c) throw new Error('three requests expected')
    const { batches, release } = later([a, b], [c])
    const shown = new Map<string, string[]>()
    world.openai.config.respond = (request) => {
      shown.set(request.deployment, [
        ...(shown.get(request.deployment) ?? []),
        ...shownPaths(request)
      ])
      release()
      return reviewer()(request)
    }
    const result = await runTasks(model, { ...input(APART, []), requests: batches })
    for (const deployment of [DEPLOYMENT, SUMMARY_DEPLOYMENT]) {
      expect(shown.get(deployment)?.sort()).toEqual(paths)
    }
    expect(result.findings).toHaveLength(3)
    expect(result.walkthrough.map((r) => r.path).sort()).toEqual(paths)
  })
})

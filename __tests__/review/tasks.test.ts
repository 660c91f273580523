/**
 * The review and summary tasks (and the parts runner under them) end to end against the Azure
 * OpenAI emulator: the real model client (chain/openai.ts), a real Entra token from the
 * emulated federation, the network mocked nowhere.
 */
import { jest } from '@jest/globals'
import { ClientAssertionCredential, getBearerTokenProvider } from '@azure/identity'
import { ModelClient } from '../../src/chain/openai.js'
import { StageError } from '../../src/errors.js'
import { pack, renderItem, type PackResult } from '../../src/review/pack.js'
import { OutputModes } from '../../src/review/parts.js'
import { promptOverhead, type PromptInputs } from '../../src/review/prompts.js'
import {
  runReview,
  runSummary,
  type ReviewResult,
  type TaskContext
} from '../../src/review/tasks.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import type { ChatRequest } from '../emulators/azure-openai.js'
import {
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_SCOPE,
  DEPLOYMENT,
  TENANT_ID
} from '../emulators/constants.js'
import { startWorld, type World } from '../emulators/world.js'
import { prFile } from '../helpers/files.js'
import { trustTestCa } from '../helpers/trust.js'

// The tokenizer loads on demand, as in the action.
beforeAll(loadTokenizer)

let world: World
let model: ModelClient
let log: string[]

beforeAll(() => {
  trustTestCa()
})

beforeEach(async () => {
  world = await startWorld()
  const credential = new ClientAssertionCredential(
    TENANT_ID,
    CLIENT_ID,
    () => world.oidc.mint(AZURE_AUDIENCE),
    { authorityHost: world.urls.authorityHost, disableInstanceDiscovery: true }
  )
  model = new ModelClient(
    {
      endpoint: world.urls.openaiEndpoint,
      deployment: DEPLOYMENT,
      summaryDeployment: DEPLOYMENT,
      apiVersion: undefined
    },
    getBearerTokenProvider(credential, COGNITIVE_SCOPE)
  )
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

const prompts: PromptInputs = {
  language: 'English',
  title: 'Add shop modules',
  description: 'Adds the modules of the shop.'
}

function ctx(overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    ...prompts,
    deployment: DEPLOYMENT,
    concurrency: 4,
    maxOutputTokens: 2000,
    modes: new OutputModes(),
    ...overrides
  }
}

/** A new file of `lines` lines, one hunk. */
function addedFile(path: string, lines = 20) {
  const body = Array.from({ length: lines }, (_, i) => `+export const v${i} = ${i} // ${path}`)
  return prFile(path, [`@@ -0,0 +1,${lines} @@`, ...body].join('\n'), {
    status: 'added',
    additions: lines
  })
}

/** Packs the files `perRequest` to a request. */
function packFiles(task: 'review' | 'summary', paths: string[], perRequest = 1): PackResult {
  const items = paths.map((p) => renderItem(addedFile(p)))
  const overheadTokens = promptOverhead(task, prompts)
  const widest = Math.max(...items.map((i) => i.tokens))
  const packed = pack(items, {
    perRequestBudget: overheadTokens + (widest + 2) * perRequest,
    totalBudget: Number.POSITIVE_INFINITY,
    overheadTokens
  })
  expect(packed.requests).toHaveLength(Math.ceil(paths.length / perRequest))
  return packed
}

/** Paths of the files a request showed the model. */
function shownPaths(request: ChatRequest): string[] {
  return [...request.user.matchAll(/^## (\S+) \(/gm)].map((m) => m[1] ?? '')
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

const statuses = (r: ReviewResult): string[] => r.parts.map((p) => p.status)

describe('runReview', () => {
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
    const result = await runReview(model, packFiles('review', ['src/a.ts']), ctx())

    expect(result.findings.map((f) => [f.path, f.line, f.suggestion])).toEqual([
      ['src/a.ts', 3, undefined],
      ['src/a.ts', 8, 'export const v7 = 8']
    ])
    expect(result.parts).toEqual([
      expect.objectContaining({
        index: 1,
        files: ['src/a.ts'],
        status: 'ok',
        reason: '3 invalid items dropped',
        requests: 1
      })
    ])
    const [sent] = world.openai.requests
    expect(sent?.body?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'review_findings', strict: true }
    })
    expect(sent?.body?.temperature).toBe(0.2)
    expect(sent?.body?.max_completion_tokens).toBe(2000)
    expect(result.promptTokens).toBe(sent?.promptTokens)
    expect(result.completionTokens).toBe(sent?.completionTokens)
    expect(result.requests).toBe(1)
    expect(log.join('')).toMatch(/review part 1\/1: 1 file, [\d,]+ tokens/)
    expect(log.join('')).toMatch(/review part 1\/1: done, 2 findings, 3 invalid items dropped in/)
  })

  it('falls back to json_object when the deployment refuses json_schema, for the rest of the run', async () => {
    const spec = world.openai.config.deployments[DEPLOYMENT]
    if (spec) spec.supportsJsonSchema = false
    // The fallback is not held to the schema: models like to fence their JSON.
    world.openai.config.respond = (request) =>
      '```json\n' + JSON.stringify(findingsPerFile(request)) + '\n```'
    const modes = new OutputModes()
    const packed = packFiles('review', ['src/a.ts', 'src/b.ts'])
    const result = await runReview(model, packed, ctx({ concurrency: 1, modes }))

    expect(result.findings.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts'])
    const sent = world.openai.requests
    expect(sent.map((r) => [r.status, r.body?.response_format?.type])).toEqual([
      [400, 'json_schema'],
      [200, 'json_object'],
      [200, 'json_object']
    ])
    const system = sent[1]?.body?.messages?.[0]?.content
    expect(system).toContain('"additionalProperties":false')
    expect(result.parts.map((p) => p.requests)).toEqual([2, 1])
    expect(modes.modeFor(DEPLOYMENT)).toBe('json_object')

    // A later task of the same run starts with json_object.
    await runSummary(model, packFiles('summary', ['src/c.ts']), ctx({ modes }))
    expect(world.openai.requests[3]?.body?.response_format?.type).toBe('json_object')
  })

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0
    let most = 0
    world.openai.config.latencyMs = () => {
      inFlight += 1
      most = Math.max(most, inFlight)
      return 40
    }
    world.openai.config.respond = (request) => {
      inFlight -= 1
      return findingsPerFile(request)
    }
    const paths = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => `src/${n}.ts`)
    const result = await runReview(model, packFiles('review', paths), ctx({ concurrency: 3 }))

    expect(most).toBe(3)
    expect(result.findings.map((f) => f.path).sort()).toEqual(paths)
    expect(statuses(result)).toEqual(Array(7).fill('ok'))
  })

  it('re-packs a request that exceeds the context window into smaller ones, once', async () => {
    world.openai.config.respond = findingsPerFile
    world.openai.pushFault({ kind: 'context-length' })
    const packed = packFiles('review', ['src/a.ts', 'src/b.ts'], 2)
    const result = await runReview(model, packed, ctx())

    expect(result.parts).toEqual([
      expect.objectContaining({
        index: 1,
        piece: 1,
        files: ['src/a.ts'],
        status: 'ok',
        requests: 2
      }),
      expect.objectContaining({
        index: 1,
        piece: 2,
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
    const packed = packFiles('review', ['src/a.ts', 'src/b.ts'], 2)
    const result = await runReview(model, packed, ctx())

    expect(result.parts.map((p) => [p.piece, p.status, p.reason])).toEqual([
      [1, 'failed', 'too long for the model’s context window'],
      [2, 'ok', undefined]
    ])
    expect(result.findings.map((f) => f.path)).toEqual(['src/b.ts'])
    expect(world.openai.calls).toBe(3)
  })

  it('marks parts the content filter blocked and goes on with the others', async () => {
    world.openai.config.respond = findingsPerFile
    world.openai.pushFault({ kind: 'prompt-filter' }, { kind: 'completion-filter' })
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const result = await runReview(model, packFiles('review', paths), ctx({ concurrency: 1 }))

    expect(result.parts.map((p) => [p.files[0], p.status, p.reason])).toEqual([
      ['src/a.ts', 'filtered', 'the prompt was blocked by the content filter'],
      ['src/b.ts', 'filtered', 'the answer was blocked by the content filter'],
      ['src/c.ts', 'ok', undefined]
    ])
    expect(result.findings.map((f) => f.path)).toEqual(['src/c.ts'])
  })

  it('fails a part whose answer is not JSON and goes on', async () => {
    world.openai.config.respond = (request) =>
      shownPaths(request).includes('src/a.ts') ? 'Looks good to me!' : findingsPerFile(request)
    const result = await runReview(model, packFiles('review', ['src/a.ts', 'src/b.ts']), ctx())

    expect(result.parts.map((p) => [p.status, p.reason])).toEqual([
      ['failed', 'unreadable answer: the answer is not JSON'],
      ['ok', undefined]
    ])
    expect(result.findings).toHaveLength(1)
  })

  it('stops on a chain failure: sends nothing more, and the error names the stage', async () => {
    world.openai.config.respond = (request) => {
      // The role assignment is removed while the run is under way.
      world.openai.config.roleAssignments = []
      return findingsPerFile(request)
    }
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const error = await runReview(model, packFiles('review', paths), ctx({ concurrency: 1 })).catch(
      (e: unknown) => e
    )

    expect(error).toBeInstanceOf(StageError)
    expect(error).toMatchObject({ stage: 'openai', doing: `call deployment '${DEPLOYMENT}'` })
    expect((error as Error).message).toMatch(/Principal does not have access/)
    expect(world.openai.calls).toBe(2)
  })
})

describe('runSummary', () => {
  function summarizer(request: ChatRequest): unknown {
    const name = request.body.response_format?.json_schema?.name
    if (name === 'pull_request_overview') return { overview: 'The shop gains three modules.' }
    const paths = shownPaths(request)
    return {
      overview: `Adds ${paths.join(', ')}.`,
      files: [
        ...paths.map((p) => ({ path: p, change: `New module ${p}.` })),
        { path: 'src/invented.ts', change: 'Not shown.' }
      ]
    }
  }

  it('summarizes a pull request that fits one request in one call', async () => {
    world.openai.config.respond = summarizer
    const result = await runSummary(model, packFiles('summary', ['src/a.ts', 'src/b.ts'], 2), ctx())

    expect(result.overview).toBe('Adds src/a.ts, src/b.ts.')
    expect(result.walkthrough).toEqual([
      { path: 'src/a.ts', change: 'New module src/a.ts.' },
      { path: 'src/b.ts', change: 'New module src/b.ts.' }
    ])
    expect(result.requests).toBe(1)
    expect(world.openai.requests[0]?.body?.response_format?.json_schema?.name).toBe(
      'pull_request_summary'
    )
  })

  it('summarizes a large pull request part by part, then merges the overviews in one call', async () => {
    world.openai.config.respond = summarizer
    const paths = ['src/a.ts', 'src/b.ts', 'src/c.ts']
    const result = await runSummary(model, packFiles('summary', paths), ctx())

    expect(result.overview).toBe('The shop gains three modules.')
    expect(result.walkthrough.map((f) => f.path)).toEqual(paths)
    expect(result.parts.map((p) => [p.index, p.status])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'ok'],
      [4, 'ok']
    ])
    expect(result.requests).toBe(4)
    expect(result.promptTokens).toBe(world.openai.promptTokens)

    const composition = world.openai.requests[3]
    expect(composition?.body?.response_format?.json_schema?.name).toBe('pull_request_overview')
    const user = String(composition?.body?.messages?.[1]?.content)
    expect(user).toContain('Part 1 of 3:\nAdds src/a.ts.')
    expect(user).toContain('Part 3 of 3:\nAdds src/c.ts.\n</untrusted-part-overviews>')
    expect(user).not.toContain('export const')
  })

  it('shows the part overviews one after another when the composition is filtered', async () => {
    world.openai.config.respond = (request) => {
      // Faults are taken in order: queued while the last part is answered, it hits the composition.
      if (request.index === 2) world.openai.pushFault({ kind: 'completion-filter' })
      return summarizer(request)
    }
    const packed = packFiles('summary', ['src/a.ts', 'src/b.ts'])
    const result = await runSummary(model, packed, ctx({ concurrency: 1 }))

    expect(result.overview).toBe('Adds src/a.ts.\n\nAdds src/b.ts.')
    expect(result.parts.map((p) => [p.index, p.status])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'filtered']
    ])
    expect(log.join('')).toMatch(/::warning::Could not merge the summaries of 2 parts/)
  })

  it('needs no composition when only one part could be summarized', async () => {
    world.openai.config.respond = summarizer
    world.openai.pushFault({ kind: 'prompt-filter' })
    const packed = packFiles('summary', ['src/a.ts', 'src/b.ts'])
    const result = await runSummary(model, packed, ctx({ concurrency: 1 }))

    expect(result.parts.map((p) => p.status)).toEqual(['filtered', 'ok'])
    expect(result.overview).toBe('Adds src/b.ts.')
    expect(result.walkthrough.map((f) => f.path)).toEqual(['src/b.ts'])
    expect(world.openai.calls).toBe(2)
  })
})

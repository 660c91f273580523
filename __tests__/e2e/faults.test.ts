/**
 * Faults at every service, on the bundle: Azure OpenAI throttling, failing, cutting or holding
 * connections, filtering, refusing long prompts and answering outside the schema; Entra failing,
 * slow or still propagating a credential; GitHub failing reads, rate-limiting a write, and the
 * pull request closed or force-pushed while the model works; tokens of seconds from clocks two
 * minutes apart. Each test asserts on what the emulated services received: what was retried,
 * what was posted, and that nothing was posted twice. Waits are short by configuration (the
 * services' retry-after, the request timeout's environment variable), never by sleeping here,
 * and time is only ever bounded from below.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fault } from '../emulators/azure-openai.js'
import { PR_NUMBER } from '../emulators/constants.js'
import { pushToPull, type PullFileState } from '../emulators/github-state.js'
import { startWorld, type World, type WorldOptions } from '../emulators/world.js'
import { realisticFiles, REVIEWABLE, syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function newWorld(
  options: WorldOptions = {},
  files: PullFileState[] = realisticFiles()
): Promise<World> {
  world = await startWorld(options)
  world.github.pullRequest(PR_NUMBER).files = files
  world.openai.config.respond = reviewer()
  return world
}

async function run(w: World, options: RunOptions = {}): Promise<RunResult> {
  return runChecked(w, options, { mode: 'review' })
}

const log = (r: RunResult): string => r.stdout + r.stderr
const statuses = (w: World): (number | string)[] =>
  w.openai.requests.map((r) => (r.status === 0 ? (r.errorCode ?? 0) : r.status))
const posted = (w: World, path: RegExp): unknown[] =>
  w.github.mutations.filter((m) => m.method === 'POST' && path.test(m.path)).map((m) => m.body)
const userText = (messages: readonly { role: string; content?: unknown }[] = []): string =>
  messages
    .filter((m) => m.role === 'user')
    .map((m) => String(m.content))
    .join('\n')

/** Files shown in requests the model answered (200) with findings. */
function reviewedFiles(w: World): Set<string> {
  return new Set(
    w.openai.requests
      .filter(
        (r) => r.status === 200 && JSON.stringify(r.body?.response_format).includes('findings')
      )
      .flatMap((r) => filesInPrompt(userText(r.body?.messages)).map((f) => f.path))
  )
}

/** Exactly one review on GitHub, posted once; at most one summary comment. */
function postedOnce(w: World): void {
  expect(posted(w, /\/pulls\/7\/reviews$/)).toHaveLength(1)
  expect(w.github.state.reviews).toHaveLength(1)
  expect(posted(w, /\/issues\/7\/comments$/).length).toBeLessThanOrEqual(1)
  expect(w.github.state.issueComments.length).toBeLessThanOrEqual(1)
}

/** The posted summary comment, whose "not reviewed" list names what the model never reviewed. */
const summaryComment = (w: World): string => w.github.state.issueComments[0]?.body ?? ''

describe('Azure OpenAI', () => {
  it('throttling with retry-after-ms: waits what the service asked, then the review lands', async () => {
    const w = await newWorld()
    w.openai.pushFault({ kind: 'rate-limit', retryAfterMs: 800 })
    const result = await run(w)
    expect(result.code).toBe(0)
    const [throttled, retried] = w.openai.requests
    expect(statuses(w)).toEqual([429, 200])
    // 0.8 s, not the client's own backoff of at most 0.5 s: a lower bound only.
    const waited = (retried?.at ?? 0) - ((throttled?.at ?? 0) + (throttled?.durationMs ?? 0))
    expect(waited).toBeGreaterThanOrEqual(750)
    expect(log(result)).toContain('Azure OpenAI answered 429 (retry after 800 ms).')
    postedOnce(w)
  })

  it('500 then 503: retried, and the review lands once', async () => {
    const w = await newWorld()
    w.openai.pushFault({ kind: 'server-error', status: 500 }, { kind: 'server-error', status: 503 })
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(statuses(w)).toEqual([500, 503, 200])
    expect(log(result)).toContain('Azure OpenAI answered 503.')
    postedOnce(w)
  })

  it('a connection reset: retried as a connection failure', async () => {
    const w = await newWorld()
    w.openai.pushFault({ kind: 'reset' })
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(statuses(w)).toEqual(['reset', 200])
    expect(new Set(reviewedFiles(w))).toEqual(new Set(REVIEWABLE))
    postedOnce(w)
  })

  it('a request held past the request timeout: abandoned, sent again, answered', async () => {
    const w = await newWorld()
    w.openai.pushFault({ kind: 'hang' })
    const result = await run(w, { inputs: { 'request-timeout': '2' } })
    expect(result.code).toBe(0)
    expect(statuses(w)).toEqual(['hang', 200])
    const [held, again] = w.openai.requests
    expect(held?.durationMs).toBeGreaterThanOrEqual(1900)
    expect((again?.at ?? 0) - (held?.at ?? 0)).toBeGreaterThanOrEqual(1900)
    postedOnce(w)
  })

  it.each<[string, Fault]>([
    ['the prompt filtered (400 content_filter)', { kind: 'prompt-filter' }],
    ['the answer filtered (finish_reason content_filter)', { kind: 'completion-filter' }]
  ])(
    '%s wherever a file holds what the filter refuses: only that hunk is left out, named; the rest reviewed, exit 0',
    async (_what, fault) => {
      const files = syntheticFiles(60)
      const marked = files[7]
      if (!marked?.patch) throw new Error('no file')
      marked.patch = marked.patch.replace(
        'const value = parse(input)',
        'const value = FILTERED(input)'
      )
      const w = await newWorld({}, files)
      w.openai.config.faultFor = (request) =>
        request.user.includes('FILTERED(') ? fault : undefined
      const result = await run(w, { inputs: { mode: 'both', concurrency: '2' } })
      expect(result.code).toBe(0)
      const all = files.map((f) => f.filename)
      // Every file reviewed but the marked one, whose one hunk the filter refuses (a refused
      // answer still comes back 200, so its file shows among the answered requests).
      const answered =
        fault.kind === 'prompt-filter' ? all.filter((p) => p !== marked.filename) : all
      expect(reviewedFiles(w)).toEqual(new Set(answered))
      postedOnce(w)
      const summary = summaryComment(w)
      expect(summary).toContain(
        // The hunk's header says 9 new lines; it holds 8, from line 10.
        `- ${marked.filename}: Azure OpenAI's content filter refused ${fault.kind === 'prompt-filter' ? '' : 'the answer about '}lines 10–17`
      )
      expect(summary).not.toContain('Not reviewed yet')
      expect(log(result)).toMatch(
        /::warning::Azure OpenAI's content filter refused 1 piece of the diff/
      )
    }
  )

  it.each<[string, Fault, RegExp]>([
    [
      'an answer the schema refuses',
      { kind: 'answer', content: { files: 'not a list', findings: [{ path: 1 }] } },
      /unreadable answer/
    ]
  ])(
    '%s: that part’s files are listed as not reviewed with the reason, the rest posted, exit 0',
    async (_what, fault, reason) => {
      // Two parts of 50 files, one after the other: the first meets the fault.
      const files = syntheticFiles(60)
      const w = await newWorld({}, files)
      w.openai.pushFault(fault)
      const result = await run(w, { inputs: { mode: 'both', concurrency: '1' } })
      expect(result.code).toBe(0)
      const refused = filesInPrompt(userText(w.openai.requests[0]?.body?.messages)).map(
        (f) => f.path
      )
      expect(refused.length).toBeGreaterThan(0)
      const rest = files.map((f) => f.filename).filter((path) => !refused.includes(path))
      expect(reviewedFiles(w)).toEqual(
        new Set([...rest, ...(fault.kind === 'prompt-filter' ? [] : refused)])
      )
      postedOnce(w)
      expect(posted(w, /\/issues\/7\/comments$/)).toHaveLength(1)
      const summary = summaryComment(w)
      for (const path of refused) expect(summary).toContain(path)
      expect(summary).toMatch(reason)
      expect(log(result)).toMatch(reason)
    }
  )

  it('context length exceeded: the part is re-packed into smaller requests, all reviewed', async () => {
    const w = await newWorld()
    w.openai.pushFault({ kind: 'context-length' })
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(w.openai.requests[0]?.errorCode).toBe('context_length_exceeded')
    expect(w.openai.requests.length).toBeGreaterThan(2)
    expect(log(result)).toMatch(/too long for the model; re-packed into \d+ smaller requests/)
    expect(reviewedFiles(w)).toEqual(new Set(REVIEWABLE))
    postedOnce(w)
  })

  it('a fault on every third request: every part reviewed, nothing posted twice', async () => {
    const cycle: Fault[] = [
      { kind: 'rate-limit', retryAfterMs: 200 },
      { kind: 'server-error', status: 503 },
      { kind: 'reset' },
      { kind: 'server-error', status: 500 }
    ]
    let faults = 0
    const w = await newWorld({}, syntheticFiles(200))
    w.openai.config.faultFor = (request) =>
      request.index % 3 === 0 ? cycle[faults++ % cycle.length] : undefined
    const result = await run(w, { inputs: { mode: 'both', concurrency: '3' } })
    expect(result.code).toBe(0)
    expect(faults).toBeGreaterThanOrEqual(2)
    expect(w.openai.requests.filter((r) => r.status !== 200)).toHaveLength(faults)
    const all = syntheticFiles(200).map((f) => f.filename)
    expect(reviewedFiles(w)).toEqual(new Set(all))
    postedOnce(w)
    expect(posted(w, /\/issues\/7\/comments$/)).toHaveLength(1)
    expect(summaryComment(w)).not.toMatch(/not reviewed/i)
  })
})

describe('Microsoft Entra ID', () => {
  it('503 and 500 from the token endpoint: retried, the run signs in', async () => {
    const w = await newWorld({ entra: { failures: [503, 500] } })
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(w.entra.requests.map((r) => r.status)).toEqual([503, 500, 200])
    postedOnce(w)
  })

  it('a slow token endpoint: one token request for every model request in flight', async () => {
    const w = await newWorld({ entra: { latencyMs: 1500 } }, syntheticFiles(120))
    const result = await run(w, { inputs: { concurrency: '3' } })
    expect(result.code).toBe(0)
    expect(w.entra.requests.map((r) => r.status)).toEqual([200])
    expect(w.openai.requests.length).toBeGreaterThan(1)
    postedOnce(w)
  })

  it('AADSTS700213 from a credential still propagating, then success: the review lands', async () => {
    const w = await newWorld()
    w.entra.app().propagationCode = 700213
    w.entra.app().propagationFailures = 1
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(w.entra.requests.map((r) => r.errorCode ?? r.status)).toEqual([700213, 200])
    expect(log(result)).toContain('(AADSTS700213); a new one can take minutes to apply. Retrying')
    postedOnce(w)
  })
})

describe('GitHub', () => {
  it('a 502 on the first read: retried, nothing lost', async () => {
    const w = await newWorld()
    w.github.faults.push('server-error')
    const result = await run(w)
    expect(result.code).toBe(0)
    const [first] = w.github.requests
    expect(first?.status).toBe(502)
    // Sent again, answered (the first reads leave together: not necessarily right after it).
    const again = w.github.requests
      .slice(1)
      .filter(
        (r) => r.path === first?.path && JSON.stringify(r.body) === JSON.stringify(first.body)
      )
    expect(again.map((r) => r.status)).toEqual([200])
    expect(reviewedFiles(w)).toEqual(new Set(REVIEWABLE))
    postedOnce(w)
  })

  it('a secondary rate limit on posting the review: waited out, posted once', async () => {
    const w = await newWorld()
    const handle = w.github.handle.bind(w.github)
    let limited = false
    w.github.handle = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      if (!limited && req.method === 'POST' && /\/pulls\/7\/reviews$/.test(req.url ?? '')) {
        limited = true
        w.github.faults.unshift('secondary-rate-limit')
      }
      return handle(req, res)
    }
    const result = await run(w)
    expect(result.code).toBe(0)
    const reviewPosts = w.github.mutations.filter((m) => /\/pulls\/7\/reviews$/.test(m.path))
    expect(reviewPosts.map((m) => m.status)).toEqual([403, 200])
    expect(w.github.state.reviews).toHaveLength(1)
    expect(log(result)).toContain('secondary rate limit')
  })

  it('the pull request closed while the model works: nothing is posted to it', async () => {
    const w = await newWorld()
    const respond = reviewer()
    w.openai.config.respond = (request) => {
      w.github.pullRequest(PR_NUMBER).state = 'closed'
      return respond(request)
    }
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(w.github.mutations).toEqual([])
    expect(log(result)).toMatch(/closed/)
  })

  it('a force-push while the model works: no review of the replaced head, exit 0', async () => {
    const w = await newWorld()
    const respond = reviewer()
    let head: string | undefined
    w.openai.config.respond = (request) => {
      head ??= pushToPull(w.github.state, PR_NUMBER, { files: realisticFiles(), force: true })
      return respond(request)
    }
    const result = await run(w)
    expect(head).toBe(w.github.pullRequest(PR_NUMBER).headSha)
    expect(result.code).toBe(0)
    expect(w.github.mutations.filter((m) => m.status >= 400)).toEqual([])
    expect(w.github.state.reviews).toHaveLength(0)
  })
})

describe('tokens of seconds, from clocks two minutes apart', () => {
  /** Three parts, one after the other: the run outlives the access tokens. */
  const longRun = async (oidcSkew: number, entraSkew: number): Promise<World> => {
    const w = await newWorld(
      {
        oidc: { lifetimeSeconds: 4 },
        // Microsoft's services allow five minutes of clock skew on a token's times.
        entra: {
          accessTokenLifetimeSeconds: 3,
          clockOffsetSeconds: entraSkew,
          clockSkewSeconds: 300
        },
        openai: { latencyMs: 700, clockToleranceSeconds: 300 }
      },
      syntheticFiles(150)
    )
    // GitHub's clock: every ID token minted as if it were `oidcSkew` seconds later.
    const claims = w.oidc.claims.bind(w.oidc)
    w.oidc.claims = (audience) => claims(audience, Math.floor(Date.now() / 1000) + oidcSkew)
    const result = await run(w, { inputs: { concurrency: '1' } })
    expect(result.code).toBe(0)
    expect(statuses(w)).toEqual(Array(w.openai.requests.length).fill(200))
    expect(w.openai.requests.length).toBeGreaterThanOrEqual(3)
    expect(w.entra.requests.map((r) => r.status)).toEqual(Array(w.entra.requests.length).fill(200))
    // Fresh access tokens along the way, as their lifetimes (not their clocks) say.
    expect(w.entra.issued.length).toBeGreaterThan(1)
    postedOnce(w)
    return w
  }

  it('GitHub’s clock 2 min behind, Entra’s 2 min ahead (access tokens’ iat and nbf in the future)', async () => {
    const w = await longRun(-120, 120)
    const first = w.entra.issued[0]
    expect(Number(first?.claims.nbf)).toBeGreaterThan((first?.at ?? 0) / 1000 + 100)
    // An ID token whose exp has passed by the runner's clock is never presented twice.
    const assertions = w.entra.requests.map((r) => r.assertion)
    expect(new Set(assertions).size).toBe(assertions.length)
  })

  it('GitHub’s clock 2 min ahead, Entra’s 2 min behind (access tokens expired by the clock)', async () => {
    const w = await longRun(120, -120)
    const first = w.entra.issued[0]
    expect(Number(first?.claims.exp)).toBeLessThan((first?.at ?? 0) / 1000)
    // An ID token with two minutes left by the runner's clock serves every assertion.
    expect(new Set(w.entra.requests.map((r) => r.assertion)).size).toBe(1)
    expect(w.oidc.tokensIssued).toBe(1)
  })
})

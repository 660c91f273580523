/**
 * A long run with short-lived tokens, through the bundled action: GitHub ID tokens live 4 s and
 * Entra access tokens 3 s, while the review's model requests take ~10 s one after the other.
 * Entra refuses any expired assertion and Azure OpenAI any expired token (no clock skew), so
 * the run succeeds only if every assertion and every access token is fresh when it arrives.
 */
import { MAX_REQUEST_TOKENS } from '../../src/review/pack.js'
import { PR_NUMBER } from '../emulators/constants.js'
import type { PullFileState } from '../emulators/github-state.js'
import { startWorld, type World } from '../emulators/world.js'
import { reviewer } from '../helpers/reviewer.js'
import { findLeaks, runAction } from '../helpers/run-action.js'

const FILES = 5
const MODEL_LATENCY_MS = 2000

let world: World | undefined

afterEach(async () => {
  await world?.close()
})

/** A new file large enough (over half a request, ~25 tokens a line) to need a request of its own. */
function bigFile(i: number): PullFileState {
  const lines = Array.from(
    { length: Math.ceil((0.6 * MAX_REQUEST_TOKENS) / 25) },
    (_, n) =>
      `+export const setting${i}_${n} = resolve('module-${i}', ${n * 37}, { retries: ${n % 5} })`
  )
  return {
    filename: `src/settings/part-${i}.ts`,
    status: 'added',
    patch: [`@@ -0,0 +1,${lines.length} @@`, ...lines].join('\n')
  }
}

it('never presents an expired assertion or access token over a ~10 s run', async () => {
  world = await startWorld({
    oidc: { lifetimeSeconds: 4 },
    entra: { accessTokenLifetimeSeconds: 3, clockSkewSeconds: 0 },
    openai: { latencyMs: MODEL_LATENCY_MS, respond: reviewer() }
  })
  world.github.pullRequest(PR_NUMBER).files = Array.from({ length: FILES }, (_, i) => bigFile(i))

  const result = await runAction(world, {
    inputs: { mode: 'review', concurrency: '1' },
    timeoutMs: 60_000
  })

  expect(result.code).toBe(0)
  expect(findLeaks(result, world.secrets())).toEqual([])
  // One request per file, one after the other: the run outlives several tokens of each kind.
  const requests = world.openai.requests
  expect(requests).toHaveLength(FILES)
  expect(requests.map((r) => r.status)).toEqual(Array(FILES).fill(200))
  expect((requests.at(-1)?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(
    (FILES - 1) * MODEL_LATENCY_MS
  )
  // Each request carried a token still valid when it arrived...
  for (const request of requests) {
    expect(Number(request.claims?.['exp'])).toBeGreaterThan(request.at / 1000)
  }
  // ...because fresh ones were fetched along the way, and Entra never saw an expired assertion
  // (it would have answered AADSTS700024).
  expect(world.oidc.tokensIssued).toBeGreaterThan(1)
  expect(world.entra.issued.length).toBeGreaterThan(1)
  expect(world.entra.requests.map((r) => r.status)).toEqual(
    Array(world.entra.requests.length).fill(200)
  )
  for (const request of world.entra.requests) {
    expect(Number(request.assertionClaims?.['exp'])).toBeGreaterThan(request.at / 1000)
  }
}, 90_000)

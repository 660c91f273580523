/**
 * A long run with short-lived tokens: GitHub ID tokens live 4 s and Entra access tokens 3 s,
 * while the run makes model calls for ~10 s. The real ClientAssertionCredential (MSAL), bearer
 * token provider and openai client run in this process against the emulators; Entra refuses
 * any expired assertion (no clock skew), so the run passes only if every assertion is fresh.
 */
import { jest } from '@jest/globals'
import { openKeylessChain } from '../../src/azure/chain.js'
import { readConfig } from '../../src/config.js'
import { readRunContext } from '../../src/context.js'
import { DEPLOYMENT } from '../emulators/constants.js'
import { startWorld, type World } from '../emulators/world.js'
import { defaultInputs, inputEnvName } from '../helpers/run-action.js'
import { trustTestCa } from '../helpers/trust.js'

const MODEL_CALLS = 5
const MODEL_LATENCY_MS = 2000

let world: World
const savedEnv = { ...process.env }

beforeAll(async () => {
  // The action's workflow commands (::add-mask:: for every token) would flood the test log.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  trustTestCa()
  world = await startWorld({
    oidc: { lifetimeSeconds: 4 },
    entra: { accessTokenLifetimeSeconds: 3, clockSkewSeconds: 0 },
    openai: { latencyMs: MODEL_LATENCY_MS }
  })
  for (const [name, value] of Object.entries(defaultInputs(world))) {
    process.env[inputEnvName(name)] = value
  }
  process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = world.urls.oidcRequestUrl
  process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = world.requestToken
  process.env['GITHUB_REPOSITORY'] = 'octo-org/octo-repo'
})

afterAll(async () => {
  jest.restoreAllMocks()
  process.env = savedEnv
  await world.close()
})

it('never presents an expired assertion or access token over a ~10 s run', async () => {
  const chain = openKeylessChain(readConfig(), readRunContext())
  const started = Date.now()
  for (let i = 0; i < MODEL_CALLS; i++) {
    const result = await chain.model.complete({
      deployment: DEPLOYMENT,
      messages: [{ role: 'user', content: `call ${i}` }],
      maxOutputTokens: 32
    })
    expect(result.content.length).toBeGreaterThan(0)
  }
  expect(Date.now() - started).toBeGreaterThanOrEqual(MODEL_CALLS * MODEL_LATENCY_MS)

  // Every model call was accepted, each with a bearer token that was still valid when sent.
  expect(world.openai.requests.map((r) => r.status)).toEqual(Array(MODEL_CALLS).fill(200))
  for (const request of world.openai.requests) {
    expect(Number(request.claims?.['exp'])).toBeGreaterThan(request.at / 1000)
  }
  // Tokens did expire during the run, so fresh ones were fetched: several of each kind...
  expect(world.oidc.tokensIssued).toBeGreaterThan(1)
  expect(world.entra.issued.length).toBeGreaterThan(1)
  // ...and Entra never saw an expired assertion (it would have answered AADSTS700024).
  expect(world.entra.requests.every((r) => r.status === 200)).toBe(true)
  for (const request of world.entra.requests) {
    expect(Number(request.assertionClaims?.['exp'])).toBeGreaterThan(request.at / 1000)
  }
  expect(chain.trace.idTokensFetched).toBe(world.oidc.tokensIssued)
})

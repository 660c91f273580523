/**
 * The one retry policy for a federated credential created moments ago (chain/credential.ts),
 * run by the real MSAL against the emulated Entra ID, with the waits recorded instead of
 * waited: what is retried, how often, and what the diagnosis then says.
 */
import { jest } from '@jest/globals'
import { newIdentityTrace } from '../../src/chain/claims.js'
import {
  createCredential,
  GitHubAssertions,
  PROPAGATION_RETRY_DELAYS_MS
} from '../../src/chain/credential.js'
import { diagnose } from '../../src/diagnosis/diagnose.js'
import { StageError } from '../../src/errors.js'
import { testConfig } from '../helpers/config.js'
import { captureStdout } from '../helpers/stdout.js'
import { trustTestCa } from '../helpers/trust.js'
import { AZURE_AUDIENCE, CLIENT_ID, COGNITIVE_SCOPE, TENANT_ID } from '../emulators/constants.js'
import { startWorld, type World } from '../emulators/world.js'

let world: World

beforeAll(async () => {
  trustTestCa()
  world = await startWorld()
  process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = world.urls.oidcRequestUrl
  process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = world.requestToken
})

afterAll(async () => {
  delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
  delete process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  await world.close()
})

afterEach(() => {
  jest.restoreAllMocks()
})

/** A credential against the world that records each wait instead of waiting. */
function credential(): {
  getToken: () => Promise<unknown>
  waits: number[]
  log: string[]
  trace: ReturnType<typeof newIdentityTrace>
} {
  const log = captureStdout()
  const waits: number[] = []
  const trace = newIdentityTrace()
  const azure = {
    ...testConfig().azure,
    clientId: CLIENT_ID,
    tenantId: TENANT_ID,
    authorityHost: world.urls.authorityHost,
    knownAuthority: false
  }
  const made = createCredential(azure, {
    trace,
    assertions: new GitHubAssertions(AZURE_AUDIENCE, trace),
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    }
  })
  return { getToken: () => made.getToken(COGNITIVE_SCOPE), waits, log, trace }
}

async function failure(getToken: () => Promise<unknown>): Promise<StageError> {
  try {
    await getToken()
  } catch (error) {
    if (error instanceof StageError) return error
    throw error
  }
  throw new Error('expected the token request to fail')
}

describe('retrying a federated credential that is still propagating', () => {
  it('is one policy: AADSTS70021 thrice, AADSTS700213 twice, after a few seconds each', () => {
    expect(PROPAGATION_RETRY_DELAYS_MS).toEqual({ 70021: [2000, 4000, 8000], 700213: [2000, 3000] })
  })

  it('retries an AADSTS700213 from a credential created moments ago, then gets the token', async () => {
    const app = world.entra.app()
    app.propagationCode = 700213
    app.propagationFailures = 1
    const { getToken, waits, log } = credential()
    await expect(getToken()).resolves.toBeDefined()
    expect(waits).toEqual([2000])
    expect(world.entra.requests.slice(-2).map((r) => r.errorCode ?? r.status)).toEqual([
      700213, 200
    ])
    expect(log.join('')).toContain(
      'Entra found no matching federated credential (AADSTS700213); a new one can take minutes to apply. Retrying in 2 s (1/2).'
    )
  })

  it('gives up on a lasting AADSTS700213 after two retries, and the diagnosis says both causes', async () => {
    const app = world.entra.app()
    const saved = app.federatedCredentials
    app.federatedCredentials = saved.map((c) => ({
      ...c,
      subject: 'repo:octo-org/other:pull_request'
    }))
    try {
      const { getToken, waits, trace } = credential()
      const error = await failure(getToken)
      expect(waits).toEqual([2000, 3000])
      expect(error.details.entraRetries).toBe(2)
      const d = diagnose(error, {
        ...testConfig(),
        trace,
        stage: error.stage,
        entraRetries: error.details.entraRetries
      })
      expect(d.entry).toBe('aadsts700213')
      expect(d.cause.split('\n')[1]).toMatch(
        /^A federated credential created in the last few minutes can take a few minutes to be honoured/
      )
      expect(d.facts).toContainEqual(['retries', '2'])
    } finally {
      app.federatedCredentials = saved
    }
  })

  it('retries AADSTS70021 three times before giving up', async () => {
    const app = world.entra.app()
    app.propagationCode = 70021
    app.propagationFailures = 4
    const { getToken, waits } = credential()
    const error = await failure(getToken)
    expect(waits).toEqual([2000, 4000, 8000])
    expect(error.details.entraRetries).toBe(3)
    app.propagationFailures = 0
  })

  it('never retries a refusal propagation cannot explain', async () => {
    const app = world.entra.app()
    const saved = app.federatedCredentials
    app.federatedCredentials = saved.map((c) => ({ ...c, audiences: ['api://elsewhere'] }))
    try {
      const { getToken, waits } = credential()
      const error = await failure(getToken)
      expect(waits).toEqual([])
      expect(error.details.entraRetries).toBe(0)
      expect(world.entra.requests.at(-1)?.errorCode).toBe(700212)
    } finally {
      app.federatedCredentials = saved
    }
  })
})

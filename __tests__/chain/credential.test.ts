/**
 * The TokenCredential for each `auth` kind (chain/credential.ts), run by the real Azure identity
 * library against the emulated GitHub OIDC service and Entra ID, an instance metadata endpoint
 * and a fake `az`: what each kind asks for, which GitHub ID token each assertion is, what is
 * masked and traced, what is retried (the waits recorded, not waited), and the stage each
 * failure is marked with.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { ServerError } from '@azure/msal-node'
import { newIdentityTrace, type IdentityTrace } from '../../src/chain/claims.js'
import {
  createCredential,
  entraErrorCode,
  GitHubAssertions,
  propagationDelays
} from '../../src/chain/credential.js'
import type { EarlyIdToken } from '../../src/chain/credential.js'
import { ActionError, StageError } from '../../src/errors.js'
import type { AzureConfig } from '../../src/settings.js'
import {
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_RESOURCE,
  COGNITIVE_SCOPE,
  PRINCIPAL_ID,
  TENANT_ID
} from '../emulators/constants.js'
import { JWT_BEARER } from '../emulators/entra.js'
import { requestUrl, sendJson, startHttpsServer, type RunningServer } from '../emulators/http.js'
import { peekClaims, signJwt } from '../emulators/keys.js'
import { startWorld, type World } from '../emulators/world.js'
import { testConfig } from '../helpers/config.js'
import { FakeCli, NOT_LOGGED_IN } from '../helpers/fake-cli.js'
import { captureStdout } from '../helpers/stdout.js'
import { trustTestCa } from '../helpers/trust.js'

const ENV = [
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST'
] as const

let world: World
let stdout: string[]

beforeAll(trustTestCa)

/** A world for each test of the describe, the runner's ID token variables pointing at it. */
function useWorld(): void {
  beforeEach(async () => {
    world = await startWorld()
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = world.urls.oidcRequestUrl
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = world.requestToken
    stdout = captureStdout()
  })

  afterEach(async () => {
    jest.restoreAllMocks()
    for (const name of ENV) Reflect.deleteProperty(process.env, name)
    await world.close()
  })
}

/** The Azure settings of a github-oidc run against the world, plus overrides. */
function azure(overrides: Partial<AzureConfig> = {}): AzureConfig {
  return {
    ...testConfig().azure,
    clientId: CLIENT_ID,
    tenantId: TENANT_ID,
    authorityHost: world.urls.authorityHost,
    knownAuthority: false,
    ...overrides
  }
}

interface SignIn {
  readonly getToken: () => Promise<string>
  readonly trace: IdentityTrace
  /** Each wait before a retry, recorded instead of waited. */
  readonly waits: number[]
}

function signIn(settings: AzureConfig = azure(), early?: EarlyIdToken): SignIn {
  const trace = newIdentityTrace()
  const waits: number[] = []
  const credential = createCredential(settings, {
    trace,
    assertions: new GitHubAssertions(settings.audience, trace, early),
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    }
  })
  return {
    getToken: async () => {
      const token = await credential.getToken(settings.scope)
      if (!token) throw new Error('no token')
      return token.token
    },
    trace,
    waits
  }
}

async function failure(attempt: Promise<unknown>): Promise<StageError> {
  const error = await attempt.then(
    () => new Error('expected the sign-in to fail'),
    (e: unknown) => e
  )
  if (error instanceof StageError) return error
  throw error
}

const masked = (token: string): boolean => stdout.includes(`::add-mask::${token}\n`)

/** A start-up token request (early.ts) that got `token`. */
function early(audience: string, token: Promise<string | undefined>): EarlyIdToken {
  return { audience, token, sent: Promise.resolve() }
}

describe('GitHubAssertions: the GitHub ID tokens presented to Entra', () => {
  useWorld()

  const assertions = (trace = newIdentityTrace(), start?: EarlyIdToken): GitHubAssertions =>
    new GitHubAssertions(AZURE_AUDIENCE, trace, start)

  it('asks GitHub for a token for its audience, masks it and traces its claims', async () => {
    const trace = newIdentityTrace()
    const token = await assertions(trace).get()
    expect(world.oidc.requests.map((r) => [r.audience, r.status])).toEqual([[AZURE_AUDIENCE, 200]])
    expect(world.oidc.issued.map((t) => t.jwt)).toEqual([token])
    expect(masked(token)).toBe(true)
    expect(trace.idToken).toEqual(peekClaims(token))
    expect(trace.idToken?.sub).toBe(world.oidc.subject())
  })

  it('reuses a token while it has at least a minute to live', async () => {
    world.oidc.config.lifetimeSeconds = 180
    const source = assertions()
    const first = await source.get()
    expect(await source.get()).toBe(first)
    expect(world.oidc.requests).toHaveLength(1)
  })

  it('asks for a new one once it has less than a minute to live', async () => {
    world.oidc.config.lifetimeSeconds = 50
    const trace = newIdentityTrace()
    const source = assertions(trace)
    const first = await source.get()
    const second = await source.get()
    expect(second).not.toBe(first)
    expect(world.oidc.requests).toHaveLength(2)
    expect(trace.idToken).toEqual(peekClaims(second))
  })

  it('never reuses a token without an expiry', async () => {
    world.oidc.config.extraClaims = { exp: 'never' }
    const source = assertions()
    await source.get()
    await source.get()
    expect(world.oidc.requests).toHaveLength(2)
  })

  it('presents the token requested at start-up first, when it is for its audience', async () => {
    const startUp = await world.oidc.mint(AZURE_AUDIENCE)
    const trace = newIdentityTrace()
    const source = assertions(trace, early(AZURE_AUDIENCE, Promise.resolve(startUp)))
    expect(await source.get()).toBe(startUp)
    expect(await source.get()).toBe(startUp)
    expect(world.oidc.requests).toHaveLength(0)
    expect(trace.idToken).toEqual(peekClaims(startUp))
  })

  it('presents the start-up token once: after it, fresh tokens come from GitHub', async () => {
    world.oidc.config.lifetimeSeconds = 50
    const startUp = await world.oidc.mint(AZURE_AUDIENCE)
    const source = assertions(newIdentityTrace(), early(AZURE_AUDIENCE, Promise.resolve(startUp)))
    expect(await source.get()).toBe(startUp)
    expect(await source.get()).toBe(world.oidc.issued.at(-1)?.jwt)
    expect(world.oidc.requests).toHaveLength(1)
  })

  it('asks GitHub itself when the start-up token is for another audience, or did not come', async () => {
    const other = await world.oidc.mint('api://other')
    for (const startUp of [
      early('api://other', Promise.resolve(other)),
      early(AZURE_AUDIENCE, Promise.resolve(undefined))
    ]) {
      expect(await assertions(newIdentityTrace(), startUp).get()).not.toBe(other)
    }
    expect(world.oidc.requests.map((r) => r.audience)).toEqual([AZURE_AUDIENCE, AZURE_AUDIENCE])
  })

  it("marks a token GitHub would not give as GitHub's failure", async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'revoked'
    const error = await failure(assertions().get())
    expect(error).toMatchObject({ stage: 'github-oidc', doing: 'request the GitHub ID token' })
    expect(error.message).toContain('401')
  })

  it("marks a job without the id-token permission as GitHub's failure", async () => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    const error = await failure(assertions().get())
    expect(error.stage).toBe('github-oidc')
    expect(error.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(world.oidc.requests).toHaveLength(0)
  })
})

describe('createCredential: github-oidc', () => {
  useWorld()

  it('signs in as the app in the tenant, a GitHub ID token for the audience as the assertion', async () => {
    const { getToken, trace } = signIn()
    const token = await getToken()
    const [request] = world.entra.requests
    expect(world.entra.requests).toHaveLength(1)
    expect(request).toMatchObject({
      tenant: TENANT_ID,
      form: { client_id: CLIENT_ID, client_assertion_type: JWT_BEARER, scope: COGNITIVE_SCOPE },
      assertion: world.oidc.issued[0]?.jwt,
      status: 200
    })
    expect(request?.assertionClaims?.['aud']).toBe(AZURE_AUDIENCE)
    expect(token).toBe(world.entra.issued[0]?.jwt)
    expect(masked(token)).toBe(true)
    expect(trace.accessToken).toEqual(peekClaims(token))
    expect(trace.accessToken?.oid).toBe(PRINCIPAL_ID)
  })

  it('presents a new GitHub ID token to each Entra request once the last has less than a minute left', async () => {
    // Entra tokens of two minutes: MSAL asks Entra again for each (it renews five minutes ahead).
    world.entra.config.accessTokenLifetimeSeconds = 120
    world.oidc.config.lifetimeSeconds = 50
    const { getToken } = signIn()
    await getToken()
    await getToken()
    const assertions = world.entra.requests.map((r) => r.assertion)
    expect(assertions).toHaveLength(2)
    expect(new Set(assertions).size).toBe(2)
  })

  it('presents the same GitHub ID token again while it has a minute left', async () => {
    world.entra.config.accessTokenLifetimeSeconds = 120
    world.oidc.config.lifetimeSeconds = 180
    const { getToken } = signIn()
    await getToken()
    await getToken()
    const assertions = world.entra.requests.map((r) => r.assertion)
    expect(assertions).toHaveLength(2)
    expect(new Set(assertions).size).toBe(1)
    expect(world.oidc.requests).toHaveLength(1)
  })

  it('masks every access token it hands out and traces the latest', async () => {
    world.entra.config.accessTokenLifetimeSeconds = 120
    const { getToken, trace } = signIn()
    const tokens = [await getToken(), await getToken()]
    expect(new Set(tokens).size).toBe(2)
    expect(tokens.map(masked)).toEqual([true, true])
    expect(trace.accessToken).toEqual(peekClaims(tokens[1] ?? ''))
  })
})

describe('createCredential: the other auth kinds', () => {
  useWorld()

  it('workload-identity: presents the token in AZURE_FEDERATED_TOKEN_FILE, and asks GitHub for nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'federated-token-'))
    try {
      const assertion = await world.oidc.mint(AZURE_AUDIENCE)
      process.env['AZURE_FEDERATED_TOKEN_FILE'] = join(dir, 'token')
      writeFileSync(join(dir, 'token'), assertion)
      const { getToken, trace } = signIn(azure({ auth: 'workload-identity' }))
      const token = await getToken()
      expect(world.entra.requests.map((r) => [r.form['client_id'], r.assertion])).toEqual([
        [CLIENT_ID, assertion]
      ])
      expect(world.oidc.requests).toHaveLength(0)
      expect(masked(token)).toBe(true)
      expect(trace.accessToken).toEqual(peekClaims(token))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe('managed-identity', () => {
    const MANAGED_PRINCIPAL = '5d2e8c41-7a6b-4f3e-9c1d-0b8a7e6f5d4c'
    let imds: RunningServer
    let queries: URLSearchParams[]

    // One server for the suite: MSAL keeps what it learnt of the machine for the process.
    beforeAll(async () => {
      imds = await startHttpsServer(instanceMetadata)
    })

    afterAll(async () => {
      await imds.close()
    })

    beforeEach(() => {
      queries = []
      process.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] = imds.url
    })

    /** The instance metadata service of an Azure machine, handing out its identities' tokens. */
    async function instanceMetadata(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const url = requestUrl(req)
      queries.push(url.searchParams)
      if (
        !/^\/metadata\/identity\/oauth2\/token\/?$/.test(url.pathname) ||
        req.headers['metadata'] !== 'true'
      ) {
        sendJson(res, 400, {
          error: 'invalid_request',
          error_description: 'Not an IMDS token request'
        })
        return
      }
      const now = Math.floor(Date.now() / 1000)
      const resource = url.searchParams.get('resource') ?? ''
      const clientId = url.searchParams.get('client_id') ?? 'system-assigned'
      const jwt = await signJwt(world.entra.key, {
        aud: resource,
        iss: `https://sts.windows.net/${TENANT_ID}/`,
        iat: now,
        exp: now + 3600,
        appid: clientId,
        idtyp: 'app',
        oid: MANAGED_PRINCIPAL,
        tid: TENANT_ID
      })
      sendJson(res, 200, {
        access_token: jwt,
        client_id: clientId,
        expires_in: '3600',
        expires_on: String(now + 3600),
        resource,
        token_type: 'Bearer'
      })
    }

    it.each([
      ['the system-assigned identity when client-id is empty', undefined],
      ['the user-assigned identity client-id names', CLIENT_ID]
    ])('asks the instance metadata service for %s', async (_, clientId) => {
      const { getToken, trace } = signIn(
        azure({ auth: 'managed-identity', clientId, tenantId: undefined })
      )
      const token = await getToken()
      expect(queries.map((q) => [q.get('resource'), q.get('client_id')])).toEqual([
        [COGNITIVE_RESOURCE, clientId ?? null]
      ])
      expect(world.entra.requests).toHaveLength(0)
      expect(masked(token)).toBe(true)
      expect(trace.accessToken?.oid).toBe(MANAGED_PRINCIPAL)
    })
  })

  describe('azure-cli', () => {
    const DEVELOPER = '6c1f3b9a-2e4d-4f7a-9b8c-0d1e2f3a4b5c'
    let fake: FakeCli

    beforeAll(async () => {
      fake = await FakeCli.install()
    })

    afterAll(async () => {
      await fake.uninstall()
    })

    beforeEach(() => {
      fake.reset()
    })

    /** `az account get-access-token -o json` as azure-cli 2.54+ prints it. */
    async function signedIn(): Promise<string> {
      const { jwt, expiresOn } = await world.entra.userToken(DEVELOPER, COGNITIVE_RESOURCE)
      fake.when('az', 'account get-access-token', {
        stdout: `${JSON.stringify({ accessToken: jwt, expires_on: expiresOn, tokenType: 'Bearer' })}\n`
      })
      return jwt
    }

    it.each([
      ['in the tenant tenant-id names', TENANT_ID, ['--tenant', TENANT_ID]],
      ['in its own tenant when tenant-id is empty', undefined, []]
    ])('asks az for a token for the resource, %s', async (_, tenantId, tenantArgs) => {
      const issued = await signedIn()
      const { getToken, trace } = signIn(
        azure({ auth: 'azure-cli', clientId: undefined, tenantId })
      )
      const token = await getToken()
      expect(token).toBe(issued)
      expect(fake.calls('az')).toEqual([
        [
          'account',
          'get-access-token',
          '--output',
          'json',
          '--resource',
          COGNITIVE_RESOURCE,
          ...tenantArgs
        ]
      ])
      expect(masked(token)).toBe(true)
      expect(trace.accessToken?.oid).toBe(DEVELOPER)
    })

    it("marks an az that is not signed in as Entra's failure", async () => {
      fake.when('az', 'account get-access-token', { stderr: NOT_LOGGED_IN, code: 1 })
      const { getToken } = signIn(azure({ auth: 'azure-cli', clientId: undefined }))
      const error = await failure(getToken())
      expect(error).toMatchObject({
        stage: 'entra',
        doing: 'get an access token from Microsoft Entra ID'
      })
      expect(error.message).toContain('az login')
    })
  })

  it.each(['github-oidc', 'workload-identity'] as const)(
    'refuses %s without both client-id and tenant-id, saying what to set',
    (auth) => {
      for (const missing of [{ clientId: undefined }, { tenantId: undefined }]) {
        let thrown: unknown
        try {
          signIn(azure({ auth, ...missing }))
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(ActionError)
        expect(thrown).toMatchObject({
          message: `auth '${auth}' needs both client-id and tenant-id.`,
          fix: 'Set the client-id and tenant-id inputs.'
        })
      }
    }
  )
})

describe('retrying what propagation can explain', () => {
  useWorld()

  it('retries AADSTS70021 after the policy’s waits, saying why, then hands out the token', async () => {
    world.entra.app().propagationFailures = 2
    const { getToken, waits } = signIn()
    const token = await getToken()
    expect(waits).toEqual([2000, 4000])
    expect(world.entra.requests.map((r) => r.errorCode ?? r.status)).toEqual([70021, 70021, 200])
    expect(token).toBe(world.entra.issued[0]?.jwt)
    expect(stdout).toContain(
      'Entra found no matching federated credential (AADSTS70021); a new one can take minutes to apply. Retrying in 4 s (2/3).\n'
    )
  })

  it('gives up after the last wait, counting the retries in the failure', async () => {
    world.entra.app().propagationFailures = 4
    const { getToken, waits } = signIn()
    const error = await failure(getToken())
    expect(waits).toEqual([2000, 4000, 8000])
    expect(error).toMatchObject({ stage: 'entra', details: { entraRetries: 3 } })
    expect(entraErrorCode(error)).toBe(70021)
  })
})

describe('propagationDelays: the waits before each retry', () => {
  it.each([
    [70021, [2000, 4000, 8000]],
    [700213, [2000, 3000]],
    [700212, []],
    [700024, []]
  ])('waits before each retry of AADSTS%d: %j', (code, delays) => {
    expect(propagationDelays(new Error(`AADSTS${code}: refused.`))).toEqual(delays)
  })

  it('retries nothing that carries no AADSTS code', () => {
    expect(propagationDelays(new Error('socket hang up'))).toEqual([])
    expect(propagationDelays(undefined)).toEqual([])
  })
})

describe('failures marked with their stage', () => {
  useWorld()

  it("marks an ID token GitHub would not give as GitHub's failure, though MSAL wraps it", async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'revoked'
    const error = await failure(signIn().getToken())
    expect(error).toMatchObject({ stage: 'github-oidc', doing: 'request the GitHub ID token' })
    expect(world.entra.requests).toHaveLength(0)
  })

  it("marks Entra's refusal as Entra's, with its code and no retries", async () => {
    const app = world.entra.app()
    app.federatedCredentials = app.federatedCredentials.map((c) => ({
      ...c,
      audiences: ['api://elsewhere']
    }))
    const { getToken, waits } = signIn()
    const error = await failure(getToken())
    expect(error).toMatchObject({
      stage: 'entra',
      doing: 'get an access token from Microsoft Entra ID',
      details: { entraRetries: 0 }
    })
    expect(error.details.authorityProbe).toBeUndefined()
    expect(entraErrorCode(error)).toBe(700212)
    expect(waits).toEqual([])
  })

  it("asks an authority MSAL could not resolve for Entra's own words", async () => {
    const unknown = '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a'
    const error = await failure(signIn(azure({ tenantId: unknown })).getToken())
    expect(error.stage).toBe('entra')
    expect(error.details.authorityProbe).toMatch(
      `${world.urls.authorityHost}/${unknown}/v2.0/.well-known/openid-configuration answered 400: AADSTS90002: Tenant '${unknown}' not found.`
    )
  })

  it('says when the authority could not be reached at all', async () => {
    const closed = await startHttpsServer(() => undefined)
    await closed.close()
    const error = await failure(signIn(azure({ authorityHost: closed.url })).getToken())
    expect(error.stage).toBe('entra')
    // What follows is the network's error (under jest, which runs fetch in another realm, only
    // its message).
    expect(error.details.authorityProbe).toMatch(
      `${closed.url}/${TENANT_ID}/v2.0/.well-known/openid-configuration could not be reached: `
    )
  }, 30_000)
})

describe('entraErrorCode: the AADSTS number anywhere on the cause chain', () => {
  const caused = (cause: unknown, message = 'wrapped'): Error => new Error(message, { cause })

  it("reads MSAL's errorNo, a number or a numeric string", () => {
    expect(entraErrorCode(Object.assign(new Error('x'), { errorNo: 70021 }))).toBe(70021)
    expect(entraErrorCode(new ServerError('invalid_client', 'x', '', '', ' 700213 ', 400))).toBe(
      700213
    )
  })

  it('reads the code in a message, or in a string on the chain', () => {
    expect(entraErrorCode(new Error('AADSTS700024: Client assertion is not within'))).toBe(700024)
    expect(entraErrorCode(caused('AADSTS50013: signature'))).toBe(50013)
  })

  it('takes the outermost code and looks through causes for one', () => {
    expect(entraErrorCode(caused(caused(new Error('AADSTS90002: no tenant'))))).toBe(90002)
    expect(entraErrorCode(caused(new Error('AADSTS700212: inner'), 'AADSTS70021: outer'))).toBe(
      70021
    )
  })

  it('ignores an errorNo that is no number', () => {
    const odd = Object.assign(new Error('AADSTS7000215: invalid secret'), { errorNo: 'n/a' })
    expect(entraErrorCode(odd)).toBe(7000215)
    expect(entraErrorCode(Object.assign(new Error('x'), { errorNo: 1.5 }))).toBeUndefined()
  })

  it('finds none where there is none', () => {
    expect(entraErrorCode(new Error('socket hang up'))).toBeUndefined()
    expect(entraErrorCode(null)).toBeUndefined()
  })
})

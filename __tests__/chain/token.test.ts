/**
 * The access token for each model request (chain/token.ts), from a real credential against the
 * emulated Entra ID: a token for the scope asked, one fresh enough for the request (never one
 * with five minutes or less to live), one request for callers arriving together, and a failure
 * that is not kept.
 */
import { ClientAssertionCredential, type TokenCredential } from '@azure/identity'
import { accessTokenProvider } from '../../src/chain/token.js'
import {
  AI_RESOURCE,
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_SCOPE,
  TENANT_ID
} from '../emulators/constants.js'
import { peekClaims } from '../emulators/keys.js'
import { startWorld, type World } from '../emulators/world.js'
import { trustTestCa } from '../helpers/trust.js'

let world: World

beforeAll(trustTestCa)

beforeEach(async () => {
  world = await startWorld()
})

afterEach(async () => {
  await world.close()
})

/** The credential the action builds for `github-oidc`, its assertions minted by the world. */
function credential(): TokenCredential {
  return new ClientAssertionCredential(
    TENANT_ID,
    CLIENT_ID,
    () => world.oidc.mint(AZURE_AUDIENCE),
    {
      authorityHost: world.urls.authorityHost,
      disableInstanceDiscovery: true
    }
  )
}

const secondsLeft = (token: string): number =>
  Number(peekClaims(token)?.['exp']) - Date.now() / 1000

describe('accessTokenProvider', () => {
  it('hands out the access token Entra issued for the scope it was made with', async () => {
    const getToken = accessTokenProvider(credential(), `${AI_RESOURCE}/.default`)
    const token = await getToken()
    expect(world.entra.requests.map((r) => r.form['scope'])).toEqual([`${AI_RESOURCE}/.default`])
    expect(world.entra.issued.map((t) => t.jwt)).toEqual([token])
    expect(peekClaims(token)?.['aud']).toBe(AI_RESOURCE)
  })

  it('hands out the same token while it has more than five minutes to live', async () => {
    world.entra.config.accessTokenLifetimeSeconds = 3599
    const getToken = accessTokenProvider(credential(), COGNITIVE_SCOPE)
    const first = await getToken()
    expect(await getToken()).toBe(first)
    expect(world.entra.requests).toHaveLength(1)
  })

  it('never hands out a token with five minutes or less to live: each request gets a new one', async () => {
    // Four minutes: a cache that serves a token until it expires would hand this one out again.
    world.entra.config.accessTokenLifetimeSeconds = 240
    const getToken = accessTokenProvider(credential(), COGNITIVE_SCOPE)
    const tokens = [await getToken(), await getToken(), await getToken()]
    expect(new Set(tokens).size).toBe(3)
    expect(world.entra.requests).toHaveLength(3)
    // Each with (nearly) its whole life left when handed out.
    for (const token of tokens) expect(secondsLeft(token)).toBeGreaterThan(200)
  })

  it('sends one request for the callers that arrive while a token is being fetched', async () => {
    world.entra.config.latencyMs = 200
    const getToken = accessTokenProvider(credential(), COGNITIVE_SCOPE)
    const tokens = await Promise.all([getToken(), getToken(), getToken()])
    expect(new Set(tokens).size).toBe(1)
    expect(world.entra.requests).toHaveLength(1)
  })

  it('keeps no failure: the callers waiting share it, and the next caller asks again', async () => {
    const app = world.entra.app()
    const saved = app.federatedCredentials
    app.federatedCredentials = saved.map((c) => ({ ...c, audiences: ['api://elsewhere'] }))
    const getToken = accessTokenProvider(credential(), COGNITIVE_SCOPE)
    const failures = await Promise.allSettled([getToken(), getToken()])
    expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected'])
    expect(String((failures[0] as PromiseRejectedResult).reason)).toContain('AADSTS700212')
    app.federatedCredentials = saved
    const token = await getToken()
    expect(world.entra.issued.map((t) => t.jwt)).toEqual([token])
    expect(world.entra.requests.map((r) => r.errorCode ?? r.status)).toEqual([700212, 200])
  })

  it('refuses to hand out nothing when a credential returns no token', async () => {
    // The TokenCredential contract allows null; an empty bearer would only fail later, unexplained.
    const empty: TokenCredential = { getToken: () => Promise.resolve(null) }
    await expect(accessTokenProvider(empty, COGNITIVE_SCOPE)()).rejects.toThrow(
      'the credential returned no token'
    )
  })
})

/**
 * The API Management gateway emulator and the answers added for the diagnoses: APIM's own 401
 * bodies, forwarding with the gateway's managed identity, app roles in Entra's tokens, and
 * Azure OpenAI's "custom subdomain" and "API version not supported" refusals.
 */
import {
  GATEWAY_PRINCIPAL_ID,
  GATEWAY_ROLE,
  GATEWAY_SCOPE,
  INVALID_JWT,
  JWT_NOT_PRESENT,
  MISSING_SUBSCRIPTION_KEY,
  setUpGateway
} from './apim-gateway.js'
import {
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_SCOPE,
  DEPLOYMENT,
  PRINCIPAL_ID,
  TENANT_ID
} from './constants.js'
import { JWT_BEARER } from './entra.js'
import { peekClaims } from './keys.js'
import { startWorld, type World } from './world.js'
import { trustTestCa } from '../helpers/trust.js'

let world: World

beforeAll(() => {
  trustTestCa()
})

beforeEach(async () => {
  world = await startWorld()
})

afterEach(async () => {
  await world.close()
})

async function accessToken(scope: string): Promise<string> {
  const id = await fetch(
    `${world.urls.oidcRequestUrl}&audience=${encodeURIComponent(AZURE_AUDIENCE)}`,
    { headers: { authorization: `Bearer ${world.requestToken}` } }
  )
  const assertion = ((await id.json()) as { value: string }).value
  const res = await fetch(`${world.urls.authorityHost}/${TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      scope,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion
    })
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { access_token: string }).access_token
}

async function chat(
  origin: string,
  token: string | undefined,
  path = '/openai/v1/chat/completions'
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {})
    },
    body: JSON.stringify({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Hi' }] })
  })
  return { status: res.status, body: await res.json() }
}

describe('API Management gateway', () => {
  it('answers APIM’s own bodies for a missing token, a token for another audience, a missing key', async () => {
    setUpGateway(world)
    const gateway = world.urls.gatewayEndpoint
    expect(await chat(gateway, undefined)).toEqual({ status: 401, body: JWT_NOT_PRESENT })
    expect(await chat(gateway, await accessToken(COGNITIVE_SCOPE))).toEqual({
      status: 401,
      body: { statusCode: 401, message: 'Invalid JWT.' }
    })
    world.gateway.config.subscriptionRequired = true
    expect(await chat(gateway, await accessToken(GATEWAY_SCOPE))).toEqual({
      status: 401,
      body: MISSING_SUBSCRIPTION_KEY
    })
    expect(world.gateway.requests.map((r) => r.forwarded)).toEqual([false, false, false])
    expect(world.openai.requests).toHaveLength(0)
  })

  it('refuses a token for its app without the required role', async () => {
    setUpGateway(world, { role: false })
    const token = await accessToken(GATEWAY_SCOPE)
    expect(peekClaims(token)?.['roles']).toBeUndefined()
    expect(await chat(world.urls.gatewayEndpoint, token)).toEqual({
      status: 401,
      body: INVALID_JWT
    })
  })

  it('forwards a valid request with its managed identity’s token and passes the answer through', async () => {
    setUpGateway(world)
    const token = await accessToken(GATEWAY_SCOPE)
    expect(peekClaims(token)).toMatchObject({
      aud: 'api://5f0c3e2a-7b14-4d8e-9c61-2a4b8d9e0f37',
      roles: [GATEWAY_ROLE],
      oid: PRINCIPAL_ID
    })
    const answer = await chat(world.urls.gatewayEndpoint, token)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ object: 'chat.completion' })
    expect(world.gateway.requests.at(-1)).toMatchObject({ status: 200, forwarded: true })
    // The backend saw the gateway's identity, never the caller's token.
    expect(world.openai.requests.at(-1)?.claims).toMatchObject({
      oid: GATEWAY_PRINCIPAL_ID,
      aud: 'https://cognitiveservices.azure.com'
    })
    expect(world.secrets()).toEqual(expect.arrayContaining(world.gateway.issued))
  })

  it('passes the backend’s refusals through unchanged', async () => {
    setUpGateway(world)
    world.openai.config.customSubdomain = false
    expect(await chat(world.urls.gatewayEndpoint, await accessToken(GATEWAY_SCOPE))).toEqual({
      status: 400,
      body: {
        error: {
          code: 'BadRequest',
          message:
            'Please provide a custom subdomain for token authentication, otherwise API key is required.'
        }
      }
    })
  })
})

describe('Azure OpenAI refusals the diagnoses read', () => {
  it('refuses Entra tokens without a custom subdomain, and unknown api-versions as configured', async () => {
    const token = await accessToken(COGNITIVE_SCOPE)
    const notSupported = {
      status: 400,
      body: { error: { code: 'BadRequest', message: 'API version not supported' } }
    }
    const classic = `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=2025-04-14`
    expect((await chat(world.urls.openaiEndpoint, token, classic)).status).toBe(404)
    world.openai.config.unknownApiVersion = 'not-supported'
    expect(await chat(world.urls.openaiEndpoint, token, classic)).toEqual(notSupported)
    expect(
      await chat(
        world.urls.openaiEndpoint,
        token,
        '/openai/v1/chat/completions?api-version=2025-04-01-preview'
      )
    ).toEqual(notSupported)
    world.openai.config.customSubdomain = false
    expect((await chat(world.urls.openaiEndpoint, token)).status).toBe(400)
  })

  it('issues a token for Azure Resource Manager, which Azure OpenAI refuses as Unauthorized', async () => {
    const token = await accessToken('https://management.azure.com/.default')
    expect(await chat(world.urls.openaiEndpoint, token)).toMatchObject({
      status: 401,
      body: { statusCode: 401 }
    })
  })
})

/**
 * The model client (chain/openai.ts) against the Azure OpenAI emulator, with a real Entra token
 * from the emulated federation: the prompt goes to the https endpoint and nowhere else, and
 * what the SDK retries is retried. Asserted on what the emulator, and a bystander, received.
 */
import { jest } from '@jest/globals'
import { ClientAssertionCredential } from '@azure/identity'
import { APIError } from 'openai'
import { ModelClient } from '../../src/chain/openai.js'
import { accessTokenProvider } from '../../src/chain/token.js'
import { ConfigError, StageError } from '../../src/errors.js'
import {
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_SCOPE,
  DEPLOYMENT,
  TENANT_ID
} from '../emulators/constants.js'
import { startHttpsServer, type RunningServer } from '../emulators/http.js'
import { startWorld, type World } from '../emulators/world.js'
import { trustTestCa } from '../helpers/trust.js'

let world: World
let bystander: RunningServer
let received: string[]

beforeAll(trustTestCa)

beforeEach(async () => {
  world = await startWorld()
  received = []
  bystander = await startHttpsServer((req, res) => {
    received.push(`${req.method ?? ''} ${req.url ?? ''}`)
    res.end('{}')
  })
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

afterEach(async () => {
  jest.restoreAllMocks()
  await Promise.all([world.close(), bystander.close()])
})

function client(endpoint = world.urls.openaiEndpoint, requestTimeoutMs = 300_000): ModelClient {
  const credential = new ClientAssertionCredential(
    TENANT_ID,
    CLIENT_ID,
    () => world.oidc.mint(AZURE_AUDIENCE),
    { authorityHost: world.urls.authorityHost, disableInstanceDiscovery: true }
  )
  return new ModelClient(
    {
      endpoint,
      deployment: DEPLOYMENT,
      summaryDeployment: DEPLOYMENT,
      apiVersion: undefined,
      requestTimeoutMs
    },
    accessTokenProvider(credential, COGNITIVE_SCOPE)
  )
}

const ask = (model: ModelClient): ReturnType<ModelClient['complete']> =>
  model.complete({
    deployment: DEPLOYMENT,
    messages: [{ role: 'user', content: 'Review this: the code of the pull request.' }],
    maxOutputTokens: 100
  })

describe('where the prompt goes', () => {
  it.each([301, 302, 303, 307, 308] as const)(
    'a %d is not followed: the bystander hears nothing, and the request is not retried',
    async (status) => {
      world.openai.config.redirect = { status, location: `${bystander.url}/steal` }
      const failure = await ask(client()).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(StageError)
      const cause = (failure as StageError).cause
      expect(cause).toBeInstanceOf(APIError)
      expect((cause as APIError).status).toBe(status)
      expect((cause as APIError).headers?.get('location')).toBe(`${bystander.url}/steal`)
      expect(received).toEqual([])
      expect(world.openai.requests).toHaveLength(1)
    }
  )

  it('refuses an endpoint that is not https before anything is sent', () => {
    expect(() => client('http://localhost:1')).toThrow(ConfigError)
    expect(world.entra.requests).toHaveLength(0)
  })
})

describe('what is retried', () => {
  it('a request held past request-timeout is abandoned and sent again', async () => {
    world.openai.pushFault({ kind: 'hang' })
    const answer = await ask(client(world.urls.openaiEndpoint, 500))
    expect(answer.finishReason).toBe('stop')
    expect(world.openai.requests.map((r) => r.errorCode ?? r.status)).toEqual(['hang', 200])
  })

  it('a reset connection is sent again', async () => {
    world.openai.pushFault({ kind: 'reset' })
    await ask(client())
    expect(world.openai.requests.map((r) => r.errorCode ?? r.status)).toEqual(['reset', 200])
  })
})

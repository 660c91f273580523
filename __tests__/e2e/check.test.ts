/**
 * `mode: check` end to end: the bundled dist/index.js runs as a child process with a runner's
 * environment against the emulated GitHub, Entra and Azure OpenAI. Each misconfiguration is
 * made in the world, the way it happens in Azure, and the test asserts the diagnosis a user
 * gets: the actual subject, the principal id, the command, the input to change.
 */
import { CLIENT_ID, DEPLOYMENT, PRINCIPAL_ID, TENANT_ID } from '../emulators/constants.js'
import { startWorld, type World, type WorldOptions } from '../emulators/world.js'
import { findLeaks, runAction, type RunOptions, type RunResult } from '../helpers/run-action.js'

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function check(
  options: WorldOptions = {},
  run: RunOptions = {},
  edit?: (w: World) => void
): Promise<{ result: RunResult; world: World }> {
  world = await startWorld(options)
  edit?.(world)
  const result = await runAction(world, run)
  expect(result.timedOut).toBe(false)
  // Whatever happened, no credential may appear anywhere a user or log reader can see.
  expect(findLeaks(result, world.secrets())).toEqual([])
  return { result, world }
}

const log = (r: RunResult): string => r.stdout + r.stderr

describe('mode: check on a correctly configured world', () => {
  it('prints every link of the chain as passed, in the log and the job summary, and exits 0', async () => {
    const { result, world } = await check()
    expect(result.code).toBe(0)
    expect(log(result)).toContain(
      '✅ GitHub ID token: iss=https://token.actions.githubusercontent.com, sub=repo:octo-org/octo-repo:pull_request'
    )
    expect(log(result)).toContain(`✅ Entra access token: principal (oid)=${PRINCIPAL_ID}`)
    expect(log(result)).toContain(`✅ Azure OpenAI deployment '${DEPLOYMENT}'`)
    expect(log(result)).toContain('✅ GitHub API: octo-org/octo-repo is readable')
    expect(result.summary).toContain('Keyless PR Review: chain check')
    expect(result.summary).toContain('Every link works')
    expect(Number(result.outputs['prompt-tokens'])).toBeGreaterThan(0)
    // One token of each kind is enough for a check; the model saw exactly one request.
    expect(world.oidc.tokensIssued).toBe(1)
    expect(world.entra.issued).toHaveLength(1)
    expect(world.openai.requests.map((r) => [r.api, r.deployment, r.status])).toEqual([
      ['v1', DEPLOYMENT, 200]
    ])
    // The bearer token came from the federated exchange, never from a key.
    expect(world.openai.requests[0]?.headers['api-key']).toBeUndefined()
    expect(world.openai.requests[0]?.claims?.['oid']).toBe(PRINCIPAL_ID)
  })

  it('uses the classic deployments API when api-version is set', async () => {
    const { result, world } = await check({}, { inputs: { 'api-version': '2024-10-21' } })
    expect(result.code).toBe(0)
    expect(world.openai.requests[0]).toMatchObject({
      api: 'classic',
      apiVersion: '2024-10-21',
      deployment: DEPLOYMENT,
      status: 200
    })
  })

  it('sends a reasoning deployment no temperature and max_completion_tokens instead of max_tokens', async () => {
    const { result, world } = await check({}, { inputs: { deployment: 'o4-mini-review' } })
    expect(result.code).toBe(0)
    const body = world.openai.requests.find((r) => r.status === 200)?.body
    expect(body?.temperature).toBeUndefined()
    expect(body).toHaveProperty('max_completion_tokens')
    expect(body).not.toHaveProperty('max_tokens')
  })

  it('ignores ambient OpenAI and Azure OpenAI variables that would re-key or redirect the client', async () => {
    const { result, world } = await check(
      {},
      {
        env: {
          AZURE_OPENAI_API_KEY: 'ambient-key-that-must-not-be-used',
          AZURE_OPENAI_ENDPOINT: 'https://elsewhere.invalid',
          OPENAI_API_KEY: 'sk-ambient-not-used',
          OPENAI_BASE_URL: 'https://hijack.invalid/v1',
          OPENAI_CUSTOM_HEADERS: 'api-key: injected-key',
          OPENAI_LOG: 'debug'
        }
      }
    )
    expect(result.code).toBe(0)
    expect(world.openai.requests).toHaveLength(1)
    expect(world.openai.requests[0]?.headers['api-key']).toBeUndefined()
    expect(log(result)).not.toContain('ambient-key-that-must-not-be-used')
  })

  it('rides out a 429 by waiting what retry-after-ms says, then succeeds', async () => {
    const { result, world } = await check({}, {}, (w) => {
      w.openai.pushFault({ kind: 'rate-limit', retryAfterMs: 300 })
    })
    expect(result.code).toBe(0)
    expect(world.openai.requests.map((r) => r.status)).toEqual([429, 200])
    const [first, second] = world.openai.requests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(300)
    expect(log(result)).toContain('Azure OpenAI answered 429 (retry after 300 ms)')
  })

  it('retries AADSTS70021 while a new federated credential propagates, then succeeds', async () => {
    const { result, world } = await check({}, {}, (w) => {
      w.entra.app().propagationFailures = 1
    })
    expect(result.code).toBe(0)
    expect(world.entra.requests.map((r) => r.errorCode ?? r.status)).toEqual([70021, 200])
    expect(log(result)).toContain('AADSTS70021')
    expect(log(result)).toContain('Retrying in 2 s')
  })
})

describe('mode: check diagnoses each broken link', () => {
  it('explains a missing id-token permission with the permissions YAML, and never calls Entra', async () => {
    const { result, world } = await check({}, { idToken: false })
    expect(result.code).toBe(1)
    expect(log(result)).toContain('❌ GitHub ID token')
    expect(log(result)).toContain('id-token: write')
    expect(world.entra.requests).toHaveLength(0)
    expect(world.openai.requests).toHaveLength(0)
  })

  it('explains a subject mismatch with the actual subject and both az commands', async () => {
    const { result, world } = await check({
      federatedCredentials: [
        {
          name: 'main-only',
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
          audiences: ['api://AzureADTokenExchange']
        }
      ]
    })
    expect(result.code).toBe(1)
    expect(world.entra.requests[0]?.errorCode).toBe(700213)
    const text = log(result)
    expect(text).toContain('AADSTS700213')
    expect(text).toContain('repo:octo-org/octo-repo:pull_request')
    expect(text).toContain(`az ad app federated-credential create --id ${CLIENT_ID}`)
    expect(text).toContain('az identity federated-credential create')
    expect(result.summary).toContain('What to fix')
    expect(world.openai.requests).toHaveLength(0)
  })

  it('explains a subject that differs only in case (AADSTS7002138)', async () => {
    const { result } = await check({
      federatedCredentials: [
        {
          name: 'wrong-case',
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'repo:Octo-Org/octo-repo:pull_request',
          audiences: ['api://AzureADTokenExchange']
        }
      ]
    })
    expect(result.code).toBe(1)
    expect(log(result)).toContain('7002138')
    expect(log(result)).toContain('repo:octo-org/octo-repo:pull_request')
  })

  it('explains an audience mismatch and names the audience input', async () => {
    const { result, world } = await check({}, { inputs: { audience: 'api://SomethingElse' } })
    expect(result.code).toBe(1)
    expect(world.entra.requests[0]?.errorCode).toBe(700212)
    expect(log(result)).toContain('api://SomethingElse')
    expect(log(result)).toContain('audience')
  })

  it('explains an unknown tenant (AADSTS90002) and names tenant-id and cloud', async () => {
    const { result } = await check(
      {},
      { inputs: { 'tenant-id': '00000000-1111-2222-3333-444444444444' } }
    )
    expect(result.code).toBe(1)
    const text = log(result)
    expect(text).toContain('90002')
    expect(text).toContain('00000000-1111-2222-3333-444444444444')
    expect(text).toContain('tenant-id')
  })

  it('explains a client id that is not in the tenant (AADSTS700016)', async () => {
    const { result } = await check(
      {},
      { inputs: { 'client-id': '99999999-8888-7777-6666-555555555555' } }
    )
    expect(result.code).toBe(1)
    expect(log(result)).toContain('700016')
    expect(log(result)).toContain('99999999-8888-7777-6666-555555555555')
  })

  it('explains a missing role with the principal id and the role assignment command', async () => {
    const { result, world } = await check({ roleAssignments: [] })
    expect(result.code).toBe(1)
    expect(world.openai.requests[0]?.errorCode).toBe('PermissionDenied')
    const text = log(result)
    expect(text).toContain(PRINCIPAL_ID)
    expect(text).toContain('az role assignment create')
    expect(text).toContain('Cognitive Services OpenAI User')
  })

  it('explains an unknown deployment by name and points at the deployment input', async () => {
    const { result, world } = await check({}, { inputs: { deployment: 'gpt-4o-typo' } })
    expect(result.code).toBe(1)
    expect(world.openai.requests[0]?.errorCode).toBe('DeploymentNotFound')
    const text = log(result)
    expect(text).toContain('gpt-4o-typo')
    expect(text).toContain('deployment')
    expect(text).toContain('az cognitiveservices account deployment list')
  })

  it('explains a classic API 404 by the api-version', async () => {
    const { result } = await check({}, { inputs: { 'api-version': '2019-01-01' } })
    expect(result.code).toBe(1)
    expect(log(result)).toContain('api-version')
    expect(log(result)).toContain('2024-10-21')
  })

  it('explains a token with the wrong scope audience as a 401 from Azure OpenAI', async () => {
    const { result } = await check({}, {}, (w) => {
      w.openai.config.audiences = ['https://ai.azure.com']
    })
    expect(result.code).toBe(1)
    expect(log(result)).toContain('https://cognitiveservices.azure.com')
    expect(log(result)).toContain('scope')
  })

  it('explains a resource whose public network access is disabled', async () => {
    const { result } = await check({}, {}, (w) => {
      w.openai.config.publicNetworkAccess = false
    })
    expect(result.code).toBe(1)
    expect(log(result)).toMatch(/private endpoint|public network access/i)
  })

  it('refuses bad inputs before any network request, naming each input', async () => {
    const { result, world } = await check(
      {},
      { inputs: { 'client-id': 'not-a-guid', endpoint: 'http://example.openai.azure.com' } }
    )
    expect(result.code).toBe(1)
    expect(log(result)).toContain('client-id')
    expect(log(result)).toContain('endpoint')
    expect(world.oidc.requests).toHaveLength(0)
    expect(world.entra.requests).toHaveLength(0)
    expect(world.openai.requests).toHaveLength(0)
  })

  it('explains a GitHub token the API refuses', async () => {
    const { result } = await check(
      {},
      { inputs: { 'github-token': 'ghs_wrongtoken000000000000000000000000' } }
    )
    expect(result.code).toBe(1)
    expect(log(result)).toContain('❌ GitHub API')
    expect(log(result)).toContain('github-token')
  })
})

describe('a tenant id given as its domain', () => {
  it('works like the GUID', async () => {
    const { result } = await check({}, { inputs: { 'tenant-id': 'octoorg.onmicrosoft.com' } })
    expect(result.code).toBe(0)
    expect(log(result)).toContain(`tenant=${TENANT_ID}`)
  })
})

/**
 * Misconfigurations that used to end as "Unexpected error" or with a wrong fix, end to end: the
 * bundled dist/index.js runs `mode: check` as a child process against a world broken the way
 * Azure breaks, and each test reads the `::error::` the workflow shows: its cause line and its
 * fix, exactly, and the troubleshooting anchor it links to.
 */
import { GATEWAY_PRINCIPAL_ID, GATEWAY_SCOPE, setUpGateway } from '../emulators/apim-gateway.js'
import { CLIENT_ID, PRINCIPAL_ID } from '../emulators/constants.js'
import type { FederatedCredential } from '../emulators/entra.js'
import { startWorld, type World, type WorldOptions } from '../emulators/world.js'
import { FakeCli } from '../helpers/fake-cli.js'
import { findLeaks, runAction, type RunOptions, type RunResult } from '../helpers/run-action.js'

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function check(
  options: WorldOptions = {},
  run: RunOptions | ((w: World) => RunOptions) = {},
  edit?: (w: World) => void
): Promise<{ result: RunResult; world: World }> {
  world = await startWorld(options)
  edit?.(world)
  const result = await runAction(world, typeof run === 'function' ? run(world) : run)
  expect(result.timedOut).toBe(false)
  expect(findLeaks(result, world.secrets())).toEqual([])
  return { result, world }
}

interface Failure {
  readonly title: string
  /** The cause's lines, between the title and the facts. */
  readonly cause: string[]
  readonly facts: Record<string, string>
  readonly fix: string
  /** The troubleshooting anchor of the `More:` link. */
  readonly anchor: string
}

/** The `::error::` workflow command the run ended with, decoded as the workflow page shows it. */
function failure(result: RunResult): Failure {
  expect(result.code).toBe(1)
  const command = result.stdout.split('\n').find((line) => line.startsWith('::error::'))
  expect(command).toBeDefined()
  const message = (command ?? '')
    .slice('::error::'.length)
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '\r')
    .replace(/%25/g, '%')
  const [statement = '', rest = ''] = message.split('\nFix: ')
  const [fix = '', more = ''] = rest.split('\nMore: ')
  const [title = '', ...lines] = statement.split('\n')
  const factLines = lines.filter((line) => line.startsWith('  '))
  return {
    title,
    cause: lines.filter((line) => !line.startsWith('  ')),
    facts: Object.fromEntries(
      factLines.map((line) => {
        const at = line.indexOf(': ')
        return [line.slice(2, at), line.slice(at + 2)]
      })
    ),
    fix,
    anchor: more.slice(more.indexOf('#') + 1)
  }
}

const customAudience = (audiences: string[]): FederatedCredential[] => [
  {
    name: 'github-pr',
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:octo-org/octo-repo:pull_request',
    audiences
  }
]

const READ_AUDIENCES = [
  'Read the audiences of the credential for this subject:',
  `  az ad app federated-credential list --id ${CLIENT_ID} --query "[].{name:name,subject:subject,audiences:audiences}"`,
  'or, on a user-assigned managed identity:',
  '  az identity federated-credential list --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --query "[].{name:name,subject:subject,audiences:audiences}"'
].join('\n')

describe('a federated credential with another audience (AADSTS700212)', () => {
  it('made with a custom audience: the credential made again for the default audience with the token’s issuer and subject, or the input set to its own', async () => {
    const { result, world } = await check({
      federatedCredentials: customAudience(['api://keyless-review'])
    })
    expect(world.entra.requests.map((r) => r.errorCode)).toEqual([700212])
    const f = failure(result)
    expect(f.title).toBe("No federated credential accepts this token's audience (AADSTS700212)")
    expect(f.cause).toEqual([
      "The GitHub ID token's audience, 'api://AzureADTokenExchange', is AzureCloud's default, but the federated credential for this subject was created with another audience. The token's audience is the `audience` input."
    ])
    const subject = f.facts['token subject (sub)']
    expect(subject).toBe('repo:octo-org/octo-repo:pull_request')
    const name = 'github-octo-org-octo-repo-pull_request'
    const parameters = JSON.stringify({
      name,
      issuer: 'https://token.actions.githubusercontent.com',
      subject,
      audiences: ['api://AzureADTokenExchange']
    })
    expect(f.fix).toContain(READ_AUDIENCES.replace(/^.*\n/, ''))
    expect(f.fix).toContain(
      [
        `  az ad app federated-credential delete --id ${CLIENT_ID} --federated-credential-id CREDENTIAL_NAME`,
        `  az ad app federated-credential create --id ${CLIENT_ID} --parameters '${parameters}'`
      ].join('\n')
    )
    expect(f.fix).toContain(
      `  az identity federated-credential create --name ${name} --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --issuer https://token.actions.githubusercontent.com --subject ${subject} --audiences api://AzureADTokenExchange`
    )
    expect(f.fix).toContain(
      'Or keep the credential and set the `audience` input to its audience:\n  with:\n    audience: CREDENTIAL_AUDIENCE'
    )
    expect(f.fix).not.toMatch(/audience: api:/)
    expect(f.facts['Entra says']).toMatch(
      /^AADSTS700212: No matching federated identity record found for presented assertion audience 'api:\/\/AzureADTokenExchange'\./
    )
    expect(f.anchor).toBe('aadsts700212')
  })

  it('asked for by the `audience` input: read the credential, or remove the input for the default', async () => {
    const { result } = await check({}, { inputs: { audience: 'api://keyless-review' } })
    const f = failure(result)
    expect(f.cause).toEqual([
      "The GitHub ID token was requested for audience 'api://keyless-review' by the `audience` input, and the federated credential for this subject does not list it. Credentials made by the portal or `az` use AzureCloud's default, api://AzureADTokenExchange."
    ])
    expect(f.fix).toBe(
      [
        READ_AUDIENCES,
        "then set the `audience` input to the credential's audience, or remove the input to use the default (api://AzureADTokenExchange):",
        '  with:',
        '    audience: CREDENTIAL_AUDIENCE'
      ].join('\n')
    )
    expect(f.facts['audience input']).toBe('api://keyless-review')
  })
})

describe('AADSTS700213 from a credential created moments ago', () => {
  it('is retried, and the run goes on once the credential is honoured', async () => {
    const { result, world } = await check({}, {}, (w) => {
      w.entra.app().propagationCode = 700213
      w.entra.app().propagationFailures = 1
    })
    expect(result.code).toBe(0)
    expect(world.entra.requests.map((r) => r.errorCode ?? r.status)).toEqual([700213, 200])
    expect(result.stdout).toContain(
      'Entra found no matching federated credential (AADSTS700213); a new one can take minutes to apply. Retrying in 2 s (1/2).'
    )
  })

  it('gives up after two retries and says a new credential can take minutes to be honoured', async () => {
    const { result, world } = await check({
      federatedCredentials: customAudience(['api://AzureADTokenExchange']).map((c) => ({
        ...c,
        subject: 'repo:octo-org/octo-repo:ref:refs/heads/main'
      }))
    })
    const requests = world.entra.requests
    expect(requests.map((r) => r.errorCode)).toEqual([700213, 700213, 700213])
    // Two waits, of 2 and 3 seconds: a lower bound only, which a loaded machine cannot break.
    expect((requests[2]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(4900)
    const f = failure(result)
    expect(f.title).toBe("No federated credential matches this workflow's subject (AADSTS700213)")
    expect(f.cause[1]).toBe(
      'A federated credential created in the last few minutes can take a few minutes to be honoured, and Entra ID refuses the token meanwhile: this run retried before giving up, so if you added the credential just now, wait a few minutes and re-run.'
    )
    expect(f.facts['retries']).toBe('2')
    expect(f.facts['token subject (sub)']).toBe('repo:octo-org/octo-repo:pull_request')
    expect(f.fix).toContain(`az ad app federated-credential create --id ${CLIENT_ID}`)
    expect(f.anchor).toBe('aadsts700213')
  })
})

const API_VERSION_FIX = [
  'Use the GA version, or leave `api-version` empty for the v1 API, and give the resource root as endpoint:',
  '  with:',
  '    api-version: 2024-10-21',
  '    endpoint: https://ACCOUNT_NAME.openai.azure.com'
].join('\n')

describe('an api-version Azure OpenAI does not serve', () => {
  it('answered 400 “API version not supported”: the same advice as the 404', async () => {
    const { result, world } = await check(
      {},
      { inputs: { 'api-version': '2025-04-14' } },
      (w) => (w.openai.config.unknownApiVersion = 'not-supported')
    )
    expect(world.openai.requests.map((r) => [r.status, r.errorCode])).toEqual([[400, 'BadRequest']])
    const f = failure(result)
    expect(f.title).toBe('Azure OpenAI does not support api-version 2025-04-14 (400)')
    expect(f.cause).toEqual([
      'Azure OpenAI answered “API version not supported”: the resource (or the API behind this endpoint) serves no such api-version. A model version such as 2024-11-20 is not an API version, and the v1 API takes none.'
    ])
    expect(f.fix).toBe(API_VERSION_FIX)
    expect(f.facts['Azure OpenAI says']).toBe('API version not supported')
    expect(f.anchor).toBe('api-version-not-found')
  })

  it('answered 404: the same fix', async () => {
    const { result } = await check({}, { inputs: { 'api-version': '2025-04-14' } })
    const f = failure(result)
    expect(f.title).toBe('Azure OpenAI found no API at api-version 2025-04-14 (404)')
    expect(f.fix).toBe(API_VERSION_FIX)
  })
})

const CUSTOM_SUBDOMAIN_FIX = [
  'Give the resource a custom subdomain (a one-time, irreversible change), then use it as the `endpoint` input (behind a gateway: as the gateway’s backend URL):',
  '  az cognitiveservices account update --name ACCOUNT_NAME --resource-group RESOURCE_GROUP --custom-domain ACCOUNT_NAME',
  '  with:',
  '    endpoint: https://ACCOUNT_NAME.openai.azure.com'
].join('\n')
const customSubdomainCause = (endpoint: string): string =>
  `Azure OpenAI answered “Please provide a custom subdomain for token authentication, otherwise API key is required.” to a request sent to ${endpoint}: the request reached the resource through a host that is not its own custom subdomain (a regional endpoint such as https://REGION.api.cognitive.microsoft.com, or a gateway whose backend is one).`

describe('a resource without a custom subdomain', () => {
  it('named by the answer’s words from a host that is not regional: the endpoint input and the az command', async () => {
    const { result, world } = await check({}, {}, (w) => (w.openai.config.customSubdomain = false))
    const f = failure(result)
    expect(f.title).toBe(
      'Azure OpenAI accepts Entra ID tokens only on the resource’s custom subdomain (400)'
    )
    expect(f.cause).toEqual([customSubdomainCause(world.urls.openaiEndpoint)])
    expect(f.fix).toBe(CUSTOM_SUBDOMAIN_FIX)
    expect(f.anchor).toBe('custom-subdomain')
  })

  it('passed on by a gateway: the same diagnosis, naming the gateway', async () => {
    const { result, world } = await check(
      {},
      (w) => ({ inputs: { endpoint: w.urls.gatewayEndpoint, scope: GATEWAY_SCOPE } }),
      (w) => {
        setUpGateway(w)
        w.openai.config.customSubdomain = false
      }
    )
    expect(world.gateway.requests.map((r) => [r.status, r.forwarded])).toEqual([[400, true]])
    const f = failure(result)
    expect(f.cause).toEqual([customSubdomainCause(world.urls.gatewayEndpoint)])
    expect(f.fix).toBe(CUSTOM_SUBDOMAIN_FIX)
  })
})

describe('a token for another resource (a wrong `scope` input)', () => {
  it('names the token’s audience and the scope to use', async () => {
    const { result, world } = await check(
      {},
      { inputs: { scope: 'https://management.azure.com/.default' } }
    )
    expect(world.entra.issued.map((t) => t.claims.aud)).toEqual(['https://management.azure.com'])
    expect(world.openai.requests.map((r) => r.status)).toEqual([401])
    const f = failure(result)
    expect(f.title).toBe(
      'Azure OpenAI rejected a token issued for https://management.azure.com (401)'
    )
    expect(f.cause).toEqual([
      "The access token's audience is https://management.azure.com, not Azure OpenAI's: the `scope` input asked Entra ID for https://management.azure.com/.default. Azure OpenAI in AzureCloud accepts tokens requested with scope https://cognitiveservices.azure.com/.default."
    ])
    expect(f.fix).toBe(
      'Remove the `scope` input (it follows `cloud`), or set it to Azure OpenAI’s scope:\n  with:\n    scope: https://cognitiveservices.azure.com/.default'
    )
    expect(f.facts['token audience (aud)']).toBe('https://management.azure.com')
    expect(f.anchor).toBe('openai-401-unauthorized')
  })
})

describe('behind an API Management gateway', () => {
  it('a Cognitive Services token: the gateway refused it, and `scope` must name the gateway’s app', async () => {
    const { result, world } = await check(
      {},
      (w) => ({ inputs: { endpoint: w.urls.gatewayEndpoint } }),
      (w) => setUpGateway(w)
    )
    expect(world.gateway.requests.map((r) => [r.status, r.forwarded])).toEqual([[401, false]])
    expect(world.openai.requests).toHaveLength(0)
    const f = failure(result)
    expect(f.title).toBe(
      'A gateway in front of Azure OpenAI refused the token (401 “Invalid JWT.”)'
    )
    expect(f.cause).toEqual([
      `The gateway at ${world.urls.gatewayEndpoint}, not Azure OpenAI, refused the access token: it accepts tokens for its own app registration only, and this one was issued for Azure OpenAI (https://cognitiveservices.azure.com), as the \`scope\` input https://cognitiveservices.azure.com/.default asked.`
    ])
    expect(f.fix).toBe(
      [
        "Ask Entra ID for a token for the gateway's app: set `scope` to the gateway app's application ID URI, and give the review identity the gateway app's role (docs/gateway.md):",
        '  with:',
        '    scope: api://GATEWAY_APP_ID/.default',
        "Find the gateway app's application ID URI:",
        '  az ad app list --display-name GATEWAY_APP_NAME --query "[].{appId:appId, identifierUris:identifierUris}"'
      ].join('\n')
    )
    expect(f.facts['gateway says']).toBe('Invalid JWT.')
    expect(f.anchor).toBe('gateway-401')
  })

  it('the gateway’s scope without its app role: the role assignment, never the refused scope', async () => {
    const { result, world } = await check(
      {},
      (w) => ({ inputs: { endpoint: w.urls.gatewayEndpoint, scope: GATEWAY_SCOPE } }),
      (w) => setUpGateway(w, { role: false })
    )
    const f = failure(result)
    expect(f.cause).toEqual([
      `The gateway at ${world.urls.gatewayEndpoint}, not Azure OpenAI, refused a token issued for api://5f0c3e2a-7b14-4d8e-9c61-2a4b8d9e0f37 that carries no \`roles\` claim: the review identity holds no app role of the gateway's app, and the gateway's policy requires one.`
    ])
    expect(f.fix).toContain(
      `az rest --method POST --uri https://graph.microsoft.com/v1.0/servicePrincipals/${PRINCIPAL_ID}/appRoleAssignments`
    )
    expect(f.fix).not.toContain('scope:')
    expect(f.facts['token roles']).toBe('(none)')
  })

  it('the gateway’s scope and role: the review identity reaches the deployment through the gateway', async () => {
    const { result, world } = await check(
      {},
      (w) => ({ inputs: { endpoint: w.urls.gatewayEndpoint, scope: GATEWAY_SCOPE } }),
      (w) => setUpGateway(w)
    )
    expect(result.code).toBe(0)
    expect(world.gateway.requests.map((r) => [r.status, r.forwarded])).toEqual([[200, true]])
    expect(world.openai.requests.map((r) => [r.status, r.claims?.['oid']])).toEqual([
      [200, GATEWAY_PRINCIPAL_ID]
    ])
  })
})

describe('auth: azure-cli without an azure/login step before it', () => {
  let fake: FakeCli

  beforeAll(async () => {
    // First on the PATH the action inherits: azure-cli answering with no account signed in.
    fake = await FakeCli.install()
    fake.azure.loggedIn = false
  })

  afterAll(async () => {
    await fake.uninstall()
  })

  it('names the missing step, with the azure/login step to add or auth: github-oidc', async () => {
    const { result, world } = await check({}, { inputs: { auth: 'azure-cli' } })
    expect(fake.calls('az')).toEqual([
      expect.arrayContaining(['account', 'get-access-token', '--tenant'])
    ])
    expect(world.entra.requests).toEqual([])
    const f = failure(result)
    expect(f.title).toBe(
      'The Azure CLI is not signed in on this runner: no azure/login step ran before this one'
    )
    expect(f.facts['Azure CLI says']).toBe(
      "Please run 'az login' from a command prompt to authenticate before using this credential."
    )
    expect(f.fix).toBe(
      [
        'Add an azure/login step before this one, in the same job, and let the job request a GitHub ID token:',
        '  permissions:',
        '    id-token: write',
        '    contents: read',
        '    pull-requests: write',
        '  steps:',
        '    - uses: azure/login@v2',
        '      with:',
        '        client-id: ${{ vars.AZURE_CLIENT_ID }}',
        '        tenant-id: ${{ vars.AZURE_TENANT_ID }}',
        '        allow-no-subscriptions: true   # or subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}',
        '    - uses: keyless-pr-review/keyless-pr-review@v1',
        'or let the action sign in by itself, without the Azure CLI:',
        '  with:',
        '    auth: github-oidc',
        '    client-id: ${{ vars.AZURE_CLIENT_ID }}',
        '    tenant-id: ${{ vars.AZURE_TENANT_ID }}'
      ].join('\n')
    )
    expect(f.anchor).toBe('azure-cli-not-signed-in')
  })
})

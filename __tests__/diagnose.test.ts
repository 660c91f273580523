/**
 * Failure diagnosis, specified against the real error classes of @actions/core, @azure/identity,
 * MSAL, openai and octokit: every diagnosis names the actual claim, command or input to fix,
 * and never prints a token.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as core from '@actions/core'
import { jest } from '@jest/globals'
import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity'
import { ClientAuthError, ServerError } from '@azure/msal-node'
import { RequestError } from '@octokit/request-error'
import OpenAI from 'openai'
import { APIConnectionError, APIError } from 'openai/core/error'
import { decodeClaims, newIdentityTrace, type IdentityTrace } from '../src/azure/claims.js'
import {
  diagnose,
  entraErrorCode,
  formatDiagnosis,
  toAuthError,
  type Diagnosis,
  type DiagnosisContext,
  type Stage
} from '../src/azure/diagnose.js'
import type { AzureConfig, ModelConfig } from '../src/config.js'
import { testConfig } from './helpers/config.js'
import { AuthError } from '../src/errors.js'

// ---- a run's world: settings and the tokens it saw -------------------------------------------

const CLIENT_ID = '11111111-2222-3333-4444-555555555555'
const TENANT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const SUBJECT = 'repo:octo-org@1234/octo-app@5678:environment:Production'
const ISSUER = 'https://token.actions.githubusercontent.com'
const OID = '99999999-8888-7777-6666-555555555555'
const NOW = Date.UTC(2026, 8, 1, 12, 0, 0)

function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1zaG91bGQtbmV2ZXItbGVhaw`
}

const ID_TOKEN = jwt({
  iss: ISSUER,
  sub: SUBJECT,
  aud: 'api://AzureADTokenExchange',
  iat: NOW / 1000 - 600,
  nbf: NOW / 1000 - 1200,
  exp: NOW / 1000 - 300,
  job_workflow_ref: 'octo-org/octo-app/.github/workflows/review.yml@refs/heads/main'
})
const ACCESS_TOKEN = jwt({
  aud: 'https://cognitiveservices.azure.com',
  oid: OID,
  appid: CLIENT_ID,
  tid: TENANT_ID,
  exp: NOW / 1000 + 3000
})

const azure: AzureConfig = { ...testConfig().azure, clientId: CLIENT_ID, tenantId: TENANT_ID }
const model: ModelConfig = {
  endpoint: 'https://contoso-ai.openai.azure.com',
  deployment: 'gpt-4o-review',
  summaryDeployment: 'gpt-4o-review',
  apiVersion: undefined
}

function tracedRun(): IdentityTrace {
  const trace = newIdentityTrace()
  trace.idToken = decodeClaims(ID_TOKEN)
  trace.accessToken = decodeClaims(ACCESS_TOKEN)
  return trace
}

function contextFor(stage: Stage, overrides: Partial<DiagnosisContext> = {}): DiagnosisContext {
  return {
    stage,
    azure,
    model,
    trace: tracedRun(),
    eventName: 'pull_request',
    repository: 'octo-org/octo-app',
    isFork: false,
    actor: 'mona',
    now: NOW,
    ...overrides
  }
}

/** Diagnoses and formats, checking on the way that no token of the run can be seen. */
function explain(error: unknown, context: DiagnosisContext): { d: Diagnosis; text: string } {
  const d = diagnose(error, context)
  const text = formatDiagnosis(d)
  for (const token of [ID_TOKEN, ACCESS_TOKEN]) {
    for (const part of token.split('.')) expect(text).not.toContain(part)
  }
  expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
  return { d, text }
}

const fact = (d: Diagnosis, name: string): string | undefined =>
  d.facts.find(([n]) => n === name)?.[1]

// ---- real errors -----------------------------------------------------------------------------

/** What @azure/identity throws for an Entra error answer: MSAL's ServerError as the cause. */
function entraError(code: number, description: string): AuthenticationRequiredError {
  const ids =
    'Trace ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 Correlation ID: 12345678-90ab-cdef-1234-567890abcdef Timestamp: 2026-09-01 12:00:00Z'
  const errString = `Error(s): ${code} - Timestamp: 2026-09-01 12:00:00Z - Description: AADSTS${code}: ${description} ${ids} - Correlation ID: 12345678-90ab-cdef-1234-567890abcdef - Trace ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`
  // MSAL passes error_codes[0] from the parsed JSON: typed string, a number at run time.
  const cause = new ServerError(
    'invalid_client',
    '12345678-90ab-cdef-1234-567890abcdef',
    errString,
    '',
    code as unknown as string,
    400
  )
  return new AuthenticationRequiredError({
    scopes: [azure.scope],
    message: cause.message,
    cause
  })
}

/** An error thrown by the real openai client for a canned answer. */
async function openaiError(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  endpoint = model.endpoint
): Promise<unknown> {
  const client = new OpenAI({
    apiKey: 'unused-by-this-test',
    baseURL: `${endpoint}/openai/v1`,
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json', ...headers }
        })
      )
  })
  return failureOf(client)
}

/** An error thrown by the real openai client when fetch itself fails the way Node's does. */
async function openaiConnectionError(
  code: string,
  message: string,
  extra: Record<string, unknown> = {}
): Promise<unknown> {
  const client = new OpenAI({
    apiKey: 'unused-by-this-test',
    baseURL: `${model.endpoint}/openai/v1`,
    maxRetries: 0,
    fetch: () => Promise.reject(fetchFailed(code, message, extra))
  })
  return failureOf(client)
}

async function failureOf(client: OpenAI): Promise<unknown> {
  try {
    await client.chat.completions.create({ model: model.deployment, messages: [] })
  } catch (error) {
    return error
  }
  throw new Error('expected the request to fail')
}

/** Node's fetch failure: the system error (its `code`, and for DNS its `hostname`) as cause. */
function fetchFailed(
  code: string,
  message: string,
  extra: Record<string, unknown> = {}
): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error(message), { code, ...extra })
  })
}

function githubError(status: number, message: string, url: string): RequestError {
  return new RequestError(message, status, {
    request: {
      method: 'POST',
      url,
      headers: { authorization: 'token ghs_thisSecretMustNotAppear' }
    },
    response: { status, url, headers: {}, data: { message } }
  })
}

async function idTokenFailure(): Promise<unknown> {
  try {
    await core.getIDToken('api://AzureADTokenExchange')
  } catch (error) {
    return error
  }
  throw new Error('expected getIDToken to fail')
}

// ---- GitHub OIDC -----------------------------------------------------------------------------

describe('diagnosing the GitHub ID token request', () => {
  const saved = { ...process.env }
  let server: Server | undefined
  let stdout: { mockRestore: () => void } | undefined
  beforeEach(() => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(async () => {
    process.env = { ...saved }
    stdout?.mockRestore()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
  })

  it('asks for `permissions: id-token: write` when the request variables are missing', async () => {
    const { d, text } = explain(await idTokenFailure(), contextFor('github-oidc'))
    expect(d.title).toMatch(/id-token: write/)
    expect(fact(d, 'missing variable')).toBe('ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(d.fix).toContain(
      'permissions:\n    id-token: write\n    contents: read\n    pull-requests: write'
    )
    expect(text).toMatch(/job-level `permissions:` block replaces/)
  })

  it('recognises the missing permission even when MSAL wrapped it at the entra stage', async () => {
    const inner = await idTokenFailure()
    const wrapped = new AuthenticationRequiredError({
      scopes: [azure.scope],
      message: (inner as Error).message,
      cause: inner
    })
    expect(diagnose(wrapped, contextFor('entra')).title).toMatch(/id-token: write/)
  })

  it('explains that fork pull requests on pull_request never get an ID token', async () => {
    const { d } = explain(await idTokenFailure(), contextFor('github-oidc', { isFork: true }))
    expect(d.title).toMatch(/fork/)
    expect(d.fix).toContain('/review')
    expect(d.fix).toContain('pull_request_target')
    expect(d.fix).toContain('allow-forks: true')
  })

  it('explains that Dependabot runs never get an ID token', async () => {
    const { d } = explain(
      await idTokenFailure(),
      contextFor('github-oidc', { actor: 'dependabot[bot]' })
    )
    expect(d.title).toMatch(/Dependabot/)
    expect(d.fix).toContain("if: github.actor != 'dependabot[bot]'")
    expect(d.fix).toContain('/review')
  })

  it('explains an HTTP 403 from the token service with the permissions block', async () => {
    server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: 'Forbidden' }))
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = `http://127.0.0.1:${port}/token?api-version=2.0`
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'request-token-that-must-not-appear'
    const { d, text } = explain(await idTokenFailure(), contextFor('github-oidc'))
    expect(d.title).toBe('GitHub refused to mint an ID token (HTTP 403)')
    expect(d.fix).toContain('id-token: write')
    expect(text).not.toContain('request-token-that-must-not-appear')
  })

  it('explains a refused connection to the token service as a network failure', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = 'http://127.0.0.1:1/token?api-version=2.0'
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'request-token'
    const { d } = explain(await idTokenFailure(), contextFor('github-oidc'))
    expect(d.title).toBe('Connection to 127.0.0.1 failed (ECONNREFUSED)')
    expect(fact(d, 'stage')).toBe('github-oidc')
  })
})

// ---- Microsoft Entra ID ----------------------------------------------------------------------

describe('diagnosing Entra ID refusals', () => {
  const subjectError = (): AuthenticationRequiredError =>
    entraError(
      700213,
      `No matching federated identity record found for presented assertion subject '${SUBJECT}'. Please note that the matching is done using a case-sensitive comparison.`
    )
  const expectAddCommands = (fix: string): void => {
    const name = 'github-octo-org-1234-octo-app-5678-environment-Production'
    expect(fix).toContain(
      `az ad app federated-credential create --id ${CLIENT_ID} --parameters '{"name":"${name}","issuer":"${ISSUER}","subject":"${SUBJECT}","audiences":["api://AzureADTokenExchange"]}'`
    )
    expect(fix).toContain(
      `az identity federated-credential create --name ${name} --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --issuer ${ISSUER} --subject ${SUBJECT} --audiences api://AzureADTokenExchange`
    )
  }

  it('explains a subject mismatch with the token’s actual subject and both az commands', () => {
    const { d, text } = explain(subjectError(), contextFor('entra'))
    expect(d.title).toMatch(/AADSTS700213/)
    expect(fact(d, 'token subject (sub)')).toBe(SUBJECT)
    expect(fact(d, 'token issuer (iss)')).toBe(ISSUER)
    expect(fact(d, 'token audience (aud)')).toBe('api://AzureADTokenExchange')
    expect(fact(d, 'trace id')).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')
    expect(fact(d, 'Entra says')).toMatch(/^AADSTS700213: No matching/)
    expectAddCommands(d.fix)
    expect(text).toMatch(/case-sensitively/)
    expect(text).toContain(':environment:NAME')
    expect(text).toContain('repo:OWNER@ID/REPO@ID:')
    expect(text).toMatch(/at most 20/)
  })

  it('explains a case-only subject mismatch with the list, delete and create commands', () => {
    const { d } = explain(entraError(7002138, 'matched only ignoring case'), contextFor('entra'))
    expect(d.title).toMatch(/case is ignored.*AADSTS7002138/)
    expect(d.fix).toContain(`az ad app federated-credential list --id ${CLIENT_ID}`)
    expect(d.fix).toContain('az ad app federated-credential delete')
    expectAddCommands(d.fix)
  })

  it('explains an issuer mismatch with the token’s exact issuer', () => {
    const { d } = explain(
      entraError(
        700211,
        'No matching federated identity record found for presented assertion issuer.'
      ),
      contextFor('entra')
    )
    expect(d.title).toMatch(/issuer \(AADSTS700211\)/)
    expect(fact(d, 'token issuer (iss)')).toBe(ISSUER)
    expectAddCommands(d.fix)
  })

  it('explains an audience mismatch by pointing at the `audience` input', () => {
    const { d } = explain(
      entraError(
        700212,
        'No matching federated identity record found for presented assertion audience.'
      ),
      contextFor('entra')
    )
    expect(d.title).toMatch(/audience \(AADSTS700212\)/)
    expect(d.fix).toContain('audience: api://AzureADTokenExchange')
    expect(fact(d, 'audience input')).toBe('api://AzureADTokenExchange')
  })

  it('explains AADSTS70021 with propagation delay and the retries already made', () => {
    const { d, text } = explain(
      entraError(70021, 'No matching federated identity record found for presented assertion.'),
      contextFor('entra', { entraRetries: 3 })
    )
    expect(text).toContain('already retried 3 times')
    expect(text).toMatch(/few minutes/)
    expect(fact(d, 'token subject (sub)')).toBe(SUBJECT)
    expectAddCommands(d.fix)
  })

  it('explains an expired assertion with its iat and exp against the runner clock', () => {
    const { d } = explain(
      entraError(700024, 'Client assertion is not within its valid time range.'),
      contextFor('entra')
    )
    expect(fact(d, 'token issued (iat)')).toBe('2026-09-01T11:50:00.000Z')
    expect(fact(d, 'token expires (exp)')).toBe('2026-09-01T11:55:00.000Z')
    expect(fact(d, 'runner clock')).toBe('2026-09-01T12:00:00.000Z')
    expect(d.fix).toMatch(/clock/)
  })

  it('explains an app missing from the tenant with az ad sp show', () => {
    const { d } = explain(
      entraError(
        700016,
        `Application with identifier '${CLIENT_ID}' was not found in the directory.`
      ),
      contextFor('entra')
    )
    expect(d.title).toContain(CLIENT_ID)
    expect(d.title).toContain(TENANT_ID)
    expect(d.fix).toContain(`az ad sp show --id ${CLIENT_ID}`)
  })

  it('explains an unknown tenant, including a tenant of another cloud', () => {
    const { d, text } = explain(
      entraError(90002, `Tenant '${TENANT_ID}' not found.`),
      contextFor('entra')
    )
    expect(d.title).toContain(TENANT_ID)
    expect(text).toContain('cloud: AzureUSGovernment')
    expect(fact(d, 'cloud')).toBe('AzureCloud')
  })

  it('explains an unknown resource by the `scope` and `cloud` inputs', () => {
    const context = contextFor('entra', {
      azure: { ...azure, scope: 'https://cognitiveservices.azure.us/.default' }
    })
    const { d } = explain(
      entraError(
        500011,
        'The resource principal named https://cognitiveservices.azure.us was not found in the tenant.'
      ),
      context
    )
    expect(fact(d, 'scope')).toBe('https://cognitiveservices.azure.us/.default')
    expect(d.fix).toContain('scope: https://cognitiveservices.azure.com/.default')
  })

  it.each([7000215, 7000218])(
    'explains AADSTS%i as a missing assertion, since this action never uses secrets',
    (code) => {
      const { d } = explain(
        entraError(code, 'The request body must contain client_assertion or client_secret.'),
        contextFor('entra')
      )
      expect(d.cause).toMatch(/never uses a client secret/)
      expect(d.fix).toContain('id-token: write')
    }
  )

  it('explains an assertion that failed validation by its issuer’s public keys', () => {
    const { d } = explain(
      entraError(50013, 'Assertion failed signature validation.'),
      contextFor('entra')
    )
    expect(d.fix).toContain(`curl -sS ${ISSUER}/.well-known/openid-configuration`)
  })

  it('links an unknown AADSTS code to Microsoft’s error lookup', () => {
    const { d } = explain(entraError(1234567, 'Something new.'), contextFor('entra'))
    expect(d.title).toBe('Entra ID refused the token request (AADSTS1234567)')
    expect(d.fix).toContain('https://login.microsoftonline.com/error?code=1234567')
    expect(fact(d, 'Entra says')).toBe('AADSTS1234567: Something new.')
  })

  const unresolved = (): CredentialUnavailableError =>
    new CredentialUnavailableError(new ClientAuthError('endpoints_resolution_error', '').message)

  it('explains an unresolved authority by the probe’s AADSTS90002 as an unknown tenant', () => {
    const probe = `https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration answered 400: AADSTS90002: Tenant '${TENANT_ID}' not found.`
    const { d } = explain(unresolved(), contextFor('entra', { authorityProbe: probe }))
    expect(d.title).toMatch(/AADSTS90002/)
    expect(fact(d, 'Entra says')).toContain('AADSTS90002')
  })

  it('explains an unresolved authority by the probe’s network error', () => {
    const probe =
      'https://login.example.test/x/v2.0/.well-known/openid-configuration could not be reached: ENOTFOUND getaddrinfo ENOTFOUND login.example.test'
    const { d } = explain(unresolved(), contextFor('entra', { authorityProbe: probe }))
    expect(d.title).toBe('Cannot resolve login.example.test (ENOTFOUND)')
    expect(d.cause).toContain('`authority-host`')
  })

  it('explains an unresolved authority without a probe by the metadata URL to check', () => {
    const { d } = explain(unresolved(), contextFor('entra'))
    expect(d.title).toMatch(/could not be resolved/)
    expect(d.fix).toContain(
      `curl -sS https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration`
    )
  })

  it('reads the AADSTS number from errorNo (number or string) or from the message', () => {
    expect(entraErrorCode(subjectError())).toBe(700213)
    const asString = new ServerError('invalid_client', '', 'x', '', '70021', 400)
    expect(entraErrorCode(new AuthenticationRequiredError({ scopes: [], cause: asString }))).toBe(
      70021
    )
    expect(entraErrorCode(new Error('AADSTS700024: Client assertion is not within'))).toBe(700024)
    expect(entraErrorCode(new Error('something else'))).toBeUndefined()
  })
})

// ---- Azure OpenAI ----------------------------------------------------------------------------

describe('diagnosing Azure OpenAI answers', () => {
  it('reads Azure’s two 401 body shapes the way the openai client does', async () => {
    const missingRole = (await openaiError(401, {
      error: {
        code: 'PermissionDenied',
        message: 'Principal does not have access to API/Operation.'
      }
    })) as APIError
    expect(missingRole.error).toEqual({
      code: 'PermissionDenied',
      message: 'Principal does not have access to API/Operation.'
    })
    expect(missingRole.code).toBe('PermissionDenied')
    const badToken = (await openaiError(401, {
      statusCode: 401,
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
    })) as APIError
    expect(badToken.error).toMatchObject({ statusCode: 401 })
    expect(badToken.code).toBeUndefined()
    expect(badToken.message).toMatch(/^401 Unauthorized\. Access token is missing/)
  })

  it('explains a missing role with the principal id and the az role assignment command', async () => {
    const error = await openaiError(
      401,
      {
        error: {
          code: 'PermissionDenied',
          message: 'Principal does not have access to API/Operation.'
        }
      },
      { 'apim-request-id': 'req-1' }
    )
    const { d, text } = explain(error, contextFor('openai'))
    expect(d.title).toContain('Cognitive Services OpenAI User')
    expect(fact(d, 'principal id (oid)')).toBe(OID)
    expect(fact(d, 'app id')).toBe(CLIENT_ID)
    expect(fact(d, 'request id')).toBe('req-1')
    expect(d.fix).toContain(
      `az role assignment create --assignee-object-id ${OID} --assignee-principal-type ServicePrincipal --role "Cognitive Services OpenAI User" --scope $(az cognitiveservices account show --name contoso-ai --resource-group RESOURCE_GROUP --query id -o tsv)`
    )
    expect(text).toMatch(/5 minutes/)
  })

  it('explains a rejected token with its audience against the scope asked for', async () => {
    const trace = tracedRun()
    trace.accessToken = { ...trace.accessToken, aud: 'https://management.azure.com' }
    const error = await openaiError(401, {
      statusCode: 401,
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
    })
    const { d } = explain(error, contextFor('openai', { trace }))
    expect(fact(d, 'token audience (aud)')).toBe('https://management.azure.com')
    expect(fact(d, 'scope')).toBe('https://cognitiveservices.azure.com/.default')
    expect(d.cause).toContain("audience 'https://management.azure.com'")
    expect(d.fix).toContain('scope: https://cognitiveservices.azure.com/.default')
  })

  it('explains key authentication answers: this action is keyless', async () => {
    const error = await openaiError(401, {
      error: {
        code: 'AuthenticationTypeDisabled',
        message: 'Key based authentication is disabled for this resource.'
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/keyless/)
    expect(d.fix).toContain('AZURE_OPENAI_API_KEY')
  })

  it('explains an unknown deployment by name, with the deployment list command', async () => {
    const error = await openaiError(404, {
      error: {
        code: 'DeploymentNotFound',
        message:
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'
      }
    })
    const { d, text } = explain(error, contextFor('openai'))
    expect(d.title).toBe("Deployment 'gpt-4o-review' was not found on contoso-ai")
    expect(d.fix).toContain('`deployment` input')
    expect(d.fix).toContain(
      'az cognitiveservices account deployment list --name contoso-ai --resource-group RESOURCE_GROUP --query "[].name" -o tsv'
    )
    expect(text).toMatch(/5 minutes/)
  })

  it('explains a 404 on the classic API by the api-version and the resource root', async () => {
    const error = await openaiError(404, { error: { code: '404', message: 'Resource not found' } })
    const context = contextFor('openai', { model: { ...model, apiVersion: '2023-01-01-nope' } })
    const { d } = explain(error, context)
    expect(d.title).toContain('2023-01-01-nope')
    expect(d.fix).toContain('api-version: 2024-10-21')
    expect(d.fix).toContain('endpoint: https://contoso-ai.openai.azure.com')
  })

  it('explains a 404 on the v1 API as an endpoint without v1 support', async () => {
    const error = await openaiError(404, { error: { code: '404', message: 'Resource not found' } })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/v1 API/)
    expect(d.fix).toContain('api-version: 2024-10-21')
  })

  it('explains a 403 from network rules with the network-rule command', async () => {
    const error = await openaiError(403, {
      error: {
        code: '403',
        message: 'Public access is disabled. Please configure private endpoint.'
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(d.fix).toContain(
      'az cognitiveservices account network-rule add --name contoso-ai --resource-group RESOURCE_GROUP --ip-address RUNNER_PUBLIC_IP'
    )
    expect(d.fix).toMatch(/self-hosted runner/)
  })

  it('explains lasting throttling by quota and the `concurrency` input', async () => {
    const error = await openaiError(
      429,
      { error: { code: '429', message: 'Requests have exceeded token rate limit.' } },
      { 'retry-after': '17' }
    )
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/gpt-4o-review.*429/)
    expect(fact(d, 'retry-after')).toBe('17')
    expect(d.fix).toContain('concurrency: 1')
    expect(d.fix).toMatch(/quota/)
  })

  it('explains lasting server errors by status', async () => {
    const error = await openaiError(503, { error: { code: 'ServiceUnavailable', message: 'busy' } })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toBe('Azure OpenAI failed with HTTP 503, retries included')
  })

  it('explains an over-long request by the `token-budget` input', async () => {
    const error = await openaiError(400, {
      error: {
        code: 'context_length_exceeded',
        message: "This model's maximum context length is 128000 tokens."
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/context window/)
    expect(d.fix).toContain('token-budget:')
  })

  it('explains a content filter refusal with the categories Azure flagged', async () => {
    const error = await openaiError(400, {
      error: {
        code: 'content_filter',
        message:
          'The response was filtered due to the prompt triggering content management policy.',
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: {
            hate: { filtered: false, severity: 'safe' },
            violence: { filtered: true, severity: 'medium' },
            jailbreak: { filtered: true, detected: true }
          }
        }
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(fact(d, 'filtered categories')).toBe('violence (medium), jailbreak')
    expect(d.fix).toContain('exclude:')
  })

  it('explains a regional endpoint by the custom subdomain it needs', async () => {
    const endpoint = 'https://eastus.api.cognitive.microsoft.com'
    const error = await openaiError(
      401,
      {
        error: {
          code: '401',
          message: 'Access denied due to invalid subscription key or wrong API endpoint.'
        }
      },
      {},
      endpoint
    )
    const { d } = explain(error, contextFor('openai', { model: { ...model, endpoint } }))
    expect(d.title).toMatch(/Regional endpoints/)
    expect(d.fix).toContain(
      'az cognitiveservices account update --name ACCOUNT_NAME --resource-group RESOURCE_GROUP --custom-domain ACCOUNT_NAME'
    )
  })

  it('explains a DNS failure by the `endpoint` input and private DNS', async () => {
    const error = await openaiConnectionError(
      'ENOTFOUND',
      'getaddrinfo ENOTFOUND contoso-ai.openai.azure.com',
      { hostname: 'contoso-ai.openai.azure.com' }
    )
    expect(error).toBeInstanceOf(APIConnectionError)
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toBe('Cannot resolve contoso-ai.openai.azure.com (ENOTFOUND)')
    expect(fact(d, 'endpoint')).toBe(model.endpoint)
    expect(d.cause).toMatch(/private endpoint/)
    expect(d.fix).toContain('nslookup contoso-ai.openai.azure.com')
  })

  it('explains a refused connection by firewall or proxy', async () => {
    const error = await openaiConnectionError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.4:443')
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/ECONNREFUSED/)
    expect(d.fix).toContain('port 443')
  })

  it('explains a connect timeout as a network path problem', async () => {
    const error = await openaiConnectionError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/in time/)
  })

  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT'
  ])(
    'explains TLS failure %s by a TLS-intercepting proxy and NODE_EXTRA_CA_CERTS',
    async (code) => {
      const { d } = explain(
        await openaiConnectionError(code, 'certificate problem'),
        contextFor('openai')
      )
      expect(d.title).toContain(code)
      expect(d.fix).toContain('NODE_EXTRA_CA_CERTS:')
    }
  )
})

// ---- GitHub REST -----------------------------------------------------------------------------

describe('diagnosing GitHub API failures', () => {
  const reviews = 'https://api.github.com/repos/octo-org/octo-app/pulls/7/reviews'

  it('explains 401 by the `github-token` input', () => {
    const { d, text } = explain(githubError(401, 'Bad credentials', reviews), contextFor('github'))
    expect(d.title).toMatch(/401/)
    expect(d.fix).toContain('github-token')
    expect(text).not.toContain('ghs_thisSecretMustNotAppear')
  })

  it('explains “Resource not accessible by integration” with the `pull-requests: write` line', () => {
    const { d } = explain(
      githubError(403, 'Resource not accessible by integration', reviews),
      contextFor('github')
    )
    expect(d.fix).toContain('pull-requests: write')
    expect(fact(d, 'GitHub says')).toBe('Resource not accessible by integration')
  })

  it('explains a 403 on a fork pull request by its read-only token', () => {
    const { d } = explain(
      githubError(403, 'Resource not accessible by integration', reviews),
      contextFor('github', { isFork: true })
    )
    expect(d.cause).toMatch(/read-only/)
    expect(d.fix).toContain('/review')
  })

  it('explains 404 by visibility to the token and the `pr-number` input', () => {
    const { d } = explain(githubError(404, 'Not Found', reviews), contextFor('github'))
    expect(d.cause).toMatch(/not visible to the token/)
    expect(d.fix).toContain('pr-number')
  })

  it('explains a network failure under octokit’s 500 by its TLS cause', () => {
    const error = new RequestError('fetch failed', 500, {
      request: { method: 'GET', url: reviews, headers: {} },
      cause: fetchFailed(
        'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        'unable to get local issuer certificate'
      )
    })
    const { d } = explain(error, contextFor('github'))
    expect(d.title).toBe(
      'The TLS certificate of api.github.com is not trusted (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)'
    )
    expect(d.fix).toContain('NODE_EXTRA_CA_CERTS')
  })
})

// ---- anything else, and the output ----------------------------------------------------------

describe('diagnosis output', () => {
  it('names the stage of an unknown error and offers only debug logging', () => {
    const { d } = explain(new RangeError('something odd'), contextFor('openai'))
    expect(d.title).toBe('Unexpected error at openai')
    expect(d.cause).toBe('something odd')
    expect(d.fix).toContain('ACTIONS_STEP_DEBUG=true')
  })

  it('redacts tokens and caps the length of untrusted error text', () => {
    const noisy = new Error(
      `failed with Authorization: Bearer ${ACCESS_TOKEN} and ${ID_TOKEN} ${'x'.repeat(2000)}`
    )
    const { d } = explain(noisy, contextFor('github'))
    expect(d.cause).toContain('[redacted]')
    expect(d.cause.length).toBeLessThanOrEqual(500)
  })

  it('formats title, cause, facts as name: value lines, then the fix', () => {
    const text = formatDiagnosis({
      title: 'T',
      cause: 'C',
      facts: [['subject', 'repo:o/r:pull_request']],
      fix: 'Do this:\n  az something'
    })
    expect(text).toBe('T\nC\n  subject: repo:o/r:pull_request\nFix: Do this:\n  az something')
  })

  it('makes an AuthError that carries the fix and keeps the original cause', () => {
    const original = entraError(700213, 'No matching federated identity record found.')
    const error = toAuthError(original, contextFor('entra'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error.cause).toBe(original)
    expect(error.message).toContain(`token subject (sub): ${SUBJECT}`)
    expect(error.fix).toContain('az ad app federated-credential create')
    expect(error.describe()).toBe(formatDiagnosis(diagnose(original, contextFor('entra'))))
  })
})

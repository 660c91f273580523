/**
 * The emulators themselves: each refuses what the real service refuses, in the real shape,
 * and the real client libraries (MSAL via @azure/identity, openai) accept what they answer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { ClientAssertionCredential } from '@azure/identity'
import OpenAI, { AzureOpenAI } from 'openai'
import { getIDToken } from '@actions/core'
import { jest } from '@jest/globals'
import {
  AI_RESOURCE,
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_RESOURCE,
  COGNITIVE_SCOPE,
  DEPLOYMENT,
  GITHUB_ISSUER,
  OWNER,
  PR_NUMBER,
  PRINCIPAL_ID,
  REASONING_DEPLOYMENT,
  REPO,
  TENANT_ID
} from './constants.js'
import { defaultFederatedCredential, JWT_BEARER } from './entra.js'
import { createSigningKey, signJwt } from './keys.js'
import { startWorld, type World } from './world.js'
import { loadEvent } from '../helpers/events.js'
import { findLeaks, parseOutputs, runAction } from '../helpers/run-action.js'
import { trustTestCa } from '../helpers/trust.js'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

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

async function getIdToken(
  audience = AZURE_AUDIENCE,
  requestToken = world.requestToken
): Promise<Response> {
  return fetch(`${world.urls.oidcRequestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${requestToken}` }
  })
}

async function idToken(audience = AZURE_AUDIENCE): Promise<string> {
  const res = await getIdToken(audience)
  return ((await res.json()) as { value: string }).value
}

async function requestEntraToken(
  fields: Record<string, string>,
  tenant = TENANT_ID
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${world.urls.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields)
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function exchange(
  assertion: string,
  extra: Record<string, string> = {}
): ReturnType<typeof requestEntraToken> {
  return requestEntraToken({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    scope: COGNITIVE_SCOPE,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...extra
  })
}

function expectAadsts(
  answer: { status: number; body: Record<string, unknown> },
  status: number,
  error: string,
  code: number
): void {
  expect(answer.status).toBe(status)
  expect(answer.body).toEqual({
    error,
    error_description: expect.stringMatching(
      new RegExp(
        `^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`
      )
    ) as unknown,
    error_codes: [code],
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/) as unknown,
    trace_id: expect.stringMatching(GUID) as unknown,
    correlation_id: expect.stringMatching(GUID) as unknown,
    error_uri: `${world.urls.authorityHost}/error?code=${code}`
  })
}

async function accessToken(): Promise<string> {
  const { body } = await exchange(await idToken())
  return body.access_token as string
}

async function chat(
  token: string | undefined,
  body: Record<string, unknown>,
  path = '/openai/v1/chat/completions',
  headers: Record<string, string> = {}
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${world.urls.openaiEndpoint}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers
    },
    body: JSON.stringify(body)
  })
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers
  }
}

const hello = { model: DEPLOYMENT, messages: [{ role: 'user', content: 'Hello' }] }

describe('constants', () => {
  it('uses GUID-shaped Entra ids', () => {
    for (const id of [TENANT_ID, CLIENT_ID, PRINCIPAL_ID]) expect(id).toMatch(GUID)
  })
})

describe('GitHub OIDC token service', () => {
  it('refuses a missing or wrong request token', async () => {
    expect((await getIdToken(AZURE_AUDIENCE, 'wrong')).status).toBe(401)
    expect((await fetch(world.urls.oidcRequestUrl)).status).toBe(401)
    expect(world.oidc.tokensIssued).toBe(0)
  })

  it("mints an RS256 JWT with GitHub's claims, verifiable with its JWKS", async () => {
    const jwt = await idToken()
    const jwks = (await (await fetch(`${world.urls.oidcOrigin}/.well-known/jwks`)).json()) as {
      keys: never[]
    }
    const { payload, protectedHeader } = await jwtVerify(
      jwt,
      createLocalJWKSet({ keys: jwks.keys }),
      {
        issuer: GITHUB_ISSUER,
        audience: AZURE_AUDIENCE
      }
    )
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: world.oidc.key.kid })
    expect(payload).toMatchObject({
      sub: `repo:${OWNER}/${REPO}:pull_request`,
      repository: `${OWNER}/${REPO}`,
      repository_owner: OWNER,
      event_name: 'pull_request',
      ref: `refs/pull/${PR_NUMBER}/merge`,
      runner_environment: 'github-hosted'
    })
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300)
    expect((payload.iat ?? 0) - (payload.nbf ?? 0)).toBe(600)
    expect(world.oidc.tokensIssued).toBe(1)
  })

  it('defaults the audience to the owner URL and follows subject rules', async () => {
    const res = await fetch(world.urls.oidcRequestUrl, {
      headers: { authorization: `Bearer ${world.requestToken}` }
    })
    expect(world.oidc.issued[0]?.claims.aud).toBe(`https://github.com/${OWNER}`)
    expect(res.status).toBe(200)

    world.oidc.run = { ...world.oidc.run, eventName: 'issue_comment', ref: 'refs/heads/main' }
    expect(world.oidc.subject()).toBe(`repo:${OWNER}/${REPO}:ref:refs/heads/main`)
    world.oidc.config.immutableSubject = true
    expect(world.oidc.subject()).toMatch(/^repo:octo-org@\d+\/octo-repo@\d+:ref:refs\/heads\/main$/)
    world.oidc.config.environment = 'Production'
    expect(world.oidc.subject()).toMatch(/:environment:Production$/)
    world.oidc.config.subject = 'custom'
    expect(world.oidc.subject()).toBe('custom')
  })
})

describe('Entra ID', () => {
  it('publishes discovery whose issuer shares the authority origin', async () => {
    const res = await fetch(
      `${world.urls.authorityHost}/${TENANT_ID}/v2.0/.well-known/openid-configuration`
    )
    const doc = (await res.json()) as Record<string, string>
    expect(doc.issuer).toBe(`${world.urls.authorityHost}/${TENANT_ID}/v2.0`)
    expect(doc.token_endpoint).toBe(`${world.urls.authorityHost}/${TENANT_ID}/oauth2/v2.0/token`)
    expect(doc.jwks_uri).toBeDefined()

    const unknown = await fetch(
      `${world.urls.authorityHost}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`
    )
    expectAadsts(
      { status: unknown.status, body: (await unknown.json()) as Record<string, unknown> },
      400,
      'invalid_tenant',
      90002
    )
  })

  it('exchanges a matching assertion for a v1 access token (and accepts CAE claims)', async () => {
    const assertion = await idToken()
    const answer = await exchange(assertion, {
      claims: JSON.stringify({ access_token: { xms_cc: { values: ['CP1'] } } }),
      client_info: '1'
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599
    })
    const { payload } = await jwtVerify(
      answer.body.access_token as string,
      world.entra.key.publicKey
    )
    expect(payload).toMatchObject({
      aud: COGNITIVE_RESOURCE,
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      oid: PRINCIPAL_ID,
      sub: PRINCIPAL_ID,
      appid: CLIENT_ID,
      tid: TENANT_ID
    })
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3599)
    expect(world.entra.requests[0]).toMatchObject({
      status: 200,
      assertionClaims: { aud: AZURE_AUDIENCE }
    })
    expect(world.entra.requests[0]?.form.client_assertion).toBeUndefined()
  })

  it('refuses an unknown tenant, app, scope and resource', async () => {
    const assertion = await idToken()
    const fields = {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      scope: COGNITIVE_SCOPE,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion
    }
    expectAadsts(
      await requestEntraToken(fields, '11111111-2222-3333-4444-555555555555'),
      400,
      'invalid_tenant',
      90002
    )
    expectAadsts(
      await requestEntraToken({ ...fields, client_id: '99999999-2222-3333-4444-555555555555' }),
      400,
      'unauthorized_client',
      700016
    )
    expectAadsts(
      await requestEntraToken({ ...fields, scope: COGNITIVE_RESOURCE }),
      400,
      'invalid_scope',
      1002012
    )
    expectAadsts(
      await requestEntraToken({ ...fields, scope: 'https://example.com/.default' }),
      400,
      'invalid_resource',
      500011
    )
    const withoutAssertion = { ...fields, client_assertion: '' }
    expectAadsts(await requestEntraToken(withoutAssertion), 401, 'invalid_client', 7000218)
    expect((await requestEntraToken({ ...fields, scope: `${AI_RESOURCE}/.default` })).status).toBe(
      200
    )
  })

  it('refuses a forged signature and an expired assertion', async () => {
    const forged = await world.oidc.mint(AZURE_AUDIENCE, {}, await createSigningKey())
    expectAadsts(await exchange(forged), 401, 'invalid_client', 50013)
    const now = Math.floor(Date.now() / 1000)
    const expired = await world.oidc.mint(AZURE_AUDIENCE, {
      iat: now - 900,
      nbf: now - 1500,
      exp: now - 600
    })
    const answer = await exchange(expired)
    expectAadsts(answer, 401, 'invalid_client', 700024)
    expect(answer.body.error_description).toContain(
      'Client assertion is not within its valid time range. Current time: '
    )
  })

  it('matches issuer, subject (case-sensitively) and audience of the federated credential', async () => {
    const app = world.entra.app()
    const credential = defaultFederatedCredential()
    const assertion = await idToken()

    app.federatedCredentials = [
      { ...credential, issuer: 'https://token.actions.githubusercontent.com/octo-enterprise' }
    ]
    expectAadsts(await exchange(assertion), 401, 'invalid_client', 700211)

    app.federatedCredentials = [
      { ...credential, subject: `repo:${OWNER}/${REPO}:ref:refs/heads/main` }
    ]
    const subject = await exchange(assertion)
    expectAadsts(subject, 401, 'invalid_client', 700213)
    expect(subject.body.error_description).toContain(`subject 'repo:${OWNER}/${REPO}:pull_request'`)

    app.federatedCredentials = [{ ...credential, subject: `repo:Octo-Org/${REPO}:pull_request` }]
    expectAadsts(await exchange(assertion), 401, 'invalid_client', 7002138)

    app.federatedCredentials = [{ ...credential, audiences: ['api://AzureADTokenExchangeUSGov'] }]
    expectAadsts(await exchange(assertion), 401, 'invalid_client', 700212)
  })

  it('fails a new credential with AADSTS70021 until it propagates', async () => {
    world.entra.app().propagationFailures = 1
    const assertion = await idToken()
    expectAadsts(await exchange(assertion), 400, 'invalid_request', 70021)
    expect((await exchange(assertion)).status).toBe(200)
  })
})

describe('Azure OpenAI', () => {
  it('answers a chat completion on the v1 and the classic paths', async () => {
    const token = await accessToken()
    const v1 = await chat(token, hello)
    expect(v1.status).toBe(200)
    expect(v1.body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-2024-11-20',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } }],
      prompt_filter_results: [{ prompt_index: 0 }]
    })
    expect(v1.headers.get('apim-request-id')).toMatch(GUID)
    expect(v1.headers.get('x-ms-region')).toBeTruthy()

    const classic = await chat(
      token,
      { messages: hello.messages },
      `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=2024-10-21`
    )
    expect(classic.status).toBe(200)
    expect(world.openai.completions).toBe(2)
    expect(world.openai.requests[1]).toMatchObject({
      api: 'classic',
      deployment: DEPLOYMENT,
      claims: { oid: PRINCIPAL_ID }
    })
    expect(world.openai.requests[1]?.headers.authorization).toBeUndefined()
  })

  it('refuses missing, expired and wrong-audience tokens and API keys', async () => {
    const unauthorized = {
      statusCode: 401,
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
    }
    expect(await chat(undefined, hello)).toMatchObject({ status: 401, body: unauthorized })
    const now = Math.floor(Date.now() / 1000)
    const base = {
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      tid: TENANT_ID,
      oid: PRINCIPAL_ID,
      iat: now - 4000,
      nbf: now - 4000
    }
    const expired = await signJwt(world.entra.key, {
      ...base,
      aud: COGNITIVE_RESOURCE,
      exp: now - 1
    })
    expect(await chat(expired, hello)).toMatchObject({ status: 401, body: unauthorized })
    const management = await signJwt(world.entra.key, {
      ...base,
      aud: 'https://management.azure.com',
      exp: now + 600
    })
    expect(await chat(management, hello)).toMatchObject({ status: 401, body: unauthorized })
    expect(await chat(undefined, hello, undefined, { 'api-key': 'k' })).toMatchObject({
      status: 401,
      body: { error: { code: 'AuthenticationTypeDisabled' } }
    })
  })

  it('refuses a principal without the role, unknown deployments, paths and api-versions', async () => {
    const token = await accessToken()
    expect(await chat(token, { ...hello, model: 'gpt-5' })).toMatchObject({
      status: 404,
      body: { error: { code: 'DeploymentNotFound' } }
    })
    const notFound = {
      status: 404,
      body: { error: { code: '404', message: 'Resource not found' } }
    }
    expect(
      await chat(
        token,
        hello,
        `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=2019-01-01`
      )
    ).toMatchObject(notFound)
    expect(
      await chat(token, hello, `/openai/deployments/${DEPLOYMENT}/chat/completions`)
    ).toMatchObject(notFound)
    expect(await chat(token, hello, '/openai/v1/completions')).toMatchObject(notFound)
    world.openai.config.roleAssignments = []
    expect(await chat(token, hello)).toMatchObject({
      status: 401,
      body: {
        error: {
          code: 'PermissionDenied',
          message: 'Principal does not have access to API/Operation.'
        }
      }
    })
  })

  it('refuses at the network edge when public access is off or the firewall blocks', async () => {
    world.openai.config.firewallBlocked = true
    expect(await chat(undefined, hello)).toMatchObject({
      status: 403,
      body: {
        error: { code: '403', message: 'Access denied due to Virtual Network/Firewall rules.' }
      }
    })
  })

  it("enforces reasoning models' parameters and the context window", async () => {
    const token = await accessToken()
    const o4 = { model: REASONING_DEPLOYMENT, messages: hello.messages }
    expect(await chat(token, { ...o4, max_tokens: 100 })).toMatchObject({
      status: 400,
      body: { error: { code: 'unsupported_parameter', param: 'max_tokens' } }
    })
    expect(await chat(token, { ...o4, temperature: 0.2 })).toMatchObject({
      status: 400,
      body: { error: { code: 'unsupported_value', param: 'temperature' } }
    })
    const ok = await chat(token, { ...o4, max_completion_tokens: 100 })
    expect(ok.status).toBe(200)
    world.openai.config.deployments[DEPLOYMENT] = { model: 'gpt-4o', contextWindow: 50 }
    expect(
      await chat(token, { ...hello, messages: [{ role: 'user', content: 'x'.repeat(400) }] })
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'context_length_exceeded' } }
    })
  })

  it('plays queued faults once each, with Azure headers and bodies', async () => {
    const token = await accessToken()
    world.openai.pushFault(
      { kind: 'rate-limit', retryAfterMs: 1500 },
      { kind: 'prompt-filter' },
      { kind: 'completion-filter' }
    )
    const limited = await chat(token, hello)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after-ms')).toBe('1500')
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(limited.body).toMatchObject({ error: { code: '429' } })
    expect(await chat(token, hello)).toMatchObject({
      status: 400,
      body: {
        error: { code: 'content_filter', innererror: { code: 'ResponsibleAIPolicyViolation' } }
      }
    })
    expect(await chat(token, hello)).toMatchObject({
      status: 200,
      body: { choices: [{ finish_reason: 'content_filter' }] }
    })
    expect((await chat(token, hello)).status).toBe(200)
  })

  it('serializes structured answers and counts tokens', async () => {
    const token = await accessToken()
    const schema = {
      type: 'object',
      properties: {
        findings: { type: 'array', items: { type: 'string' } },
        verdict: { type: 'string' }
      },
      required: ['findings', 'verdict'],
      additionalProperties: false
    }
    const format = { type: 'json_schema', json_schema: { name: 'review', strict: true, schema } }
    const byDefault = await chat(token, { ...hello, response_format: format })
    const content = (byDefault.body.choices as { message: { content: string } }[])[0]?.message
      .content
    expect(JSON.parse(content ?? '')).toEqual({ findings: [], verdict: 'ok' })

    world.openai.config.respond = (request) => ({ findings: [request.user], verdict: 'fine' })
    const custom = await chat(token, { ...hello, response_format: format })
    const customContent = (custom.body.choices as { message: { content: string } }[])[0]?.message
      .content
    expect(JSON.parse(customContent ?? '')).toEqual({ findings: ['Hello'], verdict: 'fine' })
    expect(world.openai.promptTokens).toBeGreaterThan(0)
    expect(world.openai.completionTokens).toBeGreaterThan(0)
  })
})

describe('the real client libraries against the world', () => {
  it('MSAL (ClientAssertionCredential) and the openai client complete the keyless chain', async () => {
    const credential = new ClientAssertionCredential(TENANT_ID, CLIENT_ID, () => idToken(), {
      authorityHost: world.urls.authorityHost,
      disableInstanceDiscovery: true
    })
    const token = await credential.getToken(COGNITIVE_SCOPE, { enableCae: true })
    expect(token.token).toBe(world.entra.issued[0]?.jwt)
    expect(world.entra.requests[0]?.form.claims).toBeDefined()

    const client = new OpenAI({
      baseURL: `${world.urls.openaiEndpoint}/openai/v1`,
      apiKey: () => Promise.resolve(token.token),
      maxRetries: 1
    })
    world.openai.pushFault({ kind: 'rate-limit', retryAfterMs: 10 })
    const completion = await client.chat.completions.create({
      model: DEPLOYMENT,
      messages: [{ role: 'user', content: 'Hi' }]
    })
    expect(completion.choices[0]?.message.content).toContain(DEPLOYMENT)
    expect(world.openai.requests.map((r) => r.status)).toEqual([429, 200])
  })

  it('@actions/core getIDToken reads the runner variables the world provides', async () => {
    const saved = { ...process.env }
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = world.urls.oidcRequestUrl
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = world.requestToken
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      const jwt = await getIDToken(AZURE_AUDIENCE)
      expect(jwt).toBe(world.oidc.issued[0]?.jwt)
      expect(world.oidc.requests[0]).toMatchObject({ audience: AZURE_AUDIENCE, status: 200 })
    } finally {
      write.mockRestore()
      process.env = saved
    }
  })

  it('the classic AzureOpenAI client reaches the deployments path with an api-version', async () => {
    const token = await accessToken()
    const client = new AzureOpenAI({
      endpoint: world.urls.openaiEndpoint,
      apiVersion: '2024-10-21',
      deployment: DEPLOYMENT,
      azureADTokenProvider: () => Promise.resolve(token)
    })
    const completion = await client.chat.completions.create({
      model: DEPLOYMENT,
      messages: [{ role: 'user', content: 'Hi' }]
    })
    expect(completion.object).toBe('chat.completion')
    expect(world.openai.requests[0]).toMatchObject({
      api: 'classic',
      path: `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=2024-10-21`
    })
  })

  it('surfaces an Entra refusal as AADSTS through MSAL', async () => {
    world.entra.app().federatedCredentials = [
      defaultFederatedCredential('repo:octo-org/octo-repo:environment:prod')
    ]
    const credential = new ClientAssertionCredential(TENANT_ID, CLIENT_ID, () => idToken(), {
      authorityHost: world.urls.authorityHost,
      disableInstanceDiscovery: true
    })
    await expect(credential.getToken(COGNITIVE_SCOPE)).rejects.toThrow(/AADSTS700213/)
  })
})

describe('GitHub REST', () => {
  const get = (path: string, token: string | undefined = world.githubToken): Promise<Response> =>
    fetch(`${world.urls.githubApiUrl}${path}`, {
      headers: token ? { authorization: `token ${token}` } : {}
    })

  it('refuses bad credentials and unknown routes in GitHub shapes', async () => {
    const bad = await get(`/repos/${OWNER}/${REPO}`, 'ghs_wrong')
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401'
    })
    const missing = await get(`/repos/${OWNER}/${REPO}/pulls/999`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ message: 'Not Found', status: '404' })
    const repo = (await (await get(`/repos/${OWNER}/${REPO}`)).json()) as Record<string, unknown>
    expect(repo).toMatchObject({
      full_name: `${OWNER}/${REPO}`,
      default_branch: 'main',
      private: true
    })
  })

  it('serves the pull request and pages its files with Link headers, up to 3000', async () => {
    const pull = world.github.pullRequest(PR_NUMBER)
    pull.files = Array.from({ length: 3005 }, (_, i) => ({
      filename: `src/file${i}.ts`,
      status: 'modified' as const,
      patch: '@@ -1 +1 @@\n-a\n+b'
    }))
    const pr = (await (await get(`/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}`)).json()) as Record<
      string,
      unknown
    >
    expect(pr).toMatchObject({
      number: PR_NUMBER,
      changed_files: 3005,
      head: { sha: pull.headSha }
    })

    const first = await get(`/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files?per_page=100`)
    const link = first.headers.get('link') ?? ''
    expect(link).toMatch(/<[^>]+page=2>; rel="next", <[^>]+page=30>; rel="last"$/)
    expect(((await first.json()) as unknown[]).length).toBe(100)

    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? ''
    const second = await get(next.slice(world.urls.githubApiUrl.length))
    expect(second.headers.get('link')).toMatch(
      /page=1>; rel="prev", <[^>]+page=3>; rel="next", <[^>]+page=30>; rel="last", <[^>]+page=1>; rel="first"$/
    )

    const last = await get(`/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/files?per_page=100&page=30`)
    const files = (await last.json()) as {
      filename: string
      additions: number
      deletions: number
    }[]
    expect(files.at(-1)).toMatchObject({ filename: 'src/file2999.ts', additions: 1, deletions: 1 })
    expect(last.headers.get('link')).not.toContain('rel="next"')
  })

  it('reports collaborator permission and role', async () => {
    const res = await get(`/repos/${OWNER}/${REPO}/collaborators/maintainer-mia/permission`)
    expect(await res.json()).toMatchObject({ permission: 'write', role_name: 'maintain' })
    expect(world.github.requests.map((r) => r.status)).toEqual([200])
  })
})

describe('events and the harness', () => {
  it('adapts real webhook payloads to the world', () => {
    const pr = loadEvent('pull_request', 'synchronize')
    expect(pr).toMatchObject({
      action: 'synchronize',
      number: PR_NUMBER,
      repository: { full_name: `${OWNER}/${REPO}` },
      pull_request: { number: PR_NUMBER, base: { repo: { full_name: `${OWNER}/${REPO}` } } }
    })
    expect(JSON.stringify(pr)).not.toContain('Codertocat/Hello-World')
    const comment = loadEvent('issue_comment', 'created', { commentBody: '/summarize please' })
    expect(comment).toMatchObject({
      issue: { number: PR_NUMBER, pull_request: {} },
      comment: { body: '/summarize please' }
    })
  })

  it('parses heredoc outputs', () => {
    expect(
      parseOutputs('summary<<ghadelimiter_1\nline 1\nline 2\nghadelimiter_1\nskipped=\n')
    ).toEqual({
      summary: 'line 1\nline 2',
      skipped: ''
    })
  })

  it('runs a script with a runner environment and finds leaked secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpr-stub-'))
    const stub = join(dir, 'stub.mjs')
    writeFileSync(
      stub,
      `import { appendFileSync } from 'node:fs'
const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL + '&audience=' + encodeURIComponent('api://AzureADTokenExchange')
const res = await fetch(url, { headers: { authorization: 'Bearer ' + process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN } })
const { value } = await res.json()
console.log('::add-mask::' + value)
if (process.env.INPUT_MODE === 'leak') console.log('token is ' + value)
appendFileSync(process.env.GITHUB_OUTPUT, 'client<<EOF_1\\n' + process.env['INPUT_CLIENT-ID'] + '\\nEOF_1\\n')
appendFileSync(process.env.GITHUB_STEP_SUMMARY, '# ' + process.env.GITHUB_EVENT_NAME + '\\n')
`
    )
    const clean = await runAction(world, { entry: stub })
    expect(clean).toMatchObject({
      code: 0,
      outputs: { client: CLIENT_ID },
      summary: '# pull_request\n'
    })
    expect(findLeaks(clean, world.secrets())).toEqual([])

    const leaky = await runAction(world, { entry: stub, inputs: { mode: 'leak' } })
    expect(findLeaks(leaky, world.secrets())).toEqual([
      { where: 'stdout', secretPrefix: expect.any(String) as unknown }
    ])
  })
})

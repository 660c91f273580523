/**
 * A run's world for diagnosis tests (settings, the tokens it saw) and the real errors the real
 * libraries throw: @actions/core, @azure/identity with MSAL, openai and octokit.
 */
import * as core from '@actions/core'
import { AuthenticationRequiredError } from '@azure/identity'
import { ServerError } from '@azure/msal-node'
import { RequestError } from '@octokit/request-error'
import OpenAI from 'openai'
import { decodeClaims, newIdentityTrace, type IdentityTrace } from '../../src/chain/claims.js'
import { diagnose, type Diagnosis, type DiagnosisContext } from '../../src/diagnosis/diagnose.js'
import type { Stage } from '../../src/errors.js'
import type { AzureConfig, ModelConfig } from '../../src/settings.js'
import { testConfig } from './config.js'

export const CLIENT_ID = '11111111-2222-3333-4444-555555555555'
export const TENANT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
export const SUBJECT = 'repo:octo-org@1234/octo-app@5678:environment:Production'
export const ISSUER = 'https://token.actions.githubusercontent.com'
export const OID = '99999999-8888-7777-6666-555555555555'
export const NOW = Date.UTC(2026, 8, 1, 12, 0, 0)

export function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1zaG91bGQtbmV2ZXItbGVhaw`
}

export const ID_TOKEN = jwt({
  iss: ISSUER,
  sub: SUBJECT,
  aud: 'api://AzureADTokenExchange',
  iat: NOW / 1000 - 600,
  nbf: NOW / 1000 - 1200,
  exp: NOW / 1000 - 300,
  job_workflow_ref: 'octo-org/octo-app/.github/workflows/review.yml@refs/heads/main'
})
export const ACCESS_TOKEN = jwt({
  aud: 'https://cognitiveservices.azure.com',
  oid: OID,
  appid: CLIENT_ID,
  tid: TENANT_ID,
  exp: NOW / 1000 + 3000
})

export const azure: AzureConfig = {
  ...testConfig().azure,
  clientId: CLIENT_ID,
  tenantId: TENANT_ID
}
export const model: ModelConfig = {
  endpoint: 'https://contoso-ai.openai.azure.com',
  deployment: 'gpt-4o-review',
  summaryDeployment: 'gpt-4o-review',
  apiVersion: undefined,
  requestTimeoutMs: 300_000
}

export function tracedRun(): IdentityTrace {
  const trace = newIdentityTrace()
  trace.idToken = decodeClaims(ID_TOKEN)
  trace.accessToken = decodeClaims(ACCESS_TOKEN)
  return trace
}

export function contextFor(
  stage: Stage,
  overrides: Partial<DiagnosisContext> = {}
): DiagnosisContext {
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

/** Diagnoses, checking on the way that no token of the run can be seen in any of its text. */
export function explain(error: unknown, context: DiagnosisContext): { d: Diagnosis; text: string } {
  const d = diagnose(error, context)
  const text = [d.title, d.cause, ...d.facts.map(([n, v]) => `  ${n}: ${v}`), d.fix].join('\n')
  for (const token of [ID_TOKEN, ACCESS_TOKEN]) {
    for (const part of token.split('.')) expect(text).not.toContain(part)
  }
  expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
  return { d, text }
}

export const fact = (d: Diagnosis, name: string): string | undefined =>
  d.facts.find(([n]) => n === name)?.[1]

// Real errors, thrown by the real libraries.

/** What @azure/identity throws for an Entra error answer: MSAL's ServerError as the cause. */
export function entraError(code: number, description: string): AuthenticationRequiredError {
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
export async function openaiError(
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
export async function openaiConnectionError(
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
export function fetchFailed(
  code: string,
  message: string,
  extra: Record<string, unknown> = {}
): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error(message), { code, ...extra })
  })
}

export function githubError(status: number, message: string, url: string): RequestError {
  return new RequestError(message, status, {
    request: {
      method: 'POST',
      url,
      headers: { authorization: 'token ghs_thisSecretMustNotAppear' }
    },
    response: { status, url, headers: {}, data: { message } }
  })
}

export async function idTokenFailure(): Promise<unknown> {
  try {
    await core.getIDToken('api://AzureADTokenExchange')
  } catch (error) {
    return error
  }
  throw new Error('expected getIDToken to fail')
}

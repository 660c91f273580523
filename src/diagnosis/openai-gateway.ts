/**
 * A gateway in front of Azure OpenAI (Azure API Management) that refused the request itself.
 * Its 401s share Azure OpenAI's `{"statusCode":401,"message":…}` shape but never its words
 * ("…audience is incorrect…"): APIM's validate-azure-ad-token / validate-jwt answer "Invalid JWT."
 * or "JWT not present." unless the policy words its own, and a missing subscription key
 * "Access denied due to missing subscription key…". Used by openai.ts; see docs/gateway.md.
 */
import type { APIError } from 'openai/core/error'
import { say, type CaseOf } from './catalogue.js'
import {
  claim,
  facts,
  field,
  firstAudience,
  stringField,
  untrusted,
  type Diagnosis,
  type DiagnosisContext,
  type Fact
} from './facts.js'
import { isOpenAIAudience } from './openai-access.js'

const OPENAI_OWN_401 = /audience is incorrect/i
const NO_TOKEN = /^JWT not present\.?$/i
const SUBSCRIPTION_KEY = /missing subscription key/i

export function gatewayRefusal(
  api: APIError,
  context: DiagnosisContext,
  known: Fact[]
): Diagnosis | undefined {
  // The openai client keeps a body without an `error` member whole, as `.error`.
  if (api.status !== 401 || api.code || typeof field(api.error, 'statusCode') !== 'number') {
    return undefined
  }
  const says = stringField(api.error, 'message') ?? ''
  if (OPENAI_OWN_401.test(says)) return undefined

  const { azure } = context
  const token = context.trace.accessToken
  const audience = firstAudience(token) ?? azure.scope.replace(/\/\.default$/, '')
  const roles = claim(token, 'roles')
  const appId = claim(token, 'appid') ?? claim(token, 'azp') ?? azure.clientId
  const kase: CaseOf<'gateway-401'> = SUBSCRIPTION_KEY.test(says)
    ? 'subscription-key'
    : NO_TOKEN.test(says)
      ? 'no-token'
      : isOpenAIAudience(audience, azure.cloud)
        ? 'openai-token'
        : roles
          ? 'policy'
          : 'no-role'
  return {
    ...say('gateway-401', kase, {
      endpoint: context.model.endpoint,
      'gateway-says': untrusted(says, 100),
      audience,
      scope: azure.scope,
      roles,
      'principal-id': claim(token, 'oid') ?? 'PRINCIPAL_ID',
      'app-id': appId ?? 'CLIENT_ID',
      'token-tenant': claim(token, 'tid') ?? 'TENANT_ID'
    }),
    facts: [
      ...known.map(([name, value]): Fact => [
        name === 'Azure OpenAI says' ? 'gateway says' : name,
        value
      ]),
      ...facts(
        ['token audience (aud)', audience],
        ['scope', azure.scope],
        ['token roles', roles ?? '(none)'],
        ['app id', appId],
        ['principal id (oid)', claim(token, 'oid')]
      )
    ]
  }
}

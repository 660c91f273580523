/**
 * Azure OpenAI refusing the caller rather than the request: a regional endpoint or a missing
 * custom subdomain, the missing data-plane role, an api-key, a token it does not accept, network
 * rules. Used by openai.ts.
 */
import type { JwtClaims } from '../chain/claims.js'
import { CLOUDS, REGIONAL_ENDPOINT, RESOURCE_HOST_SUFFIXES, type CloudName } from '../settings.js'
import { say } from './catalogue.js'
import {
  claim,
  claimTime,
  facts,
  firstAudience,
  hostOf,
  shellArg,
  type Diagnosis,
  type DiagnosisContext,
  type Fact
} from './facts.js'

/** A shared regional endpoint, which serves no Entra tokens (settings.ts). */
export const isRegional = (endpoint: string): boolean =>
  REGIONAL_ENDPOINT.test(hostOf(endpoint) ?? '')

/** The Azure resource name: the endpoint host's first label, when the host is the resource's own. */
export function resourceName(endpoint: string): string {
  const host = hostOf(endpoint)
  const label = host?.split('.')[0]
  return host && label && RESOURCE_HOST_SUFFIXES.some((s) => host.endsWith(s))
    ? label
    : 'ACCOUNT_NAME'
}

const normalize = (audience: string): string => audience.toLowerCase().replace(/\/+$/, '')

/** The audiences Azure OpenAI accepts in a cloud: its scope's resource (and ai.azure.com for the v1 API). */
export function isOpenAIAudience(audience: string, cloud: CloudName): boolean {
  const own = [CLOUDS[cloud].scope.replace(/\/\.default$/, '')]
  if (cloud === 'AzureCloud') own.push('https://ai.azure.com')
  return own.some((a) => normalize(a) === normalize(audience))
}

export function regional(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    ...say('regional-endpoint', 'default', { endpoint: context.model.endpoint }),
    facts: known
  }
}

/** Azure OpenAI's own words for a token that reached it through another host than its subdomain. */
export const CUSTOM_SUBDOMAIN_ANSWER = /provide a custom subdomain for token authentication/i

export function customSubdomain(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    ...say('custom-subdomain', 'default', { endpoint: context.model.endpoint }),
    facts: known
  }
}

export function missingRole(context: DiagnosisContext, known: Fact[]): Diagnosis {
  const token = context.trace.accessToken
  const oid = claim(token, 'oid')
  const client = context.azure.clientId
  const assignee =
    oid ?? `$(az ad sp show --id ${shellArg(client ?? 'CLIENT_ID')} --query id -o tsv)`
  return {
    ...say('permissiondenied', 'default', {
      'account-name': resourceName(context.model.endpoint),
      assignee,
      // A developer signed in with `az login` holds a user token; a workflow's identity is an app.
      'principal-type': claim(token, 'idtyp') === 'user' ? 'User' : 'ServicePrincipal'
    }),
    facts: [
      ...facts(
        ['principal id (oid)', oid ?? '(unknown: no access token was decoded)'],
        ['app id', claim(token, 'appid') ?? claim(token, 'azp') ?? client],
        ['tenant (tid)', claim(token, 'tid')]
      ),
      ...known
    ]
  }
}

export function apiKeySent(known: Fact[]): Diagnosis {
  return { ...say('api-key', 'default'), facts: known }
}

function isExpired(token: JwtClaims | undefined, now: number): boolean {
  return typeof token?.exp === 'number' && token.exp * 1000 <= now
}

/**
 * Azure OpenAI's one answer for every token it refuses, told apart by the token's claims: another
 * resource's audience (a wrong `scope`), expiry, or else its tenant or cloud.
 */
export function badToken(context: DiagnosisContext, known: Fact[]): Diagnosis {
  const { azure } = context
  const token = context.trace.accessToken
  const audience = firstAudience(token)
  const kase =
    audience !== undefined && !isOpenAIAudience(audience, azure.cloud)
      ? 'wrong-audience'
      : isExpired(token, context.now ?? Date.now())
        ? 'expired'
        : 'other'
  return {
    ...say('openai-401-unauthorized', kase, {
      audience: audience ?? '(unknown: no access token was decoded)',
      scope: azure.scope,
      cloud: azure.cloud,
      'cloud-scope': CLOUDS[azure.cloud].scope,
      'token-tenant': claim(token, 'tid') ?? '(unknown)'
    }),
    facts: [
      ...facts(
        ['token audience (aud)', audience ?? '(unknown: no access token was decoded)'],
        ['scope', azure.scope],
        ['cloud', azure.cloud],
        ['token tenant (tid)', claim(token, 'tid')],
        ['token expires (exp)', claimTime(token, 'exp')]
      ),
      ...known
    ]
  }
}

export function networkRules(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    ...say('openai-403-network-rules', 'default', {
      'account-name': resourceName(context.model.endpoint)
    }),
    facts: known
  }
}

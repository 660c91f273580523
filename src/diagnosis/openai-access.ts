/**
 * Azure OpenAI refusing the caller rather than the request: a regional endpoint, the missing
 * data-plane role, an api-key, a token for the wrong audience, network rules. Used by
 * openai.ts.
 */
import { CLOUDS, REGIONAL_ENDPOINT, RESOURCE_HOST_SUFFIXES } from '../settings.js'
import {
  block,
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

export function regional(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    entry: 'regional-endpoint',
    title: 'Regional endpoints do not accept Entra ID tokens',
    cause: `${context.model.endpoint} is a shared regional endpoint. Microsoft Entra ID authentication needs the resource’s own custom subdomain (https://NAME.openai.azure.com).`,
    fix: [
      'Give the resource a custom subdomain (a one-time, irreversible change), then use it as `endpoint`:',
      block(
        'az cognitiveservices account update --name ACCOUNT_NAME --resource-group RESOURCE_GROUP --custom-domain ACCOUNT_NAME'
      ),
      block('with:', '  endpoint: https://ACCOUNT_NAME.openai.azure.com')
    ].join('\n'),
    facts: known
  }
}

export function missingRole(context: DiagnosisContext, known: Fact[]): Diagnosis {
  const token = context.trace.accessToken
  const oid = claim(token, 'oid')
  const client = context.azure.clientId
  const assignee =
    oid ?? `$(az ad sp show --id ${shellArg(client ?? 'CLIENT_ID')} --query id -o tsv)`
  const name = resourceName(context.model.endpoint)
  return {
    entry: 'permissiondenied',
    title: `The identity lacks the Cognitive Services OpenAI User role on ${name}`,
    cause:
      'Azure OpenAI accepted the token, but its principal has no data-plane role on the resource. Owner or Contributor are not enough: calling a deployment needs Cognitive Services OpenAI User. A new role assignment takes about 5 minutes, sometimes longer, to apply.',
    fix: [
      'Assign the role on the resource, wait a few minutes, and re-run:',
      block(
        `az role assignment create --assignee-object-id ${assignee} --assignee-principal-type ServicePrincipal --role "Cognitive Services OpenAI User" --scope $(az cognitiveservices account show --name ${name} --resource-group RESOURCE_GROUP --query id -o tsv)`
      )
    ].join('\n'),
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
  return {
    entry: 'api-key',
    title: 'An API key got involved; this action is keyless',
    cause:
      'Azure OpenAI answered about an `api-key` (sent, or refused because key authentication is disabled), or the client refused to mix a key with the Entra token. This action authenticates with Entra ID tokens only; a key comes from the environment (AZURE_OPENAI_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL) or from a gateway that adds one. The answer “invalid subscription key or wrong API endpoint” also means the endpoint is not the resource’s own custom subdomain.',
    fix: `Remove AZURE_OPENAI_API_KEY, OPENAI_API_KEY and OPENAI_BASE_URL from the workflow's and job's \`env:\`; a gateway must forward the Authorization header unchanged and add no key; the \`endpoint\` must be https://NAME.openai.azure.com (or .cognitiveservices.azure.com).`,
    facts: known
  }
}

export function badToken(context: DiagnosisContext, known: Fact[]): Diagnosis {
  const token = context.trace.accessToken
  const expected = context.azure.scope.replace(/\/\.default$/, '')
  const audience = firstAudience(token)
  const normalize = (s: string): string => s.toLowerCase().replace(/\/+$/, '')
  const wrongAudience = audience !== undefined && normalize(audience) !== normalize(expected)
  const exp = typeof token?.exp === 'number' ? token.exp * 1000 : undefined
  const expired = exp !== undefined && exp <= (context.now ?? Date.now())
  const cloudScope = CLOUDS[context.azure.cloud].scope
  return {
    entry: 'openai-401-unauthorized',
    title: 'Azure OpenAI rejected the access token (401)',
    cause: wrongAudience
      ? `The token was issued for audience '${audience}', but the scope asked for '${context.azure.scope}'; Azure OpenAI accepts tokens for https://cognitiveservices.azure.com (.us / .cn in the other clouds).`
      : expired
        ? 'The token had expired when it reached Azure OpenAI.'
        : 'The token is missing, invalid, for another audience, or expired. If its audience is right, the resource may sit in another cloud or refuse tokens from this tenant.',
    fix: [
      'Remove the `scope` input (it follows `cloud`) or set it, and `cloud`, to the resource’s cloud:',
      block('with:', `  cloud: ${context.azure.cloud}`, `  scope: ${cloudScope}`)
    ].join('\n'),
    facts: [
      ...facts(
        ['token audience (aud)', audience ?? '(unknown: no access token was decoded)'],
        ['scope', context.azure.scope],
        ['cloud', context.azure.cloud],
        ['token tenant (tid)', claim(token, 'tid')],
        ['token expires (exp)', claimTime(token, 'exp')]
      ),
      ...known
    ]
  }
}

export function networkRules(context: DiagnosisContext, known: Fact[]): Diagnosis {
  const name = resourceName(context.model.endpoint)
  return {
    entry: 'openai-403-network-rules',
    title: `${name} does not accept traffic from this runner's network (403)`,
    cause:
      'The resource has public network access disabled or restricted to selected networks / private endpoints. GitHub-hosted runners come from changing public addresses.',
    fix: [
      'Run on a self-hosted runner inside the resource’s virtual network (private endpoint), or allow the runner’s static public IP:',
      block(
        `az cognitiveservices account network-rule add --name ${name} --resource-group RESOURCE_GROUP --ip-address RUNNER_PUBLIC_IP`
      )
    ].join('\n'),
    facts: known
  }
}

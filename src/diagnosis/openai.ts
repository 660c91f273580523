/**
 * Azure OpenAI's answers, explained: the missing data-plane role, a token for the wrong
 * audience, an api-key where none belongs, an unknown deployment or API path, network rules,
 * throttling, and requests the model refuses.
 *
 * The `openai` client wraps a body without an `error` member as `{ error: body }`, so:
 * `{"error":{"code":"PermissionDenied",…}}` → `.error` is the inner object, `.code` its code;
 * `{"statusCode":401,"message":"Unauthorized. …"}` → `.error` is that whole body, `.code` undefined.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  ContentFilterFinishReasonError
} from 'openai/core/error'
import {
  isRegional,
  apiKeySent,
  badToken,
  missingRole,
  networkRules,
  regional,
  resourceName
} from './openai-access.js'
import { diagnoseNetwork } from './network.js'
import {
  DEBUG_FIX,
  block,
  facts,
  field,
  hostOf,
  links,
  messageOf,
  stringField,
  untrusted,
  type Diagnosis,
  type DiagnosisContext,
  type Fact
} from './facts.js'

function modelFacts(context: DiagnosisContext): Fact[] {
  const { model } = context
  return facts(
    ['endpoint', model.endpoint],
    ['deployment', model.deployment],
    [
      'summary-deployment',
      model.summaryDeployment !== model.deployment ? model.summaryDeployment : undefined
    ],
    ['api-version', model.apiVersion ?? '(empty: the v1 API)']
  )
}

function answerFacts(error: APIError): Fact[] {
  const headers = error.headers
  return facts(
    ['status', error.status],
    ['code', error.code ? untrusted(error.code) : undefined],
    ['Azure OpenAI says', untrusted(stringField(error.error, 'message') ?? error.message)],
    ['request id', headers?.get('apim-request-id') ?? error.requestID ?? undefined]
  )
}

export function diagnoseOpenAI(error: unknown, context: DiagnosisContext): Diagnosis | undefined {
  const all = links(error)
  if (all.some((e) => e instanceof ContentFilterFinishReasonError)) {
    return contentFiltered([])
  }
  const ambient = all.map(messageOf).find((m) => /mutually exclusive/.test(m))
  if (ambient) return apiKeySent([...facts(['error', untrusted(ambient)]), ...modelFacts(context)])
  const api = all.find((e): e is APIError => e instanceof APIError)
  if (!api) return undefined
  if (api instanceof APIConnectionError) return connectionFailure(api, error, context)

  const status = api.status ?? 0
  const code = api.code ?? ''
  const said = stringField(api.error, 'message') ?? api.message
  const known = [...answerFacts(api), ...modelFacts(context)]
  if (isRegional(context.model.endpoint) && [401, 403, 404].includes(status)) {
    return regional(context, known)
  }
  if (
    (status === 401 || status === 403) &&
    (code === 'PermissionDenied' || /does not have access/i.test(said))
  ) {
    return missingRole(context, known)
  }
  if (
    status === 401 &&
    (code === 'AuthenticationTypeDisabled' || /key based|subscription key|api[- ]key/i.test(said))
  ) {
    return apiKeySent(known)
  }
  if (status === 401) return badToken(context, known)
  if (
    status === 403 &&
    /public (network )?access|virtual network|firewall|private endpoint/i.test(said)
  ) {
    return networkRules(context, known)
  }
  if (
    status === 404 &&
    (code === 'DeploymentNotFound' || /deployment .*does not exist/i.test(said))
  ) {
    return deploymentNotFound(context, known)
  }
  if (status === 404)
    return context.model.apiVersion ? classicNotFound(context, known) : v1NotFound(context, known)
  if (status === 429) return throttled(api, context, known)
  if (status >= 500) return serverFailure(status, known)
  if (code === 'context_length_exceeded') return tooLong(known)
  if (code === 'content_filter') return contentFiltered([...filteredCategories(api), ...known])
  return undefined
}

function connectionFailure(
  api: APIConnectionError,
  error: unknown,
  context: DiagnosisContext
): Diagnosis {
  const network = diagnoseNetwork(error, context)
  if (network) return network
  const timedOut = api instanceof APIConnectionTimeoutError
  return {
    entry: timedOut ? 'openai-timeout' : 'openai-unreachable',
    title: timedOut ? 'Azure OpenAI did not answer in time' : 'Could not connect to Azure OpenAI',
    cause: timedOut
      ? 'A request outlived the client’s timeout, retries included: the model was slow on a very large request, or the service was overloaded.'
      : `The request to ${hostOf(context.model.endpoint) ?? context.model.endpoint} got no HTTP answer.`,
    fix: timedOut
      ? `Re-run; if it recurs, send smaller requests:\n${block('with:', '  token-budget: 100000', '  concurrency: 2')}`
      : DEBUG_FIX,
    facts: [
      ...facts(['error', untrusted(messageOf(api.cause) || api.message)]),
      ...modelFacts(context)
    ]
  }
}

function deploymentNotFound(context: DiagnosisContext, known: Fact[]): Diagnosis {
  const name = resourceName(context.model.endpoint)
  return {
    entry: 'deploymentnotfound',
    title: `Deployment '${untrusted(context.model.deployment, 100)}' was not found on ${name}`,
    cause:
      'The resource has no deployment by this name. A deployment name is the one you chose when deploying, not necessarily the model’s name; a deployment created in the last 5 minutes may not be served yet.',
    fix: [
      'List the deployments and set the `deployment` input (and `summary-deployment`, if used) to one of them:',
      block(
        `az cognitiveservices account deployment list --name ${name} --resource-group RESOURCE_GROUP --query "[].name" -o tsv`
      )
    ].join('\n'),
    facts: known
  }
}

function classicNotFound(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    entry: 'api-version-not-found',
    title: `Azure OpenAI found no API at api-version ${untrusted(context.model.apiVersion ?? '', 60)} (404)`,
    cause:
      'The classic path {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=… was not found: this api-version is unknown to the resource, or `endpoint` is not the resource root (no path, no /openai).',
    fix: [
      'Use the GA version, or leave `api-version` empty for the v1 API, and give the resource root as endpoint:',
      block(
        'with:',
        '  api-version: 2024-10-21',
        `  endpoint: https://${resourceName(context.model.endpoint)}.openai.azure.com`
      )
    ].join('\n'),
    facts: known
  }
}

function v1NotFound(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    entry: 'v1-api-not-found',
    title: 'The endpoint does not serve the v1 API (404)',
    cause: `${context.model.endpoint}/openai/v1/chat/completions was not found. Gateways (an API Management path) and some resources expose only the classic API; or \`endpoint\` is not the resource root.`,
    fix: [
      'Use the classic API by setting an api-version:',
      block('with:', '  api-version: 2024-10-21')
    ].join('\n'),
    facts: known
  }
}

function throttled(api: APIError, context: DiagnosisContext, known: Fact[]): Diagnosis {
  const header = (name: string): string | undefined => api.headers?.get(name) ?? undefined
  return {
    entry: 'throttled-429',
    title: `Azure OpenAI kept throttling deployment '${untrusted(context.model.deployment, 100)}' (429)`,
    cause:
      'The deployment’s tokens-per-minute or requests-per-minute quota stayed exhausted through the client’s retries.',
    fix: [
      'Raise the deployment’s TPM quota (Azure AI Foundry → Deployments → Edit), or lower this action’s load:',
      block('with:', '  concurrency: 1', '  token-budget: 100000')
    ].join('\n'),
    facts: [
      ...known,
      ...facts(
        ['retry-after', header('retry-after')],
        ['remaining tokens', header('x-ratelimit-remaining-tokens')],
        ['remaining requests', header('x-ratelimit-remaining-requests')]
      )
    ]
  }
}

function serverFailure(status: number, known: Fact[]): Diagnosis {
  return {
    entry: 'openai-5xx',
    title: `Azure OpenAI failed with HTTP ${status}, retries included`,
    cause:
      'The service, or a gateway in front of it, kept failing: an outage or overload in the deployment’s region.',
    fix: 'Re-run later and check https://azure.status.microsoft/status; if it persists, deploy the model in another region and point `endpoint` / `deployment` at it.',
    facts: known
  }
}

function tooLong(known: Fact[]): Diagnosis {
  return {
    entry: 'context-length-exceeded',
    title: 'A request exceeded the model’s context window',
    cause: 'The prompt plus the requested output is longer than the deployment’s model accepts.',
    fix: [
      'Spend less per run, or leave large files out:',
      block('with:', '  token-budget: 100000', '  exclude: |', '    **/*.snap')
    ].join('\n'),
    facts: known
  }
}

function contentFiltered(known: Fact[]): Diagnosis {
  return {
    entry: 'content-filter',
    title: 'Azure OpenAI’s content filter blocked the request',
    cause:
      'The prompt (the pull request’s diff) or the completion tripped the deployment’s content filtering policy.',
    fix: [
      'Leave the triggering files out, or give the deployment a content filter configuration suited to code review (Azure AI Foundry → Guardrails + controls):',
      block('with:', '  exclude: |', '    path/to/file')
    ].join('\n'),
    facts: known
  }
}

/** The categories Azure flagged, from `innererror.content_filter_result`. */
function filteredCategories(api: APIError): Fact[] {
  const result = field(field(api.error, 'innererror'), 'content_filter_result')
  if (typeof result !== 'object' || result === null) return []
  const flagged = Object.entries(result as Record<string, unknown>)
    .filter(([, v]) => field(v, 'filtered') === true || field(v, 'detected') === true)
    .map(([k, v]) => {
      const severity = stringField(v, 'severity')
      return severity ? `${k} (${severity})` : k
    })
  return facts(['filtered categories', flagged.length ? untrusted(flagged.join(', ')) : undefined])
}

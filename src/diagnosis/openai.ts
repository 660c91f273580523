/**
 * Azure OpenAI's answers, explained: a redirect (never followed), the missing data-plane role,
 * a token for the wrong audience, an api-key where none belongs, a missing custom subdomain, a
 * gateway's refusal, an unknown deployment, API path or api-version, network rules, throttling,
 * and requests the model refuses.
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
import { say } from './catalogue.js'
import {
  CUSTOM_SUBDOMAIN_ANSWER,
  isRegional,
  apiKeySent,
  badToken,
  customSubdomain,
  missingRole,
  networkRules,
  regional,
  resourceName
} from './openai-access.js'
import { gatewayRefusal } from './openai-gateway.js'
import { diagnoseNetwork } from './network.js'
import {
  facts,
  field,
  hostOf,
  links,
  messageOf,
  seeMore,
  stringField,
  untrusted,
  whereOf,
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
  if (status >= 300 && status < 400) return redirected(api, context, known)
  if (isRegional(context.model.endpoint) && [401, 403, 404].includes(status)) {
    return regional(context, known)
  }
  // Whatever host passed it on, a gateway included, and before any answer about keys.
  if (CUSTOM_SUBDOMAIN_ANSWER.test(said)) return customSubdomain(context, known)
  const gateway = gatewayRefusal(api, context, known)
  if (gateway) return gateway
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
    return context.model.apiVersion
      ? apiVersionUnknown(status, context, known)
      : v1NotFound(context, known)
  if (status === 400 && API_VERSION_NOT_SUPPORTED.test(said)) {
    return apiVersionUnknown(status, context, known)
  }
  if (status === 429) return throttled(api, context, known)
  if (status >= 500) return serverFailure(status, known)
  if (code === 'context_length_exceeded') return tooLong(known)
  if (code === 'content_filter') return contentFiltered([...filteredCategories(api), ...known])
  return undefined
}

/** Azure OpenAI's 400 for an api-version the resource (or the API behind a gateway) does not serve. */
const API_VERSION_NOT_SUPPORTED = /API version not supported/i

function connectionFailure(
  api: APIConnectionError,
  error: unknown,
  context: DiagnosisContext
): Diagnosis {
  const network = diagnoseNetwork(error, context)
  if (network) return network
  const known = [
    ...facts(['error', untrusted(messageOf(api.cause) || api.message)]),
    ...modelFacts(context)
  ]
  if (api instanceof APIConnectionTimeoutError) {
    return { ...say('openai-timeout', 'default'), facts: known }
  }
  const host = hostOf(context.model.endpoint) ?? context.model.endpoint
  return {
    ...say('openai-unreachable', 'default', {
      host,
      'see-more': seeMore(whereOf(context.eventName))
    }),
    facts: known
  }
}

/** A 3xx: the client follows no redirect, so the prompt went to `endpoint` only. */
function redirected(api: APIError, context: DiagnosisContext, known: Fact[]): Diagnosis {
  const { endpoint, apiVersion, deployment } = context.model
  const url = apiVersion
    ? `${endpoint}/openai/deployments/${deployment}/chat/completions?api-version=${apiVersion}`
    : `${endpoint}/openai/v1/chat/completions`
  const location = api.headers?.get('location') ?? undefined
  let target = '(no Location header)'
  if (location) {
    try {
      target = new URL(location, endpoint).href
    } catch {
      target = location
    }
  }
  return {
    ...say('openai-redirect', 'default', {
      status: api.status ?? 0,
      url: untrusted(url, 300),
      location: untrusted(target, 300)
    }),
    facts: known
  }
}

function deploymentNotFound(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    ...say('deploymentnotfound', 'default', {
      deployment: untrusted(context.model.deployment, 100),
      'account-name': resourceName(context.model.endpoint)
    }),
    facts: known
  }
}

/** The same advice whether Azure OpenAI answers 404 or 400 "API version not supported". */
function apiVersionUnknown(status: number, context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    ...say('api-version-not-found', status === 400 ? 'not-supported' : 'not-found', {
      'api-version': untrusted(context.model.apiVersion ?? '(none: the v1 API)', 60),
      'account-name': resourceName(context.model.endpoint)
    }),
    facts: known
  }
}

function v1NotFound(context: DiagnosisContext, known: Fact[]): Diagnosis {
  return {
    ...say('v1-api-not-found', 'default', { endpoint: context.model.endpoint }),
    facts: known
  }
}

function throttled(api: APIError, context: DiagnosisContext, known: Fact[]): Diagnosis {
  const header = (name: string): string | undefined => api.headers?.get(name) ?? undefined
  return {
    ...say('throttled-429', 'default', { deployment: untrusted(context.model.deployment, 100) }),
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
  return { ...say('openai-5xx', 'default', { status }), facts: known }
}

function tooLong(known: Fact[]): Diagnosis {
  return { ...say('context-length-exceeded', 'default'), facts: known }
}

function contentFiltered(known: Fact[]): Diagnosis {
  return { ...say('content-filter', 'default'), facts: known }
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

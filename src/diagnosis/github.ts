/**
 * GitHub's side of the chain: the ID token request (`core.getIDToken`, which keeps only the
 * text of what went wrong) and the REST API (`@octokit/request-error`'s RequestError).
 */
import { say } from './catalogue.js'
import { diagnoseNetwork } from './network.js'
import {
  allMessages,
  facts,
  field,
  links,
  numberField,
  seeMore,
  stringField,
  untrusted,
  whereOf,
  type Diagnosis,
  type DiagnosisContext,
  type Fact
} from './facts.js'

const MISSING_VARIABLE = /Unable to get (ACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN)) env variable/
const TOKEN_REQUEST_FAILED =
  /Failed to get ID Token\.[\s\S]*?Error Code\s*:\s*(\w+)[\s\S]*?Error Message:\s*(.*)/
const NO_TOKEN_FIELD = /do not have ID Token field/

function runFacts(context: DiagnosisContext): Fact[] {
  return facts(
    ['event', context.eventName],
    ['actor', context.actor],
    ['repository', context.repository],
    ['pull request from a fork', context.isFork ? 'yes' : undefined]
  )
}

const isDependabot = (context: DiagnosisContext): boolean => context.actor === 'dependabot[bot]'
const isForkPullRequest = (context: DiagnosisContext): boolean =>
  context.isFork === true && context.eventName === 'pull_request'

/** A failure of `core.getIDToken`, recognised by its text at whatever stage it surfaced. */
export function diagnoseIdToken(error: unknown, context: DiagnosisContext): Diagnosis | undefined {
  const text = allMessages(error)
  const missing = MISSING_VARIABLE.exec(text)
  if (missing) return noIdTokenPermission(context, missing[1] ?? 'ACTIONS_ID_TOKEN_REQUEST_URL')
  const failed = TOKEN_REQUEST_FAILED.exec(text)
  if (failed) {
    const status = Number(failed[1])
    const detail = untrusted(failed[2] ?? '')
    if (!Number.isInteger(status)) {
      return (
        diagnoseNetwork(error, { ...context, stage: 'github-oidc' }) ??
        idTokenServiceFailure(context, 'no HTTP answer', detail)
      )
    }
    if (status === 401 || status === 403) return idTokenRefused(context, status, detail)
    return idTokenServiceFailure(context, `HTTP ${status}`, detail)
  }
  if (NO_TOKEN_FIELD.test(text)) {
    return idTokenServiceFailure(context, 'an answer without a token', untrusted(text))
  }
  return undefined
}

function noIdTokenPermission(context: DiagnosisContext, variable: string): Diagnosis {
  const known = [...facts(['missing variable', variable]), ...runFacts(context)]
  if (isDependabot(context)) return { ...say('dependabot', 'default'), facts: known }
  if (isForkPullRequest(context)) return { ...say('forks', 'default'), facts: known }
  return { ...say('id-token-write', 'missing', { variable }), facts: known }
}

function idTokenRefused(context: DiagnosisContext, status: number, detail: string): Diagnosis {
  return {
    ...say('id-token-write', 'refused', { status }),
    facts: [
      ...facts(['status', status], ['audience', context.azure.audience], ['error', detail]),
      ...runFacts(context)
    ]
  }
}

function idTokenServiceFailure(context: DiagnosisContext, what: string, detail: string): Diagnosis {
  return {
    ...say('id-token-service', 'default', { what }),
    facts: [...facts(['audience', context.azure.audience], ['error', detail]), ...runFacts(context)]
  }
}

/** An HTTP answer from the GitHub REST API (octokit's RequestError, whose name is HttpError). */
export function diagnoseGitHubApi(
  error: unknown,
  context: DiagnosisContext
): Diagnosis | undefined {
  const failure = links(error).find(
    (e) => stringField(e, 'name') === 'HttpError' && typeof field(e, 'status') === 'number'
  )
  const response = field(failure, 'response')
  // Without a response the request never got an answer: a network failure, diagnosed as such.
  if (!failure || response === undefined) return undefined
  const status = numberField(failure, 'status') ?? 0
  const message = untrusted(
    stringField(field(response, 'data'), 'message') ?? stringField(failure, 'message') ?? ''
  )
  const request = field(failure, 'request')
  const url = stringField(request, 'url')
  const known = [
    ...facts(
      ['status', status],
      ['GitHub says', message],
      ['request', url ? untrusted(`${stringField(request, 'method') ?? ''} ${url}`) : undefined]
    ),
    ...runFacts(context)
  ]
  const headers = field(response, 'headers')
  // "Could not post the summary comment: …" when the run said what it was doing.
  const framed = (wording: ReturnType<typeof say>): ReturnType<typeof say> =>
    context.doing ? { ...wording, title: `Could not ${context.doing}: ${wording.title}` } : wording
  if (status === 401) {
    const where = whereOf(context.eventName) === 'cli' ? 'cli' : 'default'
    return { ...framed(say('github-401', where)), facts: known }
  }
  if ((status === 403 || status === 429) && isRateLimited(message, headers)) {
    const reset = Number(stringField(headers, 'x-ratelimit-reset'))
    return {
      ...framed(say('github-rate-limit', 'default', { status })),
      facts: [
        ...known,
        ...facts(['resets at', reset > 0 ? new Date(reset * 1000).toISOString() : undefined])
      ]
    }
  }
  if (status === 403) {
    const readOnly = isForkPullRequest(context) || isDependabot(context)
    return { ...framed(say('github-403', readOnly ? 'read-only' : 'permission')), facts: known }
  }
  if (status === 404) return { ...framed(say('github-404', 'default')), facts: known }
  return {
    ...framed(
      say('github-other', 'default', {
        status,
        'see-more': seeMore(whereOf(context.eventName)),
        'github-says': message || 'GitHub refused the request.'
      })
    ),
    facts: known
  }
}

function isRateLimited(message: string, headers: unknown): boolean {
  return /rate limit/i.test(message) || stringField(headers, 'x-ratelimit-remaining') === '0'
}

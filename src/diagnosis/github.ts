/**
 * GitHub's side of the chain: the ID token request (`core.getIDToken`, which keeps only the
 * text of what went wrong) and the REST API (`@octokit/request-error`'s RequestError).
 */
import { diagnoseNetwork } from './network.js'
import {
  DEBUG_FIX,
  allMessages,
  block,
  facts,
  field,
  links,
  numberField,
  stringField,
  untrusted,
  type Diagnosis,
  type DiagnosisContext,
  type Fact
} from './facts.js'

const PERMISSIONS_YAML = block(
  'permissions:',
  '  id-token: write',
  '  contents: read',
  '  pull-requests: write'
)

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
  if (isDependabot(context)) {
    return {
      entry: 'dependabot',
      title: 'Dependabot runs get no GitHub ID token',
      cause:
        'GitHub gives workflows triggered by Dependabot a read-only GITHUB_TOKEN and never an ID token, whatever `permissions:` says, so there is nothing to present to Entra ID.',
      fix: [
        "Skip Dependabot's runs on the job, and have a maintainer comment `/review` on the pull request when a review is wanted (that run is the maintainer's, on issue_comment, and gets the permissions):",
        block("if: github.actor != 'dependabot[bot]'")
      ].join('\n'),
      facts: known
    }
  }
  if (isForkPullRequest(context)) {
    return {
      entry: 'forks',
      title: 'A pull request from a fork gets no GitHub ID token on pull_request',
      cause:
        'On the `pull_request` event GitHub runs fork pull requests with a read-only token and never grants `id-token: write`, so keyless sign-in is impossible for them.',
      fix: [
        'Let a maintainer comment `/review` on the pull request (runs on issue_comment), or review forks automatically on `pull_request_target` with `allow-forks: true` (this action never checks out or runs the PR’s code, but anyone opening a PR then spends your quota):',
        block(
          'on:',
          '  pull_request_target:',
          '  issue_comment:',
          '    types: [created]',
          'permissions:',
          '  id-token: write',
          '  contents: read',
          '  pull-requests: write',
          '# and on the step:',
          'with:',
          '  allow-forks: true'
        )
      ].join('\n'),
      facts: known
    }
  }
  return {
    entry: 'id-token-write',
    title: 'The job may not request a GitHub ID token (id-token: write is missing)',
    cause: `core.getIDToken found no ${variable}: GitHub sets it only for jobs granted \`id-token: write\`. A job-level \`permissions:\` block replaces the workflow's, and a reusable workflow gets only what its caller grants.`,
    fix: `Grant it on the job that runs this action (or on the calling workflow):\n${PERMISSIONS_YAML}`,
    facts: known
  }
}

function idTokenRefused(context: DiagnosisContext, status: number, detail: string): Diagnosis {
  return {
    entry: 'id-token-write',
    title: `GitHub refused to mint an ID token (HTTP ${status})`,
    cause:
      "The runner's token service refused the ID token request. The job is not granted `id-token: write` (a job-level `permissions:` block replaces the workflow's; a reusable workflow's caller must grant it), or an organization or enterprise policy forbids it.",
    fix: `Grant it on the job that runs this action, and check the organization's Actions policy:\n${PERMISSIONS_YAML}`,
    facts: [
      ...facts(['status', status], ['audience', context.azure.audience], ['error', detail]),
      ...runFacts(context)
    ]
  }
}

function idTokenServiceFailure(context: DiagnosisContext, what: string, detail: string): Diagnosis {
  return {
    entry: 'id-token-service',
    title: `The GitHub ID token request failed (${what})`,
    cause:
      "The runner's token service did not return an ID token. This is usually a transient GitHub problem.",
    fix: `Re-run the job; if it persists, check https://www.githubstatus.com. ${DEBUG_FIX}`,
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
  const title = (what: string): string =>
    context.doing ? `Could not ${context.doing}: ${what}` : what
  if (status === 401) {
    return {
      entry: 'github-401',
      title: title('GitHub rejected the github-token (401 Bad credentials)'),
      cause:
        'The token in the `github-token` input is not accepted by GitHub: expired, revoked, or not a token at all.',
      fix: [
        'Remove the `github-token` input to use the job’s own token, or pass a valid one from a secret:',
        block('with:', '  github-token: ${{ secrets.YOUR_TOKEN }}')
      ].join('\n'),
      facts: known
    }
  }
  if ((status === 403 || status === 429) && isRateLimited(message, headers)) {
    const reset = Number(stringField(headers, 'x-ratelimit-reset'))
    return {
      entry: 'github-rate-limit',
      title: title(`GitHub's API rate limit was hit (${status})`),
      cause: 'The token used up its GitHub API rate limit, or tripped a secondary rate limit.',
      fix: 'Re-run after the reset time; avoid running the action on many pull requests at once.',
      facts: [
        ...known,
        ...facts(['resets at', reset > 0 ? new Date(reset * 1000).toISOString() : undefined])
      ]
    }
  }
  if (status === 403) {
    const readOnly = isForkPullRequest(context) || isDependabot(context)
    return {
      entry: 'github-403',
      title: title('github-token may not do this (403)'),
      cause: readOnly
        ? 'This run has a read-only GITHUB_TOKEN: GitHub never grants write permissions to fork pull requests on `pull_request` or to Dependabot runs.'
        : 'GitHub answered “Resource not accessible by integration”: the job’s token lacks a permission. Commenting and reviewing need `pull-requests: write`; a job-level `permissions:` block replaces the workflow’s, so every permission the job needs must be listed there.',
      fix: readOnly
        ? 'Have a maintainer comment `/review` on the pull request, or run on `pull_request_target` with `allow-forks: true`.'
        : `Grant the permission on the job (if github-token is a personal access token, give it the same access):\n${PERMISSIONS_YAML}`,
      facts: known
    }
  }
  if (status === 404) {
    return {
      entry: 'github-404',
      title: title('GitHub answered 404 Not Found'),
      cause:
        'The repository or pull request does not exist or is not visible to the token: `pr-number` may name no pull request of this repository, or the `github-token` (a fine-grained token must list this repository) cannot see it.',
      fix: 'Check the `pr-number` input, and that the `github-token` has access to the repository; without the input the job’s own token is used.',
      facts: known
    }
  }
  return {
    entry: 'github-other',
    title: title(`GitHub API answered ${status}`),
    cause: message || 'GitHub refused the request.',
    fix: DEBUG_FIX,
    facts: known
  }
}

function isRateLimited(message: string, headers: unknown): boolean {
  return /rate limit/i.test(message) || stringField(headers, 'x-ratelimit-remaining') === '0'
}

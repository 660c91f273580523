/** What the runner tells us about this run: event, repository, actor. Read once, from env. */
import * as github from '@actions/github'

/** Where the action's docs live when the runner does not say which copy of the action runs. */
const HOME_REPOSITORY = 'keyless-pr-review/keyless-pr-review'

export interface RunContext {
  readonly eventName: string
  readonly owner: string
  readonly repo: string
  readonly actor: string
  /** The event's payload as GitHub sent it: untrusted data. */
  readonly payload: Readonly<Record<string, unknown>>
  readonly serverUrl: string
  readonly runUrl: string
  /** docs/troubleshooting.md of the version of the action that runs, for links in errors. */
  readonly troubleshootingUrl: string
}

export function readRunContext(): RunContext {
  const { context } = github
  const [owner = '', repo = ''] = (process.env['GITHUB_REPOSITORY'] ?? '').split('/')
  return {
    eventName: context.eventName,
    owner,
    repo,
    actor: context.actor,
    payload: context.payload,
    serverUrl: context.serverUrl,
    runUrl: `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`,
    troubleshootingUrl: troubleshootingUrl()
  }
}

/**
 * The runner names the action's repository and ref (GITHUB_ACTION_REPOSITORY / _REF) for
 * `uses: owner/name@ref`; a local `uses: ./` leaves them empty, and the home repository's main
 * branch is the best guess.
 */
export function troubleshootingUrl(): string {
  const repository = process.env['GITHUB_ACTION_REPOSITORY'] || HOME_REPOSITORY
  const ref = process.env['GITHUB_ACTION_REF'] || 'main'
  return `https://github.com/${repository}/blob/${ref}/docs/troubleshooting.md`
}

/** A pull request whose head lives in another repository (a fork). */
export function isForkPullRequest(payload: Readonly<Record<string, unknown>>): boolean {
  const pr = payload['pull_request'] as
    | { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
    | undefined
  if (!pr) return false
  const head = pr.head?.repo?.full_name
  return head === undefined || head !== pr.base?.repo?.full_name
}

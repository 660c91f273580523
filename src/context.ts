/** What the runner tells us about this run: event, repository, actor. Read once, from env. */
import * as github from '@actions/github'

export interface RunContext {
  readonly eventName: string
  readonly owner: string
  readonly repo: string
  readonly actor: string
  /** The event's payload as GitHub sent it: untrusted data. */
  readonly payload: Readonly<Record<string, unknown>>
  readonly serverUrl: string
  readonly runUrl: string
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
    runUrl: `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`
  }
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

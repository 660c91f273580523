/**
 * Event → what to do, as a pure function of the Config and the run's context
 * (docs/architecture.md, "Triggers").
 * Nothing here touches the network: a command's permission check is left to the caller,
 * flagged by `needsPermissionCheck`.
 */
import type { Config, Mode } from '../settings.js'
import { isForkPullRequest, type RunContext } from '../context.js'
import { hasOurMarker } from '../post/markers.js'
import type { Task } from '../pull-request.js'

export type Decision =
  | {
      readonly kind: 'skip'
      /** One line, saying how to change the outcome where one can. */
      readonly reason: string
      /** Show it in the run summary (core.notice), not only in the log. */
      readonly notice?: boolean
    }
  | {
      readonly kind: 'run'
      readonly prNumber: number
      readonly tasks: Task[]
      /** Extra reviewer guidance from a command comment; '' otherwise. */
      readonly guidance: string
      readonly source: 'event' | 'command' | 'dispatch' | 'input'
      readonly command?: { readonly commentId: number; readonly user: string }
      readonly needsPermissionCheck: boolean
    }

const PR_ACTIONS = ['opened', 'reopened', 'ready_for_review', 'synchronize'] as const
const SUPPORTED_EVENTS = 'pull_request, pull_request_target, issue_comment, workflow_dispatch'
/** Guidance beyond this is cut: it goes into every prompt of the run. */
export const MAX_GUIDANCE_CHARS = 2000

const COMMAND = /^\/(review|summarize)(?=\s|$)/i

export function decide(config: Config, run: RunContext): Decision {
  // main.ts runs the check itself and never asks what to do; reaching here is a bug.
  if (config.mode === 'check') throw new Error('decide() is not for mode check')
  switch (run.eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return decidePullRequest(config, run)
    case 'issue_comment':
      return decideComment(run)
    case 'workflow_dispatch':
      if (config.prNumber === undefined) {
        return skip(
          'workflow_dispatch carries no pull request; set the pr-number input (pr-number: ${{ inputs.pr-number }})',
          true
        )
      }
      return runOn(config.prNumber, tasksFor(config.mode), 'dispatch')
    default:
      if (config.prNumber !== undefined) {
        return runOn(config.prNumber, tasksFor(config.mode), 'input')
      }
      return skip(
        `event '${run.eventName}' carries no pull request; set the pr-number input, or trigger on ${SUPPORTED_EVENTS}`,
        true
      )
  }
}

export function tasksFor(mode: Mode): Task[] {
  switch (mode) {
    case 'both':
      return ['summary', 'review']
    case 'summary':
      return ['summary']
    case 'review':
      return ['review']
    case 'check':
      throw new Error('mode check has no tasks')
  }
}

interface PullPayload {
  number?: unknown
  state?: unknown
  draft?: unknown
  merged?: unknown
  merged_at?: unknown
}

function decidePullRequest(config: Config, run: RunContext): Decision {
  const event = run.eventName
  const action = stringOf(run.payload['action'])
  if (!(PR_ACTIONS as readonly string[]).includes(action)) {
    return skip(
      `${event} action '${action}' is not one this action handles (${PR_ACTIONS.join(', ')})`
    )
  }
  const pr = (run.payload['pull_request'] ?? {}) as PullPayload
  const number = positiveInteger(pr.number ?? run.payload['number'])
  if (number === undefined) return skip(`${event} payload names no pull request number`)

  const closed = closedReason(number, pr.state, pr.merged === true || Boolean(pr.merged_at))
  if (closed) return skip(closed)

  if (event === 'pull_request' && run.actor === 'dependabot[bot]') {
    return skip(
      `PR #${number} skipped: runs triggered by Dependabot on pull_request get no ID token and no secrets; a maintainer can comment /review on the PR instead`,
      true
    )
  }
  if (isForkPullRequest(run.payload)) {
    if (event === 'pull_request') {
      return skip(
        `PR #${number} comes from a fork: on pull_request, GitHub gives fork PRs no ID token and a read-only token, so nothing can be posted. Either a maintainer comments /review on the PR, or run on pull_request_target with allow-forks: true (cost: anyone can open a PR and spend model tokens; the action never checks out PR code)`,
        true
      )
    }
    if (!config.allowForks) {
      return skip(
        `PR #${number} comes from a fork and allow-forks is false; set allow-forks: true to review fork PRs automatically (cost: anyone can open a PR and spend model tokens; the action never checks out PR code), or a maintainer comments /review on the PR`,
        true
      )
    }
  }
  if (pr.draft === true && !config.reviewDrafts) {
    return skip(
      `draft PR #${number} skipped; set review-drafts: true to review drafts, or mark the PR ready for review`
    )
  }
  return runOn(number, tasksFor(config.mode), 'event')
}

interface CommentPayload {
  id?: unknown
  body?: unknown
  user?: { login?: unknown; type?: unknown } | null
}

interface IssuePayload {
  number?: unknown
  state?: unknown
  pull_request?: { merged_at?: unknown } | null
}

function decideComment(run: RunContext): Decision {
  const action = stringOf(run.payload['action'])
  if (action !== 'created') {
    return skip(`issue_comment action '${action}' is ignored; only new comments are commands`)
  }
  const issue = (run.payload['issue'] ?? {}) as IssuePayload
  const number = positiveInteger(issue.number)
  if (!issue.pull_request || number === undefined) {
    return skip('comment is on an issue, not a pull request')
  }
  const comment = (run.payload['comment'] ?? {}) as CommentPayload
  const login = stringOf(comment.user?.login)
  if (comment.user?.type === 'Bot' || login.endsWith('[bot]')) {
    return skip(`comment by bot '${login}' is ignored; commands come from people`)
  }
  const body = stringOf(comment.body)
  if (hasOurMarker(body)) return skip('comment was written by this action')

  const command = parseCommand(body)
  const commentId = positiveInteger(comment.id)
  if (!command || commentId === undefined || login === '') {
    return skip('comment is not a /review or /summarize command')
  }
  const closed = closedReason(number, issue.state, Boolean(issue.pull_request.merged_at))
  if (closed) return skip(closed)

  return {
    kind: 'run',
    prNumber: number,
    tasks: command.tasks,
    guidance: command.guidance,
    source: 'command',
    command: { commentId, user: login },
    needsPermissionCheck: true
  }
}

/**
 * The command on the comment's first non-empty line: `/review` or `/summarize` as a whole
 * word, any case. The rest of that line and every line after it are extra guidance.
 */
export function parseCommand(body: string): { tasks: Task[]; guidance: string } | undefined {
  const lines = body.split(/\r?\n/)
  const first = lines.findIndex((line) => line.trim() !== '')
  if (first < 0) return undefined
  const line = (lines[first] ?? '').trimStart()
  const match = COMMAND.exec(line)
  if (!match) return undefined
  const tasks: Task[] = match[1]?.toLowerCase() === 'review' ? ['review'] : ['summary']
  const guidance = [line.slice(match[0].length), ...lines.slice(first + 1)]
    .join('\n')
    .trim()
    .slice(0, MAX_GUIDANCE_CHARS)
    .trimEnd()
  return { tasks, guidance }
}

/** One log line: what the event asks for, or why nothing is done. */
export function describeDecision(run: RunContext, decision: Decision): string {
  if (decision.kind === 'skip') return `Nothing to do: ${decision.reason}`
  const action = stringOf(run.payload['action'])
  const by = decision.command ? `, asked by @${decision.command.user}` : ''
  return `${run.eventName}${action ? ` (${action})` : ''} on pull request #${decision.prNumber}: ${decision.tasks.join(' and ')}${by}.`
}

function closedReason(number: number, state: unknown, merged: boolean): string | undefined {
  if (merged) return `PR #${number} is already merged; there is nothing left to review`
  if (state === 'closed') return `PR #${number} is closed; reopen it to have it reviewed`
  return undefined
}

function runOn(prNumber: number, tasks: Task[], source: 'event' | 'dispatch' | 'input'): Decision {
  return { kind: 'run', prNumber, tasks, guidance: '', source, needsPermissionCheck: false }
}

function skip(reason: string, notice = false): Decision {
  return notice ? { kind: 'skip', reason, notice } : { kind: 'skip', reason }
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined
}

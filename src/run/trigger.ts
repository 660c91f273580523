/**
 * Event → what to do, as a pure function of the Config and the run's context
 * (docs/architecture.md, "Triggers").
 * Nothing here touches the network: a command's permission check is left to the caller,
 * flagged by `needsPermissionCheck`.
 */
import { commandList, parseCommand } from '../commands.js'
import type { Config, Mode } from '../settings.js'
import { isForkPullRequest, type RunContext } from '../context.js'
import { hasOurMarker } from '../post/markers.js'
import type { Side, Task } from '../pull-request.js'

/** Who asked, on which comment: the permission gate, the reactions and the reply go there. */
export interface CommandOrigin {
  readonly commentId: number
  readonly user: string
  /** The comment's page, for a reply to link to. */
  readonly url?: string
  /** Set when the comment sits in a review thread on a diff line: the reply goes to the thread. */
  readonly thread?: ThreadRef
}

/** A review thread, as the comment's event describes it. */
export interface ThreadRef {
  /** The thread's first comment: replies are posted to it (GitHub threads are one level deep). */
  readonly topId: number
  readonly path: string
  /** The line the thread sits on; undefined once the line left the diff (an outdated thread). */
  readonly line: number | undefined
  readonly side: Side
  /** The hunk GitHub shows above the thread. */
  readonly diffHunk: string
  /** A reply without a command: answered only in a thread the action started. */
  readonly replyOnly: boolean
}

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
      readonly command?: CommandOrigin
      readonly needsPermissionCheck: boolean
    }
  | {
      /** `/ask`, or a reply in a thread: answered by one model request. */
      readonly kind: 'ask'
      readonly prNumber: number
      readonly question: string
      readonly command: CommandOrigin
      readonly needsPermissionCheck: true
    }
  | {
      /** `/help`: the commands and the configuration, no model call. */
      readonly kind: 'help'
      readonly prNumber: number
      readonly command: CommandOrigin
      readonly needsPermissionCheck: true
    }

const PR_ACTIONS = ['opened', 'reopened', 'ready_for_review', 'synchronize'] as const
const SUPPORTED_EVENTS =
  'pull_request, pull_request_target, issue_comment, pull_request_review_comment, workflow_dispatch'
/** Guidance beyond this is cut: it goes into every prompt of the run. */
export const MAX_GUIDANCE_CHARS = 2000

/**
 * A command word at the start of a line, after at most three spaces: four columns of
 * indentation (a tab is four) make an indented code block, which GitHub shows as code.
 */
/** A question longer than this is cut: it goes into the prompt. */
const MAX_QUESTION_CHARS = 4000

export function decide(config: Config, run: RunContext): Decision {
  // main.ts runs the check itself and never asks what to do; reaching here is a bug.
  if (config.mode === 'check') throw new Error('decide() is not for mode check')
  switch (run.eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return decidePullRequest(config, run)
    case 'issue_comment':
      return decideComment(run)
    case 'pull_request_review_comment':
      return decideReviewComment(config, run)
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

function tasksFor(mode: Mode): Task[] {
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
  html_url?: unknown
  user?: { login?: unknown; type?: unknown } | null
}

interface IssuePayload {
  number?: unknown
  state?: unknown
  pull_request?: { merged_at?: unknown } | null
}

/** Why a comment's author is not answered, if so: bots (and this action) never are. */
function ignoredAuthor(comment: CommentPayload): string | undefined {
  const login = stringOf(comment.user?.login)
  if (comment.user?.type === 'Bot' || login.endsWith('[bot]')) {
    return `comment by bot '${login}' is ignored; commands come from people`
  }
  if (hasOurMarker(stringOf(comment.body))) return 'comment was written by this action'
  return undefined
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
  const ignored = ignoredAuthor(comment)
  if (ignored) return skip(ignored)

  const login = stringOf(comment.user?.login)
  const command = parseCommand(stringOf(comment.body))
  const commentId = positiveInteger(comment.id)
  if (!command || commentId === undefined || login === '') {
    return skip(`comment is not a ${commandList()} command`)
  }
  const closed = closedReason(number, issue.state, Boolean(issue.pull_request.merged_at))
  if (closed) return skip(closed)

  const origin = originOf(comment, commentId, login)
  switch (command.name) {
    case 'help':
      return { kind: 'help', prNumber: number, command: origin, needsPermissionCheck: true }
    case 'ask':
      return askOrExplain(number, command.text, origin)
    case 'review':
    case 'summarize':
      return {
        kind: 'run',
        prNumber: number,
        tasks: command.name === 'review' ? ['review'] : ['summary'],
        guidance: command.text.slice(0, MAX_GUIDANCE_CHARS).trimEnd(),
        source: 'command',
        command: origin,
        needsPermissionCheck: true
      }
  }
}

interface ReviewCommentPayload extends CommentPayload {
  in_reply_to_id?: unknown
  path?: unknown
  line?: unknown
  side?: unknown
  diff_hunk?: unknown
}

/**
 * A comment on a diff line: `/ask` (or `/help`) anywhere, and by default any reply in a thread
 * (whether the action started that thread is checked against the API before anything else).
 */
function decideReviewComment(config: Config, run: RunContext): Decision {
  const action = stringOf(run.payload['action'])
  if (action !== 'created') {
    return skip(
      `pull_request_review_comment action '${action}' is ignored; only new comments are questions`
    )
  }
  const pr = (run.payload['pull_request'] ?? {}) as PullPayload
  const number = positiveInteger(pr.number)
  if (number === undefined) return skip('pull_request_review_comment payload names no pull request')
  const comment = (run.payload['comment'] ?? {}) as ReviewCommentPayload
  const ignored = ignoredAuthor(comment)
  if (ignored) return skip(ignored)

  const login = stringOf(comment.user?.login)
  const commentId = positiveInteger(comment.id)
  const path = stringOf(comment.path)
  if (commentId === undefined || login === '' || path === '') {
    return skip('pull_request_review_comment payload lacks the comment, its author or its file')
  }
  const body = stringOf(comment.body)
  const command = parseCommand(body)
  const topId = positiveInteger(comment.in_reply_to_id)
  const replyOnly = !command && topId !== undefined
  if (!command && !replyOnly)
    return skip(`review comment is not a ${commandList('either')} command`)
  if (replyOnly && !config.answerReplies) {
    return skip('replies in review threads are answered only after /ask (answer-replies: false)')
  }
  if (command?.name === 'review' || command?.name === 'summarize') {
    return skip(
      `/${command.name} works in the pull request's conversation, not in a review thread; comment it there`,
      true
    )
  }
  const closed = closedReason(number, pr.state, pr.merged === true || Boolean(pr.merged_at))
  if (closed) return skip(closed)
  if (isForkPullRequest(run.payload)) {
    return skip(
      `PR #${number} comes from a fork: on pull_request_review_comment, GitHub gives fork PRs no ID token and a read-only token, so nothing can be answered; ask with /ask in the pull request's conversation instead`,
      true
    )
  }
  const origin: CommandOrigin = {
    ...originOf(comment, commentId, login),
    thread: {
      topId: topId ?? commentId,
      path,
      line: positiveInteger(comment.line),
      side: comment.side === 'LEFT' ? 'LEFT' : 'RIGHT',
      diffHunk: stringOf(comment.diff_hunk),
      replyOnly
    }
  }
  if (command?.name === 'help') {
    return { kind: 'help', prNumber: number, command: origin, needsPermissionCheck: true }
  }
  return askOrExplain(number, command ? command.text : body.trim(), origin)
}

function originOf(comment: CommentPayload, commentId: number, user: string): CommandOrigin {
  const url = stringOf(comment.html_url)
  return url.startsWith('https://') ? { commentId, user, url } : { commentId, user }
}

function askOrExplain(prNumber: number, text: string, command: CommandOrigin): Decision {
  if (text === '') {
    return skip('/ask needs a question after it, e.g. "/ask why is the retry loop bounded?"', true)
  }
  return {
    kind: 'ask',
    prNumber,
    question: text.slice(0, MAX_QUESTION_CHARS).trimEnd(),
    command,
    needsPermissionCheck: true
  }
}

/** One log line: what the event asks for, or why nothing is done. */
export function describeDecision(run: RunContext, decision: Decision): string {
  if (decision.kind === 'skip') return `Nothing to do: ${decision.reason}`
  const action = stringOf(run.payload['action'])
  const by = decision.command ? `, asked by @${decision.command.user}` : ''
  const what =
    decision.kind === 'run'
      ? decision.tasks.join(' and ')
      : decision.kind === 'help'
        ? 'help'
        : decision.command.thread?.replyOnly
          ? 'a reply in a review thread'
          : 'a question'
  return `${run.eventName}${action ? ` (${action})` : ''} on pull request #${decision.prNumber}: ${what}${by}.`
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

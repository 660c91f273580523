/**
 * Comment commands around the work: a reply in a review thread is answered only in a thread the
 * action started; a command runs only for a user whose repository permission (asked of the
 * API) meets `min-permission`; and reactions tell them it was seen (👀), done (🚀) or failed (😕).
 */
import * as core from '@actions/core'
import type { GitHubClient } from '../github/client.js'
import { hasPermission, react, type CommentRef } from '../github/commands.js'
import { readThread, startedByUs } from '../github/threads.js'
import type { RepoRef } from '../pull-request.js'
import type { Config } from '../settings.js'
import type { CommandOrigin, Decision } from './trigger.js'

/** The decision, or a skip (with a 😕 reaction) when the commenter may not command. */
export async function authorize(
  config: Config,
  decision: Decision,
  github: GitHubClient,
  repo: RepoRef
): Promise<Decision> {
  if (decision.kind === 'skip' || !decision.needsPermissionCheck || !decision.command) {
    return decision
  }
  const { user, thread } = decision.command
  // Humans talk among themselves in their own threads: no reaction, no permission lookup.
  if (thread?.replyOnly) {
    const found = await readThread(github, repo, decision.prNumber, thread.topId)
    if (!startedByUs(found)) {
      return {
        kind: 'skip',
        reason:
          'reply in a review thread the action did not start; start a comment with /ask to ask'
      }
    }
  }
  const permission = await hasPermission(github, repo, user, config.minPermission)
  core.info(`@${user} has '${permission.actual}' permission on ${repo.owner}/${repo.repo}.`)
  if (permission.allowed) return decision
  await react(github, repo, commentRef(decision.command), 'confused')
  return {
    kind: 'skip',
    reason: `@${user} has '${permission.actual}' permission; commands need '${config.minPermission}' or higher (min-permission input).`,
    notice: true
  }
}

/** Runs `work` between 👀 and 🚀 (or 😕 when it fails) on the command's comment, if any. */
export async function withReactions<T>(
  github: GitHubClient,
  repo: RepoRef,
  command: CommandOrigin | undefined,
  work: () => Promise<T>
): Promise<T> {
  if (command === undefined) return work()
  const comment = commentRef(command)
  await react(github, repo, comment, 'eyes')
  try {
    const result = await work()
    await react(github, repo, comment, 'rocket')
    return result
  } catch (error) {
    await react(github, repo, comment, 'confused')
    throw error
  }
}

const commentRef = (command: CommandOrigin): CommentRef => ({
  commentId: command.commentId,
  inThread: command.thread !== undefined
})

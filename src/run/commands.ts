/**
 * Comment commands around the work: a command runs only for a user whose repository
 * permission (asked of the API) meets `min-permission`, and reactions tell them it was seen
 * (👀), done (🚀) or failed (😕).
 */
import * as core from '@actions/core'
import type { GitHubClient } from '../github/client.js'
import { hasPermission, react } from '../github/commands.js'
import type { RepoRef } from '../pull-request.js'
import type { Config } from '../settings.js'
import type { Decision } from './trigger.js'

/** The decision, or a skip (with a 😕 reaction) when the commenter may not command. */
export async function authorize(
  config: Config,
  decision: Decision,
  github: GitHubClient,
  repo: RepoRef
): Promise<Decision> {
  if (decision.kind !== 'run' || !decision.needsPermissionCheck || !decision.command) {
    return decision
  }
  const { user, commentId } = decision.command
  const permission = await hasPermission(github, repo, user, config.minPermission)
  core.info(`@${user} has '${permission.actual}' permission on ${repo.owner}/${repo.repo}.`)
  if (permission.allowed) return decision
  await react(github, repo, commentId, 'confused')
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
  commentId: number | undefined,
  work: () => Promise<T>
): Promise<T> {
  if (commentId === undefined) return work()
  await react(github, repo, commentId, 'eyes')
  try {
    const result = await work()
    await react(github, repo, commentId, 'rocket')
    return result
  } catch (error) {
    await react(github, repo, commentId, 'confused')
    throw error
  }
}

/**
 * The GitHub side of comment commands: may this user ask, and the reactions that tell them
 * the command was seen (👀), done (🚀) or failed (😕).
 */
import * as core from '@actions/core'
import { errorText, httpStatus, StageError } from '../errors.js'
import type { RepoRef } from '../pull-request.js'
import type { Permission } from '../settings.js'
import type { GitHubClient } from './client.js'

/** Repository roles, weakest first. `maintain` and `triage` show only in `role_name`. */
const ROLES = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const
type Role = (typeof ROLES)[number]

/**
 * Asks the API for the user's role on the repository; `author_association` is not used
 * because it says nothing reliable about write access (MEMBER of an org may only read).
 */
export async function hasPermission(
  gh: GitHubClient,
  repo: RepoRef,
  user: string,
  min: Permission
): Promise<{ allowed: boolean; actual: string }> {
  let permission: string
  let roleName: string | undefined
  try {
    const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({
      owner: repo.owner,
      repo: repo.repo,
      username: user
    })
    permission = data.permission
    roleName = data.role_name
  } catch (error) {
    // GitHub answers 404 for a user who is not a collaborator (or does not exist).
    if (httpStatus(error) === 404) return { allowed: false, actual: 'none' }
    throw new StageError('github', `read ${user}'s permission on ${repo.owner}/${repo.repo}`, error)
  }
  const actual = roleOf(roleName, permission)
  return { allowed: ROLES.indexOf(actual) >= ROLES.indexOf(min), actual }
}

/** `role_name` when it is a built-in role; a custom role falls back to its base `permission`. */
function roleOf(roleName: string | undefined, permission: string): Role {
  const known = (value: string | undefined): Role | undefined =>
    ROLES.find((role) => role === value?.toLowerCase())
  return known(roleName) ?? known(permission) ?? 'none'
}

export type Reaction = 'eyes' | 'rocket' | 'confused'

/** A comment in the conversation, or one in a review thread (each has its own endpoint). */
export interface CommentRef {
  readonly commentId: number
  readonly inThread: boolean
}

/** Adds a reaction to a comment. A reaction is a courtesy: failing one only warns. */
export async function react(
  gh: GitHubClient,
  repo: RepoRef,
  comment: CommentRef,
  reaction: Reaction
): Promise<void> {
  const params = {
    owner: repo.owner,
    repo: repo.repo,
    comment_id: comment.commentId,
    content: reaction
  }
  try {
    await (comment.inThread
      ? gh.rest.reactions.createForPullRequestReviewComment(params)
      : gh.rest.reactions.createForIssueComment(params))
  } catch (error) {
    core.warning(
      `Could not add the ${reaction} reaction to comment ${comment.commentId}: ${errorText(error)} (the token needs issues: write or pull-requests: write).`
    )
  }
}

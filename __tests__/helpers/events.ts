/**
 * Real webhook payloads from @octokit/webhooks-examples, moved onto the test world's
 * repository and pull request so that event, API and tokens tell one story.
 */
import { createRequire } from 'node:module'
import { PR_NUMBER, ACTOR } from '../emulators/constants.js'
import {
  authorJson,
  defaultRepoState,
  pullJson,
  repoJson,
  reviewCommentJson,
  userId,
  userJson,
  type PullState,
  type RepoState,
  type ReviewCommentState
} from '../emulators/github-state.js'

interface WebhookDefinition {
  name: string
  examples: Record<string, unknown>[]
}

const require = createRequire(import.meta.url)
const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[]

/** Event payloads always carry github.com URLs, whatever API the job talks to. */
const API = 'https://api.github.com'

export interface EventOptions {
  /** The repository and pull request the event is about (default: the world's defaults). */
  repo?: RepoState
  pull?: PullState
  /** issue_comment: the comment text, its author and the author's account type. */
  commentBody?: string
  commenter?: string
  commenterType?: 'User' | 'Bot'
  /** workflow_dispatch inputs. */
  inputs?: Record<string, string>
  /**
   * pull_request_review_comment: the comment the event is about, as stored in the state (see
   * `addReviewComment`), so that the payload's `comment` is what the API serves for its id.
   */
  reviewComment?: ReviewCommentState
}

export type EventPayload = Record<string, unknown>

/** A deep copy with the example repository's name replaced by ours in every string. */
function rehome(example: Record<string, unknown>, fullName: string): EventPayload {
  const text = JSON.stringify(example)
  const source = (example.repository as { full_name?: string } | undefined)?.full_name
  return JSON.parse(source ? text.split(source).join(fullName) : text) as EventPayload
}

/** The first example of `name` with `action`, or the first one `prefer` picks. */
function example(
  name: string,
  action: string | undefined,
  prefer?: (example: Record<string, unknown>) => boolean
): Record<string, unknown> {
  const definition = definitions.find((d) => d.name === name)
  if (!definition) throw new Error(`@octokit/webhooks-examples has no ${name} event`)
  const matching = definition.examples.filter((e) => action === undefined || e.action === action)
  const found = (prefer ? matching.find(prefer) : undefined) ?? matching[0]
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name}.${action ?? ''} example`)
  return found
}

/**
 * A payload for `eventName` (`pull_request_target` uses the pull_request examples: the
 * payload is the same). `action` picks the example, e.g. `opened`, `synchronize`, `created`.
 * `pull_request_review_comment` needs `reviewComment` (from `addReviewComment`); pass
 * `repo: world.github.state` when its pull request exists only in the world's state.
 */
export function loadEvent(
  eventName: string,
  action?: string,
  options: EventOptions = {}
): EventPayload {
  const repo = options.repo ?? defaultRepoState()
  const pull = options.pull ?? repo.pulls.get(options.reviewComment?.pullNumber ?? PR_NUMBER)
  const fullName = `${repo.owner}/${repo.name}`
  const source = eventName === 'pull_request_target' ? 'pull_request' : eventName
  const defaultAction: Record<string, string | undefined> = {
    pull_request: 'opened',
    issue_comment: 'created',
    pull_request_review_comment: 'created'
  }
  // Our repository is an organization's: of the review-comment examples, take the newest
  // shape (`line`/`side`), which GitHub delivered for an organization's repository.
  const prefer =
    source === 'pull_request_review_comment'
      ? (e: Record<string, unknown>) => 'organization' in e
      : undefined
  const payload = rehome(example(source, action ?? defaultAction[source], prefer), fullName)
  const repository = { ...(payload.repository as object), ...repoJson(API, repo) }
  payload.repository = repository
  if ('organization' in payload) {
    payload.organization = {
      ...(payload.organization as object),
      login: repo.owner,
      id: repo.ownerId
    }
  }
  delete payload.installation
  payload.sender = userJson(API, ACTOR, userId(ACTOR))

  if (source === 'pull_request') {
    if (!pull) throw new Error('The repository has no pull request for this event')
    payload.number = pull.number
    payload.pull_request = { ...(payload.pull_request as object), ...pullJson(API, repo, pull) }
    payload.sender = userJson(API, pull.author, userId(pull.author))
  }
  if (source === 'issue_comment') {
    if (!pull) throw new Error('The repository has no pull request for this event')
    const pr = pullJson(API, repo, pull)
    const commenter = options.commenter ?? ACTOR
    const user = userJson(API, commenter, userId(commenter), options.commenterType ?? 'User')
    payload.issue = {
      ...(payload.issue as object),
      url: pr.issue_url,
      html_url: pr.html_url,
      number: pull.number,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      draft: pull.draft,
      user: pr.user,
      // Present only when the issue is a pull request: the action's cue.
      pull_request: {
        url: pr.url,
        html_url: pr.html_url,
        diff_url: pr.diff_url,
        patch_url: pr.patch_url,
        merged_at: null
      }
    }
    const comment = payload.comment as Record<string, unknown>
    payload.comment = {
      ...comment,
      body: options.commentBody ?? '/review',
      user,
      issue_url: pr.issue_url,
      html_url: `${String(pr.html_url)}#issuecomment-${String(comment.id)}`,
      author_association: repo.collaborators[commenter] ? 'MEMBER' : 'NONE'
    }
    payload.sender = user
  }
  if (source === 'pull_request_review_comment') {
    if (!pull) throw new Error('The repository has no pull request for this event')
    const comment = options.reviewComment
    if (!comment) throw new Error('pull_request_review_comment needs options.reviewComment')
    if (comment.pullNumber !== pull.number) {
      throw new Error(
        `Review comment ${comment.id} is on #${comment.pullNumber}, not #${pull.number}`
      )
    }
    payload.pull_request = { ...(payload.pull_request as object), ...pullJson(API, repo, pull) }
    // The whole comment comes from the state: the payload says what the API says of it.
    payload.comment = reviewCommentJson(API, repo, comment)
    payload.sender = authorJson(API, comment.user)
  }
  if (source === 'workflow_dispatch') {
    payload.inputs = options.inputs ?? {}
    payload.ref = `refs/heads/${repo.defaultBranch}`
    payload.workflow = '.github/workflows/pr-review.yml'
  }
  return payload
}

/**
 * Review threads: the comments of one thread, oldest first, whether we started it, and a reply
 * posted into it through the replies endpoint (threads are one level deep: replies always go
 * to the first comment), or in the conversation. A reply is posted at most once.
 */
import { parseFindingMarker } from '../post/markers.js'
import type { RepoRef } from '../pull-request.js'
import { calling, createOnce } from './calling.js'
import type { GitHubClient } from './client.js'
import { createComment } from './comments.js'
import { isOurs, tokenIdentity } from './identity.js'

interface ThreadComment {
  readonly id: number
  readonly author: string
  readonly bot: boolean
  readonly body: string
  readonly createdAt: string
  readonly url: string
}

export interface Thread {
  /** The thread's first comment; undefined when GitHub no longer lists it (deleted). */
  readonly top: ThreadComment | undefined
  /** The first comment and every reply, oldest first. */
  readonly comments: readonly ThreadComment[]
  /** The action started it: the first comment is one of our findings, by github-token's identity. */
  readonly ours: boolean
}

/** The comments of the thread that starts with `topId`. */
export async function readThread(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  topId: number
): Promise<Thread> {
  const comments: ThreadComment[] = []
  await calling(`read the review thread of comment ${topId}`, async () => {
    for await (const page of gh.paginate.iterator(gh.rest.pulls.listReviewComments, {
      ...repo,
      pull_number: prNumber,
      per_page: 100
    })) {
      for (const c of page.data) {
        if (c.id !== topId && c.in_reply_to_id !== topId) continue
        comments.push({
          id: c.id,
          author: c.user.login,
          bot: c.user.type === 'Bot',
          body: c.body,
          createdAt: c.created_at,
          url: c.html_url
        })
      }
    }
  })
  comments.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id)
  const top = comments.find((c) => c.id === topId)
  // Who we are is asked only of a thread that looks like ours: most threads are people's.
  const ours =
    top !== undefined &&
    parseFindingMarker(top.body) !== undefined &&
    isOurs(await tokenIdentity(gh), { login: top.author })
  return { top, comments, ours }
}

/** Whether the action started the thread. */
export const startedByUs = (thread: Thread): boolean => thread.ours

export interface PostedReply {
  readonly id: number
  readonly url: string
}

export async function replyInThread(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  topId: number,
  body: string
): Promise<PostedReply> {
  return calling('post the answer in the review thread', () =>
    createOnce(
      'the answer',
      async () => {
        const { data } = await gh.rest.pulls.createReplyForReviewComment({
          ...repo,
          pull_number: prNumber,
          comment_id: topId,
          body
        })
        return { id: data.id, url: data.html_url }
      },
      async () => {
        const thread = await readThread(gh, repo, prNumber, topId)
        const identity = await tokenIdentity(gh)
        const reply = thread.comments.find(
          (c) => c.id !== topId && sameText(c.body, body) && isOurs(identity, { login: c.author })
        )
        return reply && { id: reply.id, url: reply.url }
      }
    )
  )
}

export async function replyInConversation(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  body: string
): Promise<PostedReply> {
  return calling('post the answer as a comment', () =>
    createOnce(
      'the answer',
      () => createComment(gh, repo, prNumber, body),
      () => ourComment(gh, repo, prNumber, body)
    )
  )
}

/** Our comment in the conversation with exactly this text (an answer quotes its question). */
async function ourComment(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  body: string
): Promise<PostedReply | undefined> {
  const identity = await tokenIdentity(gh)
  for await (const page of gh.paginate.iterator(gh.rest.issues.listComments, {
    ...repo,
    issue_number: prNumber,
    per_page: 100
  })) {
    const found = page.data.find((c) => isOurs(identity, c.user) && sameText(c.body ?? '', body))
    if (found) return { id: found.id, url: found.html_url }
  }
  return undefined
}

const sameText = (stored: string, sent: string): boolean =>
  stored.replace(/\r\n?/g, '\n').trim() === sent.trim()

/**
 * Review threads: the comments of one thread, oldest first, and a reply posted into it through
 * the replies endpoint (threads are one level deep: replies always go to the first comment).
 */
import { hasOurMarker } from '../post/markers.js'
import type { RepoRef } from '../pull-request.js'
import { calling } from './calling.js'
import type { GitHubClient } from './client.js'

export interface ThreadComment {
  readonly id: number
  readonly author: string
  readonly bot: boolean
  readonly body: string
  readonly createdAt: string
}

export interface Thread {
  /** The thread's first comment; undefined when GitHub no longer lists it (deleted). */
  readonly top: ThreadComment | undefined
  /** The first comment and every reply, oldest first. */
  readonly comments: readonly ThreadComment[]
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
          createdAt: c.created_at
        })
      }
    }
  })
  comments.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id)
  return { top: comments.find((c) => c.id === topId), comments }
}

/** Whether the action started the thread: its first comment is a bot's and carries our marker. */
export const startedByUs = (thread: Thread): boolean =>
  thread.top !== undefined && thread.top.bot && hasOurMarker(thread.top.body)

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
  const { data } = await calling('post the answer in the review thread', () =>
    gh.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: prNumber,
      comment_id: topId,
      body
    })
  )
  return { id: data.id, url: data.html_url }
}

export async function replyInConversation(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  body: string
): Promise<PostedReply> {
  const { data } = await calling('post the answer as a comment', () =>
    gh.rest.issues.createComment({ ...repo, issue_number: prNumber, body })
  )
  return { id: data.id, url: data.html_url }
}

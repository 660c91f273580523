/**
 * Review threads against the GitHub emulator: reading one, telling ours (by our identity and
 * our finding marker), replying into it or in the conversation, at most once.
 */
import type { GitHubClient } from '../../src/github/client.js'
import {
  readThread,
  replyInConversation,
  replyInThread,
  startedByUs
} from '../../src/github/threads.js'
import { OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import { addReviewComment } from '../emulators/github-state.js'
import type { World } from '../emulators/world.js'
import { startInProcessWorld } from '../helpers/in-process.js'

const repo = { owner: OWNER, repo: REPO }
let world: World
let gh: GitHubClient

beforeAll(async () => {
  ;({ world, gh } = await startInProcessWorld())
})

beforeEach(() => {
  world.github.reset()
  world.github.pullRequest(PR_NUMBER).files = [
    { filename: 'src/a.ts', status: 'modified', patch: '@@ -1,2 +1,3 @@\n a\n+b\n c' }
  ]
})

afterAll(async () => {
  await world.close()
})

function seed(login: string, type: 'User' | 'Bot', body: string, inReplyToId?: number): number {
  return addReviewComment(world.github.state, {
    pullNumber: PR_NUMBER,
    user: { login, type },
    body,
    ...(inReplyToId !== undefined ? { inReplyToId } : { path: 'src/a.ts', line: 2 })
  }).id
}

describe('readThread', () => {
  it('reads one thread, oldest first, leaving other threads out', async () => {
    const top = seed(
      'github-actions[bot]',
      'Bot',
      'Finding\n\n<!-- keyless-pr-review:finding 0123456789ab -->'
    )
    const other = seed('octocat', 'User', 'Another thread')
    const reply = seed('octocat', 'User', 'Why?', top)
    seed('hubot-fan', 'User', 'Unrelated', other)
    const thread = await readThread(gh, repo, PR_NUMBER, top)
    expect(thread.comments.map((c) => [c.id, c.author, c.bot])).toEqual([
      [top, 'github-actions[bot]', true],
      [reply, 'octocat', false]
    ])
    expect(thread.top?.id).toBe(top)
    expect(startedByUs(thread)).toBe(true)
  })

  it('tells a thread a person or another bot started, even with our marker, from ours', async () => {
    const marker = '<!-- keyless-pr-review:finding 0123456789ab -->'
    const human = seed('octocat', 'User', `Quoting\n\n${marker}`)
    const otherBot = seed('renovate[bot]', 'Bot', 'Update available')
    const forged = seed('mallory-app[bot]', 'Bot', `Finding\n\n${marker}`)
    const unmarked = seed('github-actions[bot]', 'Bot', 'Another workflow’s note')
    for (const id of [human, otherBot, forged, unmarked, 999_999]) {
      expect(startedByUs(await readThread(gh, repo, PR_NUMBER, id))).toBe(false)
    }
  })
})

describe('replies', () => {
  it('posts into the thread through the replies endpoint of its first comment', async () => {
    const top = seed('github-actions[bot]', 'Bot', 'Finding')
    const posted = await replyInThread(gh, repo, PR_NUMBER, top, 'Because.')
    expect(world.github.mutations.map((m) => [m.method, m.path, m.status])).toEqual([
      ['POST', `/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/comments/${top}/replies`, 201]
    ])
    const stored = world.github.state.reviewComments.find((c) => c.id === posted.id)
    expect(stored?.inReplyToId).toBe(top)
    expect(posted.url).toMatch(/#discussion_r\d+$/)
  })

  it('posts a reply whose answer was lost (stored, then 502) exactly once', async () => {
    const top = seed('github-actions[bot]', 'Bot', 'Finding')
    world.github.writeFaults.push({ method: 'POST', path: /\/replies$/, fault: 'stored-then-502' })
    const posted = await replyInThread(gh, repo, PR_NUMBER, top, 'Because.')
    const replies = world.github.state.reviewComments.filter((c) => c.inReplyToId === top)
    expect(replies.map((c) => [c.id, c.body])).toEqual([[posted.id, 'Because.']])
  })

  it('posts an answer in the conversation whose answer was lost exactly once', async () => {
    world.github.writeFaults.push({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      fault: 'stored-then-reset'
    })
    const posted = await replyInConversation(gh, repo, PR_NUMBER, 'Because.')
    expect(world.github.state.issueComments.map((c) => [c.id, c.body])).toEqual([
      [posted.id, 'Because.']
    ])
  })

  it('posts in the conversation as an issue comment', async () => {
    const posted = await replyInConversation(gh, repo, PR_NUMBER, 'Because.')
    expect(world.github.mutations.map((m) => [m.method, m.path])).toEqual([
      ['POST', `/repos/${OWNER}/${REPO}/issues/${PR_NUMBER}/comments`]
    ])
    expect(posted.url).toMatch(/#issuecomment-\d+$/)
  })

  it('marks a refused reply with what it was doing, for the diagnosis', async () => {
    await expect(replyInThread(gh, repo, PR_NUMBER, 424242, 'x')).rejects.toMatchObject({
      name: 'StageError',
      stage: 'github',
      doing: 'post the answer in the review thread'
    })
  })
})

/**
 * The sticky summary comment against the GitHub emulator: found again by its marker, edited
 * in place, never a human's.
 */
import type { GitHubClient } from '../../src/github/client.js'
import { findSummaryComment, upsertSummary } from '../../src/github/comments.js'
import { renderSummaryComment } from '../../src/post/summary.js'
import { BASE_SHA, HEAD_SHA, OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import { addIssueComment } from '../emulators/github-state.js'
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
})

afterAll(async () => {
  await world.close()
})

const body = (overview: string, head = HEAD_SHA): string =>
  renderSummaryComment({
    overview,
    walkthrough: [],
    notReviewed: [],
    commits: { head, base: BASE_SHA }
  })

describe('the summary comment', () => {
  it('is created once, then edited in place, and left alone when unchanged', async () => {
    const first = await upsertSummary(gh, repo, PR_NUMBER, body('First.'), undefined)
    expect(first.action).toBe('created')
    const found = await findSummaryComment(gh, repo, PR_NUMBER)
    expect(found).toMatchObject({ id: first.id, state: { head: HEAD_SHA, base: BASE_SHA } })
    const later = 'c'.repeat(40)
    const second = await upsertSummary(gh, repo, PR_NUMBER, body('Second.', later), found)
    expect(second).toMatchObject({ action: 'updated', id: first.id })
    const comments = world.github.state.issueComments
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toBe(body('Second.', later))
    const again = await findSummaryComment(gh, repo, PR_NUMBER)
    expect(again?.state.head).toBe(later)
    const third = await upsertSummary(gh, repo, PR_NUMBER, body('Second.', later), again)
    expect(third.action).toBe('unchanged')
    expect(world.github.mutations.map((m) => m.method)).toEqual(['POST', 'PATCH'])
  })

  it('never takes a human’s comment that quotes our marker for ours', async () => {
    const human = addIssueComment(world.github.state, {
      issueNumber: PR_NUMBER,
      body: body('Summary.'),
      user: { login: 'octocat', type: 'User' }
    })
    await expect(findSummaryComment(gh, repo, PR_NUMBER)).resolves.toBeUndefined()
    await upsertSummary(gh, repo, PR_NUMBER, body('Ours.'), undefined)
    expect(human.body).toBe(body('Summary.'))
    expect(world.github.mutations.some((m) => m.path.endsWith(`/comments/${human.id}`))).toBe(false)
    expect(world.github.state.issueComments.map((c) => c.user.login)).toEqual([
      'octocat',
      'github-actions[bot]'
    ])
  })

  it('marks a refused post with what it was doing, for the diagnosis', async () => {
    const error = await upsertSummary(gh, repo, 999, body('x'), undefined).catch((e: unknown) => e)
    expect(error).toMatchObject({ stage: 'github', doing: 'post the summary comment' })
  })
})

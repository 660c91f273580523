/**
 * The sticky summary comment against the GitHub emulator: found again by our identity and our
 * marker, edited in place with what people typed around it kept, never another's, and created
 * at most once — after a 502 that stored it, and when two runs create it at the same moment.
 */
import type { GitHubClient } from '../../src/github/client.js'
import { currentSummary, findSummaryComment, postSummary } from '../../src/github/comments.js'
import { tokenIdentity, type Identity } from '../../src/github/identity.js'
import { renderSummaryComment } from '../../src/post/summary.js'
import { BASE_SHA, HEAD_SHA, OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import { addIssueComment, TOKEN_IDENTITY } from '../emulators/github-state.js'
import type { World } from '../emulators/world.js'
import { startInProcessWorld } from '../helpers/in-process.js'

const repo = { owner: OWNER, repo: REPO }
let world: World
let gh: GitHubClient
let createClient: (token: string) => GitHubClient
let us: Identity

beforeAll(async () => {
  ;({ world, gh, createClient } = await startInProcessWorld())
  us = await tokenIdentity(gh)
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
const LATER = 'c'.repeat(40)
const summaries = () =>
  world.github.state.issueComments.filter((c) => c.body.includes('keyless-pr-review:summary'))
const creates = () =>
  world.github.mutations.filter((m) => m.method === 'POST' && m.path.endsWith('/comments'))

describe('the summary comment', () => {
  it('is created once, then edited in place, and left alone when unchanged', async () => {
    const first = await postSummary(gh, repo, PR_NUMBER, body('First.'), undefined, us)
    expect(first.action).toBe('created')
    const found = await findSummaryComment(gh, repo, PR_NUMBER, us)
    expect(found).toMatchObject({ id: first.id, state: { head: HEAD_SHA, base: BASE_SHA } })
    const second = await postSummary(gh, repo, PR_NUMBER, body('Second.', LATER), found, us)
    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(summaries().map((c) => c.body)).toEqual([body('Second.', LATER)])
    const again = await findSummaryComment(gh, repo, PR_NUMBER, us)
    expect(again?.state.head).toBe(LATER)
    const third = await postSummary(gh, repo, PR_NUMBER, body('Second.', LATER), again, us)
    expect(third.action).toBe('unchanged')
    expect(world.github.mutations.map((m) => m.method)).toEqual(['POST', 'PATCH'])
  })

  it('never takes a comment by anyone else for ours, a bot’s with a copy of our marker included', async () => {
    const forged = body('Forged.', LATER)
    const human = addIssueComment(world.github.state, {
      issueNumber: PR_NUMBER,
      body: forged,
      user: { login: 'octocat', type: 'User' }
    })
    const bot = addIssueComment(world.github.state, {
      issueNumber: PR_NUMBER,
      body: forged,
      user: { login: 'renovate[bot]', type: 'Bot' }
    })
    await expect(findSummaryComment(gh, repo, PR_NUMBER, us)).resolves.toBeUndefined()
    await postSummary(gh, repo, PR_NUMBER, body('Ours.'), undefined, us)
    expect([human.body, bot.body]).toEqual([forged, forged])
    expect(world.github.mutations.map((m) => [m.method, m.path])).toEqual([
      ['POST', `/repos/${OWNER}/${REPO}/issues/${PR_NUMBER}/comments`]
    ])
    expect(world.github.state.issueComments.map((c) => c.user.login)).toEqual([
      'octocat',
      'renovate[bot]',
      'github-actions[bot]'
    ])
  })

  it('keeps the notes a maintainer typed before, between and after, in the browser’s CRLF', async () => {
    const first = await postSummary(gh, repo, PR_NUMBER, body('First.'), undefined, us)
    const stored = world.github.state.issueComments.find((c) => c.id === first.id)
    if (!stored) throw new Error('not stored')
    const [ours = '', marker = ''] = stored.body.split('\n\n<!-- ')
    stored.body = `Heads-up: see #12 first.\n\n${ours}\n\nNote: the summary is right.\n\n<!-- ${marker}\nAnd after the marker.`
    stored.body = stored.body.replace(/\n/g, '\r\n')
    const found = await findSummaryComment(gh, repo, PR_NUMBER, us)
    const next = body('Second.', LATER)
    const posted = await postSummary(gh, repo, PR_NUMBER, next, found, us)
    expect(posted.action).toBe('updated')
    const [nextOurs = '', nextMarker = ''] = next.split('\n\n<!-- ')
    expect(stored.body).toBe(
      `Heads-up: see #12 first.\n\n${nextOurs}\n\nNote: the summary is right.\n\n<!-- ${nextMarker}\nAnd after the marker.`
    )
    expect(summaries()).toHaveLength(1)
    const again = await findSummaryComment(gh, repo, PR_NUMBER, us)
    await expect(postSummary(gh, repo, PR_NUMBER, next, again, us)).resolves.toMatchObject({
      action: 'unchanged'
    })
  })

  it('reads the comment again before editing it, keeping a note typed while the run worked', async () => {
    await postSummary(gh, repo, PR_NUMBER, body('First.'), undefined, us)
    const found = await findSummaryComment(gh, repo, PR_NUMBER, us)
    const [stored] = summaries()
    if (!stored) throw new Error('not stored')
    stored.body += '\nTyped meanwhile.'
    const current = await currentSummary(gh, repo, PR_NUMBER, found, us)
    await postSummary(gh, repo, PR_NUMBER, body('Second.'), current, us)
    expect(stored.body).toBe(`${body('Second.')}\nTyped meanwhile.`)
  })

  it('leaves our text alone when a person edited it, and says so', async () => {
    await postSummary(gh, repo, PR_NUMBER, body('First.'), undefined, us)
    const [stored] = summaries()
    if (!stored) throw new Error('not stored')
    stored.body = stored.body.replace('First.', 'First, and corrected by hand.')
    const edited = stored.body
    const found = await findSummaryComment(gh, repo, PR_NUMBER, us)
    const posted = await postSummary(gh, repo, PR_NUMBER, body('Second.'), found, us)
    expect(posted.action).toBe('kept')
    expect(stored.body).toBe(edited)
    expect(world.github.mutations.filter((m) => m.method === 'PATCH')).toEqual([])
  })

  it('still edits the comment an earlier version wrote, whose marker has no seal', async () => {
    const old = addIssueComment(world.github.state, {
      issueNumber: PR_NUMBER,
      body: `## Pull request summary\n\nOld.\n\n<!-- keyless-pr-review:summary {"version":2,"head":"${HEAD_SHA}","base":"${BASE_SHA}","overview":"Old.","rows":[]} -->`,
      user: TOKEN_IDENTITY
    })
    const found = await findSummaryComment(gh, repo, PR_NUMBER, us)
    expect(found).toMatchObject({ id: old.id, state: { head: HEAD_SHA, overview: 'Old.' } })
    await postSummary(gh, repo, PR_NUMBER, body('New.'), found, us)
    expect(old.body).toBe(body('New.'))
    expect(summaries()).toHaveLength(1)
  })

  it('edits the comment a run beside this one created since this run began', async () => {
    const beside = await postSummary(gh, repo, PR_NUMBER, body('Beside.'), undefined, us)
    // This run began before it: it knew of no comment, and looks again before posting.
    const current = await currentSummary(gh, repo, PR_NUMBER, undefined, us)
    const posted = await postSummary(gh, repo, PR_NUMBER, body('Ours.'), current, us)
    expect(posted).toMatchObject({ id: beside.id, action: 'updated' })
    expect(summaries().map((c) => c.body)).toEqual([body('Ours.')])
    expect(creates()).toHaveLength(1)
  })

  it('keeps one of two comments created at the same moment by two runs', async () => {
    const other = createClient(world.githubToken)
    const [a, b] = await Promise.all([
      postSummary(gh, repo, PR_NUMBER, body('A.'), undefined, us),
      postSummary(other, repo, PR_NUMBER, body('B.'), undefined, us)
    ])
    expect(summaries()).toHaveLength(1)
    expect(a.id).toBe(b.id)
    expect(summaries()[0]?.id).toBe(a.id)
  })

  it.each(['stored-then-502', 'stored-then-reset'] as const)(
    'looks before it creates again when GitHub answers %s: exactly one comment',
    async (fault) => {
      world.github.writeFaults.push({ method: 'POST', path: /\/issues\/\d+\/comments$/, fault })
      const posted = await postSummary(gh, repo, PR_NUMBER, body('Once.'), undefined, us)
      expect(summaries().map((c) => [c.id, c.body])).toEqual([[posted.id, body('Once.')]])
      expect(creates()).toHaveLength(1)
    }
  )

  it('creates again, once, when GitHub answered 502 and stored nothing', async () => {
    world.github.writeFaults.push({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      fault: 'server-error'
    })
    const posted = await postSummary(gh, repo, PR_NUMBER, body('Twice.'), undefined, us)
    expect(posted.action).toBe('created')
    expect(creates().map((m) => m.status)).toEqual([502, 201])
    expect(summaries()).toHaveLength(1)
  })

  it('marks a refused post with what it was doing, for the diagnosis', async () => {
    const tooLong = 'x'.repeat(70_000)
    const error = await postSummary(gh, repo, PR_NUMBER, tooLong, undefined, us).catch(
      (e: unknown) => e
    )
    expect(error).toMatchObject({ stage: 'github', doing: 'post the summary comment' })
    expect(creates().map((m) => m.status)).toEqual([422])
  })
})

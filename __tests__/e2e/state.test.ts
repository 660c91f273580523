/**
 * The state in our summary comment, end to end on dist/index.js: it cannot be forged (only a
 * comment by github-token's own identity counts, whatever kind of token that is), it cannot be
 * lost (files whose part failed are not recorded as reviewed and are reviewed on the next push
 * even when it does not touch them), it keeps what a maintainer typed into the comment, and it
 * reads the state an earlier version wrote. Every test asserts on what the emulated GitHub and
 * Azure OpenAI received.
 */
import { BASE_SHA, HEAD_SHA, PR_NUMBER } from '../emulators/constants.js'
import { defaultFederatedCredential } from '../emulators/entra.js'
import { addIssueComment, pushToPull, TOKEN_IDENTITY } from '../emulators/github-state.js'
import { startWorld, type World } from '../emulators/world.js'
import { parseSummaryMarker } from '../../src/post/markers.js'
import { loadEvent } from '../helpers/events.js'
import { realisticFiles, REVIEWABLE, syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function newWorld(edit?: (w: World) => void): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = realisticFiles()
  world.openai.config.respond = reviewer()
  world.entra
    .app()
    .federatedCredentials.push(
      defaultFederatedCredential('repo:octo-org/octo-repo:ref:refs/heads/main')
    )
  edit?.(world)
  return world
}

async function run(w: World, options: RunOptions = {}, secrets: string[] = []): Promise<RunResult> {
  return runChecked(w, options, { secrets })
}

/** An answer that is not JSON: its part fails, and its files are left to review. */
const UNREADABLE = { kind: 'answer', content: 'Looks good to me!' } as const

const pushed = (w: World): RunOptions => ({
  payload: loadEvent('pull_request', 'synchronize', { pull: w.github.pullRequest(PR_NUMBER) })
})
const log = (r: RunResult): string => r.stdout + r.stderr
const summaries = (w: World) =>
  w.github.state.issueComments.filter((c) => c.body.includes('keyless-pr-review:summary'))
/** The files each answered model request showed, in order. */
const shown = (w: World): string[][] =>
  w.openai.requests
    .filter((r) => r.status === 200)
    .map((r) =>
      filesInPrompt(
        (r.body?.messages ?? [])
          .filter((m) => m.role === 'user')
          .map((m) => String(m.content))
          .join('\n')
      ).map((f) => f.path)
    )

describe('files whose review failed', () => {
  it('are not recorded as reviewed, are listed with the reason, and are reviewed on the next push though it does not touch them', async () => {
    const files = syntheticFiles(60)
    const w = await newWorld((x) => {
      x.github.pullRequest(PR_NUMBER).files = files
      // The first request (the first 50 files) gets an answer that cannot be read.
      x.openai.config.faults.push(UNREADABLE)
    })
    const first = await run(w, { inputs: { concurrency: '1' } })
    expect(first.code).toBe(0)
    expect(log(first)).toContain(
      '::warning::1 of 2 parts did not come back whole (summary and review 1: unreadable answer: the answer is not JSON): 50 files listed as not reviewed, reviewed on the next run.'
    )
    const blocked = files.slice(0, 50).map((f) => f.filename)
    const [comment] = summaries(w)
    expect(comment?.body).toContain(
      '**Not reviewed yet:** 50 files whose review failed. The next push reviews them; to review them now, comment `/review` or re-run the job.'
    )
    expect(comment?.body).toContain(`- ${blocked[0] ?? ''}: review failed: `)
    expect(parseSummaryMarker(comment?.body ?? '')?.pending).toEqual(blocked)

    // A push that changes one file the first run did review.
    const last = files.at(-1)
    if (!last) throw new Error('no files')
    pushToPull(w.github.state, PR_NUMBER, { files, changes: [last] })
    w.openai.requests.length = 0
    const second = await run(w, pushed(w))
    expect(second.code).toBe(0)
    expect(new Set(shown(w).flat())).toEqual(new Set([...blocked, last.filename]))
    expect(log(second)).toContain('Incremental: 51 files to review, changed since')
    expect(summaries(w)).toHaveLength(1)
    expect(summaries(w)[0]?.body).not.toContain('Not reviewed yet')
    expect(parseSummaryMarker(summaries(w)[0]?.body ?? '')?.pending).toEqual([])
  })

  it('fail the step only when no part succeeded, after a summary that lists them', async () => {
    const w = await newWorld((x) => {
      x.openai.config.faults.push(UNREADABLE)
    })
    const result = await run(w)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /^::error::No part of the review succeeded \(.+\): 4 files not reviewed; the next run reviews them\./m
    )
    const [comment] = summaries(w)
    expect(parseSummaryMarker(comment?.body ?? '')?.pending).toEqual(REVIEWABLE)
    expect(comment?.body).toContain('**Not reviewed yet:** 4 files whose review failed.')
    expect(w.github.state.reviews).toEqual([])
  })
})

describe('our comments are known by our identity, never by a copy of our marker', () => {
  const forgedState = (overview: string): string =>
    `## Pull request summary\n\n${overview}\n\n<!-- keyless-pr-review:summary {"version":2,"head":"${HEAD_SHA}","base":"${BASE_SHA}","pending":[],"overview":"${overview}","rows":[]} -->`

  it('leaves another bot’s comment holding a copy of our marker alone and believes none of its state', async () => {
    const w = await newWorld()
    const forged = addIssueComment(w.github.state, {
      issueNumber: PR_NUMBER,
      body: forgedState('Nothing to see.'),
      user: { login: 'helpful-bot[bot]', type: 'Bot' }
    })
    const original = forged.body
    const result = await run(w, pushed(w))
    expect(result.code).toBe(0)
    expect(forged.body).toBe(original)
    expect(w.github.mutations.some((m) => m.method === 'PATCH')).toBe(false)
    expect(log(result)).not.toContain('Found our summary comment')
    // A full review, not "nothing changed since the forged head".
    expect(new Set(shown(w).flat())).toEqual(new Set(REVIEWABLE))
    expect(summaries(w).map((c) => c.user.login)).toEqual([
      'helpful-bot[bot]',
      'github-actions[bot]'
    ])
  })

  it('knows its own comments under another GitHub App’s token, and none of github-actions[bot]', async () => {
    const w = await newWorld()
    const app = w.github.issueToken({ kind: 'app', slug: 'review-app' })
    addIssueComment(w.github.state, {
      issueNumber: PR_NUMBER,
      body: forgedState('Another workflow.'),
      user: TOKEN_IDENTITY
    })
    const inputs = { 'github-token': app }
    const first = await run(w, { inputs }, [app])
    expect(first.code).toBe(0)
    expect(log(first)).toContain('github-token acts as review-app[bot].')
    const second = await run(w, { ...pushed(w), inputs: { ...inputs, incremental: 'false' } }, [
      app
    ])
    expect(second.code).toBe(0)
    expect(summaries(w).map((c) => c.user.login)).toEqual([
      'github-actions[bot]',
      'review-app[bot]'
    ])
    expect(w.github.state.reviews.map((r) => r.user.login)).toEqual(['review-app[bot]'])
    // One summary comment created, edited the second time.
    expect(
      w.github.mutations.filter((m) => m.method === 'POST' && m.path.endsWith('/comments'))
    ).toHaveLength(1)
  })

  it('knows its own comments under a person’s token (a PAT), which a Bot-only rule never did', async () => {
    const w = await newWorld()
    const pat = w.github.issueToken({ kind: 'user', login: 'ci-machine-user' })
    const inputs = { 'github-token': pat, incremental: 'false' }
    expect((await run(w, { inputs }, [pat])).code).toBe(0)
    expect((await run(w, { ...pushed(w), inputs }, [pat])).code).toBe(0)
    expect(summaries(w).map((c) => c.user.login)).toEqual(['ci-machine-user'])
    // Its identity from GET /user, once a run; never a GraphQL viewer query of its own (the pull
    // request's query asks `viewer` too, which an installation token's identity is read from).
    expect(w.github.requests.filter((r) => r.path === '/user').map((r) => r.status)).toEqual([
      200, 200
    ])
    const queries = w.github.requests.map((r) => (r.body as { query?: unknown } | undefined)?.query)
    expect(queries.filter((q) => typeof q === 'string' && q.startsWith('query Viewer'))).toEqual([])
  })
})

describe('a maintainer’s note in the summary comment', () => {
  it('is kept, before and after the marker, and the same comment is updated', async () => {
    const w = await newWorld()
    expect((await run(w)).code).toBe(0)
    const [comment] = summaries(w)
    if (!comment) throw new Error('no summary')
    const marker = comment.body.lastIndexOf('\n<!-- keyless-pr-review:summary')
    // Edited in the browser: GitHub keeps its CRLF line endings.
    comment.body = `${comment.body.slice(0, marker)}\n**Maintainer:** the retry is deliberate.\n${comment.body.slice(marker)}\nSee also #12.`
    comment.body = comment.body.replace(/\r?\n/g, '\r\n')

    const files = realisticFiles()
    const changed = files.filter((f) => f.filename === 'src/version.js')
    pushToPull(w.github.state, PR_NUMBER, { files, changes: changed })
    const second = await run(w, pushed(w))
    expect(second.code).toBe(0)
    expect(summaries(w).map((c) => c.id)).toEqual([comment.id])
    expect(comment.body).toContain(
      '._\n\n**Maintainer:** the retry is deliberate.\n\n<!-- keyless-pr-review'
    )
    expect(comment.body).toMatch(/ -->\nSee also #12\.$/)
    expect(parseSummaryMarker(comment.body)?.head).toBe(w.github.pullRequest(PR_NUMBER).headSha)
    expect(
      w.github.mutations.filter((m) => m.method === 'POST' && m.path.endsWith('/issues/7/comments'))
    ).toHaveLength(1)
  })
})

describe('the state an earlier version wrote', () => {
  it('is read (an incremental review from its head) and replaced by the new shape', async () => {
    const w = await newWorld()
    const old = addIssueComment(w.github.state, {
      issueNumber: PR_NUMBER,
      body: `## Pull request summary\n\nEarlier.\n\n<!-- keyless-pr-review:summary {"version":2,"head":"${HEAD_SHA}","base":"${BASE_SHA}","overview":"Earlier.","rows":[["src/cart/totals.js","Totals."]]} -->`,
      user: TOKEN_IDENTITY
    })
    const files = realisticFiles()
    pushToPull(w.github.state, PR_NUMBER, {
      files,
      changes: files.filter((f) => f.filename === 'src/version.js')
    })
    const result = await run(w, pushed(w))
    expect(result.code).toBe(0)
    expect(log(result)).toContain('Incremental: 1 file to review, changed since')
    expect(summaries(w).map((c) => c.id)).toEqual([old.id])
    const state = parseSummaryMarker(old.body)
    expect(state).toMatchObject({ head: w.github.pullRequest(PR_NUMBER).headSha, pending: [] })
    // The row of the file the push did not change is the one the earlier version remembered.
    expect(state?.rows).toContainEqual({ path: 'src/cart/totals.js', change: 'Totals.' })
  })
})

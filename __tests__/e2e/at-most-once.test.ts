/**
 * At most once, end to end on dist/index.js: two runs on one pull request at once (two bundles
 * against one emulated GitHub) post one summary and one review between them, and a create
 * GitHub stores and then answers with a 502 or a dropped connection is never sent twice.
 * Every test asserts on what the emulated GitHub received and holds.
 */
import type { ChatRequest } from '../emulators/azure-openai.js'
import { PR_NUMBER } from '../emulators/constants.js'
import { defaultFederatedCredential } from '../emulators/entra.js'
import { addIssueComment } from '../emulators/github-state.js'
import { startWorld, type World } from '../emulators/world.js'
import { loadEvent } from '../helpers/events.js'
import { realisticFiles } from '../helpers/pr-fixture.js'
import { reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function newWorld(): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = realisticFiles()
  world.openai.config.respond = reviewer()
  world.entra
    .app()
    .federatedCredentials.push(
      defaultFederatedCredential('repo:octo-org/octo-repo:ref:refs/heads/main')
    )
  return world
}

async function run(w: World, options: RunOptions = {}): Promise<RunResult> {
  return runChecked(w, options)
}

/** `/review` typed in the conversation: the comment exists (for reactions) and its event. */
function reviewCommand(w: World): RunOptions {
  const payload = loadEvent('issue_comment', 'created', {
    pull: w.github.pullRequest(PR_NUMBER),
    commentBody: '/review',
    commenter: 'octocat'
  })
  const id = (payload['comment'] as { id: number }).id
  addIssueComment(w.github.state, { issueNumber: PR_NUMBER, body: '/review', id })
  return { eventName: 'issue_comment', payload }
}

const log = (r: RunResult): string => r.stdout + r.stderr
const summaries = (w: World) =>
  w.github.state.issueComments.filter((c) => c.body.includes('keyless-pr-review:summary'))
const posts = (w: World, path: RegExp) =>
  w.github.mutations.filter((m) => m.method === 'POST' && path.test(m.path))

/** Resolves once `ready()` holds, polling the emulators' records. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20))
}

/**
 * Holds the model's answers so that both runs have read the pull request before either posts,
 * and the second posts only once the first has: the first run's answer waits for the second
 * run's request (its snapshot is taken by then), the second's for the first run's review.
 * `runOf` tells the runs' requests apart (default: the order they came in).
 */
function overlap(
  w: World,
  runOf: (request: ChatRequest) => 0 | 1 = (request) => (request.index === 1 ? 0 : 1)
): void {
  const respond = reviewer()
  let secondAsked = false
  w.openai.config.respond = async (request) => {
    if (runOf(request) === 0) {
      await until(() => secondAsked)
    } else {
      secondAsked = true
      await until(() => w.github.state.reviews.length > 0)
    }
    return respond(request)
  }
}

describe('two runs on one pull request at once', () => {
  it('a push and a /review: one summary and one review between them', async () => {
    const w = await newWorld()
    // The push asks for rows and findings; /review for findings only.
    overlap(w, (request) =>
      JSON.stringify(request.body.response_format ?? '').includes('"files"') ? 0 : 1
    )
    const [push, command] = await Promise.all([run(w), run(w, reviewCommand(w))])
    expect([push.code, command.code]).toEqual([0, 0])
    expect(w.openai.requests.filter((r) => r.status === 200)).toHaveLength(2)
    expect(summaries(w)).toHaveLength(1)
    expect(w.github.state.reviews).toHaveLength(1)
    expect(posts(w, /\/pulls\/7\/reviews$/)).toHaveLength(1)
    expect(log(command)).toMatch(
      /A run beside this one posted review \d+ on [0-9a-f]{7}: this run posts none\./
    )
    expect(command.outputs['review-id']).toBe(String(w.github.state.reviews[0]?.id))
  })

  it('two pushes at once: one summary comment, edited, never a second one, and one review', async () => {
    const w = await newWorld()
    overlap(w)
    const ready = loadEvent('pull_request', 'ready_for_review', {
      pull: w.github.pullRequest(PR_NUMBER)
    })
    const [first, second] = await Promise.all([run(w), run(w, { payload: ready })])
    expect([first.code, second.code]).toEqual([0, 0])
    expect(summaries(w)).toHaveLength(1)
    expect(posts(w, /\/issues\/7\/comments$/)).toHaveLength(1)
    expect(w.github.state.reviews).toHaveLength(1)
    expect(w.github.mutations.every((m) => m.status < 400)).toBe(true)
  })
})

describe('a create GitHub stored before it failed', () => {
  it('is looked for, found and never sent again: one summary and one review', async () => {
    const w = await newWorld()
    w.github.writeFaults.push(
      { method: 'POST', path: /\/issues\/\d+\/comments$/, fault: 'stored-then-502' },
      { method: 'POST', path: /\/pulls\/\d+\/reviews$/, fault: 'stored-then-reset' }
    )
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(summaries(w)).toHaveLength(1)
    expect(w.github.state.reviews).toHaveLength(1)
    expect(posts(w, /\/issues\/7\/comments$/).map((m) => m.status)).toEqual([502])
    // The dropped connection never answered.
    expect(posts(w, /\/pulls\/7\/reviews$/).map((m) => m.status)).toEqual([0])
    expect(log(result)).toMatch(
      /GitHub answered HTTP 502: .* to the summary comment, but had stored it\./
    )
    expect(result.outputs['review-id']).toBe(String(w.github.state.reviews[0]?.id))
  })
})

/**
 * Nothing lost when Azure says no, end to end on dist/index.js: a file whose text the content
 * filter refuses costs only the hunk it refuses; a chain that breaks mid-run (throttling beyond
 * the retries, a role removed) still posts what succeeded, with the rest left to review and the
 * reason in the summary; and a `/review` run brings the summary's state up to date. Asserted on
 * what the emulated GitHub and Azure OpenAI received.
 */
import { DEPLOYMENT, PR_NUMBER } from '../emulators/constants.js'
import { defaultFederatedCredential } from '../emulators/entra.js'
import { addIssueComment, pushToPull, type PullFileState } from '../emulators/github-state.js'
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

async function newWorld(files: PullFileState[]): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = files
  world.openai.config.respond = reviewer()
  // `/review` runs on issue_comment, whose subject is the default branch's.
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

const pushed = (w: World): RunOptions => ({
  payload: loadEvent('pull_request', 'synchronize', { pull: w.github.pullRequest(PR_NUMBER) })
})

/** `/review` typed in the conversation by a collaborator: its comment exists, and its event. */
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
const summaryBody = (w: World): string => summaries(w)[0]?.body ?? ''
const userText = (messages: readonly { role: string; content?: unknown }[] = []): string =>
  messages
    .filter((m) => m.role === 'user')
    .map((m) => String(m.content))
    .join('\n')
/** The files of each request the model answered (200), in order. */
const answered = (w: World): string[][] =>
  w.openai.requests
    .filter((r) => r.status === 200)
    .map((r) => filesInPrompt(userText(r.body?.messages)).map((f) => f.path))
/** Paths with a finding in the posted review's inline comments. */
const commented = (w: World): Set<string> =>
  new Set(w.github.state.reviewComments.map((c) => c.path))

describe('text the content filter refuses', () => {
  /** A modified file of two hunks: the second holds what the filter refuses. */
  const labels: PullFileState = {
    filename: 'src/cart/labels.js',
    status: 'modified',
    patch: [
      '@@ -1,3 +1,4 @@',
      " import { t } from './i18n.js'",
      "+export const CHECKOUT = t('checkout')",
      " export const CART = t('cart')",
      " export const TOTAL = t('total')",
      '@@ -40,3 +41,4 @@ export function banner(user) {',
      '   const name = user.name',
      '+  return `REFUSED-BY-THE-FILTER ${name}`',
      '   // greet',
      ' }'
    ].join('\n')
  }

  it('in one file of a multi-file pull request: only its refused hunk is left out and named; the rest reviewed, exit 0, and the next push does not send it again', async () => {
    const w = await newWorld([...realisticFiles(), labels])
    w.openai.config.faultFor = (request) =>
      request.user.includes('REFUSED-BY-THE-FILTER') ? { kind: 'prompt-filter' } : undefined
    const first = await run(w)
    expect(first.code).toBe(0)

    // The whole request was refused, then its halves were tried apart.
    const refused = w.openai.requests.filter((r) => r.errorCode === 'content_filter')
    expect(refused.length).toBeGreaterThan(1)
    const reviewed = new Set(answered(w).flat())
    expect(reviewed).toEqual(new Set([...REVIEWABLE, labels.filename]))
    // The first hunk of labels.js was reviewed: the model saw it in an answered request.
    const sawFirstHunk = w.openai.requests.some(
      (r) => r.status === 200 && userText(r.body?.messages).includes("CHECKOUT = t('checkout')")
    )
    expect(sawFirstHunk).toBe(true)
    expect(commented(w).size).toBeGreaterThan(0)

    const body = summaryBody(w)
    expect(body).toContain(
      "- src/cart/labels.js: Azure OpenAI's content filter refused lines 41–44"
    )
    expect(body).not.toContain('Not reviewed yet')
    expect(log(first)).toMatch(
      /::warning::Azure OpenAI's content filter refused 1 piece of the diff \(.*src\/cart\/labels\.js: Azure OpenAI's content filter refused lines 41–44\)/
    )
    // Not left to review: the next run does not send it again.
    expect(parseSummaryMarker(body)?.pending).toEqual([])

    const [totals] = realisticFiles()
    if (!totals) throw new Error('no files')
    pushToPull(w.github.state, PR_NUMBER, {
      files: [...realisticFiles(), labels],
      changes: [totals]
    })
    w.openai.requests.length = 0
    const second = await run(w, pushed(w))
    expect(second.code).toBe(0)
    expect(new Set(answered(w).flat())).toEqual(new Set([totals.filename]))
    expect(w.openai.requests.filter((r) => r.errorCode === 'content_filter')).toEqual([])
  })

  it('in the only file: nothing to review, named in the summary, and the step does not fail', async () => {
    const banner: PullFileState = {
      filename: 'src/cart/banner.js',
      status: 'modified',
      patch: [
        '@@ -40,3 +40,4 @@ export function banner(user) {',
        '   const name = user.name',
        '+  return `REFUSED-BY-THE-FILTER ${name}`',
        '   // greet',
        ' }'
      ].join('\n')
    }
    const w = await newWorld([banner])
    w.openai.config.faultFor = (request) =>
      request.user.includes('REFUSED-BY-THE-FILTER') ? { kind: 'prompt-filter' } : undefined
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toMatch(/^::error::/m)
    expect(summaryBody(w)).toContain(
      "- src/cart/banner.js: Azure OpenAI's content filter refused lines 40–43"
    )
  })
})

describe('a chain that breaks mid-run', () => {
  it('throttling that outlives the retries: what succeeded is posted, the rest left to review with the reason, the diagnosis a warning, exit 0', async () => {
    const files = syntheticFiles(120)
    const w = await newWorld(files)
    // The first request is answered; from the second on, 429 whatever the retries.
    w.openai.config.faultFor = (request) =>
      request.index > 1 ? { kind: 'rate-limit', retryAfterMs: 20 } : undefined
    const result = await run(w, { inputs: { concurrency: '1' } })
    expect(result.code).toBe(0)

    const done = answered(w)[0] ?? []
    expect(answered(w)).toHaveLength(1)
    const rest = files.map((f) => f.filename).filter((p) => !done.includes(p))
    expect(rest.length).toBeGreaterThan(0)
    // Posted: the review of the part that was answered, and the summary listing the rest.
    expect(w.github.state.reviews).toHaveLength(1)
    expect([...commented(w)].every((p) => done.includes(p))).toBe(true)
    const body = summaryBody(w)
    expect(body).toContain(
      `**Not reviewed yet:** ${rest.length} files whose review failed. The next push reviews them`
    )
    // The files of the part whose call was throttled, then those of the parts never sent.
    const cause = `could not call deployment '${DEPLOYMENT}' (HTTP 429)`
    const listed = (reason: string): string[] =>
      body
        .split('\n')
        .filter((l) => l.endsWith(`: review failed: ${reason}`))
        .map((l) => l.slice(2, -`: review failed: ${reason}`.length))
    const throttled = listed(`${cause}; the run stopped asking the model`)
    const unsent = listed(`not sent: the run stopped asking the model, as it ${cause}`)
    expect(throttled[0]).toBe(rest[0])
    expect(unsent.length).toBeGreaterThan(0)
    // The list may be cut short; every file named is one of the rest, each once.
    const named = [...throttled, ...unsent]
    expect(new Set(named).size).toBe(named.length)
    expect(rest).toEqual(expect.arrayContaining(named))
    expect(parseSummaryMarker(body)?.pending).toEqual(rest)
    // Why, as the diagnosis explains it, in the annotations.
    expect(result.stdout).toMatch(/^::warning::.*(throttl|429|rate)/im)
    expect(result.stdout).not.toMatch(/^::error::/m)

    // The next push reviews the files left, though it does not touch them.
    const last = files.at(-1)
    if (!last) throw new Error('no files')
    pushToPull(w.github.state, PR_NUMBER, { files, changes: [last] })
    w.openai.config.faultFor = () => undefined
    w.openai.requests.length = 0
    const second = await run(w, pushed(w))
    expect(second.code).toBe(0)
    expect(new Set(answered(w).flat())).toEqual(new Set([...rest, last.filename]))
    expect(parseSummaryMarker(summaryBody(w))?.pending).toEqual([])
    expect(summaries(w)).toHaveLength(1)
  })

  it('the role removed while the run works: what succeeded is posted, the role diagnosis a warning', async () => {
    const files = syntheticFiles(60)
    const w = await newWorld(files)
    w.openai.config.respond = (request) => {
      const answer = reviewer()(request)
      w.openai.config.roleAssignments = []
      return answer
    }
    const result = await run(w, { inputs: { concurrency: '1' } })
    expect(result.code).toBe(0)
    expect(answered(w)).toHaveLength(1)
    expect(w.github.state.reviews).toHaveLength(1)
    const done = answered(w)[0] ?? []
    expect(parseSummaryMarker(summaryBody(w))?.pending).toEqual(
      files.map((f) => f.filename).filter((p) => !done.includes(p))
    )
    expect(result.stdout).toMatch(/^::warning::.*Cognitive Services OpenAI User/m)
    expect(result.stdout).toMatch(/az role assignment create/)
  })

  it('nothing succeeded: nothing posted, the step fails with the diagnosis, as before', async () => {
    const w = await newWorld(syntheticFiles(10))
    w.openai.config.faultFor = () => ({ kind: 'rate-limit', retryAfterMs: 20 })
    const result = await run(w)
    expect(result.code).toBe(1)
    expect(w.github.state.reviews).toEqual([])
    expect(summaries(w)).toEqual([])
    expect(result.stdout).toMatch(/^::error::/m)
  })
})

describe('a /review run', () => {
  it('brings the summary up to date: the files it reviews are no longer listed, its rows are fresh, its overview kept, and no later push sends them again', async () => {
    const files = syntheticFiles(60)
    const w = await newWorld(files)
    // The first run's first part gets an answer that cannot be read: 50 files left to review.
    w.openai.config.faults.push({ kind: 'answer', content: 'Looks good to me!' })
    const first = await run(w, { inputs: { concurrency: '1' } })
    expect(first.code).toBe(0)
    const before = parseSummaryMarker(summaryBody(w))
    expect(before?.pending).toHaveLength(50)

    w.openai.requests.length = 0
    const command = await run(w, reviewCommand(w))
    expect(command.code).toBe(0)
    // One pass asks rows and findings together; no overview is composed.
    const formats = new Set(
      w.openai.requests.map((r) => r.body?.response_format?.json_schema?.name)
    )
    expect(formats).toEqual(new Set(['pull_request_part_review_and_walkthrough']))
    const after = parseSummaryMarker(summaryBody(w))
    expect(after?.pending).toEqual([])
    expect(after?.overview).toBe(before?.overview)
    expect(after?.rows?.map((r) => r.path).sort()).toEqual(files.map((f) => f.filename).sort())
    expect(summaryBody(w)).not.toContain('Not reviewed yet')
    expect(summaries(w)).toHaveLength(1)

    // A push touching one file sends only that file.
    const last = files.at(-1)
    if (!last) throw new Error('no files')
    pushToPull(w.github.state, PR_NUMBER, { files, changes: [last] })
    w.openai.requests.length = 0
    const third = await run(w, pushed(w))
    expect(third.code).toBe(0)
    expect(new Set(answered(w).flat())).toEqual(new Set([last.filename]))
  })
})

/**
 * One pull request end to end in this process (run/pipeline.ts), against the emulated GitHub,
 * Entra ID and Azure OpenAI: the real GitHub client, the real model client (chain/openai.ts)
 * with a token from the emulated federation, the network mocked nowhere. What each mode posts
 * and in what order, a dry run, a later push reviewed incrementally, the files of parts that did
 * not come back whole (failed, filtered, not sent), a chain broken mid-run, the warnings of the
 * parts, and the walkthrough's order; asserted on what the emulated services received and on the
 * result main.ts reports. The bundle's runs are __tests__/e2e/pipeline.test.ts and its siblings.
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { ModelClient } from '../../src/chain/openai.js'
import type { GitHubClient } from '../../src/github/client.js'
import { parseSummaryMarker } from '../../src/post/markers.js'
import type { HeadFiles, Task } from '../../src/pull-request.js'
import { loadTokenizer } from '../../src/review/tokens.js'
import {
  reviewing,
  reviewPullRequest,
  reviewSnapshot,
  type PipelineResult
} from '../../src/run/pipeline.js'
import type { Snapshot } from '../../src/run/snapshot.js'
import type { Config } from '../../src/settings.js'
import {
  defaultAzureOpenAIConfig,
  type ChatRequest,
  type Fault,
  type OpenAIRequestRecord
} from '../emulators/azure-openai.js'
import { BASE_SHA, DEPLOYMENT, HEAD_SHA, OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import { pushToPull, type PullFileState } from '../emulators/github-state.js'
import type { World } from '../emulators/world.js'
import { federatedModel, worldModelConfig } from '../helpers/federated-model.js'
import { testConfig } from '../helpers/config.js'
import { prFile } from '../helpers/files.js'
import { startInProcessWorld } from '../helpers/in-process.js'
import { realisticFiles, REVIEWABLE, syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import { captureStdout } from '../helpers/stdout.js'

const repo = { owner: OWNER, repo: REPO }
const BOTH: Task[] = ['summary', 'review']
/** The files of realisticFiles() not sent to the model: deleted, a lock file, a bundle, an image. */
const SKIPPED = realisticFiles()
  .map((f) => f.filename)
  .filter((p) => !REVIEWABLE.includes(p))
/** An answer that is not JSON: its part fails, and its files are left to review. */
const UNREADABLE: Fault = { kind: 'answer', content: 'Looks good to me!' }

let world: World
let gh: GitHubClient
let model: ModelClient
let stdout: string[]

beforeAll(async () => {
  ;({ world, gh } = await startInProcessWorld())
  model = federatedModel(world)
  // reviewSnapshot counts tokens; reviewPullRequest loads the tokenizer itself, as the action does.
  await loadTokenizer()
})

beforeEach(() => {
  world.github.reset()
  world.github.pullRequest(PR_NUMBER).files = realisticFiles()
  world.openai.config = defaultAzureOpenAIConfig()
  world.openai.config.respond = reviewer()
  world.openai.requests.length = 0
  stdout = captureStdout()
})

afterEach(() => {
  jest.restoreAllMocks()
})

afterAll(async () => {
  await world.close()
})

const config = (overrides: Partial<Config> = {}): Config =>
  testConfig({ model: worldModelConfig(world), githubToken: world.githubToken, ...overrides })

function review(
  tasks: readonly Task[] = BOTH,
  overrides: Partial<Config> = {},
  guidance = ''
): Promise<PipelineResult> {
  return reviewPullRequest({
    config: config(overrides),
    repo,
    prNumber: PR_NUMBER,
    tasks,
    guidance,
    model,
    github: gh
  })
}

/** The name of the schema a model request asked its answer in. */
const schemaName = (r: OpenAIRequestRecord | ChatRequest): string | undefined =>
  r.body?.response_format?.json_schema?.name
const userText = (r: OpenAIRequestRecord): string =>
  (r.body?.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => String(m.content))
    .join('\n')
/** The files each model request answered (200) showed. */
const answeredFiles = (): string[][] =>
  world.openai.requests
    .filter((r) => r.status === 200)
    .map((r) => filesInPrompt(userText(r)).map((f) => f.path))
/** What was written to GitHub, in order, as `METHOD path`. */
const writes = (): string[] => world.github.mutations.map((m) => `${m.method} ${m.path}`)
const COMMENTS = `/repos/${OWNER}/${REPO}/issues/${PR_NUMBER}/comments`
/** Our comment, edited. */
const EDITED = (id: number | undefined): string =>
  `PATCH /repos/${OWNER}/${REPO}/issues/comments/${String(id)}`
const REVIEWS = `/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/reviews`
const summaries = () =>
  world.github.state.issueComments.filter((c) => c.body.includes('keyless-pr-review:summary'))
const log = (): string => stdout.join('')
const warnings = (): string[] =>
  log()
    .split('\n')
    .filter((l) => l.startsWith('::warning::'))
/** The paths of the summary's walkthrough table, in the order it shows them. */
const tableRows = (body: string): string[] => {
  const table = body.slice(body.indexOf('### Walkthrough'))
  return [...table.matchAll(/^\| (\S+) \| (?!---)/gm)].map((m) => m[1] ?? '').slice(1)
}

/** A modified file of two hunks, each holding `first` and `second` (markers a fault can key on). */
function twoHunks(path: string, first: string, second: string): PullFileState {
  return {
    filename: path,
    status: 'modified',
    patch: [
      '@@ -1,3 +1,4 @@',
      " import { t } from './i18n.js'",
      `+export const CHECKOUT = t('${first}')`,
      " export const CART = t('cart')",
      " export const TOTAL = t('total')",
      '@@ -40,3 +41,4 @@ export function banner(user) {',
      '   const name = user.name',
      `+  return \`${second} \${name}\``,
      '   // greet',
      ' }'
    ].join('\n')
  }
}

describe('what each mode posts', () => {
  it('both, on a pull request that fits one request: one call for everything, a summary and a review', async () => {
    const result = await review()

    // One request asked for the overview, the rows and the findings together.
    expect(world.openai.requests.map(schemaName)).toEqual(['pull_request_review_and_summary'])
    // The review first: the summary's state claims the files whose findings it holds.
    expect(writes()).toEqual([`POST ${REVIEWS}`, `POST ${COMMENTS}`])

    const [comment] = world.github.state.issueComments
    const [posted] = world.github.state.reviews
    expect(result.posts.summary).toEqual({
      body: comment?.body,
      url: `https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER}#issuecomment-${String(comment?.id)}`,
      action: 'created'
    })
    expect(result.posts.review).toMatchObject({
      id: posted?.id,
      inline: world.github.state.reviewComments.length,
      bodyOnly: false
    })
    expect(posted?.commitId).toBe(HEAD_SHA)
    expect(world.github.state.reviewComments.length).toBeGreaterThan(0)
    for (const c of world.github.state.reviewComments) expect(REVIEWABLE).toContain(c.path)

    expect(result).toMatchObject({
      tasks: BOTH,
      dryRun: false,
      filesListed: realisticFiles().length,
      filesReviewed: REVIEWABLE,
      incrementalFrom: undefined
    })
    expect(result.broken).toBeUndefined()
    expect(result.notReviewed.map((n) => [n.path, n.kind])).toEqual(
      SKIPPED.map((p) => [p, 'skipped'])
    )
    // The usage is what the model service counted.
    const [call] = world.openai.requests
    expect(result).toMatchObject({
      requests: 1,
      promptTokens: call?.promptTokens,
      completionTokens: call?.completionTokens
    })
    const n = new Intl.NumberFormat('en-US')
    expect(comment?.body).toContain(
      `this run: 1 model request, ${n.format(call?.promptTokens ?? 0)} prompt and ${n.format(call?.completionTokens ?? 0)} completion tokens`
    )
  })

  it('both, over several requests: the review is posted while the overview is composed, the summary after', async () => {
    world.github.pullRequest(PR_NUMBER).files = syntheticFiles(60)
    let reviewWhileComposing: boolean | undefined
    const answer = reviewer()
    world.openai.config.respond = async (request) => {
      if (schemaName(request) === 'pull_request_overview') {
        // Held until the review is on GitHub: a run that posted it only after the overview
        // would never get there.
        for (let waited = 0; waited < 10_000; waited += 20) {
          if (world.github.state.reviews.length > 0) break
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        reviewWhileComposing = world.github.state.reviews.length === 1
      }
      return answer(request)
    }
    const result = await review(BOTH, { concurrency: 2 })

    expect(world.openai.requests.map(schemaName).sort()).toEqual([
      'pull_request_overview',
      'pull_request_part_review_and_walkthrough',
      'pull_request_part_review_and_walkthrough'
    ])
    expect(reviewWhileComposing).toBe(true)
    expect(writes()).toEqual([`POST ${REVIEWS}`, `POST ${COMMENTS}`])
    expect(summaries()[0]?.body).toContain('Combined overview.')
    expect(result.posts.review?.id).toBe(world.github.state.reviews[0]?.id)
    expect(result.parts.map((p) => p.task)).toEqual([
      'summary and review',
      'summary and review',
      'overview'
    ])
  })

  it('review: only the review, asked of findings alone; what was skipped still reported', async () => {
    const result = await review(['review'])
    expect(world.openai.requests.map(schemaName)).toEqual(['review_findings'])
    expect(writes()).toEqual([`POST ${REVIEWS}`])
    expect(result.posts.summary).toBeUndefined()
    expect(result.posts.review?.id).toBe(world.github.state.reviews[0]?.id)
    expect(result.filesReviewed).toEqual(REVIEWABLE)
    expect(result.notReviewed.map((n) => n.path)).toEqual(SKIPPED)
  })

  it('summary: only the summary comment, asked of no findings; no review', async () => {
    const result = await review(['summary'])
    expect(world.openai.requests.map(schemaName)).toEqual(['pull_request_summary'])
    expect(writes()).toEqual([`POST ${COMMENTS}`])
    expect(result.posts.review).toBeUndefined()
    expect(result.posts.summary?.body).toBe(summaries()[0]?.body)
    expect(tableRows(result.posts.summary?.body ?? '')).toEqual(REVIEWABLE)
  })

  it('review with nothing to say: no review posted, and the log says so', async () => {
    world.openai.config.respond = () => ({ findings: [] })
    const result = await review(['review'])
    expect(world.github.mutations).toEqual([])
    expect(result.posts).toEqual({})
    expect(log()).toContain('Review: nothing new to say; no review posted.')
  })

  it('review after our summary: brings it up to date (rows and state), its overview kept, none composed', async () => {
    world.github.pullRequest(PR_NUMBER).files = syntheticFiles(60)
    // The first run's first part cannot be read: 50 files left to review.
    world.openai.config.faults.push(UNREADABLE)
    await review(BOTH, { concurrency: 1 })
    const before = parseSummaryMarker(summaries()[0]?.body ?? '')
    expect(before?.pending).toHaveLength(50)
    world.github.mutations.length = 0
    world.openai.requests.length = 0

    const result = await review(['review'])
    expect(world.openai.requests.map(schemaName)).not.toContain('pull_request_overview')
    expect(writes().sort()).toEqual([EDITED(summaries()[0]?.id), `POST ${REVIEWS}`])
    expect(result.posts.summary?.action).toBe('updated')
    const after = parseSummaryMarker(summaries()[0]?.body ?? '')
    expect(after?.pending).toEqual([])
    expect(after?.overview).toBe(before?.overview)
    expect(after?.rows).toHaveLength(60)
  })

  it('passes the title, description, instructions, the base branch’s guidance and the command’s to the model', async () => {
    world.github.state.contents.set(BASE_SHA, { '.github/pr-review.md': 'Mind the rounding.' })
    await review(BOTH, { instructions: 'Answer tersely.', language: 'German' }, 'focus on taxes')
    const [call] = world.openai.requests
    const text = (call?.body?.messages ?? []).map((m) => String(m.content)).join('\n')
    const pull = world.github.pullRequest(PR_NUMBER)
    for (const part of [
      pull.title,
      String(pull.body),
      'Answer tersely.',
      'German',
      'Mind the rounding.',
      'focus on taxes'
    ])
      expect(text).toContain(part)
  })
})

describe('a review GitHub refuses to store', () => {
  it('fails the run before the summary is posted, so that no state claims its files', async () => {
    // Every attempt at the review fails: the 502 of the post, and of the look for it after.
    for (let i = 0; i < 4; i++) {
      world.github.writeFaults.push({
        method: 'POST',
        path: /\/pulls\/\d+\/reviews$/,
        fault: 'server-error'
      })
    }
    await expect(review()).rejects.toMatchObject({ name: 'StageError', doing: 'post the review' })
    expect(world.github.state.reviews).toEqual([])
    expect(summaries()).toEqual([])
    expect(writes().filter((w) => w.includes('/comments'))).toEqual([])
  })
})

describe('a dry run', () => {
  it('reads the pull request and asks the model, posts nothing, and shows what it would post', async () => {
    const result = await review(BOTH, { dryRun: true })
    expect(world.openai.requests).toHaveLength(1)
    expect(world.github.mutations).toEqual([])
    expect(result.dryRun).toBe(true)

    const body = result.posts.summary?.body ?? ''
    expect(result.posts.summary).toEqual({ body })
    expect(parseSummaryMarker(body)?.head).toBe(HEAD_SHA)
    const draft = result.posts.review?.draft
    expect(draft?.comments.length).toBeGreaterThan(0)
    expect(result.posts.review).toEqual({
      draft,
      inline: draft?.comments.length,
      bodyOnly: false
    })
    const shown = log()
    const group = shown.indexOf('::group::Dry run: what would be posted')
    expect(group).toBeGreaterThan(-1)
    expect(shown.indexOf('The summary comment:')).toBeGreaterThan(group)
    expect(shown.indexOf(body)).toBeGreaterThan(group)
    for (const c of draft?.comments ?? []) {
      expect(shown).toContain(`Inline comment on ${c.path} line ${c.line} (${c.side}):`)
      expect(shown).toContain(c.body)
    }
    expect(shown).not.toContain('::group::Posting')
  })

  describe('of a snapshot not read from GitHub (the CLI’s local diff)', () => {
    const local = (): Snapshot => ({
      repo: { owner: 'local', repo: 'work' },
      pr: {
        number: 0,
        title: 'Local changes',
        body: '',
        draft: false,
        state: 'open',
        author: 'me',
        headSha: HEAD_SHA,
        baseSha: HEAD_SHA,
        headRef: '',
        baseRef: '',
        htmlUrl: '',
        changedFiles: 4
      },
      files: realisticFiles()
        .filter((f) => REVIEWABLE.includes(f.filename))
        .map((f) =>
          prFile(f.filename, f.patch ?? null, {
            status: f.status,
            ...(f.previousFilename ? { previousPath: f.previousFilename } : {})
          })
        ),
      summaryComment: undefined,
      postedFindings: new Set(),
      repoGuidance: undefined,
      incremental: undefined
    })
    const heads: HeadFiles = { lines: () => Promise.resolve(undefined), reads: 0 }
    const run = (dryRun: boolean) =>
      reviewSnapshot(
        { config: config({ dryRun }), tasks: BOTH, guidance: '', model, repo: local().repo },
        local(),
        heads
      )

    it('shows the summary and the review without a GitHub request', async () => {
      const result = await run(true)
      expect(world.github.requests).toEqual([])
      expect(result.filesReviewed).toEqual(REVIEWABLE)
      expect(tableRows(result.posts.summary?.body ?? '')).toEqual(REVIEWABLE)
      expect(result.posts.review?.draft.findings).toBeGreaterThan(0)
    })

    it('refuses to post it before asking the model', async () => {
      await expect(run(false)).rejects.toThrow(
        'Posting needs a pull request read from GitHub; run it as a dry run'
      )
      expect(world.openai.requests).toEqual([])
      expect(world.github.requests).toEqual([])
    })
  })
})

describe('a later push, reviewed incrementally', () => {
  /** src/version.js with a line added after its second: a finding on a line not seen before. */
  const VERSION_AGAIN: PullFileState = {
    filename: 'src/version.js',
    status: 'modified',
    patch: '@@ -1,3 +1,4 @@\n line one\n line two\n+line two and a half\n last line without newline'
  }

  /** The first run, then a push that changes `changed`, one of realisticFiles()'s. */
  async function reviewedThenPushed(changed: PullFileState): Promise<string> {
    await review()
    const files = realisticFiles().map((f) => (f.filename === changed.filename ? changed : f))
    const head = pushToPull(world.github.state, PR_NUMBER, { files, changes: [changed] })
    world.github.mutations.length = 0
    world.openai.requests.length = 0
    return head
  }

  it('sends only what changed since the head in our summary, and says where it started', async () => {
    const head = await reviewedThenPushed(VERSION_AGAIN)
    const result = await review()

    expect(answeredFiles().flat()).toEqual(['src/version.js'])
    expect(result.filesReviewed).toEqual(['src/version.js'])
    expect(result.incrementalFrom).toBe(HEAD_SHA)
    expect(result.pr.headSha).toBe(head)
    // Our comment is edited in place; the review is of the new head.
    expect(writes()).toEqual([`POST ${REVIEWS}`, EDITED(summaries()[0]?.id)])
    expect(world.github.state.reviews.at(-1)?.commitId).toBe(head)
    expect(result.posts.summary?.action).toBe('updated')
    const state = parseSummaryMarker(summaries()[0]?.body ?? '')
    expect(state?.head).toBe(head)
    // The rows of the files it did not send are kept.
    expect(state?.rows?.map((r) => r.path)).toEqual(REVIEWABLE)
  })

  it('keeps the walkthrough in the pull request’s order when the first file is the one that changed', async () => {
    await reviewedThenPushed(realisticFiles()[0] as PullFileState)
    const result = await review()
    expect(result.filesReviewed).toEqual(['src/cart/totals.js'])
    expect(tableRows(result.posts.summary?.body ?? '')).toEqual(REVIEWABLE)
  })

  it('reviews the whole pull request again with incremental off', async () => {
    await reviewedThenPushed(VERSION_AGAIN)
    const result = await review(BOTH, { incremental: false })
    expect(new Set(answeredFiles().flat())).toEqual(new Set(REVIEWABLE))
    expect(result.filesReviewed).toEqual(REVIEWABLE)
    expect(result.incrementalFrom).toBeUndefined()
  })
})

describe('what was not reviewed', () => {
  const LABELS = 'src/cart/labels.js'
  const refused = (marker: string) => (request: ChatRequest) =>
    request.user.includes(marker) ? ({ kind: 'prompt-filter' } as const) : undefined

  it.each([
    ['refused, then unreadable', 'REFUSED-A', 'UNREADABLE-B'],
    ['unreadable, then refused', 'UNREADABLE-A', 'REFUSED-B']
  ])(
    'a file whose hunks were %s is listed once, as failed, and left to review',
    async (_, first, second) => {
      world.github.pullRequest(PR_NUMBER).files = [
        ...realisticFiles(),
        twoHunks(LABELS, first, second)
      ]
      world.openai.config.faultFor = (request) =>
        /REFUSED-[AB]/.test(request.user)
          ? { kind: 'prompt-filter' }
          : /UNREADABLE-[AB]/.test(request.user)
            ? UNREADABLE
            : undefined
      const result = await review()

      const ofLabels = result.parts.filter((p) => p.part.files.includes(LABELS))
      expect(ofLabels.map((p) => p.part.status)).toEqual(
        first.startsWith('REFUSED') ? ['filtered', 'failed'] : ['failed', 'filtered']
      )
      const failed = ofLabels.find((p) => p.part.status === 'failed')
      expect(result.notReviewed.filter((n) => n.path === LABELS)).toEqual([
        { path: LABELS, kind: 'failed', reason: failed?.part.reason }
      ])
      expect(failed?.part.reason).toMatch(/^unreadable answer: /)
      const body = summaries()[0]?.body ?? ''
      expect(body).toContain(`- ${LABELS}: review failed: unreadable answer`)
      expect(body).not.toContain('content filter refused')
      expect(parseSummaryMarker(body)?.pending).toEqual([LABELS])
      // The other files were reviewed, and what the plan skipped is still listed after.
      expect(result.notReviewed.map((n) => n.path)).toEqual([LABELS, ...SKIPPED])
    }
  )

  it('a file the filter refused in two hunks: named once, both reasons joined, not left to review', async () => {
    world.github.pullRequest(PR_NUMBER).files = [
      ...realisticFiles(),
      twoHunks(LABELS, 'REFUSED-A', 'REFUSED-B')
    ]
    world.openai.config.faultFor = refused('REFUSED-')
    const result = await review()

    expect(result.notReviewed.filter((n) => n.path === LABELS)).toEqual([
      {
        path: LABELS,
        kind: 'filtered',
        reason: "Azure OpenAI's content filter refused lines 1–4; lines 41–44"
      }
    ])
    const body = summaries()[0]?.body ?? ''
    expect(body).toContain(
      `- ${LABELS}: Azure OpenAI's content filter refused lines 1–4; lines 41–44`
    )
    expect(body).not.toContain('Not reviewed yet')
    expect(parseSummaryMarker(body)?.pending).toEqual([])
    // Every other reviewable file was answered.
    expect(new Set(answeredFiles().flat())).toEqual(new Set(REVIEWABLE))
  })

  it('files of a part whose answer could not be read are failed, with its reason, and left to review', async () => {
    const files = syntheticFiles(60)
    world.github.pullRequest(PR_NUMBER).files = files
    const last = files.at(-1)?.filename ?? ''
    world.openai.config.faultFor = (request) =>
      request.user.includes(`## ${last}`) ? UNREADABLE : undefined
    const result = await review(['review'])

    const failed = result.parts.filter((p) => p.part.status === 'failed')
    expect(failed).toHaveLength(1)
    const lost = failed[0]?.part.files ?? []
    expect(lost).toContain(last)
    expect(result.notReviewed).toEqual(
      lost.map((path) => ({
        path,
        kind: 'failed',
        reason: 'unreadable answer: the answer is not JSON'
      }))
    )
    // The files the other part reviewed got their findings posted.
    const commented = new Set(world.github.state.reviewComments.map((c) => c.path))
    expect(commented.size).toBeGreaterThan(0)
    for (const path of commented) expect(lost).not.toContain(path)
  })
})

describe('a chain broken mid-run', () => {
  it('posts what succeeded, names the part refused and lists the rest as not sent, and returns the error for main.ts', async () => {
    const files = syntheticFiles(120)
    world.github.pullRequest(PR_NUMBER).files = files
    // The first answer is given; then the role is gone, and every request is refused.
    const answer = reviewer()
    world.openai.config.respond = (request) => {
      world.openai.config.roleAssignments = []
      return answer(request)
    }
    const result = await review(BOTH, { concurrency: 1 })

    expect(result.broken).toMatchObject({ name: 'StageError', stage: 'openai' })
    const worked = result.parts.filter((p) => p.part.status === 'ok')
    expect(worked).toHaveLength(1)
    const done = worked[0]?.part.files ?? []
    const rest = files.map((f) => f.filename).filter((p) => !done.includes(p))
    expect(rest.length).toBeGreaterThan(0)
    expect(result.notReviewed.map((n) => n.path)).toEqual(rest)
    // The files of the part whose call was refused, then those of the parts never sent.
    const reasons = result.notReviewed.map((n) => [n.kind, n.reason])
    const refused = `could not call deployment '${DEPLOYMENT}' (HTTP 401)`
    const second = result.parts[1]?.part.files.length ?? 0
    expect(second).toBeGreaterThan(0)
    // Sent to the model: the part answered and the part refused, not those never sent.
    expect([...result.filesReviewed].sort()).toEqual(
      [...done, ...(result.parts[1]?.part.files ?? [])].sort()
    )
    expect(reasons).toEqual([
      ...Array.from({ length: second }, () => [
        'failed',
        `${refused}; the run stopped asking the model`
      ]),
      ...Array.from({ length: rest.length - second }, () => [
        'failed',
        `not sent: the run stopped asking the model, as it ${refused}`
      ])
    ])
    // Posted: the review of what was answered, and the summary leaving the rest to review.
    expect(writes()).toEqual([`POST ${REVIEWS}`, `POST ${COMMENTS}`])
    expect(result.posts.review?.id).toBe(world.github.state.reviews[0]?.id)
    for (const c of world.github.state.reviewComments) expect(done).toContain(c.path)
    const body = summaries()[0]?.body ?? ''
    expect(parseSummaryMarker(body)?.pending).toEqual(rest)
    expect(tableRows(body)).toEqual(done)
    // No overview was asked of a chain that refuses.
    expect(world.openai.requests.map(schemaName)).not.toContain('pull_request_overview')
    const parts = result.parts.length
    expect(warnings()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::warning::${parts - 1} of ${parts} parts did not come back whole \\(summary and review 2: could not .*; summary and review 3: not sent: .*\\): ${rest.length} files listed as not reviewed, reviewed on the next run\\.$`
        )
      ),
      '::warning::The overview was not written, as the run stopped asking the model; the summary has the walkthrough only.'
    ])
  })

  it.each([[BOTH], [['review'] as Task[]], [['summary'] as Task[]]])(
    'throws the chain’s error and posts nothing when no part worked (%j)',
    async (tasks) => {
      world.openai.config.roleAssignments = []
      await expect(review(tasks)).rejects.toMatchObject({ name: 'StageError', stage: 'openai' })
      expect(world.openai.requests.length).toBeGreaterThan(0)
      expect(world.openai.requests.every((r) => r.status === 401)).toBe(true)
      expect(world.github.mutations).toEqual([])
      expect(log()).not.toContain('::group::Posting')
    }
  )
})

describe('warnings of the parts', () => {
  it('names each part that did not come back whole beside others that worked, and counts its files', async () => {
    const files = syntheticFiles(60)
    world.github.pullRequest(PR_NUMBER).files = files
    const last = files.at(-1)?.filename ?? ''
    world.openai.config.faultFor = (request) =>
      request.user.includes(`## ${last}`) ? UNREADABLE : undefined
    const result = await review(['review'])

    const failed = result.parts.find((p) => p.part.status === 'failed')
    expect(result.parts).toHaveLength(2)
    expect(warnings()).toEqual([
      `::warning::1 of 2 parts did not come back whole (review ${String(failed?.part.index)}: unreadable answer: the answer is not JSON): ${String(failed?.part.files.length)} files listed as not reviewed, reviewed on the next run.`
    ])
    expect(failed?.part.index).toBe(2)
  })

  it('names each piece the content filter refused, with its files and lines', async () => {
    const LABELS = 'src/cart/labels.js'
    world.github.pullRequest(PR_NUMBER).files = [
      ...realisticFiles(),
      twoHunks(LABELS, 'fine', 'REFUSED-B')
    ]
    world.openai.config.faultFor = (request) =>
      request.user.includes('REFUSED-B') ? { kind: 'prompt-filter' } : undefined
    const result = await review()

    const refused = result.parts.filter((p) => p.part.status === 'filtered')
    expect(refused).toHaveLength(1)
    const piece = refused[0]?.part.piece ?? ''
    // Halved by files, then the file by hunks: the piece is at least two levels down.
    expect(piece).toMatch(/^\d+(\.\d+)+$/)
    expect(warnings()).toEqual([
      `::warning::Azure OpenAI's content filter refused 1 piece of the diff (summary and review 1.${piece}: ${LABELS}: Azure OpenAI's content filter refused lines 41–44): the rest was reviewed; the summary names what was left out.`
    ])
  })

  it('says nothing of failed parts when none worked: the step fails instead (report.ts), after the summary lists them', async () => {
    world.openai.config.faultFor = () => UNREADABLE
    const result = await review()
    expect(result.parts.map((p) => p.part.status)).toEqual(['failed'])
    expect(result.broken).toBeUndefined()
    expect(warnings().filter((w) => w.includes('did not come back whole'))).toEqual([])
    expect(writes()).toEqual([`POST ${COMMENTS}`])
    expect(parseSummaryMarker(summaries()[0]?.body ?? '')?.pending).toEqual(REVIEWABLE)
  })

  it('does not count the overview’s composition as a part that reviewed files (nor does report.ts, by reviewing())', async () => {
    world.github.pullRequest(PR_NUMBER).files = syntheticFiles(60)
    world.openai.config.faultFor = (request) =>
      schemaName(request) === 'pull_request_overview' ? UNREADABLE : undefined
    const result = await review()

    expect(result.parts.map((p) => [p.task, p.part.status])).toEqual([
      ['summary and review', 'ok'],
      ['summary and review', 'ok'],
      ['overview', 'failed']
    ])
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toMatch(
      /^::warning::Could not write the overview \(unreadable answer: .+\); the summary has the walkthrough only\.$/
    )
    expect(result.notReviewed).toEqual([])
    expect(writes()).toEqual([`POST ${REVIEWS}`, `POST ${COMMENTS}`])
    // What report.ts reads of the parts: the two that reviewed files, which worked.
    expect(reviewing(result.parts)).toEqual({ parts: result.parts.slice(0, 2), worked: true })
    // An overview that was written is no part that worked when every part that reviewed failed.
    const [composed] = result.parts.slice(2)
    if (!composed) throw new Error('no composition')
    const failedParts = result.parts
      .slice(0, 2)
      .map((p) => ({ ...p, part: { ...p.part, status: 'failed' as const } }))
    const overview = { ...composed, part: { ...composed.part, status: 'ok' as const } }
    expect(reviewing([...failedParts, overview])).toEqual({ parts: failedParts, worked: false })
    // One cut at the output limit kept what was complete: it worked.
    const cut = {
      task: 'summary and review',
      part: { ...composed.part, status: 'partial' as const, files: ['src/modules/module-000.ts'] }
    }
    expect(reviewing([...failedParts, cut]).worked).toBe(true)
  })
})

describe('the summary’s walkthrough', () => {
  /** The reviewer, giving each request's rows in the reverse of the order it saw the files. */
  const backwards = () => {
    const answer = reviewer()
    return (request: ChatRequest) => {
      const given = answer(request) as { files?: unknown[] }
      if (given.files) given.files.reverse()
      return given
    }
  }

  it('is in the order of the pull request’s files, whatever order the model answered in', async () => {
    world.openai.config.respond = backwards()
    const result = await review()
    const answered = JSON.parse(world.openai.requests[0]?.content ?? '{}') as {
      files: { path: string }[]
    }
    expect(answered.files.map((f) => f.path)).toEqual([...REVIEWABLE].reverse())
    const body = result.posts.summary?.body ?? ''
    expect(tableRows(body)).toEqual(REVIEWABLE)
    expect(parseSummaryMarker(body)?.rows?.map((r) => r.path)).toEqual(REVIEWABLE)
  })

  it('is in that order across several parts and an overview composed from their rows', async () => {
    const files = syntheticFiles(120)
    world.github.pullRequest(PR_NUMBER).files = files
    world.openai.config.respond = backwards()
    const result = await review(BOTH, { concurrency: 4 })
    expect(result.parts.filter((p) => p.task !== 'overview').length).toBeGreaterThan(1)
    expect(tableRows(result.posts.summary?.body ?? '')).toEqual(files.map((f) => f.filename))
  })
})

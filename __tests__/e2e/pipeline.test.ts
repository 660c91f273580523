/**
 * Reviews and summaries end to end: dist/index.js runs for each trigger with real webhook
 * payloads against the emulated GitHub (which refuses unresolvable review lines with 422, as
 * GitHub does) and Azure OpenAI answered by a scripted reviewer. Every test asserts on what the
 * emulated services received.
 */
import { readFileSync } from 'node:fs'
import { countTokens, loadTokenizer } from '../../src/review/tokens.js'
import type { ChatRequest } from '../emulators/azure-openai.js'
import { HEAD_SHA, PR_NUMBER } from '../emulators/constants.js'
import { addIssueComment, pushToPull } from '../emulators/github-state.js'
import { defaultFederatedCredential } from '../emulators/entra.js'
import { startWorld, type World } from '../emulators/world.js'
import { loadEvent } from '../helpers/events.js'
import { realisticFiles, REVIEWABLE, syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

// The tokenizer loads on demand, as in the action.
beforeAll(loadTokenizer)

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function newWorld(edit?: (w: World) => void): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = realisticFiles()
  world.openai.config.respond = reviewer()
  // As the setup guide says: comment commands and manual runs present the default branch's subject.
  world.entra
    .app()
    .federatedCredentials.push(
      defaultFederatedCredential('repo:octo-org/octo-repo:ref:refs/heads/main')
    )
  edit?.(world)
  return world
}

async function run(w: World, options: RunOptions = {}): Promise<RunResult> {
  const eventName = options.eventName ?? 'pull_request'
  return runChecked(w, {
    payload: loadEvent(eventName, eventName === 'pull_request' ? 'opened' : undefined, {
      pull: w.github.pullRequest(PR_NUMBER)
    }),
    ...options
  })
}

const log = (r: RunResult): string => r.stdout + r.stderr
const posts = (w: World, path: RegExp): unknown[] =>
  w.github.mutations.filter((m) => m.method === 'POST' && path.test(m.path)).map((m) => m.body)
/** The requests that asked for findings, answered. */
const reviewPrompts = (w: World): ChatRequest['body'][] =>
  w.openai.requests
    .flatMap((r) => (r.body ? [{ ...r, body: r.body }] : []))
    .filter(
      (r) => r.status === 200 && JSON.stringify(r.body.response_format ?? '').includes('"findings"')
    )
    .map((r) => r.body)
const userText = (body: ChatRequest['body'] | undefined): string =>
  (body?.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => String(m.content))
    .join('\n')

describe('pull_request: a summary and a review that land', () => {
  it('posts one summary comment and one COMMENT review anchored on real diff lines', async () => {
    const w = await newWorld()
    const result = await run(w)
    expect(result.code).toBe(0)

    const [summary] = posts(w, /\/issues\/7\/comments$/) as { body: string }[]
    expect(summary?.body).toContain('| src/cart/totals.js |')
    expect(summary?.body).toMatch(
      /<!-- keyless-pr-review:summary \{"version":2,"head":"[0-9a-f]{40}"/
    )
    // Files skipped by default are listed with their reason, never sent to the model.
    for (const skipped of ['package-lock.json', 'dist/index.js', 'docs/cart.png']) {
      expect(summary?.body).toContain(skipped)
    }
    const sent = w.openai.requests.flatMap((r) =>
      filesInPrompt(userText(r.body)).map((f) => f.path)
    )
    expect(new Set(sent)).toEqual(new Set(REVIEWABLE))

    const reviews = w.github.mutations.filter((m) => m.path.endsWith('/pulls/7/reviews'))
    expect(reviews.map((m) => m.status)).toEqual([200])
    const review = reviews[0]?.body as { event: string; comments: { path: string }[] }
    expect(review.event).toBe('COMMENT')
    expect(review.comments.length).toBeGreaterThan(0)
    expect(result.outputs['review-id']).toMatch(/^\d+$/)
    expect(Number(result.outputs['comments'])).toBe(review.comments.length)
    expect(result.summary).toContain('Keyless PR Review: #7')
    expect(result.summary).toContain(
      `/pull/7#pullrequestreview-${String(result.outputs['review-id'])}">Open the review</a>`
    )
    expect(result.summary).toMatch(/#issuecomment-\d+">Open the summary comment<\/a>/)
  })

  it('shows each hunk with its enclosing code from the file at head, read only for reviewed files', async () => {
    const w = await newWorld((x) => {
      x.github.state.contents.set(HEAD_SHA, {
        'src/cart/totals.js': readFileSync(
          new URL('../fixtures/heads/totals.js.txt', import.meta.url),
          'utf8'
        ),
        'package-lock.json': '{}\n'
      })
    })
    const result = await run(w)
    expect(result.code).toBe(0)
    // One GraphQL query reads them all, none the contents API (money.js and version.js are not
    // at head in this world: GraphQL's null says so, and no request follows).
    const queries = w.github.requests.filter((r) =>
      String((r.body as { query?: unknown } | undefined)?.query).startsWith('query HeadFiles')
    )
    expect(queries).toHaveLength(1)
    const reads = Object.entries(
      (queries[0]?.body as { variables: Record<string, string> }).variables
    )
      .filter(([name]) => /^f\d+$/.test(name))
      .map(([, expression]) => expression)
    // Modified and renamed reviewed files, at the head commit; never new, excluded or deleted ones.
    expect(reads.sort()).toEqual(
      ['src/cart/money.js', 'src/cart/totals.js', 'src/version.js'].map((p) => `${HEAD_SHA}:${p}`)
    )
    expect(w.github.requests.filter((r) => r.path.includes('/contents/'))).toEqual([])
    const prompt = reviewPrompts(w).map(userText).join('\n')
    expect(prompt).toContain('~// Totals of a shopping cart, tax included.\n@@ -2,17 +2,14 @@')
    expect(prompt).toContain('~  return subtotal(items) * TAX_RATE')
    expect(log(result)).toMatch(
      /Context: [\d,]+ tokens of code around 3 hunks in 1 file \(\d+% of the diff's/
    )
  })

  it('is idempotent: a second run keeps one summary comment and posts no duplicate inline comment', async () => {
    const w = await newWorld()
    await run(w)
    const second = await run(w, { inputs: { incremental: 'false' } })
    expect(second.code).toBe(0)
    const state = w.github.state
    expect(
      state.issueComments.filter((c) => c.body.includes('keyless-pr-review:summary'))
    ).toHaveLength(1)
    expect(posts(w, /\/issues\/7\/comments$/)).toHaveLength(1)
    const bodies = state.reviewComments.map((c) => `${c.path}:${String(c.line)}:${c.body}`)
    expect(new Set(bodies).size).toBe(bodies.length)
    expect(w.github.mutations.every((m) => m.status < 400)).toBe(true)
  })

  it('reviews only what changed since the last reviewed head on a new push', async () => {
    const w = await newWorld()
    await run(w)
    const firstReviewPrompts = reviewPrompts(w).length
    const files = realisticFiles()
    const changed = files.filter((f) => f.filename === 'src/version.js')
    pushToPull(w.github.state, PR_NUMBER, { files, changes: changed })
    const second = await run(w, {
      payload: loadEvent('pull_request', 'synchronize', { pull: w.github.pullRequest(PR_NUMBER) })
    })
    expect(second.code).toBe(0)
    const later = reviewPrompts(w).slice(firstReviewPrompts)
    expect(later.length).toBeGreaterThan(0)
    const reviewedNow = later.flatMap((b) => filesInPrompt(userText(b)).map((f) => f.path))
    expect(reviewedNow).toEqual(['src/version.js'])
    expect(log(second)).toContain('Incremental: 1 file to review, changed since')
  })

  it('falls back to a full review after a force-push', async () => {
    const w = await newWorld()
    await run(w)
    const before = reviewPrompts(w).length
    pushToPull(w.github.state, PR_NUMBER, { files: realisticFiles(), force: true })
    const second = await run(w, {
      payload: loadEvent('pull_request', 'synchronize', { pull: w.github.pullRequest(PR_NUMBER) })
    })
    expect(second.code).toBe(0)
    const reviewedNow = reviewPrompts(w)
      .slice(before)
      .flatMap((b) => filesInPrompt(userText(b)).map((f) => f.path))
    expect(new Set(reviewedNow)).toEqual(new Set(REVIEWABLE))
  })

  it('skips a draft unless review-drafts is set, without calling the model', async () => {
    const w = await newWorld((x) => {
      x.github.pullRequest(PR_NUMBER).draft = true
    })
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(result.outputs['skipped']).toContain('draft')
    expect(w.openai.requests).toHaveLength(0)
    expect(w.oidc.requests).toHaveLength(0)
  })

  it('skips a fork PR on pull_request with a notice, and asks for no ID token', async () => {
    const w = await newWorld((x) => {
      x.github.pullRequest(PR_NUMBER).forkOwner = 'outsider'
    })
    const result = await run(w, { idToken: false })
    expect(result.code).toBe(0)
    expect(log(result)).toContain('::notice::')
    expect(result.outputs['skipped']).toMatch(/fork/i)
    expect(w.openai.requests).toHaveLength(0)
    expect(w.github.mutations).toHaveLength(0)
  })

  it('posts nothing in dry-run', async () => {
    const w = await newWorld()
    const result = await run(w, { inputs: { 'dry-run': 'true' } })
    expect(result.code).toBe(0)
    expect(w.github.mutations).toHaveLength(0)
    expect(result.summary).toContain('<b>Dry run</b>')
    expect(log(result)).toContain('::group::Dry run: what would be posted')
  })
})

describe('dry-run shows exactly what a real run posts', () => {
  /** The job summary from the posted text on: the same bytes in a dry and a real run. */
  const postedSection = (summary: string): string =>
    summary.slice(summary.indexOf('<h3>Summary comment</h3>'))

  it('gives the same text in the summary output, the job summary and the posted comment', async () => {
    const w = await newWorld((x) => {
      x.openai.config.respond = reviewer({ extraFindings: offDiffFinding })
    })
    const dry = await run(w, { inputs: { 'dry-run': 'true' } })
    expect(w.github.mutations).toHaveLength(0)
    const real = await run(w)
    expect(dry.code).toBe(0)
    expect(real.code).toBe(0)

    const [comment] = w.github.state.issueComments
    const [review] = w.github.state.reviews
    const inline = w.github.state.reviewComments
    expect(comment && review && inline.length > 0).toBe(true)
    expect(dry.outputs['summary']).toBe(comment?.body)
    expect(real.outputs['summary']).toBe(comment?.body)
    expect(postedSection(dry.summary)).toBe(postedSection(real.summary))
    for (const text of [comment?.body, review?.body, ...inline.map((c) => c.body)]) {
      expect(postedSection(dry.summary)).toContain(`\n\n${text ?? '(missing)'}\n\n`)
    }
    // The only other difference: the dry run says what it is.
    expect(dry.summary).toContain('<b>Dry run</b>')
    expect(real.summary).not.toContain('Dry run')
  })

  it('lists every finding of a dry run in the job summary, with its file and line', async () => {
    const w = await newWorld((x) => {
      x.openai.config.respond = reviewer({ findingsPerFile: 2, extraFindings: offDiffFinding })
    })
    const dry = await run(w, { inputs: { 'dry-run': 'true' } })
    expect(dry.code).toBe(0)
    const answers = w.openai.requests
      .map((r) => JSON.parse(r.content ?? '{}') as { findings?: FindingAnswer[] })
      .flatMap((a) => a.findings ?? [])
    expect(answers.length).toBeGreaterThan(5)
    const section = postedSection(dry.summary)
    for (const f of answers) {
      expect(section).toContain(f.body)
      // Inline ones under a heading with their file and line; the rest in the review body.
      const heading = `<h4>${f.path} line ${f.line} (RIGHT)</h4>`
      const listed = `\`${f.path}\` line ${f.line}`
      expect(section.includes(heading) || section.includes(listed)).toBe(true)
    }
  })

  it('logs the preview with workflow commands off: a command in a finding stays text', async () => {
    const w = await newWorld((x) => {
      x.openai.config.respond = reviewer({
        extraFindings: (files) => [
          {
            ...(offDiffFinding(files)[0] ?? {}),
            body: 'Looks fine.\n::error::forged failure\n::add-mask::Looks\n::set-output name=review-id::666'
          }
        ]
      })
    })
    const dry = await run(w, { inputs: { 'dry-run': 'true' } })
    expect(dry.code).toBe(0)
    const lines = dry.stdout.split('\n')
    const forged = lines.findIndex((l) => l.includes('forged failure'))
    expect(forged).toBeGreaterThan(-1)
    // The nearest stop-commands before it, and its token closing after it.
    const stop = lines.slice(0, forged).findLastIndex((l) => l.startsWith('::stop-commands::'))
    expect(stop).toBeGreaterThan(-1)
    const token = (lines[stop] ?? '').slice('::stop-commands::'.length)
    expect(token).toMatch(/^[0-9a-f-]{36}$/)
    expect(lines.indexOf(`::${token}::`)).toBeGreaterThan(forged)
    expect(dry.outputs['review-id'] ?? '').not.toBe('666')
  })
})

interface FindingAnswer {
  path: string
  line: number
  body: string
}

/** One finding per request on a line no diff holds: it goes to the review body. */
const offDiffFinding = (files: { path: string }[]): Record<string, unknown>[] => [
  {
    path: files[0]?.path ?? 'nowhere.js',
    line: 9999,
    start_line: null,
    side: 'RIGHT',
    severity: 'minor',
    title: 'Outside the diff',
    body: `A finding on ${files[0]?.path ?? 'nowhere.js'} beyond its last line.`,
    suggestion: null
  }
]

describe('logs a user can follow', () => {
  /** Log lines outside any group, but for masks, debug lines and the final error. */
  const outsideGroups = (r: RunResult): string[] => {
    let depth = 0
    return r.stdout.split('\n').filter((line) => {
      if (line.startsWith('::group::')) depth++
      else if (line.startsWith('::endgroup::')) depth--
      else if (depth === 0 && line !== '' && !/^::(add-mask|debug|error)::/.test(line)) return true
      return false
    })
  }

  it('puts every line in a group per phase and shows the ID token’s claims', async () => {
    const w = await newWorld()
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(outsideGroups(result)).toEqual([])
    const groups = result.stdout.split('\n').filter((l) => l.startsWith('::group::'))
    expect(groups).toEqual([
      '::group::Configuration',
      '::group::Trigger',
      '::group::Signing in (github-oidc)',
      '::group::Reading pull request #7',
      '::group::Planning',
      '::group::Asking gpt-4o-review',
      '::group::Posting'
    ])
    expect(result.stdout).toMatch(
      /^GitHub ID token: iss=https:\/\/token\.actions\.githubusercontent\.com, sub=repo:octo-org\/octo-repo:pull_request, aud=api:\/\/AzureADTokenExchange, job_workflow_ref=octo-org\/octo-repo\/\.github\/workflows\/pr-review\.yml@refs\/pull\/7\/merge/m
    )
  })

  it('diagnoses a GitHub refusal in a review run, with its troubleshooting link', async () => {
    const w = await newWorld()
    const result = await run(w, { inputs: { 'github-token': 'ghs_NotTheTokenThisWorldAccepts' } })
    expect(result.code).toBe(1)
    expect(outsideGroups(result)).toEqual([])
    const error = result.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? ''
    expect(error).toMatch(
      /^::error::Could not read pull request #7: GitHub rejected the github-token \(401 Bad credentials\)/
    )
    expect(error).toContain(
      'More: https://github.com/keyless-pr-review/keyless-pr-review/blob/main/docs/troubleshooting.md#github-401'
    )
    expect(w.openai.requests).toHaveLength(0)
  })
})

describe('comment commands', () => {
  /** The comment exists on GitHub (reactions need it) and its created event is delivered. */
  const comment = (w: World, body: string, commenter = 'octocat'): RunOptions => {
    const payload = loadEvent('issue_comment', 'created', {
      pull: w.github.pullRequest(PR_NUMBER),
      commentBody: body,
      commenter
    })
    const id = (payload['comment'] as { id: number }).id
    addIssueComment(w.github.state, {
      issueNumber: PR_NUMBER,
      body,
      id,
      user: { login: commenter, type: 'User' }
    })
    return { eventName: 'issue_comment', payload }
  }

  it('runs /review for a writer, reacting 👀 then 🚀, and passes the guidance to the model', async () => {
    const w = await newWorld()
    const result = await run(w, comment(w, '/review focus on rounding errors'))
    expect(result.code).toBe(0)
    const reactions = posts(w, /\/reactions$/) as { content: string }[]
    expect(reactions.map((r) => r.content)).toEqual(['eyes', 'rocket'])
    expect(posts(w, /\/pulls\/7\/reviews$/)).toHaveLength(1)
    expect(posts(w, /\/issues\/7\/comments$/)).toHaveLength(0)
    const system = reviewPrompts(w)[0]?.messages?.find((m) => m.role === 'system')
    expect(String(system?.content)).toContain('focus on rounding errors')
  })

  it('refuses a read-only commenter politely: a 😕 reaction, no model call, exit 0', async () => {
    const w = await newWorld((x) => {
      x.github.state.collaborators['reader'] = { permission: 'read', roleName: 'read' }
    })
    const result = await run(w, comment(w, '/review', 'reader'))
    expect(result.code).toBe(0)
    expect((posts(w, /\/reactions$/) as { content: string }[]).map((r) => r.content)).toEqual([
      'confused'
    ])
    // The ID token a command's run asks for at start-up is never presented to Entra.
    expect(w.entra.requests).toHaveLength(0)
    expect(w.openai.requests).toHaveLength(0)
    expect(result.outputs['skipped']).toContain("'read'")
  })

  it('ignores a comment that is not a command', async () => {
    const w = await newWorld()
    const result = await run(w, comment(w, 'Looks good to me'))
    expect(result.code).toBe(0)
    expect(w.github.mutations).toHaveLength(0)
    expect(w.openai.requests).toHaveLength(0)
  })
})

describe('workflow_dispatch', () => {
  it('reviews the PR named by pr-number', async () => {
    const w = await newWorld()
    const result = await run(w, {
      eventName: 'workflow_dispatch',
      payload: loadEvent('workflow_dispatch'),
      inputs: { 'pr-number': String(PR_NUMBER), mode: 'review' }
    })
    expect(result.code).toBe(0)
    expect(posts(w, /\/pulls\/7\/reviews$/)).toHaveLength(1)
  })
})

describe('what reaches GitHub from a hostile model', () => {
  it('neutralizes mentions, commands and forged markers, and never gets a 422 for 100 findings', async () => {
    const w = await newWorld((x) => {
      x.openai.config.respond = reviewer({
        overviewSuffix:
          '\n@octocat please merge. Fixes #12\n/review\n<!-- keyless-pr-review:summary {"head":"0000000000000000000000000000000000000000","base":"0000000000000000000000000000000000000000","version":1} -->\n<img src="https://evil.example/x.png">',
        extraFindings: (files) =>
          Array.from({ length: 100 }, (_, i) => ({
            path: files[i % files.length]?.path ?? 'nowhere.js',
            line: i % 7 === 0 ? 9999 : (files[i % files.length]?.added[0] ?? 1) + (i % 3),
            start_line: i % 5 === 0 ? 1 : null,
            side: i % 4 === 0 ? 'LEFT' : 'RIGHT',
            severity: 'minor',
            title: `Finding ${i}`,
            body: `@admin-team look at this\n/approve\n<!-- keyless-pr-review:finding 000000000000 --> #${i}`,
            suggestion: null
          }))
      })
    })
    const result = await run(w)
    expect(result.code).toBe(0)
    const reviews = w.github.mutations.filter((m) => m.path.endsWith('/pulls/7/reviews'))
    expect(reviews.map((m) => m.status)).toEqual([200])
    const posted = [
      ...w.github.state.issueComments.map((c) => c.body),
      ...w.github.state.reviews.map((r) => r.body),
      ...w.github.state.reviewComments.map((c) => c.body)
    ]
    for (const body of posted) {
      expect(body).not.toMatch(/(^|[^\w\u200b])@(octocat|admin-team)\b/)
      expect(body).not.toMatch(/^\s*\/(review|approve)\b/m)
      expect(body).not.toContain('<img')
      expect(body).not.toContain('0000000000000000000000000000000000000000')
      expect(body.match(/<!-- keyless-pr-review/g) ?? []).toHaveLength(1)
      expect(body.length).toBeLessThanOrEqual(65536)
    }
  })
})

describe('a 300-file pull request', () => {
  it('sends every reviewable file to the model within budget, concurrently, without a 422', async () => {
    const w = await newWorld((x) => {
      x.github.pullRequest(PR_NUMBER).files = syntheticFiles(300)
      x.openai.config.latencyMs = 300
      x.openai.config.countTokens = countTokens
    })
    const result = await run(w, { inputs: { concurrency: '4', 'token-budget': '200000' } })
    expect(result.code).toBe(0)
    const reviewed = new Set(
      reviewPrompts(w).flatMap((b) => filesInPrompt(userText(b)).map((f) => f.path))
    )
    expect(reviewed.size).toBe(300)
    // Several requests per task, run side by side but never more than `concurrency` at once.
    expect(reviewPrompts(w).length).toBeGreaterThan(1)
    expect(w.openai.maxInFlight).toBeGreaterThan(1)
    expect(w.openai.maxInFlight).toBeLessThanOrEqual(4)
    expect(Number(result.outputs['prompt-tokens'])).toBeLessThanOrEqual(200000)
    expect(w.github.mutations.every((m) => m.status < 400)).toBe(true)
    expect(result.summary).toContain('sent to the model: 300')
  })
})

describe('never overwrites a human', () => {
  it('leaves a human comment that quotes our marker alone and writes its own', async () => {
    const w = await newWorld()
    const human = addIssueComment(w.github.state, {
      issueNumber: PR_NUMBER,
      body: 'Copied: <!-- keyless-pr-review:summary {"head":"a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4","base":"6dcb09b5b57875f334f61aebed695e2e4193db5e","version":1} -->'
    })
    const original = human.body
    const result = await run(w)
    expect(result.code).toBe(0)
    expect(w.github.state.issueComments.find((c) => c.id === human.id)?.body).toBe(original)
    expect(w.github.mutations.some((m) => m.method === 'PATCH')).toBe(false)
    expect(posts(w, /\/issues\/7\/comments$/)).toHaveLength(1)
  })
})

/**
 * Whole pull requests through the bundled action: nothing reviewable is dropped for size, the
 * diff goes to the model once in mode `both`, a budget smaller than the pull request says what
 * it left out and what including it would cost, and a later push costs only what it changed.
 * Asserted on what the emulated services received.
 */
import { countTokens, loadTokenizer } from '../../src/review/tokens.js'
import type { ChatBody } from '../emulators/azure-openai.js'
import { PR_NUMBER } from '../emulators/constants.js'
import { pushToPull, type PullFileState } from '../emulators/github-state.js'
import { startWorld, type World } from '../emulators/world.js'
import { loadEvent } from '../helpers/events.js'
import { realisticFiles, syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

beforeAll(loadTokenizer)

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function newWorld(files: PullFileState[]): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = files
  world.openai.config.respond = reviewer()
  world.openai.config.countTokens = countTokens
  return world
}

async function run(w: World, options: RunOptions = {}): Promise<RunResult> {
  return runChecked(w, { timeoutMs: 90_000, ...options })
}

const bodies = (w: World): ChatBody[] =>
  w.openai.requests.flatMap((r) => (r.status === 200 && r.body ? [r.body] : []))
const userText = (body: ChatBody): string =>
  (body.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => String(m.content))
    .join('\n')

/** A 100 KB changelog hunk: one hunk far larger than any request. */
function changelog(): PullFileState {
  const lines = Array.from(
    { length: 2_400 },
    (_, i) =>
      `+- ${i % 12 === 0 ? `## ${2 + Math.floor(i / 300)}.${i % 10}.0` : `Fixes the handling of case ${i} in the router (#${4100 + i})`}`
  )
  return {
    filename: 'CHANGELOG.md',
    status: 'modified',
    patch: ['@@ -1,3 +1,2403 @@', ' # Changelog', ' ', ...lines, ' ## 1.0.0'].join('\n')
  }
}

/** Added (RIGHT) line numbers of a patch. */
function addedLines(patch: string): number[] {
  const out: number[] = []
  let next = 0
  for (const line of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(line)
    if (header) next = Number(header[1])
    else if (line.startsWith('+')) out.push(next++)
    else if (!line.startsWith('-')) next++
  }
  return out
}

describe('nothing reviewable is dropped for size', () => {
  it('splits a hunk bigger than a request at line boundaries and reviews every piece', async () => {
    const log = changelog()
    expect(countTokens(log.patch ?? '')).toBeGreaterThan(25_000)
    const w = await newWorld([log, ...realisticFiles()])
    const result = await run(w)
    expect(result.code).toBe(0)

    const requests = bodies(w).filter((b) => userText(b).includes('## CHANGELOG.md'))
    expect(requests.length).toBeGreaterThan(1)
    const shown = new Set(
      requests.flatMap(
        (b) => filesInPrompt(userText(b)).find((f) => f.path === 'CHANGELOG.md')?.added ?? []
      )
    )
    expect(addedLines(log.patch ?? '').filter((line) => !shown.has(line))).toEqual([])
    // Every piece was answered, and findings on every piece landed inline.
    const inline = w.github.state.reviewComments.filter((c) => c.path === 'CHANGELOG.md')
    expect(inline.length).toBe(requests.length)
    expect(w.github.mutations.every((m) => m.status < 400)).toBe(true)
    const summary = w.github.state.issueComments[0]?.body ?? ''
    expect(summary).not.toContain('CHANGELOG.md: ')
  })
})

describe('mode both', () => {
  it('sends each patch to the model once, and the overview from one small call', async () => {
    const w = await newWorld(syntheticFiles(120))
    const result = await run(w)
    expect(result.code).toBe(0)
    const sent = bodies(w)
    const parts = sent.filter((b) => JSON.stringify(b.response_format).includes('"findings"'))
    const compositions = sent.filter(
      (b) => b.response_format?.json_schema?.name === 'pull_request_overview'
    )
    expect(parts.length + compositions.length).toBe(sent.length)
    expect(compositions).toHaveLength(1)
    const shown = parts.flatMap((b) => filesInPrompt(userText(b)).map((f) => f.path))
    expect(shown).toHaveLength(120)
    expect(new Set(shown).size).toBe(120)
    // Both tasks came out of the one pass.
    const summary = w.github.state.issueComments[0]?.body ?? ''
    expect(summary.match(/^\| src\/modules\/module-\d{3}\.ts \|/gm)).toHaveLength(120)
    // The model is asked for at most 10 findings a request; every one it gave landed.
    const given = parts.reduce((n, b) => n + Math.min(10, filesInPrompt(userText(b)).length), 0)
    expect(w.github.state.reviewComments).toHaveLength(given)
  })
})

describe('a budget smaller than the pull request', () => {
  it('lists what it left out, with what including it would cost and the input that does', async () => {
    const w = await newWorld(syntheticFiles(200))
    const result = await run(w, { inputs: { 'token-budget': '20000' } })
    expect(result.code).toBe(0)
    expect(Number(result.outputs['prompt-tokens'])).toBeLessThanOrEqual(20_000)
    const sent = new Set(bodies(w).flatMap((b) => filesInPrompt(userText(b)).map((f) => f.path)))
    expect(sent.size).toBeGreaterThan(10)
    expect(sent.size).toBeLessThan(200)
    const summary = w.github.state.issueComments[0]?.body ?? ''
    const left = 200 - sent.size
    expect(summary).toContain(`<summary>Not reviewed (${left})</summary>`)
    expect(summary).toMatch(
      new RegExp(
        `Reviewing the ${left} files over the token budget would cost about [\\d,]+ more prompt tokens: set \`token-budget: \\d+\` to include them\\.`
      )
    )
    expect(summary).toContain("src/modules/module-199.ts: over the run's token-budget (20,000)")
    expect(result.stdout).toMatch(/^::warning::Reviewing the \d+ files over the token budget/m)
  })
})

describe('a later push', () => {
  it('sends only the file it changed, and the summary keeps the rows of the others', async () => {
    const w = await newWorld(syntheticFiles(80))
    const first = await run(w)
    expect(first.code).toBe(0)
    const before = w.openai.requests.length
    const files = syntheticFiles(80)
    const changed = files
      .filter((f) => f.filename === 'src/modules/module-040.ts')
      .map((f) => ({ ...f, patch: `${f.patch ?? ''}\n+// one more line` }))
    pushToPull(w.github.state, PR_NUMBER, {
      files: files.map((f) => changed.find((c) => c.filename === f.filename) ?? f),
      changes: changed
    })
    const second = await run(w, {
      payload: loadEvent('pull_request', 'synchronize', { pull: w.github.pullRequest(PR_NUMBER) })
    })
    expect(second.code).toBe(0)
    const later = bodies(w).slice(before)
    const shown = later.flatMap((b) => filesInPrompt(userText(b)).map((f) => f.path))
    expect(shown).toEqual(['src/modules/module-040.ts'])
    // The overview is updated from the earlier one, not written from the whole diff again.
    const composition = later.find(
      (b) => b.response_format?.json_schema?.name === 'pull_request_overview'
    )
    expect(userText(composition ?? {})).toContain('Overview written before the latest push')
    const summary = w.github.state.issueComments[0]?.body ?? ''
    for (const f of files) expect(summary).toContain(`| ${f.filename} |`)
    expect(Number(second.outputs['prompt-tokens'])).toBeLessThan(
      0.25 * Number(first.outputs['prompt-tokens'])
    )
  })
})

/**
 * What a run asks of GitHub, on the bundle: at most a files page per 100 files and ten more
 * requests, the code around the hunks included, on a first run and after a push; and in which
 * order: the pull request's query and every files page leave before GitHub answers any, and a
 * model request never waits for files at head it does not show. Orders are asserted by holding
 * an emulator's answer until another has seen a request (a run that waited would hang), never
 * by wall time.
 */
import { countTokens, loadTokenizer } from '../../src/review/tokens.js'
import { HEAD_SHA, PR_NUMBER } from '../emulators/constants.js'
import type { GithubRequestRecord } from '../emulators/github-api.js'
import { pushToPull, type PullFileState } from '../emulators/github-state.js'
import { startWorld, type World } from '../emulators/world.js'
import { loadEvent } from '../helpers/events.js'
import { syntheticFiles } from '../helpers/pr-fixture.js'
import { filesInPrompt, reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

beforeAll(loadTokenizer)

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

/** syntheticFiles at head: each hunk inside its function, with code around it to show. */
function heads(files: readonly PullFileState[]): Record<string, string> {
  return Object.fromEntries(
    files.map((f, i) => {
      const n = String(i).padStart(3, '0')
      const lines = [
        "import { EMPTY, log, parse, transform } from './shared.js'",
        '',
        `const NAME = 'module-${n}'`,
        '',
        `export function describe${n}(): string {`,
        '  return NAME',
        '}',
        '',
        `export function handler${n}(input: Input): Output {`,
        '  const value = parse(input)',
        '  if (!value) return EMPTY',
        `  const limit = Number(process.env.LIMIT_${n} ?? ${i + 10})`,
        `  if (value.items.length > limit) throw new Error('too many items in module ${n}')`,
        `  log('module ${n} handled', value.items.length)`,
        '  return transform(value)',
        '}',
        '',
        `export function after${n}(): void {`,
        '  log(NAME)',
        '}'
      ]
      return [f.filename, `${lines.join('\n')}\n`]
    })
  )
}

async function newWorld(files: PullFileState[], atHead = heads(files)): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = files
  world.github.state.contents.set(HEAD_SHA, atHead)
  world.openai.config.respond = reviewer()
  world.openai.config.countTokens = countTokens
  return world
}

async function run(w: World, options: RunOptions = {}): Promise<RunResult> {
  const result = await runChecked(w, { timeoutMs: 50_000, ...options })
  expect(result.code).toBe(0)
  return result
}

/** GitHub requests a run may make: a files page per 100 files, and ten more. */
const target = (files: number): number => Math.ceil(files / 100) + 10

const queryOf = (r: GithubRequestRecord): string => {
  const query = (r.body as { query?: unknown } | undefined)?.query
  return typeof query === 'string' ? query : ''
}
const isHeadFiles = (r: GithubRequestRecord): boolean => queryOf(r).startsWith('query HeadFiles')
const filesPages = (w: World): GithubRequestRecord[] =>
  w.github.requests.filter((r) => r.path.includes('/files'))

/** Resolves once `ready()` holds, polling the emulators' records. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('GitHub requests per run', () => {
  it('265 files: at most 13, the files at head in one query, and as few after a push', async () => {
    const files = syntheticFiles(265)
    const w = await newWorld(files)
    const first = await run(w)
    expect(w.github.requests.length).toBeLessThanOrEqual(target(265))
    expect(filesPages(w)).toHaveLength(3)
    expect(w.github.requests.filter(isHeadFiles)).toHaveLength(1)
    expect(w.github.requests.filter((r) => r.path.includes('/contents/'))).toEqual([])
    expect(first.stdout).toMatch(/Context: [\d,]+ tokens of code around \d+ hunks/)

    const before = w.github.requests.length
    const changed = files.map((f, i) =>
      i === 7 ? { ...f, patch: `${f.patch ?? ''}\n+// one more line` } : f
    )
    const sha = pushToPull(w.github.state, PR_NUMBER, {
      files: changed,
      changes: [changed[7] as PullFileState]
    })
    w.github.state.contents.set(sha, heads(changed))
    await run(w, {
      payload: loadEvent('pull_request', 'synchronize', { pull: w.github.pullRequest(PR_NUMBER) })
    })
    expect(w.github.requests.length - before).toBeLessThanOrEqual(target(265))
  })

  it('3,000 files: at most 40, every page read once', async () => {
    const w = await newWorld(syntheticFiles(3000), {})
    const result = await run(w)
    expect(w.github.requests.length).toBeLessThanOrEqual(target(3000))
    const pages = filesPages(w).map((r) => new URL(r.path, 'https://x').searchParams.get('page'))
    expect(new Set(pages).size).toBe(30)
    expect(pages).toHaveLength(30)
    // Over token-budget: no code around the hunks, so no file read at head.
    expect(w.github.requests.filter(isHeadFiles)).toEqual([])
    expect(result.stdout).toContain(
      'Context: none this run (token-budget is spent on the diff itself).'
    )
  })
})

describe('nothing waits for what it does not need', () => {
  it('reads the pull request and every files page in one round trip', async () => {
    const w = await newWorld(syntheticFiles(250))
    // Neither answers before both are asked: a run reading one after the other would hang.
    w.github.hold = (r) =>
      r.path === '/graphql' && queryOf(r).startsWith('query PullRequest')
        ? until(() => filesPages(w).length === 3)
        : r.path.includes('/files')
          ? until(() => w.github.requests.some((q) => queryOf(q).startsWith('query PullRequest')))
          : undefined
    await run(w)
    expect(filesPages(w)).toHaveLength(3)
  })

  it('sends a request showing no file read at head before those files are read', async () => {
    // Added files show their whole text: only the modified ones have code around their hunks.
    const modified = syntheticFiles(2)
    // Listed by path: the added files first, a request of them alone.
    const added = Array.from({ length: 60 }, (_, i) => ({
      filename: `src/added/added-${String(i).padStart(2, '0')}.ts`,
      status: 'added' as const,
      patch: `@@ -0,0 +1,2 @@\n+export const value${i} = ${i}\n+export const name${i} = 'added ${i}'`
    }))
    const w = await newWorld([...added, ...modified], heads(modified))
    // The files at head are answered only once the model has a request.
    w.github.hold = (r) => (isHeadFiles(r) ? until(() => w.openai.requests.length > 0) : undefined)
    const result = await run(w)
    const [first] = w.openai.requests
    const shown = filesInPrompt(
      (first?.body?.messages ?? [])
        .filter((m) => m.role === 'user')
        .map((m) => String(m.content))
        .join('\n')
    ).map((f) => f.path)
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.every((p) => p.startsWith('src/added/'))).toBe(true)
    expect(result.stdout).toMatch(/Context: [\d,]+ tokens of code around 2 hunks in 2 files/)
  })

  it('sends the first wave without waiting for the files at head of the later requests', async () => {
    // About a dozen files a request: the 100 files whose code is read fill the first wave (four
    // requests) and more; their files at head come in two queries, the first wave's and the rest's.
    const files = syntheticFiles(100).map((f, i) => ({
      ...f,
      patch: (f.patch ?? '')
        .replace('+10,9 @@', '+10,209 @@')
        .replace(
          ' }\n ',
          `${Array.from({ length: 200 }, (_, k) => `+  step${k}(value, ${i})`).join('\n')}\n }\n `
        )
    }))
    const w = await newWorld(files)
    const firstFile = files[0]?.filename ?? ''
    w.github.hold = (r) =>
      isHeadFiles(r) && !JSON.stringify(r.body).includes(firstFile)
        ? until(() => w.openai.requests.some((q) => JSON.stringify(q.body).includes(firstFile)))
        : undefined
    await run(w, { inputs: { 'token-budget': '600000' } })
    // Two queries (a retried one counted once).
    const queries = w.github.requests.filter(isHeadFiles).map((r) => JSON.stringify(r.body))
    expect(new Set(queries).size).toBe(2)
    const requests = w.openai.requests.filter(
      (r) => r.body?.response_format?.json_schema?.name !== 'pull_request_overview'
    )
    expect(requests.length).toBeGreaterThan(4)
  })
})

describe('when the quick way is not there', () => {
  it('lists the files again when the pull request moved since the event', async () => {
    const w = await newWorld(syntheticFiles(5))
    const stale = loadEvent('pull_request', 'opened', { pull: w.github.pullRequest(PR_NUMBER) })
    const files = syntheticFiles(6)
    const sha = pushToPull(w.github.state, PR_NUMBER, { files })
    w.github.state.contents.set(sha, heads(files))
    await run(w, { payload: stale })
    // Read once by the event's count before the pull request said where its head is, and again.
    expect(filesPages(w)).toHaveLength(2)
    const shown = w.openai.requests.flatMap((r) =>
      filesInPrompt(
        (r.body?.messages ?? [])
          .filter((m) => m.role === 'user')
          .map((m) => String(m.content))
          .join('\n')
      ).map((f) => f.path)
    )
    expect(shown).toContain('src/modules/module-005.ts')
  })

  it('reads by REST what GraphQL refuses (an older server’s schema), and posts once', async () => {
    const w = await newWorld(syntheticFiles(5))
    w.github.graphqlMissing = ['IssueComment.fullDatabaseId']
    const result = await run(w)
    expect(result.stdout).toMatch(
      /GraphQL did not read pull request #7 \(Field 'fullDatabaseId' doesn't exist on type 'IssueComment'\); reading it by REST\./
    )
    const rest = w.github.requests.map((r) => `${r.method} ${r.path.split('?')[0] ?? ''}`)
    expect(rest).toContain('GET /repos/octo-org/octo-repo/pulls/7')
    expect(rest).toContain('GET /repos/octo-org/octo-repo/issues/7/comments')
    expect(w.github.state.issueComments).toHaveLength(1)
    expect(w.github.state.reviews).toHaveLength(1)
  })
})

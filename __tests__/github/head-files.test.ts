/**
 * Files at the pull request's head: asked for together, in one GraphQL query (up to 100), and
 * what GraphQL does not give (a text over 512,000 bytes, a query cut short) read through the
 * contents API, raw, once each, a few at a time.
 */
import { jest } from '@jest/globals'
import type { GitHubClient } from '../../src/github/client.js'
import { headFiles } from '../../src/github/head-files.js'
import { HEAD_SHA, OWNER, REPO } from '../emulators/constants.js'
import type { World } from '../emulators/world.js'
import { captureStdout } from '../helpers/stdout.js'
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

afterEach(() => {
  jest.restoreAllMocks()
})

afterAll(async () => {
  await world.close()
})

const reads = (): string[] =>
  world.github.requests.filter((r) => r.path.includes('/contents/')).map((r) => r.path)
/** The files each GraphQL query asked for, by path. */
const queries = (): string[][] =>
  world.github.requests
    .filter((r) => r.path === '/graphql')
    .map((r) =>
      Object.entries((r.body as { variables: Record<string, string> }).variables)
        .filter(([name]) => /^f\d+$/.test(name))
        .map(([, expression]) => expression.slice(HEAD_SHA.length + 1))
    )
const raw = (path: string): string =>
  `/repos/${OWNER}/${REPO}/contents/${path.replace(/\//g, '%2F')}?ref=${HEAD_SHA}`

describe('headFiles', () => {
  it('reads each file at the head SHA in raw form, once, whatever its size', async () => {
    const big = `${'x'.repeat(100)}\n`.repeat(12_000)
    world.github.state.contents.set(HEAD_SHA, { 'src/a.ts': 'one\r\ntwo\n', 'src/big.txt': big })
    const files = headFiles(gh, repo, HEAD_SHA, 4)
    expect(await files.lines('src/a.ts')).toEqual(['one', 'two', ''])
    expect(await files.lines('src/a.ts')).toEqual(['one', 'two', ''])
    expect((await files.lines('src/big.txt'))?.length).toBe(12_001)
    expect(files.reads).toBe(2)
    expect(reads()).toEqual([
      // Octokit escapes the path's slashes; GitHub reads them either way.
      `/repos/${OWNER}/${REPO}/contents/src%2Fa.ts?ref=${HEAD_SHA}`,
      `/repos/${OWNER}/${REPO}/contents/src%2Fbig.txt?ref=${HEAD_SHA}`
    ])
    const accept = world.github.requests.map((r) => r.headers['accept'])
    expect(new Set(accept)).toEqual(new Set(['application/vnd.github.v3.raw']))
  })

  it('keeps at most `concurrency` reads in flight', async () => {
    const paths = Array.from({ length: 12 }, (_, i) => `src/f${i}.ts`)
    world.github.state.contents.set(HEAD_SHA, Object.fromEntries(paths.map((p) => [p, 'x\n'])))
    world.github.contentsLatencyMs = 100
    const files = headFiles(gh, repo, HEAD_SHA, 3)
    const got = await Promise.all(paths.map((p) => files.lines(p)))
    expect(got.every((l) => l?.[0] === 'x')).toBe(true)
    // Never more than three at once; and they did overlap (read one by one, it would be 1).
    expect(world.github.maxContentsInFlight).toBeLessThanOrEqual(3)
    expect(world.github.maxContentsInFlight).toBeGreaterThan(1)
  })

  it('goes on without a file it cannot read, or a binary one, saying so', async () => {
    world.github.state.contents.set(HEAD_SHA, { 'logo.png': '\u0089PNG\r\n\u001a\n\u0000\u0000' })
    const stdout = captureStdout()
    const files = headFiles(gh, repo, HEAD_SHA, 2)
    expect(await files.lines('gone.ts')).toBeUndefined()
    expect(await files.lines('logo.png')).toBeUndefined()
    expect(stdout.join('')).toContain(
      `Could not read gone.ts at ${HEAD_SHA.slice(0, 7)} (not found)`
    )
    expect(stdout.join('')).not.toContain('::warning::')
  })
})

describe('files asked for together', () => {
  it('come in one GraphQL query, each once, none by the contents API', async () => {
    world.github.state.contents.set(HEAD_SHA, {
      'src/a.ts': 'one\r\ntwo\n',
      'src/b.ts': 'three\n',
      'logo.png': '\u0089PNG\r\n\u001a\n\u0000\u0000'
    })
    const files = headFiles(gh, repo, HEAD_SHA, 4)
    files.prefetch?.(['src/a.ts', 'src/b.ts', 'logo.png', 'gone.ts'])
    files.prefetch?.(['src/a.ts'])
    expect(await files.lines('src/a.ts')).toEqual(['one', 'two', ''])
    expect(await files.lines('src/b.ts')).toEqual(['three', ''])
    // A binary file has no lines, nor has a file not at head: no request looks again.
    expect(await files.lines('logo.png')).toBeUndefined()
    expect(await files.lines('gone.ts')).toBeUndefined()
    expect(queries()).toEqual([['src/a.ts', 'src/b.ts', 'logo.png', 'gone.ts']])
    expect(reads()).toEqual([])
    expect(files.reads).toBe(1)
  })

  it('come 100 to a query', async () => {
    const paths = Array.from({ length: 150 }, (_, i) => `src/f${i}.ts`)
    world.github.state.contents.set(HEAD_SHA, Object.fromEntries(paths.map((p) => [p, `${p}\n`])))
    const files = headFiles(gh, repo, HEAD_SHA, 4)
    files.prefetch?.(paths)
    const got = await Promise.all(paths.map((p) => files.lines(p)))
    expect(got.map((l) => l?.[0])).toEqual(paths)
    expect(queries().map((q) => q.length)).toEqual([100, 50])
  })

  it('read a text GitHub cuts at 512,000 bytes from the contents API, whole', async () => {
    const big = `${'x'.repeat(99)}\n`.repeat(6_000)
    world.github.state.contents.set(HEAD_SHA, { 'src/a.ts': 'a\n', 'src/big.txt': big })
    const files = headFiles(gh, repo, HEAD_SHA, 4)
    files.prefetch?.(['src/a.ts', 'src/big.txt'])
    expect((await files.lines('src/big.txt'))?.length).toBe(6_001)
    expect(await files.lines('src/a.ts')).toEqual(['a', ''])
    expect(reads()).toEqual([raw('src/big.txt')])
  })

  it('keep what a query cut short by resource limits gave, and read the rest one by one', async () => {
    world.github.state.contents.set(HEAD_SHA, {
      'src/a.ts': `${'a'.repeat(700)}\n`,
      'src/b.ts': `${'b'.repeat(700)}\n`,
      'src/c.ts': `${'c'.repeat(700)}\n`
    })
    world.github.graphqlLimits.resourceBytes = 1000
    const stdout = captureStdout()
    const files = headFiles(gh, repo, HEAD_SHA, 4)
    files.prefetch?.(['src/a.ts', 'src/b.ts', 'src/c.ts', 'gone.ts'])
    const got = await Promise.all(['src/a.ts', 'src/b.ts', 'src/c.ts'].map((p) => files.lines(p)))
    expect(got.map((l) => l?.[0]?.[0])).toEqual(['a', 'b', 'c'])
    expect(await files.lines('gone.ts')).toBeUndefined()
    expect(queries()).toHaveLength(1)
    // What the cut-short answer left null, the file not at head included, by REST.
    expect(reads().sort()).toEqual([raw('gone.ts'), raw('src/b.ts'), raw('src/c.ts')])
    expect(stdout.join('')).toContain(
      `GitHub gave 1 file of 4 at ${HEAD_SHA.slice(0, 7)} in one query (RESOURCE_LIMITS_EXCEEDED); reading the others one by one.`
    )
  })
})

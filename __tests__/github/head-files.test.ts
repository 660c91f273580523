/** Files at the pull request's head, read through the contents API: raw, once each, a few at a time. */
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

/**
 * The GitHub client against the emulator: a read is retried on a 5xx, a create never is (GitHub
 * may have stored it before failing: calling.ts looks for it first).
 */
import type { creates as Creates, GitHubClient } from '../../src/github/client.js'
import { OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import type { World } from '../emulators/world.js'
import { startInProcessWorld } from '../helpers/in-process.js'

const repo = { owner: OWNER, repo: REPO }
let world: World
let gh: GitHubClient
let creates: typeof Creates

beforeAll(async () => {
  ;({ world, gh } = await startInProcessWorld())
  // Loaded once GITHUB_API_URL points at the world (helpers/in-process.ts).
  ;({ creates } = await import('../../src/github/client.js'))
})

beforeEach(() => {
  world.github.reset()
})

afterAll(async () => {
  await world.close()
})

describe('retries', () => {
  it('retries a read after a 502', async () => {
    world.github.faults.push('server-error')
    await gh.rest.issues.listComments({ ...repo, issue_number: PR_NUMBER })
    expect(world.github.requests.map((r) => r.status)).toEqual([502, 200])
  })

  it('never retries a create after a 502, which may come after GitHub stored it', async () => {
    world.github.writeFaults.push({ method: 'POST', path: /comments$/, fault: 'stored-then-502' })
    const error = await gh.rest.issues
      .createComment({ ...repo, issue_number: PR_NUMBER, body: 'Once.' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 502 })
    expect(world.github.mutations.map((m) => m.status)).toEqual([502])
    expect(world.github.state.issueComments.map((c) => c.body)).toEqual(['Once.'])
  })

  it('tells creates from requests that are safe to repeat', () => {
    const post = (url: string, query?: string) => creates({ method: 'POST', url, query })
    expect(post('/repos/{owner}/{repo}/issues/{issue_number}/comments')).toBe(true)
    expect(post('/repos/{owner}/{repo}/pulls/{pull_number}/reviews')).toBe(true)
    expect(post('/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions')).toBe(false)
    expect(post('/graphql', 'query { viewer { login } }')).toBe(false)
    expect(post('/graphql', 'mutation { addComment }')).toBe(true)
    expect(creates({ method: 'PATCH', url: '/repos/{owner}/{repo}/issues/comments/1' })).toBe(false)
  })
})

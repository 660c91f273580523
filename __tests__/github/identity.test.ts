/**
 * Whom github-token acts as, against the GitHub emulator, which answers each kind of token as
 * GitHub does: `GET /user` for a person's token; 403 "Resource not accessible by integration"
 * there and GraphQL `viewer { login }` for an installation token (GITHUB_TOKEN or an app's).
 */
import { isOurs, tokenIdentity } from '../../src/github/identity.js'
import type { World } from '../emulators/world.js'
import type { GitHubClient } from '../../src/github/client.js'
import { startInProcessWorld } from '../helpers/in-process.js'

let world: World
let createClient: (token: string) => GitHubClient

beforeAll(async () => {
  ;({ world, createClient } = await startInProcessWorld())
})

beforeEach(() => {
  world.github.reset()
})

afterAll(async () => {
  await world.close()
})

const asked = (): string[] => world.github.requests.map((r) => `${r.method} ${r.path} ${r.status}`)

describe('tokenIdentity', () => {
  it('is github-actions[bot] for the job’s GITHUB_TOKEN: an installation token asks GraphQL viewer alone', async () => {
    const gh = createClient(world.githubToken)
    await expect(tokenIdentity(gh)).resolves.toEqual({ login: 'github-actions[bot]', app: true })
    expect(asked()).toEqual(['POST /graphql 200'])
    // Not a write: nothing recorded as one.
    expect(world.github.mutations).toEqual([])
  })

  it('is the app’s bot for another GitHub App’s installation token', async () => {
    const gh = createClient(world.github.issueToken({ kind: 'app', slug: 'review-helper' }))
    await expect(tokenIdentity(gh)).resolves.toEqual({ login: 'review-helper[bot]', app: true })
  })

  it('falls back to GraphQL when GET /user refuses a token whose kind no prefix tells', async () => {
    const gh = createClient(world.github.issueToken({ kind: 'app', slug: 'old-app' }, 'legacy'))
    await expect(tokenIdentity(gh)).resolves.toEqual({ login: 'old-app[bot]', app: true })
    expect(asked()).toEqual(['GET /user 403', 'POST /graphql 200'])
  })

  it('is the person for a personal access token, from GET /user alone', async () => {
    const gh = createClient(world.github.issueToken({ kind: 'user', login: 'ci-machine-user' }))
    await expect(tokenIdentity(gh)).resolves.toEqual({ login: 'ci-machine-user', app: false })
    expect(asked()).toEqual(['GET /user 200'])
  })

  it('is asked once per client', async () => {
    const gh = createClient(world.githubToken)
    await Promise.all([tokenIdentity(gh), tokenIdentity(gh), tokenIdentity(gh)])
    expect(world.github.requests).toHaveLength(1)
  })

  it('marks a refused token with what it was doing, for the diagnosis', async () => {
    const gh = createClient('ghs_NotTheTokenThisWorldAccepts')
    await expect(tokenIdentity(gh)).rejects.toMatchObject({
      name: 'StageError',
      stage: 'github',
      doing: 'find out whom github-token acts as'
    })
  })
})

describe('isOurs', () => {
  it('compares logins as GitHub does, without regard to case, and never matches no author', () => {
    const us = { login: 'github-actions[bot]', app: true }
    expect(isOurs(us, { login: 'GitHub-Actions[bot]' })).toBe(true)
    expect(isOurs(us, { login: 'github-actions' })).toBe(false)
    expect(isOurs(us, null)).toBe(false)
  })
})

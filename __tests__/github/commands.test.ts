import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { Permission } from '../../src/settings.js'
import type { GitHubClient } from '../../src/github/client.js'
import { hasPermission, react } from '../../src/github/commands.js'
import { OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import { addIssueComment } from '../emulators/github-state.js'
import type { World } from '../emulators/world.js'
import { startInProcessWorld } from '../helpers/in-process.js'
import { captureStdout } from '../helpers/stdout.js'

const REPO_REF = { owner: OWNER, repo: REPO }
const COMMENT_ID = 1_234_567

let world: World
let gh: GitHubClient
let createClient: (token: string) => GitHubClient
const savedApiUrl = process.env['GITHUB_API_URL']

beforeAll(async () => {
  ;({ world, gh, createClient } = await startInProcessWorld({
    github: (state) => {
      state.collaborators['custom-carla'] = { permission: 'write', roleName: 'release-manager' }
      addIssueComment(state, { issueNumber: PR_NUMBER, body: '/review', id: COMMENT_ID })
    }
  }))
})

afterAll(async () => {
  await world.close()
  if (savedApiUrl === undefined) delete process.env['GITHUB_API_URL']
  else process.env['GITHUB_API_URL'] = savedApiUrl
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('hasPermission', () => {
  it.each<[string, Permission, boolean, string]>([
    ['octocat', 'admin', true, 'admin'],
    ['maintainer-mia', 'maintain', true, 'maintain'],
    ['writer-wes', 'write', true, 'write'],
    ['writer-wes', 'maintain', false, 'write'],
    ['triager-tom', 'write', false, 'triage'],
    ['reader-rita', 'write', false, 'read']
  ])('ranks %s against min-permission %s by role_name', async (user, min, allowed, actual) => {
    await expect(hasPermission(gh, REPO_REF, user, min)).resolves.toEqual({ allowed, actual })
  })

  it('asks the collaborator permission API, not author_association', async () => {
    const before = world.github.requests.length
    await hasPermission(gh, REPO_REF, 'writer-wes', 'write')
    const asked = world.github.requests.slice(before).map((r) => `${r.method} ${r.path}`)
    expect(asked).toEqual([`GET /repos/${OWNER}/${REPO}/collaborators/writer-wes/permission`])
    expect(world.github.mutations).toEqual([])
  })

  it('falls back to permission for a custom role', async () => {
    await expect(hasPermission(gh, REPO_REF, 'custom-carla', 'write')).resolves.toEqual({
      allowed: true,
      actual: 'write'
    })
    await expect(hasPermission(gh, REPO_REF, 'custom-carla', 'maintain')).resolves.toEqual({
      allowed: false,
      actual: 'write'
    })
  })

  it('refuses a user who is not a collaborator', async () => {
    await expect(hasPermission(gh, REPO_REF, 'drive-by-dan', 'write')).resolves.toEqual({
      allowed: false,
      actual: 'none'
    })
  })

  it('treats a 404 from the permission API as no permission', async () => {
    const elsewhere = { owner: OWNER, repo: 'no-such-repo' }
    await expect(hasPermission(gh, elsewhere, 'octocat', 'write')).resolves.toEqual({
      allowed: false,
      actual: 'none'
    })
    expect(world.github.requests.at(-1)?.status).toBe(404)
  })

  it('marks a refusal with what it was doing, for the diagnosis', async () => {
    const badToken = createClient('ghs_NotTheWorldsToken')
    const error = await hasPermission(badToken, REPO_REF, 'octocat', 'write').catch(
      (e: unknown) => e
    )
    expect(error).toMatchObject({
      name: 'StageError',
      stage: 'github',
      doing: "read octocat's permission on octo-org/octo-repo"
    })
    expect((error as Error).message).toMatch(/HTTP 401|Bad credentials/)
  })
})

describe('react', () => {
  it.each(['eyes', 'rocket', 'confused'] as const)(
    'posts the %s reaction to the comment',
    async (reaction) => {
      const before = world.github.mutations.length
      await react(gh, REPO_REF, { commentId: COMMENT_ID, inThread: false }, reaction)
      expect(world.github.mutations.slice(before)).toEqual([
        {
          method: 'POST',
          path: `/repos/${OWNER}/${REPO}/issues/comments/${COMMENT_ID}/reactions`,
          body: { content: reaction },
          status: 201
        }
      ])
    }
  )

  it('only warns when the reaction cannot be posted', async () => {
    const stdout = captureStdout()
    const badToken = createClient('ghs_NotTheWorldsToken')
    await expect(
      react(badToken, REPO_REF, { commentId: COMMENT_ID, inThread: false }, 'eyes')
    ).resolves.toBeUndefined()
    const warnings = stdout.filter((line) => line.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`Could not add the eyes reaction to comment ${COMMENT_ID}`)
    expect(warnings[0]).toContain('HTTP 401')
  })
})

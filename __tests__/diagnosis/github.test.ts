/**
 * GitHub's side, diagnosed from the real errors: the ID token request (`core.getIDToken`)
 * and the REST API (octokit's RequestError).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jest } from '@jest/globals'
import { AuthenticationRequiredError } from '@azure/identity'
import { diagnose } from '../../src/diagnosis/diagnose.js'
import {
  azure,
  contextFor,
  explain,
  fact,
  githubError,
  idTokenFailure
} from '../helpers/diagnosis.js'

describe('diagnosing the GitHub ID token request', () => {
  const saved = { ...process.env }
  let server: Server | undefined
  let stdout: { mockRestore: () => void } | undefined
  beforeEach(() => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(async () => {
    process.env = { ...saved }
    stdout?.mockRestore()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
  })

  it('asks for `permissions: id-token: write` when the request variables are missing', async () => {
    const { d, text } = explain(await idTokenFailure(), contextFor('github-oidc'))
    expect(d.title).toMatch(/id-token: write/)
    expect(fact(d, 'missing variable')).toBe('ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(d.fix).toContain(
      'permissions:\n    id-token: write\n    contents: read\n    pull-requests: write'
    )
    expect(text).toMatch(/job-level `permissions:` block replaces/)
  })

  it('recognises the missing permission even when MSAL wrapped it at the entra stage', async () => {
    const inner = await idTokenFailure()
    const wrapped = new AuthenticationRequiredError({
      scopes: [azure.scope],
      message: (inner as Error).message,
      cause: inner
    })
    expect(diagnose(wrapped, contextFor('entra')).title).toMatch(/id-token: write/)
  })

  it('explains that fork pull requests on pull_request never get an ID token', async () => {
    const { d } = explain(await idTokenFailure(), contextFor('github-oidc', { isFork: true }))
    expect(d.title).toMatch(/fork/)
    expect(d.fix).toContain('/review')
    expect(d.fix).toContain('pull_request_target')
    expect(d.fix).toContain('allow-forks: true')
  })

  it('explains that Dependabot runs never get an ID token', async () => {
    const { d } = explain(
      await idTokenFailure(),
      contextFor('github-oidc', { actor: 'dependabot[bot]' })
    )
    expect(d.title).toMatch(/Dependabot/)
    expect(d.fix).toContain("if: github.actor != 'dependabot[bot]'")
    expect(d.fix).toContain('/review')
  })

  it('explains an HTTP 403 from the token service with the permissions block', async () => {
    server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: 'Forbidden' }))
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = `http://127.0.0.1:${port}/token?api-version=2.0`
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'request-token-that-must-not-appear'
    const { d, text } = explain(await idTokenFailure(), contextFor('github-oidc'))
    expect(d.title).toBe('GitHub refused to mint an ID token (HTTP 403)')
    expect(d.fix).toContain('id-token: write')
    expect(text).not.toContain('request-token-that-must-not-appear')
  })

  it('explains a refused connection to the token service as a network failure', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = 'http://127.0.0.1:1/token?api-version=2.0'
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'request-token'
    const { d } = explain(await idTokenFailure(), contextFor('github-oidc'))
    expect(d.title).toBe('Connection to 127.0.0.1 failed (ECONNREFUSED)')
    expect(fact(d, 'stage')).toBe('github-oidc')
  })
})

describe('diagnosing GitHub API failures', () => {
  const reviews = 'https://api.github.com/repos/octo-org/octo-app/pulls/7/reviews'

  it('explains 401 by the `github-token` input', () => {
    const { d, text } = explain(githubError(401, 'Bad credentials', reviews), contextFor('github'))
    expect(d.title).toMatch(/401/)
    expect(d.fix).toContain('github-token')
    expect(text).not.toContain('ghs_thisSecretMustNotAppear')
  })

  it('explains “Resource not accessible by integration” with the `pull-requests: write` line', () => {
    const { d } = explain(
      githubError(403, 'Resource not accessible by integration', reviews),
      contextFor('github')
    )
    expect(d.fix).toContain('pull-requests: write')
    expect(fact(d, 'GitHub says')).toBe('Resource not accessible by integration')
  })

  it('explains a 403 on a fork pull request by its read-only token', () => {
    const { d } = explain(
      githubError(403, 'Resource not accessible by integration', reviews),
      contextFor('github', { isFork: true })
    )
    expect(d.cause).toMatch(/read-only/)
    expect(d.fix).toContain('/review')
  })

  it('explains 404 by visibility to the token and the `pr-number` input', () => {
    const { d } = explain(githubError(404, 'Not Found', reviews), contextFor('github'))
    expect(d.cause).toMatch(/not visible to the token/)
    expect(d.fix).toContain('pr-number')
  })
})

/**
 * Failing closed, on the bundle: a runner environment the action cannot trust ends in one
 * `::error::` with its fix before any service hears from it; a command GitHub shows as code,
 * quoted or as text does nothing; and the prompt (the pull request's code) goes to the https
 * `endpoint` only, never where a redirect points. Every test asserts on what the emulated
 * services, and a bystander server, received.
 */
import { createServer as createHttpServer, type Server } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PR_NUMBER } from '../emulators/constants.js'
import { addIssueComment } from '../emulators/github-state.js'
import { startHttpsServer, type RunningServer } from '../emulators/http.js'
import { startWorld, type World } from '../emulators/world.js'
import { loadEvent } from '../helpers/events.js'
import { realisticFiles } from '../helpers/pr-fixture.js'
import { reviewer } from '../helpers/reviewer.js'
import type { RunOptions, RunResult } from '../helpers/run-action.js'
import { runChecked } from '../helpers/checked-run.js'

let world: World | undefined

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function newWorld(): Promise<World> {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = realisticFiles()
  world.openai.config.respond = reviewer()
  return world
}

async function run(w: World, options: RunOptions = {}): Promise<RunResult> {
  return runChecked(w, options, { mode: 'review' })
}

/** The run's `::error::` commands, decoded as the workflow page shows them. */
const errors = (r: RunResult): string[] =>
  r.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
    .map((line) => line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%25/g, '%'))

/** Nothing reached any service: no ID token, no Entra, no model, no GitHub. */
function untouched(w: World): void {
  expect(w.oidc.requests).toHaveLength(0)
  expect(w.entra.requests).toHaveLength(0)
  expect(w.openai.requests).toHaveLength(0)
  expect(w.github.requests).toHaveLength(0)
}

describe('the runner’s event file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpr-fail-closed-'))

  it.each([
    ['missing', join(dir, 'missing.json'), undefined, /cannot be read \(ENOENT\)$/],
    [
      'truncated',
      join(dir, 'truncated.json'),
      '{"action":"opened","pull_',
      /\(25 bytes that are not JSON\)$/
    ],
    ['empty', join(dir, 'empty.json'), '', /\(0 bytes that are not JSON\)$/],
    ['null', join(dir, 'null.json'), 'null', /\(JSON null, not an object\)$/]
  ])(
    '%s: one ::error:: naming the file, no stack, exit 1, and no service called',
    async (_name, path, text, found) => {
      if (text !== undefined) writeFileSync(path, text)
      const w = await newWorld()
      const result = await run(w, { env: { GITHUB_EVENT_PATH: path } })
      expect(result.code).toBe(1)
      const [error, ...more] = errors(result)
      expect(more).toEqual([])
      const [title = ''] = (error ?? '').split('\n')
      expect(title.startsWith(`The runner’s event file ${path} `)).toBe(true)
      expect(title).toMatch(found)
      expect(error).toContain('npx keyless-pr-review review --pr OWNER/REPO#NUMBER')
      expect(error).toMatch(/\nMore: \S+#event-file$/)
      // Neither @actions/github's own line nor a raw stack.
      expect(result.stdout).not.toContain('does not exist')
      expect(result.stderr).toBe('')
      untouched(w)
    }
  )

  it('unset: not an Actions job, and the command line is the way to run it', async () => {
    const w = await newWorld()
    const result = await run(w, { env: { GITHUB_EVENT_PATH: undefined } })
    expect(result.code).toBe(1)
    expect(errors(result)).toHaveLength(1)
    expect(errors(result)[0]).toMatch(
      /^GITHUB_EVENT_PATH is not set: this is not a GitHub Actions job\n[\s\S]*npx keyless-pr-review review/
    )
    untouched(w)
  })
})

describe('commands GitHub does not show as commands', () => {
  it.each([
    ['an indented code block', '    /review'],
    ['a tab-indented code block', '\t/review please'],
    ['a fenced code block', '```\n/review\n```'],
    ['a blockquote', '> /review\nlike the docs say'],
    ['a line separator before it', '\u2028/review'],
    ['a paragraph separator in the line', 'see\u2029/review'],
    ['a no-break space line before it', '\u00a0\n/review']
  ])('%s: no ID token, no reaction, no model call, exit 0', async (_where, body) => {
    const w = await newWorld()
    const payload = loadEvent('issue_comment', 'created', {
      pull: w.github.pullRequest(PR_NUMBER),
      commentBody: body
    })
    const id = (payload['comment'] as { id: number }).id
    addIssueComment(w.github.state, { issueNumber: PR_NUMBER, body, id })
    const result = await run(w, { eventName: 'issue_comment', payload })
    expect(result.code).toBe(0)
    expect(result.outputs['skipped']).toBe(
      'comment is not a /review, /summarize, /ask or /help command'
    )
    untouched(w)
  })
})

/** A server the model's requests must never reach; it counts what does. */
interface Bystander {
  readonly url: string
  readonly received: string[]
  close(): Promise<void>
}

async function httpsBystander(): Promise<Bystander> {
  const received: string[] = []
  const server: RunningServer = await startHttpsServer((req, res) => {
    received.push(`${req.method ?? ''} ${req.url ?? ''}`)
    res.end('{}')
  })
  return { url: server.url, received, close: () => server.close() }
}

async function httpBystander(): Promise<Bystander> {
  const received: string[] = []
  const server: Server = createHttpServer((req, res) => {
    received.push(`${req.method ?? ''} ${req.url ?? ''}`)
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

describe('the prompt goes to the endpoint only', () => {
  it.each([
    ['307 to another https origin', 307, httpsBystander],
    ['308 to plain http', 308, httpBystander],
    ['302 to another https origin', 302, httpsBystander]
  ] as const)(
    'a %s is not followed: nothing arrives there, and the error names both URLs and the endpoint input',
    async (_to, status, start) => {
      const bystander = await start()
      try {
        const w = await newWorld()
        const location = `${bystander.url}/openai/v1/chat/completions`
        w.openai.config.redirect = { status, location }
        const result = await run(w)
        expect(bystander.received).toEqual([])
        // Asked once, not retried: a redirect is no transient failure.
        expect(w.openai.requests.map((r) => r.status)).toEqual([status])
        expect(w.github.mutations).toEqual([])
        expect(result.code).toBe(1)
        const [error = ''] = errors(result)
        expect(error.split('\n')[0]).toBe(
          `The model endpoint redirected the request (${status}); the action follows no redirect`
        )
        expect(error).toContain(
          `${w.urls.openaiEndpoint}/openai/v1/chat/completions answered ${status} with Location ${location}.`
        )
        expect(error).toContain('Fix: Set `endpoint` to the https address that serves the API')
        expect(error).toMatch(/\nMore: \S+#openai-redirect$/)
      } finally {
        await bystander.close()
      }
    }
  )

  it('refuses an http endpoint before anything is sent', async () => {
    const bystander = await httpBystander()
    try {
      const w = await newWorld()
      const result = await run(w, { inputs: { endpoint: bystander.url } })
      expect(result.code).toBe(1)
      expect(errors(result)[0]).toMatch(/^endpoint: /)
      expect(bystander.received).toEqual([])
      untouched(w)
    } finally {
      await bystander.close()
    }
  })
})

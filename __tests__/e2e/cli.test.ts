/**
 * The CLI end to end: the bundled dist/cli/index.js runs as a child process, as `npx
 * keyless-pr-review` would, signed in through a fake `az` on PATH (its `account
 * get-access-token` hands out a user token the emulated Entra signed) against the emulated
 * Azure OpenAI and GitHub. Output is read piped and on a pseudo-terminal (`script`), and the
 * GitHub emulator's mutations say whether anything was posted. The command line itself (help,
 * version, what it cannot read) and the Azure CLI's failures are read from the bundle too.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COGNITIVE_RESOURCE, DEPLOYMENT, PR_NUMBER, REPOSITORY } from '../emulators/constants.js'
import { startWorld, type World } from '../emulators/world.js'
import { AZURE_OPENAI_SCOPE, REFRESH_TOKEN_EXPIRED } from '../diagnosis/azure-cli-messages.js'
import { FakeCli } from '../helpers/fake-cli.js'
import { realisticFiles } from '../helpers/pr-fixture.js'
import { reviewer } from '../helpers/reviewer.js'

const CLI = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
  'dist',
  'cli',
  'index.js'
)
/** The signed-in developer: holds the OpenAI role on the emulated resource. */
const DEVELOPER_OID = '5d2c8e1a-7b3f-4c9d-8e6a-1f0b2c3d4e5f'

let world: World
let fake: FakeCli
let repoDir: string

beforeAll(async () => {
  fake = await FakeCli.install()
  repoDir = mkdtempSync(join(tmpdir(), 'cli-e2e-repo-'))
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repoDir, encoding: 'utf8' })
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'dev@example.com')
  git('config', 'user.name', 'Dev')
  writeFileSync(
    join(repoDir, 'retry.ts'),
    'export async function retry(run: () => Promise<void>): Promise<void> {\n  await run()\n}\n'
  )
  git('add', '.')
  git('commit', '-q', '-m', 'first')
  writeFileSync(
    join(repoDir, 'retry.ts'),
    [
      'export async function retry(run: () => Promise<void>, times = 3): Promise<void> {',
      '  for (let attempt = 1; ; attempt++) {',
      '    try {',
      '      return await run()',
      '    } catch (error) {',
      '      if (attempt >= times) throw error',
      '    }',
      '  }',
      '}',
      ''
    ].join('\n')
  )
  writeFileSync(join(repoDir, 'change.diff'), git('diff'))
})

afterAll(async () => {
  await fake.uninstall()
  rmSync(repoDir, { recursive: true, force: true })
})

beforeEach(async () => {
  world = await startWorld()
  world.github.pullRequest(PR_NUMBER).files = realisticFiles().slice(0, 6)
  world.openai.config.respond = reviewer()
  world.openai.config.roleAssignments.push(DEVELOPER_OID)
  const { jwt, expiresOn } = await world.entra.userToken(DEVELOPER_OID, COGNITIVE_RESOURCE)
  fake.reset()
  // `az account get-access-token -o json` as azure-cli 2.54+ prints it.
  fake.when('az', 'account get-access-token', {
    stdout: `${JSON.stringify({
      accessToken: jwt,
      expiresOn: new Date(expiresOn * 1000).toISOString().replace('T', ' ').slice(0, 19),
      expires_on: expiresOn,
      subscription: '1f0b7c2e-9d4a-4e8b-b6a3-5c2d1e0f9a87',
      tenant: world.entra.tenant()?.tenantId,
      tokenType: 'Bearer'
    })}\n`
  })
})

afterEach(async () => {
  await world.close()
})

interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: [fake.dir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
    HOME: repoDir,
    NODE_EXTRA_CA_CERTS: world.caFile,
    GITHUB_TOKEN: world.githubToken,
    GITHUB_API_URL: world.urls.githubApiUrl,
    AZURE_OPENAI_ENDPOINT: world.urls.openaiEndpoint,
    AZURE_OPENAI_DEPLOYMENT: DEPLOYMENT,
    TERM: 'xterm-256color',
    ...extra
  }
}

/** Runs the CLI with stdout and stderr piped (stdin: `input`, else nothing). */
function cli(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: repoDir,
      env: cliEnv(env),
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

/** Runs the CLI on a pseudo-terminal (`script`): stdout and stderr both reach it, merged. */
function cliOnTty(args: string[]): Promise<CliResult> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  const command = [process.execPath, CLI, ...args].map(quote).join(' ')
  return new Promise((done, fail) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: repoDir,
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr: '' }))
  })
}

const ANSI = /\x1b\[[0-9;]*m/ // eslint-disable-line no-control-regex
const ANSI_ALL = new RegExp(ANSI.source, 'g')

const writes = (w: World): string[] =>
  w.github.mutations.map((m) => `${m.method} ${m.path.replace(/\?.*$/, '')}`)

describe('review --diff', () => {
  it('piped: the review as plain Markdown on stdout, progress on stderr, nothing posted', async () => {
    const result = await cli(
      ['review', '--diff', '-'],
      execFileSync('git', ['diff'], { cwd: repoDir, encoding: 'utf8' })
    )
    expect(result.stderr).not.toMatch(/Error|::error::/)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toMatch(ANSI)
    expect(result.stdout).toContain('| retry.ts | Updates retry.ts. |')
    // What would be posted is the result, shown once: not again among the progress lines.
    expect(result.stderr).toContain('▸ Asking gpt-4o-review')
    expect(result.stderr).not.toContain('Unchecked result')
    expect(result.stdout).toMatch(/^### retry\.ts line \d+$/m)
    expect(result.stdout).toContain('Unchecked result')
    // No workflow command reaches stdout, so a pipe into a file holds the review alone.
    expect(result.stdout).not.toMatch(/^::/m)
    // Signed in with the Azure CLI's token, read from the fake `az`: no other sign-in ran.
    const azCalls = fake.calls('az')
    expect(azCalls.length).toBeGreaterThan(0)
    for (const args of azCalls) {
      expect(args).toEqual(
        expect.arrayContaining(['account', 'get-access-token', '--resource', COGNITIVE_RESOURCE])
      )
    }
    expect(world.entra.requests).toEqual([])
    const [request] = world.openai.requests
    expect(request?.path).toBe('/openai/v1/chat/completions')
    expect(request?.body?.model).toBe(DEPLOYMENT)
    expect((request?.body?.messages ?? []).map((m) => String(m.content)).join('\n')).toContain(
      'retry.ts'
    )
    // A local diff has no pull request: GitHub is never called.
    expect(world.github.requests).toEqual([])
  })

  it('on a terminal: rendered Markdown, not the raw text', async () => {
    const result = await cliOnTty(['review', '--diff', 'change.diff'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(ANSI)
    expect(result.stdout).toContain('retry.ts')
    expect(result.stdout.replace(ANSI_ALL, '')).toMatch(/│ retry\.ts +│ Updates retry\.ts\. │/)
    expect(result.stdout).not.toContain('| retry.ts |')
    expect(result.stdout).not.toContain('**')
    // The progress line shows where the work is, then makes way for the result.
    expect(result.stdout).toContain('Asking gpt-4o-review')
    expect(result.stdout).not.toContain('keyless-pr-review:finding')
  })

  it('refuses --post without a pull request, before signing in', async () => {
    const result = await cli(['review', '--diff', 'change.diff', '--post'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('--post needs --pr')
    expect(fake.calls('az')).toEqual([])
    expect(world.openai.requests).toEqual([])
  })
})

describe('review --pr', () => {
  it('reads the pull request, prints the review and posts nothing without --post', async () => {
    const result = await cli(['review', '--pr', `${REPOSITORY}#${PR_NUMBER}`])
    expect(result.stderr).not.toMatch(/::error::/)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Nothing was posted (add --post')
    expect(result.stdout).toMatch(/^### \S+ line \d+$/m)
    expect(world.github.requests.some((r) => r.path.includes(`/pulls/${PR_NUMBER}/files`))).toBe(
      true
    )
    expect(writes(world)).toEqual([])
    expect(world.github.state.issueComments).toEqual([])
    expect(world.github.state.reviews).toEqual([])
  })

  it('with --post: one summary comment and one review on the pull request, and their links', async () => {
    const result = await cli(['review', '--pr', `${REPOSITORY}#${PR_NUMBER}`, '--post'])
    expect(result.code).toBe(0)
    expect(world.github.state.issueComments).toHaveLength(1)
    expect(world.github.state.reviews).toHaveLength(1)
    const [comment] = world.github.state.issueComments
    expect(result.stdout).toContain(`#issuecomment-${comment?.id ?? '?'}_`)
    expect(result.stdout).toMatch(/_Posted: https:\/\/\S+\/pull\/7#pullrequestreview-\d+_/)
    expect(result.stdout).not.toContain('Nothing was posted')
  })

  it('on a terminal: rendered, with nothing posted', async () => {
    const result = await cliOnTty(['summarize', '--pr', `${REPOSITORY}#${PR_NUMBER}`])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(ANSI)
    expect(writes(world)).toEqual([])
  })

  it('explains a GitHub token that cannot read the repository, as the action does', async () => {
    const result = await cli(['summarize', '--pr', `${REPOSITORY}#${PR_NUMBER}`], undefined, {
      GITHUB_TOKEN: 'a-revoked-token-of-the-test'
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'error: Could not read pull request #7: GitHub rejected the token (401 Bad credentials)'
    )
    expect(result.stderr).toContain('Fix: Sign in with the GitHub CLI')
    expect(result.stderr).toContain('  gh auth login')
    expect(result.stderr).not.toContain('a-revoked-token-of-the-test')
    expect(result.stdout).toBe('')
  })
})

describe('check', () => {
  it('signs in with the Azure CLI, calls the deployment and reads the repository, posting nothing', async () => {
    const result = await cli(['check', '--repo', REPOSITORY])
    expect(result.code).toBe(0)
    expect(result.stderr).not.toMatch(/error:/)
    expect(`${result.stdout}${result.stderr}`).toContain(DEPLOYMENT)
    expect(world.openai.requests.length).toBeGreaterThan(0)
    expect(world.github.requests.length).toBeGreaterThan(0)
    expect(writes(world)).toEqual([])
  })

  it('explains a signed-in user without the OpenAI role, with the command that grants it', async () => {
    world.openai.config.roleAssignments = world.openai.config.roleAssignments.filter(
      (oid) => oid !== DEVELOPER_OID
    )
    const result = await cli(['check'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(DEVELOPER_OID)
    expect(result.stderr).toContain(
      `az role assignment create --assignee-object-id ${DEVELOPER_OID} --assignee-principal-type User --role "Cognitive Services OpenAI User"`
    )
  })
})

describe('the command line', () => {
  it('--version prints the version package.json had when the bundle was built', async () => {
    const { version } = JSON.parse(
      readFileSync(join(dirname(CLI), '..', '..', 'package.json'), 'utf8')
    ) as { version: string }
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('setup --help prints setup’s own flags on stdout', async () => {
    const result = await cli(['setup', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: keyless-pr-review setup \[options\]/)
    expect(result.stdout).toContain('--resource-group <rg>')
    expect(result.stdout).not.toContain('--token-budget')
  })

  it('an unknown command: named, with the commands, exit 2', async () => {
    const result = await cli(['frobnicate'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: Unknown command 'frobnicate'\n/)
    expect(result.stderr).toMatch(/^ {2}keyless-pr-review summarize +summarize/m)
    expect(result.stdout).toBe('')
  })

  it('an unknown flag: named, with the command’s --help, exit 2', async () => {
    const result = await cli(['review', '--bogus'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      "error: Unknown option '--bogus'\nFix: keyless-pr-review review --help   (lists its flags)\n"
    )
    expect(fake.calls('az')).toEqual([])
  })
})

describe('signing in with the Azure CLI', () => {
  /** The error a failed run printed: cause, facts and fix, never the workflow's advice. */
  function failed(result: CliResult): string {
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).not.toContain('ACTIONS_STEP_DEBUG')
    expect(result.stderr).not.toContain('Unexpected error')
    return result.stderr.slice(result.stderr.indexOf('error: '))
  }

  it('signed out: says so, and az login', async () => {
    fake.reset()
    fake.azure.loggedIn = false
    const error = failed(await cli(['review', '--pr', `${REPOSITORY}#${PR_NUMBER}`]))
    expect(error).toMatch(/^error: The Azure CLI is not signed in\n/)
    expect(error).toContain('Fix: Sign in, then run the command again:\n  az login\nMore: ')
    expect(error).toContain('#azure-cli-not-signed-in')
    expect(world.openai.requests).toEqual([])
    expect(writes(world)).toEqual([])
  })

  it('without az on PATH: the install link, then az login', async () => {
    const error = failed(await cli(['check'], undefined, { PATH: dirname(process.execPath) }))
    expect(error).toMatch(/^error: The Azure CLI is not installed: there is no az on PATH\n/)
    expect(error).toContain(
      'Fix: Install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli), sign in, and run the command again:\n  az login\n'
    )
    expect(fake.calls('az')).toEqual([])
  })

  it('its sign-in expired (AADSTS700082): az login again, with the scope azure-cli asks for', async () => {
    fake.reset()
    fake.when('az', 'account get-access-token', { stderr: REFRESH_TOKEN_EXPIRED, code: 1 })
    const error = failed(await cli(['summarize', '--diff', 'change.diff']))
    expect(error).toMatch(/^error: The Azure CLI must sign in again \(AADSTS700082\)\n/)
    expect(error).toContain('  Azure CLI says: AADSTS700082: The refresh token has expired')
    expect(error).toContain(
      `Fix: Sign in again, then run the command again:\n  az login --scope ${AZURE_OPENAI_SCOPE}\n`
    )
    expect(world.openai.requests).toEqual([])
  })
})

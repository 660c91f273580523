/**
 * `review --diff -` end to end on a diff as a user's git writes it: non-ASCII paths quoted in
 * octal (git's default `core.quotePath`) and `diff.mnemonicPrefix` prefixes (`c/ w/` for `git
 * diff HEAD`). The bundled dist/cli/index.js runs as a child process, signed in through a fake
 * `az` against the emulated Entra and Azure OpenAI, as in cli.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COGNITIVE_RESOURCE, DEPLOYMENT } from '../emulators/constants.js'
import { startWorld, type World } from '../emulators/world.js'
import { FakeCli } from '../helpers/fake-cli.js'
import { reviewer } from '../helpers/reviewer.js'

const CLI = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
  'dist',
  'cli',
  'index.js'
)
/** The signed-in developer: holds the OpenAI role on the emulated resource. */
const DEVELOPER_OID = '5d2c8e1a-7b3f-4c9d-8e6a-1f0b2c3d4e5f'

const lines = (count: number, word: string): string =>
  Array.from({ length: count }, (_, i) => `${word} ${i + 1}\n`).join('')

let world: World
let fake: FakeCli
let repoDir: string
let diff: string

beforeAll(async () => {
  fake = await FakeCli.install()
  repoDir = mkdtempSync(join(tmpdir(), 'cli-local-diff-'))
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: repoDir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
    })
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'dev@example.com')
  git('config', 'user.name', 'Dev')
  mkdirSync(join(repoDir, 'src'))
  writeFileSync(join(repoDir, 'été.md'), lines(12, 'note'))
  writeFileSync(join(repoDir, 'src', 'café.ts'), lines(12, 'export const x'))
  writeFileSync(join(repoDir, 'big.txt'), lines(30, 'big'))
  git('add', '.')
  git('commit', '-q', '-m', 'first')
  writeFileSync(join(repoDir, 'été.md'), lines(12, 'note').replace('note 6\n', 'NOTE 6\n'))
  writeFileSync(
    join(repoDir, 'src', 'café.ts'),
    lines(12, 'export const x').replace('x 3\n', 'x 3 = 3\n')
  )
  renameSync(join(repoDir, 'big.txt'), join(repoDir, 'grand.txt'))
  writeFileSync(join(repoDir, 'grand.txt'), lines(30, 'big').replace('big 30\n', 'grand 30\n'))
  git('add', '-A')
  diff = git('-c', 'diff.mnemonicPrefix=true', 'diff', 'HEAD')
})

afterAll(async () => {
  await fake.uninstall()
  rmSync(repoDir, { recursive: true, force: true })
})

beforeEach(async () => {
  world = await startWorld()
  world.openai.config.respond = reviewer()
  world.openai.config.roleAssignments.push(DEVELOPER_OID)
  const { jwt, expiresOn } = await world.entra.userToken(DEVELOPER_OID, COGNITIVE_RESOURCE)
  fake.reset()
  fake.when('az', 'account get-access-token', {
    stdout: `${JSON.stringify({
      accessToken: jwt,
      expiresOn: new Date(expiresOn * 1000).toISOString().replace('T', ' ').slice(0, 19),
      expires_on: expiresOn,
      tenant: world.entra.tenant()?.tenantId,
      tokenType: 'Bearer'
    })}\n`
  })
})

afterEach(async () => {
  await world.close()
})

/** Runs the CLI in the repository with `input` on stdin, stdout and stderr piped. */
function cli(
  args: string[],
  input: string
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: repoDir,
      env: {
        PATH: [fake.dir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
        HOME: repoDir,
        NODE_EXTRA_CA_CERTS: world.caFile,
        AZURE_OPENAI_ENDPOINT: world.urls.openaiEndpoint,
        AZURE_OPENAI_DEPLOYMENT: DEPLOYMENT
      },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
    child.stdin.end(input)
  })
}

describe('review --diff - on a mnemonic-prefix diff with non-ASCII paths', () => {
  it('reviews each file under its own path: the rename is the only rename', async () => {
    // The diff is what the user's git wrote: octal-quoted names behind c/ and w/.
    expect(diff).toContain('diff --git "c/\\303\\251t\\303\\251.md" "w/\\303\\251t\\303\\251.md"')
    expect(diff).toContain('diff --git "c/src/caf\\303\\251.ts" "w/src/caf\\303\\251.ts"')
    expect(diff).toContain('diff --git c/big.txt w/grand.txt')

    const result = await cli(['review', '--diff', '-'], diff)
    expect(result.stderr).not.toMatch(/error|::error::/i)
    expect(result.code).toBe(0)

    // What the model read: each file under its path, a rename only where git wrote one.
    const prompts = world.openai.requests.flatMap((r) =>
      (r.body?.messages ?? []).filter((m) => m.role === 'user').map((m) => String(m.content))
    )
    const headings = [...new Set(prompts.flatMap((p) => p.match(/^## .+$/gm) ?? []))].sort()
    expect(headings).toEqual(['## grand.txt (renamed from big.txt)', '## src/café.ts', '## été.md'])
    // The file at head is read from the working tree under that path: the code around a hunk.
    expect(prompts.join('\n')).toContain('~note 1')

    // What the user is shown: a row for each file, under its path.
    for (const path of ['été.md', 'src/café.ts', 'grand.txt']) {
      expect(result.stdout).toContain(`Updates ${path}.`)
    }
    expect(result.stdout).not.toMatch(/[cw]\/(?:été|src|big|grand)|\\303|renamed from [cw]\//)
  })
})

/**
 * The repository's own workflows (least privilege, pinned actions, the release, CodeQL and
 * self-test jobs), its Dependabot configuration, and the tag logic of a release,
 * scripts/release.sh, against throwaway git repositories with a bare "origin" under the temp
 * directory (no network).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { load } from 'js-yaml'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows')
const RELEASE_SCRIPT = join(REPO_ROOT, 'scripts', 'release.sh')

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

type Permissions = string | Record<string, string> | undefined

interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}

interface Job {
  name?: string
  if?: string
  needs?: string | string[]
  permissions?: Permissions
  environment?: unknown
  env?: Record<string, unknown>
  uses?: string
  steps?: Step[]
}

interface Workflow {
  on: unknown
  permissions?: Permissions
  jobs: Record<string, Job>
}

interface WorkflowFile {
  file: string
  text: string
  workflow: Workflow
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readWorkflow(file: string): WorkflowFile {
  const text = readFileSync(join(WORKFLOWS_DIR, file), 'utf8')
  const parsed = load(text)
  if (!isRecord(parsed) || !isRecord(parsed.jobs) || !('on' in parsed))
    throw new Error(`${file}: not a workflow (no 'on' or 'jobs')`)
  for (const [id, job] of Object.entries(parsed.jobs)) {
    if (!isRecord(job)) throw new Error(`${file}: job ${id} is not a mapping`)
    if (job.steps !== undefined && !(Array.isArray(job.steps) && job.steps.every(isRecord)))
      throw new Error(`${file}: the steps of job ${id} are not a list of mappings`)
  }
  return { file, text, workflow: parsed as unknown as Workflow }
}

const WORKFLOW_FILES = readdirSync(WORKFLOWS_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
const WORKFLOWS = WORKFLOW_FILES.map(readWorkflow)

function workflow(file: string): Workflow {
  const found = WORKFLOWS.find((entry) => entry.file === file)
  if (found === undefined) throw new Error(`no workflow ${file}`)
  return found.workflow
}

function steps(job: Job): Step[] {
  return job.steps ?? []
}

/** Where this action itself runs: a step `uses: ./`. */
function runsTheAction(job: Job): boolean {
  return steps(job).some((step) => step.uses === './')
}

/** Where CodeQL uploads its results to code scanning. */
function uploadsCodeScanning(job: Job): boolean {
  return steps(job).some((step) => step.uses?.startsWith('github/codeql-action/analyze@') === true)
}

/** The release job that creates and pushes tags. */
function tagsARelease(job: Job): boolean {
  return steps(job).some((step) => step.run?.includes('scripts/release.sh tag') === true)
}

/** The release job that publishes the CLI to npm. */
function publishesToNpm(job: Job): boolean {
  return steps(job).some((step) => /\bnpm publish\b/.test(step.run ?? ''))
}

function scripts(job: Job): string {
  return steps(job)
    .map((step) => step.run ?? '')
    .join('\n')
}

/** What a job's token may do: its own permissions, else the workflow's. */
function grants(permissions: Permissions): Record<string, string> {
  if (permissions === undefined) return {}
  if (typeof permissions === 'string') return { '*': permissions.replace(/-all$/, '') }
  return permissions
}

function writeScopes(permissions: Permissions): string[] {
  return Object.entries(grants(permissions))
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope)
}

/** A third-party action pinned to a full commit SHA, or a container image pinned by digest. */
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/
const PINNED_IMAGE = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/
const VERSION_COMMENT = /^#\s*v\d+\.\d+\.\d+\b/

interface UsesLine {
  line: number
  ref: string
  comment: string
}

/** Every `uses:` in the raw text, with the comment after it (which the YAML parser drops). */
function usesLines(text: string): UsesLine[] {
  const found: UsesLine[] = []
  text.split('\n').forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/.exec(line)
    if (match?.[2] !== undefined)
      found.push({ line: index + 1, ref: match[2], comment: match[3] ?? '' })
  })
  return found
}

describe('workflows', () => {
  it('are found: ci.yml, codeql.yml, release.yml and self-test.yml at least', () => {
    expect(WORKFLOW_FILES).toEqual(
      expect.arrayContaining(['ci.yml', 'codeql.yml', 'release.yml', 'self-test.yml'])
    )
  })

  describe.each(WORKFLOW_FILES)('%s', (file) => {
    const entry = WORKFLOWS.find((candidate) => candidate.file === file)
    if (entry === undefined) throw new Error(`no workflow ${file}`)
    const { text, workflow: parsed } = entry
    const jobs = Object.entries(parsed.jobs)

    it('grants nothing, or only read access, at the top level', () => {
      expect(parsed.permissions).toBeDefined()
      const levels = Object.values(grants(parsed.permissions))
      expect(levels.filter((level) => level !== 'read' && level !== 'none')).toEqual([])
    })

    it('grants id-token: write only where the action runs or npm publishes, contents: write only to the release tagging job, security-events: write only where CodeQL uploads, and no other write', () => {
      const excess: string[] = []
      for (const [id, job] of jobs) {
        for (const scope of writeScopes(job.permissions ?? parsed.permissions)) {
          const needed =
            (scope === 'id-token' && runsTheAction(job)) ||
            (scope === 'id-token' && file === 'release.yml' && publishesToNpm(job)) ||
            (scope === 'contents' && file === 'release.yml' && tagsARelease(job)) ||
            (scope === 'security-events' && uploadsCodeScanning(job))
          if (!needed) excess.push(`${id}: ${scope}: write`)
        }
      }
      expect(excess).toEqual([])
    })

    it('pins every third-party action to a full commit SHA with a # vX.Y.Z comment', () => {
      const parsedUses = jobs.flatMap(([, job]) => [
        ...(job.uses === undefined ? [] : [job.uses]),
        ...steps(job).flatMap((step) => (step.uses === undefined ? [] : [step.uses]))
      ])
      const lines = usesLines(text)
      // The raw scan sees every `uses:` the parser sees (none hides in flow style or anchors).
      expect(lines.map((use) => use.ref).sort()).toEqual([...parsedUses].sort())
      const unpinned = lines
        .filter((use) => !use.ref.startsWith('./'))
        .filter(
          (use) =>
            !(PINNED.test(use.ref) && VERSION_COMMENT.test(use.comment)) &&
            !PINNED_IMAGE.test(use.ref)
        )
        .map((use) => `line ${use.line}: ${use.ref} ${use.comment}`.trim())
      expect(unpinned).toEqual([])
    })

    it('puts no ${{ }} expression inside a run script (values reach scripts through env)', () => {
      const injected = jobs.flatMap(([id, job]) =>
        steps(job)
          .filter((step) => step.run?.includes('${{') === true)
          .map((step) => `${id}: ${step.name ?? step.run ?? ''}`)
      )
      expect(injected).toEqual([])
    })
  })

  describe('release.yml', () => {
    const release = workflow('release.yml')
    const jobs = Object.values(release.jobs)
    const tagging = jobs.filter(tagsARelease)
    const tagJob = tagging[0]

    it('is started by hand with a version, not by pushing a tag', () => {
      expect(isRecord(release.on)).toBe(true)
      const on = release.on as Record<string, unknown>
      expect(Object.keys(on)).toEqual(['workflow_dispatch'])
      const dispatch = on.workflow_dispatch as { inputs?: Record<string, { required?: boolean }> }
      expect(dispatch.inputs?.version?.required).toBe(true)
    })

    it('grants nothing at the top level, and contents: write to exactly one job, the one that tags', () => {
      expect(release.permissions).toEqual({})
      expect(tagging).toHaveLength(1)
      expect(jobs.filter((job) => writeScopes(job.permissions).includes('contents'))).toEqual(
        tagging
      )
      expect(tagJob?.permissions).toEqual({ contents: 'write' })
    })

    it('tests the commit first: the version checks, npm ci, npm test, a fresh bundle equal to dist/', () => {
      const needs = [tagJob?.needs ?? []].flat()
      expect(needs).toHaveLength(1)
      const verify = release.jobs[needs[0] ?? '']
      expect(verify).toBeDefined()
      if (verify === undefined) return
      expect(verify.permissions).toEqual({ contents: 'read' })
      const run = scripts(verify)
      const order = [
        'scripts/release.sh check',
        'npm ci',
        'npm test',
        'npm run bundle',
        'git status --porcelain'
      ].map((command) => run.indexOf(command))
      expect(order.every((position) => position >= 0)).toBe(true)
      expect([...order].sort((a, b) => a - b)).toEqual(order)
      expect(
        steps(verify).find((step) => step.uses?.startsWith('actions/setup-node@'))?.with
      ).toEqual(expect.objectContaining({ 'node-version-file': '.node-version' }))
    })

    it('refuses other branches: every release.sh check and tag gets the ref and the default branch', () => {
      const calls = jobs.flatMap((job) =>
        scripts(job)
          .replace(/\\\n\s*/g, ' ')
          .split('\n')
          .filter((line) => /release\.sh (check|tag)\b/.test(line))
      )
      expect(calls).toHaveLength(2)
      for (const call of calls) {
        expect(call).toContain('--from-ref "$GITHUB_REF"')
        expect(call).toContain('--default-branch "$DEFAULT_BRANCH"')
      }
      for (const job of jobs.filter((candidate) => scripts(candidate).includes('$DEFAULT_BRANCH')))
        expect(job.env?.DEFAULT_BRANCH).toBe('${{ github.event.repository.default_branch }}')
    })

    it('tags with the script and publishes with gh release create and GITHUB_TOKEN, running no dependency code', () => {
      expect(tagJob).toBeDefined()
      if (tagJob === undefined) return
      const run = scripts(tagJob)
      expect(run).toContain('scripts/release.sh notes')
      expect(run).toMatch(/gh release create "\$tag" --verify-tag .*--notes-file/)
      expect(run).not.toMatch(/\bnpm\b|\bnpx\b|\bnode\b/)
      const publish = steps(tagJob).find((step) => step.run?.includes('gh release create'))
      expect(publish?.env?.GH_TOKEN).toBe('${{ github.token }}')
    })

    describe('npm', () => {
      const [, publishJob] =
        Object.entries(release.jobs).find(([, job]) => publishesToNpm(job)) ?? []
      const [verifyId, verify] =
        Object.entries(release.jobs).find(([, job]) => scripts(job).includes('npm test')) ?? []
      const tagId = Object.entries(release.jobs).find(([, job]) => job === tagJob)?.[0]

      it('packs the CLI in the job that tested it, as the version being tagged, after the tests', () => {
        const run = scripts(verify ?? {})
        const order = [
          'npm test',
          'npm version "${VERSION#v}" --no-git-tag-version',
          'npm pack'
        ].map((command) => run.indexOf(command))
        expect(order.every((position) => position >= 0)).toBe(true)
        expect([...order].sort((a, b) => a - b)).toEqual(order)
        const upload = steps(verify ?? {}).find((step) =>
          step.uses?.startsWith('actions/upload-artifact@')
        )
        expect(upload?.with).toEqual(expect.objectContaining({ name: 'npm-package' }))
      })

      it('publishes that tarball after the tag, with id-token: write alone and no npm token', () => {
        expect(publishJob).toBeDefined()
        if (publishJob === undefined) return
        expect([publishJob.needs ?? []].flat().sort()).toEqual([tagId, verifyId].sort())
        expect(publishJob.permissions).toEqual({ 'id-token': 'write' })
        const download = steps(publishJob).find((step) =>
          step.uses?.startsWith('actions/download-artifact@')
        )
        expect(download?.with).toEqual(expect.objectContaining({ name: 'npm-package' }))
        expect(scripts(publishJob)).toMatch(/npm publish "\$RUNNER_TEMP"\/package\/\*\.tgz/)
        expect(scripts(publishJob)).toContain('--provenance')
        const text = readFileSync(join(WORKFLOWS_DIR, 'release.yml'), 'utf8')
        expect(text).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN|secrets\./)
      })

      it('runs no dependency code where it can publish: no checkout, no install, no npm script', () => {
        if (publishJob === undefined) throw new Error('no job publishes to npm')
        expect(steps(publishJob).some((step) => step.uses?.startsWith('actions/checkout@'))).toBe(
          false
        )
        expect(scripts(publishJob)).not.toMatch(/npm (ci|install|run|exec|pack)\b|\bnpx\b/)
      })
    })
  })

  describe('codeql.yml', () => {
    const codeql = workflow('codeql.yml')
    const jobs = Object.values(codeql.jobs)

    it('scans javascript-typescript on pushes to main, pull requests and a weekly schedule', () => {
      expect(Object.keys(codeql.on as object).sort()).toEqual(['pull_request', 'push', 'schedule'])
      const init = jobs
        .flatMap(steps)
        .find((step) => step.uses?.startsWith('github/codeql-action/init@'))
      expect(init?.with?.languages).toBe('javascript-typescript')
    })

    it('grants nothing at the top level; its one job reads the code and uploads the results', () => {
      expect(codeql.permissions).toEqual({})
      expect(jobs).toHaveLength(1)
      expect(jobs[0]?.permissions).toEqual({ 'security-events': 'write', contents: 'read' })
      expect(jobs.every(uploadsCodeScanning)).toBe(true)
    })
  })

  describe('self-test.yml', () => {
    const selfTest = workflow('self-test.yml')
    const jobs = Object.entries(selfTest.jobs)
    const AZURE_INPUTS = {
      'client-id': '${{ vars.AZURE_CLIENT_ID }}',
      'tenant-id': '${{ vars.AZURE_TENANT_ID }}',
      endpoint: '${{ vars.AZURE_OPENAI_ENDPOINT }}',
      deployment: '${{ vars.AZURE_OPENAI_DEPLOYMENT }}'
    }

    function actionStep(job: Job): Step | undefined {
      return steps(job).find((step) => step.uses === './')
    }

    it('runs on pull requests and pushes to main, granting nothing at the top level', () => {
      expect(selfTest.on).toEqual({ pull_request: null, push: { branches: ['main'] } })
      expect(selfTest.permissions).toEqual({})
    })

    it('runs the action of the commit itself (uses: ./) in every job, with the Azure variables', () => {
      expect(jobs.length).toBeGreaterThanOrEqual(2)
      for (const [, job] of jobs) {
        expect(runsTheAction(job)).toBe(true)
        expect(actionStep(job)?.with).toEqual(expect.objectContaining(AZURE_INPUTS))
      }
    })

    it('skips (does not fail) every job when AZURE_CLIENT_ID is not configured', () => {
      for (const [, job] of jobs) {
        expect(job.if).toContain("vars.AZURE_CLIENT_ID != ''")
        expect(steps(job).some((step) => 'continue-on-error' in step)).toBe(false)
      }
    })

    it('checks the chain with mode: check, with id-token: write and contents: read', () => {
      const check = jobs.find(([, job]) => actionStep(job)?.with?.mode === 'check')?.[1]
      expect(check?.permissions).toEqual({ 'id-token': 'write', contents: 'read' })
    })

    it('dry-runs a review on pull requests only, reading the pull request and posting nothing', () => {
      const dryRun = jobs.find(([, job]) => actionStep(job)?.with?.['dry-run'] === true)?.[1]
      expect(dryRun).toBeDefined()
      expect(dryRun?.if).toContain("github.event_name == 'pull_request'")
      expect(dryRun?.permissions).toEqual({
        'id-token': 'write',
        contents: 'read',
        'pull-requests': 'read'
      })
    })
  })
})

describe('.github/dependabot.yml', () => {
  interface Update {
    'package-ecosystem': string
    directory: string
    schedule: { interval: string }
    groups?: Record<string, { 'dependency-type'?: string }>
  }
  const config = load(readFileSync(join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
    version: number
    updates: Update[]
  }

  it('updates npm packages and the workflows’ actions weekly, from the repository root', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual([
      'github-actions',
      'npm'
    ])
    for (const update of config.updates) {
      expect(update.directory).toBe('/')
      expect(update.schedule.interval).toBe('weekly')
    }
  })

  it('groups the development dependencies into one pull request', () => {
    const npm = config.updates.find((update) => update['package-ecosystem'] === 'npm')
    expect(Object.values(npm?.groups ?? {})).toContainEqual(
      expect.objectContaining({ 'dependency-type': 'development' })
    )
  })
})

// ---------------------------------------------------------------------------------------------
// scripts/release.sh
// ---------------------------------------------------------------------------------------------

const TEMP_ROOT = mkdtempSync(join(tmpdir(), 'keyless-release-'))
afterAll(() => {
  rmSync(TEMP_ROOT, { recursive: true, force: true })
})

/** git without the developer's or the runner's configuration, and with a fixed identity. */
const GIT_ENV: NodeJS.ProcessEnv = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env))
    if (name.startsWith('GIT_')) Reflect.deleteProperty(env, name)
  const globalConfig = join(TEMP_ROOT, 'gitconfig')
  writeFileSync(globalConfig, '')
  return {
    ...env,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release-test@example.com',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release-test@example.com',
    GIT_TERMINAL_PROMPT: '0'
  }
})()

interface Result {
  status: number | null
  stdout: string
  stderr: string
}

function exec(command: string, args: string[], cwd: string): Result {
  const result = spawnSync(command, args, { cwd, env: GIT_ENV, encoding: 'utf8' })
  if (result.error !== undefined) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

const CHANGELOG = `# Changelog

## [Unreleased]

## [3.0.0] - 2026-03-01

## [2.1.0] - 2026-02-15

### Added

- Two point one.

## [2.0.0] - 2026-02-01

### Changed

- **Breaking**: two.

## [1.10.0] - 2026-01-20

- One point ten.

## [1.9.0] - 2026-01-15

- One point nine.

## [1.1.0] - 2026-01-10

### Fixed

- One point one.

## [1.0.0] - 2026-01-01

### Added

- The first release.

[Unreleased]: https://example.com/compare/v2.0.0...HEAD
[1.0.0]: https://example.com/releases/v1.0.0
`

interface Repo {
  work: string
  origin: string
  git: (...args: string[]) => string
  commit: (message: string) => string
  release: (...args: string[]) => Result
  /** Tag name → the commit it names, on origin. */
  remoteTags: () => Record<string, string>
  /** Tag name → the object it is (`tag` for annotated, `commit` for lightweight), on origin. */
  remoteTagTypes: () => Record<string, string>
}

let repoCount = 0

/** A work repository on `main` with one commit and CHANGELOG.md, and its bare origin. */
function newRepo(): Repo {
  repoCount += 1
  const root = join(TEMP_ROOT, `repo-${repoCount}`)
  const work = join(root, 'work')
  const origin = join(root, 'origin.git')
  mkdirSync(work, { recursive: true })
  const run = (cwd: string, ...args: string[]): string => {
    const result = exec('git', args, cwd)
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`)
    return result.stdout.trim()
  }
  run(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  run(work, 'init', '--quiet', '--initial-branch=main')
  run(work, 'remote', 'add', 'origin', origin)
  const git = (...args: string[]): string => run(work, ...args)
  let commits = 0
  const commit = (message: string): string => {
    commits += 1
    writeFileSync(join(work, 'file.txt'), `${message}\n${commits}\n`)
    git('add', '.')
    git('commit', '--quiet', '-m', message)
    git('push', '--quiet', 'origin', 'main')
    return git('rev-parse', 'HEAD')
  }
  writeFileSync(join(work, 'CHANGELOG.md'), CHANGELOG)
  commit('first')
  const refs = (): [string, string, string][] =>
    run(
      origin,
      'for-each-ref',
      '--format=%(refname:short) %(objecttype) %(objectname) %(*objectname)',
      'refs/tags'
    )
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [name = '', type = '', object = '', peeled = ''] = line.split(' ')
        return [name, type, peeled === '' ? object : peeled]
      })
  return {
    work,
    origin,
    git,
    commit,
    release: (...args) => exec('bash', [RELEASE_SCRIPT, ...args], work),
    remoteTags: () => Object.fromEntries(refs().map(([name, , target]) => [name, target])),
    remoteTagTypes: () => Object.fromEntries(refs().map(([name, type]) => [name, type]))
  }
}

function expectSuccess(result: Result): void {
  // The whole result on failure: the script says on stderr why it refused.
  expect(result).toMatchObject({ status: 0 })
}

function expectRefusal(result: Result, message: RegExp): void {
  expect(result.status).not.toBe(0)
  expect(result.stderr).toMatch(message)
}

describe('scripts/release.sh', () => {
  it('a first release creates the annotated tag v1.0.0 and the major tag v1 on the commit', () => {
    const repo = newRepo()
    const head = repo.git('rev-parse', 'HEAD')
    const result = repo.release('tag', '1.0.0')
    expectSuccess(result)
    expect(result.stdout).toContain('latest release: none')
    expect(repo.remoteTags()).toEqual({ v1: head, 'v1.0.0': head })
    expect(repo.remoteTagTypes()['v1.0.0']).toBe('tag')
  })

  it('a second release v1.1.0 moves v1 to it and leaves v1.0.0 where it was', () => {
    const repo = newRepo()
    const first = repo.git('rev-parse', 'HEAD')
    expectSuccess(repo.release('tag', '1.0.0'))
    const second = repo.commit('a fix')
    expectSuccess(repo.release('tag', 'v1.1.0', '--commit', second))
    expect(repo.remoteTags()).toEqual({ v1: second, 'v1.0.0': first, 'v1.1.0': second })
  })

  it('refuses a version equal to or lower than the latest release, and a tag that exists', () => {
    const repo = newRepo()
    expectSuccess(repo.release('tag', '1.1.0'))
    repo.commit('more')
    const before = repo.remoteTags()
    expectRefusal(repo.release('tag', '1.1.0'), /tag v1\.1\.0 already exists on origin/)
    expectRefusal(
      repo.release('tag', '1.0.0'),
      /1\.0\.0 is not greater than the latest release v1\.1\.0/
    )
    expectRefusal(repo.release('check', '1.0.0'), /not greater/)
    expect(repo.remoteTags()).toEqual(before)
    // Not pushed, but present here: refused too rather than overwritten.
    repo.git('tag', 'v1.9.0')
    expectRefusal(repo.release('tag', '1.9.0'), /v1\.9\.0 already exists in this repository/)
  })

  it('compares versions as numbers: v1.10.0 comes after v1.9.0', () => {
    const repo = newRepo()
    expectSuccess(repo.release('tag', '1.9.0'))
    repo.commit('ten')
    expectSuccess(repo.release('tag', '1.10.0'))
    repo.commit('eleven')
    expectRefusal(repo.release('check', '1.9.1'), /not greater than the latest release v1\.10\.0/)
  })

  it('v2.0.0 creates v2 and leaves v1 on the last 1.x release', () => {
    const repo = newRepo()
    const one = repo.git('rev-parse', 'HEAD')
    expectSuccess(repo.release('tag', '1.0.0'))
    const two = repo.commit('breaking')
    expectSuccess(repo.release('tag', '2.0.0'))
    expect(repo.remoteTags()).toEqual({ v1: one, 'v1.0.0': one, v2: two, 'v2.0.0': two })
  })

  it('dry-run prints the tag and push commands without running them', () => {
    const repo = newRepo()
    expectSuccess(repo.release('tag', '2.0.0'))
    const head = repo.commit('feature')
    const before = repo.remoteTags()
    const localBefore = repo.git('tag', '--list')
    const result = repo.release('tag', '2.1.0', '--dry-run')
    expectSuccess(result)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('+ '))).toEqual([
      `+ git tag --annotate --message v2.1.0 v2.1.0 ${head}`,
      `+ git tag --force v2 ${head}`,
      '+ git push --atomic origin refs/tags/v2.1.0 +refs/tags/v2'
    ])
    expect(result.stdout).toContain('dry run, nothing was tagged or pushed')
    expect(repo.remoteTags()).toEqual(before)
    expect(repo.git('tag', '--list')).toBe(localBefore)
  })

  it('refuses a version that is not X.Y.Z', () => {
    const repo = newRepo()
    for (const version of ['1.2', '1.2.3.4', '01.2.3', '1.2.3-rc.1', 'latest', 'vv1.2.3']) {
      expectRefusal(repo.release('check', version), /is not a version X\.Y\.Z/)
    }
    expectRefusal(repo.release('check'), /no version given/)
    expect(repo.remoteTags()).toEqual({})
  })

  it('refuses to release from a ref other than the default branch', () => {
    const repo = newRepo()
    expectRefusal(
      repo.release('tag', '1.0.0', '--from-ref', 'refs/heads/feature', '--default-branch', 'main'),
      /releases are made from the default branch \(refs\/heads\/main\), not refs\/heads\/feature/
    )
    expectRefusal(
      repo.release('check', '1.0.0', '--from-ref', 'refs/tags/v0.9.0', '--default-branch', 'main'),
      /from the default branch/
    )
    expect(repo.remoteTags()).toEqual({})
    expectSuccess(
      repo.release('tag', '1.0.0', '--from-ref', 'refs/heads/main', '--default-branch', 'main')
    )
  })

  it('refuses a version without a non-empty changelog section; notes prints only that section', () => {
    const repo = newRepo()
    expectRefusal(repo.release('check', '4.0.0'), /has no '## \[4\.0\.0\]' section/)
    expectRefusal(repo.release('tag', '3.0.0'), /the '## \[3\.0\.0\]' section of .* is empty/)
    expect(repo.remoteTags()).toEqual({})
    const notes = repo.release('notes', '1.1.0')
    expectSuccess(notes)
    expect(notes.stdout).toBe('### Fixed\n\n- One point one.\n')
    // The last section stops before the link definitions.
    expect(repo.release('notes', '1.0.0').stdout).toBe('### Added\n\n- The first release.\n')
  })
})

/**
 * Runs the bundled action (dist/index.js) as a child process with a GitHub runner's
 * environment pointed at a test world, and collects what a workflow would see of it.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  ACTOR,
  BASE_SHA,
  CLIENT_ID,
  DEPLOYMENT,
  HEAD_SHA,
  OWNER_ID,
  REPO_ID,
  REPOSITORY,
  TENANT_ID
} from '../emulators/constants.js'
import type { OidcRunContext } from '../emulators/github-oidc.js'
import type { World } from '../emulators/world.js'
import { readActionDefaults } from './action-defaults.js'
import { loadEvent, type EventPayload } from './events.js'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const ACTION_ENTRY = join(REPO_ROOT, 'dist', 'index.js')

export interface RunOptions {
  /** Inputs by their action.yml name; `undefined` removes a default (an input left unset). */
  inputs?: Record<string, string | undefined>
  /** Default `pull_request`. */
  eventName?: string
  /** Default: loadEvent(eventName). */
  payload?: EventPayload
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>
  /** False: no ACTIONS_ID_TOKEN_REQUEST_* (a job without `id-token: write`). */
  idToken?: boolean
  timeoutMs?: number
  /** Script to run instead of dist/index.js (the harness's own tests use a stub). */
  entry?: string
  /** Node options before the script (a benchmark's `--import` probe). */
  nodeArgs?: string[]
}

export interface RunResult {
  /** Exit code; null when killed. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
  /** Step outputs from GITHUB_OUTPUT. */
  readonly outputs: Record<string, string>
  /** GITHUB_STEP_SUMMARY content. */
  readonly summary: string
  readonly durationMs: number
}

/** Parent variables that must not leak into the runner-like environment. */
const DROPPED_PREFIXES = [
  'INPUT_',
  'GITHUB_',
  'ACTIONS_',
  'AZURE_',
  'OPENAI_',
  'RUNNER_',
  'IDENTITY_',
  'MSI_',
  'IMDS_'
]
const DROPPED = new Set([
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'CI',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy'
])

function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** The inputs of a correctly configured run against `world`. */
function defaultInputs(world: World): Record<string, string> {
  return {
    'client-id': CLIENT_ID,
    'tenant-id': TENANT_ID,
    endpoint: world.urls.openaiEndpoint,
    deployment: DEPLOYMENT,
    'authority-host': world.urls.authorityHost,
    mode: 'check',
    'github-token': world.githubToken
  }
}

/** GITHUB_REF/GITHUB_SHA as the runner sets them for each trigger. */
function runContext(eventName: string, payload: EventPayload): OidcRunContext {
  const pr = payload.pull_request as
    | {
        number?: number
        merge_commit_sha?: string
        head?: { ref?: string }
        base?: { ref?: string; sha?: string }
      }
    | undefined
  const base = { actor: ACTOR, runId: '9876543210' }
  if (eventName === 'pull_request' && pr) {
    return {
      ...base,
      eventName,
      ref: `refs/pull/${String(pr.number)}/merge`,
      sha: pr.merge_commit_sha ?? HEAD_SHA,
      headRef: pr.head?.ref ?? '',
      baseRef: pr.base?.ref ?? ''
    }
  }
  if (eventName === 'pull_request_target' && pr) {
    return {
      ...base,
      eventName,
      ref: `refs/heads/${pr.base?.ref ?? 'main'}`,
      sha: pr.base?.sha ?? BASE_SHA,
      headRef: pr.head?.ref ?? '',
      baseRef: pr.base?.ref ?? ''
    }
  }
  // Review events run on the merge ref too, without head and base refs.
  if ((eventName === 'pull_request_review_comment' || eventName === 'pull_request_review') && pr) {
    return {
      ...base,
      eventName,
      ref: `refs/pull/${String(pr.number)}/merge`,
      sha: pr.merge_commit_sha ?? HEAD_SHA,
      headRef: '',
      baseRef: ''
    }
  }
  const ref =
    typeof payload.ref === 'string' && payload.ref.startsWith('refs/')
      ? payload.ref
      : 'refs/heads/main'
  return { ...base, eventName, ref, sha: BASE_SHA }
}

export async function runAction(world: World, options: RunOptions = {}): Promise<RunResult> {
  const eventName = options.eventName ?? 'pull_request'
  const payload = options.payload ?? loadEvent(eventName)
  const context = runContext(eventName, payload)
  // The OIDC service mints for the job that asks: same event, ref and sha.
  world.oidc.run = context

  const dir = mkdtempSync(join(tmpdir(), 'kpr-run-'))
  const files = {
    event: join(dir, 'event.json'),
    output: join(dir, 'output'),
    summary: join(dir, 'step_summary'),
    env: join(dir, 'env'),
    path: join(dir, 'path'),
    state: join(dir, 'state')
  }
  writeFileSync(files.event, JSON.stringify(payload))
  for (const file of [files.output, files.summary, files.env, files.path, files.state]) {
    writeFileSync(file, '')
  }

  const env: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (DROPPED.has(name) || DROPPED_PREFIXES.some((p) => name.startsWith(p))) continue
    env[name] = value
  }
  const actionDefaults = readActionDefaults(join(REPO_ROOT, 'action.yml'))
  const inputs: Record<string, string | undefined> = {
    ...actionDefaults,
    ...defaultInputs(world),
    ...options.inputs
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue
    env[inputEnvName(name)] = value.replace(/\$\{\{\s*github\.token\s*\}\}/g, world.githubToken)
  }
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: REPOSITORY.split('/')[0],
    GITHUB_REPOSITORY_ID: String(REPO_ID),
    GITHUB_REPOSITORY_OWNER_ID: String(OWNER_ID),
    GITHUB_API_URL: world.urls.githubApiUrl,
    GITHUB_GRAPHQL_URL: `${world.urls.githubApiUrl}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: context.sha,
    GITHUB_REF: context.ref,
    GITHUB_REF_NAME: context.ref.replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_REF_TYPE: context.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_HEAD_REF: context.headRef ?? '',
    GITHUB_BASE_REF: context.baseRef ?? '',
    GITHUB_RUN_ID: context.runId,
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: context.actor,
    GITHUB_TRIGGERING_ACTOR: context.actor,
    GITHUB_WORKFLOW: 'PR review',
    GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/pr-review.yml@${context.ref}`,
    GITHUB_JOB: 'review',
    GITHUB_ACTION: '__run',
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 2',
    RUNNER_ENVIRONMENT: 'github-hosted',
    NODE_EXTRA_CA_CERTS: world.caFile
  })
  if (options.idToken !== false) {
    env.ACTIONS_ID_TOKEN_REQUEST_URL = world.urls.oidcRequestUrl
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = world.requestToken
  }
  for (const [name, value] of Object.entries(options.env ?? {})) env[name] = value

  const started = Date.now()
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.entry ?? ACTION_ENTRY],
    {
      cwd: dir,
      env: Object.fromEntries(
        Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)
      ),
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs ?? 45_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail)
    child.once('close', (c, s) => {
      done([c, s])
    })
  }).finally(() => {
    clearTimeout(timer)
  })

  return {
    code,
    signal,
    timedOut,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    durationMs: Date.now() - started
  }
}

/** GITHUB_OUTPUT's `name<<DELIMITER … DELIMITER` blocks (and the legacy `name=value` lines). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc?.[1] && heredoc[2]) {
      const delimiter = heredoc[2]
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      outputs[heredoc[1]] = value.join('\n')
      continue
    }
    const simple = /^([^=]+)=(.*)$/.exec(line)
    if (simple?.[1]) outputs[simple[1]] = simple[2] ?? ''
  }
  return outputs
}

export interface Leak {
  /** Where it was found: stdout, stderr, output:<name>, or summary. */
  readonly where: string
  /** The first characters of the secret, enough to tell which one. */
  readonly secretPrefix: string
}

/** Every secret that appears anywhere a workflow log or later step could see it. */
export function findLeaks(result: RunResult, secrets: readonly string[]): Leak[] {
  // `::add-mask::<secret>` is how a secret is registered with the runner, not a leak.
  const visible = (text: string): string =>
    text
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
  const places: [string, string][] = [
    ['stdout', visible(result.stdout)],
    ['stderr', visible(result.stderr)],
    ['summary', result.summary],
    ...Object.entries(result.outputs).map(([name, value]): [string, string] => [
      `output:${name}`,
      value
    ])
  ]
  const leaks: Leak[] = []
  for (const secret of secrets) {
    if (!secret) continue
    for (const [where, text] of places) {
      if (text.includes(secret)) leaks.push({ where, secretPrefix: `${secret.slice(0, 12)}…` })
    }
  }
  return leaks
}

/**
 * From `setup` to a passing `mode: check`, for every trigger. The bundled CLI
 * (dist/cli/index.js) runs `setup --write --set-variables` in a fresh repository, against the
 * GitHub emulator and the fake `az` and `gh` (which refuse what the real parsers refuse). Then,
 * for each workflow it wrote and each trigger in it, the bundled action (dist/index.js) runs
 * with `mode: check` and the inputs that workflow's step would get: its `with:` evaluated, the
 * `${{ vars.… }}` from the variables gh set. The job presents the ID token GitHub would issue
 * for that trigger, ref and environment, to an Entra holding exactly the federated credentials
 * setup created (issuer, subject, audience), in front of an Azure OpenAI resource that grants
 * exactly the role setup assigned.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'
import {
  AZURE_AUDIENCE,
  DEPLOYMENT,
  OWNER,
  OWNER_ID,
  PR_NUMBER,
  REPO,
  REPO_ID,
  REPOSITORY,
  TENANT_ID
} from '../emulators/constants.js'
import { addReviewComment } from '../emulators/github-state.js'
import { defaultRunContext, PULL_REQUEST_EVENTS } from '../emulators/github-oidc.js'
import { startWorld, type World } from '../emulators/world.js'
import { loadEvent, type EventPayload } from '../helpers/events.js'
import { ACCOUNT_ID, FakeCli } from '../helpers/fake-cli.js'
import { findLeaks, runAction, type RunResult } from '../helpers/run-action.js'
import { SETUP_FLAGS } from '../helpers/setup-world.js'

const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/cli/index.js')
const OPENAI_USER = 'Cognitive Services OpenAI User'
const ACTION = 'keyless-pr-review/keyless-pr-review@'

interface Scenario {
  readonly title: string
  readonly flags: readonly string[]
  /** GitHub presents `repo:OWNER@ID/REPO@ID` subjects for the repository. */
  readonly immutable?: boolean
  /** The subject template's claim keys, customized by the repository or its organization. */
  readonly template?: {
    readonly keys: readonly string[]
    readonly by: 'repository' | 'organization'
  }
}

interface Step {
  readonly uses?: string
  readonly with?: Record<string, unknown>
}

interface Workflow {
  readonly file: string
  readonly name: string
  readonly triggers: readonly string[]
  readonly jobId: string
  readonly environment: string | undefined
  readonly idToken: boolean
  readonly with: Readonly<Record<string, unknown>>
}

/** One repository after setup: the world it ran against and the workflows it wrote. */
interface SetUp {
  readonly world: World
  readonly dir: string
  readonly workflows: readonly Workflow[]
  readonly scenario: Scenario
}

let fake: FakeCli
const opened: { world: World; dir: string }[] = []

beforeAll(async () => {
  fake = await FakeCli.install()
})

afterEach(async () => {
  for (const { world, dir } of opened.splice(0)) {
    await world.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

afterAll(() => fake.uninstall())

/** GitHub as the scenario has it, setup run by the CLI bundle, Entra and Azure as it left them. */
async function setUp(scenario: Scenario): Promise<SetUp> {
  const world = await startWorld()
  const dir = mkdtempSync(join(tmpdir(), 'setup-check-'))
  opened.push({ world, dir })
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir })
  fake.reset()
  const [account] = fake.azure.accounts
  if (account) account.endpoint = world.urls.openaiEndpoint
  const oidc = world.github.state.oidcSubject
  oidc.immutable = scenario.immutable ?? false
  if (scenario.template?.by === 'repository') {
    Object.assign(oidc, { useDefault: false, includeClaimKeys: [...scenario.template.keys] })
  } else if (scenario.template) {
    Object.assign(oidc, { useDefault: false, includeClaimKeys: undefined })
    world.github.state.orgClaimKeys = [...scenario.template.keys]
  }

  const result = await setupCli(world, dir, [
    ...SETUP_FLAGS,
    '--write',
    '--set-variables',
    ...scenario.flags
  ])
  expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
    code: 0,
    stderr: ''
  })
  expect(`${result.stdout}${result.stderr}`).not.toContain(world.githubToken)
  trustWhatSetupMade(world)
  return { world, dir, workflows: readWorkflows(dir), scenario }
}

function setupCli(
  world: World,
  cwd: string,
  args: readonly string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'setup', ...args], {
      cwd,
      env: {
        PATH: [fake.dir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
        HOME: cwd,
        NODE_EXTRA_CA_CERTS: world.caFile,
        GITHUB_TOKEN: world.githubToken,
        GITHUB_API_URL: world.urls.githubApiUrl
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/**
 * Entra's tenant holds, for each identity setup made in the fake Azure, exactly its federated
 * credentials; the resource grants the OpenAI role to exactly the principals setup assigned it
 * to, there or above.
 */
function trustWhatSetupMade(world: World): void {
  const { azure } = fake
  const tenant = world.entra.tenant(TENANT_ID)
  if (!tenant) throw new Error('the world has no tenant')
  tenant.apps = [
    ...azure.identities.map((i) => ({
      clientId: i.clientId,
      principalId: i.principalId,
      displayName: i.name,
      federatedCredentials: i.credentials.map((c) => ({ ...c, audiences: [...c.audiences] }))
    })),
    ...azure.apps.map((a) => ({
      clientId: a.appId,
      principalId: azure.servicePrincipals.find((s) => s.appId === a.appId)?.id ?? '',
      displayName: a.displayName,
      federatedCredentials: a.credentials.map((c) => ({ ...c, audiences: [...c.audiences] }))
    }))
  ].map((app) => ({ ...app, propagationFailures: 0 }))
  world.openai.config.roleAssignments = azure.roleAssignments
    .filter((r) => r.roleDefinitionName === OPENAI_USER)
    .filter((r) => ACCOUNT_ID === r.scope || ACCOUNT_ID.startsWith(`${r.scope}/`))
    .map((r) => r.principalId)
}

function readWorkflows(dir: string): Workflow[] {
  const folder = join(dir, '.github/workflows')
  return readdirSync(folder)
    .sort()
    .map((file) => {
      const parsed = load(readFileSync(join(folder, file), 'utf8')) as {
        name: string
        on: Record<string, unknown>
        jobs: Record<
          string,
          { environment?: string; permissions?: Record<string, string>; steps: Step[] }
        >
      }
      const [[jobId, job] = []] = Object.entries(parsed.jobs)
      const step = job?.steps.find((s) => s.uses?.startsWith(ACTION))
      if (!jobId || !job || !step) throw new Error(`${file} has no job running the action`)
      return {
        file,
        name: parsed.name,
        triggers: Object.keys(parsed.on),
        jobId,
        environment: job.environment,
        idToken: job.permissions?.['id-token'] === 'write',
        with: step.with ?? {}
      }
    })
}

/**
 * The step's inputs as the runner passes them: `${{ vars.X }}` from the repository's variables
 * (an unset one is empty, as on GitHub), `${{ inputs.X }}` from the manual run's inputs.
 */
function evaluate(
  values: Readonly<Record<string, unknown>>,
  inputs: Readonly<Record<string, string>>
): Record<string, string> {
  const vars = fake.gh.of(REPOSITORY)
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const text = String(value).replace(
        /\$\{\{\s*(vars|inputs)\.([\w-]+)\s*\}\}/g,
        (_, scope: string, key: string) => (scope === 'vars' ? vars.get(key) : inputs[key]) ?? ''
      )
      if (text.includes('${{')) throw new Error(`the harness cannot evaluate ${name}: ${text}`)
      return [name, text]
    })
  )
}

/** The manual workflow's run: on pull request 7, in check mode. */
const DISPATCH_INPUTS = { 'pr-number': String(PR_NUMBER), mode: 'check' }

/** An event of `trigger` that the workflow's job runs for (a command, a person's reply). */
function event(world: World, trigger: string): EventPayload {
  const repo = world.github.state
  if (trigger === 'issue_comment')
    return loadEvent(trigger, 'created', { repo, commentBody: '/review' })
  if (trigger === 'workflow_dispatch')
    return loadEvent(trigger, undefined, { repo, inputs: DISPATCH_INPUTS })
  if (trigger === 'pull_request_review_comment') {
    const reviewComment = addReviewComment(repo, {
      pullNumber: PR_NUMBER,
      user: { login: 'writer-wes', type: 'User' },
      body: 'Why throw here rather than return a default?',
      path: 'src/config.ts',
      line: 6
    })
    return loadEvent(trigger, 'created', { repo, reviewComment })
  }
  return loadEvent(trigger, 'opened', { repo })
}

/**
 * A customized subject, by GitHub's rule: `key:value` for each claim key in order, `repo` and
 * `context` as in the default subject, a `:` inside a value as `%3A`.
 */
function customizedSubject(
  keys: readonly string[],
  claims: Record<string, unknown>,
  immutable: boolean
): string {
  const repo = immutable ? `${OWNER}@${OWNER_ID}/${REPO}@${REPO_ID}` : `${OWNER}/${REPO}`
  const value = (key: string) => {
    const claim = claims[key]
    if (typeof claim !== 'string') throw new Error(`the token has no ${key} claim`)
    return claim.replaceAll(':', '%3A')
  }
  return keys
    .map((key) => {
      if (key === 'repo') return `repo:${repo}`
      if (key !== 'context') return `${key}:${value(key)}`
      if (typeof claims['environment'] === 'string') return `environment:${value('environment')}`
      return PULL_REQUEST_EVENTS.has(String(claims['event_name']))
        ? 'pull_request'
        : `ref:${String(claims['ref'])}`
    })
    .join(':')
}

interface Check {
  readonly workflow: string
  readonly trigger: string
  readonly result: RunResult
  /** The `sub` of the ID token the job presented. */
  readonly subject: unknown
}

/** The workflow's job on `trigger`, in check mode, as GitHub would run it. */
async function check(setUp: SetUp, workflow: Workflow, trigger: string): Promise<Check> {
  const { world, scenario } = setUp
  const oidc = world.oidc
  oidc.config.environment = workflow.environment
  oidc.config.immutableSubject = scenario.immutable ?? false
  oidc.config.workflowPath = `.github/workflows/${workflow.file}`
  oidc.config.extraClaims = { workflow: workflow.name }
  // The default subject is the emulator's own; a customized one is built from the claims.
  oidc.run = defaultRunContext(trigger)
  const claims = oidc.claims(AZURE_AUDIENCE) as Record<string, unknown>
  oidc.config.subject = scenario.template
    ? customizedSubject(scenario.template.keys, claims, scenario.immutable ?? false)
    : undefined
  const issued = oidc.issued.length
  const inputs = evaluate(workflow.with, DISPATCH_INPUTS)
  const result = await runAction(world, {
    eventName: trigger,
    payload: event(world, trigger),
    idToken: workflow.idToken,
    inputs: {
      'client-id': undefined,
      'tenant-id': undefined,
      endpoint: undefined,
      deployment: undefined,
      mode: 'check',
      ...inputs,
      'authority-host': world.urls.authorityHost
    },
    env: {
      GITHUB_WORKFLOW: workflow.name,
      GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/${workflow.file}@${String(claims['ref'])}`,
      GITHUB_JOB: workflow.jobId
    }
  })
  expect(findLeaks(result, world.secrets())).toEqual([])
  const token = oidc.issued[issued]?.claims
  // The run's token is the one the subject was built for.
  expect(token?.ref).toBe(claims['ref'])
  return { workflow: workflow.file, trigger, result, subject: token?.sub }
}

async function checkEvery(setUp: SetUp): Promise<Check[]> {
  const checks: Check[] = []
  for (const workflow of setUp.workflows) {
    for (const trigger of workflow.triggers) checks.push(await check(setUp, workflow, trigger))
  }
  return checks
}

const log = (r: RunResult): string => `${r.stdout}${r.stderr}`

const SCENARIOS: readonly Scenario[] = [
  { title: 'classic subjects and the default triggers', flags: [] },
  {
    title: 'pull_request_target for forks',
    flags: ['--triggers', 'pull_request_target,issue_comment']
  },
  { title: 'immutable repo:OWNER@ID/REPO@ID subjects', flags: [], immutable: true },
  {
    title: "the repository's customized template",
    flags: [],
    template: {
      keys: ['repository_owner_id', 'repository_id', 'context', 'workflow'],
      by: 'repository'
    }
  },
  {
    title: "the organization's template with job_workflow_ref, immutable",
    flags: ['--triggers', 'issue_comment,workflow_dispatch'],
    immutable: true,
    template: { keys: ['repo', 'context', 'job_workflow_ref'], by: 'organization' }
  },
  { title: 'one environment for every job', flags: ['--environment', 'pr-review'] },
  { title: 'an app registration (--app)', flags: ['--app'] }
]

/** The triggers a scenario's flags ask for, as `setup --help` lists the default. */
function triggersOf(scenario: Scenario): string[] {
  const at = scenario.flags.indexOf('--triggers')
  return at === -1
    ? ['pull_request', 'issue_comment', 'workflow_dispatch', 'pull_request_review_comment']
    : (scenario.flags[at + 1] ?? '').split(',')
}

describe('setup, then mode: check for every trigger of every workflow it wrote', () => {
  it.each(SCENARIOS)(
    '$title',
    async (scenario) => {
      const done = await setUp(scenario)
      const checks = await checkEvery(done)
      expect(checks.map((c) => c.trigger).sort()).toEqual(triggersOf(scenario).sort())
      const principals = done.world.openai.config.roleAssignments
      for (const { workflow, trigger, result, subject } of checks) {
        const outcome = { workflow, trigger, subject, code: result.code }
        expect(result.code === 0 ? outcome : { ...outcome, log: log(result) }).toEqual({
          ...outcome,
          code: 0
        })
        expect(log(result)).toContain(
          `✅ Entra access token: principal (oid)=${principals[0] ?? '?'}`
        )
        expect(log(result)).toContain(`✅ Azure OpenAI deployment '${DEPLOYMENT}'`)
      }
      // Every check presented a subject setup registered, and setup registered no other.
      const registered = done.world.entra
        .tenant(TENANT_ID)
        ?.apps.flatMap((a) => a.federatedCredentials.map((c) => c.subject))
      expect([...new Set(checks.map((c) => c.subject))].sort()).toEqual(registered?.sort())
    },
    240_000
  )
})

describe('the harness fails what setup did not make', () => {
  it("fails a trigger's check with the AADSTS700213 diagnosis naming its subject, once its credential is gone", async () => {
    const done = await setUp(SCENARIOS[0] as Scenario)
    const subject = `repo:${OWNER}/${REPO}:ref:refs/heads/main`
    const [app] = done.world.entra.tenant(TENANT_ID)?.apps ?? []
    if (!app) throw new Error('setup made no identity')
    app.federatedCredentials = app.federatedCredentials.filter((c) => c.subject !== subject)
    const commands = done.workflows.find((w) => w.triggers.includes('issue_comment'))
    if (!commands) throw new Error('no workflow for issue_comment')

    const { result } = await check(done, commands, 'issue_comment')
    expect(result.code).toBe(1)
    expect(done.world.entra.requests.at(-1)?.errorCode).toBe(700213)
    expect(log(result)).toContain('AADSTS700213')
    expect(log(result)).toContain(subject)
    expect(done.world.openai.requests).toEqual([])
  }, 120_000)

  it("fails a written workflow's check once its client id is changed", async () => {
    const done = await setUp(SCENARIOS[0] as Scenario)
    const file = join(done.dir, '.github/workflows/pr-review.yml')
    const written = readFileSync(file, 'utf8')
    const changed = written.replace(
      /client-id: .*/,
      'client-id: 6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8'
    )
    expect(changed).not.toBe(written)
    writeFileSync(file, changed)
    const review = readWorkflows(done.dir).find((w) => w.file === 'pr-review.yml')
    if (!review) throw new Error('no pr-review.yml')

    const { result } = await check(done, review, 'pull_request')
    expect(result.code).toBe(1)
    expect(done.world.entra.requests.at(-1)?.errorCode).toBe(700016)
    expect(log(result)).toContain('6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8')
    expect(done.world.openai.requests).toEqual([])
  }, 120_000)
})

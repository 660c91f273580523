/**
 * `keyless-pr-review setup` end to end, in this process: GitHub is the REST emulator, `az` and
 * `gh` are the fakes of helpers/fake-cli.ts, whose log holds every command exactly as spawned.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { load } from 'js-yaml'
import { commandLine } from '../../src/cli/setup/commands.js'
import { NOTHING_CHANGED } from '../../src/cli/setup/report.js'
import type { Terminal } from '../../src/cli/terminal.js'
import {
  AZURE_AUDIENCE,
  DEPLOYMENT,
  GITHUB_ISSUER,
  OWNER,
  OWNER_ID,
  REPO,
  REPO_ID,
  TENANT_ID
} from '../emulators/constants.js'
import type { World } from '../emulators/world.js'
import { actionlint } from '../helpers/actionlint.js'
import { ACCOUNT_ID, ENDPOINT, FakeCli, LOCATION, RESOURCE_GROUP } from '../helpers/fake-cli.js'
import {
  CHANGES,
  IDENTITY,
  SETUP_FLAGS,
  startSetupWorld,
  type RunSetup,
  type SetupWorld
} from '../helpers/setup-world.js'

const ROLE = 'Cognitive Services OpenAI User'

let world: World
let fake: FakeCli
let runSetup: RunSetup
let setupWorld: SetupWorld

beforeAll(async () => {
  setupWorld = await startSetupWorld()
  ;({ world, fake, runSetup } = setupWorld)
})

afterAll(() => setupWorld.close())

beforeEach(() => {
  world.github.reset()
  fake.reset()
})

interface Run {
  readonly output: string
  readonly said: string[]
}

async function setup(...flags: string[]): Promise<Run> {
  const results: string[] = []
  const said: string[] = []
  const terminal: Terminal = {
    result: (markdown) => results.push(markdown),
    say: (line) => said.push(line),
    close: () => undefined
  }
  await runSetup([...SETUP_FLAGS, ...flags], terminal)
  return { output: results.join('\n'), said }
}

/** The changes the fakes received, as command lines. */
function executedChanges(): string[] {
  return [
    ...fake.calls('az').map((a) => commandLine('az', a)),
    ...fake.calls('gh').map((a) => commandLine('gh', a))
  ].filter((line) => CHANGES.test(line.replace(/^(az|gh) /, '')))
}

function mutatingCalls(): string[][] {
  return [...fake.calls('az'), ...fake.calls('gh')].filter((a) => CHANGES.test(a.join(' ')))
}

const miCredential = (name: string, subject: string): string[] => [
  'identity',
  'federated-credential',
  'create',
  '--name',
  name,
  '--identity-name',
  IDENTITY,
  '--resource-group',
  RESOURCE_GROUP,
  '--issuer',
  GITHUB_ISSUER,
  '--subject',
  subject,
  '--audiences',
  AZURE_AUDIENCE,
  '-o',
  'json'
]

const created = () => {
  const identity = fake.azure.identities[0]
  if (!identity) throw new Error('no identity was created')
  return identity
}

const roleCreate = (principal: string): string[] => [
  'role',
  'assignment',
  'create',
  '--assignee-object-id',
  principal,
  '--assignee-principal-type',
  'ServicePrincipal',
  '--role',
  ROLE,
  '--scope',
  ACCOUNT_ID,
  '-o',
  'json'
]

describe('setup: what it creates for each trigger set and subject format', () => {
  it('creates a managed identity, one credential per distinct classic subject and the role, for the default triggers', async () => {
    await setup()
    const identity = created()
    expect(fake.calls('az')).toEqual([
      ['account', 'show', '-o', 'json'],
      [
        'cognitiveservices',
        'account',
        'show',
        '--name',
        'my-openai',
        '--resource-group',
        RESOURCE_GROUP,
        '-o',
        'json'
      ],
      [
        'cognitiveservices',
        'account',
        'deployment',
        'show',
        '--name',
        'my-openai',
        '--resource-group',
        RESOURCE_GROUP,
        '--deployment-name',
        DEPLOYMENT,
        '-o',
        'json'
      ],
      ['identity', 'show', '--name', IDENTITY, '--resource-group', RESOURCE_GROUP, '-o', 'json'],
      [
        'identity',
        'create',
        '--name',
        IDENTITY,
        '--resource-group',
        RESOURCE_GROUP,
        '--location',
        LOCATION,
        '-o',
        'json'
      ],
      miCredential(`github-${OWNER}-${REPO}-pull_request`, `repo:${OWNER}/${REPO}:pull_request`),
      miCredential(
        `github-${OWNER}-${REPO}-ref-refs-heads-main`,
        `repo:${OWNER}/${REPO}:ref:refs/heads/main`
      ),
      roleCreate(identity.principalId)
    ])
    expect(fake.calls('gh')).toEqual([])
    expect(fake.azure.roleAssignments).toEqual([
      { principalId: identity.principalId, scope: ACCOUNT_ID, roleDefinitionName: ROLE }
    ])
  })

  it('takes the resource id as --resource, and shows the resource by its name and group', async () => {
    await setup('--resource', ACCOUNT_ID, '--triggers', 'pull_request')
    expect(fake.calls('az')[1]).toEqual([
      'cognitiveservices',
      'account',
      'show',
      '--name',
      'my-openai',
      '--resource-group',
      RESOURCE_GROUP,
      '-o',
      'json'
    ])
    expect(fake.azure.roleAssignments).toEqual([
      { principalId: created().principalId, scope: ACCOUNT_ID, roleDefinitionName: ROLE }
    ])
  })

  it('reads the subject format and template through the GitHub API', async () => {
    await setup()
    expect(world.github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}`,
      `GET /repos/${OWNER}/${REPO}/actions/oidc/customization/sub`
    ])
    expect(world.github.mutations).toEqual([])
  })

  it('uses the immutable repo:OWNER@ID/REPO@ID prefix GitHub reports, even with use_immutable_subject false', async () => {
    world.github.state.oidcSubject.immutable = true
    const { output } = await setup('--triggers', 'pull_request,workflow_dispatch')
    const repo = `${OWNER}@${OWNER_ID}/${REPO}@${REPO_ID}`
    expect(mutatingCalls().slice(1, 3)).toEqual([
      miCredential(
        `github-${OWNER}-${OWNER_ID}-${REPO}-${REPO_ID}-pull_request`,
        `repo:${repo}:pull_request`
      ),
      miCredential(
        `github-${OWNER}-${OWNER_ID}-${REPO}-${REPO_ID}-ref-refs-heads-main`,
        `repo:${repo}:ref:refs/heads/main`
      )
    ])
    expect(output).toContain(`immutable \`repo:${repo}\``)
  })

  it('builds the immutable form from the ids when GitHub reports only use_immutable_subject: true', async () => {
    Object.assign(world.github.state.oidcSubject, {
      useImmutableSubject: true,
      reportPrefix: false
    })
    await setup('--triggers', 'pull_request')
    expect(mutatingCalls()[1]).toEqual(
      miCredential(
        `github-${OWNER}-${OWNER_ID}-${REPO}-${REPO_ID}-pull_request`,
        `repo:${OWNER}@${OWNER_ID}/${REPO}@${REPO_ID}:pull_request`
      )
    )
  })

  it('with --environment, one credential covers every trigger and each job names the environment', async () => {
    const { output } = await setup('--environment', 'pr-review')
    const subject = `repo:${OWNER}/${REPO}:environment:pr-review`
    expect(mutatingCalls()).toEqual([
      [
        'identity',
        'create',
        '--name',
        IDENTITY,
        '--resource-group',
        RESOURCE_GROUP,
        '--location',
        LOCATION,
        '-o',
        'json'
      ],
      miCredential(`github-${OWNER}-${REPO}-environment-pr-review`, subject),
      roleCreate(created().principalId)
    ])
    expect(output.match(/ {4}environment: 'pr-review'\n/g)).toHaveLength(4)
  })

  it('refuses an --environment holding ${{ before asking GitHub or Azure anything', async () => {
    await expect(setup('--environment', 'review-${{ github.actor }}')).rejects.toMatchObject({
      message: expect.stringContaining('which GitHub Actions would evaluate as an expression'),
      fix: '--environment pr-review   (a name without "${{")'
    })
    expect([...fake.calls('az'), ...fake.calls('gh')]).toEqual([])
    expect(world.github.requests).toEqual([])
  })

  it('takes the default branch from GitHub for comment commands and manual runs', async () => {
    world.github.state.defaultBranch = 'trunk'
    await setup('--triggers', 'issue_comment,workflow_dispatch')
    expect(mutatingCalls()[1]).toEqual(
      miCredential(
        `github-${OWNER}-${REPO}-ref-refs-heads-trunk`,
        `repo:${OWNER}/${REPO}:ref:refs/heads/trunk`
      )
    )
    expect(mutatingCalls()).toHaveLength(3)
  })

  it("builds subjects from the repository's own template, and reports the triggers whose claims vary per run", async () => {
    Object.assign(world.github.state.oidcSubject, {
      useDefault: false,
      includeClaimKeys: ['repository_owner', 'repository', 'job_workflow_ref']
    })
    const { output } = await setup()
    const subject = (file: string) =>
      `repository_owner:${OWNER}:repository:${OWNER}/${REPO}:job_workflow_ref:${OWNER}/${REPO}/.github/workflows/${file}@refs/heads/main`
    expect(mutatingCalls().slice(1, -1)).toEqual([
      miCredential(
        // Past Entra's 120 characters: cut, and told apart by a hash of the subject.
        `github-repository_owner-${OWNER}-repository-${OWNER}-${REPO}-job_workflow_ref-${OWNER}-${REPO}-github-workf-0f0d5858`,
        subject('pr-review-commands.yml')
      ),
      miCredential(
        `github-repository_owner-${OWNER}-repository-${OWNER}-${REPO}-job_workflow_ref-${OWNER}-${REPO}-github-workf-c5568379`,
        subject('pr-review-manual.yml')
      )
    ])
    expect(output).toContain(
      'customized by the repository: `repository_owner`, `repository`, `job_workflow_ref`'
    )
    expect(output).toContain(
      '| pull_request | pr-review.yml | not known before a run (`job_workflow_ref`) | none: see below |'
    )
    expect(output).toContain('Run each of these workflows once with `mode: check`')
    expect(world.github.requests.some((r) => r.path.startsWith('/orgs/'))).toBe(false)
  })

  it("follows the organization's template when the repository opted in with use_default: false", async () => {
    Object.assign(world.github.state.oidcSubject, {
      useDefault: false,
      includeClaimKeys: undefined,
      immutable: true
    })
    world.github.state.orgClaimKeys = ['repo', 'context', 'job_workflow_ref']
    const { output } = await setup('--triggers', 'issue_comment')
    expect(world.github.requests.map((r) => r.path)).toContain(
      `/orgs/${OWNER}/actions/oidc/customization/sub`
    )
    const subject = `repo:${OWNER}@${OWNER_ID}/${REPO}@${REPO_ID}:ref:refs/heads/main:job_workflow_ref:${OWNER}/${REPO}/.github/workflows/pr-review-commands.yml@refs/heads/main`
    expect(mutatingCalls()[1]).toContain(subject)
    expect(output).toContain(
      'customized by the organization: `repo`, `context`, `job_workflow_ref`'
    )
  })

  it("ignores organizations for a user's repository and uses GitHub's default", async () => {
    Object.assign(world.github.state.oidcSubject, {
      useDefault: false,
      includeClaimKeys: undefined
    })
    world.github.state.ownerType = 'User'
    await setup('--triggers', 'pull_request')
    expect(world.github.requests.some((r) => r.path.startsWith('/orgs/'))).toBe(false)
    expect(mutatingCalls()[1]).toContain(`repo:${OWNER}/${REPO}:pull_request`)
  })

  it('with --app, creates an app registration, its service principal and credentials on the app', async () => {
    await setup('--app', '--triggers', 'pull_request')
    const app = fake.azure.apps[0]
    const sp = fake.azure.servicePrincipals[0]
    expect(app && sp).toBeTruthy()
    const parameters = JSON.stringify({
      name: `github-${OWNER}-${REPO}-pull_request`,
      issuer: GITHUB_ISSUER,
      subject: `repo:${OWNER}/${REPO}:pull_request`,
      audiences: [AZURE_AUDIENCE]
    })
    expect(fake.calls('az').slice(3)).toEqual([
      ['ad', 'app', 'list', '--display-name', IDENTITY, '-o', 'json'],
      ['ad', 'app', 'create', '--display-name', IDENTITY, '-o', 'json'],
      ['ad', 'sp', 'create', '--id', app?.appId ?? '', '-o', 'json'],
      [
        'ad',
        'app',
        'federated-credential',
        'create',
        '--id',
        app?.appId ?? '',
        '--parameters',
        parameters,
        '-o',
        'json'
      ],
      roleCreate(sp?.id ?? '')
    ])
    expect(fake.azure.identities).toEqual([])
  })
})

describe('setup: idempotence', () => {
  it.each([[[] as string[]], [['--app']], [['--environment', 'pr-review', '--set-variables']]])(
    'a second run with %j runs no create and says nothing changed',
    async (flags) => {
      await setup(...flags)
      const first = mutatingCalls().length
      expect(first).toBeGreaterThan(0)
      const { output } = await setup(...flags)
      expect(mutatingCalls()).toHaveLength(first)
      expect(output).toContain(NOTHING_CHANGED)
      expect(output).toContain('### Commands run\n\nNone: nothing was missing.')
      expect(output).not.toContain('created now')
    }
  )

  it('adds only what is missing: a role assignment removed since the last run', async () => {
    await setup()
    fake.azure.roleAssignments = []
    const before = mutatingCalls().length
    const { output } = await setup()
    expect(mutatingCalls().slice(before)).toEqual([roleCreate(created().principalId)])
    expect(output).toContain('Done: 1 change made.')
  })

  it('counts a role inherited from the resource group', async () => {
    await setup()
    const principal = created().principalId
    fake.azure.roleAssignments = [
      {
        principalId: principal,
        scope: `/subscriptions/${ACCOUNT_ID.split('/')[2] ?? ''}/resourceGroups/${RESOURCE_GROUP}`,
        roleDefinitionName: ROLE
      }
    ]
    const before = mutatingCalls().length
    await setup()
    expect(mutatingCalls()).toHaveLength(before)
  })
})

describe('setup --dry-run', () => {
  const printed = (output: string): string[] => {
    const block = /### Commands a run would execute\n\n```bash\n([\s\S]*?)\n```/.exec(output)?.[1]
    return block ? block.split('\n') : []
  }

  it.each([[[] as string[]], [['--app']], [['--set-variables', '--environment', 'pr-review']]])(
    'with %j runs only reads, and prints exactly the commands a real run then executes',
    async (flags) => {
      const dry = await setup('--dry-run', ...flags)
      expect(mutatingCalls()).toEqual([])
      expect(fake.azure.identities).toEqual([])
      expect(fake.azure.apps).toEqual([])
      expect(fake.gh.variables.get(`${OWNER}/${REPO}`)?.size ?? 0).toBe(0)
      expect(dry.output).toContain('**Dry run**: nothing was changed.')
      const plan = printed(dry.output)
      expect(plan.length).toBeGreaterThan(2)

      await setup(...flags)
      const identity = fake.azure.identities[0]
      const app = fake.azure.apps[0]
      const ids: [string, string][] = [
        // Printed quoted (they are no shell words); the real ids need no quotes.
        ["'<client-id>'", identity?.clientId ?? app?.appId ?? ''],
        ["'<app-id>'", app?.appId ?? ''],
        ["'<principal-id>'", identity?.principalId ?? fake.azure.servicePrincipals[0]?.id ?? '']
      ]
      const resolved = plan.map((line) =>
        ids.reduce((l, [placeholder, id]) => l.split(placeholder).join(id), line)
      )
      expect(resolved).toEqual(executedChanges())
    }
  )

  it('with the identity in place, prints the real ids and only what is missing', async () => {
    await setup()
    fake.azure.roleAssignments = []
    const before = fake.calls().length
    const dry = await setup('--dry-run')
    expect(
      fake
        .calls()
        .slice(before)
        .filter((a) => CHANGES.test(a.join(' ')))
    ).toEqual([])
    expect(printed(dry.output)).toEqual([commandLine('az', roleCreate(created().principalId))])
    expect(dry.said).toContain(`would run: ${commandLine('az', roleCreate(created().principalId))}`)
  })
})

describe('setup --write', () => {
  let dir: string
  const cwd = process.cwd()

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'setup-write-'))
    process.chdir(dir)
  })

  afterEach(() => {
    process.chdir(cwd)
    rmSync(dir, { recursive: true, force: true })
  })

  const FILES = [
    'pr-review.yml',
    'pr-review-commands.yml',
    'pr-review-manual.yml',
    'pr-review-threads.yml'
  ]
  const read = (file: string) => readFileSync(join(dir, '.github/workflows', file), 'utf8')

  it('writes one workflow per trigger: valid YAML that actionlint passes, least privilege, one run per pull request, the ids filled in', async () => {
    const { output } = await setup('--write')
    const identity = created()
    for (const file of FILES) {
      const workflow = load(read(file)) as {
        permissions: unknown
        jobs: Record<
          string,
          {
            permissions: unknown
            concurrency: unknown
            steps: { uses: string; with: Record<string, string> }[]
          }
        >
      }
      expect(workflow.permissions).toEqual({})
      const [job] = Object.values(workflow.jobs)
      expect(job?.permissions).toEqual({
        'id-token': 'write',
        contents: 'read',
        'pull-requests': 'write'
      })
      // The same group, pr-review-<number>, in every workflow: a push, a command and an answer
      // take turns. Only the manual workflow has inputs to read the number from.
      expect(job?.concurrency).toEqual({
        group:
          file === 'pr-review-manual.yml'
            ? 'pr-review-${{ inputs.pr-number }}'
            : 'pr-review-${{ github.event.pull_request.number || github.event.issue.number }}',
        'cancel-in-progress': false
      })
      expect(await actionlint(read(file), file)).toEqual([])
      expect(job?.steps[0]?.with).toMatchObject({
        'client-id': identity.clientId,
        'tenant-id': TENANT_ID,
        endpoint: ENDPOINT,
        deployment: DEPLOYMENT
      })
      expect(output).toContain(`- \`.github/workflows/${file}\`: written`)
    }
    expect(read('pr-review.yml')).toContain(`#   repo:${OWNER}/${REPO}:pull_request\n`)
    expect((load(read('pr-review.yml')) as { on: unknown }).on).toEqual({
      pull_request: { types: ['opened', 'reopened', 'ready_for_review', 'synchronize'] }
    })
  })

  it('leaves identical files alone on a second run', async () => {
    await setup('--write')
    const { output } = await setup('--write')
    expect(output).toContain(NOTHING_CHANGED)
    for (const file of FILES)
      expect(output).toContain(`- \`.github/workflows/${file}\`: unchanged (already identical)`)
  })

  it('refuses to overwrite a workflow that differs, and writes none of them', async () => {
    mkdirSync(join(dir, '.github/workflows'), { recursive: true })
    writeFileSync(join(dir, '.github/workflows/pr-review.yml'), 'name: mine\n')
    await expect(setup('--write')).rejects.toMatchObject({
      message: expect.stringContaining(
        '.github/workflows/pr-review.yml already exists and differs'
      ),
      fix: expect.stringContaining(
        'mv .github/workflows/pr-review.yml .github/workflows/pr-review.yml.old'
      )
    })
    expect(read('pr-review.yml')).toBe('name: mine\n')
    expect(() => read('pr-review-commands.yml')).toThrow()
  })

  it('in a dry run writes nothing and says what it would write', async () => {
    const { output } = await setup('--write', '--dry-run')
    expect(() => read('pr-review.yml')).toThrow()
    expect(output).toContain('- `.github/workflows/pr-review.yml`: to be written')
  })
})

describe('setup --set-variables', () => {
  it('sets the four repository variables with gh and reads them in the workflows', async () => {
    const { output } = await setup('--set-variables', '--triggers', 'pull_request')
    const repository = `${OWNER}/${REPO}`
    const clientId = created().clientId
    expect(fake.calls('gh')).toEqual([
      ['variable', 'list', '--repo', repository, '--json', 'name,value'],
      ['variable', 'set', 'AZURE_CLIENT_ID', '--body', clientId, '--repo', repository],
      ['variable', 'set', 'AZURE_TENANT_ID', '--body', TENANT_ID, '--repo', repository],
      ['variable', 'set', 'AZURE_OPENAI_ENDPOINT', '--body', ENDPOINT, '--repo', repository],
      ['variable', 'set', 'AZURE_OPENAI_DEPLOYMENT', '--body', DEPLOYMENT, '--repo', repository]
    ])
    expect(output).toContain('client-id: ${{ vars.AZURE_CLIENT_ID }}')
    expect(output).toContain('deployment: ${{ vars.AZURE_OPENAI_DEPLOYMENT }}')
    expect(output).not.toContain(`client-id: ${clientId}`)
  })

  it('sets only the variable that differs', async () => {
    await setup('--set-variables')
    fake.gh.of(`${OWNER}/${REPO}`).set('AZURE_OPENAI_DEPLOYMENT', 'old-deployment')
    const before = fake.calls('gh').length
    await setup('--set-variables')
    expect(fake.calls('gh').slice(before)).toEqual([
      ['variable', 'list', '--repo', `${OWNER}/${REPO}`, '--json', 'name,value'],
      [
        'variable',
        'set',
        'AZURE_OPENAI_DEPLOYMENT',
        '--body',
        DEPLOYMENT,
        '--repo',
        `${OWNER}/${REPO}`
      ]
    ])
  })
})

/**
 * The Azure CLI's sign-in, diagnosed from the real library's errors: the chain's credential
 * runs the real AzureCliCredential, which runs a fake `az` on PATH answering as azure-cli does
 * (its stderr and exit code), or finds no `az` at all. Each failure is explained as the command
 * line prints it and as a workflow with `auth: azure-cli` does.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newIdentityTrace } from '../../src/chain/claims.js'
import { createCredential, GitHubAssertions } from '../../src/chain/credential.js'
import {
  CLI_EVENT,
  explain,
  type DiagnosisContext,
  type RunFacts
} from '../../src/diagnosis/diagnose.js'
import type { AzureConfig } from '../../src/settings.js'
import { testConfig } from '../helpers/config.js'
import { fact } from '../helpers/diagnosis.js'
import { FakeCli } from '../helpers/fake-cli.js'
import {
  ASSERTION_EXPIRED,
  AZURE_OPENAI_SCOPE as SCOPE,
  REFRESH_TOKEN_EXPIRED
} from './azure-cli-messages.js'
import { explainFilled } from './filled.js'

const DOCS = 'https://github.com/o/keyless-pr-review/blob/v1/docs/troubleshooting.md'
const TENANT_ID = 'f0e1d2c3-aaaa-4bbb-8ccc-dddddddddddd'
const INSTALL = 'https://learn.microsoft.com/cli/azure/install-azure-cli'

let fake: FakeCli

beforeAll(async () => {
  fake = await FakeCli.install()
})

afterAll(async () => {
  await fake.uninstall()
})

beforeEach(() => {
  fake.reset()
})

const azure = (tenantId?: string): AzureConfig => ({
  ...testConfig().azure,
  auth: 'azure-cli',
  clientId: undefined,
  tenantId
})

/** What the chain's credential throws when the Azure CLI cannot give a token. */
async function refusal(config: AzureConfig, path?: string): Promise<unknown> {
  const trace = newIdentityTrace()
  const credential = createCredential(config, {
    trace,
    assertions: new GitHubAssertions(config.audience, trace)
  })
  const saved = process.env['PATH']
  if (path !== undefined) process.env['PATH'] = path
  try {
    await credential.getToken(config.scope)
  } catch (error) {
    return error
  } finally {
    process.env['PATH'] = saved
  }
  throw new Error('expected the Azure CLI to fail')
}

function facts(config: AzureConfig, where: 'cli' | 'workflow'): RunFacts {
  return {
    azure: config,
    model: testConfig().model,
    trace: newIdentityTrace(),
    eventName: where === 'cli' ? CLI_EVENT : 'pull_request',
    repository: 'octo-org/octo-repo',
    isFork: false,
    actor: 'mona'
  }
}

/** The diagnosis (every placeholder filled) and the paragraph the run prints. */
function diagnosed(
  error: unknown,
  config: AzureConfig,
  where: 'cli' | 'workflow'
): ReturnType<typeof explainFilled> & { printed: string } {
  const context: DiagnosisContext = { ...facts(config, where), stage: 'entra' }
  const printed = explain(error, facts(config, where), DOCS).describe()
  expect(printed).not.toContain('ACTIONS_STEP_DEBUG')
  expect(printed).not.toContain('Unexpected error')
  return { ...explainFilled(error, context), printed }
}

describe('the Azure CLI is not signed in', () => {
  beforeEach(() => {
    // `az account get-access-token` as azure-cli answers it with no account.
    fake.azure.loggedIn = false
  })

  it('at a terminal: az login, in the tenant asked for', async () => {
    const { d, printed } = diagnosed(await refusal(azure()), azure(), 'cli')
    expect(d.entry).toBe('azure-cli-not-signed-in')
    expect(d.title).toBe('The Azure CLI is not signed in')
    expect(d.fix).toBe('Sign in, then run the command again:\n  az login')
    expect(fact(d, 'Azure CLI says')).toBe(
      "Please run 'az login' from a command prompt to authenticate before using this credential."
    )
    expect(printed).toContain(`More: ${DOCS}#azure-cli-not-signed-in`)

    const inTenant = diagnosed(await refusal(azure(TENANT_ID)), azure(TENANT_ID), 'cli').d
    expect(inTenant.fix).toBe(
      `Sign in, then run the command again:\n  az login --tenant ${TENANT_ID}`
    )
    expect(fake.calls('az').at(-1)).toEqual(expect.arrayContaining(['--tenant', TENANT_ID]))
  })

  it('in a workflow with auth: azure-cli: the azure/login step before it, or auth: github-oidc', async () => {
    const { d } = diagnosed(await refusal(azure()), azure(), 'workflow')
    expect(d.title).toBe(
      'The Azure CLI is not signed in on this runner: no azure/login step ran before this one'
    )
    for (const line of [
      '    id-token: write',
      '    - uses: azure/login@v2',
      '        client-id: ${{ vars.AZURE_CLIENT_ID }}',
      '        tenant-id: ${{ vars.AZURE_TENANT_ID }}',
      '        allow-no-subscriptions: true   # or subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}',
      '    auth: github-oidc'
    ]) {
      expect(d.fix.split('\n')).toContain(line)
    }
  })
})

describe('the Azure CLI is not installed', () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-az-'))
  afterAll(() => {
    rmSync(empty, { recursive: true, force: true })
  })

  it('at a terminal: the install link, then az login', async () => {
    const { d } = diagnosed(await refusal(azure(), empty), azure(), 'cli')
    expect(d.entry).toBe('azure-cli-not-installed')
    expect(d.title).toBe('The Azure CLI is not installed: there is no az on PATH')
    expect(d.fix).toBe(
      `Install the Azure CLI (${INSTALL}), sign in, and run the command again:\n  az login`
    )
    expect(fake.calls('az')).toEqual([])
  })

  it('in a workflow: install it and sign in with azure/login, or auth: github-oidc', async () => {
    const { d } = diagnosed(await refusal(azure(), empty), azure(), 'workflow')
    expect(d.title).toBe('The Azure CLI is not installed on this runner')
    expect(d.fix).toContain(INSTALL)
    expect(d.fix).toContain('    - uses: azure/login@v2')
    expect(d.fix).toContain('    auth: github-oidc')
  })
})

describe('the Azure CLI must sign in again', () => {
  it('at a terminal, its refresh token expired (AADSTS700082): az login with the scope and tenant', async () => {
    fake.when('az', 'account get-access-token', { stderr: REFRESH_TOKEN_EXPIRED, code: 1 })
    const { d } = diagnosed(await refusal(azure(TENANT_ID)), azure(TENANT_ID), 'cli')
    expect(d.entry).toBe('azure-cli-sign-in-expired')
    expect(d.title).toBe('The Azure CLI must sign in again (AADSTS700082)')
    expect(d.fix).toBe(
      `Sign in again, then run the command again:\n  az login --scope ${SCOPE} --tenant ${TENANT_ID}`
    )
    expect(fact(d, 'Azure CLI says')).toMatch(
      /^AADSTS700082: The refresh token has expired due to inactivity\. .* Trace ID: 0f1e2d3c-/
    )
  })

  it('in a workflow, azure/login’s GitHub ID token expired (AADSTS700024): auth: github-oidc', async () => {
    fake.when('az', 'account get-access-token', { stderr: ASSERTION_EXPIRED, code: 1 })
    const { d } = diagnosed(await refusal(azure()), azure(), 'workflow')
    expect(d.title).toBe('The Azure CLI’s sign-in on this runner has expired (AADSTS700024)')
    expect(d.fix).toContain('    auth: github-oidc')
    expect(d.fix).toContain('or run azure/login again in the step just before this one.')
  })
})

describe('another failure of the Azure CLI', () => {
  it('is unexpected: --verbose at a terminal, debug logging in a workflow', async () => {
    fake.when('az', 'account get-access-token', {
      stderr: "ERROR: Subscription 'contoso-dev' not found.\n",
      code: 1
    })
    const error = await refusal(azure())
    const atTerminal = explain(error, facts(azure(), 'cli'), DOCS).describe()
    expect(atTerminal).toMatch(/^Unexpected error while trying to get an access token/)
    expect(atTerminal).toContain("ERROR: Subscription 'contoso-dev' not found.")
    expect(atTerminal).toContain('Fix: Run the command again with --verbose')
    expect(atTerminal).not.toContain('ACTIONS_STEP_DEBUG')
    expect(explain(error, facts(azure(), 'workflow'), DOCS).describe()).toContain(
      'ACTIONS_STEP_DEBUG=true'
    )
  })

  it('before the settings are known, the command line still says --verbose', () => {
    const printed = explain(new TypeError('boom'), undefined, DOCS, 'cli').describe()
    expect(printed).toMatch(/^Unexpected error: boom\nFix: Run the command again with --verbose/)
  })
})

/**
 * How `setup` explains what stops it: each failure of `az` or `gh` (in the tools' real wording)
 * becomes the cause, the facts and the exact fix, and setup stops before changing more.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ActionError, ConfigError } from '../../src/errors.js'
import type { Terminal } from '../../src/cli/terminal.js'
import { AZURE_AUDIENCE, DEPLOYMENT, GITHUB_ISSUER, OWNER, REPO } from '../emulators/constants.js'
import type { World } from '../emulators/world.js'
import {
  ACCOUNT_ID,
  authorizationFailed,
  FakeCli,
  LOCATION,
  RESOURCE_GROUP,
  SIGNED_IN_USER,
  SUBSCRIPTION_ID,
  SUBSCRIPTION_NAME
} from '../helpers/fake-cli.js'
import {
  CHANGES,
  IDENTITY,
  SETUP_FLAGS,
  startSetupWorld,
  type RunSetup,
  type SetupWorld
} from '../helpers/setup-world.js'

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

const silent: Terminal = { result: () => undefined, say: () => undefined, close: () => undefined }

/** The error setup stops with, as the CLI prints it (`error: <describe()>`). */
async function failure(...flags: string[]): Promise<ActionError> {
  try {
    await runSetup([...SETUP_FLAGS, ...flags], silent)
  } catch (error) {
    if (error instanceof ActionError) return error
    throw error
  }
  throw new Error('setup succeeded')
}

const creates = (): string[][] =>
  [...fake.calls('az'), ...fake.calls('gh')].filter((a) => CHANGES.test(a.join(' ')))

describe('setup explains az failures', () => {
  it('not signed in: az login, before anything else runs', async () => {
    fake.azure.loggedIn = false
    const error = await failure()
    expect(error.message).toBe(
      [
        'Could not read the signed-in Azure account: the Azure CLI is not signed in, or its sign-in expired.',
        '  command: az account show -o json',
        "  az said: Please run 'az login' to setup account."
      ].join('\n')
    )
    expect(error.fix).toBe(
      'az login   (then, if the Azure OpenAI resource is in another subscription: az account set --subscription SUBSCRIPTION_ID_OR_NAME)'
    )
    expect(fake.calls('az')).toEqual([['account', 'show', '-o', 'json']])
  })

  it('no right to create role assignments: who can, and the exact command for them; a rerun adds only the role', async () => {
    const scope = `${ACCOUNT_ID}/providers/Microsoft.Authorization/roleAssignments/3f2e1d0c-b9a8-4765-8432-10fedcba9876`
    fake.when(
      'az',
      'role assignment create',
      {
        stderr: authorizationFailed('Microsoft.Authorization/roleAssignments/write', scope),
        code: 1
      },
      1
    )
    const error = await failure()
    const principal = fake.azure.identities[0]?.principalId ?? ''
    const command = `az role assignment create --assignee-object-id ${principal} --assignee-principal-type ServicePrincipal --role 'Cognitive Services OpenAI User' --scope ${ACCOUNT_ID} -o json`
    expect(error.message.split('\n')).toEqual([
      'Could not assign Cognitive Services OpenAI User to keyless-pr-review-octo-repo: you may not create role assignments on the Azure OpenAI resource (AuthorizationFailed on Microsoft.Authorization/roleAssignments/write).',
      `  command: ${command}`,
      `  az said: (AuthorizationFailed) The client '${SIGNED_IN_USER}' with object id '6c1f3b9a-2e4d-4f7a-9b8c-0d1e2f3a4b5c' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      `  signed in as: ${SIGNED_IN_USER}, subscription ${SUBSCRIPTION_NAME} (${SUBSCRIPTION_ID})`
    ])
    expect(error.fix).toBe(
      [
        'Creating role assignments needs Owner, User Access Administrator or Role Based Access Control Administrator on the resource (or its resource group or subscription). Ask someone who holds one to run:',
        `  ${command}`,
        'Then run setup again: it keeps what it already created and skips this step.'
      ].join('\n')
    )
    expect(fake.azure.roleAssignments).toEqual([])

    const before = creates().length
    await runSetup(SETUP_FLAGS, silent)
    expect(
      creates()
        .slice(before)
        .map((a) => a.slice(0, 3).join(' '))
    ).toEqual(['role assignment create'])
  })

  it('AuthorizationFailed on creating the identity names the action, the scope and who may', async () => {
    const scope = `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${IDENTITY}`
    fake.when('az', 'identity create', {
      stderr: authorizationFailed('Microsoft.ManagedIdentity/userAssignedIdentities/write', scope),
      code: 1
    })
    const error = await failure()
    expect(error.message).toContain(
      `Azure refused 'Microsoft.ManagedIdentity/userAssignedIdentities/write' over ${scope} (AuthorizationFailed).`
    )
    expect(error.fix).toContain('Managed Identity Contributor')
    expect(error.fix).toContain(
      `  az identity create --name ${IDENTITY} --resource-group ${RESOURCE_GROUP} --location ${LOCATION} -o json`
    )
    expect(creates().map((a) => a[1])).toEqual(['create'])
  })

  it('a resource that does not exist: check the name and the subscription', async () => {
    const error = await failure('--resource', 'missing-openai')
    expect(error.message.split('\n')[0]).toBe(
      `Could not read the Azure OpenAI resource missing-openai: Azure found no such resource in subscription ${SUBSCRIPTION_NAME} (${SUBSCRIPTION_ID}).`
    )
    expect(error.message).toContain(
      "az said: (ResourceNotFound) The Resource 'Microsoft.CognitiveServices/accounts/missing-openai' under resource group 'rg-ai' was not found."
    )
    expect(error.fix).toBe(
      [
        'Check the name and the subscription:',
        '  az account show -o table',
        '  az cognitiveservices account list -o table',
        'and switch to the subscription that holds it: az account set --subscription SUBSCRIPTION_ID_OR_NAME'
      ].join('\n')
    )
    expect(creates()).toEqual([])
  })

  it('Microsoft Graph refusing an app registration: use a managed identity, or ask an Application Administrator', async () => {
    fake.when('az', 'ad app create', {
      stderr: 'ERROR: Insufficient privileges to complete the operation.\n',
      code: 1
    })
    const error = await failure('--app')
    expect(error.message.split('\n')[0]).toBe(
      `Could not create the app registration ${IDENTITY}: Microsoft Entra refused (Insufficient privileges): your account may not create or change this app registration.`
    )
    expect(error.fix).toContain('Run setup without --app')
    expect(error.fix).toContain(`  az ad app create --display-name ${IDENTITY} -o json`)
  })

  it('a subscription not registered for managed identities: the provider registration', async () => {
    const message =
      "The subscription is not registered to use namespace 'Microsoft.ManagedIdentity'. See https://aka.ms/rps-not-found for how to register subscriptions."
    fake.when('az', 'identity create', {
      stderr: `ERROR: (MissingSubscriptionRegistration) ${message}\nCode: MissingSubscriptionRegistration\nMessage: ${message}\n`,
      code: 1
    })
    const error = await failure()
    expect(error.message.split('\n')[0]).toBe(
      `Could not create the managed identity ${IDENTITY}: the subscription is not registered for Microsoft.ManagedIdentity (MissingSubscriptionRegistration).`
    )
    expect(error.fix).toBe(
      'az provider register --namespace Microsoft.ManagedIdentity --wait   then run setup again'
    )
  })

  it('the Azure CLI is not installed', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-az-'))
    const path = process.env['PATH']
    process.env['PATH'] = empty
    try {
      const error = await failure()
      expect(error.message).toBe('The Azure CLI (az) is not installed, or not on PATH.')
      expect(error.fix).toBe(
        'Install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli), then: az login'
      )
    } finally {
      process.env['PATH'] = path
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

describe('setup stops before creating what cannot work', () => {
  it("refuses to pass Entra's 20 federated credentials per identity, suggesting one environment", async () => {
    await runSetup([...SETUP_FLAGS, '--environment', 'pr-review'], silent)
    const identity = fake.azure.identities[0]
    if (!identity) throw new Error('no identity')
    for (let i = 1; i <= 18; i++) {
      identity.credentials.push({
        name: `other-${i}`,
        issuer: GITHUB_ISSUER,
        subject: `repo:${OWNER}/other-${i}:pull_request`,
        audiences: [AZURE_AUDIENCE]
      })
    }
    const before = creates().length
    const error = await failure()
    expect(error.message.split('\n')).toEqual([
      `${IDENTITY} holds 19 federated credentials and these triggers need 2 more, past Microsoft Entra's limit of 20 per identity. Nothing was created. Missing subjects:`,
      `  repo:${OWNER}/${REPO}:pull_request`,
      `  repo:${OWNER}/${REPO}:ref:refs/heads/main`
    ])
    expect(error.fix.split('\n')).toEqual([
      'Give every job the same environment, so all triggers share one subject (one credential): --environment pr-review',
      `or remove credentials this identity no longer needs (az identity federated-credential list --identity-name ${IDENTITY} --resource-group ${RESOURCE_GROUP} -o table),`,
      'or use another identity: --identity-name NAME'
    ])
    expect(creates()).toHaveLength(before)

    // The 20th fits.
    await runSetup([...SETUP_FLAGS, '--triggers', 'pull_request'], silent)
    expect(identity.credentials).toHaveLength(20)
  })

  it('a resource without a custom subdomain: the update command, before any identity exists', async () => {
    const [account] = fake.azure.accounts
    if (account) account.customSubDomainName = null
    const error = await failure()
    expect(error.message).toBe(
      "my-openai has no custom subdomain: its endpoint is the regional https://eastus.api.cognitive.microsoft.com/, and Microsoft Entra tokens are accepted only on a resource's own host (https://NAME.openai.azure.com)."
    )
    expect(error.fix).toBe(
      'az cognitiveservices account update --name my-openai --resource-group rg-ai --custom-domain my-openai   (the subdomain must be globally unique and cannot be changed later), then run setup again'
    )
    expect(fake.calls('az').some((a) => a[0] === 'identity')).toBe(false)
  })

  it("a deployment that does not exist: the resource's deployments", async () => {
    const error = await failure('--deployment', 'gpt-5')
    expect(error.message).toBe(
      `my-openai has no deployment named gpt-5; its deployments: ${DEPLOYMENT}.`
    )
    expect(error.fix).toBe(`--deployment ${DEPLOYMENT}`)
    expect(creates()).toEqual([])
  })

  it('finds a resource by name alone when the name is unique, and asks for the group when not', async () => {
    const args = [
      '--repo',
      `${OWNER}/${REPO}`,
      '--resource',
      'my-openai',
      '--deployment',
      DEPLOYMENT,
      '--dry-run'
    ]
    await runSetup(args, silent)
    expect(fake.calls('az')[1]).toEqual(['cognitiveservices', 'account', 'list', '-o', 'json'])

    const [account] = fake.azure.accounts
    if (account) fake.azure.accounts.push({ ...account, resourceGroup: 'rg-other' })
    await expect(runSetup(args, silent)).rejects.toMatchObject({
      message: '2 resources are named my-openai (resource groups rg-ai, rg-other).',
      fix: '--resource-group rg-ai   (or pass the resource id as --resource)'
    })
  })

  it('gh refusing to set a variable: repository admin access', async () => {
    fake.when('gh', 'variable set', {
      stderr:
        'failed to set variable "AZURE_CLIENT_ID": HTTP 403: Resource not accessible by integration (https://api.github.com/repos/octo-org/octo-repo/actions/variables)\n',
      code: 1
    })
    const error = await failure('--set-variables')
    expect(error.message.split('\n')[0]).toBe(
      'Could not set the repository variable AZURE_CLIENT_ID: GitHub refused (HTTP 403). Repository variables need admin access to the repository (or Variables: write on a fine-grained token).'
    )
    expect(error.fix).toContain(
      `gh variable set AZURE_CLIENT_ID --body ${fake.azure.identities[0]?.clientId ?? ''} --repo ${OWNER}/${REPO}`
    )
  })
})

describe('setup explains gh failures', () => {
  it('a gh without `gh variable` (2.23, Debian 12’s): update it, or set no variables', async () => {
    fake.when('gh', 'variable list', {
      stderr: 'unknown command "variable" for "gh"\n\nUsage:  gh <command> <subcommand> [flags]\n',
      code: 1
    })
    const error = await failure('--set-variables')
    expect(error.message.split('\n')).toEqual([
      `Could not list the variables of ${OWNER}/${REPO}: this GitHub CLI is too old: it has no \`gh variable\` command, or no --json on it.`,
      `  command: gh variable list --repo ${OWNER}/${REPO} --json name,value`,
      '  gh said: unknown command "variable" for "gh"',
      `  signed in as: ${SIGNED_IN_USER}, subscription ${SUBSCRIPTION_NAME} (${SUBSCRIPTION_ID})`
    ])
    expect(error.fix).toBe(
      'Update the GitHub CLI (https://cli.github.com; gh --version shows yours), then run setup again; or run setup without --set-variables, which writes the values into the workflows'
    )
  })
})

describe('setup flags', () => {
  it.each([
    [
      ['--triggers', 'push'],
      "--triggers: unknown 'push'; allowed: pull_request, pull_request_target, issue_comment, workflow_dispatch, pull_request_review_comment."
    ],
    [
      ['--triggers', 'pull_request,pull_request_target'],
      '--triggers: pull_request and pull_request_target would both review every pull request (the same workflow file, twice the model tokens).'
    ],
    [['--repo', 'octo-org'], '--repo: got "octo-org"; expected OWNER/NAME.'],
    [['--bogus'], "setup: Unknown option '--bogus'"]
  ])('%j is refused before anything runs', async (flags, message) => {
    await expect(runSetup([...SETUP_FLAGS, ...flags], silent)).rejects.toThrow(ConfigError)
    await expect(runSetup([...SETUP_FLAGS, ...flags], silent)).rejects.toMatchObject({ message })
    expect(fake.calls()).toEqual([])
    expect(world.github.requests).toEqual([])
  })

  it('--resource and --deployment are required', async () => {
    await expect(
      runSetup(['--repo', `${OWNER}/${REPO}`, '--deployment', DEPLOYMENT], silent)
    ).rejects.toMatchObject({
      message: 'setup: --resource is required.'
    })
  })
})

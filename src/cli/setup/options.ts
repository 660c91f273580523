/**
 * The flags of `keyless-pr-review setup`, declared once: the command line's table shows and
 * checks them (cli.ts), and parseSetupOptions reads them strictly into one typed object.
 */
import { Command, Option } from 'commander'
import { ConfigError } from '../../errors.js'
import type { RepoRef } from '../../pull-request.js'
import { repoFromGitRemote } from '../github.js'
import { usageProblem, verboseOption } from '../options.js'
import type { IdentityKind } from './identity.js'
import { DEFAULT_TRIGGERS, parseTriggers, TRIGGERS, type Trigger } from './triggers.js'

export interface SetupOptions {
  readonly repo: RepoRef
  readonly resource: string
  readonly resourceGroup: string | undefined
  readonly deployment: string
  readonly triggers: readonly Trigger[]
  readonly environment: string | undefined
  readonly identityKind: IdentityKind
  readonly identityName: string | undefined
  readonly write: boolean
  readonly setVariables: boolean
  readonly dryRun: boolean
}

const EXAMPLE = '--resource my-openai --resource-group my-rg --deployment gpt-4o'

/** `setup` with its flags, as `keyless-pr-review setup --help` shows it. */
export function setupCommand(): Command {
  const command = new Command('setup')
    .summary('create the identity, trust and role a repository needs, and its workflows')
    .description(
      "The identity, trust and role a repository's workflows need to call Azure OpenAI without a stored secret, and the workflows: creates in Azure only what is missing, and prints (or writes) the workflows with the ids filled in."
    )
    .addHelpText(
      'after',
      [
        '',
        'Needs: az (signed in), a GitHub token (GITHUB_TOKEN or gh auth login), gh for --set-variables.',
        'Running it again changes nothing that is already in place.',
        '',
        'Example:',
        `  keyless-pr-review setup ${EXAMPLE} --dry-run`
      ].join('\n')
    )
  for (const option of [
    new Option('--repo <owner/name>', 'the repository (default: the git remote origin)'),
    new Option(
      '--resource <name-or-id>',
      'the Azure OpenAI resource: its name, or its resource id (required)'
    ),
    new Option(
      '--resource-group <rg>',
      "the resource's group (needed with a name that is not unique)"
    ),
    new Option(
      '--deployment <name>',
      'the model deployment the workflows call, checked to exist (required)'
    ),
    new Option('--triggers <list>', `comma list of ${TRIGGERS.join(', ')}`).default(
      DEFAULT_TRIGGERS.join(',')
    ),
    new Option(
      '--environment <name>',
      'give every job this GitHub environment: one subject for all triggers'
    ),
    new Option(
      '--app',
      'an app registration and service principal instead of a user-assigned managed identity'
    ),
    new Option('--identity-name <name>', "the identity's name (default: keyless-pr-review-<repo>)"),
    new Option(
      '--write',
      'write the workflows under .github/workflows/ (never overwrites a file that differs)'
    ),
    new Option(
      '--set-variables',
      'set AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT as repository variables (gh) and read them in the workflows'
    ),
    new Option(
      '--dry-run',
      'change nothing: read what exists, print every command a run would execute'
    ),
    verboseOption()
  ]) {
    command.addOption(option)
  }
  return command
}

interface SetupFlags {
  readonly repo?: string
  readonly resource?: string
  readonly resourceGroup?: string
  readonly deployment?: string
  readonly triggers: string
  readonly environment?: string
  readonly app?: true
  readonly identityName?: string
  readonly write?: true
  readonly setVariables?: true
  readonly dryRun?: true
}

/** The parsed flags (`--help` never reaches here: cli.ts prints the command's help). */
export function parseSetupOptions(argv: readonly string[]): SetupOptions {
  const command = setupCommand()
    .exitOverride()
    .configureOutput({ writeOut: ignore, writeErr: ignore, outputError: ignore })
  try {
    command.parse([...argv], { from: 'user' })
  } catch (error) {
    throw new ConfigError(
      `setup: ${usageProblem(error)}`,
      'keyless-pr-review setup --help   (lists the flags)'
    )
  }
  const values = command.opts<SetupFlags>()
  const resource = required(values.resource, 'resource', EXAMPLE)
  const deployment = required(values.deployment, 'deployment', EXAMPLE)
  return {
    repo: repository(values.repo),
    resource,
    resourceGroup: optional(values.resourceGroup),
    deployment,
    triggers: parseTriggers(values.triggers),
    environment: optional(values.environment),
    identityKind: values.app ? 'app-registration' : 'managed-identity',
    identityName: optional(values.identityName),
    write: values.write ?? false,
    setVariables: values.setVariables ?? false,
    dryRun: values.dryRun ?? false
  }
}

function ignore(): void {
  // parseSetupOptions reports through its ConfigError, never by printing.
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

function required(value: string | undefined, flag: string, example: string): string {
  const given = optional(value)
  if (!given)
    throw new ConfigError(`setup: --${flag} is required.`, `keyless-pr-review setup ${example}`)
  return given
}

function repository(flag: string | undefined): RepoRef {
  if (flag !== undefined) {
    const match = /^([\w.-]+)\/([\w.-]+)$/.exec(flag.trim())
    if (!match?.[1] || !match[2]) {
      throw new ConfigError(
        `--repo: got "${flag}"; expected OWNER/NAME.`,
        '--repo octo-org/octo-repo'
      )
    }
    return { owner: match[1], repo: match[2] }
  }
  const remote = repoFromGitRemote()
  if (!remote) {
    throw new ConfigError(
      'setup: no --repo, and the working directory has no git remote "origin" to take it from.',
      '--repo OWNER/NAME'
    )
  }
  return remote
}

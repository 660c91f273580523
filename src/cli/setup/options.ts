/** The flags of `keyless-pr-review setup`, read strictly into one typed object. */
import { parseArgs } from 'node:util'
import { ConfigError } from '../../errors.js'
import type { RepoRef } from '../../pull-request.js'
import { repoFromGitRemote } from '../github.js'
import type { IdentityKind } from './identity.js'
import { DEFAULT_TRIGGERS, parseTriggers, type Trigger } from './triggers.js'

export const SETUP_USAGE = `keyless-pr-review setup: the identity, trust and role a repository's workflows need, and the workflows

Usage:
  keyless-pr-review setup --resource NAME_OR_ID --deployment NAME [flags]

  --repo OWNER/NAME          the repository (default: the git remote origin)
  --resource NAME_OR_ID      the Azure OpenAI resource: its name, or its resource id
  --resource-group RG        the resource's group (needed with a name that is not unique)
  --deployment NAME          the model deployment the workflows call (checked to exist)
  --triggers LIST            comma list of pull_request, pull_request_target, issue_comment,
                             workflow_dispatch, pull_request_review_comment
                             (default: ${DEFAULT_TRIGGERS.join(',')})
  --environment NAME         give every job this GitHub environment: one subject for all triggers
  --app                      an app registration and service principal instead of a
                             user-assigned managed identity
  --identity-name NAME       the identity's name (default: keyless-pr-review-<repo>)
  --write                    write the workflows under .github/workflows/ (never overwrites a
                             file that differs)
  --set-variables            set AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_OPENAI_ENDPOINT and
                             AZURE_OPENAI_DEPLOYMENT as repository variables (gh) and read them
                             in the workflows
  --dry-run                  change nothing: read what exists, print every command a run would
                             execute
Needs: az (signed in), a GitHub token (GITHUB_TOKEN or gh auth login), gh for --set-variables.
Running it again changes nothing that is already in place.
`

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

const FLAGS = {
  repo: { type: 'string' },
  resource: { type: 'string' },
  'resource-group': { type: 'string' },
  deployment: { type: 'string' },
  triggers: { type: 'string' },
  environment: { type: 'string' },
  app: { type: 'boolean' },
  'identity-name': { type: 'string' },
  write: { type: 'boolean' },
  'set-variables': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // The CLI reads --verbose itself; accepted here so strict parsing lets it through.
  verbose: { type: 'boolean', short: 'v' }
} as const

const EXAMPLE = '--resource my-openai --resource-group my-rg --deployment gpt-4o'

/** The parsed flags, or undefined for --help. */
export function parseSetupOptions(argv: readonly string[]): SetupOptions | undefined {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values']
  try {
    ;({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true }))
  } catch (error) {
    // node:util's errors come from another realm under jest: read the message, not the class.
    const message = (error as { message?: unknown } | null)?.message
    throw new ConfigError(
      `setup: ${typeof message === 'string' ? message : String(error)}`,
      'keyless-pr-review setup --help   (lists the flags)'
    )
  }
  if (values.help) return undefined
  const resource = required(values.resource, 'resource', EXAMPLE)
  const deployment = required(values.deployment, 'deployment', EXAMPLE)
  const environment = optional(values.environment)
  return {
    repo: repository(values.repo),
    resource,
    resourceGroup: optional(values['resource-group']),
    deployment,
    triggers: values.triggers === undefined ? DEFAULT_TRIGGERS : parseTriggers(values.triggers),
    environment,
    identityKind: values.app ? 'app-registration' : 'managed-identity',
    identityName: optional(values['identity-name']),
    write: values.write ?? false,
    setVariables: values['set-variables'] ?? false,
    dryRun: values['dry-run'] ?? false
  }
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

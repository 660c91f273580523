/**
 * What setup prints on stdout (Markdown): what it found and did, one row per trigger with its
 * subject and credential, the exact commands it ran (or, in a dry run, would run), and the
 * workflows.
 */
import type { AzureAccount, OpenAIResource } from './azure-openai.js'
import type { CredentialStatus } from './credentials.js'
import type { Identity } from './identity.js'
import { OPENAI_USER_ROLE, type RoleState } from './role.js'
import {
  isDefaultTemplate,
  type SubjectFormat,
  type SubjectTemplate,
  type TriggerSubject
} from './subjects.js'
import type { VariableStatus } from './variables.js'
import type { FileStatus, Workflow } from './workflows.js'

export interface SetupOutcome {
  readonly repository: string
  readonly dryRun: boolean
  readonly account: AzureAccount
  readonly resource: OpenAIResource
  readonly deployment: string
  readonly model: string | undefined
  readonly identity: Identity
  readonly format: SubjectFormat
  readonly template: SubjectTemplate
  readonly subjects: readonly TriggerSubject[]
  readonly credentials: readonly CredentialStatus[]
  readonly role: RoleState
  readonly variables: readonly VariableStatus[] | undefined
  readonly workflows: readonly Workflow[]
  readonly files: readonly FileStatus[] | undefined
  readonly changes: readonly string[]
}

export const NOTHING_CHANGED = 'Nothing changed: everything was already in place.'

/** True when the run changed nothing in Azure, GitHub or on disk. */
function changedNothing(outcome: SetupOutcome): boolean {
  return outcome.changes.length === 0 && !(outcome.files ?? []).some((f) => f.state === 'written')
}

export function renderOutcome(outcome: SetupOutcome): string {
  const { dryRun } = outcome
  return [
    `## keyless-pr-review setup: ${outcome.repository}`,
    dryRun
      ? '**Dry run**: nothing was changed. The commands below are exactly what a run would execute.'
      : changedNothing(outcome)
        ? NOTHING_CHANGED
        : `Done: ${outcome.changes.length} change${outcome.changes.length === 1 ? '' : 's'} made.`,
    facts(outcome),
    credentials(outcome),
    ...(outcome.variables ? [variables(outcome.variables, dryRun)] : []),
    commands(outcome),
    workflows(outcome),
    next(outcome)
  ].join('\n\n')
}

function state(s: 'exists' | 'created' | 'planned'): string {
  return s === 'exists' ? 'already there' : s === 'planned' ? 'to be created' : 'created now'
}

const ROLE_STATES: Readonly<Record<RoleState, string>> = {
  exists: 'already held',
  created: 'assigned now',
  planned: 'to be assigned'
}

function facts(o: SetupOutcome): string {
  const { identity, resource, account } = o
  const kind =
    identity.kind === 'managed-identity' ? 'user-assigned managed identity' : 'app registration'
  const identityState = identity.newCredentialHolder
    ? o.dryRun
      ? 'to be created'
      : 'created now'
    : 'already there'
  const template = isDefaultTemplate(o.template)
    ? `GitHub's default (\`repo\`, \`context\`)${o.template.source === 'default' ? '' : `, set by the ${o.template.source}`}`
    : `customized by the ${o.template.source}: ${o.template.keys.map((k) => `\`${k}\``).join(', ')}`
  const rows: [string, string][] = [
    [
      'Azure OpenAI resource',
      `\`${resource.name}\` in \`${resource.resourceGroup}\` (${resource.location}): ${resource.endpoint}`
    ],
    ['Deployment', `\`${o.deployment}\`${o.model ? ` (${o.model})` : ''}`],
    [
      'Tenant',
      `\`${account.tenantId}\` (subscription ${account.subscriptionName}, signed in as \`${account.user}\`)`
    ],
    [
      'Identity',
      `${kind} \`${identity.name}\` (${identityState}): client id \`${identity.clientId}\`, principal id \`${identity.principalId}\``
    ],
    [
      'Subject format',
      `${o.format.immutable ? 'immutable' : 'classic'} \`repo:${o.format.repo}\`: ${o.format.reason}`
    ],
    ['Subject template', template],
    ['Role', `${OPENAI_USER_ROLE} on the resource: ${ROLE_STATES[o.role]}`]
  ]
  return ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n')
}

function credentials(o: SetupOutcome): string {
  const rows = o.subjects.map((s) => {
    const credential = o.credentials.find((c) => c.subject === s.subject)
    const subject = s.subject
      ? `\`${s.subject}\``
      : `not known before a run (${s.unknownClaims.map((c) => `\`${c}\``).join(', ')})`
    const status = credential
      ? `\`${credential.name}\`, ${state(credential.state)}`
      : 'none: see below'
    return `| ${s.trigger} | ${s.file} | ${subject} | ${status} |`
  })
  const unknown = o.subjects.filter((s) => !s.subject)
  const needsEnvironment = unknown.some((s) => s.unknownClaims.includes('environment'))
  return [
    '### Federated credentials',
    ['| trigger | workflow | subject | credential |', '| --- | --- | --- | --- |', ...rows].join(
      '\n'
    ),
    ...(unknown.length > 0
      ? [
          `The subject template includes claims whose values differ from run to run, so no credential can be made for ${unknown.map((s) => s.trigger).join(', ')} in advance. Run each of these workflows once with \`mode: check\` (the manual workflow takes a \`mode\` input), copy the \`sub\` it prints, and add it: the failed run's log prints the exact \`az … federated-credential create\` command.${needsEnvironment ? ' The template includes `environment`: pass --environment NAME so every job has one.' : ''}`
        ]
      : [])
  ].join('\n\n')
}

function variables(statuses: readonly VariableStatus[], dryRun: boolean): string {
  const rows = statuses.map(
    (v) =>
      `| ${v.name} | \`${v.value}\` | ${v.state === 'exists' ? 'already set' : dryRun ? 'to be set' : 'set now'} |`
  )
  return [
    '### Repository variables',
    ['| variable | value | |', '| --- | --- | --- |', ...rows].join('\n')
  ].join('\n\n')
}

function commands(o: SetupOutcome): string {
  const title = o.dryRun ? '### Commands a run would execute' : '### Commands run'
  if (o.changes.length === 0) return `${title}\n\nNone: nothing was missing.`
  const shown = [...new Set(o.changes.join('\n').match(/<(client|principal|app)-id>/g) ?? [])]
  const placeholders =
    shown.length > 0
      ? `\n\n${shown.map((p) => `\`${p}\``).join(', ')}: the ${shown.length === 1 ? 'id' : 'ids'} the create commands above return.`
      : ''
  return `${title}\n\n\`\`\`bash\n${o.changes.join('\n')}\n\`\`\`${placeholders}`
}

function workflows(o: SetupOutcome): string {
  const files = o.files
    ? o.files.map((f) => `- \`${f.path}\`: ${FILE_STATES[f.state]}`).join('\n')
    : 'Add them under `.github/workflows/` (or run setup with --write):'
  const blocks = o.workflows.map((w) => `#### ${w.path}\n\n\`\`\`yaml\n${w.content}\`\`\``)
  return ['### Workflows', files, ...blocks].join('\n\n')
}

const FILE_STATES: Readonly<Record<FileStatus['state'], string>> = {
  written: 'written',
  unchanged: 'unchanged (already identical)',
  'would-write': 'to be written',
  differs: 'exists and differs: not overwritten'
}

function next(o: SetupOutcome): string {
  const manual = o.subjects.some((s) => s.trigger === 'workflow_dispatch')
  return [
    '### Next',
    `Commit the workflows, then run ${manual ? 'the manual workflow' : 'a workflow'} once with \`mode: check\`: it walks the whole chain and prints the subject it presented. A new role assignment can take about five minutes to apply, a new federated credential a minute or two.`
  ].join('\n\n')
}

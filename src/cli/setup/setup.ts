/**
 * `keyless-pr-review setup`: reads how the repository's workflows will present themselves
 * (GitHub), then creates in Azure only what is missing (identity, one federated credential per
 * subject, the role), and prints (or writes) the workflows. A second run finds everything and
 * changes nothing; --dry-run runs the reads and prints the changes instead of making them.
 */
import { ActionError } from '../../errors.js'
import { createGitHubClient } from '../../github/client.js'
import { CLOUDS } from '../../settings.js'
import { githubToken } from '../github.js'
import type { Terminal } from '../terminal.js'
import { checkDeployment, findResource, signedInAccount } from './azure-openai.js'
import { createRunner } from './commands.js'
import { ensureCredentials } from './credentials.js'
import { ensureIdentity, identityName } from './identity.js'
import { parseSetupOptions } from './options.js'
import { renderOutcome, type SetupOutcome } from './report.js'
import { readSubjectSettings } from './repository.js'
import { ensureRole } from './role.js'
import { triggerSubject } from './subjects.js'
import { ensureVariables } from './variables.js'
import {
  checkEnvironment,
  renderWorkflow,
  repositoryRoot,
  writeWorkflows,
  type FileStatus
} from './workflows.js'

export async function runSetup(argv: readonly string[], terminal: Terminal): Promise<void> {
  const options = parseSetupOptions(argv)
  checkEnvironment(options.environment)
  const { owner, repo } = options.repo
  terminal.say(`Reading the OIDC subject settings of ${owner}/${repo} from GitHub…`)
  const apiUrl = process.env['GITHUB_API_URL'] || 'https://api.github.com'
  const settings = await readSubjectSettings(
    createGitHubClient(githubToken()),
    options.repo,
    apiUrl
  )
  // GitHub's spelling: subjects are compared case-sensitively.
  const repository = `${settings.facts.owner}/${settings.facts.name}`
  const subjects = options.triggers.map((trigger) =>
    triggerSubject(trigger, { ...settings, environment: options.environment })
  )

  const runner = createRunner(options.dryRun, (line) => {
    terminal.say(line)
  })
  const account = await signedInAccount(runner)
  const resource = await findResource(runner, account, options.resource, options.resourceGroup)
  const model = await checkDeployment(runner, resource, options.deployment)
  const identity = await ensureIdentity(
    runner,
    options.identityKind,
    options.identityName ?? identityName(settings.facts.name),
    resource
  )
  const wanted = [...new Set(subjects.flatMap((s) => (s.subject ? [s.subject] : [])))]
  const credentials = await ensureCredentials(
    runner,
    identity,
    wanted,
    CLOUDS[account.cloud].audience
  )
  const role = await ensureRole(runner, identity, resource)
  const values = {
    clientId: identity.clientId,
    tenantId: account.tenantId,
    endpoint: resource.endpoint,
    deployment: options.deployment
  }
  const variables = options.setVariables
    ? await ensureVariables(runner, repository, values)
    : undefined

  const workflows = subjects.map((subject) =>
    renderWorkflow(subject, {
      values,
      fromVariables: options.setVariables,
      environment: options.environment,
      cloud: account.cloud
    })
  )
  const files = options.write
    ? await writeWorkflows(repositoryRoot(), workflows, options.dryRun)
    : undefined
  const outcome: SetupOutcome = {
    repository,
    dryRun: options.dryRun,
    account,
    resource,
    deployment: options.deployment,
    model,
    identity,
    format: settings.format,
    template: settings.template,
    subjects,
    credentials,
    role,
    variables,
    workflows,
    files,
    changes: runner.changes
  }
  terminal.result(renderOutcome(outcome))
  if (!options.dryRun) refuseConflicts(files ?? [])
}

function refuseConflicts(files: readonly FileStatus[]): void {
  const differing = files.filter((f) => f.state === 'differs').map((f) => f.path)
  if (differing.length === 0) return
  throw new ActionError(
    `--write: ${differing.join(', ')} already ${differing.length === 1 ? 'exists and differs' : 'exist and differ'} from the workflow setup generates; nothing was written (Azure is set up).`,
    `Merge the workflow printed above into ${differing.length === 1 ? 'it' : 'them'} by hand, or move ${differing.length === 1 ? 'it' : 'them'} aside and run setup --write again:\n${differing.map((p) => `  mv ${p} ${p}.old`).join('\n')}`
  )
}

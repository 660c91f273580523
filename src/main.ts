/**
 * run(): the flow of DESIGN.md §1, one line per stage, one try/catch. Every failure reaches
 * core.setFailed as a message a user can act on.
 */
import * as core from '@actions/core'
import { openKeylessChain } from './azure/chain.js'
import { runCheck } from './check.js'
import { readConfig, type Config } from './config.js'
import { readRunContext, type RunContext } from './context.js'
import { ActionError } from './errors.js'
import { createGitHubClient, type GitHubClient } from './github/client.js'
import { hasPermission, react } from './github/commands.js'
import { reviewPullRequest } from './pipeline.js'
import { setOutputs, writeJobSummary } from './report.js'
import { decide, type Decision } from './trigger.js'

export async function run(): Promise<void> {
  const started = Date.now()
  try {
    const config = readConfig()
    const runContext = readRunContext()
    const github = createGitHubClient(config.githubToken)
    if (config.mode === 'check') {
      const result = await runCheck(
        config,
        runContext,
        openKeylessChain(config, runContext),
        github
      )
      core.setOutput('prompt-tokens', result.promptTokens)
      core.setOutput('completion-tokens', result.completionTokens)
      return
    }
    const decision = decide(config, runContext)
    if (decision.kind === 'skip') {
      skip(decision.reason, decision.notice === true)
      return
    }
    if (!(await commandAllowed(config, runContext, github, decision))) return
    const repo = { owner: runContext.owner, repo: runContext.repo }
    const comment = decision.command?.commentId
    if (comment) await react(github, repo, comment, 'eyes')
    try {
      const result = await reviewPullRequest({
        config,
        repo,
        prNumber: decision.prNumber,
        tasks: decision.tasks,
        guidance: decision.guidance,
        chain: openKeylessChain(config, runContext),
        github
      })
      setOutputs(result)
      await writeJobSummary(result, Date.now() - started, config.dryRun)
      if (comment) await react(github, repo, comment, 'rocket')
    } catch (error) {
      if (comment) await react(github, repo, comment, 'confused')
      throw error
    }
  } catch (error) {
    core.setFailed(failureMessage(error))
  }
}

function skip(reason: string, notice: boolean): void {
  if (notice) core.notice(reason)
  else core.info(`Nothing to do: ${reason}`)
  core.setOutput('skipped', reason)
}

/** Comment commands run only for users whose repository permission (asked of the API) suffices. */
async function commandAllowed(
  config: Config,
  run: RunContext,
  github: GitHubClient,
  decision: Extract<Decision, { kind: 'run' }>
): Promise<boolean> {
  if (!decision.needsPermissionCheck || !decision.command) return true
  const repo = { owner: run.owner, repo: run.repo }
  const { user, commentId } = decision.command
  const permission = await hasPermission(github, repo, user, config.minPermission)
  if (permission.allowed) return true
  await react(github, repo, commentId, 'confused')
  skip(
    `@${user} has '${permission.actual}' permission; commands need '${config.minPermission}' or higher (min-permission input).`,
    true
  )
  return false
}

function failureMessage(error: unknown): string {
  if (error instanceof ActionError) return error.describe()
  if (error instanceof Error) {
    core.debug(error.stack ?? error.message)
    return `Unexpected error: ${error.message}. Re-run with the secret or variable ACTIONS_STEP_DEBUG=true for details, and report it if it persists.`
  }
  return `Unexpected error: ${String(error)}`
}

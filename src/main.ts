/**
 * run(): the flow of DESIGN.md §1, one line per stage, one try/catch. Every failure reaches
 * core.setFailed as a message a user can act on.
 */
import * as core from '@actions/core'
import { openKeylessChain } from './azure/chain.js'
import { runCheck } from './check.js'
import { readConfig } from './config.js'
import { readRunContext } from './context.js'
import { ActionError } from './errors.js'
import { createGitHubClient } from './github/client.js'

export async function run(): Promise<void> {
  try {
    const config = readConfig()
    const runContext = readRunContext()
    const chain = openKeylessChain(config, runContext)
    const github = createGitHubClient(config.githubToken)
    if (config.mode === 'check') {
      const result = await runCheck(config, runContext, chain, github)
      core.setOutput('prompt-tokens', result.promptTokens)
      core.setOutput('completion-tokens', result.completionTokens)
      return
    }
    throw new ActionError(
      `mode '${config.mode}' is not available in this version.`,
      'Use `mode: check` to verify the keyless chain.'
    )
  } catch (error) {
    core.setFailed(failureMessage(error))
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof ActionError) return error.describe()
  if (error instanceof Error) {
    core.debug(error.stack ?? error.message)
    return `Unexpected error: ${error.message}. Re-run with the secret or variable ACTIONS_STEP_DEBUG=true for details, and report it if it persists.`
  }
  return `Unexpected error: ${String(error)}`
}

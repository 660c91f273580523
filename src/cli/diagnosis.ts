/**
 * Errors of a CLI command explained like the action's: with the run's settings and the claims
 * of the tokens it met, so a laptop gets the same cause, fix and troubleshooting link.
 */
import type { KeylessChain } from '../chain/chain.js'
import { troubleshootingUrl, type RunContext } from '../context.js'
import { CLI_EVENT, explain, runFacts } from '../diagnosis/diagnose.js'
import type { RepoRef } from '../pull-request.js'
import type { Config } from '../settings.js'

/** The CLI as a "run": no event, the repository it works on when it has one. */
export function cliRun(repo: RepoRef | undefined): RunContext {
  return {
    eventName: CLI_EVENT,
    owner: repo?.owner ?? '',
    repo: repo?.repo ?? '',
    actor: '',
    payload: {},
    serverUrl: 'https://github.com',
    runUrl: '',
    troubleshootingUrl: troubleshootingUrl()
  }
}

/** Runs `work`; an error leaves it diagnosed (an ActionError with its cause and fix). */
export async function diagnosed<T>(
  config: Config,
  chain: KeylessChain,
  repo: RepoRef | undefined,
  work: () => Promise<T>
): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw explain(error, runFacts(config, cliRun(repo), chain.trace), troubleshootingUrl())
  }
}

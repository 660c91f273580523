/**
 * `check` from a laptop: the action's `mode: check` over the same chain, with the identity the
 * flags name (the Azure CLI's login by default), and the GitHub API link when a repository and
 * a token are at hand.
 */
import { openKeylessChain } from '../chain/chain.js'
import { troubleshootingUrl } from '../context.js'
import { runFacts } from '../diagnosis/diagnose.js'
import { createGitHubClient } from '../github/client.js'
import type { RepoRef } from '../pull-request.js'
import { runCheck } from '../run/check.js'
import { cliRun } from './diagnosis.js'
import { githubToken, repoFromGitRemote } from './github.js'
import { configFrom, type Flags } from './options.js'

export async function runCheckCommand(flags: Flags): Promise<void> {
  const repo = repoOf(typeof flags['repo'] === 'string' ? flags['repo'] : undefined)
  let token: string | undefined
  try {
    token = repo ? githubToken() : undefined
  } catch {
    token = undefined
  }
  const config = configFrom(flags, { ...(token ? { githubToken: token } : {}), post: false })
  const chain = openKeylessChain(config)
  const facts = runFacts(config, cliRun(repo), chain.trace)
  await runCheck({
    config,
    chain,
    ...(repo && token ? { github: { client: createGitHubClient(token), repo } } : {}),
    facts,
    troubleshootingUrl: troubleshootingUrl()
  })
}

function repoOf(flag: string | undefined): RepoRef | undefined {
  if (flag) {
    const [owner, name] = flag.split('/')
    if (owner && name) return { owner, repo: name }
  }
  return repoFromGitRemote()
}

/**
 * run(): the flow of docs/architecture.md, one line per stage, one try/catch. Every failure
 * goes through the diagnosis dispatcher and reaches core.setFailed as a message a user can act
 * on, with a link to its troubleshooting entry.
 */
import * as core from '@actions/core'
import { openKeylessChain } from './chain/chain.js'
import { readRunContext, troubleshootingUrl } from './context.js'
import { explain, runFacts, type RunFacts } from './diagnosis/diagnose.js'
import type { EarlyIdToken } from './chain/credential.js'
import { createGitHubClient } from './github/client.js'
import { ACTION_INPUTS, describeConfig, readConfig } from './inputs.js'
import { runCheck } from './run/check.js'
import { authorize, withReactions } from './run/commands.js'
import { answerHelp, answerQuestion } from './run/conversation.js'
import { reviewPullRequest } from './run/pipeline.js'
import { reportAnswer, setOutputs, writeJobSummary } from './run/report.js'
import { signIn } from './run/sign-in.js'
import { startReading } from './run/snapshot.js'
import { decide, describeDecision } from './run/trigger.js'

/** `early`: the GitHub ID token requested before this module loaded (early.ts), if any. */
export async function run(early?: EarlyIdToken): Promise<void> {
  const started = Date.now()
  const troubleshooting = troubleshootingUrl()
  let facts: RunFacts | undefined
  try {
    const context = readRunContext()
    const config = await core.group('Configuration', async () => {
      const read = readConfig(ACTION_INPUTS)
      for (const line of describeConfig(read)) core.info(line)
      return Promise.resolve(read)
    })
    const chain = openKeylessChain(config, early)
    facts = runFacts(config, context, chain.trace)
    const github = createGitHubClient(config.githubToken)
    const repo = { owner: context.owner, repo: context.repo }
    if (config.mode === 'check') {
      const result = await runCheck({
        config,
        chain,
        github: { client: github, repo },
        facts,
        troubleshootingUrl: troubleshooting
      })
      core.setOutput('prompt-tokens', result.promptTokens)
      core.setOutput('completion-tokens', result.completionTokens)
      return
    }
    const decision = await core.group('Trigger', async () => {
      const decided = await authorize(config, decide(config, context), github, repo)
      core.info(describeDecision(context, decided))
      if (decided.kind === 'skip') {
        if (decided.notice) core.notice(decided.reason)
        core.setOutput('skipped', decided.reason)
      }
      return decided
    })
    if (decision.kind === 'skip') return
    await withReactions(github, repo, decision.command, async () => {
      if (decision.kind === 'help') {
        const answered = await answerHelp({
          config,
          repo,
          prNumber: decision.prNumber,
          command: decision.command,
          github
        })
        await reportAnswer(answered, Date.now() - started)
        return
      }
      // The pull request's reads need no model: they leave while the run signs in.
      const reading =
        decision.kind === 'run'
          ? startReading(github, repo, decision.prNumber, decision.tasks)
          : undefined
      await signIn(chain, config.azure.auth)
      if (decision.kind === 'ask') {
        const answered = await answerQuestion({
          config,
          repo,
          prNumber: decision.prNumber,
          question: decision.question,
          command: decision.command,
          model: chain.model,
          github
        })
        await reportAnswer(answered, Date.now() - started)
        return
      }
      const result = await reviewPullRequest({
        config,
        repo,
        prNumber: decision.prNumber,
        tasks: decision.tasks,
        guidance: decision.guidance,
        model: chain.model,
        github,
        ...(reading ? { reading } : {})
      })
      setOutputs(result)
      await writeJobSummary(result, Date.now() - started)
      // What succeeded was posted; why the rest was not is explained as a warning.
      if (result.broken) core.warning(failure(result.broken, facts, troubleshooting))
    })
  } catch (error) {
    core.setFailed(failure(error, facts, troubleshooting))
  }
}

function failure(error: unknown, facts: RunFacts | undefined, troubleshooting: string): string {
  if (error instanceof Error) core.debug(error.stack ?? error.message)
  return explain(error, facts, troubleshooting).describe()
}

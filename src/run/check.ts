/**
 * `mode: check`: walk the keyless chain link by link and print a checklist in the log and the
 * job summary. Stops at the first broken link with its diagnosis. Posts nothing.
 */
import * as core from '@actions/core'
import type { KeylessChain } from '../chain/chain.js'
import { explain, type RunFacts } from '../diagnosis/diagnose.js'
import type { ActionError } from '../errors.js'
import { escapeHtml } from '../format.js'
import { calling } from '../github/calling.js'
import type { GitHubClient } from '../github/client.js'
import type { RepoRef } from '../pull-request.js'
import type { Config } from '../settings.js'
import { describeAccessToken, describeIdToken } from './sign-in.js'

type Status = 'passed' | 'failed' | 'skipped'

interface CheckStep {
  readonly name: string
  readonly status: Status
  readonly detail: string
}

interface Link {
  readonly name: string
  /** Returns the detail line; throws when the link is broken. */
  readonly verify: () => Promise<string>
  /** Why this link does not apply to the configuration, if it does not. */
  readonly notApplicable?: string
}

const ICONS: Record<Status, string> = { passed: '✅', failed: '❌', skipped: '⏭️' }

export interface CheckResult {
  readonly steps: readonly CheckStep[]
  readonly promptTokens: number
  readonly completionTokens: number
}

export interface CheckInput {
  readonly config: Config
  readonly chain: KeylessChain
  /** The repository to read with the GitHub token; the CLI may check without one. */
  readonly github?: { readonly client: GitHubClient; readonly repo: RepoRef }
  /** What diagnoses a broken link. */
  readonly facts: RunFacts
  readonly troubleshootingUrl: string
}

/** Runs every link; throws the first broken link's diagnosis after the checklist is written. */
export async function runCheck(input: CheckInput): Promise<CheckResult> {
  const usage = { promptTokens: 0, completionTokens: 0 }
  const steps: CheckStep[] = []
  let failure: ActionError | undefined
  await core.group('Checking the keyless chain', async () => {
    for (const link of chainLinks(input, usage)) {
      if (failure !== undefined) {
        steps.push({ name: link.name, status: 'skipped', detail: 'not reached' })
      } else if (link.notApplicable) {
        steps.push({ name: link.name, status: 'skipped', detail: link.notApplicable })
      } else {
        try {
          steps.push({ name: link.name, status: 'passed', detail: await link.verify() })
        } catch (error) {
          failure = explain(error, input.facts, input.troubleshootingUrl)
          steps.push({
            name: link.name,
            status: 'failed',
            detail: failure.message.split('\n')[0] ?? ''
          })
        }
      }
      const step = steps[steps.length - 1]
      if (step) core.info(`${ICONS[step.status]} ${step.name}: ${step.detail}`)
    }
  })
  await writeSummary(steps, failure)
  if (failure !== undefined) throw failure
  return { steps, ...usage }
}

function chainLinks(
  { config, chain, github }: CheckInput,
  usage: { promptTokens: number; completionTokens: number }
): Link[] {
  const deployments = [...new Set([config.model.deployment, config.model.summaryDeployment])]
  return [
    {
      name: 'GitHub ID token',
      ...(config.azure.auth === 'github-oidc'
        ? {}
        : { notApplicable: `auth is ${config.azure.auth}: no GitHub ID token is used` }),
      verify: async () => {
        await chain.assertions.get()
        return describeIdToken(chain.trace.idToken)
      }
    },
    {
      name: 'Entra access token',
      verify: async () => {
        await chain.getToken()
        return describeAccessToken(chain.trace.accessToken)
      }
    },
    ...deployments.map((deployment): Link => ({
      name: `Azure OpenAI deployment '${deployment}'`,
      verify: async () => {
        const started = Date.now()
        const result = await chain.model.complete({
          deployment,
          messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
          // Reasoning models spend part of this on reasoning; leave them room to answer.
          maxOutputTokens: 256
        })
        usage.promptTokens += result.promptTokens
        usage.completionTokens += result.completionTokens
        const api = config.model.apiVersion ? `api-version ${config.model.apiVersion}` : 'v1 API'
        return `model ${result.model} answered in ${Date.now() - started} ms (${api}, ${result.promptTokens} prompt + ${result.completionTokens} completion tokens)`
      }
    })),
    {
      name: 'GitHub API',
      ...(github ? {} : { notApplicable: 'no repository or GitHub token given' }),
      verify: async () => {
        if (!github) throw new Error('no repository to read')
        const { client, repo } = github
        const { data } = await calling(`read the repository ${repo.owner}/${repo.repo}`, () =>
          client.rest.repos.get({ ...repo })
        )
        return `${data.full_name} is readable with github-token; reviews need \`pull-requests: write\` (checked only when posting: this check posts nothing)`
      }
    }
  ]
}

async function writeSummary(
  steps: readonly CheckStep[],
  failure: ActionError | undefined
): Promise<void> {
  core.summary.addHeading('Keyless PR Review: chain check', 2).addTable([
    [
      { data: '', header: true },
      { data: 'Link', header: true },
      { data: 'Result', header: true }
    ],
    ...steps.map((s) => [ICONS[s.status], s.name, escapeHtml(s.detail)])
  ])
  if (failure !== undefined) {
    core.summary.addHeading('What to fix', 3).addCodeBlock(failure.describe())
  } else {
    core.summary.addRaw(
      'Every link works: the action can review pull requests in this workflow.',
      true
    )
  }
  await core.summary.write()
}

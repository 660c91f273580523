/**
 * `mode: check`: walk the keyless chain link by link and print a checklist in the log and the
 * job summary. Stops at the first broken link with its diagnosis. Posts nothing.
 */
import * as core from '@actions/core'
import type { KeylessChain } from './azure/chain.js'
import type { JwtClaims } from './azure/claims.js'
import type { Config } from './config.js'
import type { RunContext } from './context.js'
import { ActionError } from './errors.js'
import type { GitHubClient } from './github/client.js'

type Status = 'passed' | 'failed' | 'skipped'

export interface CheckStep {
  readonly name: string
  readonly status: Status
  readonly detail: string
}

interface Link {
  readonly name: string
  /** Returns the detail line; throws a diagnosed error when the link is broken. */
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

export async function runCheck(
  config: Config,
  run: RunContext,
  chain: KeylessChain,
  github: GitHubClient
): Promise<CheckResult> {
  const usage = { promptTokens: 0, completionTokens: 0 }
  const links = chainLinks(config, run, chain, github, usage)
  const steps: CheckStep[] = []
  let failure: Error | undefined
  for (const link of links) {
    if (failure !== undefined) {
      steps.push({ name: link.name, status: 'skipped', detail: 'not reached' })
    } else if (link.notApplicable) {
      steps.push({ name: link.name, status: 'skipped', detail: link.notApplicable })
    } else {
      try {
        steps.push({ name: link.name, status: 'passed', detail: await link.verify() })
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error))
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
  await writeSummary(steps, failure)
  if (failure !== undefined) throw failure
  return { steps, ...usage }
}

function chainLinks(
  config: Config,
  run: RunContext,
  chain: KeylessChain,
  github: GitHubClient,
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
        await chain.assertions.get().catch((error: unknown) => {
          throw chain.diagnose(error, 'github-oidc')
        })
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
      verify: async () => {
        try {
          const repo = await github.rest.repos.get({ owner: run.owner, repo: run.repo })
          return `${repo.data.full_name} is readable with github-token; reviews need \`pull-requests: write\` (checked only when posting: this check posts nothing)`
        } catch (error) {
          throw chain.diagnose(error, 'github')
        }
      }
    }
  ]
}

function describeIdToken(claims: JwtClaims | undefined): string {
  if (!claims) return 'issued (claims unreadable)'
  const lifetime =
    typeof claims.exp === 'number' && typeof claims.iat === 'number'
      ? `, valid ${claims.exp - claims.iat} s`
      : ''
  return `iss=${String(claims.iss)}, sub=${String(claims.sub)}, aud=${String(claims.aud)}${lifetime}`
}

function describeAccessToken(claims: JwtClaims | undefined): string {
  if (!claims) return 'issued (claims unreadable)'
  const expires =
    typeof claims.exp === 'number'
      ? `, expires in ${Math.round(claims.exp - Date.now() / 1000)} s`
      : ''
  return `principal (oid)=${String(claims.oid)}, appid=${String(claims.appid ?? claims.azp)}, tenant=${String(claims.tid)}, aud=${String(claims.aud)}${expires}`
}

async function writeSummary(
  steps: readonly CheckStep[],
  failure: Error | undefined
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
    const text = failure instanceof ActionError ? failure.describe() : failure.message
    core.summary.addHeading('What to fix', 3).addCodeBlock(text)
  } else {
    core.summary.addRaw(
      'Every link works: the action can review pull requests in this workflow.',
      true
    )
  }
  await core.summary.write()
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

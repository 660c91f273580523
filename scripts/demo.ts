/**
 * `npm run demo`: runs the bundled action (dist/index.js) end to end against the local test
 * world (GitHub OIDC + REST, Entra ID, Azure OpenAI, all emulated over HTTPS on this machine)
 * and shows what it did: the log a workflow would show, what each service saw, and the
 * pull request as GitHub would show it. No Azure account and no network are needed. The model
 * is a scripted stand-in (scripts/demo/model.ts) that reviews the demo pull request.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { PR_NUMBER } from '../__tests__/emulators/constants.js'
import { pushToPull } from '../__tests__/emulators/github-state.js'
import { startWorld, type World } from '../__tests__/emulators/world.js'
import { loadEvent } from '../__tests__/helpers/events.js'
import { findLeaks, runAction, type RunResult } from '../__tests__/helpers/run-action.js'
import { demoModel } from './demo/model.js'
import { describePull, secondPush } from './demo/pull-request.js'
import { printPullRequest, pullRequestHtml } from './demo/show.js'

// Compiled to .tmp/demo, so paths are resolved from the working directory (the repo root).
const entry = resolve('dist/index.js')
const page = resolve('.tmp', 'demo', 'pull-request.html')

const rule = (title: string): void => {
  console.log(`\n\x1b[1m── ${title} ${'─'.repeat(Math.max(0, 78 - title.length))}\x1b[0m`)
}

/** The log as a workflow page shows it: workflow commands and masks hidden. */
function visibleLog(result: RunResult): string {
  return (result.stdout + result.stderr)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) =>
      line
        .replace(/^::(error|warning|notice)[^:]*::/, '$1: ')
        .replace(/^::group::/, '▸ ')
        .replace(/^::endgroup::$/, '')
        .replace(/%0A/g, '\n  ')
    )
    .filter((line) => line !== '')
    .join('\n')
    .trim()
}

function usage(result: RunResult): string {
  const o = result.outputs
  return `exit code ${String(result.code)} in ${String(result.durationMs)} ms · outputs: review-id=${o['review-id'] || '(none)'}, comments=${o['comments'] ?? ''}, prompt-tokens=${o['prompt-tokens'] ?? ''}, completion-tokens=${o['completion-tokens'] ?? ''}`
}

async function pullRequestRun(world: World, action: string): Promise<RunResult> {
  const pull = world.github.pullRequest(PR_NUMBER)
  return runAction(world, {
    entry,
    payload: loadEvent('pull_request', action, { pull }),
    inputs: { mode: 'both' }
  })
}

async function main(): Promise<void> {
  const world = await startWorld()
  const runs: RunResult[] = []
  try {
    describePull(world.github.pullRequest(PR_NUMBER))
    world.openai.config.respond = demoModel

    rule('1. mode: check — walk the keyless chain, post nothing')
    const check = await runAction(world, { entry, inputs: { mode: 'check' } })
    runs.push(check)
    console.log(visibleLog(check))
    console.log(`\n${usage(check)}`)

    rule(
      `2. pull_request opened: #${String(PR_NUMBER)} "${world.github.pullRequest(PR_NUMBER).title}"`
    )
    const first = await pullRequestRun(world, 'opened')
    runs.push(first)
    console.log(visibleLog(first))
    console.log(`\n${usage(first)}`)

    rule('   … and what GitHub now shows on the pull request')
    printPullRequest(world.github.state, PR_NUMBER)

    rule('3. pull_request synchronize: a push fixes the retry loop')
    const before = world.openai.requests.length
    pushToPull(world.github.state, PR_NUMBER, { ...secondPush(), message: 'Fix retry count' })
    const second = await pullRequestRun(world, 'synchronize')
    runs.push(second)
    console.log(visibleLog(second))
    console.log(`\n${usage(second)}`)
    const sent = world.openai.requests.slice(before).map((r) => r.body?.messages ?? [])
    console.log(
      `The model saw ${String(sent.length)} request(s); the review request held only the pushed change. ` +
        `GitHub now has ${String(world.github.state.issueComments.length)} summary comment (edited in place) and ${String(world.github.state.reviewComments.length)} inline comments (none repeated).`
    )

    rule('4. the same check after the federated credential was made for another branch')
    world.entra.app().federatedCredentials = [
      {
        name: 'main-only',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
        audiences: ['api://AzureADTokenExchange']
      }
    ]
    const broken = await runAction(world, { entry, inputs: { mode: 'check' } })
    runs.push(broken)
    console.log(visibleLog(broken))
    console.log(`\nexit code ${String(broken.code)}`)

    rule('tokens in any log, output or job summary')
    const leaks = runs.flatMap((r) => findLeaks(r, world.secrets()))
    console.log(leaks.length === 0 ? 'none' : JSON.stringify(leaks))

    mkdirSync(resolve('.tmp', 'demo'), { recursive: true })
    writeFileSync(page, pullRequestHtml(world.github.state, PR_NUMBER))
    console.log(`\nThe pull request as GitHub renders it: ${page}`)
  } finally {
    await world.close()
  }
}

await main()

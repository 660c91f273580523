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
import { addReviewComment, pushToPull } from '../__tests__/emulators/github-state.js'
import { startWorld, type World } from '../__tests__/emulators/world.js'
import { loadEvent } from '../__tests__/helpers/events.js'
import { findLeaks, runAction, type RunResult } from '../__tests__/helpers/run-action.js'
import { demoModel } from './demo/model.js'
import { describePull, headFiles, secondPush } from './demo/pull-request.js'
import { printPullRequest, printThread, pullRequestHtml } from './demo/show.js'

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
  const produced = o['answer-id']
    ? `answer-id=${o['answer-id']}`
    : `review-id=${o['review-id'] || '(none)'}, comments=${o['comments'] ?? ''}`
  return `exit code ${String(result.code)} in ${String(result.durationMs)} ms · outputs: ${produced}, prompt-tokens=${o['prompt-tokens'] ?? ''}, completion-tokens=${o['completion-tokens'] ?? ''}`
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
    world.github.state.contents.set(world.github.pullRequest(PR_NUMBER).headSha, headFiles())
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
    const pushed = pushToPull(world.github.state, PR_NUMBER, {
      ...secondPush(),
      message: 'Fix retry count'
    })
    world.github.state.contents.set(pushed, headFiles())
    const second = await pullRequestRun(world, 'synchronize')
    runs.push(second)
    console.log(visibleLog(second))
    console.log(`\n${usage(second)}`)
    const sent = world.openai.requests.slice(before).map((r) => r.body?.messages ?? [])
    console.log(
      `The model saw ${String(sent.length)} request(s); the review request held only the pushed change. ` +
        `GitHub now has ${String(world.github.state.issueComments.length)} summary comment (edited in place) and ${String(world.github.state.reviewComments.length)} inline comments (none repeated).`
    )

    rule('4. pull_request_review_comment: a question in the thread of a finding')
    const finding = world.github.state.reviewComments.find((c) =>
      c.body.includes('charge the customer twice')
    )
    if (!finding) throw new Error('the demo review has no idempotency finding')
    const question = addReviewComment(world.github.state, {
      pullNumber: PR_NUMBER,
      user: { login: 'octocat', type: 'User' },
      body: 'Is moving the key out of `withRetry` enough? Refunds go through the same gateway.',
      inReplyToId: finding.id
    })
    const asked = await runAction(world, {
      entry,
      eventName: 'pull_request_review_comment',
      payload: loadEvent('pull_request_review_comment', 'created', {
        reviewComment: question,
        repo: world.github.state
      }),
      inputs: { mode: 'both' }
    })
    runs.push(asked)
    console.log(visibleLog(asked))
    console.log(`\n${usage(asked)}`)
    rule('   … and the thread on GitHub')
    printThread(world.github.state, finding.id)

    rule('5. the same check after the federated credential was made for another branch')
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

/**
 * `npm run demo`: runs the bundled action (dist/index.js) end to end against the local test
 * world (GitHub OIDC + REST, Entra ID, Azure OpenAI, all emulated over HTTPS on this machine)
 * and shows what it did: the log a workflow would show, what each service saw, and what was
 * posted. No Azure account and no network are needed.
 */
import { resolve } from 'node:path'
import { startWorld } from '../__tests__/emulators/world.js'
import { findLeaks, runAction, type RunResult } from '../__tests__/helpers/run-action.js'

// Compiled to .tmp/demo, so the action is found from the working directory (the repo root).
const entry = resolve('dist/index.js')

const rule = (title: string): void => {
  console.log(`\n\x1b[1m── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}\x1b[0m`)
}

/** The log as a workflow page shows it: workflow commands and masks hidden. */
function visibleLog(result: RunResult): string {
  return (result.stdout + result.stderr)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) => line.replace(/^::(error|warning|notice)[^:]*::/, '$1: ').replace(/%0A/g, '\n  '))
    .join('\n')
    .trim()
}

async function main(): Promise<void> {
  const world = await startWorld()
  try {
    rule('1. mode: check on a correctly configured world')
    const ok = await runAction(world, { entry, inputs: { mode: 'check' } })
    console.log(visibleLog(ok))
    console.log(`\nexit code ${String(ok.code)} in ${ok.durationMs} ms`)
    console.log(
      `GitHub OIDC issued ${world.oidc.tokensIssued} ID token(s); Entra issued ${world.entra.issued.length} access token(s); Azure OpenAI served ${world.openai.requests.length} request(s) to principal ${String(world.openai.requests[0]?.claims?.['oid'])}`
    )

    rule('2. the same run after the federated credential was made for another branch')
    world.entra.app().federatedCredentials = [
      {
        name: 'main-only',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
        audiences: ['api://AzureADTokenExchange']
      }
    ]
    const broken = await runAction(world, { entry, inputs: { mode: 'check' } })
    console.log(visibleLog(broken))
    console.log(`\nexit code ${String(broken.code)}`)

    const leaks = [ok, broken].flatMap((r) => findLeaks(r, world.secrets()))
    rule('tokens in any log, output or summary')
    console.log(leaks.length === 0 ? 'none' : JSON.stringify(leaks))
  } finally {
    await world.close()
  }
}

await main()

/**
 * The commands of `keyless-pr-review` outside a workflow: `setup` (Azure and GitHub, once),
 * `review`, `summarize`, `ask` and `check`. Results go to stdout, progress and errors to stderr;
 * an error is explained with the action's own diagnosis and exits 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { troubleshootingUrl } from '../context.js'
import { explain } from '../diagnosis/diagnose.js'
import { runCheckCommand } from './check.js'
import { parse, REVIEW_FLAGS } from './options.js'
import { runReviewCommand } from './review.js'
import { runSetup } from './setup/setup.js'
import { takeOverStdout } from './terminal.js'

export const USAGE = `keyless-pr-review: pull request reviews with Azure OpenAI, without a stored secret

Usage:
  keyless-pr-review setup --repo OWNER/NAME --resource AOAI_NAME_OR_ID --deployment NAME [--triggers …] [--dry-run]
  keyless-pr-review review    --pr OWNER/NAME#N | --diff FILE|-   [--post]
  keyless-pr-review summarize --pr OWNER/NAME#N | --diff FILE|-   [--post]
  keyless-pr-review ask       --pr OWNER/NAME#N | --diff FILE|-   [--post] "QUESTION"
  keyless-pr-review check     [--repo OWNER/NAME]

Azure: --endpoint and --deployment (or AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT); the Azure
CLI's login by default (az login), or --auth with the action's other kinds. Every action input is
a flag of the same name (--token-budget, --ask-budget, --language, --include, --exclude, …).
GitHub: GITHUB_TOKEN, else the GitHub CLI's login (gh auth login); GITHUB_API_URL for GHES.
Nothing is posted without --post. More: https://github.com/keyless-pr-review/keyless-pr-review#readme
`

const COMMANDS = ['setup', 'review', 'summarize', 'ask', 'check'] as const

export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return command ? 0 : 2
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    process.stderr.write(`Unknown command '${command}'.\n\n${USAGE}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE)
    return 0
  }
  // @actions/core writes outputs and the job summary to files a runner provides: give it some.
  const scratch = mkdtempSync(join(tmpdir(), 'keyless-pr-review-'))
  for (const [name, file] of [
    ['GITHUB_OUTPUT', 'output'],
    ['GITHUB_STEP_SUMMARY', 'summary']
  ] as const) {
    // core.summary refuses a file that does not exist yet.
    writeFileSync(join(scratch, file), '')
    process.env[name] = join(scratch, file)
  }
  const terminal = takeOverStdout({ verbose: rest.includes('--verbose') || rest.includes('-v') })
  try {
    switch (command) {
      case 'setup':
        await runSetup(rest, terminal)
        break
      case 'check':
        await runCheckCommand(parse(rest, { ...REVIEW_FLAGS, repo: { type: 'string' } }))
        break
      default:
        await runReviewCommand(command as 'review' | 'summarize' | 'ask', parse(rest), terminal)
    }
    return 0
  } catch (error) {
    terminal.say(`error: ${explain(error, undefined, troubleshootingUrl()).describe()}`)
    return 1
  } finally {
    terminal.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

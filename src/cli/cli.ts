/**
 * The command line of `keyless-pr-review`: one table of its commands (setup, review, summarize,
 * ask, check), each declared once with its flags and their help, read by commander; then the
 * command chosen runs. Results go to stdout, progress and errors to stderr; exit 0 when it
 * worked, 1 when the run failed (explained with the action's own diagnosis), 2 for a command
 * line it cannot read (named, with the help that lists what it can).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError, type OutputConfiguration } from 'commander'
// The release sets package.json's version before it bundles; the bundle carries it from here.
import manifest from '../../package.json' with { type: 'json' }
import { troubleshootingUrl } from '../context.js'
import { explain } from '../diagnosis/diagnose.js'
import { ConfigError } from '../errors.js'
import { runCheckCommand } from './check.js'
import { inputOptions, targetOptions, usageProblem, verboseOption, type Flags } from './options.js'
import { runReviewCommand } from './review.js'
import { setupCommand } from './setup/options.js'
import { runSetup } from './setup/setup.js'
import { takeOverStdout } from './terminal.js'

const PROGRAM = 'keyless-pr-review'

export const COMMANDS = ['setup', 'review', 'summarize', 'ask', 'check'] as const
type CommandName = (typeof COMMANDS)[number]

/** The command to run, with its flags by name and its arguments (the question of `ask`). */
export interface Invocation {
  readonly command: CommandName
  readonly flags: Flags
  readonly args: readonly string[]
  /** What follows the command's name, as typed (setup reads its flags itself). */
  readonly argv: readonly string[]
}

/** A command line that cannot be read: exits 2 with this error and the help to read. */
export class UsageError extends ConfigError {}

const EXAMPLE_PR = 'octo-org/octo-repo#123'

/** The table: every command with its flags, descriptions and examples. */
function commandLine(
  chosen: (name: CommandName, parsed: Command) => void,
  output: OutputConfiguration
): Command {
  const program = new Command(PROGRAM)
    .description('Pull request reviews with Azure OpenAI, without a stored secret.')
    .version(manifest.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .helpCommand('help [command]', 'print the help of a command')
    // --version and the program's --help before the command only: each command has its flags.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(output)
    .addHelpText(
      'after',
      [
        '',
        'Azure: --endpoint and --deployment (or AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT),',
        "signed in with the Azure CLI's login by default (az login). GitHub: GITHUB_TOKEN, else the",
        'GitHub CLI’s login (gh auth login); GITHUB_API_URL for GitHub Enterprise Server.',
        'Nothing is posted without --post.',
        '',
        'Examples:',
        `  ${PROGRAM} setup --resource my-openai --resource-group my-rg --deployment gpt-4o --dry-run`,
        `  git diff main | ${PROGRAM} review --diff -`,
        `  ${PROGRAM} review --pr ${EXAMPLE_PR} --post`,
        `  ${PROGRAM} ask --pr ${EXAMPLE_PR} "is the retry loop bounded?"`,
        `  ${PROGRAM} check`,
        '',
        'More: https://github.com/keyless-pr-review/keyless-pr-review#readme'
      ].join('\n')
    )
  // Commander passes the parsed command last.
  const run =
    (name: CommandName) =>
    (...received: unknown[]) => {
      chosen(name, received.at(-1) as Command)
    }

  const setup = setupCommand().copyInheritedSettings(program).action(run('setup'))
  program.addCommand(setup)
  const reviewing = (
    name: CommandName,
    summary: string,
    description: string,
    examples: readonly string[]
  ): Command =>
    program
      .command(name)
      .summary(summary)
      .description(
        `${description} Reads a pull request (--pr) with your GitHub token, or a local diff (--diff); prints the result on stdout, and posts nothing without --post.`
      )
      .addHelpText('after', ['', 'Examples:', ...examples.map((e) => `  ${e}`)].join('\n'))
      .action(run(name))
  for (const command of [
    reviewing(
      'review',
      'review a pull request or a diff: the summary and inline findings',
      'The summary and the review the action would post: a table of the changes, and findings on their lines.',
      [
        `git diff main | ${PROGRAM} review --diff -`,
        `${PROGRAM} review --pr ${EXAMPLE_PR}`,
        `${PROGRAM} review --pr ${EXAMPLE_PR} --post`
      ]
    ),
    reviewing(
      'summarize',
      'summarize a pull request or a diff',
      'The summary the action would post: what changed, file by file.',
      [`${PROGRAM} summarize --pr ${EXAMPLE_PR}`]
    ),
    reviewing(
      'ask',
      'answer a question about a pull request or a diff',
      'The answer the action would give to /ask, within --ask-budget.',
      [
        `${PROGRAM} ask --pr ${EXAMPLE_PR} "is the retry loop bounded?"`,
        `git diff main | ${PROGRAM} ask --diff - "what could this break?"`
      ]
    ).argument('<question...>', 'the question (quoted, or as words)')
  ]) {
    for (const option of [...targetOptions(), ...inputOptions(true), verboseOption()]) {
      command.addOption(option)
    }
  }
  const check = program
    .command('check')
    .summary('check the keyless chain link by link: sign-in, each deployment, the GitHub API')
    .description(
      'Signs in as the flags say (the Azure CLI’s login by default), calls each deployment once, and reads the repository with your GitHub token when there is one. Posts nothing; stops at the first broken link with its cause and fix.'
    )
    .addHelpText('after', `\nExample:\n  ${PROGRAM} check --repo octo-org/octo-repo`)
    .option(
      '--repo <owner/name>',
      'the repository to read with your GitHub token (default: the git remote origin)'
    )
    .action(run('check'))
  for (const option of [...inputOptions(false), verboseOption()]) check.addOption(option)
  return program
}

/** A command's flags by their names, as parsed (with defaults and environment fallbacks). */
function flagsOf(command: Command): Flags {
  return Object.fromEntries(
    command.options.flatMap((option) =>
      option.long
        ? [[option.long.slice(2), command.getOptionValue(option.attributeName()) as unknown]]
        : []
    )
  ) as Flags
}

/**
 * Reads the command line: the command to run, or the exit code once --help, help or --version
 * printed what was asked (2 when no command was given). Throws a UsageError for anything else
 * it cannot read.
 */
export function parseCommandLine(
  argv: readonly string[],
  output: OutputConfiguration = {}
): Invocation | number {
  let invocation: Invocation | undefined
  // Usage errors are written by runCli, with their fix; commander's own line is not printed.
  const program = commandLine(
    (command, parsed) => {
      invocation = { command, flags: flagsOf(parsed), args: parsed.args, argv: argv.slice(1) }
    },
    { outputError: () => undefined, ...output }
  )
  const [first, named] = argv
  // Commander answers `help` of no command with the program's help, as if nothing were wrong.
  if (first === 'help' && named !== undefined && !isCommand(named) && named !== 'help') {
    throw unknownCommand(`Unknown command '${named}'`, program)
  }
  try {
    program.parse([...argv], { from: 'user' })
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error
    if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) {
      return error.exitCode === 0 ? 0 : 2
    }
    throw usageError(error, program, argv)
  }
  return invocation ?? 2
}

function isCommand(name: string | undefined): name is CommandName {
  return COMMANDS.some((command) => command === name)
}

function usageError(error: CommanderError, program: Command, argv: readonly string[]): UsageError {
  const problem = usageProblem(error)
  if (error.code === 'commander.unknownCommand') return unknownCommand(problem, program)
  const command = argv[0]
  return new UsageError(
    problem,
    isCommand(command)
      ? `${PROGRAM} ${command} --help   (lists its flags)`
      : `${PROGRAM} --help   (lists the commands)`
  )
}

function unknownCommand(problem: string, program: Command): UsageError {
  const commands = program.commands.map((c) => `  ${PROGRAM} ${c.name().padEnd(9)}  ${c.summary()}`)
  return new UsageError(
    problem,
    [`Run one of its commands (${PROGRAM} COMMAND --help describes each):`, ...commands].join('\n')
  )
}

export async function runCli(argv: readonly string[]): Promise<number> {
  let invocation: Invocation | number
  try {
    invocation = parseCommandLine(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`error: ${error.describe()}\n`)
    return 2
  }
  return typeof invocation === 'number' ? invocation : run(invocation)
}

async function run({ command, flags, args, argv }: Invocation): Promise<number> {
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
  const terminal = takeOverStdout({ verbose: flags['verbose'] === true })
  try {
    switch (command) {
      case 'setup':
        await runSetup(argv, terminal)
        break
      case 'check':
        await runCheckCommand(flags)
        break
      default:
        await runReviewCommand(command, flags, args, terminal)
    }
    return 0
  } catch (error) {
    terminal.say(`error: ${explain(error, undefined, troubleshootingUrl(), 'cli').describe()}`)
    return 1
  } finally {
    terminal.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

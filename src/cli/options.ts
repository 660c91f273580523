/**
 * The flags of `review`, `summarize`, `ask` and `check`. Each model, sign-in and review flag is
 * the action input of the same name, described and defaulted as action.yml says (read from it:
 * one source of truth), and read by inputs.ts through the CLI's reader, so the CLI validates and
 * explains its settings with the action's own code, its fixes written as flags. An absent
 * --endpoint or --deployment falls back to the repository-variable names the README uses
 * (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT); sign-in defaults to the Azure CLI's login.
 */
import { readFileSync } from 'node:fs'
import { Option } from 'commander'
import { load } from 'js-yaml'
import { readConfig, type InputName, type InputReader, type Setting } from '../inputs.js'
import type { Config } from '../settings.js'

/** A command's parsed flags, by their names without `--`. */
export type Flags = Readonly<Record<string, string | readonly string[] | boolean | undefined>>

/** An input flag: the input, the word for its value in --help, and where else it comes from. */
interface InputFlag {
  readonly input: InputName
  readonly value: string
  readonly env?: string
  /** Repeatable: one value per use, joined one per line as the action's input takes them. */
  readonly repeatable?: true
}

const MODEL_FLAGS: readonly InputFlag[] = [
  { input: 'endpoint', value: 'url', env: 'AZURE_OPENAI_ENDPOINT' },
  { input: 'deployment', value: 'name', env: 'AZURE_OPENAI_DEPLOYMENT' },
  { input: 'summary-deployment', value: 'name' },
  { input: 'api-version', value: 'date' },
  { input: 'request-timeout', value: 'seconds' }
]

const SIGN_IN_FLAGS: readonly InputFlag[] = [
  { input: 'auth', value: 'kind' },
  { input: 'tenant-id', value: 'tenant' },
  { input: 'client-id', value: 'guid' },
  { input: 'cloud', value: 'name' },
  { input: 'authority-host', value: 'url' },
  { input: 'scope', value: 'scope' },
  { input: 'audience', value: 'audience' }
]

const REVIEW_FLAGS: readonly InputFlag[] = [
  { input: 'token-budget', value: 'tokens' },
  { input: 'ask-budget', value: 'tokens' },
  { input: 'concurrency', value: 'requests' },
  { input: 'include', value: 'glob', repeatable: true },
  { input: 'exclude', value: 'glob', repeatable: true },
  { input: 'instructions', value: 'text' },
  { input: 'language', value: 'language' },
  { input: 'incremental', value: 'true|false' }
]

/** On a laptop the Azure CLI's login is the natural identity. */
const CLI_DEFAULTS: Partial<Record<InputName, string>> = { auth: 'azure-cli' }

/** The flags that choose what to work on, for the commands that review, summarize or ask. */
export function targetOptions(): Option[] {
  const group = 'Pull request or diff:'
  return [
    new Option('--pr <owner/name#N>', 'the pull request to read (or its URL)'),
    new Option(
      '--diff <file>',
      'a unified diff to review instead (- reads stdin); the working tree is its head'
    ),
    new Option('--title <text>', 'the title a --diff is reviewed under'),
    new Option('--post', 'post the result on the pull request (with --pr), as the action would')
  ].map((option) => option.helpGroup(group))
}

/** The action inputs that are flags: model and sign-in for every command, review ones too. */
export function inputOptions(review: boolean): Option[] {
  const described = actionInputs()
  const groups: [string, readonly InputFlag[]][] = [
    ['Azure OpenAI:', MODEL_FLAGS],
    ['Sign-in (the Azure CLI’s login by default):', SIGN_IN_FLAGS],
    ...(review ? [['Review:', REVIEW_FLAGS] as [string, readonly InputFlag[]]] : [])
  ]
  return groups.flatMap(([group, flags]) =>
    flags.map((flag) => {
      const input = described[flag.input]
      const description = [
        input?.description,
        flag.repeatable ? 'Repeat the flag for each one.' : undefined
      ]
      const option = new Option(
        `--${flag.input} <${flag.value}>`,
        description.filter(Boolean).join(' ')
      ).helpGroup(group)
      const fallback = CLI_DEFAULTS[flag.input] ?? input?.default
      if (fallback) option.default(fallback)
      if (flag.env) option.env(flag.env)
      if (flag.repeatable) {
        option.argParser((value: string, previous: string[] | undefined) => [
          ...(previous ?? []),
          value
        ])
      }
      return option
    })
  )
}

/** Every command's own: more progress detail. */
export function verboseOption(): Option {
  return new Option('-v, --verbose', 'print every step, and the debug log, on stderr')
}

/**
 * The Config the action would build from the same values: every input flag as its input, the
 * GitHub token (when the command needs one) as `github-token`, nothing posted unless `post`.
 */
export function configFrom(flags: Flags, context: { githubToken?: string; post: boolean }): Config {
  return readConfig(cliInputs(flags, context), { githubToken: context.githubToken !== undefined })
}

function cliInputs(flags: Flags, context: { githubToken?: string; post: boolean }): InputReader {
  const given: Partial<Record<InputName, string>> = {
    'github-token': context.githubToken ?? '',
    'dry-run': context.post ? 'false' : 'true',
    mode: 'both'
  }
  for (const { input } of [...MODEL_FLAGS, ...SIGN_IN_FLAGS, ...REVIEW_FLAGS]) {
    const value = flags[input]
    // As the runner passes a multi-line input: one glob per line.
    given[input] = typeof value === 'string' ? value : Array.isArray(value) ? value.join('\n') : ''
  }
  return {
    read: (input) => given[input]?.trim() ?? '',
    fix: (settings) => settings.map(asFlag).join('\n')
  }
}

/** A setting as the flag that makes it, a command line's argument. */
function asFlag({ input, value }: Setting): string {
  const argument = /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
  return `  --${input} ${argument}`
}

interface ActionInput {
  readonly description?: string
  readonly default?: string
}

/** action.yml's inputs (the bundle carries the file: ncc copies what `new URL` names). */
function actionInputs(): Readonly<Partial<Record<InputName, ActionInput>>> {
  const action = load(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
    inputs?: Partial<Record<InputName, ActionInput>>
  }
  return action.inputs ?? {}
}

/** Commander's usage error ("error: unknown option '--x'") as the sentence a CLI error starts with. */
export function usageProblem(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/^error: /, '')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}

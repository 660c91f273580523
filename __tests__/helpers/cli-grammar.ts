/**
 * What the real `az` and `gh` parsers refuse before a command runs, in their own words and exit
 * codes. The fakes of fake-cli.ts answer with this first, so a command built wrong fails in the
 * tests as it would on a user's machine. az's grammar is generated from the installed Azure CLI
 * (scripts/az-commands.js → fixtures/az-commands.ts); gh's is written from its manual
 * (cli.github.com/manual), for the three commands the project runs. Flags are matched in full:
 * argparse would also take an abbreviation, which the project never writes.
 */
import { AZ_GRAMMAR } from '../fixtures/az-commands.js'

/** What a flag takes after it: argparse's nargs None, '+', 0, and '?' or '*'. */
type Takes = 'one' | 'many' | 'none' | 'optional'

interface AzArgument {
  readonly names: readonly string[]
  readonly takes: Takes
  readonly required?: boolean
  readonly allowed?: readonly string[]
}

interface AzCommand {
  /** As azure-cli lists the missing ones: `--resource-group/-g`, in its order. */
  readonly required: readonly string[]
  /** Required unless --ids names the resource, in the order azure-cli lists them. */
  readonly requiredUnlessIds: readonly string[]
  readonly arguments: readonly AzArgument[]
}

export interface AzGrammar {
  readonly azureCli: string
  readonly commands: Readonly<Record<string, AzCommand>>
}

export interface Refusal {
  readonly stderr: string
  readonly code: number
}

/** argparse reads `-x` and `--x` as flags, and a negative number as a value. */
const isFlag = (token: string): boolean => /^-./.test(token) && !/^-\d*\.?\d+$/.test(token)

/** The longest run of leading words that names a command in `table`, and the argv after it. */
function find<T>(
  table: Readonly<Record<string, T>>,
  args: readonly string[]
): { path: string; command: T | undefined; rest: readonly string[] } {
  const at = args.findIndex(isFlag)
  const words = at === -1 ? args : args.slice(0, at)
  for (let n = words.length; n > 0; n--) {
    const path = words.slice(0, n).join(' ')
    const command = table[path]
    if (command) return { path, command, rest: args.slice(n) }
  }
  return { path: words.join(' '), command: undefined, rest: args.slice(words.length) }
}

const azError = (message: string, code = 2): Refusal => ({ stderr: `ERROR: ${message}\n`, code })

/** azure-cli's refusal of `az …args`, or undefined when its parser accepts them. */
export function azRefusal(args: readonly string[]): Refusal | undefined {
  const { path, command, rest } = find(AZ_GRAMMAR.commands, args)
  if (!command) {
    return {
      stderr: `fake az: 'az ${path}' is not in __tests__/fixtures/az-commands.ts (azure-cli ${AZ_GRAMMAR.azureCli}): add it to scripts/az-commands.js and run it\n`,
      code: 2
    }
  }
  const seen = new Set<string>()
  const extras: string[] = []
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? ''
    if (!isFlag(token)) {
      extras.push(token)
      continue
    }
    const [name = '', explicit] = token.startsWith('--') ? splitOnce(token, '=') : [token]
    const argument = command.arguments.find((a) => a.names.includes(name))
    if (!argument) {
      extras.push(token)
      continue
    }
    const display = `argument ${argument.names.join('/')}`
    const values: string[] = explicit === undefined ? [] : [explicit]
    if (argument.takes === 'none' && explicit !== undefined) {
      return azError(`${display}: ignored explicit argument '${explicit}'`)
    }
    if (explicit === undefined && argument.takes !== 'none') {
      const single = argument.takes === 'one'
      while (i + 1 < rest.length && !isFlag(rest[i + 1] ?? '-')) {
        values.push(rest[++i] ?? '')
        if (single) break
      }
      if (values.length === 0 && single) return azError(`${display}: expected one argument`)
      if (values.length === 0 && argument.takes === 'many') {
        return azError(`${display}: expected at least one argument`)
      }
    }
    const allowed = argument.allowed?.map((a) => a.toLowerCase())
    const invalid = values.find((v) => allowed && !allowed.includes(v.toLowerCase()))
    if (invalid !== undefined) {
      return azError(
        `az ${path}: '${invalid}' is not a valid value for '${argument.names[0] ?? ''}'. Allowed values: ${(argument.allowed ?? []).join(', ')}.`
      )
    }
    seen.add(argument.names[0] ?? '')
  }
  // argparse's order: required flags, then what it did not recognise; azure-cli's --ids rule last.
  const missing = command.required.filter((r) => !seen.has(r.split('/')[0] ?? ''))
  if (missing.length > 0) {
    return azError(`the following arguments are required: ${missing.join(', ')}`)
  }
  if (extras.length > 0) return azError(`unrecognized arguments: ${extras.join(' ')}`)
  const unnamed = command.requiredUnlessIds.filter((r) => !seen.has(r))
  if (!seen.has('--ids') && unnamed.length > 0) {
    return azError(`(${unnamed.join(' ')} | --ids) are required`, 1)
  }
  return undefined
}

function splitOnce(token: string, separator: string): [string, string | undefined] {
  const at = token.indexOf(separator)
  return at === -1 ? [token, undefined] : [token.slice(0, at), token.slice(at + 1)]
}

interface GhFlag {
  readonly long: string
  readonly short?: string
  readonly allowed?: readonly string[]
}

interface GhCommand {
  readonly usage: string
  readonly flags: readonly GhFlag[]
  /** cobra's refusal of arguments the command does not take. */
  readonly args: (given: readonly string[]) => string | undefined
  /** The command's own checks, after parsing, in its words. */
  readonly check?: (
    given: readonly string[],
    flags: ReadonlyMap<string, string>
  ) => string | undefined
  /** `--json` fields (cmdutil.AddJSONFlags). */
  readonly json?: readonly string[]
}

/** `-R, --repo`, inherited from `gh variable`. */
const REPO: GhFlag = { long: 'repo', short: 'R' }

/** The manual's pages: gh variable list, gh variable set, gh auth token. */
const GH: Readonly<Record<string, GhCommand>> = {
  'variable list': {
    usage: 'gh variable list [flags]',
    flags: [
      { long: 'env', short: 'e' },
      { long: 'org', short: 'o' },
      { long: 'json' },
      { long: 'jq', short: 'q' },
      { long: 'template', short: 't' },
      REPO
    ],
    // cobra.NoArgs
    args: (given) =>
      given[0] === undefined ? undefined : `unknown command "${given[0]}" for "gh variable list"`,
    json: [
      'createdAt',
      'name',
      'numSelectedRepos',
      'selectedReposURL',
      'updatedAt',
      'value',
      'visibility'
    ]
  },
  'variable set': {
    usage: 'gh variable set <variable-name> [flags]',
    flags: [
      { long: 'body', short: 'b' },
      { long: 'env', short: 'e' },
      { long: 'env-file', short: 'f' },
      { long: 'org', short: 'o' },
      { long: 'repos', short: 'r' },
      { long: 'visibility', short: 'v', allowed: ['all', 'private', 'selected'] },
      REPO
    ],
    args: (given) =>
      given.length > 1 ? `accepts at most 1 arg(s), received ${given.length}` : undefined,
    check: (given, flags) =>
      given.length === 0 && !flags.has('env-file') ? 'must pass name argument' : undefined
  },
  'auth token': {
    usage: 'gh auth token [flags]',
    flags: [
      { long: 'hostname', short: 'h' },
      { long: 'user', short: 'u' }
    ],
    args: (given) => (given.length > 0 ? `accepts 0 arg(s), received ${given.length}` : undefined)
  }
}

const ghError = (message: string, usage?: string): Refusal => ({
  stderr: `${message}\n${usage ? `\nUsage:  ${usage}\n` : ''}`,
  code: 1
})

/** gh's refusal of `gh …args` (pflag, then cobra, then the command), or undefined. */
export function ghRefusal(args: readonly string[]): Refusal | undefined {
  const { path, command, rest } = find(GH, args)
  if (!command) {
    return ghError(
      `fake gh: 'gh ${path}' is not in the grammar of __tests__/helpers/cli-grammar.ts: add it from the manual (cli.github.com/manual)`
    )
  }
  const flags = new Map<string, string>()
  const given: string[] = []
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? ''
    if (!token.startsWith('-') || token === '-') {
      given.push(token)
      continue
    }
    const long = token.startsWith('--')
    const [name, inline] = long
      ? splitOnce(token.slice(2), '=')
      : [token.slice(1, 2), token.slice(2) || undefined]
    if (long && name === 'help') continue
    const flag = command.flags.find((f) => (long ? f.long === name : f.short === name))
    if (!flag) {
      return ghError(
        long ? `unknown flag: --${name}` : `unknown shorthand flag: '${name}' in ${token}`,
        command.usage
      )
    }
    const value = inline ?? rest[++i]
    if (value === undefined) {
      return ghError(
        long
          ? `flag needs an argument: --${name}`
          : `flag needs an argument: '${name}' in -${name}`,
        command.usage
      )
    }
    if (flag.allowed && !flag.allowed.includes(value)) {
      return ghError(
        `invalid argument "${value}" for "-${flag.short ?? ''}, --${flag.long}" flag: valid values are {${flag.allowed.join('|')}}`,
        command.usage
      )
    }
    flags.set(flag.long, value)
  }
  const refused = command.args(given)
  if (refused) return ghError(refused, command.usage)
  const unknownField = (flags.get('json') ?? '')
    .split(',')
    .find((f) => command.json && flags.has('json') && !command.json.includes(f))
  if (unknownField !== undefined) {
    return ghError(
      `Unknown JSON field: "${unknownField}"\nAvailable fields:\n  ${(command.json ?? []).join('\n  ')}`
    )
  }
  const checked = command.check?.(given, flags)
  return checked ? ghError(checked, command.usage) : undefined
}

/**
 * The fakes that stand in for `az` and `gh` in the setup suites refuse what the real parsers
 * refuse, in their words and with their exit codes. Each az case is a command azure-cli 2.45.0
 * refused, signed out, and its first line is what it printed; the gh cases are gh's own
 * wordings (pflag, cobra, cli/cli's commands), and gh 2.23's where it has the command.
 */
import { describe, expect, it } from '@jest/globals'
import { azRefusal, ghRefusal } from '../helpers/cli-grammar.js'
import { ACCOUNT_ID, RESOURCE_GROUP } from '../helpers/fake-cli.js'

const firstLine = (stderr: string | undefined): string => (stderr ?? '').split('\n')[0] ?? ''

describe('the fake az refuses what azure-cli 2.45.0 refuses', () => {
  it.each<[string, string[], number, string]>([
    [
      'a resource id to a show that takes no --ids: the name and group are missing',
      ['cognitiveservices', 'account', 'show', '--ids', ACCOUNT_ID, '-o', 'json'],
      2,
      'ERROR: the following arguments are required: --resource-group/-g, --name/-n'
    ],
    [
      'an unknown flag, with the value after it',
      ['identity', 'show', '--name', 'x', '--resource-group', 'g', '--bogus', 'y'],
      2,
      'ERROR: unrecognized arguments: --bogus y'
    ],
    [
      'a required flag left out (argparse checks it before unknown ones)',
      ['identity', 'create', '--name', 'kpr', '--bogus', 'x'],
      2,
      'ERROR: the following arguments are required: --resource-group/-g'
    ],
    [
      'a flag without its value',
      ['identity', 'create', '--bogus', 'x', '--name'],
      2,
      'ERROR: argument --name/-n: expected one argument'
    ],
    [
      'a list flag without any value',
      ['identity', 'federated-credential', 'create', '--audiences'],
      2,
      'ERROR: argument --audiences: expected at least one argument'
    ],
    [
      'a value a switch does not take',
      ['role', 'assignment', 'list', '--include-inherited', 'yes'],
      2,
      'ERROR: unrecognized arguments: yes'
    ],
    [
      'a value outside the allowed ones, listed in the parser’s order',
      ['role', 'assignment', 'create', '--assignee-principal-type', 'Nope', '--bogus', 'y'],
      2,
      "ERROR: az role assignment create: 'Nope' is not a valid value for '--assignee-principal-type'. Allowed values: User, Group, ServicePrincipal, ForeignGroup."
    ],
    [
      'an output format az does not have',
      ['account', 'show', '--output=xml'],
      2,
      "ERROR: az account show: 'xml' is not a valid value for '--output'. Allowed values: json, jsonc, yaml, yamlc, table, tsv, none."
    ],
    [
      'a show without the name and group or --ids',
      ['identity', 'show', '--name', 'x'],
      1,
      'ERROR: (--resource-group | --ids) are required'
    ]
  ])('%s', (_, args, code, said) => {
    const refused = azRefusal(args)
    expect(refused?.code).toBe(code)
    expect(firstLine(refused?.stderr)).toBe(said)
  })

  it('accepts what azure-cli accepts: short names, an enum in any case, a list of values', () => {
    expect(
      azRefusal([
        'role',
        'assignment',
        'create',
        '--assignee-object-id',
        '00000000-0000-4000-8000-000000000001',
        '--assignee-principal-type',
        'serviceprincipal',
        '--role',
        'Cognitive Services OpenAI User',
        '--scope',
        ACCOUNT_ID
      ])
    ).toBeUndefined()
    expect(azRefusal(['identity', 'show', '-n', 'x', '-g', RESOURCE_GROUP])).toBeUndefined()
    expect(
      azRefusal([
        'identity',
        'federated-credential',
        'create',
        '-n',
        'a',
        '--identity-name',
        'b',
        '-g',
        'c',
        '--audiences',
        'api://one',
        'api://two'
      ])
    ).toBeUndefined()
  })

  it('names the generator when a command is not in the grammar, rather than guessing', () => {
    expect(azRefusal(['identity', 'delete', '--name', 'x'])?.stderr).toContain(
      "'az identity delete' is not in __tests__/fixtures/az-commands.ts (azure-cli 2.45.0): add it to scripts/az-commands.js"
    )
  })
})

describe('the fake gh refuses what gh refuses', () => {
  const repo = ['--repo', 'octo-org/octo-repo']

  it.each<[string, string[], string]>([
    ['an unknown flag', ['variable', 'set', 'A', '--bogus', 'x'], 'unknown flag: --bogus'],
    [
      'an unknown shorthand',
      ['variable', 'set', 'A', '-Z', 'x'],
      "unknown shorthand flag: 'Z' in -Z"
    ],
    [
      'a flag without its value',
      ['variable', 'set', 'A', '--repo'],
      'flag needs an argument: --repo'
    ],
    [
      'a variable without its name',
      ['variable', 'set', '--body', 'x', ...repo],
      'must pass name argument'
    ],
    [
      'two names',
      ['variable', 'set', 'A', 'B', '--body', 'x', ...repo],
      'accepts at most 1 arg(s), received 2'
    ],
    [
      'a visibility gh does not have',
      ['variable', 'set', 'A', '--org', 'o', '--visibility', 'public'],
      'invalid argument "public" for "-v, --visibility" flag: valid values are {all|private|selected}'
    ],
    [
      'a JSON field gh does not list',
      ['variable', 'list', ...repo, '--json', 'name,secret'],
      'Unknown JSON field: "secret"'
    ],
    [
      'an argument gh auth token does not take',
      ['auth', 'token', 'x'],
      'accepts 0 arg(s), received 1'
    ]
  ])('%s', (_, args, said) => {
    const refused = ghRefusal(args)
    expect(refused?.code).toBe(1)
    expect(firstLine(refused?.stderr)).toBe(said)
  })

  it('accepts the commands as the manual writes them, in either order of name and flags', () => {
    expect(ghRefusal(['variable', 'list', ...repo, '--json', 'name,value'])).toBeUndefined()
    expect(ghRefusal(['variable', 'set', 'A', '--body', 'x', ...repo])).toBeUndefined()
    expect(ghRefusal(['variable', 'set', '-R', 'o/r', '-b', 'x', 'A'])).toBeUndefined()
    expect(ghRefusal(['auth', 'token', '--hostname', 'github.com'])).toBeUndefined()
  })
})

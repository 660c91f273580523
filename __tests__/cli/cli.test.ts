/**
 * The command table: each command's own help lists exactly the flags it accepts (and setup's,
 * every flag docs/setup.md documents), descriptions come from action.yml, --version is
 * package.json's, and what the table cannot read is a usage error (exit 2) that names it and
 * says where to look.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { load } from 'js-yaml'
import { COMMANDS, parseCommandLine, runCli, UsageError } from '../../src/cli/cli.js'

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8')
const manifest = JSON.parse(read('../../package.json')) as { version: string }
const action = load(read('../../action.yml')) as {
  inputs: Record<string, { description: string }>
}

/** What the table prints on stdout for `argv`, and the exit code it chose. */
function printed(argv: string[]): { code: number; out: string } {
  let out = ''
  const parsed = parseCommandLine(argv, {
    writeOut: (s) => (out += s),
    writeErr: (s) => (out += s)
  })
  expect(typeof parsed).toBe('number')
  return { code: parsed as number, out }
}

const help = (command: string): string => printed([command, '--help']).out

/** The long flags a help text lists, in its option lines. */
const listed = (text: string): string[] =>
  [...text.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] ?? '')

/** Whether `command` takes `flag` (given a value, and for ask a question). */
function accepts(command: string, flag: string): boolean {
  try {
    parseCommandLine([command, flag, 'VALUE', ...(command === 'ask' ? ['why?'] : [])], {
      writeOut: () => undefined
    })
    return true
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return !/^Unknown option/.test((error as Error).message)
  }
}

/** Every flag any command lists, and every action input as a flag. */
const FLAGS = [
  ...new Set([
    ...COMMANDS.flatMap((command) => listed(help(command))),
    ...Object.keys(action.inputs).map((input) => `--${input}`),
    '--version'
  ])
].sort()

describe('each command’s help', () => {
  it.each(COMMANDS)('%s --help lists exactly the flags the command accepts', (command) => {
    const shown = listed(help(command)).sort()
    expect(shown).toContain('--help')
    expect(FLAGS.filter((flag) => accepts(command, flag))).toEqual(shown)
  })

  it.each(COMMANDS)('help %s prints what the command’s --help prints', (command) => {
    expect(printed(['help', command])).toEqual({ code: 0, out: help(command) })
  })

  it('setup --help lists every flag of the table in docs/setup.md', () => {
    const doc = read('../../docs/setup.md')
    const table = doc.slice(doc.indexOf('\n## Flags'), doc.indexOf('\n## What it does'))
    const documented = [...table.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1] ?? '')
    expect(documented.length).toBeGreaterThan(10)
    expect(documented.filter((flag) => !listed(help('setup')).includes(flag))).toEqual([])
  })

  it('describes the action inputs in action.yml’s words, with the CLI’s defaults and fallbacks', () => {
    const words = (text: string): string => text.replace(/\s+/g, ' ')
    const review = words(help('review'))
    for (const input of ['token-budget', 'endpoint', 'include', 'request-timeout']) {
      expect(review).toContain(words(action.inputs[input]?.description ?? '?'))
    }
    expect(review).toMatch(/--endpoint <url> .*\(env: AZURE_OPENAI_ENDPOINT\)/)
    expect(review).toMatch(/--auth <kind> .*\(default: "azure-cli"\)/)
    expect(listed(help('check'))).not.toContain('--token-budget')
  })

  it('lists the commands with their summaries, and reads --help of the program', () => {
    const { code, out } = printed(['--help'])
    expect(code).toBe(0)
    for (const command of COMMANDS) expect(out).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'))
  })
})

describe('--version', () => {
  it.each(['--version', '-V'])('%s prints package.json’s version', (flag) => {
    expect(printed([flag])).toEqual({ code: 0, out: `${manifest.version}\n` })
  })
})

describe('what the table cannot read', () => {
  let stderr: string
  let stdout: string
  beforeEach(() => {
    stderr = ''
    stdout = ''
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      stderr += String(chunk)
      return true
    })
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      stdout += String(chunk)
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })

  it('an unknown command: names it, lists the commands, exits 2', async () => {
    expect(await runCli(['frobnicate'])).toBe(2)
    expect(stderr).toMatch(/^error: Unknown command 'frobnicate'\nFix: Run one of its commands/)
    for (const command of COMMANDS) {
      expect(stderr).toMatch(new RegExp(`^ {2}keyless-pr-review ${command} +\\S`, 'm'))
    }
    expect(stdout).toBe('')
  })

  it('help of an unknown command: the same error, not the program’s help', async () => {
    expect(await runCli(['help', 'frobnicate'])).toBe(2)
    expect(stderr).toMatch(/^error: Unknown command 'frobnicate'\nFix: Run one of its commands/)
    expect(stderr).not.toMatch(/keyless-pr-review help/)
    expect(stdout).toBe('')
  })

  it('an unknown flag: names it and points at the command’s --help, exits 2', async () => {
    expect(await runCli(['review', '--bogus', '--pr', 'o/r#1'])).toBe(2)
    expect(stderr).toBe(
      "error: Unknown option '--bogus'\nFix: keyless-pr-review review --help   (lists its flags)\n"
    )
  })

  it('a misspelt flag: suggests the flag meant', () => {
    expect(() => parseCommandLine(['check', '--endpont', 'https://x'])).toThrow(
      /Unknown option '--endpont'\n\(Did you mean --endpoint\?\)/
    )
  })

  it('a flag without its value, and ask without a question, are usage errors too', async () => {
    expect(await runCli(['review', '--pr'])).toBe(2)
    expect(stderr).toContain("error: Option '--pr <owner/name#N>' argument missing")
    expect(await runCli(['ask', '--pr', 'o/r#1'])).toBe(2)
    expect(stderr).toContain("error: Missing required argument 'question'")
    expect(stderr).toContain('keyless-pr-review ask --help')
  })

  it('no command: the help on stderr, exit 2', async () => {
    expect(await runCli([])).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('Usage: keyless-pr-review [options] [command]')
  })

  it('help and --version go to stdout and exit 0', async () => {
    expect(await runCli(['help', 'check'])).toBe(0)
    expect(await runCli(['-V'])).toBe(0)
    expect(stdout).toContain('Usage: keyless-pr-review check [options]')
    expect(stdout).toContain(`${manifest.version}\n`)
    expect(stderr).toBe('')
  })
})

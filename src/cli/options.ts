/**
 * The CLI's flags: each model and review flag is the action input of the same name, passed to
 * inputs.ts through the environment the runner would use (`INPUT_<NAME>`), so the CLI reads,
 * validates and explains its settings with the action's own code. Flags absent fall back to
 * the repository-variable names the README uses (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { readConfig } from '../inputs.js'
import { ConfigError } from '../errors.js'
import type { Config } from '../settings.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags named after the action's inputs. */
const INPUT_FLAGS: Options = {
  endpoint: { type: 'string' },
  deployment: { type: 'string' },
  'summary-deployment': { type: 'string' },
  'api-version': { type: 'string' },
  auth: { type: 'string' },
  'client-id': { type: 'string' },
  'tenant-id': { type: 'string' },
  cloud: { type: 'string' },
  'authority-host': { type: 'string' },
  scope: { type: 'string' },
  audience: { type: 'string' },
  'token-budget': { type: 'string' },
  'ask-budget': { type: 'string' },
  concurrency: { type: 'string' },
  'request-timeout': { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  instructions: { type: 'string' },
  language: { type: 'string' },
  incremental: { type: 'string' }
}

/** Flags of the commands that review, summarize, ask or check. */
export const REVIEW_FLAGS: Options = {
  ...INPUT_FLAGS,
  pr: { type: 'string' },
  diff: { type: 'string' },
  title: { type: 'string' },
  post: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' }
}

const FROM_ENVIRONMENT: Record<string, string> = {
  endpoint: 'AZURE_OPENAI_ENDPOINT',
  deployment: 'AZURE_OPENAI_DEPLOYMENT'
}

/** On a laptop the Azure CLI's login is the natural identity. */
const CLI_DEFAULTS: Record<string, string> = { auth: 'azure-cli' }

export type Parsed = ReturnType<typeof parseArgs<{ options: Options; allowPositionals: true }>>

export function parse(argv: readonly string[], options: Options = REVIEW_FLAGS): Parsed {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new ConfigError(
      error instanceof Error ? error.message : String(error),
      'run the command with --help for its flags'
    )
  }
}

/**
 * The Config the action would build from the same values: every flag set as its input, the
 * GitHub token (when the command needs one) as `github-token`, nothing posted unless `post`.
 */
export function configFrom(
  values: Parsed['values'],
  context: { githubToken?: string; post: boolean }
): Config {
  const saved = { ...process.env }
  try {
    for (const name of Object.keys(INPUT_FLAGS)) {
      const given = values[name]
      const value = Array.isArray(given)
        ? given.join('\n')
        : typeof given === 'string'
          ? given
          : (process.env[FROM_ENVIRONMENT[name] ?? ''] ?? CLI_DEFAULTS[name] ?? '')
      setInput(name, value)
    }
    setInput('github-token', context.githubToken ?? '')
    setInput('dry-run', context.post ? 'false' : 'true')
    setInput('mode', 'both')
    return readConfig({ githubToken: context.githubToken !== undefined })
  } catch (error) {
    throw error instanceof ConfigError ? asFlags(error) : error
  } finally {
    for (const key of Object.keys(process.env))
      if (!(key in saved)) Reflect.deleteProperty(process.env, key)
    Object.assign(process.env, saved)
  }
}

function setInput(name: string, value: string): void {
  process.env[`INPUT_${name.toUpperCase()}`] = value
}

/** The action's fix says `with:` and YAML lines; at a terminal the same fix is a flag. */
function asFlags(error: ConfigError): ConfigError {
  const fix = error.fix
    .split('\n')
    .filter((line) => line.trim() !== 'with:')
    .map((line) => {
      const yaml = /^\s+([a-z-]+): (.*)$/.exec(line)
      return yaml ? `  --${yaml[1]} ${yaml[2]}` : line
    })
    .join('\n')
  return new ConfigError(error.message, fix, { cause: error })
}

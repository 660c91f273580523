/**
 * Runs `az` and `gh`: spawned with an argument array (never a shell string), JSON answers
 * validated, failures explained (failures.ts). Queries run even in a dry run, so the plan is
 * exact; a change runs only for real, and is recorded either way as the exact command line,
 * which is what a dry run prints.
 */
import { spawn } from 'node:child_process'
import type { z } from 'zod'
import { ActionError } from '../../errors.js'
import { shellArg } from '../../diagnosis/facts.js'
import { explainFailure, isNotFound, type SignedIn, type Tool } from './failures.js'

export type { Tool } from './failures.js'

interface Completed {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

const INSTALL: Readonly<Record<Tool, string>> = {
  az: 'Install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli), then: az login',
  gh: 'Install the GitHub CLI (https://cli.github.com), then: gh auth login'
}

const NAMES: Readonly<Record<Tool, string>> = { az: 'Azure CLI (az)', gh: 'GitHub CLI (gh)' }

const UPDATE: Readonly<Record<Tool, string>> = {
  az: 'Update the Azure CLI (az upgrade)',
  gh: 'Update the GitHub CLI (https://cli.github.com)'
}

/** The command as a shell line: what a dry run prints and a person can paste. */
export function commandLine(tool: Tool, args: readonly string[]): string {
  return [tool, ...args].map(shellArg).join(' ')
}

function execute(tool: Tool, args: readonly string[]): Promise<Completed> {
  return new Promise((resolve, reject) => {
    // The environment passed explicitly: this process's, as it stands now (PATH included).
    const child = spawn(tool, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      env: process.env
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new ActionError(
              `The ${NAMES[tool]} is not installed, or not on PATH.`,
              // Windows installs az as az.cmd, which Node runs only through a shell.
              process.platform === 'win32'
                ? `${INSTALL[tool]}; on Windows run setup inside WSL, where ${tool} is an executable`
                : INSTALL[tool],
              { cause: error }
            )
          : error
      )
    })
    child.on('close', (code) => {
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        code: code ?? 1
      })
    })
  })
}

export interface Runner {
  readonly dryRun: boolean
  /** Every change, executed or (in a dry run) planned, as its exact command line, in order. */
  readonly changes: readonly string[]
  /** Who is signed in to az, for explanations; set once known. */
  signedIn: SignedIn | undefined
  /** A read-only command; its JSON answer. */
  query<T>(schema: z.ZodType<T>, tool: Tool, args: readonly string[], doing: string): Promise<T>
  /** A `show`: undefined when the object does not exist. */
  find<T>(
    schema: z.ZodType<T>,
    tool: Tool,
    args: readonly string[],
    doing: string
  ): Promise<T | undefined>
  /** A command that changes something: its JSON answer, or undefined in a dry run (or no schema). */
  change<T>(
    schema: z.ZodType<T> | undefined,
    tool: Tool,
    args: readonly string[],
    doing: string
  ): Promise<T | undefined>
}

export function createRunner(dryRun: boolean, say: (line: string) => void): Runner {
  const changes: string[] = []

  const run = async (tool: Tool, args: readonly string[]) => {
    const command = commandLine(tool, args)
    say(`$ ${command}`)
    return { command, result: await execute(tool, args) }
  }
  const parse = <T>(schema: z.ZodType<T>, tool: Tool, command: string, stdout: string): T => {
    let json: unknown
    try {
      json = JSON.parse(stdout)
    } catch {
      json = undefined
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      throw new ActionError(
        `Unexpected answer to: ${command}\n  ${stdout.trim().slice(0, 300) || '(empty)'}`,
        `${UPDATE[tool]}, then run setup again; if it persists, report it with this output.`
      )
    }
    return parsed.data
  }

  const runner: Runner = {
    dryRun,
    changes,
    signedIn: undefined,
    async query(schema, tool, args, doing) {
      const { command, result } = await run(tool, args)
      if (result.code !== 0)
        throw explainFailure({ tool, command, doing, ...result }, runner.signedIn)
      return parse(schema, tool, command, result.stdout)
    },
    async find(schema, tool, args, doing) {
      const { command, result } = await run(tool, args)
      if (result.code !== 0) {
        if (isNotFound(result.stderr)) return undefined
        throw explainFailure({ tool, command, doing, ...result }, runner.signedIn)
      }
      return parse(schema, tool, command, result.stdout)
    },
    async change(schema, tool, args, doing) {
      const command = commandLine(tool, args)
      changes.push(command)
      if (dryRun) {
        say(`would run: ${command}`)
        return undefined
      }
      const { result } = await run(tool, args)
      if (result.code !== 0)
        throw explainFailure({ tool, command, doing, ...result }, runner.signedIn)
      return schema ? parse(schema, tool, command, result.stdout) : undefined
    }
  }
  return runner
}

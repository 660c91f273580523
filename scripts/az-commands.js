// Writes __tests__/fixtures/az-commands.ts: the grammar of every `az` command this project runs,
// as the installed Azure CLI states it. For each command, `az <command> --help` gives the flags,
// their aliases, the [Required] ones and their allowed values; then the parser itself is asked
// what each flag takes, signed out (a fresh AZURE_CONFIG_DIR), so nothing reaches Azure:
//   `az <command> --flag`    "expected one argument" → one value, "expected at least one" → many
//   `az <command> --flag=x`  "ignored explicit argument" → a switch; accepted → an optional value;
//                            for a flag with allowed values, "Allowed values: …" in the parser's order
//   `az <command>`           the required flags, in the order and wording azure-cli reports them
// The fake `az` of __tests__/helpers/fake-cli.ts refuses, in azure-cli's words, whatever this
// grammar refuses. Usage (with az on PATH): node scripts/az-commands.js
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as prettier from 'prettier'

/** Every command src/cli/setup runs, and the Azure CLI sign-in's token request (@azure/identity). */
const COMMANDS = [
  'account show',
  'account get-access-token',
  'cognitiveservices account show',
  'cognitiveservices account list',
  'cognitiveservices account deployment show',
  'cognitiveservices account deployment list',
  'identity show',
  'identity create',
  'identity federated-credential list',
  'identity federated-credential create',
  'ad app list',
  'ad app create',
  'ad app federated-credential list',
  'ad app federated-credential create',
  'ad sp show',
  'ad sp create',
  'role assignment list',
  'role assignment create'
]
const OUT = '__tests__/fixtures/az-commands.ts'

const config = mkdtempSync(join(tmpdir(), 'az-grammar-'))
const env = {
  ...process.env,
  AZURE_CONFIG_DIR: config,
  AZURE_CORE_COLLECT_TELEMETRY: 'false',
  AZURE_CORE_NO_COLOR: 'true',
  AZURE_CORE_SURVEY_MESSAGE: 'false'
}

/** Runs az; its exit code and what it printed. */
function az(args) {
  return new Promise((resolve) => {
    execFile('az', args, { env, maxBuffer: 1 << 22 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** The argument table of `--help`: one entry per flag, with its section, markers and text. */
function parseHelp(text) {
  const args = []
  let section
  for (const line of text.split('\n')) {
    const heading = /^(?:(.+) )?Arguments$/.exec(line)
    if (heading) {
      section = heading[1] ?? ''
      continue
    }
    if (/^\S/.test(line)) section = undefined
    if (section === undefined) continue
    const flag = /^ {4}(-\S+(?: -\S+)*)\s+((?:\[[^\]]+\]\s*)*): (.*)$/.exec(line)
    if (flag) {
      args.push({
        section,
        names: flag[1].split(' '),
        markers: [...flag[2].matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]),
        text: flag[3].trim()
      })
    } else if (args.length > 0 && /^ {6,}\S/.test(line)) {
      args[args.length - 1].text += ` ${line.trim()}`
    }
  }
  return args
}

/** "Allowed values: a, b, c." in a help text or an error. */
function allowedValues(text) {
  const listed = /Allowed values: (.+?)\.(?:\s|$)/.exec(text)?.[1]
  if (!listed) return undefined
  const values = listed.split(', ')
  if (!values.every((v) => /^[\w.-]+$/.test(v))) {
    throw new Error(`Cannot read the allowed values "${listed}"`)
  }
  return values
}

/** The allowed values as the parser lists them when refusing one (--help sorts them). */
async function allowedByParser(command, flag) {
  const { stderr } = await az([...command, `${flag}=not-a-value`])
  const values = /is not a valid value for/.test(stderr) ? allowedValues(stderr) : undefined
  if (!values) throw new Error(`az ${command.join(' ')} ${flag}=not-a-value: ${stderr}`)
  return values
}

/** What the flag takes, as the parser answers. */
async function takes(command, flag, allowed) {
  const bare = await az([...command, flag])
  if (/expected one argument/.test(bare.stderr)) return 'one'
  if (/expected at least one argument/.test(bare.stderr)) return 'many'
  const explicit = await az([...command, `${flag}=${allowed?.[0] ?? 'x'}`])
  if (/ignored explicit argument/.test(explicit.stderr)) return 'none'
  return 'optional'
}

/** `az <command>` alone: what azure-cli says is missing. */
async function required(command) {
  const { stderr } = await az(command)
  const listed = /the following arguments are required: (.+)/.exec(stderr)?.[1]
  const unlessIds = /\(([^|]+) \| --ids\) are required/.exec(stderr)?.[1]
  return {
    required: listed ? listed.trim().split(', ') : [],
    requiredUnlessIds: unlessIds ? unlessIds.trim().split(' ') : []
  }
}

/** What the parser says of one flag of `command`. */
async function probe(command, arg) {
  const [flag] = arg.names
  const allowed = allowedValues(arg.text) && (await allowedByParser(command, flag))
  return {
    names: arg.names,
    takes: await takes(command, flag, allowed),
    ...(arg.markers.includes('Required') ? { required: true } : {}),
    ...(allowed ? { allowed } : {})
  }
}

/** Global flags are the same for every command: asked once. */
const globals = new Map()

async function describe(path) {
  const command = path.split(' ')
  const help = await az([...command, '--help'])
  if (help.code !== 0) throw new Error(`az ${path} --help failed: ${help.stderr}`)
  const args = []
  for (const arg of parseHelp(help.stdout)) {
    const key = arg.names.join(' ')
    if (arg.section === 'Global' && !globals.has(key)) globals.set(key, await probe(command, arg))
    args.push(arg.section === 'Global' ? globals.get(key) : await probe(command, arg))
  }
  const missing = await required(command)
  const marked = args.filter((a) => a.required).map((a) => a.names[0])
  const reported = missing.required.map((r) => r.split('/')[0])
  if ([...marked].sort().join() !== [...reported].sort().join()) {
    throw new Error(`az ${path}: --help marks ${marked.join()} required, the parser ${reported}`)
  }
  return { ...missing, arguments: args }
}

try {
  const { stdout } = await az(['version', '-o', 'json'])
  const version = JSON.parse(stdout)['azure-cli']
  const commands = {}
  for (const path of COMMANDS) {
    process.stderr.write(`az ${path}\n`)
    commands[path] = await describe(path)
  }
  const source = [
    `// Generated by scripts/az-commands.js from azure-cli ${version}: do not edit; run it again.`,
    '// Each flag as `az <command> --help` lists it, with what the parser takes after it.',
    "import type { AzGrammar } from '../helpers/cli-grammar.js'",
    '',
    `export const AZ_GRAMMAR: AzGrammar = ${JSON.stringify({ azureCli: version, commands })}`
  ].join('\n')
  const options = { ...(await prettier.resolveConfig(OUT)), filepath: OUT }
  writeFileSync(OUT, await prettier.format(source, options))
  process.stderr.write(`wrote ${OUT} (azure-cli ${version})\n`)
} finally {
  rmSync(config, { recursive: true, force: true })
}

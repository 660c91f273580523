/**
 * The screens of docs/getting-started.md, from the real programs: the bundled CLI's `setup`
 * (against the fake `az` and `gh` of the tests and the GitHub emulator) on a pseudo-terminal,
 * and the bundled action's `mode: check` log against the emulated Entra ID and Azure OpenAI.
 * Writes one HTML page per screen to .tmp/getting-started/; scripts/demo-pictures.sh turns them
 * into docs/images/*.png. Run from the repository root after `npm run bundle`.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import AnsiToHtml from 'ansi-to-html'
import { DEPLOYMENT, REPOSITORY } from '../__tests__/emulators/constants.js'
import { startWorld, type World } from '../__tests__/emulators/world.js'
import { FakeCli, RESOURCE_GROUP } from '../__tests__/helpers/fake-cli.js'
import { runAction } from '../__tests__/helpers/run-action.js'

const OUT = resolve('.tmp', 'getting-started')
const CLI = resolve('dist', 'cli', 'index.js')
const ACTION = resolve('dist', 'index.js')
const SETUP = [
  'setup',
  '--resource',
  'my-openai',
  '--resource-group',
  RESOURCE_GROUP,
  '--deployment',
  DEPLOYMENT
]

/** A terminal window holding `command` and what it printed (ANSI colours kept). */
function terminalPage(title: string, command: string, output: string): string {
  const html = new AnsiToHtml({ fg: '#c9d1d9', bg: '#0d1117', escapeXML: true }).toHtml(
    output.replace(/\r\n/g, '\n').replace(/\r/g, '')
  )
  return `<!doctype html><meta charset="utf-8"><title>${title}</title>
<style>
body { margin: 0; background: #f6f8fa; font: 14px/1.45 "DejaVu Sans Mono", monospace; }
.window { margin: 16px; display: inline-block; min-width: 1000px; border-radius: 8px; overflow: hidden; box-shadow: 0 2px 8px #0003; }
.bar { background: #30363d; color: #8b949e; padding: 6px 12px; font: 12px sans-serif; }
pre { margin: 0; padding: 12px 16px; background: #0d1117; color: #c9d1d9; white-space: pre; }
.prompt { color: #7ee787; }
</style>
<div class="window"><div class="bar">${title}</div><pre><span class="prompt">$</span> ${command}
${html}</pre></div>`
}

/**
 * Runs the CLI on a pseudo-terminal, as a person at a terminal sees it (asynchronously: the
 * emulators answering it live in this process).
 */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  const child = spawn(
    'script',
    ['-q', '-e', '-c', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null'],
    { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  await once(child, 'close')
  // Decoded whole: a chunk may end inside a multi-byte character.
  const output = Buffer.concat(chunks).toString('utf8')
  // Progress frames are overwritten in place on a real terminal: keep what stays on screen.
  return output.replace(/^.*\r\x1b\[2K/gm, '') // eslint-disable-line no-control-regex
}

function firstWorkflowOnly(output: string): string {
  const [first, second] = [...output.matchAll(/^.*#### \.github\/workflows\/.*$/gm)]
  if (first === undefined || second?.index === undefined) return output
  const lines = output.slice(first.index, second.index).split('\n')
  return `${output.slice(0, first.index)}${lines.slice(0, 28).join('\n')}\n    …\n`
}

/** The action's log as the workflow page shows it: commands hidden, groups as headings. */
function workflowLog(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !/^::(add-mask|debug|set-output|endgroup)/.test(line))
    .map((line) => line.replace(/^::group::/, '\x1b[1m▸ ').replace(/$/, '\x1b[0m'))
    .join('\n')
    .trim()
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const world: World = await startWorld()
  const fake = await FakeCli.install()
  const repo = mkdtempSync(join(tmpdir(), 'getting-started-'))
  try {
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo })
    execFileSync('git', ['remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`], {
      cwd: repo
    })
    const env: NodeJS.ProcessEnv = {
      PATH: [fake.dir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
      HOME: repo,
      TERM: 'xterm-256color',
      COLUMNS: '150',
      NODE_EXTRA_CA_CERTS: world.caFile,
      GITHUB_TOKEN: world.githubToken,
      GITHUB_API_URL: world.urls.githubApiUrl
    }
    const screens: [string, string, string[]][] = [
      ['setup-dry-run', 'what setup would do', [...SETUP, '--dry-run']],
      ['setup', 'setup, for real', [...SETUP, '--set-variables', '--write']]
    ]
    for (const [name, title, args] of screens) {
      // The picture keeps the first workflow setup prints; the others look alike.
      const output = firstWorkflowOnly(await onTerminal(args, env, repo))
      writeFileSync(
        join(OUT, `${name}.html`),
        terminalPage(title, `npx keyless-pr-review ${args.join(' ')}`, output)
      )
    }

    const check = await runAction(world, { entry: ACTION, inputs: { mode: 'check' } })
    if (check.code !== 0) throw new Error(`mode: check failed:\n${check.stdout}${check.stderr}`)
    writeFileSync(
      join(OUT, 'check.html'),
      terminalPage(
        'Actions › Check keyless review setup › check',
        'Run keyless-pr-review/keyless-pr-review@v1 (mode: check)',
        workflowLog(check.stdout)
      )
    )
    console.log(`Screens written to ${OUT}`)
  } finally {
    await fake.uninstall()
    await world.close()
    rmSync(repo, { recursive: true, force: true })
  }
}

await main()

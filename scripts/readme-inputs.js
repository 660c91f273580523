// Regenerates the inputs and outputs tables in README.md from action.yml, between the
// `<!-- inputs:start -->`/`<!-- inputs:end -->` markers. With --check, fails when stale.
import { readFileSync, writeFileSync } from 'node:fs'
import yaml from 'js-yaml'
import * as prettier from 'prettier'

const action = yaml.load(readFileSync('action.yml', 'utf8'))
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()
const code = (text) => (text === '' || text === undefined ? '' : `\`${text}\``)

const rows = [
  '| input | default | what it does |',
  '|---|---|---|',
  ...Object.entries(action.inputs).map(
    ([name, spec]) => `| \`${name}\` | ${code(spec.default)} | ${cell(spec.description)} |`
  ),
  '',
  '| output | what it holds |',
  '|---|---|',
  ...Object.entries(action.outputs).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
  )
]
const start = '<!-- inputs:start (generated from action.yml by `npm run docs`) -->'
const end = '<!-- inputs:end -->'
const readme = readFileSync('README.md', 'utf8')
const from = readme.indexOf(start)
const to = readme.indexOf(end)
if (from < 0 || to < from) throw new Error('README.md lacks the inputs markers')
// Formatted as `prettier --check` expects, so the two checks agree.
const next = await prettier.format(
  `${readme.slice(0, from)}${start}\n${rows.join('\n')}\n${readme.slice(to)}`,
  { ...(await prettier.resolveConfig('README.md')), filepath: 'README.md' }
)
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md inputs table is stale: run `npm run docs` and commit README.md.')
    process.exit(1)
  }
  console.log('README.md inputs table matches action.yml.')
} else {
  writeFileSync('README.md', next)
}

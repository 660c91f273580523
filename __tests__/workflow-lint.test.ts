/**
 * Every workflow this repository runs or shows a user passes actionlint and SchemaStore's
 * github-workflow schema: the files in .github/workflows/ and each ```yaml block of README.md and
 * docs/ that is a whole workflow (it has `on:` and `jobs:`). Every other ```yaml block (a list of
 * steps, a dependabot.yml) must be YAML on its own, since users paste it as it is. The workflows
 * `setup` writes are linted in __tests__/cli/setup-workflows.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateWorkflow } from '@action-validator/core'
import { describe, expect, it } from '@jest/globals'
import { load } from 'js-yaml'
import { Lexer, walkTokens, type Tokens } from 'marked'
import { actionlint } from './helpers/actionlint.js'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows')

interface YamlBlock {
  /** Where it is: `README.md:99` (the line of the opening fence). */
  readonly where: string
  readonly text: string
}

/** The ```yaml blocks of a Markdown file, found by a Markdown parser (inside lists too). */
function yamlBlocks(file: string): YamlBlock[] {
  const markdown = readFileSync(file, 'utf8')
  const blocks: YamlBlock[] = []
  let searchFrom = 0
  // Synchronous here: the callback returns nothing, so neither does walkTokens.
  void walkTokens(Lexer.lex(markdown), (token) => {
    if (token.type !== 'code' || (token as Tokens.Code).lang !== 'yaml') return
    const at = markdown.indexOf(token.raw, searchFrom)
    searchFrom = at + token.raw.length
    const line = markdown.slice(0, at).split('\n').length
    blocks.push({
      where: `${relative(REPO_ROOT, file)}:${line}`,
      text: `${(token as Tokens.Code).text}\n`
    })
  })
  return blocks
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(REPO_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(REPO_ROOT, 'docs', name))
  return [join(REPO_ROOT, 'README.md'), ...docs.sort()]
}

/** A whole workflow; a block that is not YAML fails the YAML test below instead. */
function isWorkflow(block: YamlBlock): boolean {
  let parsed: unknown
  try {
    parsed = load(block.text)
  } catch {
    return false
  }
  return typeof parsed === 'object' && parsed !== null && 'on' in parsed && 'jobs' in parsed
}

const BLOCKS = markdownFiles().flatMap(yamlBlocks)
const DOC_WORKFLOWS = BLOCKS.filter(isWorkflow)
const REPO_WORKFLOWS = readdirSync(WORKFLOWS_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => ({
    where: `.github/workflows/${name}`,
    text: readFileSync(join(WORKFLOWS_DIR, name), 'utf8')
  }))

describe('the checks themselves', () => {
  it('find the README’s workflows and fragments', () => {
    expect(
      DOC_WORKFLOWS.filter((block) => block.where.startsWith('README.md:')).length
    ).toBeGreaterThanOrEqual(6)
    expect(BLOCKS.length).toBeGreaterThan(DOC_WORKFLOWS.length)
  })

  it('actionlint reports `inputs` read in a workflow that declares none', async () => {
    const workflow = [
      'on: pull_request',
      'permissions: {}',
      'jobs:',
      '  review:',
      '    concurrency: pr-review-${{ github.event.pull_request.number || inputs.pr-number }}',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo review',
      ''
    ].join('\n')
    expect(await actionlint(workflow, 'pr-review.yml')).toEqual([
      expect.stringContaining('property "pr-number" is not defined in object type {}')
    ])
  })

  it('the schema reports a job with a misspelled key', () => {
    const workflow = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    stepz: []\n'
    expect(validateWorkflow(workflow).errors).not.toEqual([])
  })
})

describe.each([...REPO_WORKFLOWS, ...DOC_WORKFLOWS])('$where', ({ where, text }) => {
  it('passes actionlint', async () => {
    expect(await actionlint(text, where)).toEqual([])
  })

  it('is valid against the github-workflow schema', () => {
    expect(validateWorkflow(text).errors).toEqual([])
  })
})

describe('every ```yaml block of README.md and docs/', () => {
  it.each(BLOCKS)('$where is YAML on its own', ({ text }) => {
    expect(() => load(text)).not.toThrow()
  })
})

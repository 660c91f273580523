/**
 * Writes docs/troubleshooting.md from the diagnosis catalogue (src/diagnosis/catalogue.ts): the
 * page's introduction below, then one section per entry, under its anchor, with each case as
 * the action prints it and the run's facts shown as NAMES. With --check, fails when the page
 * is stale. `npm run docs` compiles it (tsconfig.demo.json) and runs it from the repo root.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import * as prettier from 'prettier'
import {
  CATALOGUE,
  SECTIONS,
  pageCase,
  type EntrySpec,
  type Section,
  type Wording
} from '../src/diagnosis/catalogue.js'

const PAGE = 'docs/troubleshooting.md'

const INTRO = `# Troubleshooting

<!-- Generated from src/diagnosis/catalogue.ts by \`npm run docs\`: change the catalogue, not this page. -->

Start with \`mode: check\` (see the README): it walks GitHub OIDC → Entra ID → Azure OpenAI → the
GitHub API and stops at the first broken link with its diagnosis. Every failure the action
reports is one paragraph: what broke, the non-secret facts that matter (the GitHub ID token's
\`iss\`, \`sub\`, \`aud\`, \`job_workflow_ref\`; the Entra token's \`oid\`, \`appid\`, \`tid\`, \`aud\`), the
exact fix, and a \`More:\` link to its entry below. Tokens themselves are never printed.

Every run also logs, in its _Signing in_ group, the claims of the GitHub ID token it presented
and of the Entra token it received: compare them with your federated credential and role
assignment first.

## Reading an entry

Each entry below shows what the action prints: the title line in bold, the cause, and the fix.
Words in capitals stand for facts: the action prints your run's own client id, subject,
deployment or host in place of CLIENT_ID, SUBJECT, DEPLOYMENT or HOST, and leaves the ones only
you know (RESOURCE_GROUP, IDENTITY_NAME) for you to fill in. The facts printed under the cause
(the tokens' claims, the inputs, the service's own words, request ids) are not repeated here.
When the action knew what it was doing, a title starts with what it could not do ("Could not
post the summary comment: …").`

/** A fix as Markdown: its prose lines as paragraphs, its indented lines as code blocks. */
function renderFix(fix: string): string {
  const parts: string[] = []
  let code: string[] = []
  const flush = (): void => {
    if (code.length > 0) parts.push(['```text', ...code, '```'].join('\n'))
    code = []
  }
  for (const line of fix.split('\n')) {
    if (line.startsWith('  ')) {
      code.push(line.slice(2))
    } else {
      flush()
      if (line.trim()) parts.push(line)
    }
  }
  flush()
  const [first = '', ...rest] = parts
  return (first.startsWith('```') ? ['Fix:', first, ...rest] : [`Fix: ${first}`, ...rest]).join(
    '\n\n'
  )
}

function renderCase(wording: Wording, when: string | undefined): string {
  return [
    when ? `_${when}:_` : '',
    `**${wording.title}**`,
    ...wording.cause.split('\n'),
    renderFix(wording.fix)
  ]
    .filter(Boolean)
    .join('\n\n')
}

function renderEntry(id: string, spec: EntrySpec): string {
  const cases = Object.values(spec.cases)
  return [
    `<a id="${id}"></a>`,
    `### ${spec.heading}`,
    spec.about ?? '',
    ...cases.map((c) => renderCase(pageCase(spec, c), cases.length > 1 ? c.when : undefined))
  ]
    .filter(Boolean)
    .join('\n\n')
}

/** The whole page, before formatting. */
export function renderPage(): string {
  const entries = Object.entries(CATALOGUE) as [string, EntrySpec][]
  const section = (name: Section): string =>
    [
      `## ${name}`,
      ...entries
        .filter(([, spec]) => spec.section === name)
        .map(([id, spec]) => renderEntry(id, spec))
    ].join('\n\n')
  return `${[INTRO, ...SECTIONS.map(section)].join('\n\n')}\n`
}

async function main(): Promise<void> {
  // Formatted as `prettier --check` expects, so the two checks agree.
  const next = await prettier.format(renderPage(), {
    ...(await prettier.resolveConfig(PAGE)),
    filepath: PAGE
  })
  if (!process.argv.includes('--check')) {
    writeFileSync(PAGE, next)
    return
  }
  if (readFileSync(PAGE, 'utf8') !== next) {
    console.error(`${PAGE} is stale: run \`npm run docs\` and commit it.`)
    process.exit(1)
  }
  console.log(`${PAGE} matches the diagnosis catalogue.`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()

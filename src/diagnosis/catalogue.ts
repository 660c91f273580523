/**
 * Every diagnosis the action can print, worded once. The readers fill these templates with the
 * run's facts (say), and scripts/troubleshooting.ts renders the same templates into
 * docs/troubleshooting.md (pageCase), so the log and the page cannot drift apart.
 *
 * In a template, {{name}} stands for a run fact: a client id, a subject, a deployment. The page
 * shows it as NAME, or as the fragment of that name when FRAGMENTS holds one (a block of
 * commands built from more facts).
 */
import { AZURE_CLI } from './wording/azure-cli.js'
import { ENTRA } from './wording/entra.js'
import { FRAGMENTS, PAGE_VALUES } from './wording/common.js'
import { GATEWAY } from './wording/gateway.js'
import { GITHUB_API, GITHUB_ID_TOKEN } from './wording/github.js'
import { NETWORK } from './wording/network.js'
import { OPENAI } from './wording/openai.js'
import { INPUTS, UNEXPECTED } from './wording/other.js'
import type { EntrySpec, Values, Wording } from './wording/spec.js'

export { SECTIONS } from './wording/spec.js'
export type { EntrySpec, Section, Values, Wording } from './wording/spec.js'

/** The entries, in page order within each section; each key is its anchor on the page. */
export const CATALOGUE = {
  ...INPUTS,
  ...GITHUB_ID_TOKEN,
  ...AZURE_CLI,
  ...ENTRA,
  ...OPENAI,
  ...GATEWAY,
  ...GITHUB_API,
  ...NETWORK,
  ...UNEXPECTED
} as const satisfies Readonly<Record<string, EntrySpec>>

export type EntryId = keyof typeof CATALOGUE
export type CaseOf<I extends EntryId> = keyof (typeof CATALOGUE)[I]['cases'] & string

const PLACEHOLDER = /\{\{([a-z][a-z0-9-]*)\}\}/g

/**
 * Fills a template's placeholders in one pass (a value is never read as a template). A value
 * left out keeps its placeholder, which the tests catch.
 */
export function fill(template: string, values: Values): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name]
    return value === undefined ? whole : String(value)
  })
}

/** The placeholders a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '')
}

/** One case of an entry, filled with the run's facts: what the action prints. */
export function say<I extends EntryId>(
  entry: I,
  kase: CaseOf<I>,
  values: Values = {}
): { readonly entry: I } & Wording {
  const spec: EntrySpec = CATALOGUE[entry]
  const wording = spec.cases[kase]
  if (!wording) throw new Error(`No case '${kase}' in entry '${entry}'`)
  return {
    entry,
    title: fill(wording.title, values),
    cause: fill(wording.cause, values),
    fix: fill(wording.fix, values)
  }
}

/** A fragment filled with the run's facts (the commands that add a federated credential). */
export function fragment(name: keyof typeof FRAGMENTS, values: Values): string {
  return fill(FRAGMENTS[name], values)
}

/** How the page shows a placeholder: its fragment, or its name in capitals. */
function pageValue(name: string, entry: EntrySpec, depth = 0): string {
  const given = entry.page?.[name] ?? PAGE_VALUES[name]
  if (given !== undefined) return String(given)
  const shared = (FRAGMENTS as Readonly<Record<string, string>>)[name]
  if (shared !== undefined && depth < 3) {
    return shared.replace(PLACEHOLDER, (_whole, inner: string) =>
      pageValue(inner, entry, depth + 1)
    )
  }
  return name.toUpperCase().replace(/-/g, '_')
}

/** One case of an entry as the page shows it: every run fact as its NAME. */
export function pageCase(entry: EntrySpec, wording: Wording): Wording {
  const show = (template: string): string =>
    template.replace(PLACEHOLDER, (_whole, name: string) => pageValue(name, entry))
  return { title: show(wording.title), cause: show(wording.cause), fix: show(wording.fix) }
}

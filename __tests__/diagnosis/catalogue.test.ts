/**
 * The catalogue every diagnosis is worded from, and the troubleshooting page generated from it:
 * the links the action prints keep landing on an entry that shows what it printed.
 */
import { readFileSync } from 'node:fs'
import {
  CATALOGUE,
  fill,
  pageCase,
  placeholders,
  type EntrySpec
} from '../../src/diagnosis/catalogue.js'
import { renderPage } from '../../scripts/troubleshooting.js'

const page = readFileSync(new URL('../../docs/troubleshooting.md', import.meta.url), 'utf8')
const entries = Object.entries(CATALOGUE) as [string, EntrySpec][]

/** Every anchor the action linked to before the page was generated: links in old logs still work. */
const ANCHORS = [
  'inputs',
  'id-token-write',
  'forks',
  'dependabot',
  'id-token-service',
  'aadsts700213',
  'aadsts7002138',
  'aadsts700211',
  'aadsts700212',
  'aadsts70021',
  'aadsts700024',
  'aadsts700016',
  'aadsts90002',
  'aadsts500011',
  'aadsts7000215',
  'aadsts50013',
  'other-aadsts-codes',
  'entra-unreachable',
  'permissiondenied',
  'openai-401-unauthorized',
  'api-key',
  'regional-endpoint',
  'openai-403-network-rules',
  'deploymentnotfound',
  'api-version-not-found',
  'v1-api-not-found',
  'throttled-429',
  'openai-5xx',
  'context-length-exceeded',
  'content-filter',
  'openai-timeout',
  'openai-unreachable',
  'github-401',
  'github-403',
  'github-404',
  'github-rate-limit',
  'github-other',
  'network-dns',
  'network-refused',
  'network-timeout',
  'network-tls',
  'unexpected-errors'
]

describe('the diagnosis catalogue', () => {
  it('fills placeholders once, and keeps one it has no value for', () => {
    expect(fill('{{a}} and {{b-c}}', { a: '{{b-c}}', 'b-c': 2 })).toBe('{{b-c}} and 2')
    expect(fill('{{missing}} ${{ secrets.X }}', {})).toBe('{{missing}} ${{ secrets.X }}')
    expect(placeholders('x {{client-id}} y {{subject}}')).toEqual(['client-id', 'subject'])
  })

  it('keeps every anchor the action ever linked to', () => {
    expect(ANCHORS.filter((id) => !(id in CATALOGUE))).toEqual([])
  })

  it('describes each case of an entry with several, for the page', () => {
    const unlabelled = entries.flatMap(([id, spec]) => {
      const cases = Object.entries(spec.cases)
      return cases.length > 1 ? cases.filter(([, c]) => !c.when).map(([k]) => `${id}/${k}`) : []
    })
    expect(unlabelled).toEqual([])
  })
})

describe('the troubleshooting page', () => {
  it('has an anchor and a section for every entry, in the catalogue’s order', () => {
    const anchors = [...page.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1])
    expect(anchors).toEqual(entries.map(([id]) => id))
  })

  it('shows every case as the action prints it, with the run’s facts as NAMES', () => {
    const rendered = renderPage()
    for (const [, spec] of entries) {
      for (const wording of Object.values(spec.cases)) {
        const shown = pageCase(spec, wording)
        expect(rendered).toContain(`**${shown.title}**`)
        expect(rendered).toContain(shown.cause.split('\n')[0])
      }
    }
    expect(rendered).not.toMatch(/\{\{[a-z][a-z0-9-]*\}\}/)
  })

  it('is the generator’s page (npm run docs), headings and titles alike', () => {
    const headings = (text: string): string[] =>
      text.split('\n').filter((line) => /^#{1,4} |^\*\*.+\*\*$/.test(line))
    expect(headings(page)).toEqual(headings(renderPage()))
  })
})

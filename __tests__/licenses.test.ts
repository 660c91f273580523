/**
 * The bundles' licenses.txt (scripts/licenses.js writes it): an entry with license text for
 * every package the bundle's source maps hold, none for a package it does not hold, and only
 * permissive licenses. The maps are not shipped: scripts/bundle.sh leaves them in .tmp/maps/
 * (`npm run bundle` or `npm run check-dist`, which npm test runs first).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const BUNDLES = [
  { bundle: 'dist', maps: '.tmp/maps/action' },
  { bundle: 'dist/cli', maps: '.tmp/maps/cli' }
]

/** SPDX identifiers that ask no more than keeping their notice. */
const PERMISSIVE = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'Unlicense',
  'CC0-1.0',
  'Python-2.0',
  'Zlib'
])

interface Entry {
  readonly license: string
  readonly text: string
}

/** `name version` of each package whose files the bundle's source maps list. */
function bundled(maps: string): Set<string> {
  const roots = new Set<string>()
  const dir = `${REPO}${maps}`
  if (!existsSync(dir)) throw new Error(`no ${maps}/: run npm run bundle first`)
  for (const map of readdirSync(dir).filter((f) => f.endsWith('.js.map'))) {
    const { sources } = JSON.parse(readFileSync(`${dir}/${map}`, 'utf8')) as { sources: string[] }
    for (const source of sources) {
      // The last `node_modules/<name>/` (scoped or not) is the package the file belongs to.
      const match = /^.*node_modules\/(?:@[^/]+\/)?[^/]+\//.exec(source)
      if (match) roots.add(source.slice(source.indexOf('node_modules/'), match[0].length))
    }
  }
  return new Set(
    [...roots].map((root) => {
      const manifest = JSON.parse(readFileSync(`${REPO}${root}package.json`, 'utf8')) as {
        name: string
        version: string
      }
      return `${manifest.name} ${manifest.version}`
    })
  )
}

/** licenses.txt → entries by `name version`. */
function entries(bundle: string): Map<string, Entry> {
  const text = readFileSync(`${REPO}${bundle}/licenses.txt`, 'utf8')
  const [, ...blocks] = text.split(`\n${'='.repeat(80)}\n`)
  return new Map(
    blocks.map((block) => {
      const [id = '', license = '', ...rest] = block.split('\n')
      const body = rest.filter((line) => !/^--- .+ ---$/.test(line)).join('\n')
      return [id, { license: license.replace(/^License: /, ''), text: body.trim() }]
    })
  )
}

/** An SPDX expression is permissive when every choice it leaves is. */
function permissive(expression: string): boolean {
  const ids = expression
    .replace(/[()]/g, ' ')
    .split(/\s+(?:OR|AND)\s+|\s+/)
    .filter(Boolean)
  return /\bAND\b|\bWITH\b/.test(expression)
    ? ids.every((id) => PERMISSIVE.has(id))
    : ids.some((id) => PERMISSIVE.has(id))
}

describe.each(BUNDLES)('$bundle/licenses.txt', ({ bundle, maps }) => {
  it('has an entry with license text for every bundled package, and for nothing else', () => {
    const listed = entries(bundle)
    const packages = bundled(maps)
    expect(packages.size).toBeGreaterThan(10)
    expect([...packages].filter((p) => !listed.get(p)?.text)).toEqual([])
    expect([...listed.keys()].filter((p) => !packages.has(p))).toEqual([])
  })

  it('lists only permissive licenses', () => {
    const others = [...entries(bundle)]
      .filter(([, e]) => !permissive(e.license))
      .map(([id, e]) => `${id}: ${e.license}`)
    expect(others).toEqual([])
  })
})

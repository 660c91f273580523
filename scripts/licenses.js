// Writes DIR/licenses.txt for a bundle (bundle.sh runs `node scripts/licenses.js DIR` after each
// ncc build): every package the bundle holds, found from the `sources` of DIR/*.js.map under
// node_modules/ (nested copies included), with its version, the license its package.json
// declares and the full text of its LICENSE, LICENCE, COPYING and NOTICE files. Sorted, with
// paths relative to the repository and no dates, so a fresh bundle matches the committed one
// byte for byte on any machine (scripts/check-dist.sh).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const repo = join(import.meta.dirname, '..')
const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.\-_][\w.-]*)?$/i
const RULE = '='.repeat(80)

/** The package roots the bundle's source maps name, e.g. `node_modules/a/node_modules/@b/c`. */
function bundledPackages(bundle) {
  const roots = new Set()
  for (const map of readdirSync(bundle).filter((f) => f.endsWith('.js.map'))) {
    const { sources } = JSON.parse(readFileSync(join(bundle, map), 'utf8'))
    for (const source of sources) {
      const root = packageRoot(source)
      if (root) roots.add(root)
    }
  }
  return [...roots]
}

/** `.././node_modules/a/node_modules/@b/c/lib/x.js` → `node_modules/a/node_modules/@b/c`. */
function packageRoot(source) {
  const start = source.indexOf('node_modules/')
  if (start < 0) return undefined
  const parts = source.slice(start).split('/')
  let end = 0
  while (parts[end] === 'node_modules' && parts[end + 1]) {
    end += parts[end + 1].startsWith('@') ? 3 : 2
  }
  return parts.slice(0, end).join('/')
}

/** A package's name, version, declared license and license files, from its root. */
function describe(root) {
  const path = join(repo, root)
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))
  const files = readdirSync(path, { withFileTypes: true })
    .filter((f) => f.isFile() && LICENSE_FILE.test(f.name))
    .map((f) => f.name)
    .sort()
    .map((file) => ({ file, text: readFileSync(join(path, file), 'utf8') }))
  return {
    name: manifest.name,
    version: manifest.version,
    license: declared(manifest),
    files
  }
}

/** The SPDX expression of `license`, or of the old `licenses` array. */
function declared(manifest) {
  const { license, licenses } = manifest
  if (typeof license === 'string') return license
  if (license?.type) return license.type
  if (Array.isArray(licenses)) return licenses.map((l) => l.type ?? l).join(' OR ')
  return 'UNKNOWN'
}

const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

/** One entry per name and version, sorted. */
function render(packages) {
  const unique = new Map(packages.map((p) => [`${p.name}@${p.version}`, p]))
  const sorted = [...unique.values()].sort((a, b) =>
    a.name === b.name ? compare(a.version, b.version) : compare(a.name, b.name)
  )
  const header = [
    'Third-party packages bundled in this directory: name and version, the license its',
    'package.json declares, and the text of its license files.'
  ].join('\n')
  return [header, ...sorted.map(entry)].join(`\n\n${RULE}\n`) + '\n'
}

function entry(p) {
  const texts = p.files.map(
    ({ file, text }) => `--- ${file} ---\n${text.replace(/\r\n?/g, '\n').trimEnd()}`
  )
  const none = 'No license file ships with this package.'
  return [
    `${p.name} ${p.version}`,
    `License: ${p.license}`,
    ...(texts.length ? texts : [none])
  ].join('\n')
}

const dir = process.argv[2]
if (!dir) {
  console.error('usage: node scripts/licenses.js DIR')
  process.exit(2)
}
writeFileSync(join(dir, 'licenses.txt'), render(bundledPackages(dir).map(describe)))

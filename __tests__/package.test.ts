/**
 * The npm package as a user gets it: `npm pack` of this checkout (dist/cli/ must be built: npm
 * test's check-dist builds it), installed from the tarball into an empty folder with npm's cache
 * out of reach (--offline: a dependency would have to come from the registry), then run through
 * npx as `npx keyless-pr-review` runs it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const MANIFEST = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string
  version: string
  bin: Record<string, string>
}

/** What `npm pack --json` says of the tarball. */
interface Packed {
  readonly filename: string
  readonly size: number
  readonly unpackedSize: number
  readonly files: readonly { path: string; size: number }[]
}

// Budgets with room for growth; today: 2.1 MB packed, 6.0 MB unpacked.
const MAX_PACKED = 2.5 * 1024 * 1024
const MAX_UNPACKED = 7 * 1024 * 1024

const work = mkdtempSync(join(tmpdir(), 'keyless-package-'))
const user = join(work, 'user')
let packed: Packed

/** npm with a cache of its own: nothing this machine cached before can stand in for the registry. */
function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args, '--cache', join(work, 'cache')], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

beforeAll(() => {
  if (!existsSync(join(REPO, MANIFEST.bin['keyless-pr-review'] ?? '')))
    throw new Error('dist/cli/ is not built: run npm run bundle (npm test builds it in check-dist)')
  // --ignore-scripts: prepack would bundle again; check-dist has just built dist/cli/ from src/.
  const output = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO)
  const [result] = JSON.parse(output) as Packed[]
  if (result === undefined) throw new Error(`npm pack said nothing of a tarball: ${output}`)
  packed = result
  mkdirSync(user)
  writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'user', private: true }))
  npm(['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], user)
}, 120_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the npm package', () => {
  it('holds the CLI bundle, its licenses, the README and LICENSE, and no source map', () => {
    const paths = packed.files.map((file) => file.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/cli/index.js',
        'dist/cli/licenses.txt',
        'README.md',
        'LICENSE',
        'package.json'
      ])
    )
    expect(
      paths.filter((path) => !/^(dist\/cli\/[^/]+|README\.md|LICENSE|package\.json)$/.test(path))
    ).toEqual([])
    expect(paths.filter((path) => path.endsWith('.map'))).toEqual([])
  })

  it(`packs within ${MAX_PACKED / 2 ** 20} MB (${MAX_UNPACKED / 2 ** 20} MB unpacked)`, () => {
    expect(packed.size).toBeLessThanOrEqual(MAX_PACKED)
    expect(packed.unpackedSize).toBeLessThanOrEqual(MAX_UNPACKED)
  })

  it('declares no dependency of any kind: everything it runs is bundled', () => {
    const manifest = JSON.parse(
      readFileSync(join(user, 'node_modules', MANIFEST.name, 'package.json'), 'utf8')
    ) as Record<string, unknown>
    for (const field of [
      'dependencies',
      'optionalDependencies',
      'peerDependencies',
      'bundleDependencies',
      'bundledDependencies'
    ])
      expect(manifest[field]).toBeUndefined()
  })

  it('installs into an empty folder as one package and nothing else', () => {
    const lock = JSON.parse(
      readFileSync(join(user, 'node_modules', '.package-lock.json'), 'utf8')
    ) as { packages: Record<string, unknown> }
    expect(Object.keys(lock.packages)).toEqual([`node_modules/${MANIFEST.name}`])
  })

  it('runs with npx: --version prints the package version, --help the commands', () => {
    const npx = (args: readonly string[]): string =>
      execFileSync('npx', ['--no-install', MANIFEST.name, ...args], {
        cwd: user,
        encoding: 'utf8',
        env: { ...process.env, npm_config_update_notifier: 'false' }
      })
    expect(npx(['--version']).trim()).toBe(MANIFEST.version)
    const help = npx(['--help'])
    for (const command of ['setup', 'review', 'summarize', 'ask', 'check'])
      expect(help).toContain(command)
  })
})

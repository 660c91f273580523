/**
 * What a job that uses the action downloads: the source archive of the commit (GitHub builds it
 * with git archive, .gitattributes' export-ignore honoured). It stays small: the bundle's chunks
 * minified, no source maps, no CLI bundle, no pictures.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from '@jest/globals'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const MAX_ARCHIVE = 3 * 1024 * 1024

/** The committed tree, as `git archive HEAD` gives it. */
const archive = (): Buffer =>
  execFileSync('git', ['archive', '--format=tar', 'HEAD'], {
    cwd: REPO,
    maxBuffer: 256 * 1024 * 1024
  })

/** The paths the archive holds. */
const listed = (tar: Buffer): string[] =>
  execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }).split(
    '\n'
  )

describe("the action's download", () => {
  const tar = archive()

  it(`is at most ${MAX_ARCHIVE / 2 ** 20} MB, gzipped`, () => {
    expect(gzipSync(tar).length).toBeLessThanOrEqual(MAX_ARCHIVE)
  })

  it('holds no source map, no CLI bundle and no picture', () => {
    expect(
      listed(tar).filter(
        (p) => p.endsWith('.map') || p.startsWith('dist/cli/') || p.startsWith('docs/images/')
      )
    ).toEqual([])
  })

  it('has every chunk of the bundle minified: long lines, not one statement a line', () => {
    const chunks = readdirSync(join(REPO, 'dist')).filter((f) => f.endsWith('.js'))
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks) {
      const text = readFileSync(join(REPO, 'dist', chunk), 'utf8')
      const lines = text.split('\n').length
      // ncc's unminified chunks average about 40 characters a line.
      expect({ chunk, perLine: text.length / lines > 400 }).toEqual({ chunk, perLine: true })
    }
  })
})

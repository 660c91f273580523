/**
 * Pull requests for end-to-end runs: a realistic multi-file one built from real git diffs
 * (`__tests__/fixtures/patches`), with the files a reviewer must skip (a lock file, a bundle,
 * an image GitHub sends no patch for), and a synthetic one of any size.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PullFileState } from '../emulators/github-state.js'

const PATCHES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'patches')
const patch = (name: string): string => readFileSync(join(PATCHES, `${name}.patch`), 'utf8')

export function realisticFiles(): PullFileState[] {
  return [
    { filename: 'src/cart/totals.js', status: 'modified', patch: patch('multi-hunk') },
    { filename: 'src/cart/discounts.js', status: 'added', patch: patch('added') },
    {
      filename: 'src/cart/money.js',
      previousFilename: 'src/money.js',
      status: 'renamed',
      patch: patch('renamed')
    },
    { filename: 'src/legacy/rounding.js', status: 'removed', patch: patch('deleted') },
    { filename: 'src/version.js', status: 'modified', patch: patch('no-newline') },
    {
      filename: 'package-lock.json',
      status: 'modified',
      patch: '@@ -1,3 +1,3 @@\n {\n-  "version": "1.0.0",\n+  "version": "1.1.0",\n'
    },
    {
      filename: 'dist/index.js',
      status: 'modified',
      patch: '@@ -1 +1 @@\n-var a=1\n+var a=2\n'
    },
    { filename: 'docs/cart.png', status: 'added', patch: undefined }
  ]
}

/** The files of `realisticFiles()` a reviewer should see (the others are skipped by default). */
export const REVIEWABLE = [
  'src/cart/totals.js',
  'src/cart/discounts.js',
  'src/cart/money.js',
  'src/version.js'
]

/** `count` modified source files, each with a small real-looking hunk. */
export function syntheticFiles(count: number): PullFileState[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(3, '0')
    return {
      filename: `src/modules/module-${n}.ts`,
      status: 'modified' as const,
      patch: [
        '@@ -10,6 +10,9 @@ export function handler' + n + '(input: Input): Output {',
        '   const value = parse(input)',
        '   if (!value) return EMPTY',
        `+  const limit = Number(process.env.LIMIT_${n} ?? ${i + 10})`,
        `+  if (value.items.length > limit) throw new Error('too many items in module ${n}')`,
        `+  log('module ${n} handled', value.items.length)`,
        '   return transform(value)',
        ' }',
        ' '
      ].join('\n')
    }
  })
}
